#include "reporting-svc/src/domain/ranking.h"

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace csm::reporting {
namespace {

constexpr int kMaxTerms = 6;
constexpr int kMaxWeight = 1000;
constexpr int kMaxPlaces = 1000;
constexpr int kMaxMinEvidence = 1000000;

bool IsCountMetric(rv1::RankingMetric m) {
  return m == rv1::RANKING_METRIC_VISITS_DONE ||
         m == rv1::RANKING_METRIC_RESOLVED;
}

int64_t CountOf(const StaffFigures& f, rv1::RankingMetric m) {
  return std::max<int64_t>(
      0, m == rv1::RANKING_METRIC_VISITS_DONE ? f.visits_done : f.resolved);
}

Ratio RateOf(const StaffFigures& f, rv1::RankingMetric m) {
  switch (m) {
    case rv1::RANKING_METRIC_ON_TIME_RATE:
      return f.on_time;
    case rv1::RANKING_METRIC_SATISFACTION_RATE:
      return f.satisfaction;
    case rv1::RANKING_METRIC_PROMISE_KEPT_RATE:
      return f.promise_kept;
    case rv1::RANKING_METRIC_VISIT_RATE:
      return f.visit_rate;
    default:
      return Ratio();
  }
}

struct Maxima {
  int64_t visits_done = 0;
  int64_t resolved = 0;
  int64_t of(rv1::RankingMetric m) const {
    return m == rv1::RANKING_METRIC_VISITS_DONE ? visits_done : resolved;
  }
};

RankedStaff Score(const ScoringFormula& formula, StaffFigures figures,
                  const Maxima& maxima) {
  RankedStaff r;
  for (const ScoringTerm& term : formula.terms) {
    ScoredTerm t{term.metric, term.weight, Ratio(), 0};
    if (IsCountMetric(term.metric)) {
      const int64_t max = maxima.of(term.metric);
      if (max > 0) {
        t.value = Ratio::Of(CountOf(figures, term.metric), max).value();
      }
    } else {
      t.value = RateOf(figures, term.metric);
    }
    if (!t.value.no_data()) {
      t.billionths = *t.value.Billionths();
      r.score_weighted += static_cast<int64_t>(term.weight) * t.billionths;
      r.score_weight += term.weight;
    }
    r.terms.push_back(t);
  }
  if (r.score_weight > 0) {
    // 100 × S / W / 10^9 in hundredths = S × 10^4 / (W × 10^9).
    r.score_hundredths = DivideRoundHalfUp(r.score_weighted * 10000,
                                           r.score_weight * 1000000000);
  }
  r.figures = std::move(figures);
  return r;
}

// < 0 when a ranks before b, > 0 after, and the criterion that decided.
std::pair<int, std::string> Decide(const RankedStaff& a, const RankedStaff& b) {
  const __int128 lhs = static_cast<__int128>(a.score_weighted) * b.score_weight;
  const __int128 rhs = static_cast<__int128>(b.score_weighted) * a.score_weight;
  if (lhs != rhs) return {lhs > rhs ? -1 : 1, "score"};
  for (size_t i = 0; i < a.terms.size(); ++i) {
    const ScoredTerm& x = a.terms[i];
    const ScoredTerm& y = b.terms[i];
    const std::string name = rv1::RankingMetric_Name(x.metric);
    if (x.value.no_data() != y.value.no_data()) {
      return {x.value.no_data() ? 1 : -1, name};
    }
    if (!x.value.no_data() && x.billionths != y.billionths) {
      return {x.billionths > y.billionths ? -1 : 1, name};
    }
  }
  if (a.figures.evidence != b.figures.evidence) {
    return {a.figures.evidence > b.figures.evidence ? -1 : 1, "evidence"};
  }
  const int c = a.figures.staff_id.compare(b.figures.staff_id);
  return {c < 0 ? -1 : (c > 0 ? 1 : 0), "staff_id"};
}

rv1::RewardTier TierOf(const ScoringFormula& f, int place) {
  if (place <= f.first_tier_places) return rv1::REWARD_TIER_FIRST;
  if (place <= f.second_tier_places) return rv1::REWARD_TIER_SECOND;
  return rv1::REWARD_TIER_UNSPECIFIED;
}

}  // namespace

ScoringFormula DefaultScoringFormula() {
  ScoringFormula f;
  f.terms = {{rv1::RANKING_METRIC_ON_TIME_RATE, 35},
             {rv1::RANKING_METRIC_SATISFACTION_RATE, 30},
             {rv1::RANKING_METRIC_VISITS_DONE, 20},
             {rv1::RANKING_METRIC_PROMISE_KEPT_RATE, 15}};
  return f;
}

void ValidateScoringFormula(const ScoringFormula& formula,
                            absl::string_view field, FieldViolations* v) {
  if (formula.terms.empty() ||
      formula.terms.size() > static_cast<size_t>(kMaxTerms)) {
    v->Add(absl::StrCat(field, ".terms"),
           absl::StrCat("give 1..", kMaxTerms, " terms"));
  }
  std::set<int> seen;
  for (size_t i = 0; i < formula.terms.size(); ++i) {
    const ScoringTerm& t = formula.terms[i];
    const std::string path = absl::StrCat(field, ".terms[", i, "]");
    if (t.metric == rv1::RANKING_METRIC_UNSPECIFIED ||
        !rv1::RankingMetric_IsValid(t.metric)) {
      v->Add(absl::StrCat(path, ".metric"),
             "required: a RANKING_METRIC_* value");
    } else if (!seen.insert(t.metric).second) {
      v->Add(absl::StrCat(path, ".metric"),
             absl::StrCat(rv1::RankingMetric_Name(t.metric),
                          " is already a term"));
    }
    if (t.weight < 1 || t.weight > kMaxWeight) {
      v->Add(absl::StrCat(path, ".weight"),
             absl::StrCat("must be 1..", kMaxWeight));
    }
  }
  if (formula.first_tier_places < 1 || formula.first_tier_places > kMaxPlaces) {
    v->Add(absl::StrCat(field, ".first_tier_places"),
           absl::StrCat("must be 1..", kMaxPlaces));
  }
  if (formula.second_tier_places != 0 &&
      (formula.second_tier_places < formula.first_tier_places ||
       formula.second_tier_places > kMaxPlaces)) {
    v->Add(absl::StrCat(field, ".second_tier_places"),
           absl::StrCat("must be 0 (no second tier) or ",
                        formula.first_tier_places, "..", kMaxPlaces));
  }
  if (formula.min_evidence < 0 || formula.min_evidence > kMaxMinEvidence) {
    v->Add(absl::StrCat(field, ".min_evidence"),
           absl::StrCat("must be 0..", kMaxMinEvidence));
  }
}

ScoringFormula FromProto(const rv1::ScoringFormula& proto) {
  ScoringFormula f;
  for (const rv1::ScoringTerm& t : proto.terms()) {
    f.terms.push_back({t.metric(), t.weight()});
  }
  f.first_tier_places = proto.first_tier_places();
  f.second_tier_places = proto.second_tier_places();
  f.min_evidence = proto.min_evidence();
  return f;
}

void ToProto(const ScoringFormula& formula, rv1::ScoringFormula* out) {
  out->clear_terms();
  for (const ScoringTerm& t : formula.terms) {
    rv1::ScoringTerm* term = out->add_terms();
    term->set_metric(t.metric);
    term->set_weight(t.weight);
  }
  out->set_first_tier_places(formula.first_tier_places);
  out->set_second_tier_places(formula.second_tier_places);
  out->set_min_evidence(formula.min_evidence);
}

Ranking RankStaff(const ScoringFormula& formula,
                  std::vector<StaffFigures> candidates) {
  Ranking out;
  std::vector<StaffFigures> eligible;
  Maxima maxima;
  for (StaffFigures& c : candidates) {
    if (c.evidence < formula.min_evidence) {
      out.unranked.push_back(Score(formula, std::move(c), Maxima()));
      continue;
    }
    maxima.visits_done = std::max(maxima.visits_done, c.visits_done);
    maxima.resolved = std::max(maxima.resolved, c.resolved);
    eligible.push_back(std::move(c));
  }
  for (StaffFigures& c : eligible) {
    RankedStaff r = Score(formula, std::move(c), maxima);
    (r.score_weight > 0 ? out.ranked : out.unranked).push_back(std::move(r));
  }
  std::sort(out.ranked.begin(), out.ranked.end(),
            [](const RankedStaff& a, const RankedStaff& b) {
              return Decide(a, b).first < 0;
            });
  for (size_t i = 0; i < out.ranked.size(); ++i) {
    RankedStaff& r = out.ranked[i];
    r.place = static_cast<int>(i) + 1;
    r.tier = TierOf(formula, r.place);
    if (i > 0) r.decided_by = Decide(out.ranked[i - 1], r).second;
  }
  std::sort(out.unranked.begin(), out.unranked.end(),
            [](const RankedStaff& a, const RankedStaff& b) {
              return a.figures.staff_id < b.figures.staff_id;
            });
  for (RankedStaff& r : out.unranked) {
    r.score_hundredths = 0;
  }
  return out;
}

absl::Status ToProto(const RankedStaff& staff, rv1::RankingEntry* out) {
  out->set_place(staff.place);
  out->set_tier(staff.tier);
  out->set_staff_id(staff.figures.staff_id);
  out->set_department(staff.figures.department);
  out->set_score(static_cast<double>(staff.score_hundredths) / 100.0);
  out->clear_metrics();
  for (const ScoredTerm& t : staff.terms) {
    rv1::MetricValue* m = out->add_metrics();
    m->set_metric(t.metric);
    m->set_weight(t.weight);
    absl::Status s = ToProto(t.value, m->mutable_value());
    if (!s.ok()) return s;
  }
  out->set_evidence(static_cast<int32_t>(
      std::min<int64_t>(staff.figures.evidence, INT32_MAX)));
  out->set_decided_by(staff.decided_by);
  return absl::OkStatus();
}

}  // namespace csm::reporting
