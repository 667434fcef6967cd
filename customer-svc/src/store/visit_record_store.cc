// VisitStore: visits, communication records and promises, and what the
// overdue sweep claims.
#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/business_time.h"
#include "common/sql_rows.h"
#include "common/sql_values.h"
#include "common/status.h"
#include "customer-svc/src/store/visit_rows.h"
#include "customer-svc/src/store/visit_store.h"

namespace csm::customer {
// ---------------------------------------------------------------- visits

absl::StatusOr<std::vector<VisitRecord>> VisitStore::VisitHistory(
    MysqlConnection& conn, int64_t plan_id) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "SELECT actual_date, method FROM visits WHERE plan_id = ? ORDER BY "
      "actual_date, id LOCK IN SHARE MODE");
  stmt.setInt64(1, plan_id);
  ResultSetPtr rs(stmt.executeQuery());
  std::vector<VisitRecord> out;
  while (rs->next()) {
    CSM_ASSIGN_OR_RETURN(absl::CivilDay day,
                         FromSqlDate(Str(rs, "actual_date")));
    out.push_back({day, ToRuleMethod(static_cast<v1::VisitMethod>(
                            rs->getInt("method")))});
  }
  return out;
}

absl::Status VisitStore::InsertVisit(MysqlConnection& conn, int64_t customer_id,
                                     int64_t plan_id, v1::Visit* visit,
                                     const Principal& staff, absl::Time now) {
  CSM_ASSIGN_OR_RETURN(absl::CivilDay planned,
                       FromProtoDate(visit->planned_date()));
  CSM_ASSIGN_OR_RETURN(absl::CivilDay actual,
                       FromProtoDate(visit->actual_date()));
  sql::PreparedStatement& stmt = conn.Prepare(
      "INSERT INTO visits (plan_id, planned_date, actual_date, method, "
      "staff_id, staff_department, satisfaction, customer_opinions, "
      "customer_requests, countermeasures, next_action, counted, "
      "not_counted_reason, create_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
      "?, ?, ?, ?, ?) RETURNING id");
  stmt.setInt64(1, plan_id);
  stmt.setString(2, ToSqlDate(planned));
  stmt.setString(3, ToSqlDate(actual));
  stmt.setInt(4, visit->method());
  stmt.setString(5, staff.staff_id);
  stmt.setString(6, staff.department);
  stmt.setInt(7, visit->satisfaction());
  stmt.setString(8, visit->customer_opinions());
  stmt.setString(9, visit->customer_requests());
  stmt.setString(10, visit->countermeasures());
  stmt.setString(11, visit->next_action());
  stmt.setBoolean(12, visit->counted());
  stmt.setString(13, visit->not_counted_reason());
  stmt.setString(14, ToSqlTime(now));
  CSM_ASSIGN_OR_RETURN(const int64_t id, InsertedId(stmt));
  visit->set_name(absl::StrCat(PlanName(customer_id, plan_id), "/visits/", id));
  visit->set_staff_id(staff.staff_id);
  ToProtoTimestamp(now, visit->mutable_create_time());
  return absl::OkStatus();
}

absl::StatusOr<v1::Visit> VisitStore::GetVisit(MysqlConnection& conn,
                                               int64_t customer_id,
                                               int64_t plan_id,
                                               int64_t visit_id) {
  sql::PreparedStatement& stmt = conn.Prepare(
      absl::StrCat("SELECT ", kVisitColumns,
                   " FROM visits v WHERE v.id = ? AND v.plan_id = ? AND "
                   "EXISTS (SELECT 1 FROM visit_plans p WHERE p.id = "
                   "v.plan_id AND p.customer_id = ?)"));
  stmt.setInt64(1, visit_id);
  stmt.setInt64(2, plan_id);
  stmt.setInt64(3, customer_id);
  ResultSetPtr rs(stmt.executeQuery());
  if (!rs->next()) {
    return absl::NotFoundError(
        absl::StrCat("visit ", PlanName(customer_id, plan_id), "/visits/",
                     visit_id, " does not exist"));
  }
  return VisitFromRow(rs, customer_id, plan_id);
}

