// ComplaintServer wired end to end: a real customer-svc (CustomerServer on
// its own test database) and a real complaint-svc (ComplaintServer on
// another), both on loopback. Covers the wiring: migrations and calendar
// seed at start-up (and again on restart), health, the config service,
// registration through the gRPC customer directory, the customer-svc-down
// decision, the event stream, the sweep hook and graceful shutdown.
#include "complaint-svc/src/complaint_server.h"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "complaint-svc/testing/complaint_test_server.h"
#include "csm/complaint/v1/complaint.grpc.pb.h"
#include "csm/events/v1/complaint_events.pb.h"
#include "csm/events/v1/events.grpc.pb.h"
#include "customer-svc/testing/customer_test_support.h"
#include "gtest/gtest.h"
#include "tests/testing/health.h"
#include "tests/testing/test_database.h"

namespace csm::complaint {
namespace {

namespace cv1 = ::csm::customer::v1;
namespace ev = ::csm::events::v1;
using ::csm::customer::testing::Describe;

// grpc.health.v1.Health/Check for service "": 1 SERVING, 2 NOT_SERVING,
// -1 when the call fails.
int HealthOf(const std::string& address) {
  return csm::testing::CheckHealth(address, "").serving_status;
}

class ComplaintServerTest : public csm::customer::testing::CustomerApiFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(CustomerApiFixture::SetUp());
    auto db = csm::testing::TestDatabase::Create();
    ASSERT_TRUE(db.ok()) << db.status();
    complaint_db_ = std::move(*db);
    ASSERT_NO_FATAL_FAILURE(StartComplaintServer());
  }

  void TearDown() override {
    config_stub_.reset();
    complaints_.reset();
    complaint_events_.reset();
    complaint_server_.reset();
    complaint_db_.reset();
    CustomerApiFixture::TearDown();
  }

  void StartComplaintServer() {
    auto server = ComplaintServer::Start(
        csm::testing::TestComplaintServerConfig(complaint_db_->options(),
                                                server_->address()),
        &verifier_, &Clock::Real());
    ASSERT_TRUE(server.ok()) << server.status();
    complaint_server_ = std::move(*server);
    auto channel = grpc::CreateChannel(complaint_server_->address(),
                                       grpc::InsecureChannelCredentials());
    config_stub_ = v1::ComplaintConfigService::NewStub(channel);
    complaints_ = v1::ComplaintService::NewStub(channel);
    complaint_events_ = ev::EventService::NewStub(channel);
  }

  static std::unique_ptr<grpc::ClientContext> As(const std::string& staff) {
    return Ctx(Token(staff));
  }

  grpc::Status Register(const std::string& customer,
                        v1::RegisterComplaintResponse* resp) {
    v1::RegisterComplaintRequest req;
    v1::Complaint* c = req.mutable_complaint();
    c->set_customer(customer);
    c->set_channel(v1::COMPLAINT_CHANNEL_PHONE_HOTLINE);
    c->set_category("packaging");
    c->set_severity(v1::SEVERITY_NORMAL);
    c->set_subject("外箱破损");
    c->set_description("收到的三箱货物外箱均有破损，内件受潮。");
    c->set_matter_reference("SO-2026-0042");
    return complaints_->RegisterComplaint(As("li.na").get(), req, resp);
  }

  std::unique_ptr<csm::testing::TestDatabase> complaint_db_;
  std::unique_ptr<ComplaintServer> complaint_server_;
  std::unique_ptr<v1::ComplaintConfigService::Stub> config_stub_;
  std::unique_ptr<v1::ComplaintService::Stub> complaints_;
  std::unique_ptr<ev::EventService::Stub> complaint_events_;
};

TEST_F(ComplaintServerTest, ServesHealthConfigAndTheSeededCalendar) {
  EXPECT_EQ(HealthOf(complaint_server_->address()), 1);
  v1::ListCategoriesResponse categories;
  CSM_ASSERT_OK(config_stub_->ListCategories(
      As("li.na").get(), v1::ListCategoriesRequest(), &categories));
  EXPECT_EQ(categories.categories_size(), 6);
  v1::GetBusinessCalendarRequest get;
  get.set_name("calendars/china");
  get.set_year(2026);
  v1::BusinessCalendar calendar;
  CSM_ASSERT_OK(
      config_stub_->GetBusinessCalendar(As("li.na").get(), get, &calendar));
  EXPECT_GT(calendar.exceptions_size(), 20);
}

