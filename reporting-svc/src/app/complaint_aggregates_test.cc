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
#include "reporting-svc/src/testing/report_fixture.h"

namespace csm::reporting::testing {
namespace {

using csm::common::v1::Satisfaction;

constexpr int kComplaints = 40;
const char* const kDepartments[] = {"客服部", "仓储物流", "售后部"};
constexpr char kAck[] = "DEADLINE_KIND_ACKNOWLEDGE";
constexpr char kHandling[] = "DEADLINE_KIND_HANDLING_OPINION";

ev::DeadlineState* Deadline(ev::ComplaintSnapshot& s, const char* kind) {
  for (ev::DeadlineState& d : *s.mutable_deadlines()) {
    if (d.kind() == kind) return &d;
  }
  return nullptr;
}

// One complaint's snapshot as its events move it, and the time it is at.
struct Story {
  EventLog* log;
  std::mt19937* rng;
  ev::ComplaintSnapshot s;
  absl::Time t;

  int Pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(*rng); }
  bool Chance(int percent) { return Pick(100) < percent; }
  // Working minutes from a few values, so histograms repeat them.
  int64_t Minutes() { return 30 * (1 + Pick(8)); }
  void Later(int max_days) {
    t += absl::Hours(1 + Pick(4)) + absl::Hours(24 * Pick(max_days + 1));
  }
  template <typename M>
  void Add(M& m) {
    *m.mutable_complaint() = s;
    log->Add(kComplaintSource, t, m, s.handler_id(), s.handling_department());
  }
};

void Register(Story& st, int id) {
  ev::ComplaintSnapshot& s = st.s;
  s.set_name(absl::StrCat("complaints/", id));
  s.set_complaint_number(absl::StrCat("TS-", id));
  s.set_customer(absl::StrCat("customers/", id));
  s.set_customer_grade("A");
  s.set_category(st.Chance(50) ? "quality" : "delivery");
  s.set_severity("SEVERITY_NORMAL");
  s.set_state("COMPLAINT_STATE_REGISTERED");
  s.set_channel("COMPLAINT_CHANNEL_PHONE");
  s.set_handling_department(kDepartments[st.Pick(3)]);
  s.set_first_responder_id(absl::StrCat("staff.", st.Pick(5)));
  s.set_handler_id(s.first_responder_id());
  ToProtoTimestamp(st.t, s.mutable_register_time());
  for (const char* kind : {kAck, kHandling}) {
    ev::DeadlineState* d = s.add_deadlines();
    d->set_kind(kind);
    const absl::Duration in = kind == kAck ? absl::Hours(2) : absl::Hours(72);
    ToProtoTimestamp(st.t + in, d->mutable_due_time());
  }
  ev::ComplaintRegistered m;
  st.Add(m);
}

void BreachAndEscalate(Story& st) {
  ev::DeadlineState* ack = Deadline(st.s, kAck);
  ack->set_breached(true);
  ack->set_breached_department(st.s.handling_department());
  ack->set_breached_staff_id(st.s.handler_id());
  st.t += absl::Hours(2);
  ev::ComplaintDeadlineBreached b;
  b.set_deadline(kAck);
  *b.mutable_due_time() = ack->due_time();
  b.set_department(st.s.handling_department());
  b.set_handler_id(st.s.handler_id());
  st.Add(b);
  ev::ComplaintEscalated e;
  e.set_level("ESCALATION_LEVEL_SUPERVISOR");
  e.set_department(st.s.handling_department());
  e.set_handler_id(st.s.handler_id());
  *e.mutable_due_time() = ack->due_time();
  st.Add(e);
}

void Meet(Story& st, const char* kind) {
  ev::DeadlineState* d = Deadline(st.s, kind);
  if (d->has_met_time()) return;  // a second resolution: the first stays
  ToProtoTimestamp(st.t, d->mutable_met_time());
  d->set_met_working_minutes(st.Minutes());
  d->set_met_by_staff_id(st.s.handler_id());
  d->set_met_department(st.s.handling_department());
}

void Accept(Story& st) {
  st.Later(1);
  Meet(st, kAck);
  st.s.set_state("COMPLAINT_STATE_ACCEPTED");
  ev::ComplaintStateChanged m;
  m.set_action("accept");
  st.Add(m);
}

void Transfer(Story& st) {
  st.Later(10);
  ev::ComplaintTransferred m;
  m.set_from_department(st.s.handling_department());
  m.set_from_handler_id(st.s.handler_id());
  m.set_from_department_working_minutes(st.Minutes());
  std::string to = st.s.handling_department();
  while (to == st.s.handling_department()) to = kDepartments[st.Pick(3)];
  st.s.set_handling_department(to);
  st.s.set_handler_id(absl::StrCat("staff.", 5 + st.Pick(5)));
  st.s.set_state("COMPLAINT_STATE_TRANSFERRED");
  m.set_to_department(to);
  m.set_to_staff_id(st.s.handler_id());
  st.Add(m);
}

void Resolve(Story& st) {
  st.Later(20);
  Meet(st, kHandling);
  st.s.set_state("COMPLAINT_STATE_RESOLVED");
  st.s.set_resolver_id(st.s.handler_id());
  st.s.set_resolving_department(st.s.handling_department());
  st.s.clear_close_time();
  ev::ComplaintResolved m;
  m.set_handling_working_minutes(
      Deadline(st.s, kHandling)->met_working_minutes());
  m.set_resolving_department_working_minutes(st.Minutes());
  st.Add(m);
}

// Satisfied and closed, or dissatisfied and reopened.
void ConfirmAndClose(Story& st, bool satisfied) {
  st.Later(3);
  st.s.set_state(satisfied ? "COMPLAINT_STATE_CONFIRMED"
                           : "COMPLAINT_STATE_REOPENED");
  ev::ComplaintConfirmed c;
  c.set_satisfaction(satisfied ? csm::common::v1::SATISFACTION_SATISFIED
                               : csm::common::v1::SATISFACTION_DISSATISFIED);
  c.set_reopened(!satisfied);
  st.Add(c);
  if (!satisfied) return;
  st.Later(2);
  st.s.set_state("COMPLAINT_STATE_CLOSED");
  ToProtoTimestamp(st.t, st.s.mutable_close_time());
  ev::ComplaintClosed m;
  m.set_return_visit_satisfaction(csm::common::v1::SATISFACTION_SATISFIED);
  st.Add(m);
}

void ReopenClosed(Story& st) {
  st.Later(15);
  st.s.set_state("COMPLAINT_STATE_REOPENED");
  st.s.clear_close_time();
  ev::ComplaintStateChanged m;
  m.set_action("reopen");
  st.Add(m);
}

// Registered in October to December 2026; up to resolved and confirmed.
void FirstPhase(Story& st, int id) {
  st.t = Beijing(2026, 10, 1, 9) + absl::Hours(24 * st.Pick(80)) +
         absl::Hours(st.Pick(7));
  Register(st, id);
  if (st.Chance(25)) BreachAndEscalate(st);
  Accept(st);
  if (st.Chance(30)) Transfer(st);
  if (st.Chance(20)) return;  // open for the second phase
  Resolve(st);
  ConfirmAndClose(st, st.Chance(70));
}

// Later: the open ones resolved, the reopened ones (some transferred)
// resolved again, some closed ones reopened and resolved again.
void SecondPhase(Story& st) {
  const std::string state = st.s.state();
  if (state == "COMPLAINT_STATE_CLOSED") {
    if (!st.Chance(40)) return;
    ReopenClosed(st);
  }
  if (st.Chance(40)) Transfer(st);
  Resolve(st);
  ConfirmAndClose(st, st.Chance(80));
}

class ComplaintAggregatesTest : public ReportFixture {
 protected:
  void ApplyFrom(size_t from, size_t batch) {
    const std::vector<Event>& events = log_.of(kComplaintSource);
    for (size_t i = from; i < events.size(); i += batch) {
      std::vector<Event> part(
          events.begin() + i,
          events.begin() + std::min(events.size(), i + batch));
      absl::Status s = RunInTransaction(
          server_->pool(), absl::Now() + absl::Seconds(30),
          [&](MysqlConnection& conn) -> absl::Status {
            auto outcome =
                ApplyEvents(conn, kComplaintSource, complaint_handlers_, part);
            return outcome.status();
          });
      ASSERT_TRUE(s.ok()) << s;
    }
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

  // Both breakdowns the day tables serve, both ways, equal.
  void ExpectDaysEqualTables(absl::CivilDay first, absl::CivilDay last,
                             std::vector<std::string> departments = {}) {
    FigureScope scope;
    scope.first = first;
    scope.last = last;
    scope.start = StartOfBusinessDay(first);
    scope.end = StartOfBusinessDay(last + 1);
    scope.departments = std::move(departments);
    ASSERT_TRUE(DayTablesServe(scope, GroupAll()));
    const std::string where = absl::StrCat(
        absl::FormatCivilTime(first), "..", absl::FormatCivilTime(last), " ",
        scope.departments.size(), " departments");
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
          return ExpectStaffEqual(conn, scope, where);
        });
    ASSERT_TRUE(s.ok()) << s;
  }

