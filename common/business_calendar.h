#ifndef CSM_COMMON_BUSINESS_CALENDAR_H_
#define CSM_COMMON_BUSINESS_CALENDAR_H_

// Working time on a Chinese business calendar (工作日历): weekends, the
// national holidays (元旦 春节 清明 劳动节 端午 中秋 国庆) and the make-up
// working days on weekends (调休上班), with configurable working hours per
// day. Complaint deadlines (时限) are computed with it, so it is exact (to the
// nanosecond of the instants passed in) and cheap: O(1) to measure working
// time between two instants, O(log days) to add working time. Pure code: no
// I/O, no clock reads; the caller passes instants.
//
// All civil dates and times are Beijing time: BusinessTimeZone() of
// common/business_time.h (UTC+8 all year).

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/business_time.h"

namespace csm {

// One stretch of working time in a day, [start_minute, end_minute), in
// minutes since local midnight: {540, 720} is 09:00–12:00.
struct WorkingInterval {
  int start_minute = 0;
  int end_minute = 0;

  friend bool operator==(const WorkingInterval&,
                         const WorkingInterval&) = default;
};

// 09:00–12:00 and 13:30–17:30: 7 working hours (420 minutes) a day.
std::vector<WorkingInterval> DefaultWorkingHours();

// Parses "09:00-12:00,13:30-17:30" (for flags and config). Only the format is
// checked here; BusinessCalendar::Create validates the intervals themselves.
absl::StatusOr<std::vector<WorkingInterval>> ParseWorkingHours(
    absl::string_view text);

enum class DayKind {
  kWorkday,        // Monday to Friday, not a holiday.
  kWeekend,        // Saturday or Sunday, not a make-up working day.
  kHoliday,        // 放假: a day off by the State Council's arrangement.
  kMakeupWorkday,  // 调休上班: a Saturday or Sunday that is worked.
};

// "workday", "weekend", "holiday", "makeup" (the seed file's words).
absl::string_view DayKindName(DayKind kind);

// A day that departs from the weekly rule, e.g. {2026-02-16, kHoliday, "春节"}.
struct CalendarDay {
  absl::CivilDay day;
  DayKind kind = DayKind::kHoliday;
  std::string name;

  friend bool operator==(const CalendarDay&, const CalendarDay&) = default;
};

// Immutable once created: share one instance between threads freely.
class BusinessCalendar {
 public:
  // Validates and indexes a calendar. `hours` must be non-empty, each
  // interval within [0, 1440] with start < end, sorted and non-overlapping
  // (touching is allowed). `exceptions` may come in any order; each day at
  // most once; kinds only kHoliday or kMakeupWorkday; a make-up working day
  // must be a Saturday or Sunday (on a weekday it would mean nothing, so it
  // is surely a typo); years within [1900, 2199] (keeps the index small).
  // Days not listed follow the weekly rule: Monday to Friday are worked.
  static absl::StatusOr<BusinessCalendar> Create(
      std::vector<WorkingInterval> hours, std::vector<CalendarDay> exceptions);

  // --- Days ---
  DayKind KindOf(absl::CivilDay day) const;
  bool IsWorkingDay(absl::CivilDay day) const;
  // The exception listed for `day` (with its name), or the weekly-rule kind
  // with an empty name.
  CalendarDay DayOf(absl::CivilDay day) const;

  // --- Instants ---
  // Whether `t` falls inside a working interval of a working day.
  bool IsWorkingTime(absl::Time t) const;
  // `t` itself if it is working time, else the start of the next working
  // interval: where the deadline clock starts for a complaint received at t.
  absl::Time NextWorkingTime(absl::Time t) const;

  // Adds working time to an instant: the instant at which the given amount
  // of working time, counted from `from`, has elapsed. If `from` is outside
  // working time, counting starts at the next working minute; if the amount
  // runs out exactly at the end of an interval the result is that end
  // (12:00, not 13:30). An amount <= 0 returns `from` unchanged (a zero
  // deadline means "now", even outside working time). Infinite `from` is
  // returned as is; an amount beyond ~10^7 working days gives
  // absl::InfiniteFuture().
  absl::Time AddWorkingTime(absl::Time from, absl::Duration amount) const;
  absl::Time AddWorkingMinutes(absl::Time from, int64_t minutes) const;
  absl::Time AddWorkingHours(absl::Time from, int64_t hours) const;

