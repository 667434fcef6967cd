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
#include "common/server.h"
#include "common/status.h"
#include "csm/events/v1/events.grpc.pb.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace csm {
namespace {

using ::csm::events::v1::EventService;
using ::csm::events::v1::StreamEventsRequest;
using ::csm::events::v1::StreamEventsResponse;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

constexpr char kSecret[] = "rpc-test-secret-0123456789";
constexpr char kIssuer[] = "csm-test";
constexpr RoleSet kAllowed = {Role::kSupervisor, Role::kService};
constexpr char kUuidRegex[] =
    "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";

std::string Token(RoleSet roles, absl::Time now = absl::Now()) {
  Principal p{"u100", "客服部", roles};
  return *MintToken(kSecret, kIssuer, p, now, absl::Hours(1));
}

// EventService as a vehicle for RpcRuntime::Handle: the first event type
// selects what the body does; the response reports what the body saw.
class TestEventService final : public EventService::Service {
 public:
  explicit TestEventService(RpcRuntime* runtime) : runtime_(runtime) {}
  void set_runtime(RpcRuntime* runtime) { runtime_.store(runtime); }

  grpc::Status StreamEvents(
      grpc::ServerContext* context, const StreamEventsRequest* request,
      grpc::ServerWriter<StreamEventsResponse>* writer) override {
    const std::string mode =
        request->event_types_size() > 0 ? request->event_types(0) : "";
    return runtime_.load()->Handle(
        context, "StreamEvents", kAllowed,
        [&](const CallContext& call) -> absl::Status {
          if (mode == "throw") throw std::runtime_error("boom");
          if (mode == "throw_int") throw 42;
          if (mode == "sql_duplicate") {
            throw sql::SQLException("Duplicate entry", "23000", 1062);
          }
          if (mode == "echo_personal_data") {
            FieldViolations v;
            v.Add("filter", absl::StrCat(Quote("110101195302202098"),
                                         " is not a value of Grade"));
            v.Add("customer.contacts[0]", "13900001111 is taken");
            return v.ToStatus();
          }
          if (mode == "throw_personal_data") {
            throw std::invalid_argument("bad phone 13900001111");
          }
          if (mode == "invalid") {
            return InvalidField("after_sequence", "must not be negative");
          }
          if (mode == "hold") {
            // A long-lived stream: one response, then open until cancelled.
            const absl::Time give_up = absl::Now() + absl::Seconds(30);
            int64_t n = 0;
            while (!context->IsCancelled() && absl::Now() < give_up) {
              StreamEventsResponse beat;
              beat.set_last_sequence(++n);
              if (!writer->Write(beat)) break;
              absl::SleepFor(absl::Milliseconds(20));
            }
            return absl::OkStatus();
          }
          if (mode == "role_check") {
            return RequireRole(call, {Role::kManager}, "reading everything");
          }
          StreamEventsResponse response;
          // Milliseconds the body has left, as the runtime computed them.
          response.set_last_sequence(
              absl::ToInt64Milliseconds(call.deadline - call.start));
          auto* event = response.add_events();
          event->set_actor(call.principal.staff_id);
          event->set_request_id(call.request_id);
          event->set_source(call.method);
          event->set_aggregate(log::CurrentRequestId());
          writer->Write(response);
          return absl::OkStatus();
        });
  }

