#include "common/rpc.h"

#include <cppconn/exception.h>
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/auth.h"
#include "common/clock.h"
#include "common/grpc_status.h"
#include "common/log.h"
#include "common/rpc_test_fixture.h"
#include "common/server.h"
#include "common/status.h"
#include "csm/events/v1/events.grpc.pb.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace csm::rpc_test {
namespace {

TEST_F(RpcRuntimeTest, ServesAnAuthorizedCall) {
  CallResult r = Call({});
  ASSERT_TRUE(r.status.ok()) << r.status.error_message();
  ASSERT_EQ(r.responses.size(), 1u);
  EXPECT_EQ(r.responses[0].events(0).actor(), "u100");
  EXPECT_EQ(r.responses[0].events(0).source(), "StreamEvents");
}

TEST_F(RpcRuntimeTest, UnauthenticatedWithoutToken) {
  CallResult r = Call({.authorization = ""});
  EXPECT_EQ(r.status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(r.status.error_message(), "missing bearer token");
  EXPECT_TRUE(r.responses.empty());

  r = Call({.authorization = "Basic dTEwMDpwYXNz"});
  EXPECT_EQ(r.status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(r.status.error_message(), "missing bearer token");

  r = Call({.authorization = "Bearer"});
  EXPECT_EQ(r.status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(RpcRuntimeTest, UnauthenticatedWithBadToken) {
  CallResult r = Call({.authorization = "Bearer not.a.token"});
  EXPECT_EQ(r.status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(r.status.error_message(), HasSubstr("token"));

  Principal p{"u100", "", kAllowed};
  const std::string foreign = *MintToken("another-secret-0123456789", kIssuer,
                                         p, absl::Now(), absl::Hours(1));
  r = Call({.authorization = "Bearer " + foreign});
  EXPECT_EQ(r.status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(r.status.error_message(), HasSubstr("signature"));

  const std::string expired =
      Token(kAllowed, absl::Now() - absl::Hours(2));  // valid for 1 h
  r = Call({.authorization = "Bearer " + expired});
  EXPECT_EQ(r.status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(r.status.error_message(), HasSubstr("expired"));
}

TEST_F(RpcRuntimeTest, BearerSchemeIsCaseInsensitive) {
  CallResult r = Call({.authorization = "bearer " + Token(kAllowed)});
  EXPECT_TRUE(r.status.ok()) << r.status.error_message();
  r = Call({.authorization = "BEARER   " + Token(kAllowed)});
  EXPECT_TRUE(r.status.ok()) << r.status.error_message();
}

TEST_F(RpcRuntimeTest, PermissionDeniedWithoutAllowedRole) {
  CallResult r = Call(
      {.authorization = "Bearer " + Token({Role::kAgent, Role::kArchivist})});
  EXPECT_EQ(r.status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(r.status.error_message(),
            "StreamEvents needs one of roles [supervisor,service]; caller "
            "u100 has [agent,archivist]");
  EXPECT_TRUE(r.responses.empty());
}

TEST_F(RpcRuntimeTest, RequireRoleInsideTheBody) {
  CallResult r = Call({.mode = "role_check"});
  EXPECT_EQ(r.status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(r.status.error_message(),
            "reading everything needs one of roles [manager]; caller u100 has "
            "[supervisor,service]");
}

TEST_F(RpcRuntimeTest, EchoesTheClientsRequestId) {
  CallResult r = Call({.request_id = "req-42_abc"});
  ASSERT_TRUE(r.status.ok());
  auto it = r.initial_metadata.find("x-request-id");
  ASSERT_NE(it, r.initial_metadata.end());
  EXPECT_EQ(it->second, "req-42_abc");
  EXPECT_EQ(r.responses[0].events(0).request_id(), "req-42_abc");
  // The body runs inside the call's log scope.
  EXPECT_EQ(r.responses[0].events(0).aggregate(), "req-42_abc");
}

TEST_F(RpcRuntimeTest, GeneratesARequestIdWhenMissingOrInvalid) {
  for (const std::optional<std::string>& sent :
       {std::optional<std::string>(), std::optional<std::string>("has space"),
        std::optional<std::string>(std::string(129, 'x'))}) {
    CallResult r = Call({.request_id = sent});
    ASSERT_TRUE(r.status.ok());
    auto it = r.initial_metadata.find("x-request-id");
    ASSERT_NE(it, r.initial_metadata.end());
    EXPECT_THAT(it->second, MatchesRegex(kUuidRegex));
    EXPECT_EQ(r.responses[0].events(0).request_id(), it->second);
  }
  // 128 printable characters are fine.
  CallResult r = Call({.request_id = std::string(128, 'y')});
  EXPECT_EQ(r.initial_metadata.find("x-request-id")->second,
            std::string(128, 'y'));
}

TEST_F(RpcRuntimeTest, AppliesTheDefaultDeadline) {
  CallResult r = Call({});
  ASSERT_TRUE(r.status.ok());
  const int64_t left_ms = r.responses[0].last_sequence();
  EXPECT_EQ(left_ms, 3000);  // exactly start + default
}

TEST_F(RpcRuntimeTest, KeepsTheClientsDeadline) {
  CallResult r = Call({.timeout = absl::Seconds(2)});
  ASSERT_TRUE(r.status.ok());
  // Below the 3 s default; how far below depends on how long connecting
  // took on a loaded machine. gRPC carries the deadline as a relative
  // timeout and converts it back through its own clock epoch, which can be
  // off by some milliseconds when the machine is loaded: hence the slack.
  EXPECT_LE(r.responses[0].last_sequence(), 2050);
  EXPECT_GT(r.responses[0].last_sequence(), 0);
}

TEST_F(RpcRuntimeTest, CapsLongDeadlines) {
  CallResult r = Call({.timeout = absl::Seconds(120)});
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.responses[0].last_sequence(), 8000);
}

TEST_F(RpcRuntimeTest, BusinessClockDoesNotShortenDeadlinesOrTokens) {
  // A business clock an hour ahead (tests move it to reach deadlines) must
  // not make the call's I/O deadline or a fresh token look expired.
  ManualClock late(absl::Now() + absl::Hours(1));
  RpcRuntime runtime(runtime_->options(), &verifier_, metrics_.get(), &late);
  service_->set_runtime(&runtime);
  CallResult r =
      Call({.authorization = "Bearer " + Token(kAllowed, absl::Now()),
            .timeout = absl::Seconds(30)});
  service_->set_runtime(runtime_.get());
  EXPECT_TRUE(r.status.ok()) << r.status.error_message();
}

TEST_F(RpcRuntimeTest, CallsBeyondTheRunningSlotsQueueUntilTheirDeadline) {
  RpcRuntimeOptions options = runtime_->options();
  options.max_concurrent_calls = 1;
  options.max_queued_calls = 1;
  RpcRuntime runtime(options, &verifier_, metrics_.get(), &Clock::Real());
  service_->set_runtime(&runtime);

  // One call holds the only running slot.
  grpc::ClientContext held;
  held.AddMetadata("authorization", "Bearer " + Token(kAllowed));
  StreamEventsRequest hold;
  hold.add_event_types("hold");
  auto reader = stub_->StreamEvents(&held, hold);
  StreamEventsResponse beat;
  ASSERT_TRUE(reader->Read(&beat));
  EXPECT_EQ(runtime.running_calls(), 1);

  // A call queued past its deadline: DEADLINE_EXCEEDED, not a hang.
  const double exceeded_before = Handled("DeadlineExceeded");
  absl::Time start = absl::Now();
  CallResult late = Call({.timeout = absl::Milliseconds(300)});
  EXPECT_EQ(late.status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  for (int i = 0; i < 100 && Handled("DeadlineExceeded") == exceeded_before;
       ++i) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_EQ(Handled("DeadlineExceeded"), exceeded_before + 1);

  // One waits in the queue; the next finds it full: RESOURCE_EXHAUSTED at
  // once, saying why.
  CallResult queued;
  std::thread waiter([&] { queued = Call({.timeout = absl::Seconds(20)}); });
  for (int i = 0; i < 500 && runtime.queued_calls() == 0; ++i) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  ASSERT_EQ(runtime.queued_calls(), 1);
  start = absl::Now();
  CallResult refused = Call({.timeout = absl::Seconds(20)});
  EXPECT_EQ(refused.status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(refused.status.error_message(), HasSubstr("busy"));
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));

  // The slot frees: the queued call runs and succeeds.
  held.TryCancel();
  while (reader->Read(&beat)) {
  }
  reader->Finish();
  waiter.join();
  EXPECT_TRUE(queued.status.ok()) << queued.status.error_message();
  service_->set_runtime(runtime_.get());
}

TEST_F(RpcRuntimeTest, TokensExpireByTheWallClock) {
  // A business clock in the past does not revive an expired token.
  ManualClock early(absl::Now() - absl::Hours(5));
  RpcRuntime runtime(runtime_->options(), &verifier_, metrics_.get(), &early);
  service_->set_runtime(&runtime);
  CallResult r =
      Call({.authorization =
                "Bearer " + Token(kAllowed, absl::Now() - absl::Hours(4))});
  service_->set_runtime(runtime_.get());
  EXPECT_EQ(r.status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(RpcRuntimeTest, ExceptionsBecomeInternalAndTheServerKeepsServing) {
  CallResult r = Call({.mode = "throw"});
  EXPECT_EQ(r.status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_EQ(r.status.error_message(), "internal error");
  r = Call({.mode = "throw_int"});
  EXPECT_EQ(r.status.error_code(), grpc::StatusCode::INTERNAL);
  r = Call({});
  EXPECT_TRUE(r.status.ok()) << r.status.error_message();
}

TEST_F(RpcRuntimeTest, SqlExceptionsAreMapped) {
  CallResult r = Call({.mode = "sql_duplicate"});
  EXPECT_EQ(r.status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
}

TEST_F(RpcRuntimeTest, FieldViolationsReachTheClientInTheTrailer) {
  CallResult r = Call({.mode = "invalid"});
  ASSERT_EQ(r.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(r.status.error_message(), "after_sequence: must not be negative");
  auto it = r.trailing_metadata.find("grpc-status-details-bin");
  ASSERT_NE(it, r.trailing_metadata.end());
  google::rpc::Status rich;
  ASSERT_TRUE(rich.ParseFromString(it->second));
  EXPECT_EQ(rich.code(), 3);
  ASSERT_EQ(rich.details_size(), 1);
  google::rpc::BadRequest bad_request;
  ASSERT_TRUE(rich.details(0).UnpackTo(&bad_request));
  ASSERT_EQ(bad_request.field_violations_size(), 1);
  EXPECT_EQ(bad_request.field_violations(0).field(), "after_sequence");
  // And the client-side helper reads them back.
  EXPECT_EQ(ViolationsOf(FromGrpcStatus(r.status)).size(), 1u);
}

}  // namespace
}  // namespace csm::rpc_test
