// The shipped seed and day kinds, BusinessCalendar::Create's configuration
// errors, and the seed and working-hours parsers (common/calendar_text.cc).
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/business_calendar.h"
#include "common/business_calendar_test_support.h"
#include "common/business_time.h"
#include "gtest/gtest.h"

namespace csm::calendar_test {
namespace {

// ---------------------------------------------------------------------------
// Seed data and day kinds.

TEST(BusinessCalendarSeed, ShippedSeedParsesAndCountsEveryDay) {
  absl::StatusOr<std::vector<CalendarDay>> days =
      ParseCalendarSeed(ChinaCalendarSeed());
  ASSERT_TRUE(days.ok()) << days.status();
  int holidays = 0;
  int makeups = 0;
  for (const CalendarDay& d : *days) {
    (d.kind == DayKind::kHoliday ? holidays : makeups)++;
    EXPECT_FALSE(d.name.empty()) << absl::FormatCivilTime(d.day);
  }
  // 2026: 3+9+3+5+3+3+7 days off, 6 make-up days; 2027: 3+8+3+5+1+1+7, 5.
  EXPECT_EQ(holidays, 33 + 28);
  EXPECT_EQ(makeups, 6 + 5);
}

TEST(BusinessCalendarSeed, YearsHave248WorkingDays) {
  // 261 weekdays in each year, less the 13 statutory days off: the make-up
  // days exactly pay back the bridged weekdays.
  const BusinessCalendar cal = China();
  EXPECT_EQ(cal.WorkingDaysBetween(absl::CivilDay(2026, 1, 1),
                                   absl::CivilDay(2027, 1, 1)),
            248);
  EXPECT_EQ(cal.WorkingDaysBetween(absl::CivilDay(2027, 1, 1),
                                   absl::CivilDay(2028, 1, 1)),
            248);
  EXPECT_EQ(cal.WorkingMinutesBetween(At(2026, 1, 1), At(2027, 1, 1)),
            248 * kDay);
}

struct KindCase {
  absl::CivilDay day;
  DayKind kind;
  const char* name;
};

TEST(BusinessCalendarSeed, KindOfEveryKindOfDay) {
  const BusinessCalendar cal = China();
  const KindCase cases[] = {
      {absl::CivilDay(2026, 1, 1), DayKind::kHoliday, "元旦"},
      {absl::CivilDay(2026, 1, 3), DayKind::kHoliday, "元旦"},  // A Saturday.
      {absl::CivilDay(2026, 1, 4), DayKind::kMakeupWorkday, "元旦调休上班"},
      {absl::CivilDay(2026, 1, 5), DayKind::kWorkday, ""},
      {absl::CivilDay(2026, 2, 13), DayKind::kWorkday, ""},
      {absl::CivilDay(2026, 2, 14), DayKind::kMakeupWorkday, "春节调休上班"},
      {absl::CivilDay(2026, 2, 15), DayKind::kHoliday, "春节"},
      {absl::CivilDay(2026, 2, 16), DayKind::kHoliday, "春节"},
      {absl::CivilDay(2026, 2, 23), DayKind::kHoliday, "春节"},
      {absl::CivilDay(2026, 2, 24), DayKind::kWorkday, ""},
      {absl::CivilDay(2026, 2, 28), DayKind::kMakeupWorkday, "春节调休上班"},
      {absl::CivilDay(2026, 3, 1), DayKind::kWeekend, ""},
      {absl::CivilDay(2026, 4, 6), DayKind::kHoliday, "清明节"},
      {absl::CivilDay(2026, 5, 5), DayKind::kHoliday, "劳动节"},
      {absl::CivilDay(2026, 5, 9), DayKind::kMakeupWorkday, "劳动节调休上班"},
      {absl::CivilDay(2026, 6, 19), DayKind::kHoliday, "端午节"},
      {absl::CivilDay(2026, 9, 20), DayKind::kMakeupWorkday, "国庆节调休上班"},
      {absl::CivilDay(2026, 9, 25), DayKind::kHoliday, "中秋节"},
      {absl::CivilDay(2026, 9, 30), DayKind::kWorkday, ""},
      {absl::CivilDay(2026, 10, 1), DayKind::kHoliday, "国庆节"},
      {absl::CivilDay(2026, 10, 7), DayKind::kHoliday, "国庆节"},
      {absl::CivilDay(2026, 10, 8), DayKind::kWorkday, ""},
      {absl::CivilDay(2026, 10, 10), DayKind::kMakeupWorkday, "国庆节调休上班"},
      {absl::CivilDay(2026, 10, 11), DayKind::kWeekend, ""},
      {absl::CivilDay(2027, 1, 31), DayKind::kMakeupWorkday, "春节调休上班"},
      {absl::CivilDay(2027, 2, 5), DayKind::kHoliday, "春节"},
      {absl::CivilDay(2027, 2, 12), DayKind::kHoliday, "春节"},
      {absl::CivilDay(2027, 2, 13), DayKind::kMakeupWorkday, "春节调休上班"},
      {absl::CivilDay(2027, 6, 9), DayKind::kHoliday, "端午节"},
      {absl::CivilDay(2027, 6, 10), DayKind::kWorkday, ""},
      // Outside the seeded years only the weekly rule applies (2025-10-01
      // was a holiday in fact, but 2025 is not seeded).
      {absl::CivilDay(2025, 10, 1), DayKind::kWorkday, ""},
      {absl::CivilDay(2025, 12, 28), DayKind::kWeekend, ""},
      {absl::CivilDay(2028, 1, 29), DayKind::kWeekend, ""},
      {absl::CivilDay(2028, 10, 2), DayKind::kWorkday, ""},
      {absl::CivilDay(1969, 12, 31), DayKind::kWorkday, ""},
      {absl::CivilDay(1900, 1, 6), DayKind::kWeekend, ""},
  };
  for (const KindCase& c : cases) {
    SCOPED_TRACE(absl::FormatCivilTime(c.day));
    EXPECT_EQ(cal.KindOf(c.day), c.kind);
    EXPECT_EQ(cal.IsWorkingDay(c.day),
              c.kind == DayKind::kWorkday || c.kind == DayKind::kMakeupWorkday);
    const CalendarDay d = cal.DayOf(c.day);
    EXPECT_EQ(d.day, c.day);
    EXPECT_EQ(d.kind, c.kind);
    EXPECT_EQ(d.name, c.name);
  }
}

// ---------------------------------------------------------------------------
// Configuration errors.

TEST(BusinessCalendarCreate, RejectsBadWorkingHours) {
  const std::vector<std::vector<WorkingInterval>> bad = {
      {},
      {{600, 600}},
      {{700, 600}},
      {{-1, 600}},
      {{600, 1441}},
      {{540, 720}, {700, 800}},   // Overlap.
      {{810, 1050}, {540, 720}},  // Out of order.
  };
  for (const auto& hours : bad) {
    absl::StatusOr<BusinessCalendar> cal = BusinessCalendar::Create(hours, {});
    EXPECT_EQ(cal.status().code(), absl::StatusCode::kInvalidArgument)
        << (hours.empty() ? "empty" : absl::StrCat(hours[0].start_minute));
  }
  EXPECT_TRUE(BusinessCalendar::Create({{0, 1440}}, {}).ok());
}

TEST(BusinessCalendarCreate, RejectsBadExceptions) {
  struct Bad {
    std::vector<CalendarDay> days;
    const char* message_part;
  };
  const Bad bad[] = {
      {{{absl::CivilDay(2026, 2, 16), DayKind::kWorkday, ""}}, "not workday"},
      {{{absl::CivilDay(2026, 2, 16), DayKind::kWeekend, ""}}, "not weekend"},
      {{{absl::CivilDay(2026, 2, 13), DayKind::kMakeupWorkday, ""}},
       "is a Friday"},
      {{{absl::CivilDay(2026, 2, 16), DayKind::kHoliday, "春节"},
        {absl::CivilDay(2026, 2, 16), DayKind::kHoliday, "春节"}},
       "listed twice"},
      {{{absl::CivilDay(2026, 2, 14), DayKind::kMakeupWorkday, ""},
        {absl::CivilDay(2026, 2, 14), DayKind::kHoliday, ""}},
       "both"},
      {{{absl::CivilDay(1899, 12, 31), DayKind::kHoliday, ""}},
       "supported years"},
      {{{absl::CivilDay(2200, 1, 1), DayKind::kHoliday, ""}},
       "supported years"},
  };
  for (const Bad& b : bad) {
    absl::StatusOr<BusinessCalendar> cal =
        BusinessCalendar::Create(DefaultWorkingHours(), b.days);
    EXPECT_EQ(cal.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(cal.status().message().find(b.message_part), std::string::npos)
        << cal.status();
  }
}

TEST(BusinessCalendarCreate, SortsExceptionsAndWorksWithoutAny) {
  absl::StatusOr<BusinessCalendar> cal = BusinessCalendar::Create(
      DefaultWorkingHours(),
      {{absl::CivilDay(2026, 10, 1), DayKind::kHoliday, "国庆节"},
       {absl::CivilDay(2026, 1, 1), DayKind::kHoliday, "元旦"}});
  ASSERT_TRUE(cal.ok()) << cal.status();
  EXPECT_EQ(cal->exceptions().front().day, absl::CivilDay(2026, 1, 1));
  EXPECT_FALSE(cal->IsWorkingDay(absl::CivilDay(2026, 10, 1)));

  absl::StatusOr<BusinessCalendar> plain =
      BusinessCalendar::Create(DefaultWorkingHours(), {});
  ASSERT_TRUE(plain.ok());
  EXPECT_TRUE(plain->IsWorkingDay(absl::CivilDay(2026, 10, 1)));
  EXPECT_EQ(plain->AddWorkingMinutes(At(2026, 9, 30, 17, 0), 60),
            At(2026, 10, 1, 9, 30));
}

// ---------------------------------------------------------------------------
// Seed and working-hours parsing.

TEST(ParseCalendarSeed, ParsesDaysRangesCommentsAndNames) {
  absl::StatusOr<std::vector<CalendarDay>> days = ParseCalendarSeed(
      "# header\r\n"
      "\n"
      "2026-02-14 makeup 春节调休上班\r\n"
      "  2026-02-15..2026-02-17   holiday  春节 假期  # trailing comment\n"
      "2026-04-06 holiday\n");
  ASSERT_TRUE(days.ok()) << days.status();
  const std::vector<CalendarDay> want = {
      {absl::CivilDay(2026, 2, 14), DayKind::kMakeupWorkday, "春节调休上班"},
      {absl::CivilDay(2026, 2, 15), DayKind::kHoliday, "春节 假期"},
      {absl::CivilDay(2026, 2, 16), DayKind::kHoliday, "春节 假期"},
      {absl::CivilDay(2026, 2, 17), DayKind::kHoliday, "春节 假期"},
      {absl::CivilDay(2026, 4, 6), DayKind::kHoliday, ""},
  };
  EXPECT_EQ(*days, want);
  EXPECT_TRUE(ParseCalendarSeed("").ok());
}

TEST(ParseCalendarSeed, ErrorsNameTheLine) {
  struct Bad {
    const char* text;
    const char* message_part;
  };
  const Bad bad[] = {
      {"2026-02-30 holiday x", "line 1: \"2026-02-30\" is not a date"},
      {"# c\n2026-2-3 holiday x", "line 2: \"2026-2-3\" is not a date"},
      {"2026-02-16", "line 1: missing the kind"},
      {"2026-02-16 vacation", "line 1: unknown kind \"vacation\""},
      {"2026-02-16 Holiday", "unknown kind"},
      {"2026-02-23..2026-02-15 holiday", "line 1: date range"},
      {"2026-02-15..2026-0223 holiday", "is not a date range"},
      {"2026-01-01..2027-06-01 holiday", "at most a year"},
      {"\n\n2026-02-13 makeup 调休",
       "line 3: make-up working day 2026-02-13 "
       "is a Friday"},
      {"2026-02-16 holiday a\n2026-02-15..2026-02-17 holiday b",
       "line 2: 2026-02-16 is already listed on line 1"},
      {"1899-01-02 holiday x", "line 1: 1899-01-02 is outside"},
  };
  for (const Bad& b : bad) {
    absl::StatusOr<std::vector<CalendarDay>> days = ParseCalendarSeed(b.text);
    EXPECT_EQ(days.status().code(), absl::StatusCode::kInvalidArgument)
        << b.text;
    EXPECT_NE(days.status().message().find(b.message_part), std::string::npos)
        << days.status();
  }
}

TEST(BusinessCalendarHours, ParseWorkingHours) {
  absl::StatusOr<std::vector<WorkingInterval>> hours =
      ParseWorkingHours("09:00-12:00, 13:30-17:30");
  ASSERT_TRUE(hours.ok()) << hours.status();
  EXPECT_EQ(*hours, DefaultWorkingHours());
  hours = ParseWorkingHours("00:00-24:00");
  ASSERT_TRUE(hours.ok()) << hours.status();
  EXPECT_EQ(*hours, (std::vector<WorkingInterval>{{0, 1440}}));
  for (const char* bad : {"", "9:00-12:00", "09:00", "09:00-24:01",
                          "09:60-10:00", "a-b", "09:00-12:00,"}) {
    EXPECT_FALSE(ParseWorkingHours(bad).ok()) << bad;
  }
}

TEST(BusinessCalendarSeed, DayKindNames) {
  EXPECT_EQ(DayKindName(DayKind::kWorkday), "workday");
  EXPECT_EQ(DayKindName(DayKind::kWeekend), "weekend");
  EXPECT_EQ(DayKindName(DayKind::kHoliday), "holiday");
  EXPECT_EQ(DayKindName(DayKind::kMakeupWorkday), "makeup");
}

}  // namespace
}  // namespace csm::calendar_test
