#include "reporting-svc/src/domain/report_schedule.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/business_time.h"

namespace csm::reporting {
namespace {

using absl::CivilDay;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

// Beijing wall time.
absl::Time Bj(int y, int mo, int d, int h, int mi) {
  return StartOfBusinessDay(CivilDay(y, mo, d)) + absl::Hours(h) +
         absl::Minutes(mi);
}

const BusinessCalendar& China() {
  static const BusinessCalendar* cal =
      new BusinessCalendar(ChinaBusinessCalendar().value());
  return *cal;
}

ScheduleRule WeeklyFriday() {
  ScheduleRule r;
  r.frequency = rv1::SCHEDULE_FREQUENCY_WEEKLY;
  r.weekday = 5;
  r.minute_of_day = 15 * 60;
  r.period = rv1::SCHEDULE_PERIOD_CURRENT;
  return r;
}

ScheduleRule FirstWorkingDay(rv1::ScheduleFrequency f) {
  ScheduleRule r;
  r.frequency = f;
  r.weekday = 0;
  r.working_day = 1;
  r.minute_of_day = 9 * 60;
  r.period = rv1::SCHEDULE_PERIOD_PREVIOUS;
  return r;
}

TEST(ParseTimeOfDayTest, Formats) {
  EXPECT_EQ(ParseTimeOfDay("15:00").value(), 900);
  EXPECT_EQ(ParseTimeOfDay("00:00").value(), 0);
  EXPECT_EQ(ParseTimeOfDay("23:59").value(), 1439);
  EXPECT_FALSE(ParseTimeOfDay("24:00").ok());
  EXPECT_FALSE(ParseTimeOfDay("15:60").ok());
  EXPECT_FALSE(ParseTimeOfDay("9:00").ok());
  EXPECT_FALSE(ParseTimeOfDay("").ok());
}

TEST(WeeklyScheduleTest, FridayAfternoonOfTheCurrentWeek) {
  const ScheduleRule r = WeeklyFriday();
  EXPECT_EQ(RunInCycle(r, China(), CivilDay(2026, 11, 16)),
            Bj(2026, 11, 20, 15, 0));
  EXPECT_EQ(LatestRunAtOrBefore(r, China(), Bj(2026, 11, 20, 14, 59)),
            Bj(2026, 11, 13, 15, 0));
  EXPECT_EQ(LatestRunAtOrBefore(r, China(), Bj(2026, 11, 20, 15, 0)),
            Bj(2026, 11, 20, 15, 0));
  EXPECT_EQ(NextRunAfter(r, China(), Bj(2026, 11, 20, 15, 0)),
            Bj(2026, 11, 27, 15, 0));
  const ReportPeriod covered = CoveredPeriod(r, Bj(2026, 11, 20, 15, 0));
  EXPECT_EQ(covered.Label(), "2026-W47");
  // A Friday that is a holiday (国庆) still has its run.
  EXPECT_EQ(RunInCycle(r, China(), CivilDay(2026, 10, 1)),
            Bj(2026, 10, 2, 15, 0));
  // The Friday of the week that crosses the year: 2026-W53.
  EXPECT_EQ(CoveredPeriod(r, Bj(2027, 1, 1, 15, 0)).Label(), "2026-W53");
}

TEST(MonthlyScheduleTest, FirstWorkingDayOnTheBusinessCalendar) {
  const ScheduleRule r = FirstWorkingDay(rv1::SCHEDULE_FREQUENCY_MONTHLY);
  // 1..3 January 2026 are 元旦; Sunday 4 January is a make-up working day.
  EXPECT_EQ(RunInCycle(r, China(), CivilDay(2026, 1, 20)),
            Bj(2026, 1, 4, 9, 0));
  // 1..7 October are 国庆.
  EXPECT_EQ(RunInCycle(r, China(), CivilDay(2026, 10, 1)),
            Bj(2026, 10, 8, 9, 0));
  EXPECT_EQ(CoveredPeriod(r, Bj(2026, 10, 8, 9, 0)).Label(), "2026-09");
  // Before October's run, the latest one was September's (1 September).
  EXPECT_EQ(LatestRunAtOrBefore(r, China(), Bj(2026, 10, 5, 12, 0)),
            Bj(2026, 9, 1, 9, 0));
  ScheduleRule third = r;
  third.working_day = 3;  // 8, 9, then Saturday 10 October (make-up)
  EXPECT_EQ(RunInCycle(third, China(), CivilDay(2026, 10, 1)),
            Bj(2026, 10, 10, 9, 0));
}

TEST(QuarterlyScheduleTest, FirstWorkingDayOfTheQuarterForTheOneBefore) {
  const ScheduleRule r = FirstWorkingDay(rv1::SCHEDULE_FREQUENCY_QUARTERLY);
  EXPECT_EQ(RunInCycle(r, China(), CivilDay(2026, 3, 15)),
            Bj(2026, 1, 4, 9, 0));
  EXPECT_EQ(CoveredPeriod(r, Bj(2026, 1, 4, 9, 0)).Label(), "2025-Q4");
  EXPECT_EQ(NextRunAfter(r, China(), Bj(2026, 1, 4, 9, 0)),
            Bj(2026, 4, 1, 9, 0));
  EXPECT_EQ(NextRunAfter(r, China(), Bj(2026, 7, 1, 9, 0)),
            Bj(2026, 10, 8, 9, 0));
}

TEST(MonthlyScheduleTest, AMonthWithoutTheWorkingDayHasNoRun) {
  // Every weekday of February 2026 a holiday.
  std::vector<CalendarDay> off;
  for (CivilDay d(2026, 2, 1); d.month() == 2; ++d) {
    if (IsoWeekday(d) <= 5) off.push_back({d, DayKind::kHoliday, "test"});
  }
  const BusinessCalendar cal =
      BusinessCalendar::Create(DefaultWorkingHours(), off).value();
  const ScheduleRule r = FirstWorkingDay(rv1::SCHEDULE_FREQUENCY_MONTHLY);
  EXPECT_FALSE(RunInCycle(r, cal, CivilDay(2026, 2, 10)).has_value());
  // On 1 March before its run, the latest run is January's.
  EXPECT_EQ(LatestRunAtOrBefore(r, cal, Bj(2026, 3, 1, 8, 0)),
            Bj(2026, 1, 1, 9, 0));
  EXPECT_EQ(NextRunAfter(r, cal, Bj(2026, 1, 1, 9, 0)), Bj(2026, 3, 2, 9, 0));
}

TEST(DecodeScheduleRuleTest, ValidSchedules) {
  rv1::ReportSchedule s;
  s.set_report(rv1::REPORT_KIND_WEEKLY);
  s.set_frequency(rv1::SCHEDULE_FREQUENCY_WEEKLY);
  s.set_weekday(5);
  s.set_time_of_day("15:00");
  s.set_period(rv1::SCHEDULE_PERIOD_CURRENT);
  FieldViolations v;
  std::optional<ScheduleRule> r = DecodeScheduleRule(s, "report_schedule", &v);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->minute_of_day, 900);
  EXPECT_EQ(r->weekday, 5);
}

TEST(DecodeScheduleRuleTest, OneViolationPerProblem) {
  rv1::ReportSchedule s;
  s.set_report(rv1::REPORT_KIND_COMPLAINT_LEDGER);
  s.set_frequency(rv1::SCHEDULE_FREQUENCY_MONTHLY);
  s.set_weekday(5);
  s.set_working_day(11);
  s.set_time_of_day("25:00");
  FieldViolations v;
  EXPECT_FALSE(DecodeScheduleRule(s, "report_schedule", &v).has_value());
  EXPECT_THAT(
      v.items(),
      ElementsAre(
          Pair("report_schedule.report", HasSubstr("exported")),
          Pair("report_schedule.working_day", HasSubstr("1..10")),
          Pair("report_schedule.weekday", HasSubstr("only for WEEKLY")),
          Pair("report_schedule.time_of_day", HasSubstr("00:00..23:59")),
          Pair("report_schedule.period", HasSubstr("required"))));
  FieldViolations none;
  EXPECT_FALSE(DecodeScheduleRule(rv1::ReportSchedule(), "s", &none));
  EXPECT_EQ(none.items().size(), 4u);  // report, frequency, time_of_day, period
}

}  // namespace
}  // namespace csm::reporting
