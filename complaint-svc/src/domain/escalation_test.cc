#include "complaint-svc/src/domain/escalation.h"

#include "absl/time/civil_time.h"
#include "common/business_calendar.h"
#include "common/business_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace csm::complaint {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

absl::Time At(int y, int mo, int d, int h, int mi) {
  return absl::FromCivil(absl::CivilMinute(y, mo, d, h, mi),
                         BusinessTimeZone());
}

class EscalationTest : public ::testing::Test {
 protected:
  EscalationTest()
      : cal_(*ChinaBusinessCalendar()), clock_(&cal_), ladder_(&cal_) {}
  BusinessCalendar cal_;
  SlaClock clock_;
  EscalationLadder ladder_;
};

TEST_F(EscalationTest, LadderRungsAreStepsApartInWorkingTime) {
  const absl::Time b = At(2026, 3, 2, 14, 30);
  struct Case {
    int current;
    v1::EscalationLevel level;
    absl::Time due;
  } cases[] = {
      {0, v1::ESCALATION_LEVEL_SUPERVISOR, b},
      {1, v1::ESCALATION_LEVEL_DEPARTMENT_MANAGER, At(2026, 3, 3, 10, 0)},
      {2, v1::ESCALATION_LEVEL_GENERAL_MANAGER, At(2026, 3, 3, 15, 30)},
  };
  for (const Case& c : cases) {
    auto rung = ladder_.Next(b, 0, 240, c.current);
    ASSERT_TRUE(rung.has_value());
    EXPECT_EQ(rung->level, c.level);
    EXPECT_EQ(rung->due, c.due);
  }
  EXPECT_FALSE(ladder_.Next(b, 0, 240, 3).has_value());
  // Restarted at level 1: level 2 at the new breach, level 3 a step later.
  EXPECT_EQ(ladder_.Next(b, 1, 240, 1)->due, b);
  EXPECT_EQ(ladder_.Next(b, 1, 240, 2)->due, At(2026, 3, 3, 10, 0));
}

TEST_F(EscalationTest, AdvanceFiresEachThingOnce) {
  SlaState s =
      clock_.Start(At(2026, 3, 2, 9, 0), DefaultSlaTerms(v1::SEVERITY_NORMAL));
  // Investigated at once: this test follows the other two deadlines.
  clock_.Meet(&s, v1::DEADLINE_KIND_INVESTIGATED, At(2026, 3, 2, 9, 10));
  SweepOutcome o = ladder_.Advance(clock_, &s, At(2026, 3, 2, 13, 0), true);
  EXPECT_TRUE(o.empty());
  o = ladder_.Advance(clock_, &s, At(2026, 3, 2, 13, 42), true);
  EXPECT_THAT(o.warnings, ElementsAre(v1::DEADLINE_KIND_ACKNOWLEDGE));
  EXPECT_TRUE(
      ladder_.Advance(clock_, &s, At(2026, 3, 2, 13, 50), true).empty());

  o = ladder_.Advance(clock_, &s, At(2026, 3, 2, 14, 30), true);
  EXPECT_THAT(o.breaches, ElementsAre(v1::DEADLINE_KIND_ACKNOWLEDGE));
  ASSERT_EQ(o.escalations.size(), 1u);
  EXPECT_EQ(o.escalations[0].level, v1::ESCALATION_LEVEL_SUPERVISOR);
  EXPECT_EQ(o.escalations[0].deadline, v1::DEADLINE_KIND_ACKNOWLEDGE);
  EXPECT_EQ(s.escalation_level, 1);
  EXPECT_EQ(*s.next_escalation_due, At(2026, 3, 3, 10, 0));
  EXPECT_TRUE(ladder_.Advance(clock_, &s, At(2026, 3, 2, 17, 0), true).empty());

  o = ladder_.Advance(clock_, &s, At(2026, 3, 3, 10, 0), true);
  ASSERT_EQ(o.escalations.size(), 1u);
  EXPECT_EQ(o.escalations[0].level, v1::ESCALATION_LEVEL_DEPARTMENT_MANAGER);
  o = ladder_.Advance(clock_, &s, At(2026, 3, 3, 15, 30), true);
  ASSERT_EQ(o.escalations.size(), 1u);
  EXPECT_EQ(o.escalations[0].level, v1::ESCALATION_LEVEL_GENERAL_MANAGER);
  EXPECT_FALSE(s.next_escalation_due.has_value());
  // The top: the opinion deadline still warns and breaches, no more levels.
  o = ladder_.Advance(clock_, &s, At(2026, 3, 10, 9, 0), true);
  EXPECT_THAT(o.warnings, IsEmpty());  // past due: the breach says it
  EXPECT_THAT(o.breaches, ElementsAre(v1::DEADLINE_KIND_HANDLING_OPINION));
  EXPECT_THAT(o.escalations, IsEmpty());
  EXPECT_TRUE(ladder_.Advance(clock_, &s, At(2026, 3, 11, 9, 0), true).empty());
}

