// The scheduled snapshots with two reporting-svc replicas on one schema,
// their jobs run at once on a controlled business clock: exactly one
// snapshot and one ReportSnapshotTaken per schedule and period (the unique
// key decides; there is no lock), immutable when later events change the
// live figures; working days from the calendar complaint-svc announced.
#include <latch>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "common/clock.h"
#include "cppconn/resultset.h"
#include "csm/reporting/v1/customer_reports.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reporting-svc/src/store/schedule_store.h"
#include "reporting-svc/src/testing/report_fixture.h"

namespace csm::reporting::testing {
namespace {

using ::testing::ElementsAre;

class SnapshotJobTest : public Week47Fixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(Week47Fixture::SetUp());
    for (auto* replica : {&a_, &b_}) {
      auto started = StartReportingServer(*db_, &verifier_, &clock_);
      ASSERT_TRUE(started.ok()) << started.status();
      *replica = *std::move(started);
    }
  }

  void TearDown() override {
    a_.reset();
    b_.reset();
    ReportFixture::TearDown();
  }

  // Both replicas' jobs at once; the snapshots they stored together.
  int RunBoth() {
    std::latch start(2);
    int taken[2] = {0, 0};
    std::vector<std::thread> threads;
    int i = 0;
    for (ReportingServer* r : {a_.get(), b_.get()}) {
      threads.emplace_back([r, &start, out = &taken[i++]] {
        start.arrive_and_wait();
        absl::StatusOr<int> n = r->snapshot_job().RunOnce();
        EXPECT_TRUE(n.ok()) << n.status();
        *out = n.value_or(0);
      });
    }
    for (std::thread& t : threads) t.join();
    return taken[0] + taken[1];
  }

  // "schedule period" of every stored snapshot, oldest first.
  std::vector<std::string> Stored() {
    auto snapshots = rv1::ReportSnapshotService::NewStub(channel_);
    rv1::ListReportSnapshotsRequest req;
    req.set_order_by("scheduled_time");
    rv1::ListReportSnapshotsResponse list;
    EXPECT_TRUE(
        snapshots->ListReportSnapshots(ManagerContext().get(), req, &list)
            .ok());
    std::vector<std::string> out;
    for (const auto& s : list.report_snapshots()) {
      out.push_back(absl::StrCat(s.schedule(), " ", s.period().label()));
    }
    return out;
  }

  int64_t Announcements() {
    int64_t n = -1;
    absl::Status s = RunWithConnection(
        server_->pool(), absl::Now() + absl::Seconds(5),
        [&](MysqlConnection& conn) -> absl::Status {
          auto& st = conn.Prepare(
              "SELECT COUNT(*) FROM outbox_events WHERE event_type = "
              "'csm.events.v1.ReportSnapshotTaken'");
          std::unique_ptr<sql::ResultSet> rs(st.executeQuery());
          rs->next();
          n = rs->getInt64(1);
          return absl::OkStatus();
        });
    EXPECT_TRUE(s.ok()) << s;
    return n;
  }

  ManualClock clock_{Beijing(2026, 11, 20, 16)};
  std::unique_ptr<ReportingServer> a_;
  std::unique_ptr<ReportingServer> b_;
};

using SchedulesTest = SnapshotJobTest;

// Friday 2026-11-20 16:00: the weekly report of W47 (Friday 15:00), the
// supervision report of October (first working day of November, 11-02
// 09:00) and the ranking of Q3 (first working day of Q4: 10-08 after the
// National Day holiday, 09:00) are due.
TEST_F(SnapshotJobTest, TwoReplicasTakeEachSnapshotOnce) {
  EXPECT_EQ(RunBoth(), 3);
  EXPECT_THAT(Stored(), ElementsAre("reportSchedules/ranking 2026-Q3",
                                    "reportSchedules/supervision 2026-10",
                                    "reportSchedules/weekly 2026-W47"));
  EXPECT_EQ(Announcements(), 3);
  EXPECT_EQ(RunBoth(), 0);
  // Five more Fridays, both replicas at once each time.
  for (int week = 1; week <= 5; ++week) {
    clock_.Set(Beijing(2026, 11, 20, 16) + absl::Hours(24 * 7 * week));
    RunBoth();
  }
  const std::vector<std::string> stored = Stored();
  EXPECT_EQ(std::set<std::string>(stored.begin(), stored.end()).size(),
            stored.size());
  // W48..W52 and November's supervision report (due 12-01 09:00).
  EXPECT_EQ(stored.size(), 9u);
  EXPECT_EQ(Announcements(), 9);
}

