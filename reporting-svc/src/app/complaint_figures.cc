#include "reporting-svc/src/app/complaint_figures.h"

#include <functional>
#include <map>
#include <string>

#include "common/status.h"
#include "reporting-svc/src/app/complaint_aggregates.h"
#include "reporting-svc/src/app/distinct_figures.h"
#include "reporting-svc/src/app/figure_sql.h"
#include "reporting-svc/src/domain/rates.h"
#include "reporting-svc/src/domain/working_time_stats.h"

namespace csm::reporting {
namespace {

using Figures = std::map<std::string, rv1::ComplaintFigures>;

GroupKey KeyOf(rv1::ComplaintDimension dimension) {
  switch (dimension) {
    case rv1::COMPLAINT_DIMENSION_CATEGORY:
      return GroupByColumn("c.category");
    case rv1::COMPLAINT_DIMENSION_SEVERITY:
      return GroupByColumn("c.severity");
    case rv1::COMPLAINT_DIMENSION_DEPARTMENT:
      return GroupByDepartment();
    case rv1::COMPLAINT_DIMENSION_CAUSE:
      return GroupByColumn("c.cause");
    case rv1::COMPLAINT_DIMENSION_RESPONSIBILITY:
      return GroupByColumn("c.responsibility");
    case rv1::COMPLAINT_DIMENSION_CUSTOMER_GRADE:
      return GroupByColumn("c.customer_grade");
    case rv1::COMPLAINT_DIMENSION_CHANNEL:
      return GroupByColumn("c.channel");
    default:
      return GroupAll();
  }
}

using CountSetter = void (rv1::ComplaintFigures::*)(int32_t);
using RatioField = rv1::Ratio* (rv1::ComplaintFigures::*)();
using StatsField = rv1::WorkingMinutesStats* (rv1::ComplaintFigures::*)();

absl::Status Count(MysqlConnection& conn, const FigureSql& sql,
                   const FigureScope& scope, GroupKey key, const char* value,
                   CountSetter set, Figures* out) {
  CSM_ASSIGN_OR_RETURN(auto groups, CountGroups(conn, sql, scope, key, value));
  for (const auto& [k, n] : groups) ((*out)[k].*set)(static_cast<int32_t>(n));
  return absl::OkStatus();
}

absl::Status Rate(MysqlConnection& conn, const FigureSql& sql,
                  const FigureScope& scope, GroupKey key, const char* hit,
                  RatioField field, Figures* out) {
  CSM_ASSIGN_OR_RETURN(auto groups, ShareGroups(conn, sql, scope, key, hit));
  for (const auto& [k, share] : groups) {
    CSM_ASSIGN_OR_RETURN(Ratio r,
                         Ratio::Of(share.numerator, share.denominator));
    CSM_RETURN_IF_ERROR(ToProto(r, ((*out)[k].*field)()));
  }
  return absl::OkStatus();
}

absl::Status Stats(MysqlConnection& conn, const FigureSql& sql,
                   const FigureScope& scope, GroupKey key, const char* minutes,
                   StatsField field, Figures* out) {
  CSM_ASSIGN_OR_RETURN(auto groups,
                       HistogramGroups(conn, sql, scope, key, minutes));
  for (const auto& [k, histogram] : groups) {
    CSM_RETURN_IF_ERROR(ToProto(Summarize(histogram), ((*out)[k].*field)()));
  }
  return absl::OkStatus();
}

// A group that has only some figures still shows "no data" for the rest.
void FillNoData(rv1::ComplaintFigures& f) {
  for (rv1::Ratio* r :
       {f.mutable_acknowledge_on_time(), f.mutable_investigated_on_time(),
        f.mutable_handling_on_time(), f.mutable_resolution_rate(),
        f.mutable_satisfaction_rate()}) {
    if (r->denominator() == 0) r->set_no_data(true);
  }
  for (rv1::WorkingMinutesStats* s :
       {f.mutable_acknowledge_time(), f.mutable_handling_time()}) {
    if (s->count() == 0) s->set_no_data(true);
  }
}

// The distinct counts, from the complaint tables (complaint_aggregates.cc).
absl::Status CountDistinct(MysqlConnection& conn, const FigureScope& scope,
                           GroupKey key, Figures* out) {
  namespace f = figures;
  using F = rv1::ComplaintFigures;
  CSM_RETURN_IF_ERROR(Count(conn, f::kEscalated, scope, key,
                            "DISTINCT f.complaint", &F::set_escalated, out));
  return Count(conn, f::kBreached, scope, key, "DISTINCT d.complaint",
               &F::set_overdue, out);
}

// The same figures from the day tables (DayTablesServe).
// The counts and rates of the day rows into `out`, by key.
absl::Status DayCountsInto(DayShares& days, Figures* out) {
  namespace a = aggregates;
  using F = rv1::ComplaintFigures;
  for (const auto& [id, set] :
       std::initializer_list<std::pair<const char*, CountSetter>>{
           {a::kReceived, &F::set_received},
           {a::kLinked, &F::set_repeat_contacts},
           {a::kAccepted, &F::set_accepted},
           {a::kResolved, &F::set_resolved},
           {a::kClosed, &F::set_closed},
           {a::kReopened, &F::set_reopened},
           {a::kRejected, &F::set_rejected}}) {
    for (const auto& [k, share] : days[id]) {
      ((*out)[k].*set)(static_cast<int32_t>(share.denominator));
    }
  }
  for (const auto& [id, field] :
       std::initializer_list<std::pair<const char*, RatioField>>{
           {a::kAcknowledgeSettled, &F::mutable_acknowledge_on_time},
           {a::kInvestigatedSettled, &F::mutable_investigated_on_time},
           {a::kHandlingSettled, &F::mutable_handling_on_time},
           {a::kAccepted, &F::mutable_resolution_rate},
           {a::kConfirmed, &F::mutable_satisfaction_rate}}) {
    for (const auto& [k, share] : days[id]) {
      CSM_ASSIGN_OR_RETURN(Ratio r,
                           Ratio::Of(share.numerator, share.denominator));
      CSM_RETURN_IF_ERROR(ToProto(r, ((*out)[k].*field)()));
    }
  }
  return absl::OkStatus();
}

// The working-minute summaries of the day histograms into `out`, by key.
absl::Status DayMinutesInto(DayHistograms& minutes, Figures* out) {
  namespace a = aggregates;
  using F = rv1::ComplaintFigures;
  for (const auto& [id, field] :
       std::initializer_list<std::pair<const char*, StatsField>>{
           {a::kAcknowledgeMinutes, &F::mutable_acknowledge_time},
           {a::kHandlingMinutes, &F::mutable_handling_time}}) {
    for (const auto& [k, histogram] : minutes[id]) {
      CSM_RETURN_IF_ERROR(ToProto(Summarize(histogram), ((*out)[k].*field)()));
    }
  }
  return absl::OkStatus();
}

// The distinct counts from the day rows of a whole week, month or quarter
// (distinct_figures.h), else from the complaint tables. The company's rows
// are credited to no department: a department filter of the whole reads
// the complaint tables.
absl::Status DistinctInto(MysqlConnection& conn, const FigureScope& scope,
                          GroupKey key, DayShares& days, Figures* out) {
  using F = rv1::ComplaintFigures;
  const auto ids = DistinctDayFigures(scope.first, scope.last, key.all);
  if (!ids.has_value() || (key.all && !scope.departments.empty())) {
    return CountDistinct(conn, scope, key, out);
  }
  for (const auto& [id, set] :
       std::initializer_list<std::pair<const char*, CountSetter>>{
           {ids->escalated, &F::set_escalated},
           {ids->overdue, &F::set_overdue}}) {
    for (const auto& [k, share] : days[id]) {
      ((*out)[k].*set)(static_cast<int32_t>(share.denominator));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Figures> FiguresFromDays(MysqlConnection& conn,
                                        const FigureScope& scope, GroupKey key,
                                        DayShares* days_read, bool minutes) {
  CSM_ASSIGN_OR_RETURN(DayShares days, DayCounts(conn, scope, !key.all));
  Figures out;
  CSM_RETURN_IF_ERROR(DayCountsInto(days, &out));
  CSM_RETURN_IF_ERROR(DistinctInto(conn, scope, key, days, &out));
  if (minutes) {
    CSM_ASSIGN_OR_RETURN(DayHistograms histograms,
                         DayMinutes(conn, scope, !key.all));
    CSM_RETURN_IF_ERROR(DayMinutesInto(histograms, &out));
  }
  for (auto& [k, figures] : out) FillNoData(figures);
  if (days_read != nullptr) *days_read = std::move(days);
  return out;
}

}  // namespace

absl::StatusOr<Figures> ComplaintFiguresBy(MysqlConnection& conn,
                                           const FigureScope& scope,
                                           rv1::ComplaintDimension dimension,
                                           DayShares* days_read, bool minutes) {
  const GroupKey key = KeyOf(dimension);
  if (DayTablesServe(scope, key)) {
    return FiguresFromDays(conn, scope, key, days_read, minutes);
  }
  return ComplaintFiguresFromComplaintTables(conn, scope, dimension);
}

absl::StatusOr<Figures> ComplaintFiguresFromComplaintTables(
    MysqlConnection& conn, const FigureScope& scope,
    rv1::ComplaintDimension dimension) {
  namespace f = figures;
  using F = rv1::ComplaintFigures;
  const GroupKey key = KeyOf(dimension);
  Figures out;
  CSM_RETURN_IF_ERROR(
      Count(conn, f::kReceived, scope, key, "*", &F::set_received, &out));
  CSM_RETURN_IF_ERROR(
      Count(conn, f::kLinked, scope, key, "*", &F::set_repeat_contacts, &out));
  CSM_RETURN_IF_ERROR(
      Count(conn, f::kAccepted, scope, key, "*", &F::set_accepted, &out));
  CSM_RETURN_IF_ERROR(
      Count(conn, f::kResolved, scope, key, "*", &F::set_resolved, &out));
  CSM_RETURN_IF_ERROR(
      Count(conn, f::kClosed, scope, key, "*", &F::set_closed, &out));
  CSM_RETURN_IF_ERROR(
      Count(conn, f::kReopened, scope, key, "*", &F::set_reopened, &out));
  CSM_RETURN_IF_ERROR(
      Count(conn, f::kRejected, scope, key, "*", &F::set_rejected, &out));
  CSM_RETURN_IF_ERROR(CountDistinct(conn, scope, key, &out));
  CSM_RETURN_IF_ERROR(Rate(conn, f::kAcknowledgeSettled, scope, key,
                           f::kMetOnTime, &F::mutable_acknowledge_on_time,
                           &out));
  CSM_RETURN_IF_ERROR(Rate(conn, f::kInvestigatedSettled, scope, key,
                           f::kMetOnTime, &F::mutable_investigated_on_time,
                           &out));
  CSM_RETURN_IF_ERROR(Rate(conn, f::kHandlingSettled, scope, key, f::kMetOnTime,
                           &F::mutable_handling_on_time, &out));
  CSM_RETURN_IF_ERROR(Rate(conn, f::kAccepted, scope, key, f::kNowResolved,
                           &F::mutable_resolution_rate, &out));
  CSM_RETURN_IF_ERROR(Rate(conn, f::kConfirmed, scope, key, f::kSatisfied,
                           &F::mutable_satisfaction_rate, &out));
  CSM_RETURN_IF_ERROR(Stats(conn, f::kAccepted, scope, key,
                            "c.acknowledge_minutes",
                            &F::mutable_acknowledge_time, &out));
  CSM_RETURN_IF_ERROR(Stats(conn, f::kFirstResolved, scope, key,
                            "c.handling_minutes", &F::mutable_handling_time,
                            &out));
  for (auto& [k, figures] : out) FillNoData(figures);
  return out;
}

absl::StatusOr<rv1::ComplaintFigures> ComplaintTotals(MysqlConnection& conn,
                                                      const FigureScope& scope,
                                                      DayShares* days_read) {
  CSM_ASSIGN_OR_RETURN(
      Figures all,
      ComplaintFiguresBy(conn, scope, rv1::COMPLAINT_DIMENSION_UNSPECIFIED,
                         days_read));
  rv1::ComplaintFigures total = all[""];
  FillNoData(total);
  return total;
}

absl::StatusOr<int64_t> CompanyOverdue(MysqlConnection& conn,
                                       const FigureScope& scope,
                                       DayShares& days) {
  const auto ids = DistinctDayFigures(scope.first, scope.last, true);
  if (ids.has_value() && scope.departments.empty() &&
      DayTablesServe(scope, GroupAll())) {
    return days[ids->overdue][""].denominator;
  }
  CSM_ASSIGN_OR_RETURN(auto all,
                       CountGroups(conn, figures::kBreached, scope, GroupAll(),
                                   "DISTINCT d.complaint"));
  return all[""];
}

void SetEscalationCounts(
    const std::map<std::string, int64_t>& levels,
    google::protobuf::RepeatedPtrField<rv1::EscalationCount>* out) {
  for (int l = csm::complaint::v1::ESCALATION_LEVEL_SUPERVISOR;
       l <= csm::complaint::v1::ESCALATION_LEVEL_GENERAL_MANAGER; ++l) {
    const auto level = static_cast<csm::complaint::v1::EscalationLevel>(l);
    auto it = levels.find(csm::complaint::v1::EscalationLevel_Name(level));
    rv1::EscalationCount* c = out->Add();
    c->set_level(level);
    c->set_count(it == levels.end() ? 0 : static_cast<int32_t>(it->second));
  }
}

}  // namespace csm::reporting
