#include "common/business_calendar.h"

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/business_calendar_test_support.h"
#include "common/business_time.h"
#include "gtest/gtest.h"

namespace csm::calendar_test {
namespace {

// ---------------------------------------------------------------------------
// AddWorkingMinutes.

struct AddCase {
  const char* what;
  absl::Time from;
  int64_t minutes;
  absl::Time want;
};

TEST(BusinessCalendar, AddWorkingMinutes) {
  const BusinessCalendar cal = China();
  const AddCase cases[] = {
      // 16:00-17:30 is 90 min on Friday; the other 150 on the 春节 make-up
      // Saturday 09:00-11:30.
      {"4h before 春节 lands on the make-up Saturday", At(2026, 2, 13, 16, 0),
       240, At(2026, 2, 14, 11, 30)},
      {"critical 15 min across the evening", At(2026, 2, 13, 17, 20), 15,
       At(2026, 2, 14, 9, 5)},
      {"make-up Saturday evening jumps the whole 春节 break",
       At(2026, 2, 14, 17, 0), 60, At(2026, 2, 24, 9, 30)},
      {"complaint during 春节", At(2026, 2, 18, 10, 0), 60,
       At(2026, 2, 24, 10, 0)},
      {"before 09:00", At(2026, 3, 2, 7, 15), 60, At(2026, 3, 2, 10, 0)},
      {"after 17:30", At(2026, 3, 2, 18, 0), 60, At(2026, 3, 3, 10, 0)},
      {"during lunch", At(2026, 3, 2, 12, 10), 30, At(2026, 3, 2, 14, 0)},
      {"lunch break skipped", At(2026, 3, 2, 11, 30), 60,
       At(2026, 3, 2, 14, 0)},
      {"ends exactly at noon, not at 13:30", At(2026, 3, 2, 11, 0), 60,
       At(2026, 3, 2, 12, 0)},
      {"one full day", At(2026, 3, 2, 9, 0), kDay, At(2026, 3, 2, 17, 30)},
      {"a full day from the evening", At(2026, 3, 2, 17, 30), kDay,
       At(2026, 3, 3, 17, 30)},
      {"Friday evening to Monday", At(2026, 3, 6, 17, 0), 60,
       At(2026, 3, 9, 9, 30)},
      {"zero minutes leaves the instant alone", At(2026, 3, 7, 3, 0), 0,
       At(2026, 3, 7, 3, 0)},
      {"negative minutes leave the instant alone", At(2026, 3, 2, 10, 0), -5,
       At(2026, 3, 2, 10, 0)},
      {"on a 国庆 holiday", At(2026, 10, 3, 10, 0), 15, At(2026, 10, 8, 9, 15)},
      {"eve of 国庆", At(2026, 9, 30, 17, 0), 60, At(2026, 10, 8, 9, 30)},
      {"two weeks", At(2026, 3, 2, 9, 0), 10 * kDay, At(2026, 3, 13, 17, 30)},
      {"two days through the 国庆 make-up Sunday", At(2026, 9, 18, 9, 0),
       2 * kDay, At(2026, 9, 20, 17, 30)},
      {"thirty working days across 国庆", At(2026, 9, 21, 9, 0), 30 * kDay,
       // Sep 21-30 minus Sep 25: 7 days; Oct 8-10: 3; Oct 12-30: 15; Nov
       // 2-6: 5 → the 30th working day is Nov 6.
       At(2026, 11, 6, 17, 30)},
      {"seconds are kept", At(2026, 3, 2, 10, 0, 30), 1,
       At(2026, 3, 2, 10, 1, 30)},
      {"into 2027's 元旦", At(2026, 12, 31, 17, 0), 60, At(2027, 1, 4, 9, 30)},
      {"from the weekly-rule year 2025 into 2026's make-up Sunday",
       At(2025, 12, 31, 17, 0), 60, At(2026, 1, 4, 9, 30)},
      {"weekly rule after the seeded years", At(2030, 3, 1, 17, 0), 60,
       At(2030, 3, 4, 9, 30)},
      {"before 1970 (negative day numbers)", At(1969, 12, 31, 17, 0), 60,
       At(1970, 1, 1, 9, 30)},
  };
  for (const AddCase& c : cases) {
    SCOPED_TRACE(c.what);
    EXPECT_EQ(Show(cal.AddWorkingMinutes(c.from, c.minutes)), Show(c.want));
  }
}

TEST(BusinessCalendar, AddWorkingHoursIsMinutesTimesSixty) {
  const BusinessCalendar cal = China();
  EXPECT_EQ(cal.AddWorkingHours(At(2026, 2, 13, 16, 0), 4),
            At(2026, 2, 14, 11, 30));
  EXPECT_EQ(cal.AddWorkingHours(At(2026, 2, 13, 16, 0), 1),
            At(2026, 2, 13, 17, 0));
  EXPECT_EQ(cal.AddWorkingTime(At(2026, 3, 2, 9, 0), absl::Seconds(90)),
            At(2026, 3, 2, 9, 1, 30));
}

TEST(BusinessCalendar, InfiniteAndHugeInputs) {
  const BusinessCalendar cal = China();
  EXPECT_EQ(cal.AddWorkingMinutes(absl::InfiniteFuture(), 10),
            absl::InfiniteFuture());
  EXPECT_EQ(cal.AddWorkingMinutes(absl::InfinitePast(), 10),
            absl::InfinitePast());
  EXPECT_EQ(cal.AddWorkingMinutes(At(2026, 3, 2), INT64_MAX),
            absl::InfiniteFuture());
  EXPECT_EQ(cal.AddWorkingHours(At(2026, 3, 2), INT64_MAX),
            absl::InfiniteFuture());
  EXPECT_EQ(cal.AddWorkingTime(At(2026, 3, 2), absl::InfiniteDuration()),
            absl::InfiniteFuture());
  EXPECT_EQ(cal.WorkingTimeBetween(At(2026, 3, 2), absl::InfiniteFuture()),
            absl::InfiniteDuration());
  EXPECT_EQ(cal.EndOfWorkingDay(absl::InfiniteFuture(), 2),
            absl::InfiniteFuture());
  // A million working days (~3,800 years) is still computed, fast.
  const absl::Time far =
      cal.AddWorkingMinutes(At(2026, 3, 2), 1'000'000LL * kDay);
  EXPECT_EQ(cal.WorkingMinutesBetween(At(2026, 3, 2), far), 1'000'000LL * kDay);
}

// ---------------------------------------------------------------------------
// EndOfWorkingDay.

struct EndCase {
  const char* what;
  absl::Time from;
  int days;
  absl::Time want;
};

TEST(BusinessCalendar, EndOfWorkingDay) {
  const BusinessCalendar cal = China();
  const EndCase cases[] = {
      {"2nd working day after the eve of 国庆", At(2026, 9, 30, 10, 0), 2,
       At(2026, 10, 9, 17, 30)},
      {"same day", At(2026, 9, 30, 10, 0), 0, At(2026, 9, 30, 17, 30)},
      {"same day, received after hours: next working day",
       At(2026, 9, 30, 18, 0), 0, At(2026, 10, 8, 17, 30)},
      {"after hours, 2 days: the make-up Saturday", At(2026, 9, 30, 18, 0), 2,
       At(2026, 10, 10, 17, 30)},
      {"exactly at 17:30 counts as after hours", At(2026, 3, 2, 17, 30), 0,
       At(2026, 3, 3, 17, 30)},
      {"before 09:00 is still today", At(2026, 3, 2, 8, 0), 0,
       At(2026, 3, 2, 17, 30)},
      {"during lunch is still today", At(2026, 3, 2, 12, 30), 1,
       At(2026, 3, 3, 17, 30)},
      {"on a holiday: counting starts on the next working day",
       At(2026, 10, 3, 10, 0), 1, At(2026, 10, 9, 17, 30)},
      {"on a holiday, same day", At(2026, 10, 3, 10, 0), 0,
       At(2026, 10, 8, 17, 30)},
      {"Friday before 春节, 1 day: the make-up Saturday",
       At(2026, 2, 13, 10, 0), 1, At(2026, 2, 14, 17, 30)},
      {"Friday before 春节, 2 days: after the break", At(2026, 2, 13, 10, 0), 2,
       At(2026, 2, 24, 17, 30)},
      {"weekend", At(2026, 3, 7, 10, 0), 1, At(2026, 3, 10, 17, 30)},
      {"negative counts as same day", At(2026, 3, 2, 10, 0), -3,
       At(2026, 3, 2, 17, 30)},
      {"weekly rule after the seeded years", At(2030, 3, 1, 10, 0), 1,
       At(2030, 3, 4, 17, 30)},
  };
  for (const EndCase& c : cases) {
    SCOPED_TRACE(c.what);
    EXPECT_EQ(Show(cal.EndOfWorkingDay(c.from, c.days)), Show(c.want));
  }
}

// ---------------------------------------------------------------------------
// WorkingMinutesBetween.

struct BetweenCase {
  const char* what;
  absl::Time from;
  absl::Time to;
  int64_t minutes;
};

TEST(BusinessCalendar, WorkingMinutesBetween) {
  const BusinessCalendar cal = China();
  const BetweenCase cases[] = {
      {"Friday 16:00 to after 春节", At(2026, 2, 13, 16, 0),
       At(2026, 2, 24, 9, 0), 90 + kDay},
      {"reversed is zero", At(2026, 2, 24, 9, 0), At(2026, 2, 13, 16, 0), 0},
      {"equal is zero", At(2026, 3, 2, 10, 0), At(2026, 3, 2, 10, 0), 0},
      {"inside lunch", At(2026, 3, 2, 12, 10), At(2026, 3, 2, 13, 20), 0},
      {"across lunch", At(2026, 3, 2, 11, 0), At(2026, 3, 2, 14, 0), 90},
      {"the 国庆 break itself", At(2026, 10, 1), At(2026, 10, 8), 0},
      {"a week in the weekly-rule years", At(2030, 3, 4), At(2030, 3, 11),
       5 * kDay},
      {"across the seeded/unseeded boundary", At(2025, 12, 29), At(2026, 1, 5),
       3 * kDay + kDay},  // Dec 29-31, Jan 4 (make-up).
      {"partial minutes round down", At(2026, 3, 2, 10, 0, 30),
       At(2026, 3, 2, 10, 2, 0), 1},
  };
  for (const BetweenCase& c : cases) {
    SCOPED_TRACE(c.what);
    EXPECT_EQ(cal.WorkingMinutesBetween(c.from, c.to), c.minutes);
  }
  EXPECT_EQ(
      cal.WorkingTimeBetween(At(2026, 3, 2, 10, 0, 30), At(2026, 3, 2, 10, 2)),
      absl::Seconds(90));
}

TEST(BusinessCalendar, WorkingTimeInstants) {
  const BusinessCalendar cal = China();
  EXPECT_TRUE(cal.IsWorkingTime(At(2026, 3, 2, 9, 0)));
  EXPECT_FALSE(cal.IsWorkingTime(At(2026, 3, 2, 12, 0)));
  EXPECT_FALSE(cal.IsWorkingTime(At(2026, 3, 2, 17, 30)));
  EXPECT_TRUE(cal.IsWorkingTime(At(2026, 2, 14, 10, 0)));   // Make-up day.
  EXPECT_FALSE(cal.IsWorkingTime(At(2026, 2, 16, 10, 0)));  // 春节.
  EXPECT_EQ(cal.NextWorkingTime(At(2026, 3, 2, 10, 0)), At(2026, 3, 2, 10, 0));
  EXPECT_EQ(cal.NextWorkingTime(At(2026, 3, 2, 12, 5)), At(2026, 3, 2, 13, 30));
  EXPECT_EQ(cal.NextWorkingTime(At(2026, 3, 2, 17, 30)), At(2026, 3, 3, 9, 0));
  EXPECT_EQ(cal.NextWorkingTime(At(2026, 2, 14, 18, 0)), At(2026, 2, 24, 9, 0));
  EXPECT_EQ(cal.WorkingTimePerDay(), absl::Minutes(kDay));
}

// ---------------------------------------------------------------------------
// Properties against a minute-by-minute reference, for several working-hour
// configurations.

// The obvious, slow definition: is the minute starting at `t` worked?
bool ReferenceWorkingMinute(const BusinessCalendar& cal, absl::Time t) {
  const absl::CivilSecond c = absl::ToCivilSecond(t, BusinessTimeZone());
  if (!cal.IsWorkingDay(absl::CivilDay(c))) return false;
  const int minute = c.hour() * 60 + c.minute();
  for (const WorkingInterval& h : cal.hours()) {
    if (minute >= h.start_minute && minute < h.end_minute) return true;
  }
  return false;
}

TEST(BusinessCalendarProperty, MatchesMinuteByMinuteReference) {
  const std::vector<std::vector<WorkingInterval>> configs = {
      DefaultWorkingHours(),
      {{8 * 60, 10 * 60}, {10 * 60 + 15, 12 * 60}, {14 * 60, 18 * 60}},
      {{0, 1440}},
      {{9 * 60, 12 * 60}, {12 * 60, 13 * 60}},  // Touching intervals.
      {{23 * 60 + 59, 1440}},                   // One minute a day.
  };
  std::mt19937_64 rng(20260213);
  const absl::Time base = At(2025, 12, 20);
  for (const auto& hours : configs) {
    absl::StatusOr<BusinessCalendar> cal = ChinaBusinessCalendar(hours);
    ASSERT_TRUE(cal.ok()) << cal.status();
    // Up to a week of working time, so the reference stays quick.
    const int64_t max_n = absl::ToInt64Minutes(cal->WorkingTimePerDay()) * 7;
    for (int i = 0; i < 120; ++i) {
      // Minute-aligned starts over 2025-12 .. 2027-01, often in holidays.
      const absl::Time from =
          base + absl::Minutes(static_cast<int64_t>(rng() % (400 * 1440)));
      const int64_t n = static_cast<int64_t>(rng() % max_n);
      absl::Time t = from;
      for (int64_t left = n; left > 0; t += absl::Minutes(1)) {
        if (ReferenceWorkingMinute(*cal, t)) --left;
      }
      SCOPED_TRACE(absl::StrCat(Show(from), " + ", n));
      ASSERT_EQ(Show(cal->AddWorkingMinutes(from, n)), Show(t));
      ASSERT_EQ(cal->WorkingMinutesBetween(from, t), n);
    }
  }
}

TEST(BusinessCalendarProperty, BetweenInvertsAdd) {
  const BusinessCalendar cal = China();
  std::mt19937_64 rng(42);
  const absl::Time base = At(2025, 6, 1);
  for (int i = 0; i < 5000; ++i) {
    // Any instant, to the nanosecond, over 2025-06 .. 2028-06.
    const absl::Time from =
        base + absl::Nanoseconds(static_cast<int64_t>(
                   rng() % (int64_t{3} * 366 * 86400 * 1'000'000'000)));
    const int64_t n = static_cast<int64_t>(
        i % 2 == 0 ? rng() % 600 : rng() % (300 * int64_t{kDay}));
    const absl::Time to = cal.AddWorkingMinutes(from, n);
    SCOPED_TRACE(absl::StrCat(Show(from), " + ", n, " = ", Show(to)));
    ASSERT_GE(to, from);
    ASSERT_EQ(cal.WorkingTimeBetween(from, to), absl::Minutes(n));
    ASSERT_EQ(cal.WorkingMinutesBetween(from, to), n);
    if (n > 0) {
      // The deadline is the end of a worked minute...
      ASSERT_TRUE(cal.IsWorkingTime(to - absl::Nanoseconds(1)));
      // ...and the earliest instant with n minutes worked.
      ASSERT_LT(cal.WorkingTimeBetween(from, to - absl::Nanoseconds(1)),
                absl::Minutes(n));
      // Deadlines compose: n = a + b.
      const int64_t a = n / 3;
      ASSERT_EQ(cal.AddWorkingMinutes(cal.AddWorkingMinutes(from, a), n - a),
                to);
    }
  }
}

}  // namespace
}  // namespace csm::calendar_test
