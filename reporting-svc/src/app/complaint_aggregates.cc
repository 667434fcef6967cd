#include "reporting-svc/src/app/complaint_aggregates.h"

#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "reporting-svc/src/app/figure_sql.h"
#include "reporting-svc/src/store/batch_writes.h"

namespace csm::reporting {
namespace {

namespace a = aggregates;
namespace f = figures;

// The figures of ComplaintFiguresBy (complaint_figures.cc) and the
// supervision's return-visit rate, except the distinct counts (escalated,
// overdue complaints: a complaint counts once per period however many days
// it was escalated or breached on), which stay on the complaint tables.
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
};

const AggregateFigure* Find(const char* figure) {
  for (const AggregateFigure& agg : kFigures) {
    if (std::string_view(agg.id) == figure) return &agg;
  }
  return nullptr;
}

}  // namespace

absl::Span<const AggregateFigure> AggregatedComplaintFigures() {
  return kFigures;
}

bool DayTablesServe(const FigureScope& scope, GroupKey key) {
  const bool by_department = key.column == nullptr && !key.staff && !key.team;
  return DayTablesCover(scope) && (key.all || by_department);
}

absl::Status RefreshChangedComplaints(MysqlConnection& conn) {
  const std::vector<std::string> changed = TakeChangedComplaints(conn);
  if (changed.empty()) return absl::OkStatus();
  return RefreshContributions(conn, kFigures, changed);
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