TEST_F(EscalationTest, CatchUpFiresEveryLevelOnceInOrder) {
  SlaState s =
      clock_.Start(At(2026, 3, 2, 9, 0), DefaultSlaTerms(v1::SEVERITY_NORMAL));
  clock_.Meet(&s, v1::DEADLINE_KIND_HANDLING_OPINION, At(2026, 3, 2, 9, 1));
  SweepOutcome o = ladder_.Advance(clock_, &s, At(2026, 3, 9, 9, 0), true);
  ASSERT_EQ(o.escalations.size(), 3u);
  EXPECT_EQ(o.escalations[0].level, v1::ESCALATION_LEVEL_SUPERVISOR);
  EXPECT_EQ(o.escalations[2].level, v1::ESCALATION_LEVEL_GENERAL_MANAGER);
  EXPECT_EQ(o.escalations[1].at, At(2026, 3, 3, 10, 0));
}

TEST_F(EscalationTest, MeetingStopsTheLadderAndNothingRunsWhilePaused) {
  SlaState s =
      clock_.Start(At(2026, 3, 2, 9, 0), DefaultSlaTerms(v1::SEVERITY_NORMAL));
  clock_.Meet(&s, v1::DEADLINE_KIND_INVESTIGATED, At(2026, 3, 2, 9, 10));
  ladder_.Advance(clock_, &s, At(2026, 3, 2, 15, 0), true);
  EXPECT_EQ(s.escalation_level, 1);
  clock_.Meet(&s, v1::DEADLINE_KIND_ACKNOWLEDGE, At(2026, 3, 2, 15, 10));
  ladder_.StopIfSettled(&s);
  EXPECT_FALSE(s.next_escalation_due.has_value());
  // The opinion breach restarts it from level 1: level 2 at that breach.
  SweepOutcome o = ladder_.Advance(clock_, &s, At(2026, 3, 4, 17, 30), true);
  EXPECT_THAT(o.breaches, ElementsAre(v1::DEADLINE_KIND_HANDLING_OPINION));
  ASSERT_EQ(o.escalations.size(), 1u);
  EXPECT_EQ(o.escalations[0].level, v1::ESCALATION_LEVEL_DEPARTMENT_MANAGER);
  EXPECT_EQ(o.escalations[0].deadline, v1::DEADLINE_KIND_HANDLING_OPINION);

  SlaState p =
      clock_.Start(At(2026, 3, 2, 9, 0), DefaultSlaTerms(v1::SEVERITY_NORMAL));
  clock_.Pause(&p, At(2026, 3, 2, 10, 0));
  EXPECT_TRUE(ladder_.Advance(clock_, &p, At(2026, 3, 9, 9, 0), true).empty());
  EXPECT_TRUE(
      ladder_.Advance(clock_, &s, At(2026, 3, 20, 9, 0), false).empty());
}

TEST_F(EscalationTest, MajorAndCriticalNotifyTheGeneralManager) {
  EXPECT_FALSE(EscalationLadder::NotifiesGeneralManagerAtRegistration(
      v1::SEVERITY_NORMAL));
  EXPECT_TRUE(EscalationLadder::NotifiesGeneralManagerAtRegistration(
      v1::SEVERITY_MAJOR));
  EXPECT_TRUE(EscalationLadder::NotifiesGeneralManagerAtRegistration(
      v1::SEVERITY_CRITICAL));
}

}  // namespace
}  // namespace csm::complaint
