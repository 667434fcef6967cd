// The reads of the pre-aggregated tables (store/complaint_aggregates.h:
// StaffCounts, DayCounts, DayMinutes) add their month and day rows up in
// the service instead of by GROUP BY (docs/benchmarks.md, "The staff
// ranking's reads"): over a seeded history, every test scope's answer
// equals the day rows alone grouped by MariaDB, as the reads answered
// before. A staff member's department (StaffDepartmentsBefore) is read
// one index entry per staff member, not every day of the year.
#include <algorithm>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "common/business_time.h"
#include "common/status.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"
#include "gtest/gtest.h"
#include "reporting-svc/src/store/complaint_aggregates.h"
#include "reporting-svc/src/store/figure_queries.h"
#include "reporting-svc/src/store/sql_bind.h"
#include "reporting-svc/src/testing/aggregate_scopes.h"
#include "reporting-svc/src/testing/complaint_history.h"
#include "reporting-svc/src/testing/report_fixture.h"

namespace csm::reporting::testing {
namespace {

std::string Text(const DayShares& shares) {
  std::string out;
  for (const auto& [figure, groups] : shares) {
    for (const auto& [k, s] : groups) {
      absl::StrAppend(&out, figure, " [", k, "] ", s.numerator, "/",
                      s.denominator, "\n");
    }
  }
  return out;
}

std::string Text(const DayHistograms& histograms) {
  std::string out;
  for (const auto& [figure, groups] : histograms) {
    for (const auto& [k, h] : groups) {
      absl::StrAppend(&out, figure, " [", k, "]");
      for (const auto& [minutes, n] : h.buckets()) {
        absl::StrAppend(&out, " ", minutes, "x", n);
      }
      absl::StrAppend(&out, "\n");
    }
  }
  return out;
}

class DayReadsTest : public ReportFixture {
 protected:
  // `select` (figure, key, then `sum`s) over the scope's day rows of
  // `table`, its departments and grouped by MariaDB, each row to `row`.
  template <typename Row>
  static void Grouped(MysqlConnection& conn, const FigureScope& scope,
                      const std::string& select, const char* table,
                      const char* group, Row row) {
    SqlCondition w;
    w.sql = " WHERE day >= ? AND day <= ?";
    AppendIn("department", scope.departments, &w);
    sql::PreparedStatement& st = conn.Prepare(
        absl::StrCat(select, " FROM ", table, w.sql, " GROUP BY ", group));
    Binder b(st);
    b.Date(scope.first).Date(scope.last);
    for (const std::string& v : w.values) b.Str(v);
    std::unique_ptr<sql::ResultSet> rs(st.executeQuery());
    while (rs->next()) row(rs);
  }

  static DayShares GroupedShares(MysqlConnection& conn,
                                 const FigureScope& scope, const char* key,
                                 const char* table) {
    DayShares out;
    Grouped(conn, scope,
            absl::StrCat("SELECT figure, ", key,
                         " AS k, CAST(SUM(hits) AS SIGNED), "
                         "CAST(SUM(n) AS SIGNED)"),
            table, "figure, k HAVING SUM(n) > 0",
            [&](const std::unique_ptr<sql::ResultSet>& rs) {
              Share& s = out[rs->getString(1)][rs->getString(2)];
              s.numerator = rs->getInt64(3);
              s.denominator = rs->getInt64(4);
            });
    return out;
  }

  // Whole, by department and per staff member; returns the staff rows
  // compared.
  int64_t ExpectEqual(MysqlConnection& conn, const FigureScope& scope) {
    const std::string where = NameOf(scope);
    for (bool by_department : {false, true}) {
      absl::StatusOr<DayShares> counts = DayCounts(conn, scope, by_department);
      EXPECT_TRUE(counts.ok()) << counts.status();
      EXPECT_EQ(
          Text(*counts),
          Text(GroupedShares(conn, scope, by_department ? "department" : "''",
                             "complaint_day_counts")))
          << where;
      absl::StatusOr<DayHistograms> minutes =
          DayMinutes(conn, scope, by_department);
      EXPECT_TRUE(minutes.ok()) << minutes.status();
      DayHistograms grouped;
      Grouped(
          conn, scope,
          absl::StrCat("SELECT figure, ", by_department ? "department" : "''",
                       " AS k, minutes, CAST(SUM(n) AS SIGNED)"),
          "complaint_day_minutes", "figure, k, minutes",
          [&](const std::unique_ptr<sql::ResultSet>& rs) {
            EXPECT_TRUE(grouped[rs->getString(1)][rs->getString(2)]
                            .Add(rs->getInt64(3), rs->getInt64(4))
                            .ok());
          });
      EXPECT_EQ(Text(*minutes), Text(grouped)) << where;
    }
    // The staff tables carry no department (the ranking drops them).
    FigureScope company = scope;
    company.departments.clear();
    absl::StatusOr<DayShares> staff = StaffCounts(conn, company);
    EXPECT_TRUE(staff.ok()) << staff.status();
    const DayShares grouped =
        GroupedShares(conn, company, "staff_id", "complaint_staff_days");
    EXPECT_EQ(Text(*staff), Text(grouped)) << where;
    int64_t rows = 0;
    for (const auto& [figure, groups] : grouped) rows += groups.size();
    return rows;
  }

