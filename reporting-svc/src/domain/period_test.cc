#include "reporting-svc/src/domain/period.h"

#include <gtest/gtest.h>

#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/business_time.h"

namespace csm::reporting {
namespace {

using absl::CivilDay;

ReportPeriod Week(int y, int w) { return ReportPeriod::Week(y, w).value(); }
ReportPeriod Month(int y, int m) { return ReportPeriod::Month(y, m).value(); }
ReportPeriod Quarter(int y, int q) {
  return ReportPeriod::Quarter(y, q).value();
}

absl::Time Utc(int y, int mo, int d, int h, int mi, int s = 0) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s),
                         absl::UTCTimeZone());
}

TEST(IsoWeekTest, WeekdaysAndNumbers) {
  EXPECT_EQ(IsoWeekday(CivilDay(2026, 11, 16)), 1);  // Monday
  EXPECT_EQ(IsoWeekday(CivilDay(2026, 11, 22)), 7);  // Sunday
  EXPECT_EQ(IsoWeekOf(CivilDay(2026, 11, 16)), (IsoWeek{2026, 47}));
  EXPECT_EQ(IsoWeekOf(CivilDay(2026, 1, 1)), (IsoWeek{2026, 1}));
  // A Friday of January in the previous year's last week.
  EXPECT_EQ(IsoWeekOf(CivilDay(2027, 1, 1)), (IsoWeek{2026, 53}));
  EXPECT_EQ(IsoWeekOf(CivilDay(2021, 1, 3)), (IsoWeek{2020, 53}));
  // A Monday of December in the next year's first week.
  EXPECT_EQ(IsoWeekOf(CivilDay(2024, 12, 30)), (IsoWeek{2025, 1}));
  EXPECT_EQ(IsoWeeksInYear(2026), 53);
  EXPECT_EQ(IsoWeeksInYear(2025), 52);
  EXPECT_EQ(IsoWeeksInYear(2020), 53);
}

TEST(PeriodTest, WeekIsMondayToSunday) {
  const ReportPeriod w = Week(2026, 47);
  EXPECT_EQ(w.first(), CivilDay(2026, 11, 16));
  EXPECT_EQ(w.last(), CivilDay(2026, 11, 22));
  EXPECT_EQ(w.days(), 7);
  EXPECT_EQ(w.Label(), "2026-W47");
  EXPECT_EQ(ReportPeriod::WeekOf(CivilDay(2026, 11, 19)), w);
}

TEST(PeriodTest, WeekCrossingAMonth) {
  const ReportPeriod w = ReportPeriod::WeekOf(CivilDay(2026, 10, 31));
  EXPECT_EQ(w.year(), 2026);
  EXPECT_EQ(w.number(), 44);
  EXPECT_EQ(w.first(), CivilDay(2026, 10, 26));
  EXPECT_EQ(w.last(), CivilDay(2026, 11, 1));
  EXPECT_TRUE(w.Contains(CivilDay(2026, 11, 1)));
  EXPECT_FALSE(w.Contains(CivilDay(2026, 11, 2)));
}

TEST(PeriodTest, WeekCrossingAYearBelongsToTheIsoYearOfItsThursday) {
  const ReportPeriod w53 = Week(2026, 53);
  EXPECT_EQ(w53.first(), CivilDay(2026, 12, 28));
  EXPECT_EQ(w53.last(), CivilDay(2027, 1, 3));
  EXPECT_EQ(ReportPeriod::WeekOf(CivilDay(2027, 1, 1)), w53);
  EXPECT_EQ(w53.Next(), Week(2027, 1));
  EXPECT_EQ(Week(2027, 1).first(), CivilDay(2027, 1, 4));
  const ReportPeriod w1 = Week(2025, 1);
  EXPECT_EQ(w1.first(), CivilDay(2024, 12, 30));
  EXPECT_EQ(w1.Previous(), Week(2024, 52));
  EXPECT_EQ(w1.Label(), "2025-W01");
}

TEST(PeriodTest, WeekNumbersOutOfRange) {
  EXPECT_FALSE(ReportPeriod::Week(2025, 53).ok());  // 2025 has 52 weeks
  EXPECT_TRUE(ReportPeriod::Week(2026, 53).ok());
  EXPECT_FALSE(ReportPeriod::Week(2026, 0).ok());
  EXPECT_FALSE(ReportPeriod::Week(2026, 54).ok());
  EXPECT_FALSE(ReportPeriod::Week(1969, 10).ok());
  EXPECT_FALSE(ReportPeriod::Week(2200, 10).ok());
}

