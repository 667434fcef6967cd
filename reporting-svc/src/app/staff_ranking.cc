// 考核排名 (docs/reports.md, section 10): per staff member the metrics of
// the period from the report tables, scored and ordered by the pure
// RankStaff with the archivists' formula as it is when the report is read.
#include <map>
#include <set>
#include <string>
#include <vector>

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
using Shares = std::map<std::string, Share>;
using Counts = std::map<std::string, int64_t>;

// Each metric's counts per staff member (the figures' staff columns).
struct StaffTallies {
  Shares on_time;           // settled deadlines: met on time by / charged to
  Shares satisfied;         // confirmations of their resolutions
  Shares promises_on_time;  // promises due: kept on time
  Shares promises_settled;  // promises due: settled
  Shares visits_answered;   // due occurrences of their archives: answered
  Counts valid_visits;
  Counts resolved;
};

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
  t.on_time = std::move(staff[a::kStaffSettled]);
  t.satisfied = std::move(staff[a::kStaffConfirmed]);
  t.promises_on_time = std::move(staff[a::kStaffPromisesOnTime]);
  t.promises_settled = std::move(staff[a::kStaffPromisesSettled]);
  t.visits_answered = std::move(staff[a::kStaffVisitsDue]);
  for (const auto& [k, share] : staff[a::kStaffVisitsValid]) {
    t.valid_visits[k] = share.denominator;
  }
  for (const auto& [k, share] : staff[a::kStaffResolved]) {
    t.resolved[k] = share.denominator;
  }
  return t;
}

template <typename V>
V Get(const std::map<std::string, V>& m, const std::string& k) {
  auto it = m.find(k);
  return it == m.end() ? V{} : it->second;
}

absl::StatusOr<StaffFigures> FiguresOf(const StaffTallies& t,
                                       const std::string& staff) {
  StaffFigures s;
  s.staff_id = staff;
  const Share on_time = Get(t.on_time, staff);
  const Share satisfied = Get(t.satisfied, staff);
  const Share kept = Get(t.promises_on_time, staff);
  const Share settled = Get(t.promises_settled, staff);
  const Share answered = Get(t.visits_answered, staff);
  CSM_ASSIGN_OR_RETURN(s.on_time,
                       Ratio::Of(on_time.numerator, on_time.denominator));
  CSM_ASSIGN_OR_RETURN(s.satisfaction,
                       Ratio::Of(satisfied.numerator, satisfied.denominator));
  CSM_ASSIGN_OR_RETURN(s.promise_kept,
                       Ratio::Of(kept.numerator, settled.numerator));
  CSM_ASSIGN_OR_RETURN(s.visit_rate,
                       Ratio::Of(answered.numerator, answered.denominator));
  s.visits_done = Get(t.valid_visits, staff);
  s.resolved = Get(t.resolved, staff);
  s.evidence = on_time.denominator + satisfied.denominator + s.visits_done +
               settled.numerator + answered.denominator;
  return s;
}

// Everyone with a figure, in the departments asked for (by their own
// department, not the facts').
absl::StatusOr<std::vector<StaffFigures>> Candidates(
    const StaffTallies& t, const std::map<std::string, std::string>& depts,
    const rv1::ReportFilter& filter) {
  std::set<std::string> staff;
  for (const Shares* m :
       {&t.on_time, &t.satisfied, &t.promises_settled, &t.visits_answered}) {
    for (const auto& [k, v] : *m) staff.insert(k);
  }
  for (const Counts* m : {&t.valid_visits, &t.resolved}) {
    for (const auto& [k, v] : *m) staff.insert(k);
  }
  const std::set<std::string> wanted(filter.departments().begin(),
                                     filter.departments().end());
  std::vector<StaffFigures> out;
  for (const std::string& s : staff) {
    if (s.empty()) continue;
    const std::string dept = Get(depts, s);
    if (!wanted.empty() && wanted.count(dept) == 0) continue;
    CSM_ASSIGN_OR_RETURN(StaffFigures figures, FiguresOf(t, s));
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
