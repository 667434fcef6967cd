#include "common/status.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "google/protobuf/any.pb.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace csm {
namespace {

// Payload type URLs are the Any type URLs of the protobuf message they hold,
// so the edge can forward any of them as google.rpc.Status details.
constexpr char kTypeUrlPrefix[] = "type.googleapis.com/";
constexpr char kBadRequestTypeUrl[] =
    "type.googleapis.com/google.rpc.BadRequest";

}  // namespace

void FieldViolations::Add(std::string field, std::string description) {
  violations_.emplace_back(std::move(field), std::move(description));
}

absl::Status FieldViolations::ToStatus(absl::string_view message) const {
  if (violations_.empty()) return absl::OkStatus();
  std::string text(message);
  if (text.empty()) {
    // A summary that is useful even to a client that ignores the details.
    for (const auto& [field, description] : violations_) {
      absl::StrAppend(&text, text.empty() ? "" : "; ", field, ": ",
                      description);
    }
  }
  google::rpc::BadRequest bad_request;
  for (const auto& [field, description] : violations_) {
    auto* v = bad_request.add_field_violations();
    v->set_field(field);
    v->set_description(description);
  }
  absl::Status status(absl::StatusCode::kInvalidArgument, text);
  status.SetPayload(kBadRequestTypeUrl,
                    absl::Cord(bad_request.SerializeAsString()));
  return status;
}

absl::Status InvalidField(std::string field, std::string description) {
  FieldViolations violations;
  violations.Add(std::move(field), std::move(description));
  return violations.ToStatus();
}

std::vector<std::pair<std::string, std::string>> ViolationsOf(
    const absl::Status& status) {
  std::vector<std::pair<std::string, std::string>> out;
  absl::optional<absl::Cord> payload = status.GetPayload(kBadRequestTypeUrl);
  if (!payload.has_value()) return out;
  google::rpc::BadRequest bad_request;
  if (!bad_request.ParseFromString(std::string(*payload))) return out;
  for (const auto& v : bad_request.field_violations()) {
    out.emplace_back(v.field(), v.description());
  }
  return out;
}

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  // absl and gRPC use the same canonical code numbers.
  const auto code = static_cast<grpc::StatusCode>(status.code());
  const std::string message(status.message());

  google::rpc::Status rich;
  status.ForEachPayload(
      [&rich](absl::string_view type_url, const absl::Cord& payload) {
        // Only protobuf payloads are meaningful to clients as Any details.
        if (!absl::StartsWith(type_url, kTypeUrlPrefix)) return;
        google::protobuf::Any* any = rich.add_details();
        any->set_type_url(std::string(type_url));
        any->set_value(std::string(payload));
      });
  if (rich.details_size() == 0) return grpc::Status(code, message);
  rich.set_code(static_cast<int>(status.code()));
  rich.set_message(message);
  return grpc::Status(code, message, rich.SerializeAsString());
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
