// What the customer-svc gRPC services share: the role sets of their methods
// and the route from an RPC to its use case. (The per-archive permission
// checks and event snapshots: src/app/archive_mutation.h.)
#ifndef CSM_CUSTOMER_SVC_API_API_COMMON_H_
#define CSM_CUSTOMER_SVC_API_API_COMMON_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/principal.h"
#include "common/rpc.h"
#include "csm/customer/v1/customer.pb.h"
#include "customer-svc/src/app/archive_mutation.h"
#include "customer-svc/src/app/backend.h"
#include "customer-svc/src/app/roles.h"

namespace csm::customer {

namespace v1 = ::csm::customer::v1;

// Routes one RPC to its use case through the edge (auth, roles, deadline,
// request id, logs, metrics, error mapping).
template <typename Request, typename Response>
grpc::Status Serve(RpcRuntime& runtime, Backend& backend,
                   grpc::ServerContext* ctx, absl::string_view method,
                   RoleSet roles,
                   absl::Status (*use_case)(Backend&, const CallContext&,
                                            const Request&, Response*),
                   const Request* req, Response* resp) {
  return runtime.Handle(ctx, method, roles, [&](const CallContext& call) {
    return use_case(backend, call, *req, resp);
  });
}

}  // namespace csm::customer

#endif  // CSM_CUSTOMER_SVC_API_API_COMMON_H_
