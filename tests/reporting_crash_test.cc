// All three services as the binaries of the build, each its own process on
// its own database, one test business clock (--test_clock_file) for all.
// A scripted week (tests/reporting_scenario.h) goes through customer-svc
// and complaint-svc while two reporting-svc follow them: `reporting`, which
// is SIGKILLed while it consumes (live, and again while it catches up on a
// backlog), and `twin`, never killed. Each source is SIGKILLed right after
// a burst of writes while both follow it (events committed, perhaps not yet
// numbered or streamed) and restarted on the same schema and port. Once
// both have read both sources to their heads, every report of both is the
// same, the hand-counted figures hold (every event once), and
// `reporting-svc --rebuild` leaves every figure and report table as it was.
// A second test runs two reporting-svc replicas on one schema: each
// scheduled snapshot is taken once.
#include <signal.h>

#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/business_time.h"
#include "csm/reporting/v1/complaint_reports.grpc.pb.h"
#include "csm/reporting/v1/customer_reports.grpc.pb.h"
#include "csm/reporting/v1/report_config.grpc.pb.h"
#include "csm/reporting/v1/reports.grpc.pb.h"
#include "csm/reporting/v1/snapshots.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reporting-svc/src/testing/report_fixture.h"
#include "tests/reporting_scenario.h"
#include "tests/testing/csm_processes.h"

namespace csm::testing {
namespace {

namespace rv1 = ::csm::reporting::v1;
using reporting::testing::Month;
using reporting::testing::Week;

constexpr int kArchives = 60;
constexpr int kComplaints = 90;
constexpr char kCustomerSource[] = "customer-svc";
constexpr char kComplaintSource[] = "complaint-svc";

absl::Time Beijing(int y, int m, int d, int h) {
  return absl::FromCivil(absl::CivilHour(y, m, d, h), BusinessTimeZone());
}

std::unique_ptr<grpc::ClientContext> Manager() {
  return StaffContext("gm.zhou", {Role::kGeneralManager}, "总经办");
}

class ReportingProcessesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    clock_.Set(Beijing(2026, 11, 16, 9));  // Monday of 2026-W47
    customers_ = Make("customer-svc", CSM_CUSTOMER_SVC_BIN,
                      {"--visit_sweep_interval_seconds=0"});
    complaints_ = Make("complaint-svc", CSM_COMPLAINT_SVC_BIN,
                       {"--customer_address=" + customers_->address(),
                        "--escalation_sweep_interval_seconds=0"});
    ASSERT_NO_FATAL_FAILURE(customers_->Start());
    ASSERT_NO_FATAL_FAILURE(complaints_->Start());
  }

  void TearDown() override {
    for (const auto& p : all_) {
      if (HasFailure()) {
        std::cerr << "---- " << p->name() << " (last lines)\n"
                  << p->process().LogTail() << "\n";
      }
      p->Kill();
    }
  }

  CsmProcess* Make(const std::string& name, const std::string& binary,
                   std::vector<std::string> flags,
                   const TestDatabase* shared_db = nullptr) {
    all_.push_back(std::make_unique<CsmProcess>(
        name, binary, dir_.path(), clock_, std::move(flags), shared_db));
    return all_.back().get();
  }

  std::vector<std::string> FollowFlags() const {
    return {"--customer_address=" + customers_->address(),
            "--complaint_address=" + complaints_->address()};
  }

  CsmProcess* MakeReporting(const std::string& name, int snapshot_seconds,
                            const TestDatabase* shared_db = nullptr) {
    std::vector<std::string> flags = FollowFlags();
    flags.push_back(
        absl::StrCat("--snapshot_interval_seconds=", snapshot_seconds));
    return Make(name, CSM_REPORTING_SVC_BIN, flags, shared_db);
  }

  // The last sequence `reporting` applied from `source` (-1: no answer).
  static int64_t Applied(CsmProcess& reporting, const std::string& source) {
    rv1::Freshness f;
    auto stub = rv1::ReportConfigService::NewStub(reporting.channel());
    if (!stub->GetFreshness(Manager().get(), {}, &f).ok()) return -1;
    for (const rv1::SourceFreshness& s : f.sources()) {
      EXPECT_FALSE(s.stopped()) << s.source() << ": " << s.stop_reason();
      if (s.source() == source) return s.last_applied_sequence();
    }
    return -1;
  }

