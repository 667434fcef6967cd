#include "reporting-svc/src/store/report_tables.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/business_time.h"
#include "common/sql_values.h"
#include "common/status.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/statement.h"
#include "reporting-svc/src/store/sql_bind.h"

namespace csm::reporting {
namespace {

const ev::DeadlineState* FindDeadline(const ev::ComplaintSnapshot& s,
                                      absl::string_view kind) {
  for (const ev::DeadlineState& d : s.deadlines()) {
    if (d.kind() == kind) return &d;
  }
  return nullptr;
}

// The met facts of a deadline, or nothing while unmet.
struct Met {
  std::optional<absl::Time> time;
  std::string department;
  std::string staff_id;
  int64_t minutes = 0;
};

Met MetOf(const ev::ComplaintSnapshot& s, absl::string_view kind) {
  Met met;
  const ev::DeadlineState* d = FindDeadline(s, kind);
  if (d == nullptr) return met;
  met.time = OptTime(d->met_time());
  if (!met.time.has_value()) return met;
  met.department = d->met_department();
  met.staff_id = d->met_by_staff_id();
  met.minutes = d->met_working_minutes();
  return met;
}

}  // namespace

absl::Status UpsertComplaint(MysqlConnection& conn,
                             const ev::ComplaintSnapshot& s) {
  const Met ack = MetOf(s, kAcknowledgeDeadline);
  const Met handling = MetOf(s, kHandlingOpinionDeadline);
  sql::PreparedStatement& st = conn.Prepare(
      "INSERT INTO complaints (name, complaint_number, customer, "
      "customer_grade, category, severity, state, channel, cause, "
      "responsibility, subject, register_time, register_department, "
      "first_responder_id, handling_department, accept_time, "
      "accept_department, accept_staff_id, acknowledge_minutes, "
      "first_resolve_time, first_resolve_department, first_resolver_id, "
      "handling_minutes, close_time, fault_report) VALUES "
      "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
      "ON DUPLICATE KEY UPDATE complaint_number = VALUES(complaint_number), "
      "category = VALUES(category), severity = VALUES(severity), "
      "state = VALUES(state), cause = VALUES(cause), "
      "responsibility = VALUES(responsibility), subject = VALUES(subject), "
      "handling_department = VALUES(handling_department), "
      "accept_time = VALUES(accept_time), "
      "accept_department = VALUES(accept_department), "
      "accept_staff_id = VALUES(accept_staff_id), "
      "acknowledge_minutes = VALUES(acknowledge_minutes), "
      "first_resolve_time = VALUES(first_resolve_time), "
      "first_resolve_department = VALUES(first_resolve_department), "
      "first_resolver_id = VALUES(first_resolver_id), "
      "handling_minutes = VALUES(handling_minutes), "
      "close_time = VALUES(close_time), fault_report = VALUES(fault_report)");
  Binder b(st);
  b.Str(s.name()).Str(s.complaint_number()).Str(s.customer());
  b.Str(s.customer_grade()).Str(s.category()).Str(s.severity());
  b.Str(s.state()).Str(s.channel()).Str(s.cause()).Str(s.responsibility());
  b.Str(s.subject(), 400).Time(OptTime(s.register_time()));
  // The handling department at registration: the first event's snapshot
  // (kept by the insert, not changed by the update).
  b.Str(s.handling_department()).Str(s.first_responder_id());
  b.Str(s.handling_department());
  b.Time(ack.time).Str(ack.department).Str(ack.staff_id).Int(ack.minutes);
  b.Time(handling.time).Str(handling.department).Str(handling.staff_id);
  b.Int(handling.minutes);
  b.Time(OptTime(s.close_time())).Str(s.fault_report());
  st.executeUpdate();
  return absl::OkStatus();
}

absl::Status UpsertDeadlines(MysqlConnection& conn,
                             const ev::ComplaintSnapshot& s) {
  if (s.deadlines().empty()) return absl::OkStatus();
  // One statement for all of them (a complaint has a few kinds, each its
  // own key): a round trip per event instead of one per deadline.
  std::string sql =
      "INSERT INTO complaint_deadlines (complaint, kind, due_time, "
      "met_time, breached, met_working_minutes, met_staff_id, "
      "met_department, breached_department, breached_staff_id) VALUES ";
  for (int i = 0; i < s.deadlines_size(); ++i) {
    absl::StrAppend(&sql, i ? ", " : "", "(?,?,?,?,?,?,?,?,?,?)");
  }
  absl::StrAppend(&sql,
                  " ON DUPLICATE KEY UPDATE "
                  "due_time = VALUES(due_time), met_time = VALUES(met_time), "
                  "breached = GREATEST(breached, VALUES(breached)), "
                  "met_working_minutes = VALUES(met_working_minutes), "
                  "met_staff_id = VALUES(met_staff_id), "
                  "met_department = VALUES(met_department), "
                  "breached_department = IF(VALUES(breached_department) = '', "
                  "breached_department, VALUES(breached_department)), "
                  "breached_staff_id = IF(VALUES(breached_department) = '', "
                  "breached_staff_id, VALUES(breached_staff_id))");
  sql::PreparedStatement& st = conn.Prepare(sql);
  Binder b(st);
  for (const ev::DeadlineState& d : s.deadlines()) {
    b.Str(s.name()).Str(d.kind()).Time(OptTime(d.due_time()));
    b.Time(OptTime(d.met_time())).Int(d.breached() ? 1 : 0);
    b.Int(d.met_working_minutes()).Str(d.met_by_staff_id());
    b.Str(d.met_department()).Str(d.breached_department());
    b.Str(d.breached_staff_id());
  }
  st.executeUpdate();
  return absl::OkStatus();
}

absl::Status MarkDeadlineBreached(MysqlConnection& conn,
                                  absl::string_view complaint,
                                  absl::string_view kind, absl::Time due_time,
                                  absl::string_view department,
                                  absl::string_view staff_id) {
  sql::PreparedStatement& st = conn.Prepare(
      "INSERT INTO complaint_deadlines (complaint, kind, due_time, met_time, "
      "breached, met_working_minutes, met_staff_id, met_department, "
      "breached_department, breached_staff_id) VALUES "
      "(?,?,?,NULL,1,0,'','',?,?) ON DUPLICATE KEY UPDATE breached = 1, "
      "due_time = VALUES(due_time), "
      "breached_department = VALUES(breached_department), "
      "breached_staff_id = VALUES(breached_staff_id)");
  Binder b(st);
  b.Str(complaint).Str(kind).Time(due_time).Str(department).Str(staff_id);
  st.executeUpdate();
  return absl::OkStatus();
}

absl::Status AddComplaintFact(MysqlConnection& conn, const ComplaintFact& f) {
  sql::PreparedStatement& st = conn.Prepare(
      "INSERT INTO complaint_facts (event_sequence, fact, complaint, "
      "fact_time, department, staff_id, detail, reopened) VALUES "
      "(?,?,?,?,?,?,?,?)");
  Binder b(st);
  b.Int(f.event_sequence).Str(f.fact).Str(f.complaint).Time(f.time);
  b.Str(f.department).Str(f.staff_id).Str(f.detail).Int(f.reopened ? 1 : 0);
  st.executeUpdate();
  return absl::OkStatus();
}

absl::Status AddHolding(MysqlConnection& conn, int64_t event_sequence,
                        absl::string_view complaint,
                        absl::string_view department,
                        absl::string_view staff_id, absl::Time end_time,
                        int64_t working_minutes) {
  sql::PreparedStatement& st = conn.Prepare(
      "INSERT INTO complaint_holdings (event_sequence, complaint, department, "
      "staff_id, end_time, working_minutes) VALUES (?,?,?,?,?,?)");
  Binder b(st);
  b.Int(event_sequence).Str(complaint).Str(department).Str(staff_id);
  b.Time(end_time).Int(working_minutes);
  st.executeUpdate();
  return absl::OkStatus();
}

absl::Status UpsertCustomer(MysqlConnection& conn,
                            const ev::CustomerSnapshot& s) {
  sql::PreparedStatement& st = conn.Prepare(
      "INSERT INTO customers (name, archive_number, display_name, kind, "
      "grade, lifecycle_status, state, province, city, acquisition_channel, "
      "owner_id, team, department, create_time) VALUES "
      "(?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON DUPLICATE KEY UPDATE "
      "archive_number = VALUES(archive_number), "
      "display_name = VALUES(display_name), kind = VALUES(kind), "
      "grade = VALUES(grade), lifecycle_status = VALUES(lifecycle_status), "
      "state = VALUES(state), province = VALUES(province), "
      "city = VALUES(city), acquisition_channel = VALUES(acquisition_channel), "
      "owner_id = VALUES(owner_id), team = VALUES(team), "
      "department = VALUES(department), "
      "create_time = COALESCE(create_time, VALUES(create_time))");
  Binder b(st);
  b.Str(s.name()).Str(s.archive_number()).Str(s.display_name(), 400);
  b.Str(s.kind()).Str(s.grade()).Str(s.lifecycle_status()).Str(s.state());
  b.Str(s.province()).Str(s.city()).Str(s.acquisition_channel());
  b.Str(s.owner_id()).Str(s.team()).Str(s.department());
  b.Time(OptTime(s.create_time()));
  st.executeUpdate();
  return absl::OkStatus();
}

absl::Status AddArchiveChange(MysqlConnection& conn, int64_t event_sequence,
                              absl::string_view customer, absl::Time time,
                              bool created,
                              const std::vector<std::string>& fields) {
  sql::PreparedStatement& st = conn.Prepare(
      "INSERT INTO archive_changes (event_sequence, customer, change_time, "
      "created, changed_fields) VALUES (?,?,?,?,?)");
  Binder b(st);
  b.Int(event_sequence).Str(customer).Time(time).Int(created ? 1 : 0);
  b.Str(absl::StrJoin(fields, ","), 2000);
  st.executeUpdate();
  return absl::OkStatus();
}

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

absl::Status AddFeedback(MysqlConnection& conn, const FeedbackRow& r) {
  sql::PreparedStatement& st = conn.Prepare(
      "INSERT INTO feedback (event_sequence, source, kind, customer, "
      "resource, complaint, staff_id, department, satisfaction, text, "
      "subject, event_time) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
  Binder b(st);
  b.Int(r.event_sequence).Str(r.source).Str(r.kind).Str(r.customer);
  b.Str(r.resource).Str(r.complaint).Str(r.staff_id).Str(r.department);
  b.Str(r.satisfaction).Str(r.text, 2000).Str(r.subject, 400).Time(r.time);
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
