#include "reporting-svc/src/store/ledger_queries.h"

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/sql_rows.h"
#include "common/sql_values.h"
#include "common/status.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"
#include "csm/complaint/v1/complaint.pb.h"
#include "reporting-svc/src/store/sql_bind.h"

namespace csm::reporting {
namespace {

namespace cpv1 = ::csm::complaint::v1;
using ResultSetPtr = std::unique_ptr<sql::ResultSet>;

constexpr char kFrom[] =
    " FROM complaints c LEFT JOIN complaint_ledger l ON l.complaint = c.name";

constexpr char kTouched[] =
    " WHERE c.register_time IS NOT NULL AND ((c.register_time >= ? AND "
    "c.register_time < ?) OR (c.accept_time >= ? AND c.accept_time < ?) OR "
    "EXISTS (SELECT 1 FROM complaint_deadlines d WHERE d.complaint = c.name "
    "AND d.due_time >= ? AND d.due_time < ?) OR EXISTS (SELECT 1 FROM "
    "complaint_facts f WHERE f.complaint = c.name AND f.fact_time >= ? AND "
    "f.fact_time < ?))";

constexpr char kColumns[] =
    "SELECT c.name, c.complaint_number, c.customer, c.customer_grade, "
    "c.category, c.severity, c.channel, c.state, c.first_responder_id, "
    "IFNULL(l.first_responder_department, '') AS frd, "
    "c.handling_department, IFNULL(l.handler_id, '') AS handler, "
    "c.register_time, c.accept_time, c.close_time, "
    "IFNULL(l.paused_working_minutes, 0) AS paused, "
    "IFNULL(l.escalation_level, 0) AS level, "
    "IFNULL(l.reopen_count, 0) AS reopens, "
    "IFNULL(l.repeat_contacts, 0) AS repeats, c.cause, c.responsibility, "
    "c.fault_report";

SqlCondition WhereOf(const LedgerQuery& q) {
  SqlCondition w;
  const std::string start = ToSqlTime(q.scope.start);
  const std::string end = ToSqlTime(q.scope.end);
  w.sql = q.touched ? kTouched
                    : " WHERE c.register_time >= ? AND c.register_time < ?";
  for (int i = 0; i < (q.touched ? 4 : 1); ++i) {
    w.values.push_back(start);
    w.values.push_back(end);
  }
  AppendIn("c.handling_department", q.scope.departments, &w);
  if (!q.scope.staff_ids.empty()) {
    SqlCondition first;
    SqlCondition handler;
    AppendIn("c.first_responder_id", q.scope.staff_ids, &first);
    AppendIn("l.handler_id", q.scope.staff_ids, &handler);
    // " AND x IN (...)" twice into one "either".
    absl::StrAppend(&w.sql, " AND (", first.sql.substr(5), " OR ",
                    handler.sql.substr(5), ")");
    w.values.insert(w.values.end(), first.values.begin(), first.values.end());
    w.values.insert(w.values.end(), handler.values.begin(),
                    handler.values.end());
  }
  AppendIn("c.category", q.scope.categories, &w);
  AppendIn("c.severity", q.scope.severities, &w);
  AppendIn("c.customer_grade", q.scope.grades, &w);
  return w;
}

template <typename T>
T EnumOf(const std::string& name, bool (*parse)(const std::string&, T*)) {
  T value{};
  parse(name, &value);
  return value;
}

// The time field stays unset (not merely empty) when the column is NULL.
template <typename M>
absl::Status SetOptTime(const ResultSetPtr& rs, const char* column, M* m,
                        google::protobuf::Timestamp* (M::*field)()) {
  if (rs->isNull(column)) return absl::OkStatus();
  return sql_rows::SetTime(rs, column, (m->*field)());
}

absl::StatusOr<rv1::ComplaintLedgerRow> ReadRow(const ResultSetPtr& rs) {
  using sql_rows::Str;
  rv1::ComplaintLedgerRow r;
  r.set_complaint(Str(rs, "name"));
  r.set_complaint_number(Str(rs, "complaint_number"));
  r.set_customer(Str(rs, "customer"));
  r.set_customer_grade(Str(rs, "customer_grade"));
  r.set_category(Str(rs, "category"));
  r.set_severity(EnumOf(Str(rs, "severity"), &cpv1::Severity_Parse));
  r.set_channel(EnumOf(Str(rs, "channel"), &cpv1::ComplaintChannel_Parse));
  r.set_state(EnumOf(Str(rs, "state"), &cpv1::ComplaintState_Parse));
  r.set_first_responder_id(Str(rs, "first_responder_id"));
  r.set_first_responder_department(Str(rs, "frd"));
  r.set_handling_department(Str(rs, "handling_department"));
  r.set_handler_id(Str(rs, "handler"));
  CSM_RETURN_IF_ERROR(
      SetOptTime(rs, "register_time", &r,
                 &rv1::ComplaintLedgerRow::mutable_register_time));
  CSM_RETURN_IF_ERROR(
      SetOptTime(rs, "accept_time", &r,
                 &rv1::ComplaintLedgerRow::mutable_acknowledge_time));
  CSM_RETURN_IF_ERROR(SetOptTime(rs, "close_time", &r,
                                 &rv1::ComplaintLedgerRow::mutable_close_time));
  r.set_paused_working_minutes(rs->getInt64("paused"));
  r.set_escalation_level(
      static_cast<cpv1::EscalationLevel>(rs->getInt("level")));
  r.set_reopen_count(rs->getInt("reopens"));
  r.set_repeat_contacts(rs->getInt("repeats"));
  r.set_cause(Str(rs, "cause"));
  r.set_responsibility(
      EnumOf(Str(rs, "responsibility"), &cpv1::Responsibility_Parse));
  r.set_fault_report(Str(rs, "fault_report"));
  return r;
}

// The rows' deadlines, acknowledge, investigated, handling opinion, and the
// departments' working minutes and breaches.
struct Details {
  std::map<std::string, std::vector<rv1::LedgerDeadline>> deadlines;
  std::map<std::string, std::map<std::string, rv1::LedgerDepartmentTime>>
      departments;
};

absl::Status ReadDeadlines(MysqlConnection& conn, const SqlCondition& in,
                           Details* out) {
  sql::PreparedStatement& st = conn.Prepare(absl::StrCat(
      "SELECT complaint, kind, due_time, met_time, breached, "
      "met_working_minutes, IF(breached = 1, breached_staff_id, "
      "met_staff_id) AS staff, IF(breached = 1, breached_department, "
      "met_department) AS department FROM complaint_deadlines WHERE 1",
      in.sql,
      " ORDER BY complaint, FIELD(kind, 'DEADLINE_KIND_ACKNOWLEDGE', "
      "'DEADLINE_KIND_INVESTIGATED', 'DEADLINE_KIND_HANDLING_OPINION')"));
  Binder b(st);
  for (const std::string& v : in.values) b.Str(v);
  ResultSetPtr rs(st.executeQuery());
  while (rs->next()) {
    rv1::LedgerDeadline d;
    const std::string complaint = sql_rows::Str(rs, "complaint");
    cpv1::DeadlineKind kind{};
    cpv1::DeadlineKind_Parse(sql_rows::Str(rs, "kind"), &kind);
    d.set_kind(kind);
    CSM_RETURN_IF_ERROR(
        SetOptTime(rs, "due_time", &d, &rv1::LedgerDeadline::mutable_due_time));
    CSM_RETURN_IF_ERROR(
        SetOptTime(rs, "met_time", &d, &rv1::LedgerDeadline::mutable_met_time));
    d.set_breached(rs->getInt("breached") != 0);
    d.set_met_working_minutes(rs->getInt64("met_working_minutes"));
    d.set_staff_id(sql_rows::Str(rs, "staff"));
    d.set_department(sql_rows::Str(rs, "department"));
    if (d.breached()) {
      rv1::LedgerDepartmentTime& t =
          out->departments[complaint][d.department()];
      t.set_department(d.department());
      if (kind == cpv1::DEADLINE_KIND_ACKNOWLEDGE)
        t.set_breached_acknowledge(true);
      if (kind == cpv1::DEADLINE_KIND_INVESTIGATED) {
        t.set_breached_investigated(true);
      }
      if (kind == cpv1::DEADLINE_KIND_HANDLING_OPINION) {
        t.set_breached_handling_opinion(true);
      }
    }
    out->deadlines[complaint].push_back(std::move(d));
  }
  return absl::OkStatus();
}

absl::Status ReadHoldings(MysqlConnection& conn, const SqlCondition& in,
                          Details* out) {
  sql::PreparedStatement& st = conn.Prepare(
      absl::StrCat("SELECT complaint, department, CAST(SUM(working_minutes) "
                   "AS SIGNED) FROM complaint_holdings WHERE 1",
                   in.sql, " GROUP BY complaint, department"));
  Binder b(st);
  for (const std::string& v : in.values) b.Str(v);
  ResultSetPtr rs(st.executeQuery());
  while (rs->next()) {
    rv1::LedgerDepartmentTime& t =
        out->departments[rs->getString(1)][rs->getString(2)];
    t.set_department(rs->getString(2));
    t.set_working_minutes(rs->getInt64(3));
  }
  return absl::OkStatus();
}

// The latest resolution (time, resolver, department), confirmation (time,
// rating) and return visit (rating), and the escalation rungs, from the
// facts the reports count.
absl::Status ReadFacts(MysqlConnection& conn, const SqlCondition& in,
                       std::map<std::string, rv1::ComplaintLedgerRow>* out) {
  sql::PreparedStatement& st = conn.Prepare(absl::StrCat(
      "SELECT complaint, fact, fact_time, staff_id, department, detail FROM "
      "complaint_facts WHERE fact IN ('resolved', 'confirmed', "
      "'return_visit', 'escalated')",
      in.sql, " ORDER BY complaint, fact_time, event_sequence"));
  Binder b(st);
  for (const std::string& v : in.values) b.Str(v);
  ResultSetPtr rs(st.executeQuery());
  while (rs->next()) {
    rv1::ComplaintLedgerRow& r = (*out)[sql_rows::Str(rs, "complaint")];
    const std::string fact = sql_rows::Str(rs, "fact");
    const auto satisfaction = EnumOf(sql_rows::Str(rs, "detail"),
                                     &csm::common::v1::Satisfaction_Parse);
    if (fact == "escalated") {
      r.set_escalations(r.escalations() + 1);
    } else if (fact == "resolved") {
      CSM_RETURN_IF_ERROR(
          sql_rows::SetTime(rs, "fact_time", r.mutable_resolve_time()));
      r.set_resolver_id(sql_rows::Str(rs, "staff_id"));
      r.set_resolving_department(sql_rows::Str(rs, "department"));
    } else if (fact == "confirmed") {
      CSM_RETURN_IF_ERROR(
          sql_rows::SetTime(rs, "fact_time", r.mutable_confirm_time()));
      r.set_satisfaction(satisfaction);
    } else {
      r.set_return_visit_satisfaction(satisfaction);
    }
  }
  return absl::OkStatus();
}

absl::Status AddDetails(MysqlConnection& conn,
                        std::vector<rv1::ComplaintLedgerRow>* rows) {
  if (rows->empty()) return absl::OkStatus();
  std::vector<std::string> names;
  for (const rv1::ComplaintLedgerRow& r : *rows) names.push_back(r.complaint());
  SqlCondition in;
  AppendIn("complaint", names, &in);
  Details details;
  CSM_RETURN_IF_ERROR(ReadDeadlines(conn, in, &details));
  CSM_RETURN_IF_ERROR(ReadHoldings(conn, in, &details));
  std::map<std::string, rv1::ComplaintLedgerRow> facts;
  CSM_RETURN_IF_ERROR(ReadFacts(conn, in, &facts));
  for (rv1::ComplaintLedgerRow& r : *rows) {
    r.MergeFrom(facts[r.complaint()]);
    for (rv1::LedgerDeadline& d : details.deadlines[r.complaint()]) {
      *r.add_deadlines() = std::move(d);
    }
    // By department name.
    for (auto& [name, t] : details.departments[r.complaint()]) {
      *r.add_department_times() = std::move(t);
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Page<rv1::ComplaintLedgerRow>> LedgerPage(
    MysqlConnection& conn, const LedgerQuery& query,
    const std::optional<PageCursor>& after, int limit) {
  SqlCondition w = WhereOf(query);
  if (after.has_value()) {
    std::pair<std::string, std::string> key =
        absl::StrSplit(after->key, absl::MaxSplits('|', 1));
    absl::StrAppend(&w.sql,
                    " AND (c.register_time > ? OR (c.register_time = ? AND "
                    "c.name > ?))");
    w.values.insert(w.values.end(), {key.first, key.first, key.second});
  }
  sql::PreparedStatement& st = conn.Prepare(absl::StrCat(
      kColumns, kFrom, w.sql, " ORDER BY c.register_time, c.name LIMIT ?"));
  Binder b(st);
  for (const std::string& v : w.values) b.Str(v);
  b.Int(limit + 1);
  ResultSetPtr rs(st.executeQuery());
  std::vector<rv1::ComplaintLedgerRow> rows;
  std::vector<PageCursor> cursors;
  while (rs->next()) {
    CSM_ASSIGN_OR_RETURN(rv1::ComplaintLedgerRow row, ReadRow(rs));
    cursors.push_back(PageCursor{
        absl::StrCat(sql_rows::Str(rs, "register_time"), "|", row.complaint()),
        0});
    rows.push_back(std::move(row));
  }
  Page<rv1::ComplaintLedgerRow> page =
      sql_rows::MakePage(std::move(rows), std::move(cursors), limit);
  CSM_RETURN_IF_ERROR(AddDetails(conn, &page.items));
  return page;
}

absl::StatusOr<int64_t> LedgerSize(MysqlConnection& conn,
                                   const LedgerQuery& query) {
  const SqlCondition w = WhereOf(query);
  sql::PreparedStatement& st =
      conn.Prepare(absl::StrCat("SELECT COUNT(*)", kFrom, w.sql));
  Binder b(st);
  for (const std::string& v : w.values) b.Str(v);
  ResultSetPtr rs(st.executeQuery());
  return rs->next() ? rs->getInt64(1) : 0;
}

}  // namespace csm::reporting
