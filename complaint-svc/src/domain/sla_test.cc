#include "complaint-svc/src/domain/sla.h"

#include <vector>

#include "absl/time/civil_time.h"
#include "common/business_calendar.h"
#include "common/business_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace csm::complaint {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// Beijing wall-clock time.
absl::Time At(int y, int mo, int d, int h, int mi) {
  return absl::FromCivil(absl::CivilMinute(y, mo, d, h, mi),
                         BusinessTimeZone());
}

class SlaTest : public ::testing::Test {
 protected:
  SlaTest() : cal_(*ChinaBusinessCalendar()), clock_(&cal_) {}
  BusinessCalendar cal_;
  SlaClock clock_;
};

v1::SlaPolicy Policy(const char* cat, v1::Severity sev, const char* grade,
                     int ack) {
  v1::SlaPolicy p;
  p.set_category(cat);
  p.set_severity(sev);
  p.set_customer_grade(grade);
  p.set_acknowledge_working_minutes(ack);
  p.set_handling_opinion_working_days(3);
  p.set_warning_percent(75);
  p.set_escalation_step_working_minutes(120);
  return p;
}

TEST_F(SlaTest, DefaultsPerSeverity) {
  struct Case {
    v1::Severity sev;
    int ack, days;
  } cases[] = {{v1::SEVERITY_NORMAL, 240, 2},
               {v1::SEVERITY_MAJOR, 60, 1},
               {v1::SEVERITY_CRITICAL, 15, 0},
               {v1::SEVERITY_UNSPECIFIED, 240, 2}};
  for (const Case& c : cases) {
    SlaTerms t = DefaultSlaTerms(c.sev);
    EXPECT_EQ(t.acknowledge_working_minutes, c.ack);
    EXPECT_EQ(t.handling_opinion_working_days, c.days);
    EXPECT_EQ(t.warning_percent, 80);
    EXPECT_EQ(t.escalation_step_working_minutes, 240);
    EXPECT_EQ(t.policy, "default");
  }
}

TEST_F(SlaTest, MostSpecificPolicyWins) {
  std::vector<v1::SlaPolicy> policies = {
      Policy("*", v1::SEVERITY_NORMAL, "*", 100),
      Policy("*", v1::SEVERITY_NORMAL, "A", 90),
      Policy("quality", v1::SEVERITY_NORMAL, "*", 80),
      Policy("quality", v1::SEVERITY_NORMAL, "A", 70),
      Policy("quality", v1::SEVERITY_MAJOR, "A", 10),
  };
  struct Case {
    const char* cat;
    v1::Severity sev;
    const char* grade;
    int want;
  } cases[] = {
      {"quality", v1::SEVERITY_NORMAL, "A", 70},
      {"quality", v1::SEVERITY_NORMAL, "B", 80},
      {"logistics", v1::SEVERITY_NORMAL, "A", 90},
      {"logistics", v1::SEVERITY_NORMAL, "C", 100},
      {"quality", v1::SEVERITY_MAJOR, "A", 10},
      // No major rule for B: the built-in default for major.
      {"quality", v1::SEVERITY_MAJOR, "B", 60},
      {"quality", v1::SEVERITY_CRITICAL, "A", 15},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(testing::Message() << c.cat << "/" << c.sev << "/" << c.grade);
    SlaTerms t = ResolveSlaTerms(policies, c.cat, c.sev, c.grade);
    EXPECT_EQ(t.acknowledge_working_minutes, c.want);
  }
  SlaTerms t = ResolveSlaTerms(policies, "quality", v1::SEVERITY_NORMAL, "A");
  EXPECT_EQ(t.policy, "slaPolicies/quality~SEVERITY_NORMAL~A");
  EXPECT_EQ(t.handling_opinion_working_days, 3);
  EXPECT_EQ(t.warning_percent, 75);
  EXPECT_EQ(t.escalation_step_working_minutes, 120);
}

