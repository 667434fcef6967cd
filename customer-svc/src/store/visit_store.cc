#include "customer-svc/src/store/visit_store.h"

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

namespace csm::customer {
namespace {

using sql_rows::Bind;
using sql_rows::DateCol;
using sql_rows::FilterColumn;
using sql_rows::LastInsertId;
using sql_rows::MakePage;
using sql_rows::Param;
using sql_rows::ResultSetPtr;
using sql_rows::SetActor;
using sql_rows::SetTime;
using sql_rows::Str;
using sql_rows::TimeCol;

// "customers/1/visitPlans/2" against {"customers", "visitPlans"}: the ids,
// or nothing when the name has another shape.
std::optional<std::vector<int64_t>> ParseIds(
    absl::string_view name, std::initializer_list<absl::string_view> kinds) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() != 2 * kinds.size()) return std::nullopt;
  std::vector<int64_t> ids;
  size_t i = 0;
  for (absl::string_view kind : kinds) {
    int64_t id = 0;
    if (parts[i] != kind || !absl::SimpleAtoi(parts[i + 1], &id) || id <= 0) {
      return std::nullopt;
    }
    ids.push_back(id);
    i += 2;
  }
  return ids;
}

void SetDate(absl::CivilDay day, csm::common::v1::Date* out) {
  ToProtoDate(day, out);
}

void BindDate(sql::PreparedStatement& stmt, unsigned index,
              const std::optional<absl::CivilDay>& day) {
  if (day.has_value()) {
    stmt.setString(index, ToSqlDate(*day));
  } else {
    stmt.setNull(index, 0);
  }
}

const char* LockClause(PolicyLock lock) {
  switch (lock) {
    case PolicyLock::kNone:
      return "";
    case PolicyLock::kShare:
      return " LOCK IN SHARE MODE";
    case PolicyLock::kUpdate:
      return " FOR UPDATE";
  }
  return "";
}

constexpr char kPlanColumns[] =
    "p.id, p.customer_id, p.project, p.delivery_date, p.next_due_date, "
    "p.last_valid_visit_date, p.sms_streak, p.status_note, p.closed_time, "
    "p.close_reason, p.version, p.create_time, c.owner_id";

absl::StatusOr<PlanRecord> PlanFromRow(const ResultSetPtr& rs) {
  PlanRecord p;
  p.id = rs->getInt64("id");
  p.customer_id = rs->getInt64("customer_id");
  p.project = Str(rs, "project");
  CSM_ASSIGN_OR_RETURN(p.delivery_date, FromSqlDate(Str(rs, "delivery_date")));
  CSM_ASSIGN_OR_RETURN(p.next_due_date, FromSqlDate(Str(rs, "next_due_date")));
  CSM_ASSIGN_OR_RETURN(p.last_valid_visit_date,
                       DateCol(rs, "last_valid_visit_date"));
  p.sms_streak = rs->getInt("sms_streak");
  p.status_note = Str(rs, "status_note");
  if (!rs->isNull("closed_time")) {
    CSM_ASSIGN_OR_RETURN(absl::Time closed, TimeCol(rs, "closed_time"));
    p.closed_time = closed;
  }
  p.close_reason = Str(rs, "close_reason");
  p.version = rs->getInt64("version");
  CSM_ASSIGN_OR_RETURN(p.create_time, TimeCol(rs, "create_time"));
  p.owner_id = Str(rs, "owner_id");
  return p;
}

constexpr char kVisitColumns[] =
    "id, planned_date, actual_date, method, staff_id, satisfaction, "
    "customer_opinions, customer_requests, countermeasures, next_action, "
    "counted, not_counted_reason, create_time";