  EventLog log_;
};

TEST_F(DayReadsTest, RowsAddedUpHereEqualTheDayRowsGroupedByMariadb) {
  std::mt19937 rng(20261205);
  std::vector<Story> stories(kComplaints, Story{&log_, &rng, {}, {}});
  for (int i = 0; i < kComplaints; ++i) FirstPhase(stories[i], i + 1);
  for (Story& st : stories) SecondPhase(st);
  ASSERT_NO_FATAL_FAILURE(ApplyFrom(log_, kComplaintSource, 0, 6));

  const std::vector<std::string> departments(std::begin(kDepartments),
                                             std::end(kDepartments));
  int64_t quarter_rows = 0;
  absl::Status s =
      RunWithConnection(server_->pool(), absl::Now() + absl::Seconds(30),
                        [&](MysqlConnection& conn) -> absl::Status {
                          for (const FigureScope& scope : EveryTestScope(
                                   departments, absl::CivilMonth(2027, 2),
                                   absl::CivilDay(2027, 2, 1))) {
                            const int64_t rows = ExpectEqual(conn, scope);
                            if (scope.first == absl::CivilDay(2026, 10, 1) &&
                                scope.last == absl::CivilDay(2026, 12, 31)) {
                              quarter_rows = rows;
                            }
                          }
                          return absl::OkStatus();
                        });
  ASSERT_TRUE(s.ok()) << s;
  // Not vacuous: the quarter (three month rows per staff member and
  // figure) has staff figures, and months hold several days' rows.
  EXPECT_GT(quarter_rows, 5);
  EXPECT_GT(Sql({"SELECT COUNT(*) FROM complaint_staff_days"}),
            Sql({"SELECT COUNT(*) FROM complaint_staff_months"}));
}

// The handler reads (index entries and rows) `conn` made since `*before`,
// less what reading the counters costs; `*before` becomes now.
int64_t HandlerReads(MysqlConnection& conn, int64_t* before) {
  auto read = [&] {
    std::unique_ptr<sql::ResultSet> rs(
        conn.Prepare("SELECT CAST(SUM(VARIABLE_VALUE) AS SIGNED) FROM "
                     "information_schema.SESSION_STATUS WHERE VARIABLE_NAME "
                     "LIKE 'HANDLER\\_READ\\_%'")
            .executeQuery());
    return rs->next() ? rs->getInt64(1) : int64_t{-1};
  };
  const int64_t now = read();
  const int64_t cost = read() - now;
  const int64_t reads = now - *before;
  *before = read();
  return reads - 2 * cost;
}

TEST_F(DayReadsTest, StaffDepartmentsReadOneEntryPerStaffMemberNotEveryDay) {
  // 40 staff members, one row a day for 120 days from their own first day,
  // each changing department every 30 days.
  constexpr int kStaff = 40, kDays = 120;
  const absl::CivilDay first(2026, 1, 1);
  std::string insert =
      "INSERT INTO staff_departments (staff_id, day, department, event_time) "
      "VALUES ";
  for (int s = 0; s < kStaff; ++s) {
    for (int d = 0; d < kDays; ++d) {
      const absl::CivilDay day = first + s + d;
      absl::StrAppend(&insert, s + d > 0 ? "," : "", "('staff-", s, "','",
                      absl::FormatCivilTime(day), "','D", (s + d / 30) % 5,
                      "','", absl::FormatCivilTime(day), " 03:00:00')");
    }
  }
  ASSERT_GE(Sql({insert, "SELECT COUNT(*) FROM staff_departments"}),
            kStaff * kDays);
  for (const absl::CivilDay end : {first + 10, first + 100, first + 200}) {
    std::map<std::string, std::string> expected;
    for (int s = 0; s < kStaff; ++s) {
      const int days = std::min<int>(kDays, end - (first + s));
      if (days > 0) {
        expected[absl::StrCat("staff-", s)] =
            absl::StrCat("D", (s + (days - 1) / 30) % 5);
      }
    }
    absl::Status s = RunWithConnection(
        server_->pool(), absl::Now() + absl::Seconds(30),
        [&](MysqlConnection& conn) -> absl::Status {
          // Twice, with a read of a non-key column of the table between
          // (on this connection, as a report's other reads would): a
          // prepared statement re-executed after it lost the loose scan.
          for (int call = 0; call < 2; ++call) {
            int64_t reads = 0;
            HandlerReads(conn, &reads);
            absl::StatusOr<std::map<std::string, std::string>> got =
                StaffDepartmentsBefore(conn, StartOfBusinessDay(end));
            const int64_t used = HandlerReads(conn, &reads);
            EXPECT_TRUE(got.ok()) << got.status();
            EXPECT_EQ(*got, expected) << absl::FormatCivilTime(end);
            // A few per staff member (the loose scan and the row's
            // lookup), never the table's every day.
            EXPECT_LE(used, 8 * kStaff)
                << absl::FormatCivilTime(end) << " call " << call;
            std::unique_ptr<sql::ResultSet>(
                conn.Prepare("SELECT department FROM staff_departments "
                             "WHERE staff_id = 'staff-1' LIMIT 1")
                    .executeQuery());
          }
          return absl::OkStatus();
        });
    ASSERT_TRUE(s.ok()) << s;
  }
}

}  // namespace
}  // namespace csm::reporting::testing
