#include "reporting-svc/src/store/report_rows.h"

#include <algorithm>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/business_time.h"
#include "reporting-svc/src/store/multi_row.h"
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

// " ON DUPLICATE KEY UPDATE a = VALUES(a), ...": the columns take the
// written row's values.
std::string UpdateFromRow(std::initializer_list<const char*> columns) {
  std::string sql = " ON DUPLICATE KEY UPDATE ";
  for (const char* c : columns) {
    absl::StrAppend(&sql, sql.back() == ' ' ? "" : ", ", c, " = VALUES(", c,
                    ")");
  }
  return sql;
}

constexpr char kComplaintInsert[] =
    "INSERT INTO complaints (name, complaint_number, customer, "
    "customer_grade, category, severity, state, channel, cause, "
    "responsibility, subject, register_time, register_department, "
    "first_responder_id, handling_department, accept_time, "
    "accept_department, accept_staff_id, acknowledge_minutes, "
    "first_resolve_time, first_resolve_department, first_resolver_id, "
    "handling_minutes, close_time, fault_report) VALUES ";
constexpr char kComplaintRow[] =
    "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

void BindComplaint(Binder& b, const ComplaintRow& r) {
  const ev::ComplaintSnapshot& f = r.first;
  const ev::ComplaintSnapshot& s = r.last;
  const Met ack = MetOf(s, kAcknowledgeDeadline);
  const Met handling = MetOf(s, kHandlingOpinionDeadline);
  b.Str(s.name()).Str(s.complaint_number()).Str(f.customer());
  b.Str(f.customer_grade()).Str(s.category()).Str(s.severity());
  b.Str(s.state()).Str(f.channel()).Str(s.cause()).Str(s.responsibility());
  b.Str(s.subject(), 400).Time(OptTime(f.register_time()));
  // The handling department at registration: the first event's snapshot
  // (kept by the insert, not changed by the update).
  b.Str(f.handling_department()).Str(f.first_responder_id());
  b.Str(s.handling_department());
  b.Time(ack.time).Str(ack.department).Str(ack.staff_id).Int(ack.minutes);
  b.Time(handling.time).Str(handling.department).Str(handling.staff_id);
  b.Int(handling.minutes);
  b.Time(OptTime(s.close_time())).Str(s.fault_report());
}

constexpr char kLedgerInsert[] =
    "INSERT INTO complaint_ledger (complaint, handler_id, "
    "first_responder_department, paused_working_minutes, "
    "escalation_level, reopen_count, repeat_contacts) VALUES ";

void BindLedger(Binder& b, const ComplaintRow& r) {
  const ev::ComplaintSnapshot& s = r.last;
  b.Str(s.name()).Str(s.handler_id(), 128).Str(s.first_responder_department());
  b.Int(s.paused_working_minutes()).Int(s.escalation_level());
  b.Int(s.reopen_count()).Int(s.repeat_contacts());
}

constexpr char kDeadlineInsert[] =
    "INSERT INTO complaint_deadlines (complaint, kind, due_time, met_time, "
    "breached, met_working_minutes, met_staff_id, met_department, "
    "breached_department, breached_staff_id) VALUES ";
constexpr char kDeadlineRow[] = "(?,?,?,?,?,?,?,?,?,?)";
// MergeDeadline does the same in memory.
constexpr char kDeadlineMerge[] =
    " ON DUPLICATE KEY UPDATE "
    "due_time = VALUES(due_time), met_time = VALUES(met_time), "
    "breached = GREATEST(breached, VALUES(breached)), "
    "met_working_minutes = VALUES(met_working_minutes), "
    "met_staff_id = VALUES(met_staff_id), "
    "met_department = VALUES(met_department), "
    "breached_department = IF(VALUES(breached_department) = '', "
    "breached_department, VALUES(breached_department)), "
    "breached_staff_id = IF(VALUES(breached_department) = '', "
    "breached_staff_id, VALUES(breached_staff_id))";

// The later of two dates, either unset.
std::optional<absl::CivilDay> Later(std::optional<absl::CivilDay> a,
                                    std::optional<absl::CivilDay> b) {
  if (!a.has_value()) return b;
  if (!b.has_value()) return a;
  return std::max(*a, *b);
}

// The written visit is later than the stored one (an unset date is none).
// The visit columns move before last_visit_date: each assignment sees the
// ones before it.
constexpr char kLaterVisit[] =
    "VALUES(last_visit_date) IS NOT NULL AND (last_visit_date IS NULL OR "
    "last_visit_date < VALUES(last_visit_date) OR (last_visit_date = "
    "VALUES(last_visit_date) AND last_visit_sequence < "
    "VALUES(last_visit_sequence)))";