 private:
  std::atomic<RpcRuntime*> runtime_;
};

struct CallResult {
  grpc::Status status;
  std::vector<StreamEventsResponse> responses;
  std::multimap<std::string, std::string> initial_metadata;
  std::multimap<std::string, std::string> trailing_metadata;
};

struct CallOptions {
  std::string mode = "";
  std::optional<std::string> authorization = std::nullopt;
  std::optional<std::string> request_id = std::nullopt;
  std::optional<absl::Duration> timeout = std::nullopt;
};

class RpcRuntimeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions server_options;
    server_options.service_name = "test-svc";
    server_options.listen_address = "127.0.0.1:0";
    server_options.shutdown_grace = absl::Seconds(1);
    host_ = std::make_unique<ServiceHost>(server_options);
    metrics_ = std::make_unique<RpcMetrics>(host_->registry(), "test-svc");
    RpcRuntimeOptions options;
    options.service = "test-svc";
    options.default_deadline = absl::Seconds(3);
    options.max_deadline = absl::Seconds(8);
    runtime_ = std::make_unique<RpcRuntime>(options, &verifier_, metrics_.get(),
                                            &Clock::Real());
    service_ = std::make_unique<TestEventService>(runtime_.get());
    host_->AddService(service_.get());
    ASSERT_TRUE(host_->Start().ok());
    stub_ = EventService::NewStub(grpc::CreateChannel(
        host_->address(), grpc::InsecureChannelCredentials()));
  }

  void TearDown() override { host_->Shutdown(); }

  CallResult Call(const CallOptions& options) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", options.authorization.value_or(
                                             "Bearer " + Token(kAllowed)));
    if (options.request_id)
      context.AddMetadata("x-request-id", *options.request_id);
    if (options.timeout) {
      context.set_deadline(std::chrono::system_clock::now() +
                           absl::ToChronoMilliseconds(*options.timeout));
    }
    StreamEventsRequest request;
    if (!options.mode.empty()) request.add_event_types(options.mode);
    CallResult result;
    auto reader = stub_->StreamEvents(&context, request);
    StreamEventsResponse response;
    while (reader->Read(&response)) result.responses.push_back(response);
    result.status = reader->Finish();
    for (const auto& [k, v] : context.GetServerInitialMetadata()) {
      result.initial_metadata.emplace(std::string(k.data(), k.size()),
                                      std::string(v.data(), v.size()));
    }
    for (const auto& [k, v] : context.GetServerTrailingMetadata()) {
      result.trailing_metadata.emplace(std::string(k.data(), k.size()),
                                       std::string(v.data(), v.size()));
    }
    return result;
  }

  // Value of grpc_server_handled_total for StreamEvents and `code`.
  double Handled(const std::string& code) {
    for (const auto& family : host_->registry().Collect()) {
      if (family.name != "grpc_server_handled_total") continue;
      for (const auto& metric : family.metric) {
        std::map<std::string, std::string> labels;
        for (const auto& l : metric.label) labels[l.name] = l.value;
        if (labels["grpc_service"] == "test-svc" &&
            labels["grpc_method"] == "StreamEvents" &&
            labels["grpc_code"] == code) {
          return metric.counter.value;
        }
      }
    }
    return 0;
  }

  TokenVerifier verifier_{kSecret, kIssuer};
  std::unique_ptr<TestEventService> service_;
  std::unique_ptr<RpcMetrics> metrics_;
  std::unique_ptr<RpcRuntime> runtime_;
  std::unique_ptr<ServiceHost> host_;
  std::unique_ptr<EventService::Stub> stub_;
};

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

TEST_F(RpcRuntimeTest, CountsCallsByCode) {
  const double ok_before = Handled("OK");
  Call({});
  Call({});
  Call({.authorization = ""});
  Call({.mode = "throw"});
  EXPECT_EQ(Handled("OK") - ok_before, 2);
  EXPECT_EQ(Handled("Unauthenticated"), 1);
  EXPECT_EQ(Handled("Internal"), 1);
  EXPECT_EQ(Handled("PermissionDenied"), 0);

  bool found_histogram = false;
  for (const auto& family : host_->registry().Collect()) {
    if (family.name != "grpc_server_handling_seconds") continue;
    for (const auto& metric : family.metric) {
      found_histogram = true;
      EXPECT_EQ(metric.histogram.sample_count, 4u);
      EXPECT_EQ(metric.histogram.bucket.front().upper_bound, 0.0005);
    }
  }
  EXPECT_TRUE(found_histogram);
}

TEST_F(RpcRuntimeTest, LogsOneLinePerCall) {
  ::testing::internal::CaptureStderr();
  Call({.request_id = "log-test-1"});
  Call({.authorization = "", .request_id = "log-test-2"});
  const std::string logs = ::testing::internal::GetCapturedStderr();
  std::vector<nlohmann::json> lines;
  for (absl::string_view line : absl::StrSplit(logs, '\n', absl::SkipEmpty())) {
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << line;
    if (j.value("msg", "") == "rpc") lines.push_back(j);
  }
  ASSERT_EQ(lines.size(), 2u) << logs;
  EXPECT_EQ(lines[0]["request_id"], "log-test-1");
  EXPECT_EQ(lines[0]["method"], "StreamEvents");
  EXPECT_EQ(lines[0]["code"], "OK");
  EXPECT_EQ(lines[0]["staff_id"], "u100");
  EXPECT_EQ(lines[0]["level"], "info");
  EXPECT_TRUE(lines[0].contains("duration_ms"));
  EXPECT_EQ(lines[1]["request_id"], "log-test-2");
  EXPECT_EQ(lines[1]["code"], "UNAUTHENTICATED");
  EXPECT_EQ(lines[1]["error_class"], "no_token");
  EXPECT_FALSE(lines[1].contains("error")) << "messages never reach the log";
}