TEST_F(SnapshotJobTest, ASnapshotShowsWhatManagementSawThatDay) {
  ASSERT_EQ(RunBoth(), 3);
  // A late registration of W47 arrives after the snapshot.
  ev::ComplaintSnapshot late;
  late.set_name("complaints/3");
  late.set_customer("customers/1");
  late.set_handling_department("客服部");
  late.set_first_responder_id("li.na");
  ToProtoTimestamp(Beijing(2026, 11, 19, 9), late.mutable_register_time());
  ev::ComplaintRegistered reg;
  *reg.mutable_complaint() = late;
  log_.Add(kComplaintSource, Beijing(2026, 11, 19, 9), reg, "li.na", "客服部");
  ASSERT_NO_FATAL_FAILURE(ApplyAll(log_));

  auto snapshots = rv1::ReportSnapshotService::NewStub(channel_);
  rv1::ListReportSnapshotsResponse list;
  ASSERT_TRUE(
      snapshots->ListReportSnapshots(ManagerContext().get(), {}, &list).ok());
  rv1::GetReportSnapshotRequest get;
  for (const auto& s : list.report_snapshots()) {
    if (s.schedule() == "reportSchedules/weekly") get.set_name(s.name());
  }
  rv1::ReportSnapshot weekly;
  ASSERT_TRUE(
      snapshots->GetReportSnapshot(ManagerContext().get(), get, &weekly).ok());
  EXPECT_EQ(weekly.weekly_report().complaints().received(), 2);
  EXPECT_EQ(weekly.period().label(), "2026-W47");

  rv1::GetWeeklyReportRequest live;
  *live.mutable_period() = Week(2026, 47);
  rv1::WeeklyReport now;
  ASSERT_TRUE(
      reports_->GetWeeklyReport(ManagerContext().get(), live, &now).ok());
  EXPECT_EQ(now.complaints().received(), 3);
}

// The customer analysis and the attrition warning, scheduled by an
// archivist, are snapshotted as the live reports showed them that day (the
// warning as of the run's business date), CSV byte for byte; an archive
// created afterwards moves the live figures only.
TEST_F(SnapshotJobTest, CustomerSnapshotsAreTheLiveReportsOfTheirDay) {
  auto stub = rv1::ReportSnapshotService::NewStub(channel_);
  for (rv1::ReportKind kind : {rv1::REPORT_KIND_CUSTOMER_ANALYSIS,
                               rv1::REPORT_KIND_ATTRITION_WARNING}) {
    rv1::CreateReportScheduleRequest create;
    create.set_report_schedule_id(
        kind == rv1::REPORT_KIND_CUSTOMER_ANALYSIS ? "customers" : "risk");
    rv1::ReportSchedule* s = create.mutable_report_schedule();
    s->set_report(kind);
    s->set_frequency(rv1::SCHEDULE_FREQUENCY_WEEKLY);
    s->set_weekday(5);
    s->set_time_of_day("15:30");
    s->set_period(rv1::SCHEDULE_PERIOD_CURRENT);
    s->set_active(true);
    rv1::ReportSchedule out;
    grpc::Status st =
        stub->CreateReportSchedule(Archivist().get(), create, &out);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }
  ASSERT_EQ(RunBoth(), 5);

  // The live reports from a replica on the test's business clock.
  auto live = rv1::CustomerReportService::NewStub(
      grpc::CreateChannel(a_->address(), grpc::InsecureChannelCredentials()));
  rv1::GetCustomerAnalysisRequest analysis_req;
  *analysis_req.mutable_period() = Week(2026, 47);
  analysis_req.set_format(rv1::REPORT_FORMAT_CSV);
  rv1::CustomerAnalysis analysis;
  ASSERT_TRUE(
      live->GetCustomerAnalysis(ManagerContext().get(), analysis_req, &analysis)
          .ok());
  rv1::GetAttritionWarningRequest risk_req;
  risk_req.set_page_size(1000);
  risk_req.set_format(rv1::REPORT_FORMAT_CSV);
  rv1::AttritionWarning risk;
  ASSERT_TRUE(
      live->GetAttritionWarning(ManagerContext().get(), risk_req, &risk).ok());
  ASSERT_GT(risk.archives_at_risk(), 0);

  ev::CustomerCreated created;
  ev::CustomerSnapshot* c = created.mutable_customer();
  c->set_name("customers/3");
  c->set_archive_number("KH-3");
  c->set_grade("GRADE_C");
  c->set_lifecycle_status("LIFECYCLE_STATUS_ACTIVE");
  c->set_state("CUSTOMER_STATE_ACTIVE");
  c->set_owner_id("li.na");
  c->set_team("teams/east");
  c->set_department("客服部");
  ToProtoTimestamp(Beijing(2026, 11, 20, 17), c->mutable_create_time());
  log_.Add(kCustomerSource, Beijing(2026, 11, 20, 17), created, "li.na",
           "客服部");
  ASSERT_NO_FATAL_FAILURE(ApplyAll(log_));

  rv1::ListReportSnapshotsRequest list_req;
  rv1::ListReportSnapshotsResponse list;
  ASSERT_TRUE(
      stub->ListReportSnapshots(ManagerContext().get(), list_req, &list).ok());
  int checked = 0;
  for (const auto& listed : list.report_snapshots()) {
    rv1::GetReportSnapshotRequest get;
    get.set_name(listed.name());
    get.set_format(rv1::REPORT_FORMAT_CSV);
    rv1::ReportSnapshot snap;
    ASSERT_TRUE(
        stub->GetReportSnapshot(ManagerContext().get(), get, &snap).ok());
    if (snap.schedule() == "reportSchedules/customers") {
      EXPECT_EQ(snap.period().label(), "2026-W47");
      EXPECT_EQ(snap.csv().text(), analysis.csv().text());
      rv1::CustomerAnalysis stored = snap.customer_analysis();
      stored.clear_freshness();
      rv1::CustomerAnalysis seen = analysis;
      seen.clear_freshness();
      seen.clear_csv();
      EXPECT_EQ(stored.SerializeAsString(), seen.SerializeAsString());
      ++checked;
    } else if (snap.schedule() == "reportSchedules/risk") {
      EXPECT_EQ(snap.period().label(), "2026-W47");
      EXPECT_EQ(snap.csv().text(), risk.csv().text());
      const rv1::AttritionWarning& stored = snap.attrition_warning();
      EXPECT_EQ(stored.as_of().day(), 20);
      EXPECT_EQ(stored.archives_at_risk(), risk.archives_at_risk());
      EXPECT_EQ(stored.archives_size(), risk.archives_size());
      EXPECT_TRUE(stored.next_page_token().empty());
      ++checked;
    }
  }
  EXPECT_EQ(checked, 2);

  rv1::CustomerAnalysis now;
  analysis_req.clear_format();
  ASSERT_TRUE(
      live->GetCustomerAnalysis(ManagerContext().get(), analysis_req, &now)
          .ok());
  EXPECT_EQ(now.total().opened(), analysis.total().opened() + 1);
}

