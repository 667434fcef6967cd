// absl::Status <-> grpc::Status: the one mapping at the edge of a process.
// Inside, code works with absl::Status (common/status.h); handlers answer
// with ToGrpcStatus (RpcRuntime does it for every call), and a client of
// another service turns the answer back with FromGrpcStatus.
#ifndef CSM_COMMON_GRPC_STATUS_H_
#define CSM_COMMON_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace csm {

// Same canonical code, the message cut to kMaxStatusMessageBytes, and
// google.rpc.Status with the status's protobuf payloads as details (the
// BadRequest bounded as FieldViolations bounds it) in
// grpc-status-details-bin when there are any (ToRpcStatus).
grpc::Status ToGrpcStatus(const absl::Status& status);

// The reverse, for clients (one service calling another): code, message,
// and each detail back as a payload (so ViolationsOf reads them).
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace csm

#endif  // CSM_COMMON_GRPC_STATUS_H_