TEST_F(RpcRuntimeTest, LogLinesCarryNoRequestValues) {
  ::testing::internal::CaptureStderr();
  Call({.mode = "echo_personal_data", .request_id = "log-pd-1"});
  Call({.mode = "throw_personal_data", .request_id = "log-pd-2"});
  Call({.authorization = "Bearer 13900001111", .request_id = "log-pd-3"});
  const std::string logs = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(logs, ::testing::Not(HasSubstr("13900001111")));
  EXPECT_THAT(logs, ::testing::Not(HasSubstr("110101195302202098")));
  std::map<std::string, nlohmann::json> by_request;
  for (absl::string_view line : absl::StrSplit(logs, '\n', absl::SkipEmpty())) {
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << line;
    if (j.value("msg", "") == "rpc") by_request[j["request_id"]] = j;
  }
  ASSERT_EQ(by_request.size(), 3u) << logs;
  // What went wrong is still there: code, class, field paths.
  EXPECT_EQ(by_request["log-pd-1"]["code"], "INVALID_ARGUMENT");
  EXPECT_EQ(by_request["log-pd-1"]["error_class"], "field_violations");
  EXPECT_EQ(by_request["log-pd-1"]["fields"], "filter,customer.contacts[0]");
  EXPECT_EQ(by_request["log-pd-2"]["code"], "INTERNAL");
  EXPECT_EQ(by_request["log-pd-2"]["error_class"], "unhandled_exception");
  EXPECT_EQ(by_request["log-pd-3"]["error_class"], "token_malformed");
}

// Streams held open on the test's channel ("hold" mode: a beat every 20 ms).
class HeldStreams {
 public:
  HeldStreams(EventService::Stub* stub, int n) {
    for (int i = 0; i < n; ++i) {
      auto held = std::make_unique<Held>();
      held->context.AddMetadata("authorization", "Bearer " + Token(kAllowed));
      StreamEventsRequest request;
      request.add_event_types("hold");
      held->reader = stub->StreamEvents(&held->context, request);
      streams_.push_back(std::move(held));
    }
  }
  ~HeldStreams() {
    for (auto& held : streams_) {
      held->context.TryCancel();
      (void)held->reader->Finish();
    }
  }
  // How many streams still deliver beats.
  int Alive() {
    int alive = 0;
    for (auto& held : streams_) {
      StreamEventsResponse beat;
      if (held->reader->Read(&beat)) ++alive;
    }
    return alive;
  }

 private:
  struct Held {
    grpc::ClientContext context;
    std::unique_ptr<grpc::ClientReader<StreamEventsResponse>> reader;
  };
  std::vector<std::unique_ptr<Held>> streams_;
};

TEST_F(RpcRuntimeTest, AHugeAuthorizationHeaderFailsOnlyItsOwnCall) {
  HeldStreams held(stub_.get(), 5);
  ASSERT_EQ(held.Alive(), 5);
  // 8-20 KB used to end the connection (RESOURCE_EXHAUSTED for every call
  // on it); 100 KB is still within the server's metadata limit.
  for (size_t size :
       {kMaxAuthorizationBytes + 1, size_t{20'000}, size_t{100'000}}) {
    CallResult r = Call({.authorization = "Bearer " + std::string(size, 'a')});
    EXPECT_EQ(r.status.error_code(), grpc::StatusCode::UNAUTHENTICATED)
        << size << ": " << r.status.error_message();
    EXPECT_THAT(r.status.error_message(),
                HasSubstr("the authorization header is"));
    EXPECT_EQ(held.Alive(), 5) << "after a " << size << "-byte header";
    EXPECT_TRUE(Call({}).status.ok());
  }
  // A real token of the largest accepted header size still works.
  const std::string token = Token(kAllowed);
  CallResult padded =
      Call({.authorization =
                "Bearer" +
                std::string(kMaxAuthorizationBytes - 7 - token.size(), ' ') +
                " " + token});
  EXPECT_TRUE(padded.status.ok()) << padded.status.error_message();
}