  // Until `reporting` has applied both sources up to their heads.
  void WaitCaughtUp(CsmProcess& reporting) {
    ASSERT_TRUE(WaitUntil([&] {
      const int64_t customer_head = customers_->Head();
      const int64_t complaint_head = complaints_->Head();
      return customer_head > 0 && complaint_head > 0 &&
             Applied(reporting, kCustomerSource) == customer_head &&
             Applied(reporting, kComplaintSource) == complaint_head;
    })) << reporting.name()
        << " did not catch up";
  }

  // Until `reporting` has applied at least `n` events of `source`: it is
  // following that source.
  void WaitFollowing(CsmProcess& reporting, const std::string& source,
                     int64_t n) {
    ASSERT_TRUE(WaitUntil([&] { return Applied(reporting, source) >= n; }))
        << reporting.name() << " does not follow " << source;
  }

  ScratchDir dir_;
  TestClockFile clock_{dir_.path() + "/business-clock"};
  std::vector<std::unique_ptr<CsmProcess>> all_;
  CsmProcess* customers_ = nullptr;
  CsmProcess* complaints_ = nullptr;
};

// ------------------------------------------------------------ the reports

template <typename Message>
std::string Figures(const Message& m) {
  Message copy = m;
  // When it was computed and applied: wall-clock facts, not figures.
  copy.clear_freshness();
  return copy.Utf8DebugString();
}

// Every report of the scenario's week, month and quarter (CSV included),
// as text by report name, and the two the test checks by hand.
struct ReportSet {
  std::map<std::string, std::string> text;
  rv1::WeeklyReport weekly;
  rv1::ListComplaintLedgerResponse ledger;
};

template <typename Stub, typename Req, typename Resp>
void Fetch(const std::string& name, Stub& stub,
           grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&,
                                        Resp*),
           Req req, ReportSet* out, Resp* resp) {
  req.set_format(rv1::REPORT_FORMAT_CSV);
  const grpc::Status s = (stub.*method)(Manager().get(), req, resp);
  EXPECT_TRUE(s.ok()) << name << ": " << s.error_message();
  out->text[name] = Figures(*resp);
}

ReportSet AllReports(CsmProcess& reporting) {
  ReportSet out;
  auto reports = rv1::ReportService::NewStub(reporting.channel());
  auto complaints = rv1::ComplaintReportService::NewStub(reporting.channel());
  auto customers = rv1::CustomerReportService::NewStub(reporting.channel());
  rv1::Period quarter;
  quarter.set_kind(rv1::PERIOD_KIND_QUARTER);
  quarter.set_year(2026);
  quarter.set_number(4);

  rv1::GetWeeklyReportRequest weekly;
  *weekly.mutable_period() = Week(2026, 47);
  Fetch("weekly", *reports, &rv1::ReportService::Stub::GetWeeklyReport, weekly,
        &out, &out.weekly);
  rv1::GetSupervisionReportRequest supervision;
  *supervision.mutable_period() = Month(2026, 11);
  rv1::SupervisionReport sup;
  Fetch("supervision", *reports,
        &rv1::ReportService::Stub::GetSupervisionReport, supervision, &out,
        &sup);
  rv1::GetStaffRankingRequest ranking;
  *ranking.mutable_period() = quarter;
  rv1::StaffRanking rank;
  Fetch("ranking", *reports, &rv1::ReportService::Stub::GetStaffRanking,
        ranking, &out, &rank);

  using CS = rv1::ComplaintReportService::Stub;
  rv1::GetComplaintAnalysisRequest analysis;
  *analysis.mutable_period() = Week(2026, 47);
  rv1::ComplaintAnalysis ca;
  Fetch("complaint analysis", *complaints, &CS::GetComplaintAnalysis, analysis,
        &out, &ca);
  rv1::GetSlaAccountabilityRequest sla;
  *sla.mutable_period() = Week(2026, 47);
  rv1::SlaAccountability acc;
  Fetch("sla", *complaints, &CS::GetSlaAccountability, sla, &out, &acc);
  rv1::GetSatisfactionReportRequest satisfaction;
  *satisfaction.mutable_period() = Week(2026, 47);
  rv1::SatisfactionReport sat;
  Fetch("satisfaction", *complaints, &CS::GetSatisfactionReport, satisfaction,
        &out, &sat);
  rv1::ListComplaintLedgerRequest ledger;
  *ledger.mutable_period() = Week(2026, 47);
  ledger.set_page_size(500);
  Fetch("ledger", *complaints, &CS::ListComplaintLedger, ledger, &out,
        &out.ledger);

  using US = rv1::CustomerReportService::Stub;
  rv1::GetCustomerAnalysisRequest customer;
  *customer.mutable_period() = Month(2026, 11);
  rv1::CustomerAnalysis cust;
  Fetch("customer analysis", *customers, &US::GetCustomerAnalysis, customer,
        &out, &cust);
  rv1::GetReturnVisitReportRequest visits;
  *visits.mutable_period() = Week(2026, 47);
  rv1::ReturnVisitReport rv;
  Fetch("return visits", *customers, &US::GetReturnVisitReport, visits, &out,
        &rv);
  rv1::GetAttritionWarningRequest attrition;
  attrition.set_page_size(500);
  rv1::AttritionWarning aw;
  Fetch("attrition", *customers, &US::GetAttritionWarning, attrition, &out,
        &aw);
  return out;
}

