#ifndef CSM_COMMON_CLOCK_H_
#define CSM_COMMON_CLOCK_H_

#include <atomic>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace csm {

// Injected wherever time drives a rule (deadlines, sweeps) so tests move
// time instead of sleeping.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
  static Clock& Real();
};

// A clock tests set and advance by hand. Thread-safe.
class ManualClock : public Clock {
 public:
  explicit ManualClock(absl::Time start) : now_ns_(absl::ToUnixNanos(start)) {}
  absl::Time Now() const override {
    return absl::FromUnixNanos(now_ns_.load());
  }
  void Set(absl::Time t) { now_ns_.store(absl::ToUnixNanos(t)); }
  void Advance(absl::Duration d) {
    now_ns_.fetch_add(absl::ToInt64Nanoseconds(d));
  }

 private:
  std::atomic<int64_t> now_ns_;
};

// TESTS ONLY (--test_clock_file): the business clock of a service process
// read from a file holding one RFC 3339 instant, re-read at every Now(), so
// that a test can set and advance the clock of several processes at once
// (tests/reporting_crash_test.cc). The time stands still between writes.
// Write the file atomically (a new file renamed over it); an unreadable or
// unparsable read keeps the last good instant. Never in production.
class FileClock : public Clock {
 public:
  // Fails when `path` does not hold an instant yet.
  static absl::StatusOr<std::unique_ptr<FileClock>> Open(std::string path);
  absl::Time Now() const override;

 private:
  FileClock(std::string path, absl::Time start)
      : path_(std::move(path)), last_ns_(absl::ToUnixNanos(start)) {}
  const std::string path_;
  mutable std::atomic<int64_t> last_ns_;
};

}  // namespace csm

#endif  // CSM_COMMON_CLOCK_H_
