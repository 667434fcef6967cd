#ifndef CSM_COMMON_LOG_H_
#define CSM_COMMON_LOG_H_

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace csm::log {

enum class Level { kDebug, kInfo, kWarning, kError };

using Fields =
    std::initializer_list<std::pair<absl::string_view, absl::string_view>>;
// For lines whose fields depend on what happened.
using FieldList = std::vector<std::pair<absl::string_view, absl::string_view>>;

// One JSON object per line on stderr:
// {"ts":"2026-11-24T08:00:00.123Z","level":"info","svc":"customer-svc",
//  "request_id":"...","msg":"...", ...fields}
// The request id is the one set for the current thread by RequestIdScope.
// Never put request values or texts that may echo them (error messages) in
// a field: personal data must not reach a log.
void Write(Level level, absl::string_view msg, Fields fields = {});
void Write(Level level, absl::string_view msg, const FieldList& fields);
inline void Info(absl::string_view msg, Fields fields = {}) {
  Write(Level::kInfo, msg, fields);
}
inline void Warning(absl::string_view msg, Fields fields = {}) {
  Write(Level::kWarning, msg, fields);
}
inline void Error(absl::string_view msg, Fields fields = {}) {
  Write(Level::kError, msg, fields);
}
inline void Debug(absl::string_view msg, Fields fields = {}) {
  Write(Level::kDebug, msg, fields);
}

// Whether a line of `level` would be written: callers that build fields
// for a line (RpcRuntime's per-call line) skip the work when it would not.
bool Enabled(Level level);

// Process-wide settings, set once at start-up.
void SetService(std::string service);
void SetMinLevel(Level level);

// Sets the request id that log lines of this thread carry, for its lifetime.
class RequestIdScope {
 public:
  explicit RequestIdScope(std::string request_id);
  ~RequestIdScope();
  RequestIdScope(const RequestIdScope&) = delete;
  RequestIdScope& operator=(const RequestIdScope&) = delete;

 private:
  std::string previous_;
};
const std::string& CurrentRequestId();

}  // namespace csm::log

#endif  // CSM_COMMON_LOG_H_