// reporting-svc --rebuild on `reporting`'s schema: exit 0.
void Rebuild(CsmProcess& reporting) {
  std::string output;
  std::vector<std::string> args = reporting.process().args();
  args.push_back("--rebuild");
  const int rc = RunToExit(CSM_REPORTING_SVC_BIN, args, &output);
  ASSERT_EQ(rc, 0) << output;
  EXPECT_TRUE(absl::StrContains(output, "REBUILD_STATE_SUCCEEDED")) << output;
}

std::string Tables(CsmProcess& reporting) {
  auto pool = MysqlPool::Create(reporting.db().options());
  EXPECT_TRUE(pool.ok()) << pool.status();
  return pool.ok() ? reporting::testing::DumpReportTables(**pool) : "";
}

using ReportingCrashTest = ReportingProcessesTest;

TEST_F(ReportingCrashTest, KilledMidStreamFiguresEqualAnUninterruptedRun) {
  auto reporting = MakeReporting("reporting-svc", 0);
  auto twin = MakeReporting("reporting-svc-twin", 0);
  ASSERT_NO_FATAL_FAILURE(reporting->Start());
  ASSERT_NO_FATAL_FAILURE(twin->Start());
  ServiceWeek week(customers_, complaints_, &clock_);
  week.CreateTeam();
  week.CreateArchives(1, 30);
  ASSERT_NO_FATAL_FAILURE(WaitFollowing(*reporting, kCustomerSource, 10));
  ASSERT_NO_FATAL_FAILURE(WaitFollowing(*twin, kCustomerSource, 10));
  // (a) customer-svc killed right after a burst both are following.
  week.CreateArchives(31, 40);
  ASSERT_NO_FATAL_FAILURE(customers_->Restart());
  week.CreateArchives(41, kArchives);

  week.HandleComplaints(1, 20);
  ASSERT_NO_FATAL_FAILURE(WaitFollowing(*reporting, kComplaintSource, 30));
  ASSERT_NO_FATAL_FAILURE(WaitFollowing(*twin, kComplaintSource, 30));
  // (a) complaint-svc likewise.
  week.HandleComplaints(21, 30);
  ASSERT_NO_FATAL_FAILURE(complaints_->Restart());
  week.HandleComplaints(31, 45);
  // (b) reporting-svc killed while it follows live, then a backlog while it
  // is down, and killed again as soon as it serves (catching up on it).
  reporting->Kill();
  week.HandleComplaints(46, 70);
  ASSERT_NO_FATAL_FAILURE(reporting->Start());
  reporting->Kill();
  ASSERT_NO_FATAL_FAILURE(reporting->Start());
  week.HandleComplaints(71, kComplaints);
  ASSERT_FALSE(HasFailure()) << "the scenario did not run through";

  ASSERT_NO_FATAL_FAILURE(WaitCaughtUp(*reporting));
  ASSERT_NO_FATAL_FAILURE(WaitCaughtUp(*twin));
  const ReportSet live = AllReports(*reporting);
  const ReportSet uninterrupted = AllReports(*twin);
  for (const auto& [name, text] : uninterrupted.text) {
    EXPECT_EQ(live.text.at(name), text) << name;
  }

  // By hand: every event once.
  const ServiceWeek::Counts& n = week.counts();
  ASSERT_EQ(n.received, kComplaints);
  ASSERT_EQ(n.archives, kArchives);
  const rv1::ComplaintFigures& c = live.weekly.complaints();
  EXPECT_EQ(c.received(), n.received);
  EXPECT_EQ(c.accepted(), n.accepted);
  EXPECT_EQ(c.resolved(), n.resolved);
  EXPECT_EQ(c.closed(), n.closed);
  EXPECT_EQ(c.reopened(), n.reopened);
  EXPECT_EQ(live.weekly.archives().opened(), n.archives);
  EXPECT_EQ(live.ledger.total_size(), n.received);
  EXPECT_EQ(live.ledger.csv().row_count(), n.received);

  // rebuild equals live: the figures and every report table.
  const std::string tables = Tables(*reporting);
  ASSERT_NO_FATAL_FAILURE(Rebuild(*reporting));
  const ReportSet rebuilt = AllReports(*reporting);
  for (const auto& [name, text] : live.text) {
    EXPECT_EQ(rebuilt.text.at(name), text) << name;
  }
  EXPECT_EQ(Tables(*reporting), tables);
}

