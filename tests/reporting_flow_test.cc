// All three services for real: customer-svc and complaint-svc in-process
// (tests/service_pair.h), reporting-svc as its own process following their
// event streams, each on its own database of the fixture's MariaDB. A
// scripted scenario goes through the two sources; reporting-svc is
// SIGKILLed while it consumes and started again; the figures must equal the
// hand-counted ones (every event once), and a rebuild must leave every
// report table as the live run left it.
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/business_time.h"
#include "csm/reporting/v1/report_config.grpc.pb.h"
#include "csm/reporting/v1/reports.grpc.pb.h"
#include "reporting-svc/src/testing/report_fixture.h"
#include "tests/service_pair.h"
#include "tests/testing/service_process.h"

namespace csm {
namespace {

namespace cv1 = ::csm::customer::v1;
namespace pv1 = ::csm::complaint::v1;
namespace rv1 = ::csm::reporting::v1;

constexpr int kCustomers = 12;
constexpr int kComplaints = 9;

class ReportingFlowTest : public testing::ServicePairFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ServicePairFixture::SetUp());
    auto db = testing::TestDatabase::Create();
    ASSERT_TRUE(db.ok()) << db.status();
    reporting_db_ = *std::move(db);
    address_ = absl::StrCat("127.0.0.1:", testing::FreeLoopbackPort());
    channel_ =
        grpc::CreateChannel(address_, grpc::InsecureChannelCredentials());
    reports_ = rv1::ReportService::NewStub(channel_);
    config_ = rv1::ReportConfigService::NewStub(channel_);
  }

  void TearDown() override {
    StopReporting(SIGTERM);
    reports_.reset();
    config_.reset();
    channel_.reset();
    reporting_db_.reset();
    ServicePairFixture::TearDown();
  }

  // reporting-svc, the binary, following both sources.
  void StartReporting() {
    std::vector<std::string> flags =
        testing::TestServiceFlags(address_, reporting_db_->options(), "");
    flags.push_back("--customer_address=" + server_->address());
    flags.push_back("--complaint_address=" + complaint_server_->address());
    reporting_ = std::make_unique<testing::ServiceProcess>(
        CSM_REPORTING_SVC_BIN, flags, "/dev/null");
    ASSERT_TRUE(reporting_->Start());
    ASSERT_TRUE(WaitFor([&] {
      rv1::Freshness f;
      return config_->GetFreshness(Ctx().get(), {}, &f).ok();
    })) << "reporting-svc did not start";
  }

  void StopReporting(int signal) {
    if (reporting_ != nullptr) reporting_->Stop(signal);
  }

  std::unique_ptr<grpc::ClientContext> Ctx(RoleSet roles = {
                                               Role::kGeneralManager}) {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->AddMetadata("authorization",
                     absl::StrCat("Bearer ", testing::TestToken(
                                                 "gm.zhou", roles, "总经办")));
    ctx->set_deadline(std::chrono::system_clock::now() +
                      std::chrono::seconds(10));
    return ctx;
  }

  bool WaitFor(const std::function<bool()>& done,
               absl::Duration timeout = absl::Seconds(60)) {
    const absl::Time end = absl::Now() + timeout;
    while (absl::Now() < end) {
      if (done()) return true;
      absl::SleepFor(absl::Milliseconds(100));
    }
    return done();
  }

  rv1::Period ThisWeek() {
    const absl::CivilDay today = BusinessDate(absl::Now());
    rv1::Period p;
    p.set_kind(rv1::PERIOD_KIND_CUSTOM);
    ToProtoDate(today - 6, p.mutable_start_date());
    ToProtoDate(today + 1, p.mutable_end_date());
    return p;
  }

  rv1::WeeklyReport Weekly() {
    rv1::GetWeeklyReportRequest req;
    *req.mutable_period() = ThisWeek();
    rv1::WeeklyReport out;
    grpc::Status s = reports_->GetWeeklyReport(Ctx().get(), req, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  // Waits until both sources' events up to now are applied.
  void WaitCaughtUp(int64_t customer_events, int64_t complaint_events) {
    ASSERT_TRUE(WaitFor([&] {
      rv1::Freshness f;
      if (!config_->GetFreshness(Ctx().get(), {}, &f).ok()) return false;
      return f.sources_size() == 2 &&
             f.sources(0).last_applied_sequence() >= customer_events &&
             f.sources(1).last_applied_sequence() >= complaint_events;
    }));
  }

  // Every report table's rows, as text.
  std::string Dump() {
    auto pool = MysqlPool::Create(reporting_db_->options());
    EXPECT_TRUE(pool.ok()) << pool.status();
    return pool.ok() ? reporting::testing::DumpReportTables(**pool) : "";
  }

  void Register(const std::string& customer, int i) {
    pv1::RegisterComplaintRequest reg;
    pv1::Complaint* c = reg.mutable_complaint();
    c->set_customer(customer);
    c->set_channel(pv1::COMPLAINT_CHANNEL_PHONE_HOTLINE);
    c->set_category("packaging");
    c->set_severity(pv1::SEVERITY_NORMAL);
    c->set_subject(absl::StrCat("外箱破损 ", i));
    c->set_description("收到的货物外箱有破损。");
    reg.set_request_id(absl::StrCat("flow-register-", i));
    pv1::RegisterComplaintResponse registered;
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->AddMetadata(
        "authorization",
        absl::StrCat("Bearer ",
                     testing::TestToken("li.na", {Role::kAgent}, "客服部")));
    grpc::Status s =
        complaints_->RegisterComplaint(ctx.get(), reg, &registered);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  std::unique_ptr<testing::TestDatabase> reporting_db_;
  std::string address_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<rv1::ReportService::Stub> reports_;
  std::unique_ptr<rv1::ReportConfigService::Stub> config_;
  std::unique_ptr<testing::ServiceProcess> reporting_;
};

TEST_F(ReportingFlowTest,
       KilledMidStreamCountsEveryEventOnceAndRebuildEqualsLive) {
  CreateStandardTeam();
  StartReporting();
  std::vector<std::string> customers;
  for (int i = 1; i <= kCustomers; ++i) {
    customers.push_back(
        MustCreate(absl::StrCat("杭州示例科技有限公司", i), i).name());
    if (i == kCustomers / 2) StopReporting(SIGKILL);  // mid-consumption
    if (i == kCustomers / 2 + 2) StartReporting();
  }
  for (int i = 1; i <= kComplaints; ++i) {
    Register(customers[i % customers.size()], i);
    if (i == 4) StopReporting(SIGKILL);
    if (i == 6) StartReporting();
  }
  // customer-svc: one CustomerCreated each (the team is no archive event);
  // complaint-svc: one ComplaintRegistered each, at least.
  WaitCaughtUp(kCustomers, kComplaints);
  ASSERT_TRUE(WaitFor([&] {
    return Weekly().complaints().received() >= kComplaints &&
           Weekly().archives().opened() >= kCustomers;
  }));
  const rv1::WeeklyReport live = Weekly();
  EXPECT_EQ(live.complaints().received(), kComplaints);
  EXPECT_EQ(live.archives().opened(), kCustomers);
  EXPECT_EQ(live.archives().new_archives_size(), kCustomers);
  EXPECT_EQ(live.complaints().resolved(), 0);
  EXPECT_TRUE(live.complaints().satisfaction_rate().no_data());
  // The figures' basis: the sources' last sequences, nothing stopped.
  ASSERT_EQ(live.freshness().sources_size(), 2);
  for (const auto& s : live.freshness().sources()) {
    EXPECT_FALSE(s.stopped()) << s.source() << ": " << s.stop_reason();
  }

  // One more kill and start: nothing changes.
  const std::string tables = Dump();
  StopReporting(SIGKILL);
  StartReporting();
  absl::SleepFor(absl::Milliseconds(500));
  EXPECT_EQ(Dump(), tables);

  // RebuildReports (archivists) from sequence 0: the same tables.
  rv1::Rebuild started;
  grpc::Status s =
      config_->RebuildReports(Ctx({Role::kArchivist}).get(), {}, &started);
  ASSERT_TRUE(s.ok()) << s.error_message();
  rv1::Rebuild done;
  ASSERT_TRUE(WaitFor([&] {
    rv1::GetRebuildRequest get;
    get.set_name(started.name());
    return config_->GetRebuild(Ctx().get(), get, &done).ok() &&
           done.state() != rv1::REBUILD_STATE_RUNNING;
  }));
  EXPECT_EQ(done.state(), rv1::REBUILD_STATE_SUCCEEDED) << done.error();
  EXPECT_EQ(Dump(), tables);
  EXPECT_EQ(Weekly().complaints().received(), kComplaints);
}

}  // namespace
}  // namespace csm
