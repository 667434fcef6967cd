#include "complaint-svc/src/store/complaint_store.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/business_time.h"
#include "common/sql_paging.h"
#include "common/sql_rows.h"
#include "common/sql_values.h"
#include "common/status.h"
#include "common/text.h"
#include "complaint-svc/src/domain/text_limits.h"
#include "complaint-svc/src/store/complaint_rows.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"

namespace csm::complaint {

using sql_rows::Str;
using sql_rows::TimeCol;

absl::StatusOr<int64_t> ComplaintStore::ParseComplaintName(
    absl::string_view name, absl::string_view field) {
  return ParseId(name, "complaints", field);
}

std::string ComplaintStore::ComplaintName(int64_t id) {
  return absl::StrCat("complaints/", id);
}

absl::StatusOr<int64_t> ComplaintStore::ParseFaultReportName(
    absl::string_view name, absl::string_view field) {
  return ParseId(name, "faultReports", field);
}

std::string ComplaintStore::FaultReportName(int64_t id) {
  return absl::StrCat("faultReports/", id);
}

void ComplaintStore::RenderSla(const SlaState& s, v1::Complaint* out) {
  out->clear_deadlines();
  for (const DeadlineClock* d : s.deadlines()) {
    if (!d->tracked()) continue;
    v1::Deadline* dl = out->add_deadlines();
    dl->set_kind(d->kind);
    SetTs(d->due, dl->mutable_due_time());
    if (d->met.has_value()) SetTs(*d->met, dl->mutable_met_time());
    dl->set_breached(d->breached);
    dl->set_warned(d->warned);
    dl->set_met_working_minutes(d->met_working_minutes.value_or(0));
    dl->set_met_by_staff_id(d->met_by.staff_id);
    dl->set_met_department(d->met_by.department);
    dl->set_breached_department(d->breached_holder.department);
    dl->set_breached_staff_id(d->breached_holder.staff_id);
  }
  out->set_sla_paused(s.paused_since.has_value());
  out->set_paused_working_minutes(WholeMinutes(s.paused_working));
  out->set_escalation_level(
      static_cast<v1::EscalationLevel>(s.escalation_level));
}

absl::StatusOr<int64_t> ComplaintStore::NextComplaintSequence(
    MysqlConnection& conn, absl::string_view period) {
  // RETURNING (MariaDB 10.5+) on an upsert gives the row as written: 1 when
  // the month's row was inserted, the incremented value when it was updated
  // (checked in common/sql_returning_test.cc), in one round trip instead of
  // the upsert and a SELECT LAST_INSERT_ID().
  sql::PreparedStatement& upsert = conn.Prepare(
      "INSERT INTO complaint_number_counters (period, last_value) VALUES (?, "
      "1) ON DUPLICATE KEY UPDATE last_value = last_value + 1 RETURNING "
      "last_value");
  upsert.setString(1, std::string(period));
  ResultSetPtr rs(upsert.executeQuery());
  if (!rs->next()) {
    return absl::InternalError("the complaint number counter returned no row");
  }
  return rs->getInt64(1);
}

absl::Status ComplaintStore::LockCustomer(MysqlConnection& conn,
                                          int64_t customer_id) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "INSERT INTO complaint_customer_locks (customer_id, registrations) "
      "VALUES (?, 1) ON DUPLICATE KEY UPDATE registrations = registrations + "
      "1");
  stmt.setInt64(1, customer_id);
  stmt.executeUpdate();
  return absl::OkStatus();
}

absl::StatusOr<std::vector<OpenComplaintFacts>>
ComplaintStore::LockOpenComplaintsOf(MysqlConnection& conn,
                                     int64_t customer_id) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "SELECT id, state, category, normalized_subject, "
      "normalized_matter_reference, create_time FROM complaints WHERE "
      "customer_id = ? AND state NOT IN (?, ?) ORDER BY id FOR UPDATE");
  stmt.setInt64(1, customer_id);
  stmt.setInt(2, v1::COMPLAINT_STATE_CLOSED);
  stmt.setInt(3, v1::COMPLAINT_STATE_REJECTED);
  ResultSetPtr rs(stmt.executeQuery());
  std::vector<OpenComplaintFacts> out;
  while (rs->next()) {
    OpenComplaintFacts f;
    f.id = rs->getInt64("id");
    f.state = static_cast<v1::ComplaintState>(rs->getInt("state"));
    f.category = Str(rs, "category");
    f.normalized_subject = Str(rs, "normalized_subject");
    f.normalized_matter_reference = Str(rs, "normalized_matter_reference");
    CSM_ASSIGN_OR_RETURN(f.create_time, TimeCol(rs, "create_time"));
    out.push_back(std::move(f));
  }
  return out;
}

