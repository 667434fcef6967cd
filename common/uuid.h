#ifndef CSM_COMMON_UUID_H_
#define CSM_COMMON_UUID_H_

#include <string>

namespace csm {

// A random (version 4, RFC 4122) UUID, lower-case 8-4-4-4-12: request ids
// the edge generates, event ids of the outbox.
std::string NewUuidV4();

}  // namespace csm

#endif  // CSM_COMMON_UUID_H_