// Friday before 春节 2026: Saturday 02-14 is a make-up working day, then
// 02-15..02-23 are off; Tuesday 02-24 is the next working day.
TEST_F(SlaTest, DeadlinesAcrossSpringFestival2026) {
  const absl::Time r = At(2026, 2, 13, 16, 0);
  SlaState s = clock_.Start(r, DefaultSlaTerms(v1::SEVERITY_NORMAL));
  // 90 minutes on Friday, 150 on the make-up Saturday.
  EXPECT_EQ(s.acknowledge.due, At(2026, 2, 14, 11, 30));
  // Working day 1 = Sat 02-14, working day 2 = Tue 02-24.
  EXPECT_EQ(s.handling_opinion.due, At(2026, 2, 24, 17, 30));

  SlaState major = clock_.Start(r, DefaultSlaTerms(v1::SEVERITY_MAJOR));
  EXPECT_EQ(major.acknowledge.due, At(2026, 2, 13, 17, 0));
  EXPECT_EQ(major.handling_opinion.due, At(2026, 2, 14, 17, 30));

  // Registered during the holiday: the clock starts on 02-24.
  const absl::Time h = At(2026, 2, 18, 10, 0);
  SlaState hol = clock_.Start(h, DefaultSlaTerms(v1::SEVERITY_CRITICAL));
  EXPECT_EQ(hol.acknowledge.due, At(2026, 2, 24, 9, 15));
  EXPECT_EQ(hol.handling_opinion.due, At(2026, 2, 24, 17, 30));
}

// 国庆 2026: 10-01..10-07 off, 10-08 (Thu) is worked, Sat 10-10 is a make-up
// working day.
TEST_F(SlaTest, DeadlinesAcrossNationalDay2026) {
  const absl::Time r = At(2026, 9, 30, 17, 0);
  SlaState s = clock_.Start(r, DefaultSlaTerms(v1::SEVERITY_NORMAL));
  EXPECT_EQ(s.acknowledge.due, At(2026, 10, 8, 14, 0));
  // Working day 1 = 10-08, 2 = 10-09.
  EXPECT_EQ(s.handling_opinion.due, At(2026, 10, 9, 17, 30));
  SlaState c = clock_.Start(r, DefaultSlaTerms(v1::SEVERITY_CRITICAL));
  EXPECT_EQ(c.acknowledge.due, At(2026, 9, 30, 17, 15));
  EXPECT_EQ(c.handling_opinion.due, At(2026, 9, 30, 17, 30));
  // Friday 10-09, 3 days: 10-10 (make-up Saturday) counts.
  SlaTerms three = DefaultSlaTerms(v1::SEVERITY_NORMAL);
  three.handling_opinion_working_days = 3;
  SlaState f = clock_.Start(At(2026, 10, 9, 10, 0), three);
  EXPECT_EQ(f.handling_opinion.due, At(2026, 10, 13, 17, 30));
}

TEST_F(SlaTest, WarningInstantIsShareOfWorkingBudget) {
  SlaState s =
      clock_.Start(At(2026, 3, 2, 9, 0), DefaultSlaTerms(v1::SEVERITY_NORMAL));
  EXPECT_EQ(s.acknowledge.due, At(2026, 3, 2, 14, 30));
  // 80 % of 240 = 192 working minutes: 180 before lunch, 12 after.
  EXPECT_EQ(s.acknowledge.warn_at, At(2026, 3, 2, 13, 42));
  // Opinion: 3 working days of 420 = 1260; 80 % = 1008 = 2 days + 168.
  EXPECT_EQ(s.handling_opinion.due, At(2026, 3, 4, 17, 30));
  EXPECT_EQ(s.handling_opinion.warn_at, At(2026, 3, 4, 11, 48));
}

