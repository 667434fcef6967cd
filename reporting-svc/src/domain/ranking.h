#ifndef CSM_REPORTING_SVC_DOMAIN_RANKING_H_
#define CSM_REPORTING_SVC_DOMAIN_RANKING_H_

// The staff ranking (考核排名, docs/reports.md "Staff ranking").
//
// Candidates: staff members with evidence in the period; those with fewer
// than min_evidence pieces, or with no data for every term, are unranked.
//
// Values: a rate metric is its Ratio; a count metric (visits done,
// resolutions) is the count over the largest count among the ranked
// candidates (no data when that largest count is 0). Each value is taken in
// billionths, rounded down, so all arithmetic is in integers and the same
// everywhere.
//
// Score: S = Σ weight × value over the terms with data, W = Σ weight over
// the same terms; score = S / W (so a missing rate is left out, not scored
// 0). Shown as 100 × S / W / 10^9 rounded half up to 2 decimals; compared
// exactly (S1 × W2 against S2 × W1).
//
// Order (ties broken in this order, each decision recorded in decided_by):
//   1. higher score;
//   2. each term in the formula's order: higher value, a value before no data;
//   3. more evidence;
//   4. staff id ascending (byte order).
// Places are 1, 2, 3 ... without gaps or shared places. Places up to
// first_tier_places are the first tier, up to second_tier_places the second.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/status.h"
#include "csm/reporting/v1/report_config.pb.h"
#include "csm/reporting/v1/reports.pb.h"
#include "reporting-svc/src/domain/rates.h"

namespace csm::reporting {

namespace rv1 = ::csm::reporting::v1;

struct ScoringTerm {
  rv1::RankingMetric metric = rv1::RANKING_METRIC_UNSPECIFIED;
  int weight = 0;
};

struct ScoringFormula {
  std::vector<ScoringTerm> terms;
  int first_tier_places = 3;
  int second_tier_places = 8;
  int min_evidence = 1;
};

// On-time rate 35, satisfaction 30, visits done 20, promises kept 15; tiers
// 1-3 and 4-8; min_evidence 1.
ScoringFormula DefaultScoringFormula();

// Appends a violation per problem, field paths under `field` (e.g.
// "scoring_formula"): 1..6 terms, each metric once and not UNSPECIFIED,
// weights 1..1000, first_tier_places >= 1, second_tier_places 0 or >=
// first_tier_places, both <= 1000, min_evidence 0..1000000.
void ValidateScoringFormula(const ScoringFormula& formula,
                            absl::string_view field,
                            FieldViolations* violations);

ScoringFormula FromProto(const rv1::ScoringFormula& proto);
// Fills the formula fields (terms, tiers, min_evidence) only.
void ToProto(const ScoringFormula& formula, rv1::ScoringFormula* out);

// What one staff member did in the period (the app layer reads it from the
// pre-aggregated tables).
struct StaffFigures {
  std::string staff_id;
  std::string department;
  Ratio on_time;
  Ratio satisfaction;
  Ratio promise_kept;
  Ratio visit_rate;
  int64_t visits_done = 0;
  int64_t resolved = 0;
  int64_t evidence = 0;
};

struct ScoredTerm {
  rv1::RankingMetric metric = rv1::RANKING_METRIC_UNSPECIFIED;
  int weight = 0;
  // Rates: the staff member's ratio; counts: count / largest count.
  Ratio value;
  // In billionths (meaningful only when !value.no_data()).
  int64_t billionths = 0;
};

struct RankedStaff {
  // 1.. for ranked entries, 0 for unranked ones.
  int place = 0;
  rv1::RewardTier tier = rv1::REWARD_TIER_UNSPECIFIED;
  StaffFigures figures;
  std::vector<ScoredTerm> terms;
  // S and W of the score (see above); W = 0: no term had data.
  int64_t score_weighted = 0;
  int64_t score_weight = 0;
  // 100 × S / W in hundredths, rounded half up (0..10000).
  int64_t score_hundredths = 0;
  // "score", a RANKING_METRIC_* name, "evidence" or "staff_id"; "" for
  // place 1 and unranked entries.
  std::string decided_by;
};

struct Ranking {
  std::vector<RankedStaff> ranked;
  // By staff id.
  std::vector<RankedStaff> unranked;
};

// Ranks the candidates (any order in; each staff id at most once). The
// formula must be valid.
Ranking RankStaff(const ScoringFormula& formula,
                  std::vector<StaffFigures> candidates);

// INTERNAL when a ratio does not fit the contract.
absl::Status ToProto(const RankedStaff& staff, rv1::RankingEntry* out);

}  // namespace csm::reporting

#endif  // CSM_REPORTING_SVC_DOMAIN_RANKING_H_
