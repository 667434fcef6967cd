#ifndef CSM_COMMON_RESOURCE_ID_H_
#define CSM_COMMON_RESOURCE_ID_H_

#include <cstddef>

#include "absl/strings/string_view.h"

namespace csm {

// The ids people choose for resources they name (teams/{team},
// categories/{category}): 1 to kMaxResourceIdChars characters of [a-z0-9-],
// so a name is URL-safe and reads the same everywhere (AIP-122).
inline constexpr size_t kMaxResourceIdChars = 63;
bool IsValidResourceId(absl::string_view id);

}  // namespace csm

#endif  // CSM_COMMON_RESOURCE_ID_H_