absl::Status ComplaintStore::InsertComplaint(MysqlConnection& conn,
                                             ComplaintRecord* r,
                                             absl::Time now) {
  Columns cols = ComplaintColumns(*r);
  cols.push_back({"create_time", T(r->sla.register_time)});
  cols.push_back({"update_time", T(now)});
  cols.push_back({"version", I(1)});
  std::vector<std::string> names;
  std::vector<Value> values;
  for (auto& [name, value] : cols) {
    names.emplace_back(name);
    values.push_back(std::move(value));
  }
  std::vector<std::string> marks(names.size(), "?");
  sql::PreparedStatement& stmt = conn.Prepare(
      absl::StrCat("INSERT INTO complaints (", absl::StrJoin(names, ", "),
                   ") VALUES (", absl::StrJoin(marks, ", "), ") RETURNING id"));
  sql_rows::Bind(stmt, values);
  CSM_ASSIGN_OR_RETURN(r->id, sql_rows::InsertedId(stmt));
  r->version = 1;
  r->complaint.set_name(ComplaintName(r->id));
  r->complaint.set_etag("1");
  SetTs(r->sla.register_time, r->complaint.mutable_create_time());
  SetTs(now, r->complaint.mutable_update_time());
  return absl::OkStatus();
}

absl::StatusOr<ComplaintRecord> ComplaintStore::GetComplaint(
    MysqlConnection& conn, int64_t id, bool lock) {
  sql::PreparedStatement& stmt = conn.Prepare(absl::StrCat(
      "SELECT * FROM complaints WHERE id = ?", lock ? " FOR UPDATE" : ""));
  stmt.setInt64(1, id);
  ResultSetPtr rs(stmt.executeQuery());
  if (!rs->next()) {
    return absl::NotFoundError(
        absl::StrCat("complaint ", ComplaintName(id), " does not exist"));
  }
  CSM_ASSIGN_OR_RETURN(ComplaintRecord r, ComplaintFromRow(rs));
  rs.reset();
  CSM_RETURN_IF_ERROR(LoadChildren(conn, {{r.id, &r.complaint}}));
  return r;
}

absl::StatusOr<bool> ComplaintStore::ComplaintExists(MysqlConnection& conn,
                                                     int64_t id) {
  sql::PreparedStatement& stmt =
      conn.Prepare("SELECT 1 FROM complaints WHERE id = ?");
  stmt.setInt64(1, id);
  ResultSetPtr rs(stmt.executeQuery());
  return rs->next();
}

absl::Status ComplaintStore::UpdateComplaint(MysqlConnection& conn,
                                             ComplaintRecord* r,
                                             absl::Time now) {
  Columns cols = ComplaintColumns(*r);
  std::vector<std::string> sets;
  std::vector<Value> values;
  for (auto& [name, value] : cols) {
    sets.push_back(absl::StrCat(name, " = ?"));
    values.push_back(std::move(value));
  }
  sets.push_back("update_time = ?");
  values.push_back(T(now));
  sets.push_back("version = version + 1");
  values.push_back(I(r->id));
  values.push_back(I(r->version));
  sql::PreparedStatement& stmt = conn.Prepare(
      absl::StrCat("UPDATE complaints SET ", absl::StrJoin(sets, ", "),
                   " WHERE id = ? AND version = ?"));
  sql_rows::Bind(stmt, values);
  if (stmt.executeUpdate() != 1) {
    return absl::AbortedError(absl::StrCat(
        ComplaintName(r->id), " was changed concurrently; read it again"));
  }
  r->version += 1;
  r->complaint.set_etag(std::to_string(r->version));
  SetTs(now, r->complaint.mutable_update_time());
  return absl::OkStatus();
}
absl::Status ComplaintStore::InsertStep(
    MysqlConnection& conn, int64_t complaint_id, absl::string_view action,
    v1::ComplaintState from, v1::ComplaintState to, absl::string_view actor_id,
    absl::string_view actor_department, absl::string_view note,
    absl::Time now) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "INSERT INTO complaint_steps (complaint_id, action, from_state, "
      "to_state, actor_id, actor_department, note, step_time) VALUES (?, ?, "
      "?, ?, ?, ?, ?, ?)");
  stmt.setInt64(1, complaint_id);
  stmt.setString(2, std::string(action));
  stmt.setInt(3, from);
  stmt.setInt(4, to);
  stmt.setString(5, std::string(actor_id));
  stmt.setString(6, std::string(actor_department));
  // Notes are sized to fit (text_limits.h); one that does not is a bug, and
  // cutting it would lose what the caller wrote.
  if (const size_t chars = CountCodePoints(note);
      chars > static_cast<size_t>(limits::kStepNote.max_chars)) {
    return absl::InternalError(
        absl::StrCat("a timeline note of ", chars, " characters exceeds ",
                     limits::kStepNote.max_chars, "; nothing was written"));
  }
  stmt.setString(7, std::string(note));
  stmt.setString(8, ToSqlTime(now));
  stmt.executeUpdate();
  return absl::OkStatus();
}

