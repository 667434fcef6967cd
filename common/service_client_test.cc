// ServiceClient against a scripted peer on loopback: a real gRPC server
// whose GetCustomer answers with the codes a test lines up (customer-svc
// itself cannot be made to answer RESOURCE_EXHAUSTED or stall on demand;
// complaint-svc's customer_directory_test runs the client against the real
// customer-svc).
#include "common/service_client.h"

#include <grpcpp/grpcpp.h>

#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/auth.h"
#include "csm/customer/v1/customer.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace csm {
namespace {

namespace cv1 = ::csm::customer::v1;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kSecret[] = "service-client-test-secret";
constexpr char kIssuer[] = "csm-test";

// One scripted answer: a code (and message), after an optional stall.
struct Answer {
  grpc::StatusCode code = grpc::StatusCode::OK;
  std::string message;
  absl::Duration stall = absl::ZeroDuration();
};

class ScriptedPeer final : public cv1::CustomerService::Service {
 public:
  void Script(std::vector<Answer> answers) {
    std::lock_guard<std::mutex> lock(mu_);
    answers_.assign(answers.begin(), answers.end());
  }
  std::vector<std::string> tokens() {
    std::lock_guard<std::mutex> lock(mu_);
    return tokens_;
  }

  grpc::Status GetCustomer(grpc::ServerContext* context,
                           const cv1::GetCustomerRequest* request,
                           cv1::Customer* response) override {
    Answer answer;
    {
      std::lock_guard<std::mutex> lock(mu_);
      const auto& md = context->client_metadata();
      auto it = md.find("authorization");
      tokens_.push_back(
          it == md.end() ? ""
                         : std::string(it->second.data(), it->second.size()));
      if (!answers_.empty()) {
        answer = answers_.front();
        answers_.pop_front();
      }
    }
    const absl::Time until = absl::Now() + answer.stall;
    while (absl::Now() < until && !context->IsCancelled()) {
      absl::SleepFor(absl::Milliseconds(5));
    }
    if (answer.code != grpc::StatusCode::OK) {
      return grpc::Status(answer.code, answer.message);
    }
    response->set_name(request->name());
    return grpc::Status::OK;
  }

 private:
  std::mutex mu_;
  std::deque<Answer> answers_;
  std::vector<std::string> tokens_;
};

class ServiceClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &port_);
    builder.RegisterService(&peer_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_NE(port_, 0);
  }
  void TearDown() override { server_->Shutdown(); }

  ServiceClientOptions Options() const {
    ServiceClientOptions o;
    o.target = "127.0.0.1:" + std::to_string(port_);
    o.peer = "customer-svc";
    o.self = "complaint-svc";
    o.jwt_secret = kSecret;
    o.jwt_issuer = kIssuer;
    return o;
  }

  absl::Status Get(ServiceClient& client, absl::Time deadline) {
    auto stub = cv1::CustomerService::NewStub(client.channel());
    cv1::GetCustomerRequest req;
    req.set_name("customers/1");
    cv1::Customer out;
    return client.Call("GetCustomer", deadline, [&](grpc::ClientContext& ctx) {
      return stub->GetCustomer(&ctx, req, &out);
    });
  }

  ScriptedPeer peer_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

TEST_F(ServiceClientTest, RetriesOverloadAndUnavailabilityThenSucceeds) {
  peer_.Script({{grpc::StatusCode::RESOURCE_EXHAUSTED, "pool exhausted"},
                {grpc::StatusCode::UNAVAILABLE, "restarting"},
                {}});
  ServiceClient client(Options());
  EXPECT_TRUE(Get(client, absl::Now() + absl::Seconds(5)).ok());
  EXPECT_EQ(client.attempts(), 3);
}

TEST_F(ServiceClientTest, OtherCodesAreNotRetried) {
  peer_.Script({{grpc::StatusCode::NOT_FOUND, "customers/1 does not exist"}});
  ServiceClient client(Options());
  const absl::Status s = Get(client, absl::Now() + absl::Seconds(5));
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound) << s;
  EXPECT_THAT(
      std::string(s.message()),
      HasSubstr("customer-svc GetCustomer: customers/1 does not exist"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("(1 attempt to 127.0.0.1:"));
  EXPECT_EQ(client.attempts(), 1);
}