std::string ContactMerge() {
  std::vector<std::string> sets;
  for (const char* c : {"last_deal_date", "last_contact_date"}) {
    sets.push_back(absl::StrCat(c, " = COALESCE(GREATEST(", c, ", VALUES(", c,
                                ")), ", c, ", VALUES(", c, "))"));
  }
  for (const char* c : {"last_visit", "last_visit_satisfaction",
                        "last_visit_sequence", "last_visit_date"}) {
    sets.push_back(
        absl::StrCat(c, " = IF(", kLaterVisit, ", VALUES(", c, "), ", c, ")"));
  }
  return absl::StrCat(" ON DUPLICATE KEY UPDATE ", absl::StrJoin(sets, ", "));
}

}  // namespace

void WriteComplaints(MysqlConnection& conn,
                     const std::vector<ComplaintRow>& rows) {
  // The insert alone sets customer, customer_grade, channel, register_time,
  // register_department and first_responder_id.
  static const std::string* const kComplaintMerge =
      new std::string(UpdateFromRow(
          {"complaint_number", "category", "severity", "state", "cause",
           "responsibility", "subject", "handling_department", "accept_time",
           "accept_department", "accept_staff_id", "acknowledge_minutes",
           "first_resolve_time", "first_resolve_department",
           "first_resolver_id", "handling_minutes", "close_time",
           "fault_report"}));
  static const std::string* const kLedgerMerge = new std::string(UpdateFromRow(
      {"handler_id", "first_responder_department", "paused_working_minutes",
       "escalation_level", "reopen_count", "repeat_contacts"}));
  WriteRows(conn, rows, kComplaintInsert, kComplaintRow,
            kComplaintMerge->c_str(), BindComplaint);
  WriteRows(conn, rows, kLedgerInsert, "(?,?,?,?,?,?,?)", kLedgerMerge->c_str(),
            BindLedger);
}

DeadlineRow DeadlineRowOf(const ev::ComplaintSnapshot& s,
                          const ev::DeadlineState& d) {
  DeadlineRow r;
  r.complaint = s.name();
  r.kind = d.kind();
  r.due_time = OptTime(d.due_time());
  r.met_time = OptTime(d.met_time());
  r.breached = d.breached() ? 1 : 0;
  r.met_working_minutes = d.met_working_minutes();
  r.met_staff_id = d.met_by_staff_id();
  r.met_department = d.met_department();
  r.breached_department = d.breached_department();
  r.breached_staff_id = d.breached_staff_id();
  return r;
}

void WriteDeadlines(MysqlConnection& conn,
                    const std::vector<DeadlineRow>& rows) {
  WriteRows(conn, rows, kDeadlineInsert, kDeadlineRow, kDeadlineMerge,
            [](Binder& b, const DeadlineRow& r) {
              b.Str(r.complaint).Str(r.kind).Time(r.due_time);
              b.Time(r.met_time).Int(r.breached);
              b.Int(r.met_working_minutes).Str(r.met_staff_id);
              b.Str(r.met_department).Str(r.breached_department);
              b.Str(r.breached_staff_id);
            });
}

void MergeDeadline(DeadlineRow& row, DeadlineRow later) {
  later.breached = std::max(row.breached, later.breached);
  if (later.breached_department.empty()) {
    later.breached_department = std::move(row.breached_department);
    later.breached_staff_id = std::move(row.breached_staff_id);
  }
  row = std::move(later);
}

void WriteDeadlineBreach(MysqlConnection& conn, absl::string_view complaint,
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
}

void WriteFacts(MysqlConnection& conn, const std::vector<ComplaintFact>& rows) {
  WriteRows(conn, rows,
            "INSERT INTO complaint_facts (event_sequence, fact, complaint, "
            "fact_time, department, staff_id, detail, reopened) VALUES ",
            "(?,?,?,?,?,?,?,?)", "", [](Binder& b, const ComplaintFact& f) {
              b.Int(f.event_sequence).Str(f.fact).Str(f.complaint);
              b.Time(f.time).Str(f.department).Str(f.staff_id);
              b.Str(f.detail).Int(f.reopened ? 1 : 0);
            });
}

void WriteHoldings(MysqlConnection& conn, const std::vector<HoldingRow>& rows) {
  WriteRows(conn, rows,
            "INSERT INTO complaint_holdings (event_sequence, complaint, "
            "department, staff_id, end_time, working_minutes) VALUES ",
            "(?,?,?,?,?,?)", "", [](Binder& b, const HoldingRow& h) {
              b.Int(h.event_sequence).Str(h.complaint).Str(h.department);
              b.Str(h.staff_id).Time(h.end_time).Int(h.working_minutes);
            });
}

