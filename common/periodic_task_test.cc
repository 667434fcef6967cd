#include "common/periodic_task.h"

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace csm {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(PeriodicTaskTest, RunsAtOnceThenEveryIntervalUntilStopped) {
  std::atomic<int> runs{0};
  PeriodicTask task("counter", absl::Milliseconds(20), [&] {
    ++runs;
    return absl::StatusOr<int>(0);
  });
  task.Start();
  task.Start();  // idempotent: still one thread
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  while (runs.load() < 3 && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  task.Stop();
  const int stopped_at = runs.load();
  EXPECT_GE(stopped_at, 3);
  absl::SleepFor(absl::Milliseconds(100));
  EXPECT_EQ(runs.load(), stopped_at) << "no run after Stop()";
  task.Start();  // a stopped task stays stopped
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_EQ(runs.load(), stopped_at);
}

TEST(PeriodicTaskTest, StopIsPromptWithALongInterval) {
  std::atomic<int> runs{0};
  PeriodicTask task("hourly", absl::Hours(1), [&] {
    ++runs;
    return absl::StatusOr<int>(1);
  });
  const absl::Time started = absl::Now();
  task.Start();
  task.Stop();  // waits for the first run, not for the hour
  EXPECT_EQ(runs.load(), 1);
  EXPECT_LT(absl::Now() - started, absl::Seconds(5));
}

TEST(PeriodicTaskTest, NonPositiveIntervalStartsNoThread) {
  std::atomic<int> runs{0};
  PeriodicTask task("manual", absl::ZeroDuration(), [&] {
    ++runs;
    return absl::StatusOr<int>(7);
  });
  task.Start();
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_EQ(runs.load(), 0);
  absl::StatusOr<int> once = task.RunOnce();
  ASSERT_TRUE(once.ok());
  EXPECT_EQ(*once, 7);
  EXPECT_EQ(runs.load(), 1);
  task.Stop();
}

TEST(PeriodicTaskTest, RunOnceWaitsForTheThreadsRun) {
  absl::Notification entered;
  absl::Notification release;
  std::atomic<int> inside{0};
  std::atomic<int> most_inside{0};
  PeriodicTask task("serial", absl::Hours(1), [&] {
    const int now = ++inside;
    most_inside.store(std::max(most_inside.load(), now));
    if (!entered.HasBeenNotified()) {
      entered.Notify();
      release.WaitForNotification();
    }
    --inside;
    return absl::StatusOr<int>(0);
  });
  task.Start();
  entered.WaitForNotification();
  std::thread manual([&] { EXPECT_TRUE(task.RunOnce().ok()); });
  absl::SleepFor(absl::Milliseconds(50));
  release.Notify();
  manual.join();
  task.Stop();
  EXPECT_EQ(most_inside.load(), 1) << "runs never overlap";
}

TEST(PeriodicTaskTest, FailuresAreLoggedByCodeNeverByMessage) {
  PeriodicTask task("leaky", absl::ZeroDuration(), [] {
    return absl::StatusOr<int>(absl::AlreadyExistsError(
        "MySQL error 1062 (23000): Duplicate entry '13900001111'"));
  });
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(task.RunOnce().status().code(), absl::StatusCode::kAlreadyExists);
  const std::string logs = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(logs, HasSubstr("\"task\":\"leaky\""));
  EXPECT_THAT(logs, HasSubstr("\"code\":\"ALREADY_EXISTS\""));
  EXPECT_THAT(logs, Not(HasSubstr("13900001111")));
  EXPECT_THAT(logs, Not(HasSubstr("Duplicate")));
}

}  // namespace
}  // namespace csm
