// The reports of week 2026-W47 beyond their figures (those:
// report_figures_test.cc): immutable snapshots, an empty period, the
// freshness block, bad input and who may read what, and the rebuild, which
// must give identical tables and figures.
#include <cstring>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/str_format.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "reporting-svc/src/app/report_figures_test_fixture.h"
#include "reporting-svc/src/store/snapshot_store.h"
#include "reporting-svc/src/testing/report_fixture.h"

namespace csm::reporting::testing {
namespace {

TEST_F(ReportFiguresTest, SnapshotsAreImmutableAndOnePerSchedulePeriod) {
  rv1::ReportSnapshot snap;
  snap.set_schedule("reportSchedules/weekly");
  snap.set_report(rv1::REPORT_KIND_WEEKLY);
  *snap.mutable_weekly_report() = Weekly();
  *snap.mutable_period() = snap.weekly_report().period();
  ToProtoTimestamp(Beijing(2026, 11, 20, 15), snap.mutable_scheduled_time());
  absl::StatusOr<int64_t> id = absl::UnknownError("");
  absl::Status again;
  ASSERT_TRUE(RunInTransaction(server_->pool(), absl::Now() + absl::Seconds(5),
                               [&](MysqlConnection& c) {
                                 id = InsertSnapshot(c, snap);
                                 return id.status();
                               })
                  .ok());
  again = RunInTransaction(
      server_->pool(), absl::Now() + absl::Seconds(5),
      [&](MysqlConnection& c) { return InsertSnapshot(c, snap).status(); });
  EXPECT_EQ(again.code(), absl::StatusCode::kAlreadyExists);

  rv1::ListReportSnapshotsResponse list;
  ASSERT_TRUE(config_ != nullptr);
  auto snapshots = rv1::ReportSnapshotService::NewStub(channel_);
  ASSERT_TRUE(
      snapshots->ListReportSnapshots(ManagerContext().get(), {}, &list).ok());
  ASSERT_EQ(list.report_snapshots_size(), 1);
  EXPECT_EQ(list.report_snapshots(0).name(),
            absl::StrCat("reportSnapshots/", *id));
  EXPECT_FALSE(list.report_snapshots(0).has_weekly_report());  // no content
  // A supervisor reads only snapshots of their department: not this one.
  ASSERT_TRUE(snapshots
                  ->ListReportSnapshots(
                      Context("sun.qi", {Role::kSupervisor}, kWarehouse).get(),
                      {}, &list)
                  .ok());
  EXPECT_EQ(list.report_snapshots_size(), 0);

  rv1::GetReportSnapshotRequest get;
  get.set_name(absl::StrCat("reportSnapshots/", *id));
  get.set_format(rv1::REPORT_FORMAT_CSV);
  rv1::ReportSnapshot got;
  ASSERT_TRUE(
      snapshots->GetReportSnapshot(ManagerContext().get(), get, &got).ok());
  EXPECT_EQ(got.weekly_report().complaints().received(), 2);
  EXPECT_EQ(got.csv().filename(), "weekly-report-2026-W47.csv");
  EXPECT_EQ(got.csv().text(), WeeklyCsv(snap.weekly_report()).text());
  get.set_name("reportSnapshots/999");
  EXPECT_EQ(snapshots->GetReportSnapshot(ManagerContext().get(), get, &got)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(ReportFiguresTest, EmptyPeriodIsZerosAndNoData) {
  rv1::GetWeeklyReportRequest req;
  *req.mutable_period() = Week(2026, 40);
  rv1::WeeklyReport w;
  ASSERT_TRUE(reports_->GetWeeklyReport(ManagerContext().get(), req, &w).ok());
  EXPECT_EQ(w.complaints().received(), 0);
  EXPECT_EQ(R(w.complaints().handling_on_time()), "no data");
  EXPECT_EQ(S(w.complaints().handling_time()), "no data");
  EXPECT_EQ(R(w.visits().visit_rate()), "no data");
  EXPECT_EQ(R(w.promises().kept_rate()), "no data");
  EXPECT_EQ(w.feedback_size(), 0);
}

TEST_F(ReportFiguresTest, EveryResponseSaysHowFreshItIs) {
  const rv1::Freshness f = Weekly().freshness();
  ASSERT_EQ(f.sources_size(), 2);
  EXPECT_EQ(f.sources(0).source(), "customer-svc");
  EXPECT_EQ(f.sources(0).last_applied_sequence(), log_.last(kCustomerSource));
  EXPECT_EQ(FromProtoTimestamp(f.sources(0).last_event_time()),
            Beijing(2026, 11, 21, 0, 6));
  EXPECT_EQ(f.sources(1).source(), "complaint-svc");
  EXPECT_EQ(f.sources(1).last_applied_sequence(), log_.last(kComplaintSource));
  EXPECT_FALSE(f.sources(1).stopped());

  rv1::Freshness direct;
  ASSERT_TRUE(config_->GetFreshness(ManagerContext().get(), {}, &direct).ok());
  EXPECT_EQ(direct.sources(1).last_applied_sequence(),
            f.sources(1).last_applied_sequence());
}

TEST_F(ReportFiguresTest, BadInputIsInvalidArgumentWithFieldViolations) {
  struct Case {
    rv1::Period period;
    rv1::ReportFilter filter;
    std::string field;
  };
  std::vector<Case> cases;
  cases.push_back({Week(2026, 47), {}, "filter.departments[0]"});
  cases.back().filter.add_departments("客 服部");  // a typo: never seen
  rv1::Period inverted;
  inverted.set_kind(rv1::PERIOD_KIND_CUSTOM);
  inverted.mutable_start_date()->set_year(2026);
  inverted.mutable_start_date()->set_month(11);
  inverted.mutable_start_date()->set_day(20);
  *inverted.mutable_end_date() = inverted.start_date();
  inverted.mutable_end_date()->set_day(10);
  cases.push_back({inverted, {}, "period.end_date"});
  rv1::Period long_range = inverted;
  long_range.mutable_end_date()->set_year(2029);
  long_range.mutable_end_date()->set_day(20);
  cases.push_back({long_range, {}, "period.end_date"});
  cases.push_back({Week(2026, 54), {}, "period.number"});
  rv1::Period no_kind;
  cases.push_back({no_kind, {}, "period.kind"});
  for (const Case& c : cases) {
    rv1::GetWeeklyReportRequest req;
    *req.mutable_period() = c.period;
    *req.mutable_filter() = c.filter;
    rv1::WeeklyReport out;
    grpc::Status s =
        reports_->GetWeeklyReport(ManagerContext().get(), req, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << c.field << ": " << s.error_message();
    std::vector<std::string> fields;
    for (const auto& [field, description] : Violations(s)) {
      fields.push_back(field);
    }
    EXPECT_THAT(fields, ::testing::Contains(c.field)) << s.error_message();
  }
  // The supervision report is per department: no staff filter.
  rv1::GetSupervisionReportRequest sup;
  *sup.mutable_period() = Month(2026, 11);
  sup.mutable_filter()->add_staff_ids("li.na");
  rv1::SupervisionReport out;
  grpc::Status s =
      reports_->GetSupervisionReport(ManagerContext().get(), sup, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(ReportFiguresTest, SupervisorsReadTheirOwnDepartment) {
  rv1::SupervisionReport own =
      Supervision(Context("sun.qi", {Role::kSupervisor}, kWarehouse));
  EXPECT_THAT(own.applied_filter().departments(), ElementsAre(kWarehouse));
  ASSERT_EQ(own.departments_size(), 1);
  EXPECT_EQ(own.departments(0).department(), kWarehouse);
  EXPECT_EQ(own.total().complaints_resolved(), 1);

  rv1::GetSupervisionReportRequest req;
  *req.mutable_period() = Month(2026, 11);
  req.mutable_filter()->add_departments(kCs);
  rv1::SupervisionReport other;
  grpc::Status s = reports_->GetSupervisionReport(
      Context("sun.qi", {Role::kSupervisor}, kWarehouse).get(), req, &other);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  // Agents read their own figures, never the department's report.
  s = reports_->GetSupervisionReport(
      Context("li.na", {Role::kAgent}, kCs).get(), req, &other);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  rv1::GetWeeklyReportRequest weekly;
  *weekly.mutable_period() = Week(2026, 47);
  rv1::WeeklyReport mine;
  ASSERT_TRUE(reports_
                  ->GetWeeklyReport(Context("li.na", {Role::kAgent}, kCs).get(),
                                    weekly, &mine)
                  .ok());
  EXPECT_THAT(mine.applied_filter().staff_ids(), ElementsAre("li.na"));
  EXPECT_EQ(mine.complaints().received(), 1);  // li.na first responded to 1
}

TEST_F(ReportFiguresTest, RebuildGivesIdenticalTablesAndFigures) {
  const std::string live = DumpTables();
  // The pre-aggregated day tables are compared too, and hold rows.
  for (const char* table : {"complaint_contributions", "complaint_day_counts",
                            "complaint_day_minutes", "complaint_staff_days",
                            "complaint_staff_months"}) {
    const size_t at = live.find(absl::StrCat("== ", table, "\n"));
    ASSERT_NE(at, std::string::npos) << table;
    EXPECT_NE(live.substr(at + std::strlen(table) + 4, 2), "==") << table;
  }
  const rv1::WeeklyReport before = Weekly();
  const rv1::SupervisionReport supervision_before = Supervision();
  std::vector<ReplaySource> sources;
  for (const char* source : {kCustomerSource, kComplaintSource}) {
    ReplaySource r;
    r.source = source;
    r.handlers = std::string(source) == kComplaintSource ? &complaint_handlers_
                                                         : &customer_handlers_;
    r.replay = [this, source](int64_t upto, const auto& apply) {
      for (const Event& e : log_.of(source)) {
        if (e.sequence() > upto) break;
        if (absl::Status s = apply(e); !s.ok()) return s;
      }
      return absl::OkStatus();
    };
    sources.push_back(std::move(r));
  }
  ReportRebuild rebuild(&server_->pool(), std::move(sources));
  auto done = rebuild.RunNow("archivist.qian");
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->state(), rv1::REBUILD_STATE_SUCCEEDED) << done->error();
  ASSERT_EQ(done->sources_size(), 2);
  EXPECT_EQ(done->sources(1).applied_sequence(), log_.last(kComplaintSource));
  EXPECT_EQ(DumpTables(), live);
  rv1::WeeklyReport after = Weekly();
  after.mutable_freshness()->clear_compute_time();
  rv1::WeeklyReport expected = before;
  expected.mutable_freshness()->clear_compute_time();
  EXPECT_EQ(after.SerializeAsString(), expected.SerializeAsString());
  // The supervision report reads the day tables: rebuilt equals live.
  rv1::SupervisionReport supervision_after = Supervision();
  supervision_after.mutable_freshness()->clear_compute_time();
  rv1::SupervisionReport supervision_expected = supervision_before;
  supervision_expected.mutable_freshness()->clear_compute_time();
  EXPECT_EQ(supervision_after.SerializeAsString(),
            supervision_expected.SerializeAsString());
  EXPECT_EQ(supervision_after.total().complaints_received(), 2);
}

// MySQL's named locks are server-wide: a rebuild running in another
// reporting schema on the same server (another deployment, a test in
// parallel) must not make this one FAILED_PRECONDITION.
TEST_F(ReportFiguresTest, ARebuildInAnotherSchemaDoesNotBlockThisOne) {
  auto other_db = ::csm::testing::TestDatabase::Create();
  ASSERT_TRUE(other_db.ok()) << other_db.status();
  auto other = StartReportingServer(**other_db, &verifier_);
  ASSERT_TRUE(other.ok()) << other.status();
  absl::Notification replaying, release;
  ReplaySource held;
  held.source = kCustomerSource;
  held.handlers = &customer_handlers_;
  held.replay = [&](int64_t, const auto&) {
    replaying.Notify();
    release.WaitForNotification();
    return absl::OkStatus();
  };
  ReportRebuild other_rebuild(&(*other)->pool(), {held});
  std::thread running([&] { (void)other_rebuild.RunNow("archivist.qian"); });
  replaying.WaitForNotification();

  ReportRebuild rebuild(&server_->pool(), {});
  auto done = rebuild.RunNow("archivist.qian");
  release.Notify();
  running.join();
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->state(), rv1::REBUILD_STATE_SUCCEEDED) << done->error();
}

TEST_F(ReportFiguresTest,
       RebuildOfAChangedSourceHistoryFailsAndChangesNothing) {
  const std::string live = DumpTables();
  ReplaySource r;
  r.source = kComplaintSource;
  r.handlers = &complaint_handlers_;
  r.replay = [this](int64_t upto, const auto& apply) {
    for (Event e : log_.of(kComplaintSource)) {
      if (e.sequence() > upto) break;
      e.set_event_id(absl::StrCat("restored-", e.sequence()));
      if (absl::Status s = apply(e); !s.ok()) return s;
    }
    return absl::OkStatus();
  };
  std::vector<ReplaySource> sources;
  sources.push_back(std::move(r));
  ReportRebuild rebuild(&server_->pool(), std::move(sources));
  auto done = rebuild.RunNow("archivist.qian");
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->state(), rv1::REBUILD_STATE_FAILED);
  EXPECT_THAT(done->error(), HasSubstr("history changed"));
  EXPECT_EQ(DumpTables(), live);
}

TEST_F(ReportFiguresTest, RebuildIsForArchivists) {
  rv1::RebuildReportsRequest req;
  rv1::Rebuild out;
  grpc::Status s = config_->RebuildReports(ManagerContext().get(), req, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  rv1::GetRebuildRequest get;
  get.set_name("rebuilds/x");
  s = config_->GetRebuild(ManagerContext().get(), get, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  get.set_name("rebuilds/99");
  s = config_->GetRebuild(ManagerContext().get(), get, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace csm::reporting::testing