absl::StatusOr<Page<v1::Visit>> VisitStore::ListVisits(
    MysqlConnection& conn, int64_t customer_id, int64_t plan_id,
    std::optional<PageCursor> after, int limit) {
  sql::PreparedStatement& stmt = conn.Prepare(absl::StrCat(
      "SELECT ", kVisitColumns, " FROM visits WHERE plan_id = ?",
      after.has_value()
          ? " AND (actual_date < ? OR (actual_date = ? AND id < ?))"
          : "",
      " ORDER BY actual_date DESC, id DESC LIMIT ", limit + 1));
  stmt.setInt64(1, plan_id);
  if (after.has_value()) {
    stmt.setString(2, after->key);
    stmt.setString(3, after->key);
    stmt.setInt64(4, after->id);
  }
  ResultSetPtr rs(stmt.executeQuery());
  std::vector<v1::Visit> items;
  std::vector<PageCursor> cursors;
  while (rs->next()) {
    cursors.push_back({Str(rs, "actual_date"), rs->getInt64("id")});
    CSM_ASSIGN_OR_RETURN(v1::Visit v, VisitFromRow(rs, customer_id, plan_id));
    items.push_back(std::move(v));
  }
  return MakePage(std::move(items), std::move(cursors), limit);
}

// ----------------------------------------------------------------
// communications

absl::Status VisitStore::InsertCommunication(MysqlConnection& conn,
                                             int64_t customer_id,
                                             v1::Communication* c,
                                             const Principal& recorder,
                                             absl::Time now) {
  std::optional<absl::CivilDay> due;
  if (c->has_promise()) {
    CSM_ASSIGN_OR_RETURN(due, FromProtoDate(c->promise().due_date()));
  }
  sql::PreparedStatement& stmt = conn.Prepare(
      "INSERT INTO communications (customer_id, channel, staff_id, "
      "contact_time, summary, customer_requests, promise_description, "
      "promise_due_date, promise_state, kept_time, kept_late, kept_note, "
      "recorder_id, recorder_department, create_time) VALUES (?, ?, ?, ?, ?, "
      "?, ?, ?, ?, NULL, 0, '', ?, ?, ?) RETURNING id");
  stmt.setInt64(1, customer_id);
  stmt.setInt(2, c->channel());
  stmt.setString(3, c->staff_id());
  stmt.setString(4, ToSqlTime(FromProtoTimestamp(c->contact_time())));
  stmt.setString(5, c->summary());
  stmt.setString(6, c->customer_requests());
  stmt.setString(7, c->has_promise() ? c->promise().description() : "");
  BindDate(stmt, 8, due);
  stmt.setInt(9, c->has_promise() ? c->promise().state()
                                  : v1::PROMISE_STATE_UNSPECIFIED);
  stmt.setString(10, recorder.staff_id);
  stmt.setString(11, recorder.department);
  stmt.setString(12, ToSqlTime(now));
  CSM_ASSIGN_OR_RETURN(const int64_t id, InsertedId(stmt));
  c->set_name(CommunicationName(customer_id, id));
  SetActor(recorder, c->mutable_recorder());
  ToProtoTimestamp(now, c->mutable_create_time());
  return absl::OkStatus();
}

absl::StatusOr<v1::Communication> VisitStore::GetCommunication(
    MysqlConnection& conn, int64_t customer_id, int64_t id, bool lock) {
  sql::PreparedStatement& stmt = conn.Prepare(
      absl::StrCat("SELECT ", kCommunicationColumns,
                   " FROM communications WHERE id = ? AND customer_id = ?",
                   lock ? " FOR UPDATE" : ""));
  stmt.setInt64(1, id);
  stmt.setInt64(2, customer_id);
  ResultSetPtr rs(stmt.executeQuery());
  if (!rs->next()) {
    return absl::NotFoundError(absl::StrCat("communication ",
                                            CommunicationName(customer_id, id),
                                            " does not exist"));
  }
  return CommunicationFromRow(rs);
}