TEST_F(SlaTest, PauseMovesUnmetDeadlinesByPausedWorkingTime) {
  SlaState s =
      clock_.Start(At(2026, 3, 2, 9, 0), DefaultSlaTerms(v1::SEVERITY_NORMAL));
  clock_.Pause(&s, At(2026, 3, 2, 10, 0));
  // Paused: the sweep has nothing to do, nothing breaches.
  EXPECT_FALSE(clock_.NextActionTime(s, true).has_value());
  EXPECT_THAT(clock_.MarkBreaches(&s, At(2026, 3, 3, 9, 30)), IsEmpty());
  // One whole working day paused (Mon 10:00 → Tue 10:00).
  const absl::Duration paused = clock_.Resume(&s, At(2026, 3, 3, 10, 0));
  EXPECT_EQ(paused, absl::Minutes(420));
  EXPECT_EQ(s.paused_working, absl::Minutes(420));
  EXPECT_EQ(s.acknowledge.due, At(2026, 3, 3, 14, 30));
  EXPECT_EQ(s.acknowledge.warn_at, At(2026, 3, 3, 13, 42));
  EXPECT_EQ(s.handling_opinion.due, At(2026, 3, 5, 17, 30));
  EXPECT_FALSE(s.paused_since.has_value());
  EXPECT_EQ(*clock_.NextActionTime(s, true), At(2026, 3, 3, 13, 42));
  // Handling time excludes the pause.
  EXPECT_EQ(clock_.HandlingTime(s, At(2026, 3, 3, 11, 0)),
            absl::Minutes(60 + 60));
}

TEST_F(SlaTest, PauseAfterDueDoesNotMoveIt) {
  SlaState s =
      clock_.Start(At(2026, 3, 2, 9, 0), DefaultSlaTerms(v1::SEVERITY_NORMAL));
  EXPECT_THAT(clock_.MarkBreaches(&s, At(2026, 3, 2, 15, 0)),
              ElementsAre(v1::DEADLINE_KIND_ACKNOWLEDGE));
  clock_.Pause(&s, At(2026, 3, 2, 15, 0));
  clock_.Resume(&s, At(2026, 3, 2, 16, 0));
  EXPECT_EQ(s.acknowledge.due, At(2026, 3, 2, 14, 30));
  EXPECT_TRUE(s.acknowledge.breached);
  // The opinion deadline was still ahead: it moves 60 working minutes.
  EXPECT_EQ(s.handling_opinion.due, At(2026, 3, 5, 10, 0));
}

TEST_F(SlaTest, MeetingLateMarksBreach) {
  SlaState s =
      clock_.Start(At(2026, 3, 2, 9, 0), DefaultSlaTerms(v1::SEVERITY_NORMAL));
  EXPECT_FALSE(
      clock_.Meet(&s, v1::DEADLINE_KIND_ACKNOWLEDGE, At(2026, 3, 2, 10, 0)));
  EXPECT_EQ(*s.acknowledge.met, At(2026, 3, 2, 10, 0));
  EXPECT_FALSE(s.acknowledge.breached);
  EXPECT_TRUE(clock_.Meet(&s, v1::DEADLINE_KIND_HANDLING_OPINION,
                          At(2026, 3, 5, 9, 0)));
  EXPECT_TRUE(s.handling_opinion.breached);
  // The investigation is still due (Monday 17:30, warning at 16:06).
  EXPECT_EQ(*clock_.NextActionTime(s, true), At(2026, 3, 2, 16, 6));
  EXPECT_TRUE(
      clock_.Meet(&s, v1::DEADLINE_KIND_INVESTIGATED, At(2026, 3, 5, 9, 0)));
  EXPECT_TRUE(s.investigated.breached);
  EXPECT_FALSE(clock_.NextActionTime(s, true).has_value());
}

TEST_F(SlaTest, ReclassifyRecomputesFromRegistrationKeepingPausedTime) {
  SlaState s =
      clock_.Start(At(2026, 3, 2, 9, 0), DefaultSlaTerms(v1::SEVERITY_NORMAL));
  clock_.Pause(&s, At(2026, 3, 2, 9, 10));
  clock_.Resume(&s, At(2026, 3, 2, 10, 10));  // 60 minutes paused
  clock_.Reclassify(&s, DefaultSlaTerms(v1::SEVERITY_MAJOR));
  // Major from 09:00: ack 10:00, + 60 paused = 11:00.
  EXPECT_EQ(s.acknowledge.due, At(2026, 3, 2, 11, 0));
  // Opinion: end of Tuesday, + 60 paused = Wednesday 10:00.
  EXPECT_EQ(s.handling_opinion.due, At(2026, 3, 4, 10, 0));
  EXPECT_EQ(s.terms.acknowledge_working_minutes, 60);
  // A met deadline keeps its record.
  clock_.Meet(&s, v1::DEADLINE_KIND_ACKNOWLEDGE, At(2026, 3, 2, 10, 30));
  clock_.Reclassify(&s, DefaultSlaTerms(v1::SEVERITY_CRITICAL));
  EXPECT_EQ(s.acknowledge.due, At(2026, 3, 2, 11, 0));
  EXPECT_EQ(*s.acknowledge.met, At(2026, 3, 2, 10, 30));
  // Critical: the same day (Monday 17:30), + 60 paused = Tuesday 10:00.
  EXPECT_EQ(s.handling_opinion.due, At(2026, 3, 3, 10, 0));
}

