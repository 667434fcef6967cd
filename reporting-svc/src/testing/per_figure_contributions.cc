#include "reporting-svc/src/testing/per_figure_contributions.h"

#include <algorithm>
#include <iterator>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/status.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"
#include "gtest/gtest.h"

namespace csm::reporting::testing {
namespace {

// The columns of a contribution row, joined as text.
constexpr char kRow[] =
    "CONCAT_WS('|', complaint, figure, kind, day, credited, hit, minutes, n)";

// One figure's contributions, written from its definition alone (the
// statement the refresh ran per figure before it read each source once).
std::string OneFigure(const AggregateFigure& f) {
  const FigureSql& s = f.sql;
  const int kind = f.staff ? 2 : f.minutes == nullptr ? 0 : 1;
  std::string sql = absl::StrCat(
      "SELECT c.name AS complaint, '", f.id, "' AS figure, ", kind,
      " AS kind, DATE(", s.time_col, " + INTERVAL 8 HOUR) AS day, ",
      f.staff ? s.staff_col : s.department_col, " AS credited, ",
      f.hit == nullptr ? std::string("0")
                       : absl::StrCat("IF(", f.hit, ", 1, 0)"),
      " AS hit, ", f.minutes == nullptr ? "-1" : f.minutes,
      " AS minutes, COUNT(*) AS n FROM ", s.from, " WHERE ", s.time_col,
      " IS NOT NULL");
  if (*s.where != '\0') absl::StrAppend(&sql, " AND ", s.where);
  return absl::StrCat(sql, " GROUP BY 1, 2, 3, 4, 5, 6, 7");
}

std::vector<std::string> Rows(MysqlConnection& conn, const std::string& sql) {
  std::unique_ptr<sql::ResultSet> rs(conn.Prepare(sql).executeQuery());
  std::vector<std::string> out;
  while (rs->next()) out.push_back(rs->getString(1));
  std::sort(out.begin(), out.end());
  return out;
}

// The rows in one and not the other, for the failure message.
std::string Difference(const std::vector<std::string>& a,
                       const std::vector<std::string>& b) {
  std::vector<std::string> only;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(),
                      std::back_inserter(only));
  std::string out;
  for (size_t i = 0; i < only.size() && i < 20; ++i) {
    absl::StrAppend(&out, "  ", only[i], "\n");
  }
  return out;
}

void ExpectSame(const std::vector<std::string>& per_figure,
                const std::vector<std::string>& stored, const char* which) {
  EXPECT_TRUE(per_figure == stored)
      << which << ": " << per_figure.size() << " rows per figure, "
      << stored.size() << " stored\nonly per figure:\n"
      << Difference(per_figure, stored) << "only stored:\n"
      << Difference(stored, per_figure);
}

}  // namespace

std::vector<std::string> PerFigureContributions(
    MysqlConnection& conn, absl::Span<const AggregateFigure> figures) {
  std::vector<std::string> out;
  for (const AggregateFigure& f : figures) {
    std::vector<std::string> rows = Rows(
        conn, absl::StrCat("SELECT ", kRow, " FROM (", OneFigure(f), ") x"));
    out.insert(out.end(), rows.begin(), rows.end());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> StoredContributions(MysqlConnection& conn) {
  return Rows(conn,
              absl::StrCat("SELECT ", kRow, " FROM complaint_contributions"));
}

absl::StatusOr<int> ExpectContributionsPerFigure(
    MysqlPool& pool, absl::Span<const AggregateFigure> figures) {
  std::vector<std::string> per_figure;
  CSM_RETURN_IF_ERROR(RunInTransaction(
      pool, absl::Now() + absl::Seconds(60),
      [&](MysqlConnection& conn) -> absl::Status {
        per_figure = PerFigureContributions(conn, figures);
        ExpectSame(per_figure, StoredContributions(conn), "refreshed");
        CSM_RETURN_IF_ERROR(RecomputeAllContributions(conn, figures));
        ExpectSame(per_figure, StoredContributions(conn), "recomputed");
        return absl::OkStatus();
      }));
  std::set<std::string> with_rows;
  for (const std::string& row : per_figure) {
    with_rows.insert(std::vector<std::string>(absl::StrSplit(row, '|'))[1]);
  }
  return static_cast<int>(with_rows.size());
}

}  // namespace csm::reporting::testing
