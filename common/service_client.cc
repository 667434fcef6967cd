#include "common/service_client.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include <algorithm>
#include <string>
#include <utility>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/auth.h"
#include "common/grpc_status.h"
#include "common/log.h"
#include "common/status.h"

namespace csm {
namespace {

bool Retryable(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAVAILABLE ||
         code == grpc::StatusCode::DEADLINE_EXCEEDED ||
         code == grpc::StatusCode::RESOURCE_EXHAUSTED;
}

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& target) {
  grpc::ChannelArguments args;
  // We retry ourselves, within the caller's deadline; no hidden retries.
  args.SetInt(GRPC_ARG_ENABLE_RETRIES, 0);
  // The default reconnect backoff grows to 120 s: after the peer restarts
  // calls would be refused for minutes. Cap it at 1 s. (Not
  // GRPC_ARG_MIN_RECONNECT_BACKOFF_MS: it is also the connect timeout, and a
  // short one fails slow handshakes.)
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  // With "dns:///peer-headless:port" (Kubernetes) calls spread over every
  // ready replica instead of sticking to one connection.
  args.SetLoadBalancingPolicyName("round_robin");
  return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(),
                                   args);
}

// Jitter spreads the retries of many callers after a blip.
absl::Duration Backoff(absl::Duration min, absl::Duration max) {
  thread_local absl::BitGen gen;
  return absl::Microseconds(absl::Uniform<int64_t>(
      absl::IntervalClosed, gen, absl::ToInt64Microseconds(min),
      absl::ToInt64Microseconds(std::max(min, max))));
}

}  // namespace

ServiceClient::ServiceClient(ServiceClientOptions options)
    : options_(std::move(options)), channel_(MakeChannel(options_.target)) {}

absl::StatusOr<std::string> ServiceClient::Token() {
  // Wall time, not the service's injected clock: the peer checks "exp"
  // against its own real clock.
  const absl::Time now = absl::Now();
  std::lock_guard<std::mutex> lock(token_mu_);
  if (token_.empty() || now >= token_expiry_ - options_.token_refresh_before) {
    Principal self;
    self.staff_id = options_.self;
    self.roles = RoleSet{Role::kService};
    absl::StatusOr<std::string> token =
        MintToken(options_.jwt_secret, options_.jwt_issuer, self, now,
                  options_.token_ttl);
    if (!token.ok()) {
      return absl::InternalError(
          absl::StrCat(options_.self, " cannot mint its service token for ",
                       options_.peer, ": ", token.status().message()));
    }
    token_ = *std::move(token);
    token_expiry_ = now + options_.token_ttl;
  }
  return token_;
}

absl::StatusOr<std::unique_ptr<grpc::ClientContext>> ServiceClient::NewContext(
    absl::Time deadline) {
  absl::StatusOr<std::string> token = Token();
  if (!token.ok()) return token.status();
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->AddMetadata("authorization", absl::StrCat("Bearer ", *token));
  if (deadline != absl::InfiniteFuture()) {
    ctx->set_deadline(absl::ToChronoTime(deadline));
  }
  return ctx;
}

absl::Status ServiceClient::Call(
    absl::string_view method, absl::Time deadline,
    absl::FunctionRef<grpc::Status(grpc::ClientContext&)> attempt) {
  grpc::Status last;
  int made = 0;
  while (true) {
    const absl::Time now = absl::Now();
    if (now >= deadline) break;
    absl::StatusOr<std::unique_ptr<grpc::ClientContext>> ctx =
        NewContext(std::min(deadline, now + options_.per_attempt_timeout));
    if (!ctx.ok()) return ctx.status();
    ++made;
    attempts_.fetch_add(1);
    last = attempt(**ctx);
    if (last.ok()) return absl::OkStatus();
    if (!Retryable(last.error_code()) || made >= options_.max_attempts) break;
    const absl::Duration backoff =
        Backoff(options_.min_backoff, options_.max_backoff);
    if (absl::Now() + backoff >= deadline) break;
    const std::string code = LoggableStatus(FromGrpcStatus(last));
    log::Warning("service call failed; retrying",
                 {{"peer", options_.peer},
                  {"peer_method", method},
                  {"attempt", absl::StrCat(made)},
                  {"code", code}});
    absl::SleepFor(backoff);
  }
  if (made == 0) {
    return absl::DeadlineExceededError(
        absl::StrCat("no time left to call ", options_.peer, " ", method));
  }
  absl::Status status = FromGrpcStatus(last);
  absl::Status out(
      status.code(),
      absl::StrCat(options_.peer, " ", method, ": ", status.message(), " (",
                   made, made == 1 ? " attempt" : " attempts", " to ",
                   options_.target, ")"));
  status.ForEachPayload([&](absl::string_view type_url, const absl::Cord& p) {
    out.SetPayload(type_url, p);
  });
  return out;
}

}  // namespace csm