// Pins gRPC 1.51's behaviour beyond kMaxRequestMetadataBytes (documented in
// docs/operations.md): the connection ends, with every call on it. When an
// upgrade confines this to the call, this test fails: update the docs.
TEST_F(RpcRuntimeTest, HeadersBeyondTheServerLimitStillEndTheConnection) {
  HeldStreams held(stub_.get(), 2);
  ASSERT_EQ(held.Alive(), 2);
  CallResult r =
      Call({.authorization =
                "Bearer " + std::string(kMaxRequestMetadataBytes + 1024, 'a')});
  EXPECT_EQ(r.status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(held.Alive(), 0);
}

TEST(RpcMetricsTest, ObservesCountsAndLatency) {
  prometheus::Registry registry;
  RpcMetrics metrics(registry, "svc");
  metrics.Observe("Get", grpc::StatusCode::OK, 0.001);
  metrics.Observe("Get", grpc::StatusCode::OK, 0.002);
  metrics.Observe("Get", grpc::StatusCode::NOT_FOUND, 0.003);
  metrics.Observe("List", grpc::StatusCode::OK, 20.0);
  std::map<std::string, double> counts;
  for (const auto& family : registry.Collect()) {
    for (const auto& metric : family.metric) {
      std::string key = family.name;
      for (const auto& l : metric.label) key += "|" + l.value;
      counts[key] = family.name == "grpc_server_handled_total"
                        ? metric.counter.value
                        : metric.histogram.sample_count;
    }
  }
  EXPECT_EQ(counts["grpc_server_handled_total|OK|Get|svc"], 2);
  EXPECT_EQ(counts["grpc_server_handled_total|NotFound|Get|svc"], 1);
  EXPECT_EQ(counts["grpc_server_handled_total|OK|List|svc"], 1);
  EXPECT_EQ(counts["grpc_server_handling_seconds|Get|svc"], 3);
  EXPECT_EQ(counts["grpc_server_handling_seconds|List|svc"], 1);
}

TEST(LogTest, WritesValidJsonWithEscapesAndUtf8) {
  log::SetService("log-test");
  ::testing::internal::CaptureStderr();
  {
    log::RequestIdScope scope("rid-1");
    log::Info("hello \"world\"\n", {{"name", "华为"},
                                    {"ctl", "a\tb\x01"},
                                    {"bad", "x\xff\xfey"},
                                    {"back\\slash", "\\"}});
  }
  log::Info("after scope");
  log::Debug("hidden at info level");
  const std::string out = ::testing::internal::GetCapturedStderr();
  std::vector<std::string> lines = absl::StrSplit(out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 2u) << out;

  const nlohmann::json first = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(first["msg"], "hello \"world\"\n");
  EXPECT_EQ(first["svc"], "log-test");
  EXPECT_EQ(first["level"], "info");
  EXPECT_EQ(first["request_id"], "rid-1");
  EXPECT_EQ(first["name"], "华为");
  EXPECT_EQ(first["ctl"], "a\tb\x01");
  EXPECT_EQ(first["bad"], "x\xEF\xBF\xBD\xEF\xBF\xBDy");  // U+FFFD twice
  EXPECT_EQ(first["back\\slash"], "\\");
  EXPECT_THAT(lines[0], HasSubstr("\"name\":\"华为\""));  // not \u escaped
  EXPECT_THAT(first["ts"].get<std::string>(),
              MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\.[0-9]{3}Z"));

  const nlohmann::json second = nlohmann::json::parse(lines[1]);
  EXPECT_FALSE(second.contains("request_id"));
  EXPECT_EQ(log::CurrentRequestId(), "");
}

TEST(LogTest, MinLevelFilters) {
  log::SetMinLevel(log::Level::kWarning);
  ::testing::internal::CaptureStderr();
  log::Info("dropped");
  log::Warning("kept");
  log::Error("kept too");
  const std::string out = ::testing::internal::GetCapturedStderr();
  log::SetMinLevel(log::Level::kInfo);
  EXPECT_THAT(out, ::testing::Not(HasSubstr("dropped")));
  EXPECT_THAT(out, HasSubstr("\"level\":\"warning\""));
  EXPECT_THAT(out, HasSubstr("\"level\":\"error\""));
}

TEST(LogTest, RequestIdScopesNest) {
  log::RequestIdScope outer("outer");
  {
    log::RequestIdScope inner("inner");
    EXPECT_EQ(log::CurrentRequestId(), "inner");
  }
  EXPECT_EQ(log::CurrentRequestId(), "outer");
}

}  // namespace
}  // namespace csm
