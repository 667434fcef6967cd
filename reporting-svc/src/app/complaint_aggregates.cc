#include "reporting-svc/src/app/complaint_aggregates.h"

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "reporting-svc/src/app/archive_aggregates.h"
#include "reporting-svc/src/app/distinct_figures.h"
#include "reporting-svc/src/app/figure_sql.h"

namespace csm::reporting {
namespace {

namespace a = aggregates;
namespace f = figures;

// Escalation rungs of one level (figure_sql.h kEscalated).
#define CSM_RUNGS(level)                                                      \
  f::WithWhere(f::kEscalated,                                                 \
               "f.fact = 'escalated' AND f.detail = 'ESCALATION_LEVEL_" level \
               "'")

// The figures of ComplaintFiguresBy (complaint_figures.cc) and the
// supervision's return-visit rate; the distinct counts (escalated, overdue
// complaints: a complaint counts once per period however many days it was
// escalated or breached on) are distinct_figures.h's.
constexpr AggregateFigure kFigures[] = {
    {a::kReceived, f::kReceived},
    {a::kLinked, f::kLinked},
    {a::kAccepted, f::kAccepted, f::kNowResolved},
    {a::kResolved, f::kResolved},
    {a::kClosed, f::kClosed},
    {a::kReopened, f::kReopened},
    {a::kRejected, f::kRejected},
    {a::kAcknowledgeSettled, f::kAcknowledgeSettled, f::kMetOnTime},
    {a::kInvestigatedSettled, f::kInvestigatedSettled, f::kMetOnTime},
    {a::kHandlingSettled, f::kHandlingSettled, f::kMetOnTime},
    {a::kConfirmed, f::kConfirmed, f::kSatisfied},
    {a::kConfirmedKept, f::kConfirmedKept, f::kClosedSince},
    {a::kAcknowledgeMinutes, f::kAccepted, nullptr, "c.acknowledge_minutes"},
    {a::kHandlingMinutes, f::kFirstResolved, nullptr, "c.handling_minutes"},
    {a::kStaffSettled, f::kSettled, f::kMetOnTime, nullptr, true},
    {a::kStaffConfirmed, f::kConfirmed, f::kSatisfied, nullptr, true},
    {a::kStaffResolved, f::kResolved, nullptr, nullptr, true},
    {a::kEscalationsSupervisor, CSM_RUNGS("SUPERVISOR")},
    {a::kEscalationsManager, CSM_RUNGS("DEPARTMENT_MANAGER")},
    {a::kEscalationsGeneral, CSM_RUNGS("GENERAL_MANAGER")},
};
#undef CSM_RUNGS

constexpr EscalationLevelFigure kLevels[] = {
    {"ESCALATION_LEVEL_SUPERVISOR", a::kEscalationsSupervisor},
    {"ESCALATION_LEVEL_DEPARTMENT_MANAGER", a::kEscalationsManager},
    {"ESCALATION_LEVEL_GENERAL_MANAGER", a::kEscalationsGeneral},
};

}  // namespace

namespace {

// The figures of `lists`, in one list.
const std::vector<AggregateFigure>* Joined(
    std::initializer_list<absl::Span<const AggregateFigure>> lists) {
  auto* all = new std::vector<AggregateFigure>();
  for (auto list : lists) all->insert(all->end(), list.begin(), list.end());
  return all;
}

// A complaint's figures (an archive has no rows of them).
absl::Span<const AggregateFigure> ComplaintSide() {
  static const auto* kComplaint =
      Joined({kFigures, DistinctAggregateFigures()});
  return *kComplaint;
}

}  // namespace

absl::Span<const AggregateFigure> AggregatedComplaintFigures() {
  static const auto* kAll =
      Joined({kFigures, DistinctAggregateFigures(), ArchiveAggregateFigures()});
  return *kAll;
}

absl::Status RefreshNamed(MysqlConnection& conn,
                          const std::vector<std::string>& names,
                          const std::function<void()>& before_moves) {
  std::vector<std::string> complaints, archives;
  for (const std::string& name : names) {
    (absl::StartsWith(name, "customers/") ? archives : complaints)
        .push_back(name);
  }
  if (!complaints.empty()) {
    CSM_RETURN_IF_ERROR(
        RefreshContributions(conn, ComplaintSide(), complaints, before_moves));
  }
  if (archives.empty()) return absl::OkStatus();
  return RefreshContributions(conn, ArchiveAggregateFigures(), archives,
                              before_moves);
}

absl::Span<const EscalationLevelFigure> EscalationLevelFigures() {
  return kLevels;
}

namespace {

const AggregateFigure* Find(const char* figure) {
  for (const AggregateFigure& agg : AggregatedComplaintFigures()) {
    if (std::string_view(agg.id) == figure) return &agg;
  }
  return nullptr;
}

}  // namespace

bool DayTablesServe(const FigureScope& scope, GroupKey key) {
  const bool by_department = key.column == nullptr && !key.staff && !key.team;
  return DayTablesCover(scope) && (key.all || by_department);
}

absl::StatusOr<std::map<std::string, Share>> AggregatedShares(
    MysqlConnection& conn, const FigureScope& scope, GroupKey key,
    const char* figure) {
  const AggregateFigure* agg = Find(figure);
  if (agg == nullptr) {
    return absl::InternalError(absl::StrCat("no aggregated figure ", figure));
  }
  if (!DayTablesServe(scope, key)) {
    return ShareGroups(conn, agg->sql, scope, key,
                       agg->hit == nullptr ? "0" : agg->hit);
  }
  CSM_ASSIGN_OR_RETURN(DayShares days, DayCounts(conn, scope, !key.all));
  return days[figure];
}

absl::StatusOr<DayShares> AggregatedStaffFigures(
    MysqlConnection& conn, const FigureScope& scope,
    std::initializer_list<const char*> ids) {
  if (DayTablesCover(scope) && scope.departments.empty()) {
    return StaffCounts(conn, scope);
  }
  DayShares out;
  for (const char* id : ids) {
    CSM_ASSIGN_OR_RETURN(out[id], AggregatedStaffShares(conn, scope, id));
  }
  return out;
}

absl::StatusOr<std::map<std::string, Share>> AggregatedStaffShares(
    MysqlConnection& conn, const FigureScope& scope, const char* figure) {
  const AggregateFigure* agg = Find(figure);
  if (agg == nullptr || !agg->staff) {
    return absl::InternalError(absl::StrCat("no staff figure ", figure));
  }
  // The staff tables carry no department: a department filter reads the
  // complaint tables.
  if (!DayTablesCover(scope) || !scope.departments.empty()) {
    return ShareGroups(conn, agg->sql, scope, GroupByStaff(),
                       agg->hit == nullptr ? "0" : agg->hit);
  }
  CSM_ASSIGN_OR_RETURN(DayShares staff, StaffCounts(conn, scope));
  return staff[figure];
}

}  // namespace csm::reporting