// With a calendar announced that makes 2026-12-01 (a Tuesday) a holiday,
// December's supervision report waits for Wednesday 12-02 09:00.
TEST_F(SnapshotJobTest, WorkingDaysFollowTheAnnouncedCalendar) {
  ev::BusinessCalendarChanged calendar;
  calendar.set_calendar("calendars/china");
  calendar.set_working_hours("09:00-12:00,13:30-17:30");
  ev::CalendarExceptionDay* day = calendar.add_exceptions();
  day->mutable_date()->set_year(2026);
  day->mutable_date()->set_month(12);
  day->mutable_date()->set_day(1);
  day->set_holiday(true);
  log_.Add(kComplaintSource, Beijing(2026, 11, 25, 9), calendar);
  ASSERT_NO_FATAL_FAILURE(ApplyAll(log_));
  ASSERT_EQ(RunBoth(), 3);

  // Only the weekly report of W48 (Friday 11-27) is due on the holiday.
  clock_.Set(Beijing(2026, 12, 1, 10));
  EXPECT_EQ(RunBoth(), 1);
  EXPECT_EQ(Stored().back(), "reportSchedules/weekly 2026-W48");
  clock_.Set(Beijing(2026, 12, 2, 9, 1));
  EXPECT_EQ(RunBoth(), 1);
  EXPECT_EQ(Stored().back(), "reportSchedules/supervision 2026-11");
}

