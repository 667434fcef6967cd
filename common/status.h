#ifndef CSM_COMMON_STATUS_H_
#define CSM_COMMON_STATUS_H_

#include <grpcpp/support/status.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace csm {

// Collects google.rpc.BadRequest field violations for one request. The
// violations travel inside the absl::Status as a payload so that the edge
// (ToGrpcStatus) can put them in the grpc-status-details-bin trailer.
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

// The one mapping from absl::Status to grpc::Status: same canonical code,
// same message, google.rpc.Status with BadRequest details when present.
grpc::Status ToGrpcStatus(const absl::Status& status);

// The reverse, for clients (one service calling another).
absl::Status FromGrpcStatus(const grpc::Status& status);

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
