#include "common/business_calendar.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/business_time.h"

namespace csm {
namespace {

// Beijing time, no DST (common/business_time.h).
constexpr int64_t kUtcOffsetSeconds = kBusinessUtcOffsetSeconds;
constexpr int64_t kSecondsPerDay = 86400;
constexpr int64_t kNanosPerMinute = int64_t{60} * 1000 * 1000 * 1000;
constexpr int64_t kNanosPerDay = kSecondsPerDay * 1000 * 1000 * 1000;
// Instants beyond ±10^13 s (±317,000 years) are clamped so day arithmetic
// cannot overflow; no deadline lives there.
constexpr int64_t kMaxAbsUnixSeconds = 10'000'000'000'000;
// Beyond this many working days an amount counts as "never".
constexpr int64_t kMaxWorkingDays = 10'000'000;

const absl::CivilDay kEpochDay(1970, 1, 1);  // Day number 0, a Thursday.

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}
int64_t FloorMod(int64_t a, int64_t b) { return a - FloorDiv(a, b) * b; }

int64_t DayNumber(absl::CivilDay day) { return day - kEpochDay; }

// 0 = Monday … 6 = Sunday; day 0 (1970-01-01) is a Thursday.
int WeekdayIndex(int64_t day) { return static_cast<int>(FloorMod(day + 3, 7)); }
bool IsWeeklyWorkingDay(int64_t day) { return WeekdayIndex(day) < 5; }

// Monday-to-Friday days in [1969-12-29 (a Monday), day): the weekly rule's
// running count, in O(1).
int64_t WeeklyWorkingDayIndex(int64_t day) {
  const int64_t m = day + 3;
  return FloorDiv(m, 7) * 5 + std::min<int64_t>(FloorMod(m, 7), 5);
}

bool IsWorkingKind(DayKind kind) {
  return kind == DayKind::kWorkday || kind == DayKind::kMakeupWorkday;
}

struct DayAndTime {
  int64_t day;     // Day number.
  int64_t tod_ns;  // Nanoseconds since local midnight, [0, kNanosPerDay).
};

DayAndTime Split(absl::Time t) {
  const int64_t secs = std::clamp<int64_t>(
      absl::ToUnixSeconds(t), -kMaxAbsUnixSeconds, kMaxAbsUnixSeconds);
  const int64_t day = FloorDiv(secs + kUtcOffsetSeconds, kSecondsPerDay);
  const absl::Time midnight =
      absl::FromUnixSeconds(day * kSecondsPerDay - kUtcOffsetSeconds);
  const int64_t tod = absl::ToInt64Nanoseconds(t - midnight);
  return {day, std::clamp<int64_t>(tod, 0, kNanosPerDay - 1)};
}

absl::Time Join(int64_t day, int64_t tod_ns) {
  return absl::FromUnixSeconds(day * kSecondsPerDay - kUtcOffsetSeconds) +
         absl::Nanoseconds(tod_ns);
}

std::string FormatMinute(int minute) {
  return absl::StrFormat("%02d:%02d", minute / 60, minute % 60);
}

std::string FormatInterval(const WorkingInterval& i) {
  return absl::StrCat(FormatMinute(i.start_minute), "-",
                      FormatMinute(i.end_minute));
}

}  // namespace

