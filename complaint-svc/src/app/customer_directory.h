#ifndef CSM_COMPLAINT_SVC_SRC_APP_CUSTOMER_DIRECTORY_H_
#define CSM_COMPLAINT_SVC_SRC_APP_CUSTOMER_DIRECTORY_H_

// What registration asks customer-svc about a customer: the app's port. The
// gRPC adapter is src/clients/grpc_customer_directory.h; tests may plug in
// their own.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

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

}  // namespace csm::complaint

#endif  // CSM_COMPLAINT_SVC_SRC_APP_CUSTOMER_DIRECTORY_H_