TEST_F(SlaTest, DepartmentHoldingExcludesPauses) {
  SlaState s =
      clock_.Start(At(2026, 3, 2, 9, 0), DefaultSlaTerms(v1::SEVERITY_NORMAL));
  // Department A holds it 09:00–11:00.
  EXPECT_EQ(clock_.EndHolding(&s, At(2026, 3, 2, 11, 0)), absl::Minutes(120));
  // Department B from 11:00; paused 14:00–15:00; resolved at 16:00.
  clock_.Pause(&s, At(2026, 3, 2, 14, 0));
  EXPECT_EQ(clock_.Held(s, At(2026, 3, 2, 14, 30)), absl::Minutes(60 + 30));
  clock_.Resume(&s, At(2026, 3, 2, 15, 0));
  EXPECT_EQ(clock_.EndHolding(&s, At(2026, 3, 2, 16, 0)),
            absl::Minutes(60 + 150 - 60));
  EXPECT_EQ(clock_.Held(s, At(2026, 3, 2, 16, 0)), absl::ZeroDuration());
}

TEST_F(SlaTest, HoldingChangeDuringPause) {
  SlaState s =
      clock_.Start(At(2026, 3, 2, 9, 0), DefaultSlaTerms(v1::SEVERITY_NORMAL));
  clock_.Pause(&s, At(2026, 3, 2, 10, 0));
  EXPECT_EQ(clock_.EndHolding(&s, At(2026, 3, 2, 11, 0)), absl::Minutes(60));
  clock_.Resume(&s, At(2026, 3, 2, 11, 30));
  EXPECT_EQ(clock_.Held(s, At(2026, 3, 2, 12, 0)), absl::Minutes(30));
}