absl::StatusOr<Page<v1::Communication>> VisitStore::ListCommunications(
    MysqlConnection& conn, const CommunicationQuery& query) {
  std::vector<std::string> where;
  std::vector<Param> params;
  if (query.customer_id > 0) {
    where.push_back("customer_id = ?");
    params.push_back({Param::kInt, "", query.customer_id});
  }
  for (const FilterTerm& term : query.filter) {
    auto it = CommunicationFilters().find(term.field);
    if (it == CommunicationFilters().end()) {
      return InvalidField("filter",
                          absl::StrCat("unknown field '", term.field, "'"));
    }
    CSM_RETURN_IF_ERROR(
        sql_rows::AddFilterCondition(term, it->second, &where, &params));
  }
  if (query.after.has_value()) {
    where.push_back("(contact_time < ? OR (contact_time = ? AND id < ?))");
    params.push_back({Param::kString, query.after->key});
    params.push_back({Param::kString, query.after->key});
    params.push_back({Param::kInt, "", query.after->id});
  }
  sql::PreparedStatement& stmt = conn.Prepare(absl::StrCat(
      "SELECT ", kCommunicationColumns, " FROM communications",
      where.empty() ? "" : " WHERE ", absl::StrJoin(where, " AND "),
      " ORDER BY contact_time DESC, id DESC LIMIT ", query.limit + 1));
  Bind(stmt, params);
  ResultSetPtr rs(stmt.executeQuery());
  std::vector<v1::Communication> items;
  std::vector<PageCursor> cursors;
  while (rs->next()) {
    cursors.push_back({Str(rs, "contact_time"), rs->getInt64("id")});
    CSM_ASSIGN_OR_RETURN(v1::Communication c, CommunicationFromRow(rs));
    items.push_back(std::move(c));
  }
  return MakePage(std::move(items), std::move(cursors), query.limit);
}

absl::Status VisitStore::KeepPromise(MysqlConnection& conn, int64_t id,
                                     absl::string_view note, bool late,
                                     absl::Time now) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "UPDATE communications SET promise_state = ?, kept_time = ?, kept_late "
      "= ?, kept_note = ? WHERE id = ?");
  stmt.setInt(1, v1::PROMISE_STATE_KEPT);
  stmt.setString(2, ToSqlTime(now));
  stmt.setBoolean(3, late);
  stmt.setString(4, std::string(note));
  stmt.setInt64(5, id);
  stmt.executeUpdate();
  return absl::OkStatus();
}

absl::StatusOr<Page<v1::Communication>> VisitStore::ListOverduePromises(
    MysqlConnection& conn, absl::string_view staff_id, absl::CivilDay today,
    std::optional<PageCursor> after, int limit) {
  sql::PreparedStatement& stmt = conn.Prepare(absl::StrCat(
      "SELECT ", kCommunicationColumns,
      " FROM communications m WHERE staff_id = ? AND (promise_state = ? OR "
      "(promise_state = ? AND promise_due_date < ?)) AND ",
      OpenArchive("m"),
      after.has_value() ? " AND (promise_due_date > ? OR (promise_due_date = "
                          "? AND id > ?))"
                        : "",
      " ORDER BY promise_due_date, id LIMIT ", limit + 1));
  stmt.setString(1, std::string(staff_id));
  stmt.setInt(2, v1::PROMISE_STATE_BROKEN);
  stmt.setInt(3, v1::PROMISE_STATE_OPEN);
  stmt.setString(4, ToSqlDate(today));
  if (after.has_value()) {
    stmt.setString(5, after->key);
    stmt.setString(6, after->key);
    stmt.setInt64(7, after->id);
  }
  ResultSetPtr rs(stmt.executeQuery());
  std::vector<v1::Communication> items;
  std::vector<PageCursor> cursors;
  while (rs->next()) {
    cursors.push_back({Str(rs, "promise_due_date"), rs->getInt64("id")});
    CSM_ASSIGN_OR_RETURN(v1::Communication c, CommunicationFromRow(rs));
    items.push_back(std::move(c));
  }
  return MakePage(std::move(items), std::move(cursors), limit);
}

