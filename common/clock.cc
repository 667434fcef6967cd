#include "common/clock.h"

#include <fstream>
#include <optional>
#include <sstream>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace csm {
namespace {

class RealClock final : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};

std::optional<absl::Time> ReadInstant(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  absl::Time t;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full,
                       absl::StripAsciiWhitespace(text.str()), &t, &error)) {
    return std::nullopt;
  }
  return t;
}

}  // namespace

Clock& Clock::Real() {
  // Never destroyed: threads may still read the clock during static
  // destruction at exit.
  static RealClock* const kClock = new RealClock;
  return *kClock;
}

absl::StatusOr<std::unique_ptr<FileClock>> FileClock::Open(std::string path) {
  const std::optional<absl::Time> start = ReadInstant(path);
  if (!start.has_value()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--test_clock_file=", path, " does not hold an RFC 3339 instant"));
  }
  return std::unique_ptr<FileClock>(new FileClock(std::move(path), *start));
}

absl::Time FileClock::Now() const {
  if (const std::optional<absl::Time> t = ReadInstant(path_)) {
    last_ns_.store(absl::ToUnixNanos(*t));
    return *t;
  }
  return absl::FromUnixNanos(last_ns_.load());
}

}  // namespace csm