// 当天进行调查、核实: by the end of the registration's working day; after
// hours, a weekend or a holiday, by the end of the next working day.
TEST_F(SlaTest, InvestigatedByTheEndOfTheRegistrationsWorkingDay) {
  const SlaTerms normal = DefaultSlaTerms(v1::SEVERITY_NORMAL);
  EXPECT_EQ(normal.investigation_working_days, 0);
  struct Case {
    const char* what;
    absl::Time registered;
    absl::Time due;
  } cases[] = {
      {"Monday 09:00", At(2026, 3, 2, 9, 0), At(2026, 3, 2, 17, 30)},
      // One working minute left is still the same day.
      {"Monday 17:29", At(2026, 3, 2, 17, 29), At(2026, 3, 2, 17, 30)},
      {"Monday 18:00 (after hours)", At(2026, 3, 2, 18, 0),
       At(2026, 3, 3, 17, 30)},
      {"Monday 12:30 (lunch)", At(2026, 3, 2, 12, 30), At(2026, 3, 2, 17, 30)},
      // Friday 2026-04-03 evening, then 清明 04-04..04-06: Tuesday.
      {"Friday evening before 清明", At(2026, 4, 3, 19, 0),
       At(2026, 4, 7, 17, 30)},
      // Friday 2026-02-13 evening: Saturday 02-14 is worked (春节调休).
      {"Friday evening before a make-up Saturday", At(2026, 2, 13, 18, 0),
       At(2026, 2, 14, 17, 30)},
      {"on the make-up Saturday 2026-02-28", At(2026, 2, 28, 10, 0),
       At(2026, 2, 28, 17, 30)},
      {"an ordinary Sunday", At(2026, 3, 8, 10, 0), At(2026, 3, 9, 17, 30)},
      {"during 春节", At(2026, 2, 18, 10, 0), At(2026, 2, 24, 17, 30)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    SlaState s = clock_.Start(c.registered, normal);
    EXPECT_EQ(s.investigated.kind, v1::DEADLINE_KIND_INVESTIGATED);
    EXPECT_EQ(s.investigated.due, c.due);
    EXPECT_TRUE(s.investigated.tracked());
    EXPECT_LE(s.investigated.warn_at, s.investigated.due);
  }
  // A policy may give more working days.
  SlaTerms two = normal;
  two.investigation_working_days = 2;
  EXPECT_EQ(clock_.Start(At(2026, 3, 2, 9, 0), two).investigated.due,
            At(2026, 3, 4, 17, 30));
  // The warning is the policy's share of the day: 80 % of 420 minutes.
  EXPECT_EQ(clock_.Start(At(2026, 3, 2, 9, 0), normal).investigated.warn_at,
            At(2026, 3, 2, 16, 6));
}

TEST_F(SlaTest, InvestigatedPausesMovesAndReclassifiesLikeTheOthers) {
  SlaState s =
      clock_.Start(At(2026, 3, 2, 9, 0), DefaultSlaTerms(v1::SEVERITY_NORMAL));
  clock_.Pause(&s, At(2026, 3, 2, 10, 0));
  clock_.Resume(&s, At(2026, 3, 3, 10, 0));  // 420 working minutes
  EXPECT_EQ(s.investigated.due, At(2026, 3, 3, 17, 30));
  EXPECT_THAT(clock_.MarkBreaches(&s, At(2026, 3, 3, 17, 29)),
              ElementsAre(v1::DEADLINE_KIND_ACKNOWLEDGE));
  EXPECT_THAT(clock_.MarkBreaches(&s, At(2026, 3, 3, 17, 30)),
              ElementsAre(v1::DEADLINE_KIND_INVESTIGATED));
  SlaTerms two = DefaultSlaTerms(v1::SEVERITY_NORMAL);
  two.investigation_working_days = 2;
  SlaState r =
      clock_.Start(At(2026, 3, 2, 9, 0), DefaultSlaTerms(v1::SEVERITY_NORMAL));
  clock_.Reclassify(&r, two);
  EXPECT_EQ(r.investigated.due, At(2026, 3, 4, 17, 30));
  EXPECT_FALSE(
      clock_.Meet(&r, v1::DEADLINE_KIND_INVESTIGATED, At(2026, 3, 4, 17, 0)));
  EXPECT_FALSE(r.investigated.breached);
}

// Complaints registered before the investigated deadline existed have none
// (stored NULL): it never warns, breaches, moves or wakes the sweep.
TEST_F(SlaTest, AnUntrackedInvestigationNeverActs) {
  SlaState s =
      clock_.Start(At(2026, 3, 2, 9, 0), DefaultSlaTerms(v1::SEVERITY_NORMAL));
  s.investigated.due = absl::InfiniteFuture();
  s.investigated.warn_at = absl::InfiniteFuture();
  EXPECT_FALSE(s.investigated.tracked());
  clock_.Meet(&s, v1::DEADLINE_KIND_ACKNOWLEDGE, At(2026, 3, 2, 9, 30));
  clock_.Meet(&s, v1::DEADLINE_KIND_HANDLING_OPINION, At(2026, 3, 2, 9, 40));
  EXPECT_FALSE(clock_.NextActionTime(s, true).has_value());
  EXPECT_THAT(clock_.MarkBreaches(&s, At(2027, 1, 1, 9, 0)), IsEmpty());
  EXPECT_FALSE(
      clock_.Meet(&s, v1::DEADLINE_KIND_INVESTIGATED, At(2026, 3, 2, 10, 0)));
  EXPECT_FALSE(s.investigated.met.has_value());
  clock_.Pause(&s, At(2026, 3, 2, 10, 0));
  clock_.Resume(&s, At(2026, 3, 3, 10, 0));
  clock_.Reclassify(&s, DefaultSlaTerms(v1::SEVERITY_MAJOR));
  EXPECT_FALSE(s.investigated.tracked());
}

}  // namespace
}  // namespace csm::complaint