// ---------------------------------------------------------------- sweep

absl::StatusOr<std::vector<OverduePlan>> VisitStore::ClaimOverduePlans(
    MysqlConnection& conn, absl::CivilDay today, int limit) {
  sql::PreparedStatement& stmt = conn.Prepare(absl::StrCat(
      "SELECT p.id, p.customer_id, p.next_due_date FROM visit_plans p WHERE "
      "p.closed_time IS NULL AND p.next_due_date < ? AND "
      "(p.overdue_notified_due IS NULL OR p.overdue_notified_due <> "
      "p.next_due_date) AND ",
      OpenArchive("p"), " ORDER BY p.id LIMIT ", limit,
      " FOR UPDATE SKIP LOCKED"));
  stmt.setString(1, ToSqlDate(today));
  ResultSetPtr rs(stmt.executeQuery());
  std::vector<OverduePlan> out;
  while (rs->next()) {
    OverduePlan p;
    p.plan_id = rs->getInt64("id");
    p.customer_id = rs->getInt64("customer_id");
    CSM_ASSIGN_OR_RETURN(p.due, FromSqlDate(Str(rs, "next_due_date")));
    out.push_back(p);
  }
  return out;
}

absl::Status VisitStore::MarkOverdueNotified(MysqlConnection& conn,
                                             int64_t plan_id,
                                             absl::CivilDay due) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "UPDATE visit_plans SET overdue_notified_due = ? WHERE id = ?");
  stmt.setString(1, ToSqlDate(due));
  stmt.setInt64(2, plan_id);
  stmt.executeUpdate();
  return absl::OkStatus();
}

absl::StatusOr<std::vector<BrokenPromise>> VisitStore::ClaimBrokenPromises(
    MysqlConnection& conn, absl::CivilDay today, int limit) {
  sql::PreparedStatement& stmt = conn.Prepare(absl::StrCat(
      "SELECT m.id, m.customer_id, m.staff_id, m.promise_due_date FROM "
      "communications m WHERE m.promise_state = ? AND m.promise_due_date < ? "
      "AND ",
      OpenArchive("m"), " ORDER BY m.id LIMIT ", limit,
      " FOR UPDATE SKIP LOCKED"));
  stmt.setInt(1, v1::PROMISE_STATE_OPEN);
  stmt.setString(2, ToSqlDate(today));
  ResultSetPtr rs(stmt.executeQuery());
  std::vector<BrokenPromise> out;
  while (rs->next()) {
    BrokenPromise b;
    b.communication_id = rs->getInt64("id");
    b.customer_id = rs->getInt64("customer_id");
    b.staff_id = Str(rs, "staff_id");
    CSM_ASSIGN_OR_RETURN(b.due, FromSqlDate(Str(rs, "promise_due_date")));
    out.push_back(std::move(b));
  }
  return out;
}

absl::Status VisitStore::MarkPromiseBroken(MysqlConnection& conn, int64_t id) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "UPDATE communications SET promise_state = ? WHERE id = ? AND "
      "promise_state = ?");
  stmt.setInt(1, v1::PROMISE_STATE_BROKEN);
  stmt.setInt64(2, id);
  stmt.setInt(3, v1::PROMISE_STATE_OPEN);
  stmt.executeUpdate();
  return absl::OkStatus();
}

}  // namespace csm::customer
