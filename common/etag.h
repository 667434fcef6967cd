// Etags: every resource carries its version number as a decimal string
// ("7"). A write that names an etag succeeds only on that version (ABORTED
// otherwise, nothing overwritten); an empty etag means "whatever the
// current version is".
#ifndef CSM_COMMON_ETAG_H_
#define CSM_COMMON_ETAG_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace csm {

// "7" -> 7; "" -> 0, no precondition. Anything else is the client's bug, not
// a conflict: INVALID_ARGUMENT on `field` (the value is not echoed). Parse
// before the transaction, so a bad etag costs no database work.
absl::StatusOr<int64_t> ParseEtag(absl::string_view etag,
                                  absl::string_view field);

// OK when `expected` (from ParseEtag) is 0 or equals the current version;
// otherwise ABORTED: "<resource> has changed (etag <current>, request has
// <expected>); read it again and retry". `resource` names it for a person
// ("customers/7", "calendars/china").
absl::Status CheckEtag(absl::string_view resource, int64_t current_version,
                       int64_t expected);
// The version a stored resource's own etag carries ("7" -> 7); 0 when it is
// not one of ours (a write on version 0 then matches nothing).
int64_t EtagVersion(absl::string_view etag);

// The same with the current etag as stored on the resource message.
absl::Status CheckEtag(absl::string_view resource,
                       absl::string_view current_etag, int64_t expected);

}  // namespace csm

#endif  // CSM_COMMON_ETAG_H_