absl::StatusOr<BusinessCalendar> BusinessCalendar::Create(
    std::vector<WorkingInterval> hours, std::vector<CalendarDay> exceptions) {
  if (hours.empty()) {
    return absl::InvalidArgumentError(
        "working hours are empty: a working day needs at least one interval");
  }
  for (size_t i = 0; i < hours.size(); ++i) {
    const WorkingInterval& h = hours[i];
    if (h.start_minute < 0 || h.end_minute > 1440 ||
        h.start_minute >= h.end_minute) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "working interval [%d, %d) minutes must satisfy 0 <= start < end "
          "<= 1440",
          h.start_minute, h.end_minute));
    }
    if (i > 0 && h.start_minute < hours[i - 1].end_minute) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "working interval %s overlaps or comes before %s: intervals must "
          "be sorted and must not overlap",
          FormatInterval(h), FormatInterval(hours[i - 1])));
    }
  }

  std::stable_sort(
      exceptions.begin(), exceptions.end(),
      [](const CalendarDay& a, const CalendarDay& b) { return a.day < b.day; });
  for (size_t i = 0; i < exceptions.size(); ++i) {
    if (absl::Status s = ValidateCalendarDay(exceptions[i]); !s.ok()) return s;
    if (i > 0 && exceptions[i].day == exceptions[i - 1].day) {
      const std::string day = absl::FormatCivilTime(exceptions[i].day);
      if (exceptions[i].kind != exceptions[i - 1].kind) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "%s is listed both as a holiday and as a make-up working day",
            day));
      }
      return absl::InvalidArgumentError(
          absl::StrFormat("%s is listed twice", day));
    }
  }

  BusinessCalendar cal;
  cal.hours_ = std::move(hours);
  cal.exceptions_ = std::move(exceptions);
  for (const WorkingInterval& h : cal.hours_) {
    cal.start_ns_.push_back(h.start_minute * kNanosPerMinute);
    cal.end_ns_.push_back(h.end_minute * kNanosPerMinute);
    cal.worked_at_start_ns_.push_back(cal.day_ns_);
    cal.day_ns_ += (h.end_minute - h.start_minute) * kNanosPerMinute;
  }

  // Index whole years from the first to the last year with an exception:
  // a few hundred bytes a year, and the weekly rule outside.
  cal.adjust_.push_back(0);
  if (!cal.exceptions_.empty()) {
    cal.table_first_ =
        DayNumber(absl::CivilDay(cal.exceptions_.front().day.year(), 1, 1));
    const int64_t end =
        DayNumber(absl::CivilDay(cal.exceptions_.back().day.year() + 1, 1, 1));
    cal.kinds_.reserve(end - cal.table_first_);
    for (int64_t d = cal.table_first_; d < end; ++d) {
      cal.kinds_.push_back(IsWeeklyWorkingDay(d) ? DayKind::kWorkday
                                                 : DayKind::kWeekend);
    }
    for (const CalendarDay& e : cal.exceptions_) {
      const int64_t d = DayNumber(e.day);
      cal.kinds_[d - cal.table_first_] = e.kind;
      if (e.kind == DayKind::kHoliday && IsWeeklyWorkingDay(d)) {
        ++cal.weekday_holidays_;
      }
    }
    cal.adjust_.reserve(cal.kinds_.size() + 1);
    int32_t running = 0;
    for (size_t i = 0; i < cal.kinds_.size(); ++i) {
      running += (IsWorkingKind(cal.kinds_[i]) ? 1 : 0) -
                 (IsWeeklyWorkingDay(cal.table_first_ + i) ? 1 : 0);
      cal.adjust_.push_back(running);
    }
  }
  return cal;
}

DayKind BusinessCalendar::KindOfNumber(int64_t day) const {
  const int64_t i = day - table_first_;
  if (i >= 0 && i < static_cast<int64_t>(kinds_.size())) return kinds_[i];
  return IsWeeklyWorkingDay(day) ? DayKind::kWorkday : DayKind::kWeekend;
}

bool BusinessCalendar::IsWorkingDayNumber(int64_t day) const {
  return IsWorkingKind(KindOfNumber(day));
}

int64_t BusinessCalendar::WorkingDayIndex(int64_t day) const {
  const int64_t i = day - table_first_;
  int32_t adjust = 0;
  if (i >= static_cast<int64_t>(kinds_.size())) {
    adjust = adjust_.back();
  } else if (i > 0) {
    adjust = adjust_[i];
  }
  return WeeklyWorkingDayIndex(day) + adjust;
}

int64_t BusinessCalendar::KthWorkingDayFrom(int64_t start, int64_t k) const {
  // The answer D is the smallest day with WorkingDayIndex(D + 1) >= target.
  // It is at least k - 1 days on; and any 7 days hold 5 weekly-rule working
  // days, of which holidays remove at most weekday_holidays_ in all, which
  // bounds it above. Binary search between: O(log(k + holidays)).
  const int64_t target = WorkingDayIndex(start) + k;
  int64_t lo = start + k - 1;
  int64_t hi = start + (k + weekday_holidays_ + 4) / 5 * 7;
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo) / 2;
    if (WorkingDayIndex(mid + 1) >= target) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

int64_t BusinessCalendar::WorkedBefore(int64_t tod_ns) const {
  for (size_t i = 0; i < start_ns_.size(); ++i) {
    if (tod_ns < end_ns_[i]) {
      return worked_at_start_ns_[i] +
             std::max<int64_t>(0, tod_ns - start_ns_[i]);
    }
  }
  return day_ns_;
}

int64_t BusinessCalendar::TimeOfDayAfter(int64_t worked_ns) const {
  for (size_t i = 0; i < start_ns_.size(); ++i) {
    const int64_t worked_at_end =
        worked_at_start_ns_[i] + (end_ns_[i] - start_ns_[i]);
    if (worked_ns <= worked_at_end) {
      return start_ns_[i] + (worked_ns - worked_at_start_ns_[i]);
    }
  }
  return end_ns_.back();
}

DayKind BusinessCalendar::KindOf(absl::CivilDay day) const {
  return KindOfNumber(DayNumber(day));
}

bool BusinessCalendar::IsWorkingDay(absl::CivilDay day) const {
  return IsWorkingKind(KindOf(day));
}

CalendarDay BusinessCalendar::DayOf(absl::CivilDay day) const {
  auto it = std::lower_bound(
      exceptions_.begin(), exceptions_.end(), day,
      [](const CalendarDay& e, absl::CivilDay d) { return e.day < d; });
  if (it != exceptions_.end() && it->day == day) return *it;
  return CalendarDay{day, KindOf(day), ""};
}

