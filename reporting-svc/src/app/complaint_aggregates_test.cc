// The pre-aggregated complaint figures (complaint_aggregates.h) against the
// same figures computed from the complaint tables, for complaints that an
// event history moves between days, departments and states: accepted late
// after a breach, transferred, resolved in a later month, reopened by a
// dissatisfied confirmation or after closing, resolved again, closed. The
// history is generated from a fixed seed; the events are applied in
// batches that mix complaints and hold several events of one complaint.
#include "reporting-svc/src/app/complaint_aggregates.h"

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status.h"
#include "cppconn/resultset.h"
#include "cppconn/statement.h"
#include "gtest/gtest.h"
#include "reporting-svc/src/app/aggregate_backfill.h"
#include "reporting-svc/src/app/complaint_figures.h"
#include "reporting-svc/src/app/figure_sql.h"
#include "reporting-svc/src/testing/aggregate_scopes.h"
#include "reporting-svc/src/testing/complaint_history.h"
#include "reporting-svc/src/testing/per_figure_contributions.h"
#include "reporting-svc/src/testing/report_fixture.h"

namespace csm::reporting::testing {
namespace {

class ComplaintAggregatesTest : public ReportFixture {
 protected:
  void ApplyFrom(size_t from, size_t batch) {
    ReportFixture::ApplyFrom(log_, kComplaintSource, from, batch);
  }

  static std::string Text(
      const std::map<std::string, rv1::ComplaintFigures>& figures) {
    std::string out;
    for (const auto& [k, f] : figures) {
      absl::StrAppend(&out, "[", k, "] ", f.ShortDebugString(), "\n");
    }
    return out;
  }
  static std::string Text(const std::map<std::string, Share>& shares) {
    std::string out;
    for (const auto& [k, s] : shares) {
      absl::StrAppend(&out, "[", k, "] ", s.numerator, "/", s.denominator,
                      "\n");
    }
    return out;
  }

  // The ranking's staff figures, both ways (the staff tables carry no
  // department: the scope's are dropped, as the ranking does).
  absl::Status ExpectStaffEqual(MysqlConnection& conn, FigureScope scope,
                                const std::string& where) {
    namespace a = aggregates;
    namespace f = figures;
    scope.departments.clear();
    const struct {
      const char* id;
      const FigureSql& sql;
      const char* hit;
    } kStaff[] = {{a::kStaffSettled, f::kSettled, f::kMetOnTime},
                  {a::kStaffConfirmed, f::kConfirmed, f::kSatisfied},
                  {a::kStaffResolved, f::kResolved, "0"}};
    for (const auto& s : kStaff) {
      CSM_ASSIGN_OR_RETURN(auto staff,
                           AggregatedStaffShares(conn, scope, s.id));
      CSM_ASSIGN_OR_RETURN(
          auto tables, ShareGroups(conn, s.sql, scope, GroupByStaff(), s.hit));
      EXPECT_EQ(Text(staff), Text(tables)) << where << " " << s.id;
    }
    return absl::OkStatus();
  }

  // The supervision's company overdue complaints (beside its department
  // rows' day rows) against the complaint tables' whole.
  absl::Status ExpectCompanyOverdueEqual(MysqlConnection& conn,
                                         const FigureScope& scope,
                                         const std::string& where) {
    DayShares days;
    CSM_RETURN_IF_ERROR(ComplaintFiguresBy(conn, scope,
                                           rv1::COMPLAINT_DIMENSION_DEPARTMENT,
                                           &days)
                            .status());
    CSM_ASSIGN_OR_RETURN(int64_t overdue, CompanyOverdue(conn, scope, days));
    CSM_ASSIGN_OR_RETURN(
        auto whole, ComplaintFiguresFromComplaintTables(
                        conn, scope, rv1::COMPLAINT_DIMENSION_UNSPECIFIED));
    EXPECT_EQ(overdue, whole[""].overdue()) << where;
    return absl::OkStatus();
  }

