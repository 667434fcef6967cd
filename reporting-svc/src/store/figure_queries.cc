#include "reporting-svc/src/store/figure_queries.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/business_time.h"
#include "common/sql_rows.h"
#include "common/status.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"
#include "reporting-svc/src/store/sql_bind.h"

namespace csm::reporting {
namespace {

using ResultSetPtr = std::unique_ptr<sql::ResultSet>;

using Where = SqlCondition;

const char* KeyColumn(const FigureSql& f, GroupKey key) {
  if (key.column != nullptr) return key.column;
  if (key.team) return f.team_col;
  return key.staff ? f.staff_col : f.department_col;
}

Where WhereOf(const FigureSql& f, const FigureScope& s) {
  Where w;
  w.sql = absl::StrCat(" WHERE ", f.time_col, " >= ? AND ", f.time_col,
                       f.by_date ? " <= ?" : " < ?");
  if (*f.where != '\0') absl::StrAppend(&w.sql, " AND ", f.where);
  AppendIn(f.department_col, s.departments, &w);
  AppendIn(f.staff_col, s.staff_ids, &w);
  AppendIn(f.category_col, s.categories, &w);
  AppendIn(f.severity_col, s.severities, &w);
  AppendIn(f.grade_col, s.grades, &w);
  return w;
}

// Runs SELECT <key>, <select> ... GROUP BY <key>[, extra] and hands each
// row to `row`.
absl::Status RunGrouped(MysqlConnection& conn, const FigureSql& f,
                        const FigureScope& s, GroupKey key,
                        const std::string& select, const char* extra_group,
                        const std::function<void(const ResultSetPtr&)>& row) {
  const Where w = WhereOf(f, s);
  std::string sql =
      absl::StrCat("SELECT ", KeyColumn(f, key), " AS k, ", select, " FROM ",
                   f.from, w.sql, " GROUP BY k");
  if (extra_group != nullptr) absl::StrAppend(&sql, ", ", extra_group);
  sql::PreparedStatement& st = conn.Prepare(sql);
  Binder b(st);
  if (f.by_date) {
    b.Date(s.first).Date(s.last);
  } else {
    b.Time(s.start).Time(s.end);
  }
  for (const std::string& v : w.values) b.Str(v);
  ResultSetPtr rs(st.executeQuery());
  while (rs->next()) row(rs);
  return absl::OkStatus();
}

}  // namespace

void AppendIn(const char* column, const std::vector<std::string>& values,
              SqlCondition* out) {
  if (column == nullptr || values.empty()) return;
  const size_t n = sql_rows::PaddedSize(values.size());
  absl::StrAppend(&out->sql, " AND ", column, " IN (",
                  sql_rows::Placeholders(n), ")");
  for (size_t i = 0; i < n; ++i) {
    out->values.push_back(values[std::min(i, values.size() - 1)]);
  }
}

absl::StatusOr<std::map<std::string, int64_t>> CountGroups(
    MysqlConnection& conn, const FigureSql& figure, const FigureScope& scope,
    GroupKey key, const char* value) {
  std::map<std::string, int64_t> out;
  CSM_RETURN_IF_ERROR(RunGrouped(conn, figure, scope, key,
                                 absl::StrCat("COUNT(", value, ")"), nullptr,
                                 [&](const ResultSetPtr& rs) {
                                   out[rs->getString(1)] += rs->getInt64(2);
                                 }));
  return out;
}

absl::StatusOr<std::map<std::string, Share>> ShareGroups(
    MysqlConnection& conn, const FigureSql& figure, const FigureScope& scope,
    GroupKey key, const char* hit) {
  std::map<std::string, Share> out;
  CSM_RETURN_IF_ERROR(
      RunGrouped(conn, figure, scope, key,
                 absl::StrCat("CAST(SUM(", hit, ") AS SIGNED), COUNT(*)"),
                 nullptr, [&](const ResultSetPtr& rs) {
                   Share& share = out[rs->getString(1)];
                   share.numerator += rs->getInt64(2);
                   share.denominator += rs->getInt64(3);
                 }));
  return out;
}

absl::StatusOr<std::map<std::string, MinutesHistogram>> HistogramGroups(
    MysqlConnection& conn, const FigureSql& figure, const FigureScope& scope,
    GroupKey key, const char* minutes) {
  std::map<std::string, MinutesHistogram> out;
  absl::Status bad;
  CSM_RETURN_IF_ERROR(RunGrouped(
      conn, figure, scope, key, absl::StrCat(minutes, " AS m, COUNT(*)"), "m",
      [&](const ResultSetPtr& rs) {
        absl::Status added =
            out[rs->getString(1)].Add(rs->getInt64(2), rs->getInt64(3));
        if (!added.ok() && bad.ok()) bad = added;
      }));
  if (!bad.ok()) {
    return absl::InternalError(
        absl::StrCat("bad working minutes: ", bad.message()));
  }
  return out;
}

absl::StatusOr<std::map<std::string, std::map<std::string, int64_t>>>
CountByDetail(MysqlConnection& conn, const FigureSql& figure,
              const FigureScope& scope, GroupKey key, const char* detail) {
  std::map<std::string, std::map<std::string, int64_t>> out;
  CSM_RETURN_IF_ERROR(RunGrouped(
      conn, figure, scope, key, absl::StrCat(detail, " AS d, COUNT(*)"), "d",
      [&](const ResultSetPtr& rs) {
        out[rs->getString(1)][rs->getString(2)] += rs->getInt64(3);
      }));
  return out;
}

absl::StatusOr<std::map<std::string, std::string>> StaffDepartmentsBefore(
    MysqlConnection& conn, absl::Time end) {
  const absl::CivilDay end_day = BusinessDate(end);
  const bool whole_days = StartOfBusinessDay(end_day) == end;
  // A period's end (whole days): the latest day before it per staff member,
  // found in the primary key by a loose index scan (one entry per staff
  // member, not every row); a day's row is that day's latest event. Forced:
  // left to itself the optimizer scans the smaller time index whole, every
  // staff member's every day (a year: staff x 365 rows). Prepared afresh
  // on every call, not taken from the connection's cache: MariaDB 10.11
  // re-executing a prepared statement after another statement read a
  // non-key column of the table through the same table handle finds the
  // index no longer covering, drops the loose scan and reads the table
  // whole (a year: 367,673 rows, 80-220 ms instead of 7-16;
  // docs/benchmarks.md, "The staff departments' read"). The join order is
  // pinned (STRAIGHT_JOIN): the latest days, then one lookup each.
  const std::unique_ptr<sql::PreparedStatement> st(conn.raw().prepareStatement(
      whole_days
          ? "SELECT STRAIGHT_JOIN s.staff_id, s.department FROM "
            "(SELECT staff_id, MAX(day) AS d FROM staff_departments "
            "FORCE INDEX (PRIMARY) WHERE day < ? GROUP BY staff_id) latest "
            "JOIN staff_departments s "
            "ON s.staff_id = latest.staff_id AND s.day = latest.d"
          : "SELECT STRAIGHT_JOIN s.staff_id, s.department FROM "
            "(SELECT staff_id, MAX(event_time) AS t FROM staff_departments "
            "WHERE event_time < ? GROUP BY staff_id) latest "
            "JOIN staff_departments s "
            "ON s.staff_id = latest.staff_id AND s.event_time = latest.t"));
  if (whole_days) {
    Binder(*st).Date(end_day);
  } else {
    Binder(*st).Time(end);
  }
  std::map<std::string, std::string> out;
  ResultSetPtr rs(st->executeQuery());
  while (rs->next()) out[rs->getString(1)] = std::string(rs->getString(2));
  return out;
}

absl::StatusOr<std::map<std::string, std::string>> OwnerTeams(
    MysqlConnection& conn) {
  std::map<std::string, std::string> out;
  ResultSetPtr rs(
      conn.Prepare(
              "SELECT owner_id, MIN(team) FROM customers GROUP BY owner_id")
          .executeQuery());
  while (rs->next()) out[rs->getString(1)] = std::string(rs->getString(2));
  return out;
}

absl::StatusOr<std::map<std::string, std::string>> TeamDepartments(
    MysqlConnection& conn) {
  std::map<std::string, std::string> out;
  ResultSetPtr rs(
      conn.Prepare("SELECT team, MIN(department) FROM customers GROUP BY team")
          .executeQuery());
  while (rs->next()) out[rs->getString(1)] = std::string(rs->getString(2));
  return out;
}

absl::StatusOr<std::set<std::string>> KnownValuesOf(MysqlConnection& conn,
                                                    const char* kind) {
  std::set<std::string> out;
  sql::PreparedStatement& st =
      conn.Prepare("SELECT value FROM known_values WHERE kind = ?");
  st.setString(1, kind);
  ResultSetPtr rs(st.executeQuery());
  while (rs->next()) out.insert(rs->getString(1));
  return out;
}

}  // namespace csm::reporting