absl::StatusOr<v1::Visit> VisitFromRow(const ResultSetPtr& rs,
                                       int64_t customer_id, int64_t plan_id) {
  v1::Visit v;
  v.set_name(absl::StrCat(VisitStore::PlanName(customer_id, plan_id),
                          "/visits/", rs->getInt64("id")));
  CSM_ASSIGN_OR_RETURN(absl::CivilDay planned,
                       FromSqlDate(Str(rs, "planned_date")));
  SetDate(planned, v.mutable_planned_date());
  CSM_ASSIGN_OR_RETURN(absl::CivilDay actual,
                       FromSqlDate(Str(rs, "actual_date")));
  SetDate(actual, v.mutable_actual_date());
  v.set_method(static_cast<v1::VisitMethod>(rs->getInt("method")));
  v.set_staff_id(Str(rs, "staff_id"));
  v.set_satisfaction(
      static_cast<csm::common::v1::Satisfaction>(rs->getInt("satisfaction")));
  v.set_customer_opinions(Str(rs, "customer_opinions"));
  v.set_customer_requests(Str(rs, "customer_requests"));
  v.set_countermeasures(Str(rs, "countermeasures"));
  v.set_next_action(Str(rs, "next_action"));
  v.set_counted(rs->getBoolean("counted"));
  v.set_not_counted_reason(Str(rs, "not_counted_reason"));
  CSM_RETURN_IF_ERROR(SetTime(rs, "create_time", v.mutable_create_time()));
  return v;
}

constexpr char kCommunicationColumns[] =
    "id, customer_id, channel, staff_id, contact_time, summary, "
    "customer_requests, promise_description, promise_due_date, "
    "promise_state, kept_time, kept_late, kept_note, recorder_id, "
    "recorder_department, create_time";

absl::StatusOr<v1::Communication> CommunicationFromRow(const ResultSetPtr& rs) {
  v1::Communication c;
  c.set_name(VisitStore::CommunicationName(rs->getInt64("customer_id"),
                                           rs->getInt64("id")));
  c.set_channel(static_cast<v1::CommunicationChannel>(rs->getInt("channel")));
  c.set_staff_id(Str(rs, "staff_id"));
  CSM_RETURN_IF_ERROR(SetTime(rs, "contact_time", c.mutable_contact_time()));
  c.set_summary(Str(rs, "summary"));
  c.set_customer_requests(Str(rs, "customer_requests"));
  const int state = rs->getInt("promise_state");
  if (state != v1::PROMISE_STATE_UNSPECIFIED) {
    v1::CommunicationPromise* p = c.mutable_promise();
    p->set_description(Str(rs, "promise_description"));
    CSM_ASSIGN_OR_RETURN(std::optional<absl::CivilDay> due,
                         DateCol(rs, "promise_due_date"));
    if (due.has_value()) SetDate(*due, p->mutable_due_date());
    p->set_state(static_cast<v1::PromiseState>(state));
    if (!rs->isNull("kept_time")) {
      CSM_RETURN_IF_ERROR(SetTime(rs, "kept_time", p->mutable_kept_time()));
    }
    p->set_kept_late(rs->getBoolean("kept_late"));
    p->set_kept_note(Str(rs, "kept_note"));
  }
  c.mutable_recorder()->set_staff_id(Str(rs, "recorder_id"));
  c.mutable_recorder()->set_department(Str(rs, "recorder_department"));
  CSM_RETURN_IF_ERROR(SetTime(rs, "create_time", c.mutable_create_time()));
  return c;
}

const absl::flat_hash_map<std::string, FilterColumn>& CommunicationFilters() {
  static const auto* columns =
      new absl::flat_hash_map<std::string, FilterColumn>{
          {"channel",
           {"channel", FilterColumn::kEnum,
            &v1::CommunicationChannel_descriptor}},
          {"staff_id", {"staff_id", FilterColumn::kString, nullptr}},
          {"contact_time", {"contact_time", FilterColumn::kTime, nullptr}},
      };
  return *columns;
}

// Only archives that are open take part in due lists, sweeps and overdue
// promise lists: a closed archive has no further business. A subquery, not
// a join, so that a locking read does not lock the archive rows as well.
std::string OpenArchive(absl::string_view alias) {
  return absl::StrCat("EXISTS (SELECT 1 FROM customers c WHERE c.id = ", alias,
                      ".customer_id AND c.state = ", v1::ARCHIVE_STATE_OPEN,
                      ")");
}

}  // namespace

// ---------------------------------------------------------------- names

absl::StatusOr<std::pair<int64_t, int64_t>> VisitStore::ParsePlanName(
    absl::string_view name, absl::string_view field) {
  auto ids = ParseIds(name, {"customers", "visitPlans"});
  if (!ids.has_value()) {
    return InvalidField(
        std::string(field),
        "is not a visit plan name; expected customers/{id}/visitPlans/{plan}");
  }
  return std::make_pair((*ids)[0], (*ids)[1]);
}

