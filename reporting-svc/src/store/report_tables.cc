#include "reporting-svc/src/store/report_tables.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/business_time.h"
#include "common/sql_values.h"
#include "common/status.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/statement.h"
#include "reporting-svc/src/store/sql_bind.h"

namespace csm::reporting {
absl::Status UpsertVisit(MysqlConnection& conn, const VisitRow& v) {
  sql::PreparedStatement& st = conn.Prepare(
      "INSERT INTO visits (name, customer, visit_plan, staff_id, department, "
      "team, method, satisfaction, counted, actual_date) VALUES "
      "(?,?,?,?,?,?,?,?,?,?) ON DUPLICATE KEY UPDATE "
      "staff_id = VALUES(staff_id), method = VALUES(method), "
      "satisfaction = VALUES(satisfaction), counted = VALUES(counted), "
      "actual_date = VALUES(actual_date)");
  Binder b(st);
  b.Str(v.name).Str(v.customer).Str(v.visit_plan).Str(v.staff_id);
  b.Str(v.department).Str(v.team).Str(v.method).Str(v.satisfaction);
  b.Int(v.counted ? 1 : 0).Date(v.actual_date);
  st.executeUpdate();
  return absl::OkStatus();
}

namespace {

// Runs `insert`, an INSERT INTO visit_occurrences whose six placeholders are
// the occurrence (plan, due date) and the archive's customer, owner, team
// and department.
absl::Status InsertOccurrence(MysqlConnection& conn, const char* insert,
                              absl::string_view plan, absl::CivilDay due,
                              const ev::CustomerSnapshot& c) {
  sql::PreparedStatement& st = conn.Prepare(insert);
  Binder b(st);
  b.Str(plan).Date(due).Str(c.name()).Str(c.owner_id()).Str(c.team());
  b.Str(c.department());
  st.executeUpdate();
  return absl::OkStatus();
}

}  // namespace

absl::Status AddOccurrence(MysqlConnection& conn, absl::string_view plan,
                           absl::CivilDay due, const ev::CustomerSnapshot& c) {
  // The same (plan, date) again is the same occurrence; one dropped earlier
  // is due again.
  return InsertOccurrence(
      conn,
      "INSERT INTO visit_occurrences (visit_plan, due_date, customer, "
      "owner_id, team, department, answered_date, overdue, dropped) VALUES "
      "(?,?,?,?,?,?,NULL,0,0) ON DUPLICATE KEY UPDATE dropped = 0",
      plan, due, c);
}

absl::Status AnswerOccurrence(MysqlConnection& conn, absl::string_view plan,
                              absl::CivilDay due, absl::CivilDay date) {
  sql::PreparedStatement& st = conn.Prepare(
      "UPDATE visit_occurrences SET answered_date = COALESCE(answered_date, "
      "?) WHERE visit_plan = ? AND due_date = ?");
  Binder b(st);
  b.Date(date).Str(plan).Date(due);
  st.executeUpdate();
  return absl::OkStatus();
}

absl::Status MarkOccurrenceOverdue(MysqlConnection& conn,
                                   absl::string_view plan, absl::CivilDay due,
                                   const ev::CustomerSnapshot& c) {
  return InsertOccurrence(
      conn,
      "INSERT INTO visit_occurrences (visit_plan, due_date, customer, "
      "owner_id, team, department, answered_date, overdue, dropped) VALUES "
      "(?,?,?,?,?,?,NULL,1,0) ON DUPLICATE KEY UPDATE overdue = 1",
      plan, due, c);
}

absl::Status DropOccurrences(MysqlConnection& conn, absl::string_view plan,
                             absl::CivilDay from_due, absl::CivilDay to_due,
                             absl::CivilDay on) {
  // Rescheduled or closed after the due date, it stays (due and missed).
  sql::PreparedStatement& st = conn.Prepare(
      "UPDATE visit_occurrences SET dropped = 1 WHERE visit_plan = ? AND "
      "due_date BETWEEN ? AND ? AND due_date >= ? AND answered_date IS NULL");
  Binder b(st);
  b.Str(plan).Date(from_due).Date(to_due).Date(on);
  st.executeUpdate();
  return absl::OkStatus();
}

absl::Status MoveOccurrences(MysqlConnection& conn,
                             const ev::CustomerSnapshot& c, absl::CivilDay on) {
  sql::PreparedStatement& st = conn.Prepare(
      "UPDATE visit_occurrences SET owner_id = ?, team = ?, department = ? "
      "WHERE customer = ? AND due_date >= ? AND answered_date IS NULL");
  Binder b(st);
  b.Str(c.owner_id()).Str(c.team()).Str(c.department()).Str(c.name()).Date(on);
  st.executeUpdate();
  return absl::OkStatus();
}

absl::Status AddPromise(MysqlConnection& conn, absl::string_view communication,
                        const ev::CustomerSnapshot& c,
                        absl::string_view staff_id, absl::Time contact_time,
                        std::optional<absl::CivilDay> due_date) {
  sql::PreparedStatement& st = conn.Prepare(
      "INSERT INTO promises (communication, customer, staff_id, department, "
      "contact_time, due_date, kept_time, kept_date, broken) VALUES "
      "(?,?,?,?,?,?,NULL,NULL,0) ON DUPLICATE KEY UPDATE "
      "due_date = VALUES(due_date)");
  Binder b(st);
  b.Str(communication).Str(c.name()).Str(staff_id).Str(c.department());
  b.Time(contact_time).Date(due_date);
  st.executeUpdate();
  return absl::OkStatus();
}

absl::Status KeepPromise(MysqlConnection& conn, absl::string_view communication,
                         absl::Time kept_time) {
  sql::PreparedStatement& st = conn.Prepare(
      "UPDATE promises SET kept_time = COALESCE(kept_time, ?), "
      "kept_date = COALESCE(kept_date, ?) WHERE communication = ?");
  Binder b(st);
  b.Time(kept_time).Date(BusinessDate(kept_time)).Str(communication);
  st.executeUpdate();
  return absl::OkStatus();
}

absl::Status BreakPromise(MysqlConnection& conn,
                          absl::string_view communication) {
  sql::PreparedStatement& st =
      conn.Prepare("UPDATE promises SET broken = 1 WHERE communication = ?");
  Binder(st).Str(communication);
  st.executeUpdate();
  return absl::OkStatus();
}

absl::Status AddFault(MysqlConnection& conn, absl::string_view name,
                      absl::string_view title,
                      std::optional<absl::Time> fault_time,
                      absl::Time create_time, int complaints) {
  sql::PreparedStatement& st = conn.Prepare(
      "INSERT INTO faults (name, title, fault_time, create_time, complaints, "
      "analysis_submitted) VALUES (?,?,?,?,?,0) ON DUPLICATE KEY UPDATE "
      "title = VALUES(title), complaints = VALUES(complaints)");
  Binder b(st);
  b.Str(name).Str(title, 400).Time(fault_time).Time(create_time);
  b.Int(complaints);
  st.executeUpdate();
  return absl::OkStatus();
}

absl::Status AddFaultDepartments(MysqlConnection& conn, absl::string_view fault,
                                 const std::vector<std::string>& complaints) {
  for (const std::string& complaint : complaints) {
    sql::PreparedStatement& st = conn.Prepare(
        "INSERT IGNORE INTO fault_departments (fault, department) SELECT ?, "
        "handling_department FROM complaints WHERE name = ?");
    Binder(st).Str(fault).Str(complaint);
    st.executeUpdate();
  }
  return absl::OkStatus();
}

absl::Status MarkFaultAnalysed(MysqlConnection& conn, absl::string_view fault) {
  sql::PreparedStatement& st =
      conn.Prepare("UPDATE faults SET analysis_submitted = 1 WHERE name = ?");
  Binder(st).Str(fault);
  st.executeUpdate();
  return absl::OkStatus();
}

const std::vector<std::string>& ReportTables() {
  static const std::vector<std::string>* kTables =
      new std::vector<std::string>{"complaints",
                                   "complaint_deadlines",
                                   "complaint_facts",
                                   "complaint_holdings",
                                   "customers",
                                   "archive_changes",
                                   "visits",
                                   "visit_occurrences",
                                   "promises",
                                   "feedback",
                                   "faults",
                                   "fault_departments",
                                   "known_values",
                                   "staff_departments",
                                   "calendars",
                                   "archive_versions",
                                   "archive_contacts",
                                   "complaint_ledger",
                                   "complaint_contributions",
                                   "complaint_day_counts",
                                   "complaint_day_minutes",
                                   "complaint_staff_days",
                                   "complaint_staff_months",
                                   "complaint_department_months",
                                   "aggregate_refresh_queue"};
  return *kTables;
}

absl::Status ClearReportTables(MysqlConnection& conn) {
  // DELETE, not TRUNCATE: it stays inside the caller's transaction, so
  // readers see the old figures until the rebuilt ones commit.
  for (const std::string& table : ReportTables()) {
    conn.Prepare(absl::StrCat("DELETE FROM ", table)).executeUpdate();
  }
  return absl::OkStatus();
}

}  // namespace csm::reporting