  // "Handling opinion by the Nth working day" (在第N个工作日完成处理意见): the
  // end of working time on the Nth working day after the day on which
  // counting starts. Counting starts today if today is a working day and
  // `from` is before the end of today's working time; otherwise (a holiday,
  // a weekend, or after hours) on the next working day, as if the complaint
  // had arrived then. So N = 0 is "same day": the end of that day. Negative
  // N counts as 0.
  absl::Time EndOfWorkingDay(absl::Time from, int working_days) const;

  // Working time in [from, to): zero if to <= from. Exact; the inverse of
  // AddWorkingTime: WorkingTimeBetween(t, AddWorkingTime(t, d)) == d.
  absl::Duration WorkingTimeBetween(absl::Time from, absl::Time to) const;
  // The same in whole minutes (rounded down).
  int64_t WorkingMinutesBetween(absl::Time from, absl::Time to) const;

  // Working days in [from, to): zero if to <= from. O(1).
  int64_t WorkingDaysBetween(absl::CivilDay from, absl::CivilDay to) const;

  // The configuration, as validated (exceptions sorted by day).
  const std::vector<WorkingInterval>& hours() const { return hours_; }
  const std::vector<CalendarDay>& exceptions() const { return exceptions_; }
  // Working time in one working day (420 minutes by default).
  absl::Duration WorkingTimePerDay() const {
    return absl::Nanoseconds(day_ns_);
  }

 private:
  BusinessCalendar() = default;

  // Internally days are numbered from 1970-01-01 (day 0, a Thursday) and a
  // time of day is nanoseconds since local midnight.
  bool IsWorkingDayNumber(int64_t day) const;
  DayKind KindOfNumber(int64_t day) const;
  // Working days in [some fixed origin, day): non-decreasing, +1 per working
  // day, so a difference counts working days in O(1).
  int64_t WorkingDayIndex(int64_t day) const;
  // The k-th working day (k >= 1) on or after `start`.
  int64_t KthWorkingDayFrom(int64_t start, int64_t k) const;
  // Working nanoseconds in a working day before time of day `tod_ns`.
  int64_t WorkedBefore(int64_t tod_ns) const;
  // The time of day at which `worked_ns` (in (0, day_ns_]) of working time
  // has elapsed since midnight.
  int64_t TimeOfDayAfter(int64_t worked_ns) const;

  std::vector<WorkingInterval> hours_;
  std::vector<CalendarDay> exceptions_;  // Sorted by day.
  // Intervals in nanoseconds since midnight, and the working time elapsed
  // at each interval's start.
  std::vector<int64_t> start_ns_;
  std::vector<int64_t> end_ns_;
  std::vector<int64_t> worked_at_start_ns_;
  int64_t day_ns_ = 0;
  // Days [table_first_, table_first_ + kinds_.size()) cover whole years from
  // the first to the last year that has an exception; outside, the weekly
  // rule alone applies. adjust_[i] is (working days) - (weekly-rule working
  // days) in [table_first_, table_first_ + i).
  int64_t table_first_ = 0;
  std::vector<DayKind> kinds_;
  std::vector<int32_t> adjust_;
  int64_t weekday_holidays_ = 0;  // Holidays on Monday..Friday.
};

// The checks on one listed day (a year in 1900-2199; a holiday, or a
// make-up working day on a Saturday or Sunday), shared by
// BusinessCalendar::Create and the seed parser (so the parser can name the
// line).
absl::Status ValidateCalendarDay(const CalendarDay& d);

// The seed line format, one day or range per line:
//   2026-02-16 holiday 春节
//   2026-02-15..2026-02-23 holiday 春节      (inclusive range)
//   2026-02-14 makeup 春节调休上班
// KIND is `holiday` or `makeup`; the name (optional) is the rest of the line.
// '#' starts a comment (whole line or trailing); blank lines are ignored.
// Errors name the line ("line 12: ..."), including a day listed twice.
absl::StatusOr<std::vector<CalendarDay>> ParseCalendarSeed(
    absl::string_view text);

// The shipped seed: common/calendar_seed/china_2026_2027.txt, embedded at
// build time. 2026 is the State Council's official arrangement; 2027 is
// PROVISIONAL (derived from the statutory rules and the lunar dates) until
// the State Council publishes it, see the file.
absl::string_view ChinaCalendarSeed();

// A calendar with the shipped seed and the given working hours.
absl::StatusOr<BusinessCalendar> ChinaBusinessCalendar(
    std::vector<WorkingInterval> hours = DefaultWorkingHours());

}  // namespace csm

#endif  // CSM_COMMON_BUSINESS_CALENDAR_H_
