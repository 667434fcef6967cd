#include "reporting-svc/src/app/visit_figures.h"

#include <map>
#include <string>

#include "common/status.h"
#include "csm/common/v1/common.pb.h"
#include "reporting-svc/src/app/archive_aggregates.h"
#include "reporting-svc/src/app/complaint_aggregates.h"
#include "reporting-svc/src/app/figure_sql.h"
#include "reporting-svc/src/domain/rates.h"

namespace csm::reporting {
namespace {

namespace f = figures;
using csm::common::v1::Satisfaction;

absl::StatusOr<Ratio> RatioOf(int64_t numerator, int64_t denominator) {
  return Ratio::Of(numerator, denominator);
}

absl::Status SetRatio(int64_t numerator, int64_t denominator, rv1::Ratio* out) {
  CSM_ASSIGN_OR_RETURN(Ratio r, RatioOf(numerator, denominator));
  CSM_RETURN_IF_ERROR(ToProto(r, out));
  if (r.no_data()) out->set_no_data(true);
  return absl::OkStatus();
}

}  // namespace

int64_t SatisfiedCount(const std::map<std::string, int64_t>& counts) {
  int64_t n = 0;
  for (const char* level :
       {"SATISFACTION_SATISFIED", "SATISFACTION_FAIRLY_SATISFIED"}) {
    auto it = counts.find(level);
    if (it != counts.end()) n += it->second;
  }
  return n;
}

int64_t RatedCount(const std::map<std::string, int64_t>& counts) {
  int64_t n = 0;
  for (const auto& [level, count] : counts) {
    if (level != "SATISFACTION_UNSPECIFIED") n += count;
  }
  return n;
}

void SetDistribution(
    const std::map<std::string, int64_t>& counts,
    google::protobuf::RepeatedPtrField<rv1::SatisfactionCount>* out) {
  for (int s = csm::common::v1::SATISFACTION_SATISFIED;
       s <= csm::common::v1::SATISFACTION_VERY_DISSATISFIED; ++s) {
    rv1::SatisfactionCount* c = out->Add();
    c->set_satisfaction(static_cast<Satisfaction>(s));
    auto it = counts.find(
        csm::common::v1::Satisfaction_Name(static_cast<Satisfaction>(s)));
    c->set_count(it == counts.end() ? 0 : static_cast<int32_t>(it->second));
  }
}

namespace {

// The figures' counts, per key: from the day tables or the visit tables.
struct VisitCounts {
  std::map<std::string, Share> answered, on_time, overdue, valid;
  std::map<std::string, std::map<std::string, int64_t>> levels;
};

absl::StatusOr<VisitCounts> FromVisitTables(MysqlConnection& conn,
                                            const FigureScope& scope,
                                            GroupKey key) {
  VisitCounts c;
  CSM_ASSIGN_OR_RETURN(
      c.answered, ShareGroups(conn, f::kVisitsDue, scope, key, f::kAnswered));
  CSM_ASSIGN_OR_RETURN(c.on_time, ShareGroups(conn, f::kVisitsDue, scope, key,
                                              f::kAnsweredOnTime));
  CSM_ASSIGN_OR_RETURN(c.overdue, ShareGroups(conn, f::kVisitsDue, scope, key,
                                              f::kOccurrenceOverdue));
  CSM_ASSIGN_OR_RETURN(
      c.valid, ShareGroups(conn, f::kVisitsDone, scope, key, f::kCounted));
  CSM_ASSIGN_OR_RETURN(c.levels, CountByDetail(conn, f::kVisitsValid, scope,
                                               key, "v.satisfaction"));
  return c;
}

VisitCounts FromDays(DayShares& days) {
  namespace a = aggregates;
  VisitCounts c;
  c.answered = days[a::kVisitsDue];
  c.on_time = days[a::kVisitsDueOnTime];
  c.overdue = days[a::kVisitsDueOverdue];
  c.valid = days[a::kVisitsDone];
  for (const LevelFigure& l : ValidVisitLevels()) {
    for (const auto& [k, share] : days[l.figure]) {
      c.levels[k][l.level] = share.denominator;
    }
  }
  return c;
}

// The day rows of `scope` (by department unless `key.all`): `days` when
// given, else read.
absl::StatusOr<DayShares> DaysOf(MysqlConnection& conn,
                                 const FigureScope& scope, GroupKey key,
                                 const DayShares* days) {
  if (days != nullptr) return *days;
  return DayCounts(conn, scope, !key.all);
}

// The figures of each key from its counts.
absl::StatusOr<std::map<std::string, rv1::VisitFigures>> Build(VisitCounts& c,
                                                               GroupKey key) {
  std::map<std::string, rv1::VisitFigures> out;
  if (key.all) out[""];
  for (const auto* m : {&c.answered, &c.valid}) {
    for (const auto& [k, share] : *m) out[k];
  }
  for (auto& [k, v] : out) {
    const Share due = c.answered[k];
    v.set_due(static_cast<int32_t>(due.denominator));
    v.set_answered(static_cast<int32_t>(due.numerator));
    v.set_answered_on_time(static_cast<int32_t>(c.on_time[k].numerator));
    v.set_overdue(static_cast<int32_t>(c.overdue[k].numerator));
    CSM_RETURN_IF_ERROR(
        SetRatio(due.numerator, due.denominator, v.mutable_visit_rate()));
    CSM_RETURN_IF_ERROR(SetRatio(c.on_time[k].numerator, due.denominator,
                                 v.mutable_on_time_rate()));
    const Share done = c.valid[k];
    v.set_done(static_cast<int32_t>(done.denominator));
    v.set_valid(static_cast<int32_t>(done.numerator));
    v.set_invalid(static_cast<int32_t>(done.denominator - done.numerator));
    SetDistribution(c.levels[k], v.mutable_distribution());
    CSM_RETURN_IF_ERROR(SetRatio(SatisfiedCount(c.levels[k]), done.numerator,
                                 v.mutable_satisfaction_rate()));
  }
  return out;
}

}  // namespace

absl::StatusOr<std::map<std::string, rv1::VisitFigures>> VisitFiguresBy(
    MysqlConnection& conn, const FigureScope& scope, GroupKey key,
    const DayShares* days) {
  if (!DayTablesServe(scope, key)) {
    return VisitFiguresFromVisitTables(conn, scope, key);
  }
  CSM_ASSIGN_OR_RETURN(DayShares read, DaysOf(conn, scope, key, days));
  VisitCounts c = FromDays(read);
  return Build(c, key);
}

absl::StatusOr<std::map<std::string, rv1::VisitFigures>>
VisitFiguresFromVisitTables(MysqlConnection& conn, const FigureScope& scope,
                            GroupKey key) {
  CSM_ASSIGN_OR_RETURN(VisitCounts c, FromVisitTables(conn, scope, key));
  return Build(c, key);
}

namespace {

// made, kept, due (hits: kept on time; broken; settled) of the whole.
struct PromiseCounts {
  int64_t made = 0, kept = 0;
  Share on_time, broken, settled;
};

absl::StatusOr<PromiseCounts> PromisesFromTables(MysqlConnection& conn,
                                                 const FigureScope& scope) {
  const GroupKey all = GroupAll();
  CSM_ASSIGN_OR_RETURN(auto made,
                       CountGroups(conn, f::kPromisesMade, scope, all, "*"));
  CSM_ASSIGN_OR_RETURN(auto kept,
                       CountGroups(conn, f::kPromisesKept, scope, all, "*"));
  CSM_ASSIGN_OR_RETURN(auto on_time, ShareGroups(conn, f::kPromisesDue, scope,
                                                 all, f::kKeptOnTime));
  CSM_ASSIGN_OR_RETURN(auto broken, ShareGroups(conn, f::kPromisesDue, scope,
                                                all, f::kPromiseBroken));
  CSM_ASSIGN_OR_RETURN(auto settled, ShareGroups(conn, f::kPromisesDue, scope,
                                                 all, f::kPromiseSettled));
  return PromiseCounts{made[""], kept[""], on_time[""], broken[""],
                       settled[""]};
}

PromiseCounts PromisesFromDays(DayShares& days) {
  namespace a = aggregates;
  return PromiseCounts{
      days[a::kPromisesMade][""].denominator,
      days[a::kPromisesKept][""].denominator, days[a::kPromisesOnTime][""],
      days[a::kPromisesBroken][""], days[a::kPromisesSettled][""]};
}

absl::StatusOr<rv1::PromiseFigures> Build(const PromiseCounts& c) {
  rv1::PromiseFigures p;
  p.set_made(static_cast<int32_t>(c.made));
  p.set_kept(static_cast<int32_t>(c.kept));
  p.set_due(static_cast<int32_t>(c.on_time.denominator));
  p.set_kept_on_time(static_cast<int32_t>(c.on_time.numerator));
  p.set_broken(static_cast<int32_t>(c.broken.numerator));
  CSM_RETURN_IF_ERROR(SetRatio(c.on_time.numerator, c.settled.numerator,
                               p.mutable_kept_rate()));
  return p;
}

}  // namespace

absl::StatusOr<rv1::PromiseFigures> PromiseTotals(MysqlConnection& conn,
                                                  const FigureScope& scope,
                                                  const DayShares* days) {
  if (!DayTablesServe(scope, GroupAll())) {
    return PromiseTotalsFromTables(conn, scope);
  }
  CSM_ASSIGN_OR_RETURN(DayShares read, DaysOf(conn, scope, GroupAll(), days));
  return Build(PromisesFromDays(read));
}

absl::StatusOr<rv1::PromiseFigures> PromiseTotalsFromTables(
    MysqlConnection& conn, const FigureScope& scope) {
  CSM_ASSIGN_OR_RETURN(PromiseCounts c, PromisesFromTables(conn, scope));
  return Build(c);
}

}  // namespace csm::reporting
