// Deterministic randomness for the demo data: std::uniform_int_distribution
// differs between standard libraries; these do not, so a seed gives the same
// data everywhere.
#ifndef CSM_TOOLS_DEMO_RANDOM_H_
#define CSM_TOOLS_DEMO_RANDOM_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <random>

namespace csm::demo {

inline uint64_t Below(std::mt19937_64& rng, uint64_t n) { return rng() % n; }

inline int64_t Between(std::mt19937_64& rng, int64_t lo, int64_t hi) {
  return lo +
         static_cast<int64_t>(Below(rng, static_cast<uint64_t>(hi - lo + 1)));
}

inline bool Percent(std::mt19937_64& rng, int percent) {
  return static_cast<int>(Below(rng, 100)) < percent;
}

template <typename T, size_t N>
const T& Pick(std::mt19937_64& rng, const std::array<T, N>& items) {
  return items[Below(rng, N)];
}

}  // namespace csm::demo

#endif  // CSM_TOOLS_DEMO_RANDOM_H_
