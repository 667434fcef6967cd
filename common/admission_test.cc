#include "common/admission.h"

#include <atomic>
#include <thread>
#include <vector>

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

}  // namespace
}  // namespace csm
