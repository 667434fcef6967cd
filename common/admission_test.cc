#include "common/admission.h"

#include <atomic>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace csm {
namespace {

absl::Time In(absl::Duration d) { return absl::Now() + d; }

TEST(AdmissionGateTest, AdmitsUpToTheLimitAtOnce) {
  AdmissionGate gate(2, 0);
  AdmissionGate::Slot a, b;
  EXPECT_TRUE(gate.Enter(In(absl::Seconds(1)), &a).ok());
  EXPECT_TRUE(gate.Enter(In(absl::Seconds(1)), &b).ok());
  EXPECT_EQ(gate.running(), 2);
}

TEST(AdmissionGateTest, AFullQueueRefusesAtOnce) {
  AdmissionGate gate(1, 0);
  AdmissionGate::Slot held;
  ASSERT_TRUE(gate.Enter(In(absl::Seconds(1)), &held).ok());
  const absl::Time start = absl::Now();
  AdmissionGate::Slot refused;
  const absl::Status s = gate.Enter(In(absl::Seconds(10)), &refused);
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted) << s;
  EXPECT_LT(absl::Now() - start, absl::Seconds(1));
}

TEST(AdmissionGateTest, AQueuedCallPastItsDeadlineIsDeadlineExceeded) {
  AdmissionGate gate(1, 4);
  AdmissionGate::Slot held;
  ASSERT_TRUE(gate.Enter(In(absl::Seconds(1)), &held).ok());
  const absl::Time start = absl::Now();
  AdmissionGate::Slot late;
  const absl::Status s = gate.Enter(In(absl::Milliseconds(100)), &late);
  EXPECT_EQ(s.code(), absl::StatusCode::kDeadlineExceeded) << s;
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(100));
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));  // never a hang
  EXPECT_EQ(gate.queued(), 0);
}

TEST(AdmissionGateTest, QueuedCallsRunAsSlotsFree) {
  AdmissionGate gate(2, 16);
  std::atomic<int> running{0}, most{0}, done{0};
  std::vector<std::thread> calls;
  for (int i = 0; i < 16; ++i) {
    calls.emplace_back([&] {
      AdmissionGate::Slot slot;
      ASSERT_TRUE(gate.Enter(In(absl::Seconds(30)), &slot).ok());
      const int now = ++running;
      int seen = most.load();
      while (now > seen && !most.compare_exchange_weak(seen, now)) {
      }
      absl::SleepFor(absl::Milliseconds(5));
      --running;
      ++done;
    });
  }
  for (std::thread& t : calls) t.join();
  EXPECT_EQ(done.load(), 16);
  EXPECT_LE(most.load(), 2);
  EXPECT_EQ(gate.running(), 0);
}

TEST(AdmissionGateTest, NoLimitAdmitsEverything) {
  AdmissionGate gate(0, 0);
  std::vector<AdmissionGate::Slot> slots(100);
  for (auto& slot : slots)
    EXPECT_TRUE(gate.Enter(In(absl::Seconds(1)), &slot).ok());
}

TEST(AdmissionGateTest, AClosedGateRefusesNewCallsAndLetsAdmittedOnesFinish) {
  AdmissionGate gate(1, 4);
  AdmissionGate::Slot running;
  ASSERT_TRUE(gate.Enter(In(absl::Seconds(1)), &running).ok());
  absl::Status queued_status;
  std::thread queued([&] {
    AdmissionGate::Slot slot;
    queued_status = gate.Enter(In(absl::Seconds(30)), &slot);
  });
  while (gate.queued() == 0) absl::SleepFor(absl::Milliseconds(1));
  gate.Close();

  AdmissionGate::Slot late;
  const absl::Status s = gate.Enter(In(absl::Seconds(1)), &late);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "did not run")) << s;
  EXPECT_EQ(gate.running(), 1);

  // The call queued before the close still runs.
  running = AdmissionGate::Slot();
  queued.join();
  EXPECT_TRUE(queued_status.ok()) << queued_status;
}

TEST(AdmissionGateTest, WaitDrainedWaitsForRunningCallsThenAQuietMoment) {
  AdmissionGate gate(4, 4);
  AdmissionGate::Slot slot;
  ASSERT_TRUE(gate.Enter(In(absl::Seconds(1)), &slot).ok());
  gate.Close();
  const absl::Time start = absl::Now();
  std::thread finisher([&] {
    absl::SleepFor(absl::Milliseconds(100));
    slot = AdmissionGate::Slot();
  });
  EXPECT_TRUE(gate.WaitDrained(In(absl::Seconds(10)), absl::Milliseconds(50)));
  finisher.join();
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(100));
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));

  // A refused arrival moves the quiet moment.
  AdmissionGate::Slot refused;
  EXPECT_FALSE(gate.Enter(In(absl::Seconds(1)), &refused).ok());
  const absl::Time refused_at = absl::Now();
  EXPECT_TRUE(gate.WaitDrained(In(absl::Seconds(10)), absl::Milliseconds(80)));
  EXPECT_GE(absl::Now() - refused_at, absl::Milliseconds(80));
}

TEST(AdmissionGateTest, WaitDrainedGivesUpAtItsDeadlineOrAfterTenQuietPeriods) {
  AdmissionGate gate(4, 4);
  AdmissionGate::Slot slot;
  ASSERT_TRUE(gate.Enter(In(absl::Seconds(1)), &slot).ok());
  gate.Close();
  absl::Time start = absl::Now();
  EXPECT_FALSE(
      gate.WaitDrained(In(absl::Milliseconds(100)), absl::Milliseconds(10)));
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(100));
  slot = AdmissionGate::Slot();

  // A caller that never stops sending: at most ten quiet periods.
  std::atomic<bool> stop{false};
  std::atomic<int> sent{0};
  std::thread sender([&] {
    while (!stop.load()) {
      AdmissionGate::Slot s;
      (void)gate.Enter(In(absl::Seconds(1)), &s);
      ++sent;
      absl::SleepFor(absl::Milliseconds(2));
    }
  });
  while (sent.load() == 0) absl::SleepFor(absl::Milliseconds(1));
  start = absl::Now();
  EXPECT_FALSE(gate.WaitDrained(In(absl::Seconds(30)), absl::Milliseconds(20)));
  const absl::Duration waited = absl::Now() - start;
  stop = true;
  sender.join();
  EXPECT_GE(waited, absl::Milliseconds(200));
  EXPECT_LT(waited, absl::Seconds(5));
}

}  // namespace
}  // namespace csm
