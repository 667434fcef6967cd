// What a handler, and the app code it calls, knows about the call it
// serves: a plain struct, so app and store code need no gRPC. RpcRuntime
// (common/rpc.h) fills it at the edge.
#ifndef CSM_COMMON_CALL_CONTEXT_H_
#define CSM_COMMON_CALL_CONTEXT_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/principal.h"

namespace csm {

struct CallContext {
  Principal principal;
  // Short method name, e.g. "CreateCustomer".
  std::string method;
  // From the "x-request-id" metadata, else generated. Echoed back in the
  // response's initial metadata and carried by every log line of the call.
  std::string request_id;
  // The client's deadline, or now + the default when it set none, capped at
  // the configured maximum.
  absl::Time deadline;
  // When the call started, by the runtime's (business) clock: what domain
  // rules call "now". `deadline` is on the wall clock, since the pool, locks
  // and remote calls wait in real time; tests that move the business clock
  // therefore never starve I/O.
  absl::Time start;
};

// PERMISSION_DENIED naming the roles `what` needs ("CloseCustomer needs one
// of roles [supervisor,manager]; caller u100 has [agent]") unless the caller
// has one of `roles`. RpcRuntime checks each method's roles with it.
absl::Status RequireRole(const CallContext& call, RoleSet roles,
                         absl::string_view what);

}  // namespace csm

#endif  // CSM_COMMON_CALL_CONTEXT_H_
