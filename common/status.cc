#include "common/status.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "common/text.h"
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
// Not a type URL: never forwarded to clients.
constexpr char kErrorClassPayload[] = "csm.log/error_class";

constexpr absl::string_view kEllipsis = "\xE2\x80\xA6";     // …
constexpr absl::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
// Room the summary violation needs at most (field, description, framing).
constexpr size_t kSummaryReserveBytes =
    kMaxViolationFieldBytes + 80 + 8;  // description below is ~70 bytes
// Details other than BadRequest are forwarded while they fit in this.
constexpr size_t kMaxOtherDetailsBytes = 512;
constexpr size_t kMaxLoggedFields = 20;
constexpr size_t kMaxLoggedFieldBytes = 64;

// Appends `s` with invalid bytes (and, when `controls` is set, control
// characters) as U+FFFD, stopping before `max_bytes` would be exceeded.
// Returns whether all of `s` fit.
bool AppendSanitized(std::string* out, absl::string_view s, size_t max_bytes,
                     bool controls) {
  for (size_t i = 0; i < s.size();) {
    const size_t n = Utf8SequenceLength(s, i);
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const bool replace = n == 0 || (controls && (c < 0x20 || c == 0x7f));
    const absl::string_view piece = replace ? kReplacement : s.substr(i, n);
    if (out->size() + piece.size() > max_bytes) return false;
    out->append(piece.data(), piece.size());
    i += n == 0 ? 1 : n;
  }
  return true;
}

// A field path as the services build them: identifiers joined by '.', with
// [index] suffixes of at most 6 digits. Anything else might hold a value.
bool IsFieldPath(absl::string_view s) {
  const auto ident_start = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  };
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  size_t i = 0;
  while (true) {
    if (i >= s.size() || !ident_start(s[i])) return false;
    while (i < s.size() && (ident_start(s[i]) || digit(s[i]))) ++i;
    while (i < s.size() && s[i] == '[') {
      const size_t start = ++i;
      while (i < s.size() && digit(s[i])) ++i;
      if (i == start || i - start > 6 || i >= s.size() || s[i] != ']') {
        return false;
      }
      ++i;
    }
    if (i == s.size()) return true;
    if (s[i++] != '.') return false;
  }
}

// The bounded BadRequest of `violations`: see FieldViolations.
google::rpc::BadRequest BoundedBadRequest(
    const std::vector<std::pair<std::string, std::string>>& violations) {
  google::rpc::BadRequest out;
  size_t listed = 0;
  for (; listed < violations.size(); ++listed) {
    if (listed == kMaxListedViolations) break;
    const auto& [field, description] = violations[listed];
    google::rpc::BadRequest::FieldViolation v;
    v.set_field(Truncate(field, kMaxViolationFieldBytes));
    v.set_description(Truncate(description, kMaxViolationDescriptionBytes));
    // A field of the repeated message: tag, length, payload.
    const size_t entry = v.ByteSizeLong() + 3;
    const bool last = listed + 1 == violations.size();
    const size_t reserve = last ? 0 : kSummaryReserveBytes;
    if (out.ByteSizeLong() + entry + reserve > kMaxBadRequestBytes) break;
    *out.add_field_violations() = std::move(v);
  }
  if (listed < violations.size()) {
    auto* summary = out.add_field_violations();
    summary->set_field(
        Truncate(violations[listed].first, kMaxViolationFieldBytes));
    summary->set_description(
        absl::StrCat("and ", violations.size() - listed,
                     " more violations, from this field on, not listed (",
                     listed, " listed)"));
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> ViolationsIn(
    const google::rpc::BadRequest& bad_request) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& v : bad_request.field_violations()) {
    out.emplace_back(v.field(), v.description());
  }
  return out;
}

}  // namespace

std::string Quote(absl::string_view value) {
  const absl::string_view shown = PrefixChars(value, kMaxQuotedChars);
  std::string out = "\"";
  AppendSanitized(&out, shown, std::string::npos, /*controls=*/true);
  if (shown.size() < value.size())
    out.append(kEllipsis.data(), kEllipsis.size());
  out.push_back('"');
  return out;
}

