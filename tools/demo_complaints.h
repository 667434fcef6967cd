#ifndef CSM_TOOLS_DEMO_COMPLAINTS_H_
#define CSM_TOOLS_DEMO_COMPLAINTS_H_

// Demo complaints for csm-demo-data: ~15 complaints across categories and
// severities for demo customers, each walked to a different state
// (registered, accepted, transferred, in progress, waiting on customer,
// resolved, confirmed, closed, reopened, rejected), one repeat contact
// linked to its open complaint, and three critical ones left unaccepted so
// that complaint-svc's escalation sweep escalates them once their
// 15-working-minute acknowledge deadline passes.
//
// Complaints are registered (and followed up: confirm, close, reopen) with
// the loader's token, the first responder of 客服部; each handling
// department handles and decides on its own complaints (docs/api.md "Who
// may act on a complaint"), so those steps use `staff_of(department)`, a
// token of a demo supervisor of that department.

#include <grpcpp/channel.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace csm::demo {

// A bearer token of a demo staff member of `department`.
using DepartmentTokens = std::function<std::string(const std::string&)>;

// Loads them through complaint-svc at `complaints`, picking customers from
// customer-svc at `customers` (the first open archives). Every call carries
// a request id derived from `seed`, so running it again changes nothing.
// Without `staff_of` every step uses `token`, and a complaint whose step
// that token may not take stays where it is (said so). False after
// printing the first unexpected error.
bool LoadDemoComplaints(std::shared_ptr<grpc::Channel> customers,
                        std::shared_ptr<grpc::Channel> complaints,
                        const std::string& token,
                        const DepartmentTokens& staff_of, uint64_t seed);

}  // namespace csm::demo

#endif  // CSM_TOOLS_DEMO_COMPLAINTS_H_
