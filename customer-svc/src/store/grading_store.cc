#include "customer-svc/src/store/grading_store.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/business_time.h"
#include "common/sql_rows.h"
#include "common/sql_values.h"
#include "common/status.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"
#include "customer-svc/src/store/customer_store.h"

namespace csm::customer {
namespace {

using sql_rows::FilterColumn;
using sql_rows::Param;
using sql_rows::ResultSetPtr;
using sql_rows::Str;

void ReadCriteria(const ResultSetPtr& rs, const char* grade,
                  v1::GradeCriteria* c) {
  auto col = [&](const char* name) { return absl::StrCat(grade, "_", name); };
  c->set_qualifying_volume_fen(
      rs->getInt64(col("qualifying_volume_fen").c_str()));
  c->set_signing_within_months(
      rs->getInt(col("signing_within_months").c_str()));
  c->set_min_importance(
      static_cast<v1::Importance>(rs->getInt(col("min_importance").c_str())));
  c->set_min_volume_fen(rs->getInt64(col("min_volume_fen").c_str()));
}

void BindCriteria(sql::PreparedStatement& stmt, unsigned first,
                  const v1::GradeCriteria& c) {
  stmt.setInt64(first, c.qualifying_volume_fen());
  stmt.setInt(first + 1, c.signing_within_months());
  stmt.setInt(first + 2, c.min_importance());
  stmt.setInt64(first + 3, c.min_volume_fen());
}

const absl::flat_hash_map<std::string, FilterColumn>& FilterColumns() {
  static const auto* columns =
      new absl::flat_hash_map<std::string, FilterColumn>{
          {"owner_id", {"owner_id", FilterColumn::kString, nullptr}},
          {"team", {"team_id", FilterColumn::kString, nullptr}},
          {"department", {"department", FilterColumn::kString, nullptr}},
          {"grade", {"grade", FilterColumn::kEnum, &v1::Grade_descriptor}},
          {"importance",
           {"importance", FilterColumn::kEnum, &v1::Importance_descriptor}},
      };
  return *columns;
}

}  // namespace

absl::StatusOr<v1::GradingPolicy> GradingStore::GetPolicy(MysqlConnection& conn,
                                                          bool lock) {
  sql::PreparedStatement& stmt = conn.Prepare(absl::StrCat(
      "SELECT volume_window_months, a_qualifying_volume_fen, "
      "a_signing_within_months, a_min_importance, a_min_volume_fen, "
      "b_qualifying_volume_fen, b_signing_within_months, b_min_importance, "
      "b_min_volume_fen, version, update_time, updated_by, "
      "updated_by_department FROM grading_policy WHERE id = 1",
      lock ? " FOR UPDATE" : ""));
  ResultSetPtr rs(stmt.executeQuery());
  if (!rs->next()) {
    return absl::InternalError("grading_policy has no row: migration missing");
  }
  v1::GradingPolicy p;
  p.set_name("gradingPolicy");
  p.set_volume_window_months(rs->getInt("volume_window_months"));
  ReadCriteria(rs, "a", p.mutable_grade_a());
  ReadCriteria(rs, "b", p.mutable_grade_b());
  p.set_etag(std::to_string(rs->getInt64("version")));
  CSM_RETURN_IF_ERROR(
      sql_rows::SetTime(rs, "update_time", p.mutable_update_time()));
  p.mutable_updated_by()->set_staff_id(Str(rs, "updated_by"));
  p.mutable_updated_by()->set_department(Str(rs, "updated_by_department"));
  return p;
}

absl::Status GradingStore::UpdatePolicy(MysqlConnection& conn,
                                        const v1::GradingPolicy& p,
                                        int64_t expected_version,
                                        const Principal& actor,
                                        absl::Time now) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "UPDATE grading_policy SET volume_window_months = ?, "
      "a_qualifying_volume_fen = ?, a_signing_within_months = ?, "
      "a_min_importance = ?, a_min_volume_fen = ?, "
      "b_qualifying_volume_fen = ?, b_signing_within_months = ?, "
      "b_min_importance = ?, b_min_volume_fen = ?, version = version + 1, "
      "update_time = ?, updated_by = ?, updated_by_department = ? "
      "WHERE id = 1 AND version = ?");
  stmt.setInt(1, p.volume_window_months());
  BindCriteria(stmt, 2, p.grade_a());
  BindCriteria(stmt, 6, p.grade_b());
  stmt.setString(10, ToSqlTime(now));
  stmt.setString(11, actor.staff_id);
  stmt.setString(12, actor.department);
  stmt.setInt64(13, expected_version);
  if (stmt.executeUpdate() != 1) {
    return absl::AbortedError(
        "gradingPolicy was changed by someone else; read it again and retry");
  }
  return absl::OkStatus();
}

