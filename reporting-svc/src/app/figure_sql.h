// Where each figure of docs/reports.md lives in the report tables: the
// table, the time that places it in a period, and the department and staff
// member it is credited to ("Departments and staff"). One definition each,
// shared by every report that shows the figure.
#ifndef CSM_REPORTING_SVC_APP_FIGURE_SQL_H_
#define CSM_REPORTING_SVC_APP_FIGURE_SQL_H_

#include "reporting-svc/src/store/figure_queries.h"

namespace csm::reporting::figures {

#define CSM_COMPLAINT_FILTERS                                 \
  .category_col = "c.category", .severity_col = "c.severity", \
  .grade_col = "c.customer_grade"

#define CSM_FACT(name)                                                     \
  FigureSql {                                                              \
    .from = "complaint_facts f JOIN complaints c ON c.name = f.complaint", \
    .time_col = "f.fact_time", .department_col = "f.department",           \
    .staff_col = "f.staff_id", .where = "f.fact = '" name "'",             \
    CSM_COMPLAINT_FILTERS                                                  \
  }

// `sql` with `where` instead of its own condition.
constexpr FigureSql WithWhere(FigureSql sql, const char* where) {
  sql.where = where;
  return sql;
}

// Registrations, by registration time; the handling department then and
// the first responder.
inline constexpr FigureSql kReceived{.from = "complaints c",
                                     .time_col = "c.register_time",
                                     .department_col = "c.register_department",
                                     .staff_col = "c.first_responder_id",
                                     CSM_COMPLAINT_FILTERS};
// First acceptances (the acknowledge deadline met), by its met time.
inline constexpr FigureSql kAccepted{.from = "complaints c",
                                     .time_col = "c.accept_time",
                                     .department_col = "c.accept_department",
                                     .staff_col = "c.accept_staff_id",
                                     CSM_COMPLAINT_FILTERS};
// First resolutions (the handling-opinion deadline met).
inline constexpr FigureSql kFirstResolved{
    .from = "complaints c",
    .time_col = "c.first_resolve_time",
    .department_col = "c.first_resolve_department",
    .staff_col = "c.first_resolver_id",
    CSM_COMPLAINT_FILTERS};

inline constexpr FigureSql kLinked = CSM_FACT("linked");
inline constexpr FigureSql kResolved = CSM_FACT("resolved");
inline constexpr FigureSql kConfirmed = CSM_FACT("confirmed");
inline constexpr FigureSql kClosed = CSM_FACT("closed");
inline constexpr FigureSql kReopened = CSM_FACT("reopened");
inline constexpr FigureSql kRejected = CSM_FACT("rejected");
inline constexpr FigureSql kEscalated = CSM_FACT("escalated");
// The complaint return visit at closing, credited to the resolution it
// follows (its resolver and resolving department).
inline constexpr FigureSql kReturnVisit = CSM_FACT("return_visit");
inline constexpr FigureSql kTransfersIn = CSM_FACT("transfer_in");
inline constexpr FigureSql kTransfersOut = CSM_FACT("transfer_out");
// Holdings that ended, by their end, charged to the department that held.
inline constexpr FigureSql kHoldings{
    .from = "complaint_holdings h JOIN complaints c ON c.name = h.complaint",
    .time_col = "h.end_time",
    .department_col = "h.department",
    .staff_col = "h.staff_id",
    CSM_COMPLAINT_FILTERS};
// Confirmations that did not reopen (the supervision's return-visit rate).
inline constexpr FigureSql kConfirmedKept{
    .from = "complaint_facts f JOIN complaints c ON c.name = f.complaint",
    .time_col = "f.fact_time",
    .department_col = "f.department",
    .staff_col = "f.staff_id",
    .where = "f.fact = 'confirmed' AND f.reopened = 0",
    CSM_COMPLAINT_FILTERS};

// Confirmations and return visits of the complaints each first responder
// registered (首问负责制), whoever resolved them; the department at
// registration.
#define CSM_FIRST_RESPONDER(name)                                          \
  FigureSql {                                                              \
    .from = "complaint_facts f JOIN complaints c ON c.name = f.complaint", \
    .time_col = "f.fact_time", .department_col = "c.register_department",  \
    .staff_col = "c.first_responder_id", .where = "f.fact = '" name "'",   \
    CSM_COMPLAINT_FILTERS                                                  \
  }
inline constexpr FigureSql kFirstResponderConfirmed =
    CSM_FIRST_RESPONDER("confirmed");
inline constexpr FigureSql kFirstResponderReturnVisit =
    CSM_FIRST_RESPONDER("return_visit");
#undef CSM_FIRST_RESPONDER

#define CSM_DEADLINES(condition)                                            \
  FigureSql {                                                               \
    .from =                                                                 \
        "complaint_deadlines d JOIN complaints c ON c.name = "              \
        "d.complaint",                                                      \
    .time_col = "d.due_time",                                               \
    .department_col =                                                       \
        "IF(d.breached = 1, d.breached_department, d.met_department)",      \
    .staff_col = "IF(d.breached = 1, d.breached_staff_id, d.met_staff_id)", \
    .where = condition, CSM_COMPLAINT_FILTERS                               \
  }
#define CSM_SETTLED " AND (d.met_time IS NOT NULL OR d.breached = 1)"

// Breached deadlines by due time, charged to the holder then.
inline constexpr FigureSql kBreached = CSM_DEADLINES("d.breached = 1");
// Settled deadlines of one kind due in the period.
inline constexpr FigureSql kAcknowledgeSettled =
    CSM_DEADLINES("d.kind = 'DEADLINE_KIND_ACKNOWLEDGE'" CSM_SETTLED);
inline constexpr FigureSql kInvestigatedSettled =
    CSM_DEADLINES("d.kind = 'DEADLINE_KIND_INVESTIGATED'" CSM_SETTLED);
inline constexpr FigureSql kHandlingSettled =
    CSM_DEADLINES("d.kind = 'DEADLINE_KIND_HANDLING_OPINION'" CSM_SETTLED);

// The SLA accountability's breaches per kind, and every settled deadline.
inline constexpr FigureSql kAcknowledgeBreached =
    CSM_DEADLINES("d.breached = 1 AND d.kind = 'DEADLINE_KIND_ACKNOWLEDGE'");
inline constexpr FigureSql kInvestigatedBreached =
    CSM_DEADLINES("d.breached = 1 AND d.kind = 'DEADLINE_KIND_INVESTIGATED'");
inline constexpr FigureSql kHandlingBreached = CSM_DEADLINES(
    "d.breached = 1 AND d.kind = 'DEADLINE_KIND_HANDLING_OPINION'");
inline constexpr FigureSql kSettled =
    CSM_DEADLINES("(d.met_time IS NOT NULL OR d.breached = 1)");

#undef CSM_SETTLED
#undef CSM_DEADLINES
#undef CSM_FACT
#undef CSM_COMPLAINT_FILTERS

// Hits (0/1 expressions) of the rates.
inline constexpr char kMetOnTime[] =
    "d.breached = 0 AND d.met_time IS NOT NULL AND d.met_time <= d.due_time";
inline constexpr char kNowResolved[] =
    "c.state IN ('COMPLAINT_STATE_RESOLVED', 'COMPLAINT_STATE_CONFIRMED', "
    "'COMPLAINT_STATE_CLOSED')";
inline constexpr char kSatisfied[] =
    "f.detail IN ('SATISFACTION_SATISFIED', 'SATISFACTION_FAIRLY_SATISFIED')";
inline constexpr char kClosedSince[] =
    "c.close_time IS NOT NULL AND c.close_time >= f.fact_time";

// ---- return visits, archives' departments and owners (the archive is
// `c`, as the complaint above: complaint_aggregates.h keys both by `c.name`)

// Due occurrences not dropped, by due date; the owner at the end of it.
inline constexpr FigureSql kVisitsDue{
    .from = "visit_occurrences o JOIN customers c ON c.name = o.customer",
    .time_col = "o.due_date",
    .by_date = true,
    .department_col = "o.department",
    .staff_col = "o.owner_id",
    .where = "o.dropped = 0",
    .grade_col = "c.grade",
    .team_col = "o.team"};
// Visits made, by actual date, credited to the visitor.
inline constexpr FigureSql kVisitsDone{
    .from = "visits v JOIN customers c ON c.name = v.customer",
    .time_col = "v.actual_date",
    .by_date = true,
    .department_col = "v.department",
    .staff_col = "v.staff_id",
    .grade_col = "c.grade",
    .team_col = "v.team"};
// Those that count (连续三次短信回访视为无效回访).
inline constexpr FigureSql kVisitsValid =
    WithWhere(kVisitsDone, "v.counted = 1");

inline constexpr char kAnswered[] = "o.answered_date IS NOT NULL";
inline constexpr char kAnsweredOnTime[] =
    "o.answered_date IS NOT NULL AND o.answered_date <= o.due_date";
inline constexpr char kOccurrenceOverdue[] = "o.overdue = 1";
inline constexpr char kCounted[] = "v.counted = 1";
inline constexpr char kVisitSatisfied[] =
    "v.satisfaction IN ('SATISFACTION_SATISFIED', "
    "'SATISFACTION_FAIRLY_SATISFIED')";

// ---- promises, credited to the staff member who made them

#define CSM_PROMISES(time, date)                                         \
  FigureSql {                                                            \
    .from = "promises p JOIN customers c ON c.name = p.customer",        \
    .time_col = time, .by_date = date, .department_col = "p.department", \
    .staff_col = "p.staff_id", .grade_col = "c.grade"                    \
  }
inline constexpr FigureSql kPromisesMade =
    CSM_PROMISES("p.contact_time", false);
inline constexpr FigureSql kPromisesKept = CSM_PROMISES("p.kept_time", false);
inline constexpr FigureSql kPromisesDue = CSM_PROMISES("p.due_date", true);
#undef CSM_PROMISES

inline constexpr char kKeptOnTime[] =
    "p.kept_date IS NOT NULL AND p.kept_date <= p.due_date";
inline constexpr char kPromiseBroken[] = "p.broken = 1";
inline constexpr char kPromiseSettled[] =
    "p.kept_date IS NOT NULL OR p.broken = 1";

// ---- major faults, per department of their complaints

inline constexpr FigureSql kFaults{
    .from = "faults fa JOIN fault_departments fd ON fd.fault = fa.name",
    .time_col = "fa.create_time",
    .department_col = "fd.department",
    .staff_col = nullptr};

}  // namespace csm::reporting::figures

#endif  // CSM_REPORTING_SVC_APP_FIGURE_SQL_H_