TEST_F(ServiceClientTest, AtMostMaxAttemptsEachCappedWithinTheDeadline) {
  const Answer stall{grpc::StatusCode::OK, "", absl::Seconds(2)};
  peer_.Script({stall, stall, stall, stall});
  ServiceClientOptions o = Options();
  o.per_attempt_timeout = absl::Milliseconds(200);
  ServiceClient client(o);
  const absl::Time start = absl::Now();
  const absl::Status s = Get(client, start + absl::Seconds(5));
  const absl::Duration took = absl::Now() - start;
  EXPECT_EQ(s.code(), absl::StatusCode::kDeadlineExceeded) << s;
  EXPECT_EQ(client.attempts(), 3);
  // Three capped attempts and two backoffs of at most 200 ms.
  EXPECT_GE(took, absl::Milliseconds(600));
  EXPECT_LT(took, absl::Seconds(3)) << took;  // not 3 x 2 s
}

TEST_F(ServiceClientTest, NeverPastTheCallersDeadline) {
  const Answer stall{grpc::StatusCode::OK, "", absl::Seconds(2)};
  peer_.Script({stall, stall, stall});
  ServiceClient client(Options());  // 2 s per attempt
  const absl::Time deadline = absl::Now() + absl::Milliseconds(300);
  const absl::Status s = Get(client, deadline);
  EXPECT_EQ(s.code(), absl::StatusCode::kDeadlineExceeded) << s;
  EXPECT_LE(absl::Now(), deadline + absl::Milliseconds(150));
  EXPECT_EQ(client.attempts(), 1);
}

TEST_F(ServiceClientTest, NoTimeLeftMakesNoAttempt) {
  ServiceClient client(Options());
  const absl::Status s = Get(client, absl::Now() - absl::Seconds(1));
  EXPECT_EQ(s.code(), absl::StatusCode::kDeadlineExceeded) << s;
  EXPECT_EQ(client.attempts(), 0);
  EXPECT_TRUE(peer_.tokens().empty());
}

TEST_F(ServiceClientTest, ServiceTokenIsReusedAndRenewedBeforeExpiry) {
  ServiceClientOptions o = Options();
  // Valid for 62 s and renewed 61 s before expiry: reused for one second of
  // wall time, then minted again.
  o.token_ttl = absl::Seconds(62);
  o.token_refresh_before = absl::Seconds(61);
  ServiceClient client(o);
  ASSERT_TRUE(Get(client, absl::Now() + absl::Seconds(5)).ok());
  ASSERT_TRUE(Get(client, absl::Now() + absl::Seconds(5)).ok());
  absl::SleepFor(absl::Milliseconds(1100));
  ASSERT_TRUE(Get(client, absl::Now() + absl::Seconds(5)).ok());
  const std::vector<std::string> tokens = peer_.tokens();
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(tokens[0], tokens[1]);
  EXPECT_NE(tokens[1], tokens[2]);
  TokenVerifier verifier(kSecret, kIssuer);
  for (const std::string& header : tokens) {
    ASSERT_TRUE(absl::StartsWith(header, "Bearer ")) << header;
    absl::StatusOr<Principal> p =
        verifier.Verify(header.substr(7), absl::Now());
    ASSERT_TRUE(p.ok()) << p.status();
    EXPECT_EQ(p->staff_id, "complaint-svc");
    EXPECT_TRUE(p->roles.Has(Role::kService));
  }
}

TEST_F(ServiceClientTest, UnmintableTokenIsInternalWithoutACall) {
  ServiceClientOptions o = Options();
  o.jwt_secret = "";
  ServiceClient client(o);
  const absl::Status s = Get(client, absl::Now() + absl::Seconds(5));
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal) << s;
  EXPECT_TRUE(peer_.tokens().empty());
}

TEST_F(ServiceClientTest, LogsCodesNeverThePeersMessages) {
  peer_.Script(
      {{grpc::StatusCode::UNAVAILABLE, "phone 13900001111 not reachable"}, {}});
  ServiceClient client(Options());
  ::testing::internal::CaptureStderr();
  const absl::Status s = Get(client, absl::Now() + absl::Seconds(5));
  const std::string logs = ::testing::internal::GetCapturedStderr();
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_THAT(logs, HasSubstr("\"code\":\"UNAVAILABLE\""));
  EXPECT_THAT(logs, HasSubstr("\"peer\":\"customer-svc\""));
  EXPECT_THAT(logs, Not(HasSubstr("13900001111")));
}

}  // namespace
}  // namespace csm
