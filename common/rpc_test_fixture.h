// The RpcRuntime tests' fixture (rpc_test.cc: auth, request ids, deadlines,
// queueing, errors; rpc_telemetry_test.cc: metrics and logs;
// rpc_headers_test.cc: header limits): a real gRPC server whose
// EventService runs its bodies through RpcRuntime::Handle.
#ifndef CSM_COMMON_RPC_TEST_FIXTURE_H_
#define CSM_COMMON_RPC_TEST_FIXTURE_H_

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
#include "common/rpc.h"
#include "common/server.h"
#include "common/status.h"
#include "csm/events/v1/events.grpc.pb.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace csm::rpc_test {

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

inline std::string Token(RoleSet roles, absl::Time now = absl::Now()) {
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

}  // namespace csm::rpc_test

#endif  // CSM_COMMON_RPC_TEST_FIXTURE_H_
