// The pre-aggregated return-visit and promise figures (archive_aggregates.h)
// against the same figures computed from the visit, occurrence and promise
// tables, for archives whose events move them: visits early, late and after
// the overdue mark, SMS visits that do not count, plans rescheduled and
// closed, owners and departments changed (occurrences due from then on
// move), promises kept on time, late, broken, broken and kept later. The
// history is generated from a fixed seed and applied in batches.
#include "reporting-svc/src/app/archive_aggregates.h"

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
#include "reporting-svc/src/app/complaint_aggregates.h"
#include "reporting-svc/src/app/figure_sql.h"
#include "reporting-svc/src/app/visit_figures.h"
#include "reporting-svc/src/testing/aggregate_scopes.h"
#include "reporting-svc/src/testing/per_figure_contributions.h"
#include "reporting-svc/src/testing/report_fixture.h"

namespace csm::reporting::testing {
namespace {

constexpr int kArchives = 30;
const char* const kDepartments[] = {"客服部", "仓储物流", "售后部"};

void SetDay(absl::CivilDay d, csm::common::v1::Date* out) {
  out->set_year(static_cast<int32_t>(d.year()));
  out->set_month(d.month());
  out->set_day(d.day());
}

// One archive's snapshot as its events move it, and the day it is at.
struct Archive {
  Archive(EventLog* l, std::mt19937* r) : log(l), rng(r) {}
  EventLog* log;
  std::mt19937* rng;
  ev::CustomerSnapshot s;
  absl::CivilDay day;
  std::string plan;
  absl::CivilDay due;
  int visits = 0;

  int Pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(*rng); }
  bool Chance(int percent) { return Pick(100) < percent; }
  absl::Time At(absl::CivilDay d) const {
    return Beijing(static_cast<int>(d.year()), d.month(), d.day(), 10);
  }
  template <typename M>
  void Add(M& m, absl::CivilDay on) {
    *m.mutable_customer() = s;
    log->Add(kCustomerSource, At(on) + absl::Minutes(Pick(300)), m,
             s.owner_id(), s.department());
  }
  void MoveTo(int department) {
    s.set_department(kDepartments[department]);
    s.set_team(absl::StrCat("teams/", department));
  }
};

void Visit(Archive& a, bool counted, int late_days) {
  ev::VisitRecorded m;
  m.set_visit(absl::StrCat(a.s.name(), "/visits/", ++a.visits));
  m.set_visit_plan(a.plan);
  m.set_staff_id(a.Chance(80) ? a.s.owner_id() : "staff.9");
  m.set_method(counted ? "VISIT_METHOD_PHONE" : "VISIT_METHOD_SMS");
  m.set_satisfaction(static_cast<csm::common::v1::Satisfaction>(1 + a.Pick(5)));
  m.set_counted(counted);
  const absl::CivilDay actual = a.due + late_days;
  SetDay(actual, m.mutable_actual_date());
  SetDay(a.due, m.mutable_due_date());
  if (counted) a.due = actual + 7 + a.Pick(30);
  SetDay(a.due, m.mutable_next_due_date());
  a.day = std::max(a.day, actual);
  a.Add(m, a.day);
}

void Overdue(Archive& a) {
  ev::VisitBecameOverdue m;
  m.set_visit_plan(a.plan);
  m.set_owner_id(a.s.owner_id());
  SetDay(a.due, m.mutable_due_date());
  a.day = std::max(a.day, a.due + 1);
  a.Add(m, a.day);
}

void Reschedule(Archive& a) {
  ev::VisitPlanRescheduled m;
  m.set_visit_plan(a.plan);
  SetDay(a.due, m.mutable_from_due_date());
  // Before the due date (dropped) or after it (it stays, missed).
  const absl::CivilDay on = a.Chance(60) ? a.due - 1 - a.Pick(3) : a.due + 2;
  a.due = a.due + 3 + a.Pick(20);
  SetDay(a.due, m.mutable_to_due_date());
  a.day = std::max(a.day, on);
  a.Add(m, a.day);
}

void ChangeOwner(Archive& a) {
  ev::CustomerOwnerChanged m;
  m.set_from_owner_id(a.s.owner_id());
  a.s.set_owner_id(absl::StrCat("staff.", a.Pick(5)));
  m.set_to_owner_id(a.s.owner_id());
  if (a.Chance(50)) a.MoveTo(a.Pick(3));
  a.day = a.day + a.Pick(10);
  a.Add(m, a.day);
}

void Promise(Archive& a, int id) {
  ev::CommunicationRecorded m;
  const std::string name = absl::StrCat(a.s.name(), "/communications/", id);
  m.set_communication(name);
  m.set_staff_id(a.s.owner_id());
  m.set_has_promise(true);
  const absl::CivilDay due = a.day + 2 + a.Pick(20);
  SetDay(due, m.mutable_promise_due_date());
  a.Add(m, a.day);
  const int outcome = a.Pick(4);  // kept on time, late, broken, open
  if (outcome == 3) return;
  if (outcome == 2 || a.Chance(20)) {
    ev::PromiseBroken b;
    b.set_communication(name);
    b.set_staff_id(a.s.owner_id());
    SetDay(due, b.mutable_due_date());
    a.Add(b, due + 1);
    if (outcome == 2) return;
  }
  ev::PromiseKept k;
  k.set_communication(name);
  k.set_staff_id(a.s.owner_id());
  SetDay(due, k.mutable_due_date());
  a.Add(k, outcome == 0 ? due - a.Pick(2) : due + 1 + a.Pick(9));
}

// Created in October to December 2026 with a visit plan and a promise.
void Open(Archive& a, int id) {
  a.s.set_name(absl::StrCat("customers/", id));
  a.s.set_archive_number(absl::StrCat("KH-", id));
  a.s.set_grade("GRADE_A");
  a.s.set_state("CUSTOMER_STATE_ACTIVE");
  a.s.set_owner_id(absl::StrCat("staff.", a.Pick(5)));
  a.MoveTo(a.Pick(3));
  a.day = absl::CivilDay(2026, 10, 1) + a.Pick(80);
  ev::CustomerCreated c;
  a.Add(c, a.day);
  a.plan = absl::StrCat(a.s.name(), "/visitPlans/1");
  a.due = a.day + 3 + a.Pick(10);
  ev::VisitPlanCreated p;
  p.set_visit_plan(a.plan);
  SetDay(a.due, p.mutable_next_due_date());
  a.Add(p, a.day);
  Promise(a, 1);
}

// A few occurrences: answered early, on time or late, missed and overdue
// (then answered late), an SMS visit that does not count, rescheduled.
void Occurrences(Archive& a, int n) {
  for (int i = 0; i < n; ++i) {
    switch (a.Pick(6)) {
      case 0:
        Visit(a, true, -a.Pick(3));
        break;
      case 1:
        Visit(a, false, 0);
        Overdue(a);
        Visit(a, true, 2 + a.Pick(5));
        break;
      case 2:
        Overdue(a);
        break;
      case 3:
        Reschedule(a);
        break;
      case 4:
        ChangeOwner(a);
        break;
      default:
        Visit(a, true, a.Pick(4));
    }
  }
}

void Close(Archive& a) {
  ev::VisitPlanClosed m;
  m.set_visit_plan(a.plan);
  a.day = a.day + a.Pick(5);
  a.Add(m, a.day);
}

class ArchiveAggregatesTest : public ReportFixture {
 protected:
  void ApplyFrom(size_t from, size_t batch) {
    ReportFixture::ApplyFrom(log_, kCustomerSource, from, batch);
  }