TEST_F(ComplaintServerTest, RegistersThroughCustomerSvcAndStreamsTheEvent) {
  CreateStandardTeam();
  cv1::Customer wanted = NewCustomer("苏州工业园区启明电子有限公司", 21);
  wanted.set_grade(cv1::GRADE_A);
  cv1::CreateCustomerResponse created;
  CSM_ASSERT_OK(Create(wanted, "arch", &created));

  v1::RegisterComplaintResponse resp;
  CSM_ASSERT_OK(Register(created.customer().name(), &resp));
  const v1::Complaint& c = resp.complaint();
  EXPECT_EQ(c.customer(), created.customer().name());
  EXPECT_EQ(c.customer_grade(), "A");
  EXPECT_EQ(c.customer_owner_id(), created.customer().owner_id());
  EXPECT_EQ(c.customer_display_name(), "苏州工业园区启明电子有限公司");
  EXPECT_EQ(c.handling_department(), "仓储物流");
  EXPECT_EQ(c.state(), v1::COMPLAINT_STATE_REGISTERED);

  // The registration's event is on complaint-svc's stream.
  ev::StreamEventsRequest req;
  auto ctx = Ctx(Token("reporting-svc"), std::chrono::seconds(3));
  auto reader = complaint_events_->StreamEvents(ctx.get(), req);
  ev::StreamEventsResponse batch;
  bool registered = false;
  while (!registered && reader->Read(&batch)) {
    for (const ev::Event& e : batch.events()) {
      if (e.event_type() == "csm.events.v1.ComplaintRegistered") {
        ev::ComplaintRegistered payload;
        ASSERT_TRUE(e.payload().UnpackTo(&payload));
        EXPECT_EQ(payload.complaint().name(), c.name());
        EXPECT_EQ(e.source(), "complaint-svc");
        registered = true;
      }
    }
  }
  ctx->TryCancel();
  EXPECT_TRUE(registered);
}

TEST_F(ComplaintServerTest,
       CustomerSvcDownRefusesRegistrationAndWritesNothing) {
  CreateStandardTeam();
  const cv1::Customer customer = MustCreate("无锡太湖机械制造有限公司", 22);
  server_->Shutdown();  // customer-svc goes away

  v1::RegisterComplaintResponse resp;
  const absl::Time start = absl::Now();
  const grpc::Status s = Register(customer.name(), &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << Describe(s);
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));

  v1::ListComplaintsResponse list;
  CSM_ASSERT_OK(complaints_->ListComplaints(
      As("li.na").get(), v1::ListComplaintsRequest(), &list));
  EXPECT_EQ(list.complaints_size(), 0);
}

TEST_F(ComplaintServerTest, UnknownCustomerIsRefused) {
  v1::RegisterComplaintResponse resp;
  const grpc::Status s = Register("customers/424242", &resp);
  EXPECT_NE(s.error_code(), grpc::StatusCode::OK);
  EXPECT_NE(s.error_code(), grpc::StatusCode::UNAVAILABLE) << Describe(s);
}

TEST_F(ComplaintServerTest, SweepRunsOnDemandAndRestartKeepsTheSchema) {
  auto swept = complaint_server_->RunSweepOnce();
  ASSERT_TRUE(swept.ok()) << swept.status();
  EXPECT_EQ(*swept, 0);

  v1::GetBusinessCalendarRequest get;
  get.set_name("calendars/china");
  v1::BusinessCalendar before;
  CSM_ASSERT_OK(
      config_stub_->GetBusinessCalendar(As("li.na").get(), get, &before));

  // A restart on the same database: migrations and the seed are no-ops.
  config_stub_.reset();
  complaints_.reset();
  complaint_events_.reset();
  complaint_server_.reset();
  ASSERT_NO_FATAL_FAILURE(StartComplaintServer());
  v1::BusinessCalendar after;
  CSM_ASSERT_OK(
      config_stub_->GetBusinessCalendar(As("li.na").get(), get, &after));
  EXPECT_EQ(after.SerializeAsString(), before.SerializeAsString());
}

TEST_F(ComplaintServerTest, ShutdownEndsEventStreamsPromptly) {
  ev::StreamEventsRequest req;
  auto ctx = Ctx(Token("reporting-svc"), std::chrono::seconds(30));
  auto reader = complaint_events_->StreamEvents(ctx.get(), req);
  grpc::Status status;
  absl::Time ended;
  std::thread follower([&] {
    ev::StreamEventsResponse batch;
    while (reader->Read(&batch)) {
    }
    status = reader->Finish();
    ended = absl::Now();
  });
  absl::SleepFor(absl::Milliseconds(300));  // the stream is following
  const absl::Time start = absl::Now();
  complaint_server_->Shutdown();
  follower.join();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << Describe(status);
  EXPECT_LT(ended - start, absl::Seconds(3));
  EXPECT_NE(HealthOf(complaint_server_->address()), 1);
}

}  // namespace
}  // namespace csm::complaint