absl::StatusOr<std::tuple<int64_t, int64_t, int64_t>>
VisitStore::ParseVisitName(absl::string_view name, absl::string_view field) {
  auto ids = ParseIds(name, {"customers", "visitPlans", "visits"});
  if (!ids.has_value()) {
    return InvalidField(std::string(field),
                        "is not a visit name; expected "
                        "customers/{id}/visitPlans/{plan}/visits/{visit}");
  }
  return std::make_tuple((*ids)[0], (*ids)[1], (*ids)[2]);
}

absl::StatusOr<std::pair<int64_t, int64_t>> VisitStore::ParseCommunicationName(
    absl::string_view name, absl::string_view field) {
  auto ids = ParseIds(name, {"customers", "communications"});
  if (!ids.has_value()) {
    return InvalidField(std::string(field),
                        "is not a communication name; expected "
                        "customers/{id}/communications/{communication}");
  }
  return std::make_pair((*ids)[0], (*ids)[1]);
}

std::string VisitStore::PlanName(int64_t customer_id, int64_t plan_id) {
  return absl::StrCat("customers/", customer_id, "/visitPlans/", plan_id);
}

std::string VisitStore::CommunicationName(int64_t customer_id, int64_t id) {
  return absl::StrCat("customers/", customer_id, "/communications/", id);
}

VisitMethod VisitStore::ToRuleMethod(v1::VisitMethod method) {
  switch (method) {
    case v1::VISIT_METHOD_EMAIL:
      return VisitMethod::kEmail;
    case v1::VISIT_METHOD_FACE_TO_FACE:
      return VisitMethod::kFaceToFace;
    case v1::VISIT_METHOD_SMS:
      return VisitMethod::kSms;
    default:
      return VisitMethod::kPhone;
  }
}

char VisitStore::GradeLetter(v1::Grade grade) {
  switch (grade) {
    case v1::GRADE_A:
      return 'A';
    case v1::GRADE_B:
      return 'B';
    case v1::GRADE_C:
      return 'C';
    default:
      return 0;
  }
}

// ---------------------------------------------------------------- policy

absl::StatusOr<PolicyRecord> VisitStore::GetPolicy(MysqlConnection& conn,
                                                   PolicyLock lock) {
  sql::PreparedStatement& stmt = conn.Prepare(absl::StrCat(
      "SELECT first_year_interval_months, later_interval_months, "
      "first_period_months, invalid_sms_streak, due_soon_days, version, "
      "update_time FROM visit_policy WHERE id = 1",
      LockClause(lock)));
  ResultSetPtr rs(stmt.executeQuery());
  if (!rs->next()) {
    return absl::InternalError("the visit policy row is missing");
  }
  PolicyRecord rec;
  rec.policy.first_year_interval_months =
      rs->getInt("first_year_interval_months");
  rec.policy.later_interval_months = rs->getInt("later_interval_months");
  rec.policy.first_period_months = rs->getInt("first_period_months");
  rec.policy.invalid_sms_streak = rs->getInt("invalid_sms_streak");
  rec.policy.due_soon_days = rs->getInt("due_soon_days");
  rec.version = rs->getInt64("version");
  CSM_ASSIGN_OR_RETURN(rec.update_time, TimeCol(rs, "update_time"));
  rs.reset();
  // Same lock mode: a locking read sees the overrides the last policy
  // update committed, whatever this transaction's snapshot.
  sql::PreparedStatement& overrides = conn.Prepare(absl::StrCat(
      "SELECT grade, first_year_interval_months, later_interval_months FROM "
      "visit_policy_grade_overrides ORDER BY grade",
      LockClause(lock)));
  ResultSetPtr ors(overrides.executeQuery());
  while (ors->next()) {
    const char letter =
        GradeLetter(static_cast<v1::Grade>(ors->getInt("grade")));
    if (letter == 0) continue;
    GradeOverride& o = rec.policy.grade_overrides[letter];
    if (!ors->isNull("first_year_interval_months")) {
      o.first_year_interval_months = ors->getInt("first_year_interval_months");
    }
    if (!ors->isNull("later_interval_months")) {
      o.later_interval_months = ors->getInt("later_interval_months");
    }
  }
  return rec;
}