// A supervision report filtered by staff id is refused when it is computed
// (the report is per department): that schedule, stored before schedules'
// filters were checked against their report, fails at every run; the
// others are taken all the same.
TEST_F(SchedulesTest, AFailingScheduleDoesNotHoldTheOthersBack) {
  rv1::ReportSchedule bad;
  rv1::ReportSchedule* s = &bad;
  s->set_report(rv1::REPORT_KIND_SUPERVISION);
  s->set_frequency(rv1::SCHEDULE_FREQUENCY_WEEKLY);
  s->set_weekday(5);
  s->set_time_of_day("09:00");
  s->set_period(rv1::SCHEDULE_PERIOD_CURRENT);
  s->mutable_filter()->add_staff_ids("li.na");
  s->set_active(true);
  absl::Status stored = RunInTransaction(
      a_->pool(), absl::Now() + absl::Seconds(10), [&](MysqlConnection& conn) {
        return InsertSchedule(conn, "aaa-by-staff", bad, absl::Now());
      });
  ASSERT_TRUE(stored.ok()) << stored;
  absl::StatusOr<int> run = a_->snapshot_job().RunOnce();
  EXPECT_EQ(run.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Stored().size(), 3u);
}

TEST_F(SchedulesTest, SchedulesAreDataArchivistsChange) {
  auto stub = rv1::ReportSnapshotService::NewStub(channel_);
  rv1::ListReportSchedulesResponse list;
  ASSERT_TRUE(
      stub->ListReportSchedules(ManagerContext().get(), {}, &list).ok());
  ASSERT_EQ(list.report_schedules_size(), 3);
  const rv1::ReportSchedule& weekly = list.report_schedules(2);
  EXPECT_EQ(weekly.name(), "reportSchedules/weekly");
  EXPECT_EQ(weekly.frequency(), rv1::SCHEDULE_FREQUENCY_WEEKLY);
  EXPECT_EQ(weekly.weekday(), 5);
  EXPECT_EQ(weekly.time_of_day(), "15:00");
  EXPECT_TRUE(weekly.has_next_run_time());
  EXPECT_EQ(weekly.etag(), "1");

  rv1::CreateReportScheduleRequest create;
  create.set_report_schedule_id("cs-monday");
  rv1::ReportSchedule* s = create.mutable_report_schedule();
  s->set_display_name("客服部周一");
  s->set_report(rv1::REPORT_KIND_COMPLAINT_LEDGER);
  s->set_frequency(rv1::SCHEDULE_FREQUENCY_WEEKLY);
  s->set_weekday(8);
  s->set_time_of_day("25:00");
  s->set_period(rv1::SCHEDULE_PERIOD_PREVIOUS);
  s->mutable_filter()->add_departments("无此部门");
  s->set_active(true);
  rv1::ReportSchedule out;
  grpc::Status st = stub->CreateReportSchedule(Archivist().get(), create, &out);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  std::set<std::string> fields;
  for (const auto& v : Violations(st)) fields.insert(v.first);
  EXPECT_EQ(fields, (std::set<std::string>{
                        "report_schedule.weekday",
                        "report_schedule.time_of_day", "report_schedule.report",
                        "report_schedule.filter.departments[0]"}));

  s->set_report(rv1::REPORT_KIND_WEEKLY);
  s->set_weekday(1);
  s->set_time_of_day("09:00");
  s->mutable_filter()->set_departments(0, "客服部");
  EXPECT_EQ(stub->CreateReportSchedule(ManagerContext().get(), create, &out)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(stub->CreateReportSchedule(Archivist().get(), create, &out).ok());
  EXPECT_EQ(out.name(), "reportSchedules/cs-monday");
  EXPECT_EQ(
      stub->CreateReportSchedule(Archivist().get(), create, &out).error_code(),
      grpc::StatusCode::ALREADY_EXISTS);

  rv1::UpdateReportScheduleRequest update;
  *update.mutable_report_schedule() = out;
  update.mutable_report_schedule()->set_time_of_day("10:30");
  update.mutable_update_mask()->add_paths("time_of_day");
  rv1::ReportSchedule changed;
  ASSERT_TRUE(
      stub->UpdateReportSchedule(Archivist().get(), update, &changed).ok());
  EXPECT_EQ(changed.time_of_day(), "10:30");
  EXPECT_EQ(changed.etag(), "2");
  // The etag "1" is stale now; `report` cannot change.
  EXPECT_EQ(stub->UpdateReportSchedule(Archivist().get(), update, &changed)
                .error_code(),
            grpc::StatusCode::ABORTED);
  update.mutable_update_mask()->set_paths(0, "report");
  EXPECT_EQ(stub->UpdateReportSchedule(Archivist().get(), update, &changed)
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  // Monday 2026-11-23 10:30 covers the week before, for 客服部 only.
  clock_.Set(Beijing(2026, 11, 23, 11));
  EXPECT_EQ(RunBoth(), 4);
  EXPECT_EQ(Stored().back(), "reportSchedules/cs-monday 2026-W47");
}

}  // namespace
}  // namespace csm::reporting::testing
