#include "complaint-svc/src/customer_directory.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <utility>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/auth.h"
#include "common/log.h"

namespace csm::complaint {
namespace {

namespace cv1 = ::csm::customer::v1;

constexpr char kServiceStaffId[] = "complaint-svc";

std::string GradeLetter(cv1::Grade grade) {
  switch (grade) {
    case cv1::GRADE_A:
      return "A";
    case cv1::GRADE_B:
      return "B";
    case cv1::GRADE_C:
      return "C";
    default:
      return "";
  }
}

bool Retryable(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAVAILABLE ||
         code == grpc::StatusCode::DEADLINE_EXCEEDED ||
         code == grpc::StatusCode::RESOURCE_EXHAUSTED;
}

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address) {
  grpc::ChannelArguments args;
  // We retry ourselves, within the caller's deadline; no hidden retries.
  args.SetInt(GRPC_ARG_ENABLE_RETRIES, 0);
  // The default reconnect backoff grows to 120 s: after a customer-svc
  // restart registrations would be refused for minutes. Cap it at 1 s.
  // (Not GRPC_ARG_MIN_RECONNECT_BACKOFF_MS: it is also the connect timeout,
  // and a short one fails slow handshakes.)
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  // With "dns:///customer-svc-headless:50051" (k8s) calls spread over every
  // ready replica instead of sticking to one connection.
  args.SetLoadBalancingPolicyName("round_robin");
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(),
                                   args);
}

}  // namespace

GrpcCustomerDirectory::GrpcCustomerDirectory(
    GrpcCustomerDirectoryOptions options)
    : options_(std::move(options)),
      stub_(cv1::CustomerService::NewStub(MakeChannel(options_.address))) {}

absl::StatusOr<std::string> GrpcCustomerDirectory::Token() {
  // Wall time, not the service's injected clock: customer-svc checks "exp"
  // against its own real clock.
  const absl::Time now = absl::Now();
  std::lock_guard<std::mutex> lock(token_mu_);
  if (token_.empty() || now >= token_expiry_ - absl::Minutes(1)) {
    Principal self;
    self.staff_id = kServiceStaffId;
    self.roles = RoleSet{Role::kService};
    absl::StatusOr<std::string> token =
        MintToken(options_.jwt_secret, options_.jwt_issuer, self, now,
                  options_.token_ttl);
    if (!token.ok()) {
      return absl::InternalError(absl::StrCat(
          "complaint-svc cannot mint its service token for customer-svc: ",
          token.status().message()));
    }
    token_ = *std::move(token);
    token_expiry_ = now + options_.token_ttl;
  }
  return token_;
}

absl::StatusOr<CustomerFacts> GrpcCustomerDirectory::Lookup(
    absl::string_view customer_name, absl::Time deadline) {
  absl::StatusOr<std::string> token = Token();
  if (!token.ok()) return token.status();
  cv1::GetCustomerRequest req;
  req.set_name(std::string(customer_name));
  req.set_view(cv1::CUSTOMER_VIEW_MASKED);  // no personal data needed

  grpc::Status last;
  int attempt = 0;
  while (true) {
    const absl::Time now = absl::Now();
    if (now >= deadline) break;
    ++attempt;
    attempts_.fetch_add(1);
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", absl::StrCat("Bearer ", *token));
    ctx.set_deadline(absl::ToChronoTime(
        std::min(deadline, now + options_.per_attempt_timeout)));
    cv1::Customer customer;
    last = stub_->GetCustomer(&ctx, req, &customer);
    if (last.ok()) {
      CustomerFacts facts;
      facts.name = customer.name();
      facts.display_name = customer.display_name();
      facts.grade = GradeLetter(customer.grade());
      facts.owner_id = customer.owner_id();
      facts.department = customer.department();
      facts.open = customer.state() != cv1::ARCHIVE_STATE_CLOSED;
      return facts;
    }
    if (!Retryable(last.error_code()) || attempt >= options_.max_attempts) {
      break;
    }
    // Jitter spreads the retries of many callers after a blip.
    absl::Duration backoff;
    {
      thread_local absl::BitGen gen;
      backoff = absl::Microseconds(absl::Uniform<int64_t>(
          absl::IntervalClosed, gen,
          absl::ToInt64Microseconds(options_.min_backoff),
          absl::ToInt64Microseconds(options_.max_backoff)));
    }
    if (absl::Now() + backoff >= deadline) break;
    log::Warning("customer-svc call failed; retrying",
                 {{"customer", customer_name},
                  {"attempt", absl::StrCat(attempt)},
                  {"error", last.error_message()}});
    absl::SleepFor(backoff);
  }

  const std::string where =
      absl::StrCat(" (", attempt, attempt == 1 ? " attempt" : " attempts",
                   " to ", options_.address, ")");
  if (attempt == 0) {
    return absl::DeadlineExceededError(
        absl::StrCat("no time left to ask customer-svc about ", customer_name));
  }
  switch (last.error_code()) {
    case grpc::StatusCode::NOT_FOUND:
      return absl::NotFoundError(absl::StrCat(
          "customer ", customer_name, " does not exist in customer-svc"));
    case grpc::StatusCode::INVALID_ARGUMENT:
      return absl::InvalidArgumentError(
          absl::StrCat("customer-svc refused the customer name '",
                       customer_name, "': ", last.error_message()));
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return absl::DeadlineExceededError(
          absl::StrCat("customer-svc did not answer about ", customer_name,
                       " in time", where, ": ", last.error_message()));
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return absl::UnavailableError(
          absl::StrCat("customer-svc is unavailable", where, ": ",
                       last.error_message(), "; retry later"));
    default:
      // Authentication or permission errors here are complaint-svc's own
      // misconfiguration (service token), not the caller's fault.
      return absl::InternalError(
          absl::StrCat("customer-svc refused complaint-svc's lookup of ",
                       customer_name, ": ", last.error_message()));
  }
}

}  // namespace csm::complaint
