#include "common/clock.h"

namespace csm {
namespace {

class RealClock final : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};

}  // namespace

Clock& Clock::Real() {
  // Never destroyed: threads may still read the clock during static
  // destruction at exit.
  static RealClock* const kClock = new RealClock;
  return *kClock;
}

}  // namespace csm
