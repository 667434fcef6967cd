#include "reporting-svc/src/store/complaint_aggregates.h"

#include <algorithm>
#include <memory>
#include <string>
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

// Names per statement: the largest padded IN list (sql_rows::PaddedSize).
constexpr size_t kChunk = 512;

// Beijing time is UTC+8 all year since 1991 (domain/period.h), so this is
// BusinessDate of the stored UTC time.
std::string DayOf(const char* time_col) {
  return absl::StrCat("DATE(", time_col, " + INTERVAL 8 HOUR)");
}

// One figure's rows of the complaints in the IN list, as contributions.
std::string ContributionSelect(const AggregateFigure& f,
                               const std::string& in) {
  const FigureSql& s = f.sql;
  std::string sql = absl::StrCat(
      "SELECT c.name, '", f.id, "', ", DayOf(s.time_col), ", ",
      s.department_col, ", ",
      f.hit == nullptr ? std::string("0")
                       : absl::StrCat("IF(", f.hit, ", 1, 0)"),
      ", ", f.minutes == nullptr ? "-1" : f.minutes, ", COUNT(*) FROM ", s.from,
      " WHERE ", s.time_col, " IS NOT NULL");
  if (*s.where != '\0') absl::StrAppend(&sql, " AND ", s.where);
  absl::StrAppend(&sql, " AND c.name IN (", in, ") GROUP BY 1, 2, 3, 4, 5, 6");
  return sql;
}

// Adds (sign "") or subtracts (sign "-") the contributions of the
// complaints in the IN list to or from one day table.
std::string MoveToDays(bool minutes, const char* sign, const std::string& in) {
  const char* table =
      minutes ? "complaint_day_minutes" : "complaint_day_counts";
  std::string select =
      minutes ? absl::StrCat("SELECT day, department, figure, minutes, ", sign,
                             "SUM(n) FROM complaint_contributions WHERE "
                             "minutes >= 0 AND complaint IN (",
                             in, ") GROUP BY day, department, figure, minutes")
              : absl::StrCat("SELECT day, department, figure, ", sign,
                             "SUM(n), ", sign,
                             "SUM(n * hit) FROM complaint_contributions WHERE "
                             "minutes < 0 AND complaint IN (",
                             in, ") GROUP BY day, department, figure");
  return absl::StrCat(
      "INSERT INTO ", table,
      minutes ? " (day, department, figure, minutes, n) "
              : " (day, department, figure, n, hits) ",
      select, " ON DUPLICATE KEY UPDATE n = ", table, ".n + VALUES(n)",
      minutes ? "" : absl::StrCat(", hits = ", table, ".hits + VALUES(hits)"));
}

void Run(MysqlConnection& conn, const std::string& sql, int lists,
         const std::vector<std::string>& names) {
  sql::PreparedStatement& st = conn.Prepare(sql);
  Binder b(st);
  for (int i = 0; i < lists; ++i) {
    for (const std::string& name : names) b.Str(name);
  }
  st.executeUpdate();
}

void RefreshChunk(MysqlConnection& conn,
                  absl::Span<const AggregateFigure> figures,
                  const std::vector<std::string>& names) {
  const std::string in = sql_rows::Placeholders(names.size());
  for (bool minutes : {false, true})
    Run(conn, MoveToDays(minutes, "-", in), 1, names);
  Run(conn,
      absl::StrCat("DELETE FROM complaint_contributions WHERE complaint IN (",
                   in, ")"),
      1, names);
  std::string insert =
      "INSERT INTO complaint_contributions (complaint, figure, day, "
      "department, hit, minutes, n) ";
  for (size_t i = 0; i < figures.size(); ++i) {
    absl::StrAppend(&insert, i ? " UNION ALL " : "",
                    ContributionSelect(figures[i], in));
  }
  Run(conn, insert, static_cast<int>(figures.size()), names);
  for (bool minutes : {false, true})
    Run(conn, MoveToDays(minutes, "", in), 1, names);
  for (const char* table : {"complaint_day_counts", "complaint_day_minutes"}) {
    conn.Prepare(absl::StrCat("DELETE FROM ", table, " WHERE n = 0"))
        .executeUpdate();
  }
}

}  // namespace

absl::Status RefreshContributions(MysqlConnection& conn,
                                  absl::Span<const AggregateFigure> figures,
                                  const std::vector<std::string>& complaints) {
  for (size_t next = 0; next < complaints.size(); next += kChunk) {
    const size_t end = std::min(complaints.size(), next + kChunk);
    std::vector<std::string> names(complaints.begin() + next,
                                   complaints.begin() + end);
    // Padded with the last name, so that few statement texts are cached.
    names.resize(sql_rows::PaddedSize(names.size()), names.back());
    RefreshChunk(conn, figures, names);
  }
  return absl::OkStatus();
}

bool DayTablesCover(const FigureScope& scope) {
  return scope.staff_ids.empty() && scope.categories.empty() &&
         scope.severities.empty() && scope.grades.empty() &&
         scope.start == StartOfBusinessDay(scope.first) &&
         scope.end == StartOfBusinessDay(scope.last + 1);
}

namespace {

// SELECT <columns> FROM <table> of the scope's days and departments,
// grouped by `group`, each row handed to `row`.
// Columns and groups name the department as k: "department", or "''" for
// the whole.
template <typename Row>
void ReadDays(MysqlConnection& conn, const FigureScope& scope,
              bool by_department, const std::string& columns, const char* table,
              const char* group, Row row) {
  const char* k = by_department ? "department" : "''";
  SqlCondition w;
  w.sql = " WHERE day >= ? AND day <= ?";
  AppendIn("department", scope.departments, &w);
  sql::PreparedStatement& st = conn.Prepare(
      absl::StrCat("SELECT figure, ", k, " AS k, ", columns, " FROM ", table,
                   w.sql, " GROUP BY figure, k", group));
  Binder b(st);
  b.Date(scope.first).Date(scope.last);
  for (const std::string& v : w.values) b.Str(v);
  ResultSetPtr rs(st.executeQuery());
  while (rs->next()) row(rs);
}

}  // namespace

absl::StatusOr<DayShares> DayCounts(MysqlConnection& conn,
                                    const FigureScope& scope,
                                    bool by_department) {
  DayShares out;
  ReadDays(conn, scope, by_department,
           "CAST(SUM(hits) AS SIGNED), CAST(SUM(n) AS SIGNED)",
           "complaint_day_counts", " HAVING SUM(n) > 0",
           [&](const ResultSetPtr& rs) {
             Share& s = out[rs->getString(1)][rs->getString(2)];
             s.numerator += rs->getInt64(3);
             s.denominator += rs->getInt64(4);
           });
  return out;
}

absl::StatusOr<DayHistograms> DayMinutes(MysqlConnection& conn,
                                         const FigureScope& scope,
                                         bool by_department) {
  DayHistograms out;
  absl::Status bad;
  ReadDays(conn, scope, by_department, "minutes, CAST(SUM(n) AS SIGNED)",
           "complaint_day_minutes", ", minutes", [&](const ResultSetPtr& rs) {
             absl::Status added = out[rs->getString(1)][rs->getString(2)].Add(
                 rs->getInt64(3), rs->getInt64(4));
             if (!added.ok() && bad.ok()) bad = added;
           });
  if (!bad.ok()) {
    return absl::InternalError(
        absl::StrCat("bad working minutes: ", bad.message()));
  }
  return out;
}

}  // namespace csm::reporting
