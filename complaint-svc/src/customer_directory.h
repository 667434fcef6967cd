#ifndef CSM_COMPLAINT_SVC_SRC_CUSTOMER_DIRECTORY_H_
#define CSM_COMPLAINT_SVC_SRC_CUSTOMER_DIRECTORY_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "csm/customer/v1/customer.grpc.pb.h"

namespace csm::complaint {

// What complaint-svc needs to know about a customer, as customer-svc
// reports it (no personal data).
struct CustomerFacts {
  std::string name;  // "customers/{id}"
  std::string display_name;
  std::string grade;  // "A", "B", "C"
  std::string owner_id;
  std::string department;
  bool open = true;
};

class CustomerDirectory {
 public:
  virtual ~CustomerDirectory() = default;
  // NOT_FOUND if customer-svc says so; UNAVAILABLE / DEADLINE_EXCEEDED after
  // bounded retries when it can't be reached.
  virtual absl::StatusOr<CustomerFacts> Lookup(absl::string_view customer_name,
                                               absl::Time deadline) = 0;
};

struct GrpcCustomerDirectoryOptions {
  // customer-svc, "host:port".
  std::string address = "127.0.0.1:50051";
  // The shared HS256 secret and issuer: the directory mints its own service
  // token (staff "complaint-svc", role service).
  std::string jwt_secret;
  std::string jwt_issuer;
  int max_attempts = 3;
  absl::Duration per_attempt_timeout = absl::Seconds(2);
  absl::Duration min_backoff = absl::Milliseconds(50);
  absl::Duration max_backoff = absl::Milliseconds(200);
  absl::Duration token_ttl = absl::Minutes(10);
};

// customer-svc's GetCustomer (masked view) over one gRPC channel. Each
// attempt gets min(remaining, per_attempt_timeout); UNAVAILABLE,
// RESOURCE_EXHAUSTED and an attempt's own DEADLINE_EXCEEDED are retried
// after a jittered backoff, at most max_attempts in all, never past the
// caller's deadline. Thread-safe.
class GrpcCustomerDirectory final : public CustomerDirectory {
 public:
  explicit GrpcCustomerDirectory(GrpcCustomerDirectoryOptions options);

  absl::StatusOr<CustomerFacts> Lookup(absl::string_view customer_name,
                                       absl::Time deadline) override;

  // Attempts made since construction (tests, metrics).
  int64_t attempts() const { return attempts_.load(); }

 private:
  // The current service token, minted again a minute before it expires.
  absl::StatusOr<std::string> Token();

  GrpcCustomerDirectoryOptions options_;
  std::unique_ptr<customer::v1::CustomerService::Stub> stub_;
  std::atomic<int64_t> attempts_{0};
  std::mutex token_mu_;
  std::string token_;
  absl::Time token_expiry_ = absl::InfinitePast();
};

}  // namespace csm::complaint

#endif  // CSM_COMPLAINT_SVC_SRC_CUSTOMER_DIRECTORY_H_
