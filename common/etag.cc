#include "common/etag.h"

#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace csm {

absl::StatusOr<int64_t> ParseEtag(absl::string_view etag,
                                  absl::string_view field) {
  if (etag.empty()) return 0;
  int64_t version = 0;
  if (!absl::SimpleAtoi(etag, &version) || version <= 0) {
    return InvalidField(std::string(field),
                        "is not an etag this service issued");
  }
  return version;
}

absl::Status CheckEtag(absl::string_view resource, int64_t current_version,
                       int64_t expected) {
  if (expected == 0 || expected == current_version) return absl::OkStatus();
  return absl::AbortedError(
      absl::StrCat(resource, " has changed (etag ", current_version,
                   ", request has ", expected, "); read it again and retry"));
}

int64_t EtagVersion(absl::string_view etag) {
  int64_t version = 0;
  if (!absl::SimpleAtoi(etag, &version) || version < 0) return 0;
  return version;
}

absl::Status CheckEtag(absl::string_view resource,
                       absl::string_view current_etag, int64_t expected) {
  int64_t current = 0;
  // Our own etags always parse; a corrupt one is a conflict, never a match.
  if (!absl::SimpleAtoi(current_etag, &current)) current = -1;
  return CheckEtag(resource, current, expected);
}

}  // namespace csm
