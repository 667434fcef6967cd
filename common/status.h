#ifndef CSM_COMMON_STATUS_H_
#define CSM_COMMON_STATUS_H_

// absl::Status with what csm adds to it: field violations
// (google.rpc.BadRequest) as a payload, bounds on what an error may echo,
// an error class for logs, and the CSM_RETURN_IF_ERROR / CSM_ASSIGN_OR_RETURN
// macros. No gRPC here: domain code builds its errors with this alone; the
// edge maps them with common/grpc_status.h.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace google::rpc {
class Status;
}  // namespace google::rpc

namespace csm {

// Bounds of what an error sends back. Clients accept 8 KiB of trailing
// metadata by default, and the message travels twice (grpc-message,
// percent-encoded, and inside grpc-status-details-bin, base64): with these
// an error stays within about 6.5 KiB whatever the request held, so the
// caller gets its INVALID_ARGUMENT instead of a RESOURCE_EXHAUSTED trailer.
inline constexpr size_t kMaxQuotedChars = 64;          // one echoed value
inline constexpr size_t kMaxStatusMessageBytes = 512;  // the message
inline constexpr size_t kMaxListedViolations = 50;
inline constexpr size_t kMaxViolationFieldBytes = 128;
inline constexpr size_t kMaxViolationDescriptionBytes = 256;
// The serialised google.rpc.BadRequest, summary violation included.
inline constexpr size_t kMaxBadRequestBytes = 3072;

// `value` in double quotes for an error message that echoes input: at most
// kMaxQuotedChars code points, then "…"; invalid UTF-8 and control
// characters become U+FFFD. Echo request values only through this.
std::string Quote(absl::string_view value);

// `text` as valid UTF-8 (invalid bytes become U+FFFD) of at most `max_bytes`
// bytes, cut on a code-point boundary and ending in "…" when cut.
std::string Truncate(absl::string_view text, size_t max_bytes);

// Collects google.rpc.BadRequest field violations for one request. The
// violations travel inside the absl::Status as a payload so that the edge
// (ToGrpcStatus, common/grpc_status.h) can put them in the
// grpc-status-details-bin trailer. ToStatus lists at most kMaxListedViolations
// (and kMaxBadRequestBytes), then one more violation saying how many were left
// out; fields and descriptions are cut to their bounds.
class FieldViolations {
 public:
  void Add(std::string field, std::string description);
  bool empty() const { return violations_.empty(); }
  const std::vector<std::pair<std::string, std::string>>& items() const {
    return violations_;
  }
  // OK if there are none; otherwise INVALID_ARGUMENT with `message` (or a
  // summary of the violations when `message` is empty).
  absl::Status ToStatus(absl::string_view message = "") const;

 private:
  std::vector<std::pair<std::string, std::string>> violations_;
};

// Shorthand for one violation.
absl::Status InvalidField(std::string field, std::string description);

// Field violations attached to `status`, if any.
std::vector<std::pair<std::string, std::string>> ViolationsOf(
    const absl::Status& status);

// Logs must never carry request values (personal data), and messages may echo
// them. What a log line may say about a failure instead: a class from a fixed
// vocabulary ("invalid_token", "deadline_passed"...), set by the code that
// made the status, and the field paths of its violations.
absl::Status WithErrorClass(absl::Status status, absl::string_view error_class);
// The class set by WithErrorClass; else "field_violations" when the status
// carries violations; else "" (the code alone says what happened).
std::string ErrorClassOf(const absl::Status& status);
// A status as a log line may carry it: its code ("ALREADY_EXISTS") only. A
// message may quote a value (MySQL's do: "Duplicate entry '...'"), and logs
// carry no request or stored values.
std::string LoggableStatus(const absl::Status& status);
// "customer.display_name,customer.contacts[0].phones[0]": the first 20 field
// paths of the violations; a field that is not shaped like a path (dotted
// identifiers with [index] suffixes, at most 64 bytes) is logged as "?".
std::string ViolationFieldsForLog(const absl::Status& status);

// The status as google.rpc.Status, the form it crosses a process boundary in
// (grpc-status-details-bin): the same code, the message cut to
// kMaxStatusMessageBytes, and its protobuf payloads as details: the
// BadRequest bounded as FieldViolations bounds it (also one made elsewhere,
// e.g. another service's reply), other details while they fit in 512 bytes.
// Payloads that are not protobuf messages (the error class) stay behind.
google::rpc::Status ToRpcStatus(const absl::Status& status);

}  // namespace csm

#define CSM_RETURN_IF_ERROR(expr)              \
  do {                                         \
    ::absl::Status _csm_status = (expr);       \
    if (!_csm_status.ok()) return _csm_status; \
  } while (0)

#define CSM_CONCAT_INNER_(a, b) a##b
#define CSM_CONCAT_(a, b) CSM_CONCAT_INNER_(a, b)
#define CSM_ASSIGN_OR_RETURN(lhs, expr)                    \
  auto CSM_CONCAT_(_csm_statusor_, __LINE__) = (expr);     \
  if (!CSM_CONCAT_(_csm_statusor_, __LINE__).ok())         \
    return CSM_CONCAT_(_csm_statusor_, __LINE__).status(); \
  lhs = std::move(CSM_CONCAT_(_csm_statusor_, __LINE__)).value()

#endif  // CSM_COMMON_STATUS_H_