  void ExpectEveryScopeEqual() {
    using absl::CivilDay;
    for (int m = 10; m <= 14; ++m) {
      const CivilDay first(2026, m, 1);
      const CivilDay last = CivilDay(2026, m + 1, 1) - 1;
      ExpectDaysEqualTables(first, last);
      ExpectDaysEqualTables(first, last, {kDepartments[1]});
      ExpectDaysEqualTables(first, last, {kDepartments[0], kDepartments[2]});
    }
    // Weeks (Mondays) and single days across the months.
    for (CivilDay d(2026, 9, 28); d < CivilDay(2027, 2, 1); d += 7) {
      ExpectDaysEqualTables(d, d + 6);
      ExpectDaysEqualTables(d + 2, d + 2);
    }
    ExpectDaysEqualTables(CivilDay(2026, 10, 15), CivilDay(2026, 12, 15));
    ExpectDaysEqualTables(CivilDay(2026, 10, 1), CivilDay(2026, 12, 31));
    ExpectDaysEqualTables(CivilDay(2026, 11, 3), CivilDay(2026, 11, 29));
    ExpectDaysEqualTables(CivilDay(2026, 10, 31), CivilDay(2027, 1, 1));
    ExpectDaysEqualTables(CivilDay(2026, 1, 1), CivilDay(2027, 12, 31));
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

  // Runs each statement in one transaction; the first column of the last
  // statement's first row (or -1).
  int64_t Sql(const std::vector<std::string>& statements) {
    int64_t value = -1;
    absl::Status s = RunInTransaction(
        server_->pool(), absl::Now() + absl::Seconds(30),
        [&](MysqlConnection& conn) -> absl::Status {
          std::unique_ptr<sql::Statement> st(conn.raw().createStatement());
          for (const std::string& text : statements) {
            if (st->execute(text)) {
              std::unique_ptr<sql::ResultSet> rs(st->getResultSet());
              value = rs->next() ? rs->getInt64(1) : -1;
            }
          }
          return absl::OkStatus();
        });
    EXPECT_TRUE(s.ok()) << s;
    return value;
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

  const size_t applied = log_.of(kComplaintSource).size();
  for (Story& st : stories) SecondPhase(st);
  ASSERT_GT(log_.of(kComplaintSource).size(), applied + 20);
  ASSERT_NO_FATAL_FAILURE(ApplyFrom(applied, 3));
  ASSERT_NO_FATAL_FAILURE(ExpectEveryScopeEqual());
  ASSERT_NO_FATAL_FAILURE(ExpectDayTablesConsistent());

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

}  // namespace
}  // namespace csm::reporting::testing
