// Request ids, error text and the health-check wire format.
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/wire_format_lite.h>

#include "absl/strings/str_cat.h"
#include "common/grpc_status.h"
#include "common/status.h"
#include "common/uuid.h"
#include "tools/csmctl_lib.h"

namespace csm::csmctl {

namespace pb = ::google::protobuf;
using pb::internal::WireFormatLite;

std::string NewRequestId() { return NewUuidV4(); }

std::string FormatRpcError(const grpc::Status& status) {
  const absl::Status s = FromGrpcStatus(status);
  std::string out =
      absl::StrCat("ERROR ",
                   absl::StatusCodeToString(
                       static_cast<absl::StatusCode>(status.error_code())),
                   ": ", status.error_message(), "\n");
  for (const auto& [field, description] : ViolationsOf(s)) {
    absl::StrAppend(&out, "  ", field, ": ", description, "\n");
  }
  return out;
}

std::string EncodeHealthCheckRequest(absl::string_view service) {
  std::string out;
  if (service.empty()) return out;  // proto3: the default is not written
  {
    pb::io::StringOutputStream stream(&out);
    pb::io::CodedOutputStream coded(&stream);
    coded.WriteTag(
        WireFormatLite::MakeTag(1, WireFormatLite::WIRETYPE_LENGTH_DELIMITED));
    coded.WriteVarint32(static_cast<uint32_t>(service.size()));
    coded.WriteRaw(service.data(), static_cast<int>(service.size()));
  }
  return out;
}

absl::StatusOr<int> DecodeHealthCheckResponse(absl::string_view bytes) {
  pb::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                              static_cast<int>(bytes.size()));
  int status = 0;
  const uint32_t status_tag =
      WireFormatLite::MakeTag(1, WireFormatLite::WIRETYPE_VARINT);
  while (uint32_t tag = in.ReadTag()) {
    if (tag == status_tag) {
      uint32_t v = 0;
      if (!in.ReadVarint32(&v)) break;
      status = static_cast<int>(v);
    } else if (!WireFormatLite::SkipField(&in, tag)) {
      break;
    }
  }
  if (!in.ConsumedEntireMessage()) {
    return absl::DataLossError("malformed grpc.health.v1.HealthCheckResponse");
  }
  return status;
}

std::string HealthStatusName(int status) {
  switch (status) {
    case 0:
      return "UNKNOWN";
    case 1:
      return "SERVING";
    case 2:
      return "NOT_SERVING";
    case 3:
      return "SERVICE_UNKNOWN";
    default:
      return absl::StrCat("STATUS_", status);
  }
}

}  // namespace csm::csmctl
