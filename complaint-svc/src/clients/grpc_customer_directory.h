#ifndef CSM_COMPLAINT_SVC_SRC_CLIENTS_GRPC_CUSTOMER_DIRECTORY_H_
#define CSM_COMPLAINT_SVC_SRC_CLIENTS_GRPC_CUSTOMER_DIRECTORY_H_

// The CustomerDirectory (app/customer_directory.h) over gRPC: a store-like
// adapter whose storage is another service. It sits in src/clients/, not
// src/store/, because it links gRPC, which the store layer must not.

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/service_client.h"
#include "complaint-svc/src/app/customer_directory.h"
#include "csm/customer/v1/customer.grpc.pb.h"

namespace csm::complaint {

// customer-svc's address, the shared JWT secret and issuer, and the retry
// policy (common/service_client.h); `peer` and `self` default to
// "customer-svc" and "complaint-svc".
using GrpcCustomerDirectoryOptions = ServiceClientOptions;

// customer-svc's GetCustomer (masked view) through a ServiceClient: each
// lookup returns by the caller's deadline whatever customer-svc does.
// NOT_FOUND stays NOT_FOUND; an authentication or permission error is
// complaint-svc's own misconfiguration (its service token) and becomes
// INTERNAL, never blamed on the caller. Thread-safe.
class GrpcCustomerDirectory final : public CustomerDirectory {
 public:
  explicit GrpcCustomerDirectory(GrpcCustomerDirectoryOptions options);

  absl::StatusOr<CustomerFacts> Lookup(absl::string_view customer_name,
                                       absl::Time deadline) override;

  // Attempts made since construction (tests, metrics).
  int64_t attempts() const { return client_.attempts(); }

 private:
  ServiceClient client_;
  std::unique_ptr<customer::v1::CustomerService::Stub> stub_;
};

}  // namespace csm::complaint

#endif  // CSM_COMPLAINT_SVC_SRC_CLIENTS_GRPC_CUSTOMER_DIRECTORY_H_