absl::Status VisitStore::UpdatePolicy(MysqlConnection& conn,
                                      const VisitPolicy& policy,
                                      int64_t expected_version,
                                      absl::Time now) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "UPDATE visit_policy SET first_year_interval_months = ?, "
      "later_interval_months = ?, first_period_months = ?, "
      "invalid_sms_streak = ?, due_soon_days = ?, version = version + 1, "
      "update_time = ? WHERE id = 1 AND version = ?");
  stmt.setInt(1, policy.first_year_interval_months);
  stmt.setInt(2, policy.later_interval_months);
  stmt.setInt(3, policy.first_period_months);
  stmt.setInt(4, policy.invalid_sms_streak);
  stmt.setInt(5, policy.due_soon_days);
  stmt.setString(6, ToSqlTime(now));
  stmt.setInt64(7, expected_version);
  if (stmt.executeUpdate() != 1) {
    return absl::AbortedError(
        absl::StrCat("visitPolicy was changed by someone else since version ",
                     expected_version, "; read it again and retry"));
  }
  conn.Prepare("DELETE FROM visit_policy_grade_overrides").executeUpdate();
  sql::PreparedStatement& ins = conn.Prepare(
      "INSERT INTO visit_policy_grade_overrides (grade, "
      "first_year_interval_months, later_interval_months) VALUES (?, ?, ?)");
  for (const auto& [letter, o] : policy.grade_overrides) {
    ins.setInt(1, letter - 'A' + v1::GRADE_A);
    if (o.first_year_interval_months.has_value()) {
      ins.setInt(2, *o.first_year_interval_months);
    } else {
      ins.setNull(2, 0);
    }
    if (o.later_interval_months.has_value()) {
      ins.setInt(3, *o.later_interval_months);
    } else {
      ins.setNull(3, 0);
    }
    ins.executeUpdate();
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------- plans

absl::Status VisitStore::InsertPlan(MysqlConnection& conn, PlanRecord* plan,
                                    absl::Time now) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "INSERT INTO visit_plans (customer_id, project, delivery_date, "
      "next_due_date, last_valid_visit_date, sms_streak, status_note, "
      "version, create_time) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)");
  stmt.setInt64(1, plan->customer_id);
  stmt.setString(2, plan->project);
  stmt.setString(3, ToSqlDate(plan->delivery_date));
  stmt.setString(4, ToSqlDate(plan->next_due_date));
  BindDate(stmt, 5, plan->last_valid_visit_date);
  stmt.setInt(6, plan->sms_streak);
  stmt.setString(7, plan->status_note);
  stmt.setString(8, ToSqlTime(now));
  stmt.executeUpdate();
  plan->id = LastInsertId(conn);
  plan->version = 1;
  plan->create_time = now;
  return absl::OkStatus();
}

absl::StatusOr<PlanRecord> VisitStore::GetPlan(MysqlConnection& conn,
                                               int64_t customer_id,
                                               int64_t plan_id, bool lock) {
  // With `lock` the join locks the archive row too; every caller has locked
  // it (FOR UPDATE) before, so that adds no wait and keeps the lock order.
  sql::PreparedStatement& stmt = conn.Prepare(absl::StrCat(
      "SELECT ", kPlanColumns,
      " FROM visit_plans p JOIN customers c ON c.id = p.customer_id "
      "WHERE p.id = ? AND p.customer_id = ?",
      lock ? " FOR UPDATE" : ""));
  stmt.setInt64(1, plan_id);
  stmt.setInt64(2, customer_id);
  ResultSetPtr rs(stmt.executeQuery());
  if (!rs->next()) {
    return absl::NotFoundError(absl::StrCat(
        "visit plan ", PlanName(customer_id, plan_id), " does not exist"));
  }
  return PlanFromRow(rs);
}

absl::StatusOr<Page<PlanRecord>> VisitStore::ListPlans(
    MysqlConnection& conn, int64_t customer_id, std::optional<PageCursor> after,
    int limit) {
  sql::PreparedStatement& stmt = conn.Prepare(absl::StrCat(
      "SELECT ", kPlanColumns,
      " FROM visit_plans p JOIN customers c ON c.id = p.customer_id "
      "WHERE p.customer_id = ? AND p.id > ? ORDER BY p.id LIMIT ",
      limit + 1));
  stmt.setInt64(1, customer_id);
  stmt.setInt64(2, after.has_value() ? after->id : 0);
  ResultSetPtr rs(stmt.executeQuery());
  std::vector<PlanRecord> items;
  std::vector<PageCursor> cursors;
  while (rs->next()) {
    CSM_ASSIGN_OR_RETURN(PlanRecord p, PlanFromRow(rs));
    cursors.push_back({"", p.id});
    items.push_back(std::move(p));
  }
  return MakePage(std::move(items), std::move(cursors), limit);
}