TEST(PeriodTest, Months) {
  EXPECT_EQ(Month(2024, 2).last(), CivilDay(2024, 2, 29));
  EXPECT_EQ(Month(2026, 2).last(), CivilDay(2026, 2, 28));
  EXPECT_EQ(Month(2100, 2).last(), CivilDay(2100, 2, 28));  // not leap
  EXPECT_EQ(Month(2026, 12).last(), CivilDay(2026, 12, 31));
  EXPECT_EQ(Month(2026, 1).Previous(), Month(2025, 12));
  EXPECT_EQ(Month(2026, 12).Next(), Month(2027, 1));
  EXPECT_EQ(Month(2026, 3).Label(), "2026-03");
  EXPECT_EQ(ReportPeriod::MonthOf(CivilDay(2026, 11, 30)), Month(2026, 11));
  EXPECT_FALSE(ReportPeriod::Month(2026, 0).ok());
  EXPECT_FALSE(ReportPeriod::Month(2026, 13).ok());
}

TEST(PeriodTest, QuarterBoundaries) {
  EXPECT_EQ(Quarter(2026, 1).first(), CivilDay(2026, 1, 1));
  EXPECT_EQ(Quarter(2026, 1).last(), CivilDay(2026, 3, 31));
  EXPECT_EQ(Quarter(2026, 4).first(), CivilDay(2026, 10, 1));
  EXPECT_EQ(Quarter(2026, 4).last(), CivilDay(2026, 12, 31));
  EXPECT_EQ(Quarter(2024, 1).days(), 91);  // leap February
  EXPECT_EQ(Quarter(2026, 1).days(), 90);
  EXPECT_EQ(ReportPeriod::QuarterOf(CivilDay(2026, 3, 31)), Quarter(2026, 1));
  EXPECT_EQ(ReportPeriod::QuarterOf(CivilDay(2026, 4, 1)), Quarter(2026, 2));
  EXPECT_EQ(Quarter(2026, 1).Previous(), Quarter(2025, 4));
  EXPECT_EQ(Quarter(2026, 4).Next(), Quarter(2027, 1));
  EXPECT_EQ(Quarter(2026, 4).Label(), "2026-Q4");
  EXPECT_FALSE(ReportPeriod::Quarter(2026, 5).ok());
  EXPECT_FALSE(ReportPeriod::Quarter(2026, 0).ok());
}

TEST(PeriodTest, CustomRanges) {
  const ReportPeriod one =
      ReportPeriod::Custom(CivilDay(2026, 11, 3), CivilDay(2026, 11, 3))
          .value();
  EXPECT_EQ(one.days(), 1);
  const ReportPeriod r =
      ReportPeriod::Custom(CivilDay(2026, 11, 3), CivilDay(2026, 11, 20))
          .value();
  EXPECT_EQ(r.Label(), "2026-11-03..2026-11-20");
  EXPECT_EQ(r.days(), 18);
  EXPECT_EQ(r.Previous().first(), CivilDay(2026, 10, 16));
  EXPECT_EQ(r.Previous().last(), CivilDay(2026, 11, 2));
  EXPECT_EQ(r.Next().first(), CivilDay(2026, 11, 21));
  EXPECT_EQ(r.Next().days(), 18);
}

TEST(PeriodTest, CustomRangeInvertedIsRefused) {
  absl::StatusOr<ReportPeriod> r =
      ReportPeriod::Custom(CivilDay(2026, 11, 20), CivilDay(2026, 11, 19));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("inverted"), absl::string_view::npos);
}

TEST(PeriodTest, CustomRangeOfAtMostThreeYears) {
  EXPECT_EQ(LatestEndWithinThreeYears(CivilDay(2024, 1, 1)),
            CivilDay(2026, 12, 31));
  EXPECT_EQ(LatestEndWithinThreeYears(CivilDay(2024, 2, 29)),
            CivilDay(2027, 2, 28));
  EXPECT_EQ(LatestEndWithinThreeYears(CivilDay(2025, 3, 1)),
            CivilDay(2028, 2, 29));
  EXPECT_TRUE(
      ReportPeriod::Custom(CivilDay(2024, 1, 1), CivilDay(2026, 12, 31)).ok());
  absl::StatusOr<ReportPeriod> over =
      ReportPeriod::Custom(CivilDay(2024, 1, 1), CivilDay(2027, 1, 1));
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(over.status().message().find("2026-12-31"),
            absl::string_view::npos);
  EXPECT_FALSE(
      ReportPeriod::Custom(CivilDay(2024, 2, 29), CivilDay(2027, 3, 1)).ok());
  EXPECT_FALSE(
      ReportPeriod::Custom(CivilDay(1969, 12, 31), CivilDay(1970, 1, 1)).ok());
}

