// The archives or complaints a csm-load run addresses, listed once before
// the load starts (tools/load.cc).
#ifndef CSM_TOOLS_LOAD_TARGETS_H_
#define CSM_TOOLS_LOAD_TARGETS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tools/load_requests.h"

namespace csm::load {

struct TargetQuery {
  std::string customers_addr;   // customer-svc: archives
  std::string complaints_addr;  // complaint-svc: complaints
  std::string token;
  absl::Duration timeout;
  int max = 1000;
};

// What `method` addresses: the resource names of archives (customer
// methods, register_complaint) or of complaints in the state the method
// acts on (accept_complaint: registered; investigate_complaint: accepted).
// FAILED_PRECONDITION when there are none.
absl::StatusOr<std::vector<std::string>> ListTargets(const TargetQuery& query,
                                                     Method method);

}  // namespace csm::load

#endif  // CSM_TOOLS_LOAD_TARGETS_H_