  static std::string Text(const std::map<std::string, Share>& shares) {
    std::string out;
    for (const auto& [k, s] : shares) {
      absl::StrAppend(&out, "[", k, "] ", s.numerator, "/", s.denominator,
                      "\n");
    }
    return out;
  }
  static std::string Text(
      const std::map<std::string, rv1::VisitFigures>& figures) {
    std::string out;
    for (const auto& [k, f] : figures) {
      absl::StrAppend(&out, "[", k, "] ", f.ShortDebugString(), "\n");
    }
    return out;
  }

  // The ranking's visit and promise figures per staff member, both ways.
  absl::Status ExpectStaffEqual(MysqlConnection& conn, FigureScope scope,
                                const std::string& where) {
    namespace a = aggregates;
    namespace f = figures;
    scope.departments.clear();
    CSM_ASSIGN_OR_RETURN(
        DayShares staff,
        AggregatedStaffFigures(
            conn, scope,
            {a::kStaffVisitsDue, a::kStaffVisitsValid, a::kStaffPromisesOnTime,
             a::kStaffPromisesSettled}));
    const struct {
      const char* id;
      const FigureSql& sql;
      const char* hit;
    } kStaff[] = {
        {a::kStaffVisitsDue, f::kVisitsDue, f::kAnswered},
        {a::kStaffVisitsValid, f::kVisitsValid, "0"},
        {a::kStaffPromisesOnTime, f::kPromisesDue, f::kKeptOnTime},
        {a::kStaffPromisesSettled, f::kPromisesDue, f::kPromiseSettled}};
    for (const auto& s : kStaff) {
      CSM_ASSIGN_OR_RETURN(
          auto tables, ShareGroups(conn, s.sql, scope, GroupByStaff(), s.hit));
      EXPECT_EQ(Text(staff[s.id]), Text(tables)) << where << " " << s.id;
    }
    return absl::OkStatus();
  }