absl::StatusOr<absl::flat_hash_map<int64_t, int64_t>>
GradingStore::BusinessVolumes(MysqlConnection& conn,
                              const std::vector<int64_t>& customer_ids,
                              absl::CivilDay first, absl::CivilDay last) {
  absl::flat_hash_map<int64_t, int64_t> out;
  if (customer_ids.empty()) return out;
  const size_t padded = sql_rows::PaddedSize(customer_ids.size());
  sql::PreparedStatement& stmt = conn.Prepare(absl::StrCat(
      "SELECT customer_id, SUM(amount_fen) AS volume FROM dealings WHERE "
      "customer_id IN (",
      sql_rows::Placeholders(padded),
      ") AND deal_date BETWEEN ? AND ? GROUP BY customer_id"));
  for (size_t i = 0; i < padded; ++i) {
    stmt.setInt64(static_cast<unsigned>(i + 1),
                  i < customer_ids.size() ? customer_ids[i] : int64_t{-1});
  }
  stmt.setString(static_cast<unsigned>(padded + 1), ToSqlDate(first));
  stmt.setString(static_cast<unsigned>(padded + 2), ToSqlDate(last));
  ResultSetPtr rs(stmt.executeQuery());
  while (rs->next()) {
    out[rs->getInt64("customer_id")] = rs->getInt64("volume");
  }
  return out;
}

absl::StatusOr<std::vector<v1::Customer>> GradingStore::OpenArchives(
    MysqlConnection& conn, const std::vector<FilterTerm>& filter,
    int64_t after_id, int limit) {
  std::vector<std::string> where = {"state = ?", "id > ?"};
  std::vector<Param> params = {{Param::kInt, "", v1::ARCHIVE_STATE_OPEN},
                               {Param::kInt, "", after_id}};
  for (const FilterTerm& term : filter) {
    auto it = FilterColumns().find(term.field);
    if (it == FilterColumns().end()) {
      return InvalidField("filter", "unknown field");
    }
    CSM_RETURN_IF_ERROR(
        sql_rows::AddFilterCondition(term, it->second, &where, &params));
  }
  sql::PreparedStatement& stmt = conn.Prepare(absl::StrCat(
      "SELECT id, archive_number, display_name, owner_id, team_id, "
      "department, grade, expected_signing_date, importance FROM customers "
      "WHERE ",
      absl::StrJoin(where, " AND "), " ORDER BY id LIMIT ", limit));
  sql_rows::Bind(stmt, params);
  ResultSetPtr rs(stmt.executeQuery());
  std::vector<v1::Customer> out;
  while (rs->next()) {
    v1::Customer& c = out.emplace_back();
    c.set_name(CustomerStore::CustomerName(rs->getInt64("id")));
    c.set_archive_number(Str(rs, "archive_number"));
    c.set_display_name(Str(rs, "display_name"));
    c.set_owner_id(Str(rs, "owner_id"));
    c.set_team(Str(rs, "team_id"));
    c.set_department(Str(rs, "department"));
    c.set_grade(static_cast<v1::Grade>(rs->getInt("grade")));
    c.set_state(v1::ARCHIVE_STATE_OPEN);
    CSM_ASSIGN_OR_RETURN(std::optional<absl::CivilDay> signing,
                         sql_rows::DateCol(rs, "expected_signing_date"));
    if (signing.has_value()) {
      ToProtoDate(*signing, c.mutable_expected_signing_date());
    }
    c.set_importance(static_cast<v1::Importance>(rs->getInt("importance")));
  }
  return out;
}

}  // namespace csm::customer