  // The escalation rungs per level and department, both ways.
  absl::Status ExpectLevelsEqual(MysqlConnection& conn,
                                 const FigureScope& scope,
                                 const std::string& where) {
    CSM_ASSIGN_OR_RETURN(auto tables,
                         CountByDetail(conn, figures::kEscalated, scope,
                                       GroupByDepartment(), "f.detail"));
    std::map<std::string, std::map<std::string, int64_t>> days;
    for (const EscalationLevelFigure& l : EscalationLevelFigures()) {
      CSM_ASSIGN_OR_RETURN(
          auto shares,
          AggregatedShares(conn, scope, GroupByDepartment(), l.figure));
      for (const auto& [k, share] : shares)
        days[k][l.level] = share.denominator;
    }
    EXPECT_EQ(days, tables) << where;
    return absl::OkStatus();
  }

  // Both breakdowns the day tables serve, both ways, equal.
  void ExpectDaysEqualTables(const FigureScope& scope) {
    ASSERT_TRUE(DayTablesServe(scope, GroupAll()));
    const std::string where = NameOf(scope);
    absl::Status s = RunWithConnection(
        server_->pool(), absl::Now() + absl::Seconds(30),
        [&](MysqlConnection& conn) -> absl::Status {
          for (auto dim : {rv1::COMPLAINT_DIMENSION_UNSPECIFIED,
                           rv1::COMPLAINT_DIMENSION_DEPARTMENT}) {
            CSM_ASSIGN_OR_RETURN(auto days,
                                 ComplaintFiguresBy(conn, scope, dim));
            CSM_ASSIGN_OR_RETURN(
                auto tables,
                ComplaintFiguresFromComplaintTables(conn, scope, dim));
            EXPECT_EQ(Text(days), Text(tables)) << where;
          }
          CSM_ASSIGN_OR_RETURN(
              auto kept, AggregatedShares(conn, scope, GroupByDepartment(),
                                          aggregates::kConfirmedKept));
          CSM_ASSIGN_OR_RETURN(
              auto tables,
              ShareGroups(conn, figures::kConfirmedKept, scope,
                          GroupByDepartment(), figures::kClosedSince));
          EXPECT_EQ(Text(kept), Text(tables)) << where;
          CSM_RETURN_IF_ERROR(ExpectCompanyOverdueEqual(conn, scope, where));
          CSM_RETURN_IF_ERROR(ExpectLevelsEqual(conn, scope, where));
          return ExpectStaffEqual(conn, scope, where);
        });
    ASSERT_TRUE(s.ok()) << s;
  }

  void ExpectEveryScopeEqual() {
    const std::vector<std::string> departments(std::begin(kDepartments),
                                               std::end(kDepartments));
    for (const FigureScope& scope :
         EveryTestScope(departments, absl::CivilMonth(2027, 2),
                        absl::CivilDay(2027, 2, 1))) {
      ASSERT_NO_FATAL_FAILURE(ExpectDaysEqualTables(scope));
    }
  }

  // The day tables hold only rows with contributions, and what the
  // contributions add up to.
  void ExpectDayTablesConsistent() {
    absl::Status s = RunWithConnection(
        server_->pool(), absl::Now() + absl::Seconds(30),
        [&](MysqlConnection& conn) -> absl::Status {
          const char* const kChecks[] = {
              "SELECT COUNT(*) FROM complaint_day_counts WHERE n <= 0",
              "SELECT COUNT(*) FROM complaint_day_minutes WHERE n <= 0",
              "SELECT COUNT(*) FROM complaint_staff_days WHERE n <= 0",
              "SELECT COUNT(*) FROM complaint_staff_months WHERE n <= 0",
              "SELECT COUNT(*) FROM complaint_department_months WHERE n <= 0",
              "SELECT (SELECT SUM(n) FROM complaint_department_months) - "
              "(SELECT SUM(n) FROM complaint_contributions WHERE kind = 0)",
              "SELECT (SELECT SUM(n) FROM complaint_day_counts) - "
              "(SELECT SUM(n) FROM complaint_contributions WHERE kind = 0)",
              "SELECT (SELECT SUM(n) FROM complaint_day_minutes) - "
              "(SELECT SUM(n) FROM complaint_contributions WHERE kind = 1)",
              "SELECT (SELECT SUM(n) FROM complaint_staff_days) - "
              "(SELECT SUM(n) FROM complaint_contributions WHERE kind = 2)",
              "SELECT (SELECT SUM(n) FROM complaint_staff_months) - "
              "(SELECT SUM(n) FROM complaint_contributions WHERE kind = 2)"};
          for (const char* sql : kChecks) {
            std::unique_ptr<sql::ResultSet> rs(
                conn.Prepare(sql).executeQuery());
            EXPECT_TRUE(rs->next());
            EXPECT_EQ(rs->getInt64(1), 0) << sql;
          }
          return absl::OkStatus();
        });
    ASSERT_TRUE(s.ok()) << s;
  }