  void ExpectDaysEqualTables(const FigureScope& scope) {
    ASSERT_TRUE(DayTablesServe(scope, GroupAll()));
    const std::string where = NameOf(scope);
    absl::Status s = RunWithConnection(
        server_->pool(), absl::Now() + absl::Seconds(30),
        [&](MysqlConnection& conn) -> absl::Status {
          for (GroupKey key : {GroupAll(), GroupByDepartment()}) {
            CSM_ASSIGN_OR_RETURN(auto days, VisitFiguresBy(conn, scope, key));
            CSM_ASSIGN_OR_RETURN(auto tables,
                                 VisitFiguresFromVisitTables(conn, scope, key));
            EXPECT_EQ(Text(days), Text(tables)) << where;
          }
          CSM_ASSIGN_OR_RETURN(auto days, PromiseTotals(conn, scope));
          CSM_ASSIGN_OR_RETURN(auto tables,
                               PromiseTotalsFromTables(conn, scope));
          EXPECT_EQ(days.ShortDebugString(), tables.ShortDebugString())
              << where;
          return ExpectStaffEqual(conn, scope, where);
        });
    ASSERT_TRUE(s.ok()) << s;
  }

  void ExpectEveryScopeEqual() {
    const std::vector<std::string> departments(std::begin(kDepartments),
                                               std::end(kDepartments));
    for (const FigureScope& scope :
         EveryTestScope(departments, absl::CivilMonth(2027, 3),
                        absl::CivilDay(2027, 3, 1))) {
      ASSERT_NO_FATAL_FAILURE(ExpectDaysEqualTables(scope));
    }
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

TEST_F(ArchiveAggregatesTest, DayTablesEqualTheVisitTablesAsEventsMove) {
  std::mt19937 rng(20261205);
  std::vector<Archive> archives(kArchives, Archive(&log_, &rng));
  for (int i = 0; i < kArchives; ++i) {
    Open(archives[i], i + 1);
    Occurrences(archives[i], 2 + archives[i].Pick(3));
  }
  ASSERT_NO_FATAL_FAILURE(ApplyFrom(0, 5));
  ASSERT_NO_FATAL_FAILURE(ExpectEveryScopeEqual());
  ASSERT_NO_FATAL_FAILURE(ExpectContributionsOfEachFigure(18));

  const size_t applied = log_.of(kCustomerSource).size();
  for (int i = 0; i < kArchives; ++i) {
    Archive& a = archives[i];
    Occurrences(a, 1 + a.Pick(3));
    if (a.Chance(50)) Promise(a, 2);
    if (a.Chance(30)) Close(a);
  }
  ASSERT_NO_FATAL_FAILURE(ApplyFrom(applied, 3));
  ASSERT_NO_FATAL_FAILURE(ExpectEveryScopeEqual());
  ASSERT_NO_FATAL_FAILURE(ExpectContributionsOfEachFigure(18));

  // Not vacuous: the history has every kind of occurrence and promise.
  EXPECT_GT(Sql({"SELECT COUNT(*) FROM visit_occurrences WHERE dropped = 1"}),
            2);
  EXPECT_GT(Sql({"SELECT COUNT(*) FROM visit_occurrences WHERE overdue = 1 "
                 "AND answered_date IS NOT NULL"}),
            2);
  EXPECT_GT(Sql({"SELECT COUNT(*) FROM visits WHERE counted = 0"}), 2);
  EXPECT_GT(Sql({"SELECT COUNT(*) FROM promises WHERE broken = 1 AND "
                 "kept_date IS NOT NULL"}),
            1);
  EXPECT_GT(Sql({"SELECT COUNT(DISTINCT department) FROM visit_occurrences"}),
            2);

  // A schema whose archives were applied before migrations/027: the start
  // fills their contributions, and the figures are the same again.
  EXPECT_EQ(Sql({"DELETE FROM complaint_contributions",
                 "DELETE FROM complaint_day_counts",
                 "DELETE FROM complaint_staff_days",
                 "DELETE FROM complaint_staff_months",
                 "DELETE FROM complaint_department_months",
                 "UPDATE aggregate_backfills SET done_time = NULL",
                 "SELECT COUNT(*) FROM complaint_day_counts"}),
            0);
  ASSERT_TRUE(BackfillAggregates(server_->pool()).ok());
  EXPECT_GT(Sql({"SELECT COUNT(*) FROM complaint_day_counts"}), 0);
  ASSERT_NO_FATAL_FAILURE(ExpectEveryScopeEqual());
}

}  // namespace
}  // namespace csm::reporting::testing