// "schedule period" of every snapshot `reporting` lists, oldest first.
std::vector<std::string> Snapshots(CsmProcess& reporting) {
  auto stub = rv1::ReportSnapshotService::NewStub(reporting.channel());
  rv1::ListReportSnapshotsRequest req;
  req.set_order_by("scheduled_time");
  req.set_page_size(100);
  rv1::ListReportSnapshotsResponse list;
  const grpc::Status s = stub->ListReportSnapshots(Manager().get(), req, &list);
  EXPECT_TRUE(s.ok()) << s.error_message();
  std::vector<std::string> out;
  for (const auto& snap : list.report_snapshots()) {
    out.push_back(absl::StrCat(snap.schedule(), " ", snap.period().label()));
  }
  return out;
}

using ReportingReplicasTest = ReportingProcessesTest;

// Two reporting-svc processes on one schema, each following both sources
// and running its snapshot job every second. Friday 2026-11-20 16:00: the
// weekly report of W47, the supervision report of October and the ranking
// of Q3 are due; then four more Fridays (W48..W51; November's supervision
// report falls due on Tuesday 12-01). Both processes are paused (SIGSTOP)
// while the clock moves and resumed together, so their jobs race for each
// period; each snapshot must be taken and announced once.
TEST_F(ReportingReplicasTest, TwoProcessesTakeEachScheduledSnapshotOnce) {
  ServiceWeek week(customers_, complaints_, &clock_);
  week.CreateTeam();
  week.CreateArchives(1, 4);
  week.HandleComplaints(1, 8);
  ASSERT_FALSE(HasFailure());
  const absl::Time friday = Beijing(2026, 11, 20, 16);
  clock_.Set(friday);
  CsmProcess* a = MakeReporting("reporting-svc-a", 1);
  CsmProcess* b = MakeReporting("reporting-svc-b", 1, &a->db());
  ASSERT_NO_FATAL_FAILURE(a->Start());
  ASSERT_NO_FATAL_FAILURE(b->Start());
  size_t expected = 3;
  for (int w = 0; w <= 4; ++w) {
    if (w > 0) {
      a->process().Signal(SIGSTOP);
      b->process().Signal(SIGSTOP);
      clock_.Set(friday + absl::Hours(24 * 7 * w));
      a->process().Signal(SIGCONT);
      b->process().Signal(SIGCONT);
      expected += w == 2 ? 2 : 1;  // W49 with November's supervision
    }
    ASSERT_TRUE(WaitUntil([&] { return Snapshots(*a).size() >= expected; }))
        << "week " << w << ": " << ::testing::PrintToString(Snapshots(*a));
    // Both jobs run at least once more at this time (a duplicate would
    // show); waiting less only makes the check weaker, never flaky.
    absl::SleepFor(absl::Seconds(2));
  }
  const std::vector<std::string> stored = Snapshots(*b);
  EXPECT_THAT(stored,
              ::testing::ElementsAre("reportSchedules/ranking 2026-Q3",
                                     "reportSchedules/supervision 2026-10",
                                     "reportSchedules/weekly 2026-W47",
                                     "reportSchedules/weekly 2026-W48",
                                     "reportSchedules/supervision 2026-11",
                                     "reportSchedules/weekly 2026-W49",
                                     "reportSchedules/weekly 2026-W50",
                                     "reportSchedules/weekly 2026-W51"));
  EXPECT_EQ(a->QueryInt("SELECT COUNT(*) FROM outbox_events WHERE event_type "
                        "= 'csm.events.v1.ReportSnapshotTaken'"),
            static_cast<int64_t>(stored.size()));
}

}  // namespace
}  // namespace csm::testing
