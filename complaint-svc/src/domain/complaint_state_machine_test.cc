#include "complaint-svc/src/domain/complaint_state_machine.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace csm::complaint {
namespace {

using A = ComplaintAction;
using ::testing::HasSubstr;

// The expected table, written out independently of the implementation:
// (state, action) -> target. Every pair not listed must be refused.
const std::map<std::pair<v1::ComplaintState, A>, v1::ComplaintState>&
Expected() {
  static const auto* kExpected = [] {
    auto* m =
        new std::map<std::pair<v1::ComplaintState, A>, v1::ComplaintState>;
    auto add = [&](v1::ComplaintState from, A a, v1::ComplaintState to) {
      (*m)[{from, a}] = to;
    };
    using enum v1::ComplaintState;
    add(COMPLAINT_STATE_UNSPECIFIED, A::kRegister, COMPLAINT_STATE_REGISTERED);
    for (auto s : {COMPLAINT_STATE_REGISTERED, COMPLAINT_STATE_TRANSFERRED,
                   COMPLAINT_STATE_REOPENED}) {
      add(s, A::kAccept, COMPLAINT_STATE_ACCEPTED);
    }
    for (auto s : {COMPLAINT_STATE_REGISTERED, COMPLAINT_STATE_ACCEPTED,
                   COMPLAINT_STATE_TRANSFERRED, COMPLAINT_STATE_IN_PROGRESS,
                   COMPLAINT_STATE_REOPENED}) {
      add(s, A::kTransfer, COMPLAINT_STATE_TRANSFERRED);
    }
    add(COMPLAINT_STATE_ACCEPTED, A::kStart, COMPLAINT_STATE_IN_PROGRESS);
    add(COMPLAINT_STATE_REOPENED, A::kStart, COMPLAINT_STATE_IN_PROGRESS);
    add(COMPLAINT_STATE_IN_PROGRESS, A::kWaitForCustomer,
        COMPLAINT_STATE_WAITING_ON_CUSTOMER);
    add(COMPLAINT_STATE_WAITING_ON_CUSTOMER, A::kResume,
        COMPLAINT_STATE_IN_PROGRESS);
    add(COMPLAINT_STATE_IN_PROGRESS, A::kResolve, COMPLAINT_STATE_RESOLVED);
    // The investigation once accepted, while the clock runs; no move.
    for (auto s : {COMPLAINT_STATE_ACCEPTED, COMPLAINT_STATE_IN_PROGRESS,
                   COMPLAINT_STATE_REOPENED}) {
      add(s, A::kInvestigate, s);
    }
    add(COMPLAINT_STATE_RESOLVED, A::kConfirm, COMPLAINT_STATE_CONFIRMED);
    add(COMPLAINT_STATE_CONFIRMED, A::kClose, COMPLAINT_STATE_CLOSED);
    for (auto s : {COMPLAINT_STATE_RESOLVED, COMPLAINT_STATE_CONFIRMED,
                   COMPLAINT_STATE_CLOSED}) {
      add(s, A::kReopen, COMPLAINT_STATE_REOPENED);
    }
    for (auto s : {COMPLAINT_STATE_REGISTERED, COMPLAINT_STATE_ACCEPTED,
                   COMPLAINT_STATE_TRANSFERRED}) {
      add(s, A::kReject, COMPLAINT_STATE_REJECTED);
    }
    for (auto s :
         {COMPLAINT_STATE_REGISTERED, COMPLAINT_STATE_ACCEPTED,
          COMPLAINT_STATE_TRANSFERRED, COMPLAINT_STATE_IN_PROGRESS,
          COMPLAINT_STATE_WAITING_ON_CUSTOMER, COMPLAINT_STATE_RESOLVED,
          COMPLAINT_STATE_CONFIRMED, COMPLAINT_STATE_REOPENED}) {
      add(s, A::kReclassify, s);
      add(s, A::kReassign, s);
    }
    return m;
  }();
  return *kExpected;
}

TEST(ComplaintStateMachineTest, EveryStateTimesEveryAction) {
  int allowed = 0;
  int refused = 0;
  for (v1::ComplaintState state : AllComplaintStates()) {
    for (A action : AllComplaintActions()) {
      SCOPED_TRACE(testing::Message()
                   << ShortStateName(state) << " x " << ActionName(action));
      auto result = ComplaintStateMachine::Apply(state, action);
      auto it = Expected().find({state, action});
      if (it != Expected().end()) {
        ASSERT_TRUE(result.ok()) << result.status();
        EXPECT_EQ(*result, it->second);
        ++allowed;
      } else {
        ASSERT_FALSE(result.ok());
        EXPECT_EQ(result.status().code(),
                  absl::StatusCode::kFailedPrecondition);
        EXPECT_THAT(result.status().message(),
                    HasSubstr(absl::StrCat("cannot ", ActionName(action),
                                           " a complaint in state ",
                                           ShortStateName(state))));
        // The message lists exactly the allowed actions.
        for (A other : AllComplaintActions()) {
          const bool listed =
              absl::StrContains(result.status().message(),
                                absl::StrCat(" ", ActionName(other))) ||
              absl::StrContains(result.status().message(),
                                absl::StrCat(",", ActionName(other)));
          if (Expected().contains({state, other})) {
            EXPECT_TRUE(listed) << ActionName(other) << " missing from "
                                << result.status().message();
          }
        }
        ++refused;
      }
    }
  }
  EXPECT_EQ(allowed, static_cast<int>(Expected().size()));
  EXPECT_EQ(allowed + refused, 11 * 14);
}

TEST(ComplaintStateMachineTest, ConfirmDissatisfiedReopens) {
  EXPECT_EQ(*ComplaintStateMachine::Apply(v1::COMPLAINT_STATE_RESOLVED,
                                          A::kConfirm, /*dissatisfied=*/true),
            v1::COMPLAINT_STATE_REOPENED);
  EXPECT_TRUE(IsDissatisfied(csm::common::v1::SATISFACTION_DISSATISFIED));
  EXPECT_TRUE(IsDissatisfied(csm::common::v1::SATISFACTION_VERY_DISSATISFIED));
  EXPECT_FALSE(IsDissatisfied(csm::common::v1::SATISFACTION_NEUTRAL));
  EXPECT_FALSE(IsDissatisfied(csm::common::v1::SATISFACTION_SATISFIED));
  // Dissatisfaction does not make an illegal confirm legal.
  EXPECT_FALSE(ComplaintStateMachine::Apply(v1::COMPLAINT_STATE_CLOSED,
                                            A::kConfirm, true)
                   .ok());
}

TEST(ComplaintStateMachineTest, MessageNamesStateAndAllowedMoves) {
  auto r =
      ComplaintStateMachine::Apply(v1::COMPLAINT_STATE_CLOSED, A::kResolve);
  EXPECT_EQ(r.status().message(),
            "cannot resolve a complaint in state CLOSED; allowed: reopen");
  r = ComplaintStateMachine::Apply(v1::COMPLAINT_STATE_REJECTED, A::kReopen);
  EXPECT_EQ(r.status().message(),
            "cannot reopen a complaint in state REJECTED; allowed: none (the "
            "state is final)");
  r = ComplaintStateMachine::Apply(v1::COMPLAINT_STATE_IN_PROGRESS, A::kReject);
  EXPECT_EQ(r.status().message(),
            "cannot reject a complaint in state IN_PROGRESS; allowed: "
            "transfer, wait_for_customer, investigate, resolve, reclassify, "
            "reassign");
}

TEST(ComplaintStateMachineTest, OpenAndSlaRunning) {
  EXPECT_FALSE(ComplaintStateMachine::IsOpen(v1::COMPLAINT_STATE_CLOSED));
  EXPECT_FALSE(ComplaintStateMachine::IsOpen(v1::COMPLAINT_STATE_REJECTED));
  EXPECT_TRUE(ComplaintStateMachine::IsOpen(v1::COMPLAINT_STATE_RESOLVED));
  EXPECT_FALSE(ComplaintStateMachine::SlaRunning(
      v1::COMPLAINT_STATE_WAITING_ON_CUSTOMER));
  EXPECT_TRUE(
      ComplaintStateMachine::SlaRunning(v1::COMPLAINT_STATE_TRANSFERRED));
  EXPECT_FALSE(ComplaintStateMachine::SlaRunning(v1::COMPLAINT_STATE_RESOLVED));
}

// The store binds this list for `overdue`: exactly the states SlaRunning
// holds for (1, 2, 3, 4, 9 on the wire).
TEST(ComplaintStateMachineTest, SlaRunningStatesListsExactlyTheRunningOnes) {
  EXPECT_THAT(ComplaintStateMachine::SlaRunningStates(),
              ::testing::ElementsAre(v1::COMPLAINT_STATE_REGISTERED,
                                     v1::COMPLAINT_STATE_ACCEPTED,
                                     v1::COMPLAINT_STATE_TRANSFERRED,
                                     v1::COMPLAINT_STATE_IN_PROGRESS,
                                     v1::COMPLAINT_STATE_REOPENED));
  for (v1::ComplaintState s : AllComplaintStates()) {
    const auto& running = ComplaintStateMachine::SlaRunningStates();
    EXPECT_EQ(std::find(running.begin(), running.end(), s) != running.end(),
              ComplaintStateMachine::SlaRunning(s))
        << v1::ComplaintState_Name(s);
  }
}

}  // namespace
}  // namespace csm::complaint