TEST(PeriodTest, InstantsAreBeijingMidnights) {
  const ReportPeriod w = Week(2026, 47);
  EXPECT_EQ(w.start_time(), Utc(2026, 11, 15, 16, 0));
  EXPECT_EQ(w.end_time(), Utc(2026, 11, 22, 16, 0));
  EXPECT_TRUE(w.Contains(Utc(2026, 11, 15, 16, 0)));
  EXPECT_TRUE(w.Contains(Utc(2026, 11, 22, 15, 59, 59)));
  EXPECT_FALSE(w.Contains(Utc(2026, 11, 22, 16, 0)));
  EXPECT_FALSE(w.Contains(Utc(2026, 11, 15, 15, 59, 59)));
  // New Year's Eve 16:00 UTC is already 1 January in Shanghai.
  EXPECT_EQ(BusinessDate(Utc(2026, 12, 31, 16, 0)), CivilDay(2027, 1, 1));
  EXPECT_EQ(BusinessDate(Utc(2026, 12, 31, 15, 59, 59)),
            CivilDay(2026, 12, 31));
}

TEST(PeriodTest, EveryDayIsTwentyFourHoursWithoutDaylightSaving) {
  // Asia/Shanghai has had no DST since 1991: a fixed +08:00 is exact.
  absl::TimeZone shanghai;
  const bool have_tzdata = absl::LoadTimeZone("Asia/Shanghai", &shanghai);
  for (CivilDay d(1992, 1, 1); d <= CivilDay(2026, 12, 31); ++d) {
    ASSERT_EQ(StartOfBusinessDay(d + 1) - StartOfBusinessDay(d),
              absl::Hours(24))
        << d;
    if (have_tzdata) {
      ASSERT_EQ(StartOfBusinessDay(d), absl::FromCivil(d, shanghai)) << d;
    }
  }
  EXPECT_EQ(Month(2026, 3).end_time() - Month(2026, 3).start_time(),
            absl::Hours(24 * 31));
}

TEST(ConsecutivePeriodsTest, OldestFirstEndingWithTheRequestedOne) {
  const std::vector<ReportPeriod> p =
      ConsecutivePeriods(Month(2026, 2), 3).value();
  ASSERT_EQ(p.size(), 3u);
  EXPECT_EQ(p[0], Month(2025, 12));
  EXPECT_EQ(p[1], Month(2026, 1));
  EXPECT_EQ(p[2], Month(2026, 2));
  // Weeks across the turn of a 53-week year.
  const std::vector<ReportPeriod> w =
      ConsecutivePeriods(Week(2027, 1), 2).value();
  EXPECT_EQ(w[0], Week(2026, 53));
  // 0 means the period alone.
  EXPECT_EQ(ConsecutivePeriods(Quarter(2026, 4), 0).value().size(), 1u);
}

TEST(ConsecutivePeriodsTest, CustomRangesOfEqualLength) {
  const ReportPeriod r =
      ReportPeriod::Custom(CivilDay(2026, 11, 11), CivilDay(2026, 11, 20))
          .value();
  const std::vector<ReportPeriod> p = ConsecutivePeriods(r, 3).value();
  EXPECT_EQ(p[0].first(), CivilDay(2026, 10, 22));
  EXPECT_EQ(p[0].last(), CivilDay(2026, 10, 31));
  EXPECT_EQ(p[1].first(), CivilDay(2026, 11, 1));
  EXPECT_EQ(p[1].days(), 10);
}

TEST(ConsecutivePeriodsTest, LimitsOnCountAndSpan) {
  EXPECT_EQ(ConsecutivePeriods(Month(2026, 12), 36).value().size(), 36u);
  EXPECT_FALSE(ConsecutivePeriods(Month(2026, 12), 37).ok());  // > 3 years
  EXPECT_TRUE(ConsecutivePeriods(Quarter(2026, 4), 12).ok());
  EXPECT_FALSE(ConsecutivePeriods(Quarter(2026, 4), 13).ok());
  EXPECT_TRUE(ConsecutivePeriods(Week(2026, 47), 60).ok());
  EXPECT_FALSE(ConsecutivePeriods(Week(2026, 47), 61).ok());
  EXPECT_FALSE(ConsecutivePeriods(Week(2026, 47), -1).ok());
  EXPECT_FALSE(ConsecutivePeriods(Month(1970, 1), 2).ok());  // before 1970
  const ReportPeriod three_years =
      ReportPeriod::Custom(CivilDay(2024, 1, 1), CivilDay(2026, 12, 31))
          .value();
  EXPECT_FALSE(ConsecutivePeriods(three_years, 2).ok());
}

}  // namespace
}  // namespace csm::reporting
