// VisitStore: names, the schedule policy and the plans.
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
#include "common/sql_paging.h"
#include "common/sql_rows.h"
#include "common/sql_values.h"
#include "common/status.h"
#include "customer-svc/src/store/visit_rows.h"

namespace csm::customer {
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
      "version, create_time) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?) RETURNING id");
  stmt.setInt64(1, plan->customer_id);
  stmt.setString(2, plan->project);
  stmt.setString(3, ToSqlDate(plan->delivery_date));
  stmt.setString(4, ToSqlDate(plan->next_due_date));
  BindDate(stmt, 5, plan->last_valid_visit_date);
  stmt.setInt(6, plan->sms_streak);
  stmt.setString(7, plan->status_note);
  stmt.setString(8, ToSqlTime(now));
  CSM_ASSIGN_OR_RETURN(plan->id, InsertedId(stmt));
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
  return sql_rows::ReadIdPage<PlanRecord>(
      conn,
      sql_rows::IdPageQuery{
          .select = absl::StrCat(
              "SELECT ", kPlanColumns,
              " FROM visit_plans p JOIN customers c ON c.id = p.customer_id"),
          .where = {"p.customer_id = ?"},
          .params = {Param::Int(customer_id)},
          .id_column = "p.id",
          .after = after,
          .limit = limit},
      [](const ResultSetPtr& rs, int64_t, PlanRecord& p) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(p, PlanFromRow(rs));
        return absl::OkStatus();
      });
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

absl::StatusOr<std::vector<StoredPlanSchedule>> VisitStore::OpenPlanSchedules(
    MysqlConnection& conn, int64_t customer_id) {
  const char* only = customer_id > 0 ? " AND customer_id = ?" : "";
  std::vector<StoredPlanSchedule> plans;
  {
    sql::PreparedStatement& stmt = conn.Prepare(absl::StrCat(
        "SELECT id, customer_id, delivery_date, next_due_date, "
        "last_valid_visit_date, sms_streak, status_note FROM visit_plans "
        "WHERE closed_time IS NULL",
        only, " ORDER BY id FOR UPDATE"));
    if (customer_id > 0) stmt.setInt64(1, customer_id);
    ResultSetPtr rs(stmt.executeQuery());
    while (rs->next()) {
      StoredPlanSchedule r;
      r.plan_id = rs->getInt64("id");
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
  if (plans.empty()) return plans;

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
  for (StoredPlanSchedule& p : plans) {
    p.grade = grades[p.customer_id];
    p.visits = std::move(visits[p.plan_id]);
  }
  return plans;
}

}  // namespace csm::customer