absl::StatusOr<Page<v1::ComplaintStep>> ComplaintStore::ListSteps(
    MysqlConnection& conn, int64_t complaint_id,
    std::optional<PageCursor> after, int limit) {
  return sql_rows::ReadIdPage<v1::ComplaintStep>(
      conn,
      sql_rows::IdPageQuery{.select = "SELECT id, action, from_state, "
                                      "to_state, actor_id, actor_department, "
                                      "note, step_time FROM complaint_steps",
                            .where = {"complaint_id = ?"},
                            .params = {I(complaint_id)},
                            .after = after,
                            .limit = limit},
      [complaint_id](const ResultSetPtr& rs, int64_t id,
                     v1::ComplaintStep& s) -> absl::Status {
        s.set_name(absl::StrCat(ComplaintName(complaint_id), "/steps/", id));
        s.set_action(Str(rs, "action"));
        s.set_from_state(
            static_cast<v1::ComplaintState>(rs->getInt("from_state")));
        s.set_to_state(static_cast<v1::ComplaintState>(rs->getInt("to_state")));
        s.set_actor_id(Str(rs, "actor_id"));
        s.set_actor_department(Str(rs, "actor_department"));
        s.set_note(Str(rs, "note"));
        CSM_ASSIGN_OR_RETURN(absl::Time t, TimeCol(rs, "step_time"));
        SetTs(t, s.mutable_step_time());
        return absl::OkStatus();
      });
}

absl::Status ComplaintStore::ChargeDepartment(MysqlConnection& conn,
                                              int64_t complaint_id,
                                              absl::string_view department,
                                              const DepartmentCharge& charge,
                                              absl::Time now) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "INSERT INTO complaint_department_times (complaint_id, department, "
      "working_seconds, breached_acknowledge, breached_handling_opinion, "
      "breached_investigated, first_time) VALUES (?, ?, ?, ?, ?, ?, ?) ON "
      "DUPLICATE KEY UPDATE working_seconds = working_seconds + "
      "VALUES(working_seconds), breached_acknowledge = breached_acknowledge "
      "OR VALUES(breached_acknowledge), breached_handling_opinion = "
      "breached_handling_opinion OR VALUES(breached_handling_opinion), "
      "breached_investigated = breached_investigated OR "
      "VALUES(breached_investigated)");
  stmt.setInt64(1, complaint_id);
  stmt.setString(2, std::string(department));
  stmt.setInt64(3, absl::ToInt64Seconds(charge.held));
  stmt.setBoolean(4, charge.breached_acknowledge);
  stmt.setBoolean(5, charge.breached_handling_opinion);
  stmt.setBoolean(6, charge.breached_investigated);
  stmt.setString(7, ToSqlTime(now));
  stmt.executeUpdate();
  return absl::OkStatus();
}

absl::Status ComplaintStore::InsertEscalation(
    MysqlConnection& conn, int64_t complaint_id, v1::EscalationLevel level,
    v1::DeadlineKind deadline, absl::string_view department, absl::Time at) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "INSERT INTO complaint_escalations (complaint_id, level, deadline, "
      "department, escalate_time) VALUES (?, ?, ?, ?, ?)");
  stmt.setInt64(1, complaint_id);
  stmt.setInt(2, level);
  stmt.setInt(3, deadline);
  stmt.setString(4, std::string(department));
  stmt.setString(5, ToSqlTime(at));
  stmt.executeUpdate();
  return absl::OkStatus();
}

absl::StatusOr<std::vector<int64_t>> ComplaintStore::LockDueForSweep(
    MysqlConnection& conn, absl::Time now, int limit) {
  sql::PreparedStatement& stmt = conn.Prepare(absl::StrCat(
      "SELECT id FROM complaints WHERE next_action_time <= ? ORDER BY "
      "next_action_time, id LIMIT ",
      limit, " FOR UPDATE SKIP LOCKED"));
  stmt.setString(1, ToSqlTime(now));
  ResultSetPtr rs(stmt.executeQuery());
  std::vector<int64_t> ids;
  while (rs->next()) ids.push_back(rs->getInt64(1));
  return ids;
}
}  // namespace csm::complaint