absl::Status VisitStore::UpdatePlanSchedule(MysqlConnection& conn,
                                            int64_t plan_id,
                                            const VisitPlanState& state) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "UPDATE visit_plans SET next_due_date = ?, last_valid_visit_date = ?, "
      "sms_streak = ?, status_note = ?, version = version + 1 WHERE id = ?");
  stmt.setString(1, ToSqlDate(state.next_due));
  BindDate(stmt, 2, state.last_valid_visit);
  stmt.setInt(3, state.sms_streak);
  stmt.setString(4, state.note);
  stmt.setInt64(5, plan_id);
  stmt.executeUpdate();
  return absl::OkStatus();
}

absl::Status VisitStore::ClosePlan(MysqlConnection& conn, int64_t plan_id,
                                   absl::string_view reason,
                                   absl::string_view closer, absl::Time now) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "UPDATE visit_plans SET closed_time = ?, close_reason = ?, closed_by = "
      "?, version = version + 1 WHERE id = ? AND closed_time IS NULL");
  stmt.setString(1, ToSqlTime(now));
  stmt.setString(2, std::string(reason));
  stmt.setString(3, std::string(closer));
  stmt.setInt64(4, plan_id);
  stmt.executeUpdate();
  return absl::OkStatus();
}

absl::StatusOr<Page<DuePlanRecord>> VisitStore::ListDuePlans(
    MysqlConnection& conn, const DueQuery& query) {
  std::vector<std::string> where = {"p.closed_time IS NULL", "c.state = ?",
                                    "p.next_due_date <= ?"};
  std::vector<Param> params = {{Param::kInt, "", v1::ARCHIVE_STATE_OPEN},
                               {Param::kString, ToSqlDate(query.due_to)}};
  if (query.due_from.has_value()) {
    where.push_back("p.next_due_date >= ?");
    params.push_back({Param::kString, ToSqlDate(*query.due_from)});
  }
  if (!query.owner_id.empty()) {
    where.push_back("c.owner_id = ?");
    params.push_back({Param::kString, query.owner_id});
  }
  if (!query.team.empty()) {
    where.push_back("c.team_id = ?");
    params.push_back({Param::kString, query.team});
  }
  if (query.after.has_value()) {
    where.push_back(
        "(p.next_due_date > ? OR (p.next_due_date = ? AND p.id > ?))");
    params.push_back({Param::kString, query.after->key});
    params.push_back({Param::kString, query.after->key});
    params.push_back({Param::kInt, "", query.after->id});
  }
  sql::PreparedStatement& stmt = conn.Prepare(absl::StrCat(
      "SELECT ", kPlanColumns,
      ", c.archive_number, c.display_name, c.grade, c.team_id FROM "
      "visit_plans p JOIN customers c ON c.id = p.customer_id WHERE ",
      absl::StrJoin(where, " AND "), " ORDER BY p.next_due_date, p.id LIMIT ",
      query.limit + 1));
  Bind(stmt, params);
  ResultSetPtr rs(stmt.executeQuery());
  std::vector<DuePlanRecord> items;
  std::vector<PageCursor> cursors;
  while (rs->next()) {
    DuePlanRecord d;
    CSM_ASSIGN_OR_RETURN(d.plan, PlanFromRow(rs));
    d.archive_number = Str(rs, "archive_number");
    d.display_name = Str(rs, "display_name");
    d.grade = static_cast<v1::Grade>(rs->getInt("grade"));
    d.team = Str(rs, "team_id");
    cursors.push_back({ToSqlDate(d.plan.next_due_date), d.plan.id});
    items.push_back(std::move(d));
  }
  return MakePage(std::move(items), std::move(cursors), query.limit);
}

