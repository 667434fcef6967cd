// The write side of reporting-svc's pre-aggregated tables
// (reporting-svc/migrations): what the event appliers (src/app/*_events.cc)
// keep. Prepared statements only; every function runs on the caller's
// connection, inside the batch's transaction.
#ifndef CSM_REPORTING_SVC_STORE_REPORT_TABLES_H_
#define CSM_REPORTING_SVC_STORE_REPORT_TABLES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/mysql_pool.h"
#include "csm/events/v1/complaint_events.pb.h"
#include "csm/events/v1/customer_events.pb.h"

namespace csm::reporting {

namespace ev = ::csm::events::v1;

// The deadline kinds the reports know (DeadlineKind names).
inline constexpr char kAcknowledgeDeadline[] = "DEADLINE_KIND_ACKNOWLEDGE";
inline constexpr char kInvestigatedDeadline[] = "DEADLINE_KIND_INVESTIGATED";
inline constexpr char kHandlingOpinionDeadline[] =
    "DEADLINE_KIND_HANDLING_OPINION";

// ---- complaints (written by store/batch_rows.h)

struct ComplaintFact {
  int64_t event_sequence = 0;
  // "linked", "resolved", "confirmed", "closed", "reopened", "rejected",
  // "escalated".
  std::string fact;
  std::string complaint;
  absl::Time time;
  std::string department;
  std::string staff_id;
  std::string detail;
  bool reopened = false;
};
// The complaints' and archives' rows each event writes (complaints,
// complaint_deadlines, complaint_facts, complaint_holdings, customers,
// archive_changes, feedback) are gathered per batch: store/batch_rows.h.

// ---- return visits

struct VisitRow {
  std::string name;
  std::string customer;
  std::string visit_plan;
  std::string staff_id;
  std::string department;
  std::string team;
  std::string method;
  std::string satisfaction;
  bool counted = false;
  absl::CivilDay actual_date;
};
absl::Status UpsertVisit(MysqlConnection& conn, const VisitRow& visit);

// The occurrence (plan, due) exists, credited to the archive's owner now.
absl::Status AddOccurrence(MysqlConnection& conn, absl::string_view plan,
                           absl::CivilDay due,
                           const ev::CustomerSnapshot& customer);
// Answered on `date` unless answered before.
absl::Status AnswerOccurrence(MysqlConnection& conn, absl::string_view plan,
                              absl::CivilDay due, absl::CivilDay date);
absl::Status MarkOccurrenceOverdue(MysqlConnection& conn,
                                   absl::string_view plan, absl::CivilDay due,
                                   const ev::CustomerSnapshot& customer);
// Drops the unanswered occurrences of `plan` due on or after `on` (a
// reschedule away from a date, or the plan closed, before it was due).
absl::Status DropOccurrences(MysqlConnection& conn, absl::string_view plan,
                             absl::CivilDay from_due, absl::CivilDay to_due,
                             absl::CivilDay on);
// An owner change on `on` moves the unanswered occurrences due on or after
// it to the new owner.
absl::Status MoveOccurrences(MysqlConnection& conn,
                             const ev::CustomerSnapshot& customer,
                             absl::CivilDay on);

// ---- promises

absl::Status AddPromise(MysqlConnection& conn, absl::string_view communication,
                        const ev::CustomerSnapshot& customer,
                        absl::string_view staff_id, absl::Time contact_time,
                        std::optional<absl::CivilDay> due_date);
absl::Status KeepPromise(MysqlConnection& conn, absl::string_view communication,
                         absl::Time kept_time);
absl::Status BreakPromise(MysqlConnection& conn,
                          absl::string_view communication);

// ---- feedback, faults, known values

struct FeedbackRow {
  int64_t event_sequence = 0;
  std::string source;
  // FeedbackKind name.
  std::string kind;
  std::string customer;
  std::string resource;
  std::string complaint;
  std::string staff_id;
  std::string department;
  std::string satisfaction;
  std::string text;
  std::string subject;
  absl::Time time;
};

absl::Status AddFault(MysqlConnection& conn, absl::string_view name,
                      absl::string_view title,
                      std::optional<absl::Time> fault_time,
                      absl::Time create_time, int complaints);
// The handling departments of the fault's complaints, as the complaint rows
// have them now.
absl::Status AddFaultDepartments(MysqlConnection& conn, absl::string_view fault,
                                 const std::vector<std::string>& complaints);
absl::Status MarkFaultAnalysed(MysqlConnection& conn, absl::string_view fault);

// Empties every report table (a rebuild or a reset); the cursors are the
// caller's business.
absl::Status ClearReportTables(MysqlConnection& conn);
// The report tables, for rebuild comparisons.
const std::vector<std::string>& ReportTables();

}  // namespace csm::reporting

#endif  // CSM_REPORTING_SVC_STORE_REPORT_TABLES_H_