bool BusinessCalendar::IsWorkingTime(absl::Time t) const {
  if (t == absl::InfiniteFuture() || t == absl::InfinitePast()) return false;
  const DayAndTime p = Split(t);
  if (!IsWorkingDayNumber(p.day)) return false;
  for (size_t i = 0; i < start_ns_.size(); ++i) {
    if (p.tod_ns >= start_ns_[i] && p.tod_ns < end_ns_[i]) return true;
  }
  return false;
}

absl::Time BusinessCalendar::NextWorkingTime(absl::Time t) const {
  if (t == absl::InfiniteFuture() || t == absl::InfinitePast()) return t;
  const DayAndTime p = Split(t);
  if (IsWorkingDayNumber(p.day)) {
    for (size_t i = 0; i < start_ns_.size(); ++i) {
      if (p.tod_ns < end_ns_[i]) {
        return p.tod_ns >= start_ns_[i] ? t : Join(p.day, start_ns_[i]);
      }
    }
  }
  return Join(KthWorkingDayFrom(p.day + 1, 1), start_ns_.front());
}

absl::Time BusinessCalendar::AddWorkingTime(absl::Time from,
                                            absl::Duration amount) const {
  if (amount <= absl::ZeroDuration()) return from;
  if (from == absl::InfiniteFuture() || from == absl::InfinitePast()) {
    return from;
  }
  if (amount == absl::InfiniteDuration()) return absl::InfiniteFuture();

  const DayAndTime p = Split(from);
  absl::Duration remaining = amount;
  if (IsWorkingDayNumber(p.day)) {
    const int64_t worked = WorkedBefore(p.tod_ns);
    const int64_t left = day_ns_ - worked;
    if (remaining <= absl::Nanoseconds(left)) {
      return Join(p.day,
                  TimeOfDayAfter(worked + absl::ToInt64Nanoseconds(remaining)));
    }
    remaining -= absl::Nanoseconds(left);
  }
  // The rest ends on the k-th working day after today, r into that day.
  absl::Duration rem;
  int64_t k = absl::IDivDuration(remaining, absl::Nanoseconds(day_ns_), &rem);
  int64_t r = absl::ToInt64Nanoseconds(rem);
  if (r == 0) {
    r = day_ns_;
  } else {
    ++k;
  }
  if (k > kMaxWorkingDays) return absl::InfiniteFuture();
  return Join(KthWorkingDayFrom(p.day + 1, k), TimeOfDayAfter(r));
}

absl::Time BusinessCalendar::AddWorkingMinutes(absl::Time from,
                                               int64_t minutes) const {
  if (minutes > kMaxWorkingDays * 1440) return absl::InfiniteFuture();
  return AddWorkingTime(from, absl::Minutes(minutes));
}

absl::Time BusinessCalendar::AddWorkingHours(absl::Time from,
                                             int64_t hours) const {
  if (hours > kMaxWorkingDays * 24) return absl::InfiniteFuture();
  return AddWorkingTime(from, absl::Hours(hours));
}

absl::Time BusinessCalendar::EndOfWorkingDay(absl::Time from,
                                             int working_days) const {
  if (from == absl::InfiniteFuture() || from == absl::InfinitePast()) {
    return from;
  }
  const DayAndTime p = Split(from);
  // The day counting starts: today if working time is left after `from`.
  const int64_t first = IsWorkingDayNumber(p.day) && p.tod_ns < end_ns_.back()
                            ? p.day
                            : KthWorkingDayFrom(p.day + 1, 1);
  const int64_t day =
      working_days <= 0 ? first : KthWorkingDayFrom(first + 1, working_days);
  return Join(day, end_ns_.back());
}

absl::Duration BusinessCalendar::WorkingTimeBetween(absl::Time from,
                                                    absl::Time to) const {
  if (!(from < to)) return absl::ZeroDuration();
  if (to == absl::InfiniteFuture() || from == absl::InfinitePast()) {
    return absl::InfiniteDuration();
  }
  const DayAndTime a = Split(from);
  const DayAndTime b = Split(to);
  const int64_t days = WorkingDayIndex(b.day) - WorkingDayIndex(a.day);
  const int64_t part_a = IsWorkingDayNumber(a.day) ? WorkedBefore(a.tod_ns) : 0;
  const int64_t part_b = IsWorkingDayNumber(b.day) ? WorkedBefore(b.tod_ns) : 0;
  // day_ns_ <= 8.64e13, so up to 10^5 days fit in int64 nanoseconds.
  if (days < 100'000) {
    return absl::Nanoseconds(days * day_ns_ + (part_b - part_a));
  }
  return absl::Nanoseconds(day_ns_) * days + absl::Nanoseconds(part_b - part_a);
}

int64_t BusinessCalendar::WorkingMinutesBetween(absl::Time from,
                                                absl::Time to) const {
  return absl::ToInt64Minutes(WorkingTimeBetween(from, to));
}

int64_t BusinessCalendar::WorkingDaysBetween(absl::CivilDay from,
                                             absl::CivilDay to) const {
  if (!(from < to)) return 0;
  return WorkingDayIndex(DayNumber(to)) - WorkingDayIndex(DayNumber(from));
}

}  // namespace csm
