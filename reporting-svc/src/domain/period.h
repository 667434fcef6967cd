#ifndef CSM_REPORTING_SVC_DOMAIN_PERIOD_H_
#define CSM_REPORTING_SVC_DOMAIN_PERIOD_H_

// Reporting periods (docs/reports.md, "Periods"): a week (Monday to Sunday,
// numbered as ISO 8601 weeks), a month, a quarter or a custom range of whole
// days, all in Asia/Shanghai. Beijing time is UTC+8 all year (China has had
// no daylight-saving time since 1991), so a day is always 24 hours; the
// zone is the one definition of common/business_time.h.
//
// Every period is [first, last] in days, inclusive; as instants
// [start_time, end_time) with end_time the midnight after `last`.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/business_time.h"

namespace csm::reporting {

enum class PeriodKind { kWeek, kMonth, kQuarter, kCustom };

// Years a period may touch (also the ISO week-numbering years).
inline constexpr int kMinPeriodYear = 1970;
inline constexpr int kMaxPeriodYear = 2199;
// Consecutive periods a trend may ask for.
inline constexpr int kMaxTrendPeriods = 60;

// An ISO 8601 week: the week-numbering year is the calendar year of the
// week's Thursday.
struct IsoWeek {
  int year = 0;
  int week = 0;
  friend bool operator==(const IsoWeek&, const IsoWeek&) = default;
};

// 1 = Monday .. 7 = Sunday.
int IsoWeekday(absl::CivilDay day);
IsoWeek IsoWeekOf(absl::CivilDay day);
// 52 or 53.
int IsoWeeksInYear(int iso_year);

// The Asia/Shanghai date of an instant and the instant a date begins:
// BusinessDate and StartOfBusinessDay of common/business_time.h.

// The last end day a range starting on `first` may have: the day before the
// same month and day three years later (29 February + 3 years normalises to
// 1 March, so the limit is 28 February).
absl::CivilDay LatestEndWithinThreeYears(absl::CivilDay first);

class ReportPeriod {
 public:
  // INVALID_ARGUMENT naming the bad part for numbers out of range and years
  // outside [kMinPeriodYear, kMaxPeriodYear].
  static absl::StatusOr<ReportPeriod> Week(int iso_year, int week);
  static absl::StatusOr<ReportPeriod> Month(int year, int month);
  static absl::StatusOr<ReportPeriod> Quarter(int year, int quarter);
  // Inclusive; INVALID_ARGUMENT when last < first or longer than 3 years.
  static absl::StatusOr<ReportPeriod> Custom(absl::CivilDay first,
                                             absl::CivilDay last);

  // The week / month / quarter a day falls in.
  static ReportPeriod WeekOf(absl::CivilDay day);
  static ReportPeriod MonthOf(absl::CivilDay day);
  static ReportPeriod QuarterOf(absl::CivilDay day);

  PeriodKind kind() const { return kind_; }
  // WEEK: the ISO year; MONTH, QUARTER: the year; CUSTOM: 0.
  int year() const { return year_; }
  // Week, month or quarter number; CUSTOM: 0.
  int number() const { return number_; }
  absl::CivilDay first() const { return first_; }
  absl::CivilDay last() const { return last_; }
  int64_t days() const { return (last_ - first_) + 1; }
  absl::Time start_time() const { return StartOfBusinessDay(first_); }
  absl::Time end_time() const { return StartOfBusinessDay(last_ + 1); }

  bool Contains(absl::CivilDay day) const {
    return first_ <= day && day <= last_;
  }
  bool Contains(absl::Time t) const {
    return start_time() <= t && t < end_time();
  }

  // "2026-W47", "2026-11", "2026-Q4", "2026-11-03..2026-11-20".
  std::string Label() const;

  // The period of the same kind just before / after (a custom range: the
  // range of the same number of days ending the day before / starting the
  // day after).
  ReportPeriod Previous() const;
  ReportPeriod Next() const;

  friend bool operator==(const ReportPeriod&, const ReportPeriod&) = default;

 private:
  ReportPeriod(PeriodKind kind, int year, int number, absl::CivilDay first,
               absl::CivilDay last)
      : kind_(kind), year_(year), number_(number), first_(first), last_(last) {}

  PeriodKind kind_ = PeriodKind::kCustom;
  int year_ = 0;
  int number_ = 0;
  absl::CivilDay first_;
  absl::CivilDay last_;
};

// `count` consecutive periods ending with `last`, oldest first (the trend of
// a report). count 0 means 1. INVALID_ARGUMENT when count is negative or
// above kMaxTrendPeriods, when the whole span is longer than 3 years
// (LatestEndWithinThreeYears of the first day), or when it would reach
// before kMinPeriodYear.
absl::StatusOr<std::vector<ReportPeriod>> ConsecutivePeriods(
    const ReportPeriod& last, int count);

}  // namespace csm::reporting

#endif  // CSM_REPORTING_SVC_DOMAIN_PERIOD_H_