std::string Truncate(absl::string_view text, size_t max_bytes) {
  std::string out;
  if (AppendSanitized(&out, text, max_bytes, /*controls=*/false)) return out;
  // Cut again with room for the ellipsis.
  out.clear();
  if (max_bytes < kEllipsis.size()) return out;
  AppendSanitized(&out, text, max_bytes - kEllipsis.size(),
                  /*controls=*/false);
  out.append(kEllipsis.data(), kEllipsis.size());
  return out;
}

void FieldViolations::Add(std::string field, std::string description) {
  violations_.emplace_back(std::move(field), std::move(description));
}

absl::Status FieldViolations::ToStatus(absl::string_view message) const {
  if (violations_.empty()) return absl::OkStatus();
  const google::rpc::BadRequest bad_request = BoundedBadRequest(violations_);
  std::string text(message);
  if (text.empty()) {
    // A summary that is useful even to a client that ignores the details;
    // ToGrpcStatus cuts it to its bound.
    for (const auto& v : bad_request.field_violations()) {
      if (text.size() > kMaxStatusMessageBytes) break;
      absl::StrAppend(&text, text.empty() ? "" : "; ", v.field(), ": ",
                      v.description());
    }
    if (violations_.size() > 1 && text.size() > kMaxStatusMessageBytes) {
      const std::string suffix =
          absl::StrCat(" (", violations_.size(), " violations)");
      text = Truncate(text, kMaxStatusMessageBytes - suffix.size()) + suffix;
    }
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
  absl::optional<absl::Cord> payload = status.GetPayload(kBadRequestTypeUrl);
  if (!payload.has_value()) return {};
  google::rpc::BadRequest bad_request;
  if (!bad_request.ParseFromString(std::string(*payload))) return {};
  return ViolationsIn(bad_request);
}

absl::Status WithErrorClass(absl::Status status,
                            absl::string_view error_class) {
  if (!status.ok())
    status.SetPayload(kErrorClassPayload, absl::Cord(error_class));
  return status;
}

std::string ErrorClassOf(const absl::Status& status) {
  if (absl::optional<absl::Cord> c = status.GetPayload(kErrorClassPayload);
      c.has_value()) {
    return std::string(*c);
  }
  if (status.GetPayload(kBadRequestTypeUrl).has_value()) {
    return "field_violations";
  }
  return "";
}

std::string LoggableStatus(const absl::Status& status) {
  return absl::StatusCodeToString(status.code());
}

std::string ViolationFieldsForLog(const absl::Status& status) {
  std::string out;
  size_t n = 0;
  for (const auto& [field, description] : ViolationsOf(status)) {
    if (n++ == kMaxLoggedFields) {
      out.append(",…");
      break;
    }
    if (!out.empty()) out.push_back(',');
    const bool path =
        field.size() <= kMaxLoggedFieldBytes && IsFieldPath(field);
    out.append(path ? field : "?");
  }
  return out;
}

google::rpc::Status ToRpcStatus(const absl::Status& status) {
  google::rpc::Status rich;
  rich.set_code(static_cast<int>(status.code()));
  rich.set_message(Truncate(status.message(), kMaxStatusMessageBytes));
  size_t other_bytes = 0;
  status.ForEachPayload([&](absl::string_view type_url,
                            const absl::Cord& payload) {
    // Only protobuf payloads are meaningful to clients as Any details.
    if (!absl::StartsWith(type_url, kTypeUrlPrefix)) return;
    std::string value(payload);
    if (type_url == kBadRequestTypeUrl) {
      // Violations made elsewhere (another service's reply) are bounded too.
      google::rpc::BadRequest bad_request;
      if (value.size() > kMaxBadRequestBytes &&
          bad_request.ParseFromString(value)) {
        value =
            BoundedBadRequest(ViolationsIn(bad_request)).SerializeAsString();
      }
      if (value.size() > kMaxBadRequestBytes) return;
    } else {
      if (other_bytes + value.size() > kMaxOtherDetailsBytes) return;
      other_bytes += value.size();
    }
    google::protobuf::Any* any = rich.add_details();
    any->set_type_url(std::string(type_url));
    any->set_value(std::move(value));
  });
  return rich;
}

}  // namespace csm
