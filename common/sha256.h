#ifndef CSM_COMMON_SHA256_H_
#define CSM_COMMON_SHA256_H_

#include <string>

#include "absl/strings/string_view.h"

namespace csm::internal {

// Lower-case hex SHA-256 of `data` (64 characters). Used for migration
// checksums and idempotency fingerprints, which are stored as CHAR(64).
std::string Sha256Hex(absl::string_view data);

}  // namespace csm::internal

#endif  // CSM_COMMON_SHA256_H_
