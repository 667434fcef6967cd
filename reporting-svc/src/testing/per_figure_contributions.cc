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
#include "reporting-svc/src/store/contributions_sql.h"

namespace csm::reporting::testing {
namespace {

// The columns of a contribution row, joined as text.
constexpr char kRow[] =
    "CONCAT_WS('|', complaint, figure, kind, day, credited, hit, minutes, n)";

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

void ExpectSame(const std::vector<std::string>& expected,
                const std::vector<std::string>& stored, const char* which) {
  EXPECT_TRUE(expected == stored)
      << which << ": " << expected.size() << " rows expected, " << stored.size()
      << " stored\nonly expected:\n"
      << Difference(expected, stored) << "only stored:\n"
      << Difference(stored, expected);
}

}  // namespace

std::vector<std::string> PerFigureContributions(
    MysqlConnection& conn, absl::Span<const AggregateFigure> figures) {
  std::vector<std::string> out;
  for (const AggregateFigure& f : figures) {
    std::vector<std::string> rows =
        Rows(conn, absl::StrCat("SELECT ", kRow, " FROM (",
                                FigureContributionsSelect(f), ") x"));
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
        const std::vector<std::string> refreshed = StoredContributions(conn);
        ExpectSame(per_figure, refreshed,
                   "refreshed (a pass per source table) against a SELECT "
                   "per figure");
        CSM_RETURN_IF_ERROR(RecomputeAllContributions(conn, figures));
        ExpectSame(refreshed, StoredContributions(conn),
                   "recomputed whole against refreshed");
        return absl::OkStatus();
      }));
  std::set<std::string> with_rows;
  for (const std::string& row : per_figure) {
    with_rows.insert(std::vector<std::string>(absl::StrSplit(row, '|'))[1]);
  }
  return static_cast<int>(with_rows.size());
}

}  // namespace csm::reporting::testing