void WriteFeedback(MysqlConnection& conn,
                   const std::vector<FeedbackRow>& rows) {
  WriteRows(conn, rows,
            "INSERT INTO feedback (event_sequence, source, kind, customer, "
            "resource, complaint, staff_id, department, satisfaction, text, "
            "subject, event_time) VALUES ",
            "(?,?,?,?,?,?,?,?,?,?,?,?)", "",
            [](Binder& b, const FeedbackRow& r) {
              b.Int(r.event_sequence).Str(r.source).Str(r.kind);
              b.Str(r.customer).Str(r.resource).Str(r.complaint);
              b.Str(r.staff_id).Str(r.department).Str(r.satisfaction);
              b.Str(r.text, 2000).Str(r.subject, 400).Time(r.time);
            });
}

void WriteCustomers(MysqlConnection& conn,
                    const std::vector<CustomerRow>& rows) {
  WriteRows(
      conn, rows,
      "INSERT INTO customers (name, archive_number, display_name, kind, "
      "grade, lifecycle_status, state, province, city, acquisition_channel, "
      "owner_id, team, department, create_time) VALUES ",
      "(?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
      " ON DUPLICATE KEY UPDATE archive_number = VALUES(archive_number), "
      "display_name = VALUES(display_name), kind = VALUES(kind), "
      "grade = VALUES(grade), lifecycle_status = VALUES(lifecycle_status), "
      "state = VALUES(state), province = VALUES(province), "
      "city = VALUES(city), acquisition_channel = VALUES(acquisition_channel), "
      "owner_id = VALUES(owner_id), team = VALUES(team), "
      "department = VALUES(department), "
      "create_time = COALESCE(create_time, VALUES(create_time))",
      [](Binder& b, const CustomerRow& r) {
        const ev::CustomerSnapshot& s = r.last;
        b.Str(s.name()).Str(s.archive_number()).Str(s.display_name(), 400);
        b.Str(s.kind()).Str(s.grade()).Str(s.lifecycle_status()).Str(s.state());
        b.Str(s.province()).Str(s.city()).Str(s.acquisition_channel());
        b.Str(s.owner_id()).Str(s.team()).Str(s.department());
        b.Time(r.create_time);
      });
}

void WriteArchiveChanges(MysqlConnection& conn,
                         const std::vector<ArchiveChangeRow>& rows) {
  WriteRows(conn, rows,
            "INSERT INTO archive_changes (event_sequence, customer, "
            "change_time, created, changed_fields) VALUES ",
            "(?,?,?,?,?)", "", [](Binder& b, const ArchiveChangeRow& r) {
              b.Int(r.event_sequence).Str(r.customer).Time(r.time);
              b.Int(r.created ? 1 : 0).Str(r.changed_fields, 2000);
            });
}

void WriteContacts(MysqlConnection& conn, const std::vector<ContactRow>& rows) {
  static const std::string* const kMerge = new std::string(ContactMerge());
  WriteRows(conn, rows,
            "INSERT INTO archive_contacts (customer, last_deal_date, "
            "last_contact_date, last_visit_date, last_visit_sequence, "
            "last_visit, last_visit_satisfaction) VALUES ",
            "(?,?,?,?,?,?,?)", kMerge->c_str(),
            [](Binder& b, const ContactRow& r) {
              b.Str(r.customer).Date(r.last_deal_date);
              b.Date(r.last_contact_date).Date(r.last_visit_date);
              b.Int(r.last_visit_sequence).Str(r.last_visit, 96);
              b.Str(r.last_visit_satisfaction, 48);
            });
}

void MergeContact(ContactRow& row, ContactRow later) {
  row.last_deal_date = Later(row.last_deal_date, later.last_deal_date);
  row.last_contact_date = Later(row.last_contact_date, later.last_contact_date);
  if (!later.last_visit_date.has_value()) return;
  if (row.last_visit_date.has_value() &&
      std::make_pair(*row.last_visit_date, row.last_visit_sequence) >=
          std::make_pair(*later.last_visit_date, later.last_visit_sequence)) {
    return;
  }
  row.last_visit_date = later.last_visit_date;
  row.last_visit_sequence = later.last_visit_sequence;
  row.last_visit = std::move(later.last_visit);
  row.last_visit_satisfaction = std::move(later.last_visit_satisfaction);
}

}  // namespace csm::reporting