  // The contributions equal each figure's own SELECT's; at least
  // `figures` of them have rows.
  void ExpectContributionsOfEachFigure(int figures) {
    absl::StatusOr<int> with_rows = ExpectContributionsPerFigure(
        server_->pool(), AggregatedComplaintFigures());
    ASSERT_TRUE(with_rows.ok()) << with_rows.status();
    EXPECT_GE(*with_rows, figures);
  }

  EventLog log_;
};

// A schema whose complaints were applied before migrations/024: the
// start fills their contributions once, then the day tables equal the
// complaint tables; a second start finds it done.
TEST_F(ComplaintAggregatesTest, StoredComplaintsAreBackfilledOnceAtTheStart) {
  std::mt19937 rng(20261203);
  std::vector<Story> stories(kComplaints, Story{&log_, &rng, {}, {}});
  for (int i = 0; i < kComplaints; ++i) FirstPhase(stories[i], i + 1);
  for (Story& st : stories) SecondPhase(st);
  ASSERT_NO_FATAL_FAILURE(ApplyFrom(0, 7));
  // As 024 left an upgraded schema: the tables empty, the backfill due.
  EXPECT_EQ(Sql({"DELETE FROM complaint_contributions",
                 "DELETE FROM complaint_day_counts",
                 "DELETE FROM complaint_day_minutes",
                 "DELETE FROM complaint_staff_days",
                 "DELETE FROM complaint_staff_months",
                 "DELETE FROM complaint_department_months",
                 "UPDATE aggregate_backfills SET done_time = NULL",
                 "SELECT COUNT(*) FROM complaint_day_counts"}),
            0);
  ASSERT_TRUE(BackfillAggregates(server_->pool()).ok());
  EXPECT_GT(Sql({"SELECT COUNT(*) FROM complaint_day_counts"}), 0);
  EXPECT_EQ(Sql({"SELECT COUNT(*) FROM aggregate_backfills "
                 "WHERE done_time IS NOT NULL"}),
            1);
  ASSERT_NO_FATAL_FAILURE(ExpectEveryScopeEqual());
  ASSERT_NO_FATAL_FAILURE(ExpectDayTablesConsistent());
  // Done: a second start does not refresh anything.
  const int64_t rows = Sql({"DELETE FROM complaint_staff_months",
                            "SELECT COUNT(*) FROM complaint_staff_months"});
  ASSERT_TRUE(BackfillAggregates(server_->pool()).ok());
  EXPECT_EQ(Sql({"SELECT COUNT(*) FROM complaint_staff_months"}), rows);
}

TEST_F(ComplaintAggregatesTest, DayTablesEqualTheComplaintTablesAsEventsMove) {
  std::mt19937 rng(20261202);
  std::vector<Story> stories(kComplaints, Story{&log_, &rng, {}, {}});
  for (int i = 0; i < kComplaints; ++i) FirstPhase(stories[i], i + 1);
  ASSERT_NO_FATAL_FAILURE(ApplyFrom(0, 5));
  ASSERT_NO_FATAL_FAILURE(ExpectEveryScopeEqual());
  ASSERT_NO_FATAL_FAILURE(ExpectDayTablesConsistent());
  ASSERT_NO_FATAL_FAILURE(ExpectContributionsOfEachFigure(27));

  const size_t applied = log_.of(kComplaintSource).size();
  for (Story& st : stories) SecondPhase(st);
  ASSERT_GT(log_.of(kComplaintSource).size(), applied + 20);
  ASSERT_NO_FATAL_FAILURE(ApplyFrom(applied, 3));
  ASSERT_NO_FATAL_FAILURE(ExpectEveryScopeEqual());
  ASSERT_NO_FATAL_FAILURE(ExpectDayTablesConsistent());
  ASSERT_NO_FATAL_FAILURE(ExpectContributionsOfEachFigure(27));

  // Not vacuous: every complaint is in, and the history moved them.
  absl::Status s =
      RunWithConnection(server_->pool(), absl::Now() + absl::Seconds(30),
                        [&](MysqlConnection& conn) -> absl::Status {
                          FigureScope year;
                          year.first = absl::CivilDay(2026, 1, 1);
                          year.last = absl::CivilDay(2027, 12, 31);
                          year.start = StartOfBusinessDay(year.first);
                          year.end = StartOfBusinessDay(year.last + 1);
                          CSM_ASSIGN_OR_RETURN(rv1::ComplaintFigures all,
                                               ComplaintTotals(conn, year));
                          EXPECT_EQ(all.received(), kComplaints);
                          EXPECT_GT(all.reopened(), 3);
                          EXPECT_GT(all.overdue(), 3);
                          EXPECT_GT(all.resolved(), kComplaints);
                          EXPECT_GT(all.closed(), kComplaints / 2);
                          return absl::OkStatus();
                        });
  ASSERT_TRUE(s.ok()) << s;
}

// The distinct counts (distinct_figures.h) of complaints escalated several
// times in a week or month, in two departments, with two breached
// deadlines: every week, month and quarter from the first-in-unit day
// rows, and every other range, equal the complaint tables'.
TEST_F(ComplaintAggregatesTest,
       DistinctCountsEqualTheComplaintTablesAsRungsRepeat) {
  std::mt19937 rng(20261204);
  std::vector<Story> stories(kComplaints, Story{&log_, &rng, {}, {}});
  for (int i = 0; i < kComplaints; ++i) {
    FirstPhase(stories[i], i + 1);
    if (stories[i].Chance(60)) EscalateAgain(stories[i]);
  }
  ASSERT_NO_FATAL_FAILURE(ApplyFrom(0, 4));
  ASSERT_NO_FATAL_FAILURE(ExpectEveryScopeEqual());
  ASSERT_NO_FATAL_FAILURE(ExpectDayTablesConsistent());
  ASSERT_NO_FATAL_FAILURE(ExpectContributionsOfEachFigure(30));

  const size_t applied = log_.of(kComplaintSource).size();
  for (Story& st : stories) {
    if (st.Chance(40)) EscalateAgain(st);
    SecondPhase(st);
  }
  ASSERT_NO_FATAL_FAILURE(ApplyFrom(applied, 6));
  ASSERT_NO_FATAL_FAILURE(ExpectEveryScopeEqual());
  ASSERT_NO_FATAL_FAILURE(ExpectDayTablesConsistent());
  ASSERT_NO_FATAL_FAILURE(ExpectContributionsOfEachFigure(30));

  // Not vacuous: complaints with several rungs in one month, and with
  // rungs of one month charged to two departments.
  constexpr char kMonth[] = "DATE_FORMAT(fact_time + INTERVAL 8 HOUR, '%Y%m')";
  EXPECT_GT(Sql({absl::StrCat(
                "SELECT COUNT(*) FROM (SELECT complaint FROM complaint_facts "
                "WHERE fact = 'escalated' GROUP BY complaint, ",
                kMonth, " HAVING COUNT(*) > 1) x")}),
            5);
  EXPECT_GT(Sql({absl::StrCat(
                "SELECT COUNT(*) FROM (SELECT complaint FROM complaint_facts "
                "WHERE fact = 'escalated' GROUP BY complaint, ",
                kMonth, " HAVING COUNT(DISTINCT department) > 1) x")}),
            2);
  EXPECT_GT(Sql({"SELECT COUNT(*) FROM (SELECT complaint FROM "
                 "complaint_deadlines WHERE breached = 1 GROUP BY complaint "
                 "HAVING COUNT(DISTINCT breached_department) > 1) x"}),
            0);
}

}  // namespace
}  // namespace csm::reporting::testing
