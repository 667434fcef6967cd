#ifndef CSM_TOOLS_DEMO_COMPLAINTS_H_
#define CSM_TOOLS_DEMO_COMPLAINTS_H_

// Demo complaints for csm-demo-data: ~15 complaints across categories and
// severities for demo customers, each walked to a different state
// (registered, accepted, transferred, in progress, waiting on customer,
// resolved, confirmed, closed, reopened, rejected), one repeat contact
// linked to its open complaint, and three critical ones left unaccepted so
// that complaint-svc's escalation sweep escalates them once their
// 15-working-minute acknowledge deadline passes.

#include <grpcpp/channel.h>

#include <cstdint>
#include <memory>
#include <string>

namespace csm::demo {

// Loads them through complaint-svc at `complaints`, picking customers from
// customer-svc at `customers` (the first open archives). Every call carries
// a request id derived from `seed`, so running it again changes nothing.
// False after printing the first unexpected error.
bool LoadDemoComplaints(std::shared_ptr<grpc::Channel> customers,
                        std::shared_ptr<grpc::Channel> complaints,
                        const std::string& token, uint64_t seed);

}  // namespace csm::demo

#endif  // CSM_TOOLS_DEMO_COMPLAINTS_H_