absl::StatusOr<std::vector<PlanMove>> VisitStore::ReschedulePlans(
    MysqlConnection& conn, int64_t customer_id, const VisitPolicy& policy) {
  const char* only = customer_id > 0 ? " AND customer_id = ?" : "";
  struct Row {
    int64_t id;
    int64_t customer_id;
    absl::CivilDay delivery;
    VisitPlanState stored;
  };
  std::vector<Row> plans;
  {
    sql::PreparedStatement& stmt = conn.Prepare(absl::StrCat(
        "SELECT id, customer_id, delivery_date, next_due_date, "
        "last_valid_visit_date, sms_streak, status_note FROM visit_plans "
        "WHERE closed_time IS NULL",
        only, " ORDER BY id FOR UPDATE"));
    if (customer_id > 0) stmt.setInt64(1, customer_id);
    ResultSetPtr rs(stmt.executeQuery());
    while (rs->next()) {
      Row r;
      r.id = rs->getInt64("id");
      r.customer_id = rs->getInt64("customer_id");
      CSM_ASSIGN_OR_RETURN(r.delivery, FromSqlDate(Str(rs, "delivery_date")));
      CSM_ASSIGN_OR_RETURN(r.stored.next_due,
                           FromSqlDate(Str(rs, "next_due_date")));
      CSM_ASSIGN_OR_RETURN(r.stored.last_valid_visit,
                           DateCol(rs, "last_valid_visit_date"));
      r.stored.sms_streak = rs->getInt("sms_streak");
      r.stored.note = Str(rs, "status_note");
      plans.push_back(std::move(r));
    }
  }
  if (plans.empty()) return std::vector<PlanMove>();

  // Grades: the caller's own grade change is visible to this read; a
  // concurrent one waits for the policy lock this transaction holds and then
  // reschedules its archive itself.
  absl::flat_hash_map<int64_t, char> grades;
  {
    sql::PreparedStatement& stmt = conn.Prepare(absl::StrCat(
        "SELECT c.id, c.grade FROM customers c WHERE c.id IN (SELECT "
        "customer_id FROM visit_plans WHERE closed_time IS NULL",
        only, ")"));
    if (customer_id > 0) stmt.setInt64(1, customer_id);
    ResultSetPtr rs(stmt.executeQuery());
    while (rs->next()) {
      grades[rs->getInt64("id")] =
          GradeLetter(static_cast<v1::Grade>(rs->getInt("grade")));
    }
  }

  std::map<int64_t, std::vector<VisitRecord>> visits;
  {
    sql::PreparedStatement& stmt = conn.Prepare(absl::StrCat(
        "SELECT v.plan_id, v.actual_date, v.method FROM visits v JOIN "
        "visit_plans p ON p.id = v.plan_id WHERE p.closed_time IS NULL",
        customer_id > 0 ? " AND p.customer_id = ?" : "",
        " ORDER BY v.plan_id, v.actual_date, v.id LOCK IN SHARE MODE"));
    if (customer_id > 0) stmt.setInt64(1, customer_id);
    ResultSetPtr rs(stmt.executeQuery());
    while (rs->next()) {
      CSM_ASSIGN_OR_RETURN(absl::CivilDay day,
                           FromSqlDate(Str(rs, "actual_date")));
      visits[rs->getInt64("plan_id")].push_back(
          {day,
           ToRuleMethod(static_cast<v1::VisitMethod>(rs->getInt("method")))});
    }
  }

  std::vector<PlanMove> moved;
  for (const Row& r : plans) {
    const VisitPlanState s = EvaluateVisitPlan(
        r.delivery, grades[r.customer_id], visits[r.id], r.delivery, policy);
    if (s.next_due == r.stored.next_due &&
        s.last_valid_visit == r.stored.last_valid_visit &&
        s.sms_streak == r.stored.sms_streak && s.note == r.stored.note) {
      continue;
    }
    if (s.next_due != r.stored.next_due) {
      moved.push_back({r.customer_id, r.id, r.stored.next_due, s.next_due});
    }
    CSM_RETURN_IF_ERROR(UpdatePlanSchedule(conn, r.id, s));
  }
  return moved;
}

absl::StatusOr<std::vector<PlanMove>> VisitStore::RescheduleCustomerPlans(
    MysqlConnection& conn, int64_t customer_id) {
  CSM_ASSIGN_OR_RETURN(PolicyRecord policy,
                       GetPolicy(conn, PolicyLock::kShare));
  return ReschedulePlans(conn, customer_id, policy.policy);
}

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
      "?, ?, ?, ?, ?)");
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
  stmt.executeUpdate();
  visit->set_name(absl::StrCat(PlanName(customer_id, plan_id), "/visits/",
                               LastInsertId(conn)));
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
      "?, ?, ?, ?, NULL, 0, '', ?, ?, ?)");
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
  stmt.executeUpdate();
  c->set_name(CommunicationName(customer_id, LastInsertId(conn)));
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
