#include "common/grpc_status.h"

#include <string>

#include "absl/strings/cord.h"
#include "common/status.h"
#include "google/protobuf/any.pb.h"
#include "google/rpc/status.pb.h"

namespace csm {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  // absl and gRPC use the same canonical code numbers.
  const auto code = static_cast<grpc::StatusCode>(status.code());
  const google::rpc::Status rich = ToRpcStatus(status);
  if (rich.details_size() == 0) return grpc::Status(code, rich.message());
  return grpc::Status(code, rich.message(), rich.SerializeAsString());
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  absl::Status out(static_cast<absl::StatusCode>(status.error_code()),
                   status.error_message());
  if (status.error_details().empty()) return out;
  google::rpc::Status rich;
  // Details we cannot parse are dropped: the code and message still stand.
  if (!rich.ParseFromString(status.error_details())) return out;
  for (const google::protobuf::Any& any : rich.details()) {
    out.SetPayload(any.type_url(), absl::Cord(any.value()));
  }
  return out;
}

}  // namespace csm
