// The complaint figures kept pre-aggregated per business day and department
// (docs/reports.md, "Pre-aggregated figures"; store/complaint_aggregates.h):
// which figures, how the appliers keep them, and how reports read them.
#ifndef CSM_REPORTING_SVC_APP_COMPLAINT_AGGREGATES_H_
#define CSM_REPORTING_SVC_APP_COMPLAINT_AGGREGATES_H_

#include <functional>
#include <initializer_list>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "common/mysql_pool.h"
#include "reporting-svc/src/store/complaint_aggregates.h"

namespace csm::reporting {

namespace aggregates {
inline constexpr char kReceived[] = "received";
inline constexpr char kLinked[] = "linked";
inline constexpr char kAccepted[] = "accepted";
inline constexpr char kResolved[] = "resolved";
inline constexpr char kClosed[] = "closed";
inline constexpr char kReopened[] = "reopened";
inline constexpr char kRejected[] = "rejected";
inline constexpr char kAcknowledgeSettled[] = "acknowledge_settled";
inline constexpr char kInvestigatedSettled[] = "investigated_settled";
inline constexpr char kHandlingSettled[] = "handling_settled";
inline constexpr char kConfirmed[] = "confirmed";
inline constexpr char kConfirmedKept[] = "confirmed_kept";
inline constexpr char kAcknowledgeMinutes[] = "acknowledge_minutes";
inline constexpr char kHandlingMinutes[] = "handling_minutes";
// Per staff member (the ranking).
inline constexpr char kStaffSettled[] = "staff_settled";
inline constexpr char kStaffConfirmed[] = "staff_confirmed";
inline constexpr char kStaffResolved[] = "staff_resolved";
// Escalation rungs per level (the supervision's escalations).
inline constexpr char kEscalationsSupervisor[] = "escalations_supervisor";
inline constexpr char kEscalationsManager[] = "escalations_manager";
inline constexpr char kEscalationsGeneral[] = "escalations_general";
}  // namespace aggregates

// ESCALATION_LEVEL_* name -> the figure of its rungs.
struct EscalationLevelFigure {
  const char* level;
  const char* figure;
};
absl::Span<const EscalationLevelFigure> EscalationLevelFigures();

// Every aggregated figure (with distinct_figures.h's and
// archive_aggregates.h's), with the FigureSql and hit of figure_sql.h that
// the reports read from the complaint tables when the day tables do not
// cover a scope.
absl::Span<const AggregateFigure> AggregatedComplaintFigures();

// Whether the day tables answer `scope` broken down by `key`: the whole or
// by department (their only key besides the day).
bool DayTablesServe(const FigureScope& scope, GroupKey key);

// Refreshes the contributions of the named complaints and archives
// ("customers/…"), each with its own figures; `before_moves` as for
// RefreshContributions.
absl::Status RefreshNamed(MysqlConnection& conn,
                          const std::vector<std::string>& names,
                          const std::function<void()>& before_moves = nullptr);

// key -> (hits, count) of one aggregated rate, by department or for the
// whole (key.all): from the day tables when they cover `scope`, else from
// the complaint tables.
absl::StatusOr<std::map<std::string, Share>> AggregatedShares(
    MysqlConnection& conn, const FigureScope& scope, GroupKey key,
    const char* figure);

// staff id -> (hits, count) of one staff figure: from the staff tables
// when they cover `scope` (and it names no department), else from the
// complaint tables.
absl::StatusOr<std::map<std::string, Share>> AggregatedStaffShares(
    MysqlConnection& conn, const FigureScope& scope, const char* figure);

// figure id -> staff id -> (hits, count) of the staff figures `ids`:
// every staff figure in one read of the staff tables when they cover
// `scope` (and it names no department), else each from its tables.
absl::StatusOr<DayShares> AggregatedStaffFigures(
    MysqlConnection& conn, const FigureScope& scope,
    std::initializer_list<const char*> ids);

}  // namespace csm::reporting

#endif  // CSM_REPORTING_SVC_APP_COMPLAINT_AGGREGATES_H_
