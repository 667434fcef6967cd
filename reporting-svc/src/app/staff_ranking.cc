// 考核排名 (docs/reports.md, section 10): per staff member the metrics of
// the period from the report tables, scored and ordered by the pure
// RankStaff with the archivists' formula as it is when the report is read.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "common/status.h"
#include "reporting-svc/src/app/archive_aggregates.h"
#include "reporting-svc/src/app/complaint_aggregates.h"
#include "reporting-svc/src/app/figure_csv.h"
#include "reporting-svc/src/app/figure_sql.h"
#include "reporting-svc/src/app/report_config.h"
#include "reporting-svc/src/app/reports.h"
#include "reporting-svc/src/domain/ranking.h"

namespace csm::reporting {
namespace {

namespace f = figures;

// Each metric's counts of one staff member (the figures' staff columns).
struct StaffTally {
  Share on_time;           // settled deadlines: met on time by / charged to
  Share satisfied;         // confirmations of their resolutions
  Share promises_on_time;  // promises due: kept on time
  Share promises_settled;  // promises due: settled
  Share visits_answered;   // due occurrences of their archives: answered
  int64_t valid_visits = 0;
  int64_t resolved = 0;
};
// Hashed while spread out of the figures (a figure a staff member), ordered
// once by Candidates.
using StaffTallies = absl::flat_hash_map<std::string, StaffTally>;

absl::StatusOr<StaffTallies> Tally(MysqlConnection& conn,
                                   const FigureScope& scope) {
  namespace a = aggregates;
  CSM_ASSIGN_OR_RETURN(
      DayShares staff,
      AggregatedStaffFigures(
          conn, scope,
          {a::kStaffSettled, a::kStaffConfirmed, a::kStaffResolved,
           a::kStaffPromisesOnTime, a::kStaffPromisesSettled,
           a::kStaffVisitsDue, a::kStaffVisitsValid}));
  StaffTallies t;
  // Every figure but the promises kept names a candidate.
  auto spread = [&](const char* figure, auto set, bool names = true) {
    for (const auto& [k, share] : staff[figure]) {
      if (k.empty()) continue;
      if (names) {
        set(t[k], share);
      } else if (auto it = t.find(k); it != t.end()) {
        set(it->second, share);
      }
    }
  };
  spread(a::kStaffSettled, [](StaffTally& s, Share v) { s.on_time = v; });
  spread(a::kStaffConfirmed, [](StaffTally& s, Share v) { s.satisfied = v; });
  spread(a::kStaffPromisesSettled,
         [](StaffTally& s, Share v) { s.promises_settled = v; });
  spread(a::kStaffVisitsDue,
         [](StaffTally& s, Share v) { s.visits_answered = v; });
  spread(a::kStaffVisitsValid,
         [](StaffTally& s, Share v) { s.valid_visits = v.denominator; });
  spread(a::kStaffResolved,
         [](StaffTally& s, Share v) { s.resolved = v.denominator; });
  spread(
      a::kStaffPromisesOnTime,
      [](StaffTally& s, Share v) { s.promises_on_time = v; },
      /*names=*/false);
  return t;
}

template <typename V>
V Get(const std::map<std::string, V>& m, const std::string& k) {
  auto it = m.find(k);
  return it == m.end() ? V{} : it->second;
}

absl::StatusOr<StaffFigures> FiguresOf(const StaffTally& t,
                                       const std::string& staff) {
  StaffFigures s;
  s.staff_id = staff;
  CSM_ASSIGN_OR_RETURN(s.on_time,
                       Ratio::Of(t.on_time.numerator, t.on_time.denominator));
  CSM_ASSIGN_OR_RETURN(s.satisfaction, Ratio::Of(t.satisfied.numerator,
                                                 t.satisfied.denominator));
  CSM_ASSIGN_OR_RETURN(s.promise_kept, Ratio::Of(t.promises_on_time.numerator,
                                                 t.promises_settled.numerator));
  CSM_ASSIGN_OR_RETURN(s.visit_rate, Ratio::Of(t.visits_answered.numerator,
                                               t.visits_answered.denominator));
  s.visits_done = t.valid_visits;
  s.resolved = t.resolved;
  s.evidence = t.on_time.denominator + t.satisfied.denominator + s.visits_done +
               t.promises_settled.numerator + t.visits_answered.denominator;
  return s;
}

// Everyone with a figure, in the departments asked for (by their own
// department, not the facts'), in staff id order.
absl::StatusOr<std::vector<StaffFigures>> Candidates(
    const StaffTallies& t, const std::map<std::string, std::string>& depts,
    const rv1::ReportFilter& filter) {
  std::vector<const StaffTallies::value_type*> staff;
  staff.reserve(t.size());
  for (const auto& entry : t) staff.push_back(&entry);
  std::sort(staff.begin(), staff.end(),
            [](const auto* a, const auto* b) { return a->first < b->first; });
  const std::set<std::string> wanted(filter.departments().begin(),
                                     filter.departments().end());
  std::vector<StaffFigures> out;
  for (const auto* entry : staff) {
    const std::string dept = Get(depts, entry->first);
    if (!wanted.empty() && wanted.count(dept) == 0) continue;
    CSM_ASSIGN_OR_RETURN(StaffFigures figures,
                         FiguresOf(entry->second, entry->first));
    figures.department = dept;
    out.push_back(std::move(figures));
  }
  return out;
}

absl::Status FillRanking(MysqlConnection& conn, const ReportRequest& r,
                         rv1::StaffRanking* out) {
  CSM_ASSIGN_OR_RETURN(*out->mutable_formula(), ReadScoringFormula(conn));
  FigureScope scope = r.scope;
  scope.departments.clear();
  scope.staff_ids.clear();
  CSM_ASSIGN_OR_RETURN(StaffTallies tallies, Tally(conn, scope));
  CSM_ASSIGN_OR_RETURN(auto departments,
                       StaffDepartmentsBefore(conn, scope.end));
  CSM_ASSIGN_OR_RETURN(std::vector<StaffFigures> candidates,
                       Candidates(tallies, departments, r.applied));
  const Ranking ranking =
      RankStaff(FromProto(out->formula()), std::move(candidates));
  const std::set<std::string> shown(r.applied.staff_ids().begin(),
                                    r.applied.staff_ids().end());
  auto add = [&](const std::vector<RankedStaff>& from,
                 google::protobuf::RepeatedPtrField<rv1::RankingEntry>* to) {
    for (const RankedStaff& s : from) {
      if (!shown.empty() && shown.count(s.figures.staff_id) == 0) continue;
      CSM_RETURN_IF_ERROR(ToProto(s, to->Add()));
    }
    return absl::OkStatus();
  };
  CSM_RETURN_IF_ERROR(add(ranking.ranked, out->mutable_entries()));
  return add(ranking.unranked, out->mutable_unranked());
}

// "RANKING_METRIC_ON_TIME_RATE" -> "on_time_rate".
std::string MetricColumn(rv1::RankingMetric metric) {
  return absl::AsciiStrToLower(
      absl::StripPrefix(rv1::RankingMetric_Name(metric), "RANKING_METRIC_"));
}

std::vector<std::string> RankingRow(const rv1::RankingEntry& e) {
  const char* tier = e.tier() == rv1::REWARD_TIER_FIRST    ? "first"
                     : e.tier() == rv1::REWARD_TIER_SECOND ? "second"
                                                           : "";
  std::vector<std::string> row = {
      e.place() > 0 ? absl::StrCat(e.place()) : "",
      tier,
      e.staff_id(),
      e.department(),
      e.place() > 0 ? absl::StrFormat("%.2f", e.score()) : "",
      absl::StrCat(e.evidence()),
      e.decided_by()};
  for (const rv1::MetricValue& m : e.metrics()) {
    row.push_back(absl::StrCat(m.value().numerator()));
    row.push_back(absl::StrCat(m.value().denominator()));
    row.push_back(CsvPercent(m.value()));
  }
  return row;
}

}  // namespace

rv1::CsvExport RankingCsv(const rv1::StaffRanking& ranking) {
  std::vector<std::string> header = {"place",      "tier",  "staff_id",
                                     "department", "score", "evidence",
                                     "decided_by"};
  for (const rv1::ScoringTerm& t : ranking.formula().terms()) {
    const std::string m = MetricColumn(t.metric());
    for (const char* part : {"_numerator", "_denominator", "_percent"}) {
      header.push_back(absl::StrCat(m, part));
    }
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto* list : {&ranking.entries(), &ranking.unranked()}) {
    for (const rv1::RankingEntry& e : *list) rows.push_back(RankingRow(e));
  }
  return TableCsv("staff-ranking", ranking.period().label(), header, rows);
}

absl::StatusOr<rv1::StaffRanking> GetStaffRanking(
    const ReportContext& ctx, const CallContext& call,
    const rv1::GetStaffRankingRequest& request) {
  return ComputeReport<rv1::StaffRanking>(
      ctx, call, request, FilterPolicyOf(rv1::REPORT_KIND_STAFF_RANKING),
      FillRanking, RankingCsv);
}

}  // namespace csm::reporting
