#include "common/uuid.h"

#include <cstdint>
#include <string>

#include "absl/random/random.h"
#include "absl/strings/str_format.h"

namespace csm {

std::string NewUuidV4() {
  thread_local absl::BitGen gen;
  const uint64_t hi = absl::Uniform<uint64_t>(gen);
  const uint64_t lo = absl::Uniform<uint64_t>(gen);
  // Version 4 in the high nibble of byte 6, variant 10xx in byte 8.
  const uint64_t h = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;
  const uint64_t l = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  return absl::StrFormat("%08x-%04x-%04x-%04x-%012x", h >> 32,
                         (h >> 16) & 0xffff, h & 0xffff, l >> 48,
                         l & 0xffffffffffffULL);
}

}  // namespace csm
