// The server model under many open calls (issue 11): idle StreamEvents
// streams hold no thread, so unary calls beyond the running slots queue
// and are all served, and health keeps telling the truth.

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "customer-svc/src/api/customer_test_support.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/health.h"

namespace csm::customer::testing {
namespace {

constexpr int kStreams = 500;
constexpr int kUnaryCalls = 200;

// One idle stream held through the async API (no client thread each).
struct HeldStream {
  std::unique_ptr<grpc::ClientContext> context;
  std::unique_ptr<grpc::ClientAsyncReader<ev::StreamEventsResponse>> reader;
  grpc::Status status;
};

// One unary call in flight through the async API.
struct PendingGet {
  std::unique_ptr<grpc::ClientContext> context;
  std::unique_ptr<grpc::ClientAsyncResponseReader<v1::Customer>> reader;
  v1::Customer customer;
  grpc::Status status;
};

class ServerModelTest : public CustomerApiFixture {};

TEST_F(ServerModelTest, IdleStreamsHoldNoThreadAndUnaryCallsQueueToBeServed) {
  CreateStandardTeam();
  const v1::Customer customer = MustCreate("空闲流客户", 1);
  ASSERT_FALSE(HasFailure());

  // Far past the newest event: each stream waits, with nothing to send.
  grpc::CompletionQueue cq;
  const std::string service_token = Token("reporting-svc");
  std::vector<HeldStream> streams(kStreams);
  for (int i = 0; i < kStreams; ++i) {
    HeldStream& s = streams[i];
    s.context = Ctx(service_token, std::chrono::seconds(120));
    ev::StreamEventsRequest req;
    req.set_after_sequence(1'000'000);
    s.reader = events_->PrepareAsyncStreamEvents(s.context.get(), req, &cq);
    s.reader->StartCall(reinterpret_cast<void*>(2 * i));
  }
  // Started, then open on the server (it sends initial metadata once it
  // has accepted the stream).
  int open = 0;
  void* tag;
  bool ok;
  while (open < kStreams && cq.Next(&tag, &ok)) {
    const intptr_t t = reinterpret_cast<intptr_t>(tag);
    ASSERT_TRUE(ok) << "stream " << t / 2 << " failed to "
                    << (t % 2 == 0 ? "start" : "open");
    if (t % 2 == 0) {
      streams[t / 2].reader->ReadInitialMetadata(
          reinterpret_cast<void*>(t + 1));
    } else {
      ++open;
    }
  }
  ASSERT_EQ(open, kStreams);

  // 200 GetCustomer calls at once, more than the running slots (64): the
  // rest queue within their deadline instead of being refused.
  grpc::CompletionQueue unary_cq;
  std::vector<PendingGet> gets(kUnaryCalls);
  v1::GetCustomerRequest get;
  get.set_name(customer.name());
  const std::string agent_token = Token("li.na");
  for (int i = 0; i < kUnaryCalls; ++i) {
    PendingGet& g = gets[i];
    g.context = Ctx(agent_token, std::chrono::seconds(30));
    g.reader = stub_->AsyncGetCustomer(g.context.get(), get, &unary_cq);
    g.reader->Finish(&g.customer, &g.status, reinterpret_cast<void*>(i));
  }
  std::map<grpc::StatusCode, int> codes;
  for (int done = 0; done < kUnaryCalls; ++done) {
    ASSERT_TRUE(unary_cq.Next(&tag, &ok));
    const PendingGet& g = gets[reinterpret_cast<intptr_t>(tag)];
    ++codes[g.status.error_code()];
    if (g.status.ok()) {
      EXPECT_EQ(g.customer.name(), customer.name());
    }
  }
  EXPECT_THAT(codes, ::testing::ElementsAre(
                         ::testing::Pair(grpc::StatusCode::OK, kUnaryCalls)));

  const csm::testing::HealthResult health =
      csm::testing::CheckHealth(server_->address(), "");
  EXPECT_TRUE(health.status.ok()) << health.status.error_message();
  EXPECT_EQ(health.serving_status, 1);  // SERVING, and it is

  // The streams are still open; a cancel ends each one.
  for (HeldStream& s : streams) s.context->TryCancel();
  for (int i = 0; i < kStreams; ++i) {
    streams[i].reader->Finish(&streams[i].status,
                              reinterpret_cast<void*>(2 * i));
  }
  int finished = 0;
  while (finished < kStreams && cq.Next(&tag, &ok)) {
    const HeldStream& s = streams[reinterpret_cast<intptr_t>(tag) / 2];
    EXPECT_EQ(s.status.error_code(), grpc::StatusCode::CANCELLED);
    ++finished;
  }
  EXPECT_EQ(finished, kStreams);
  cq.Shutdown();
  unary_cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  while (unary_cq.Next(&tag, &ok)) {
  }
}

}  // namespace
}  // namespace csm::customer::testing
