#include "reporting-svc/src/domain/period.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/business_calendar.h"
#include "common/business_time.h"

namespace csm::reporting {
namespace {

std::string DayText(absl::CivilDay d) {
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

absl::Status CheckYear(int year, absl::string_view what) {
  if (year < kMinPeriodYear || year > kMaxPeriodYear) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, " ", year, " is outside ", kMinPeriodYear, "..", kMaxPeriodYear));
  }
  return absl::OkStatus();
}

// Monday of ISO week 1: the week that holds 4 January.
absl::CivilDay IsoWeekOneMonday(int iso_year) {
  const absl::CivilDay jan4(iso_year, 1, 4);
  return jan4 - (IsoWeekday(jan4) - 1);
}

// Whole calendar months from `year`/`month` shifted by `delta`.
absl::CivilMonth ShiftMonth(int year, int month, int delta) {
  return absl::CivilMonth(year, month) + delta;
}

}  // namespace

int IsoWeekday(absl::CivilDay day) {
  // absl::Weekday is monday = 0 .. sunday = 6.
  return static_cast<int>(absl::GetWeekday(day)) + 1;
}

IsoWeek IsoWeekOf(absl::CivilDay day) {
  const absl::CivilDay thursday = day + (4 - IsoWeekday(day));
  return {static_cast<int>(thursday.year()),
          (absl::GetYearDay(thursday) - 1) / 7 + 1};
}

int IsoWeeksInYear(int iso_year) {
  // 28 December is always in the year's last ISO week.
  return IsoWeekOf(absl::CivilDay(iso_year, 12, 28)).week;
}

absl::CivilDay LatestEndWithinThreeYears(absl::CivilDay first) {
  // CivilDay normalises 29 February of a common year to 1 March.
  return absl::CivilDay(first.year() + 3, first.month(), first.day()) - 1;
}

absl::StatusOr<ReportPeriod> ReportPeriod::Week(int iso_year, int week) {
  if (absl::Status s = CheckYear(iso_year, "year"); !s.ok()) return s;
  const int weeks = IsoWeeksInYear(iso_year);
  if (week < 1 || week > weeks) {
    return absl::InvalidArgumentError(
        absl::StrCat("week ", week, " does not exist: ISO year ", iso_year,
                     " has weeks 1..", weeks));
  }
  const absl::CivilDay monday = IsoWeekOneMonday(iso_year) + 7 * (week - 1);
  return ReportPeriod(PeriodKind::kWeek, iso_year, week, monday, monday + 6);
}

absl::StatusOr<ReportPeriod> ReportPeriod::Month(int year, int month) {
  if (absl::Status s = CheckYear(year, "year"); !s.ok()) return s;
  if (month < 1 || month > 12) {
    return absl::InvalidArgumentError(
        absl::StrCat("month ", month, " is not 1..12"));
  }
  const absl::CivilDay first(year, month, 1);
  const absl::CivilDay last = absl::CivilDay(ShiftMonth(year, month, 1)) - 1;
  return ReportPeriod(PeriodKind::kMonth, year, month, first, last);
}

absl::StatusOr<ReportPeriod> ReportPeriod::Quarter(int year, int quarter) {
  if (absl::Status s = CheckYear(year, "year"); !s.ok()) return s;
  if (quarter < 1 || quarter > 4) {
    return absl::InvalidArgumentError(
        absl::StrCat("quarter ", quarter, " is not 1..4"));
  }
  const int month = 3 * (quarter - 1) + 1;
  const absl::CivilDay first(year, month, 1);
  const absl::CivilDay last = absl::CivilDay(ShiftMonth(year, month, 3)) - 1;
  return ReportPeriod(PeriodKind::kQuarter, year, quarter, first, last);
}

absl::StatusOr<ReportPeriod> ReportPeriod::Custom(absl::CivilDay first,
                                                  absl::CivilDay last) {
  if (absl::Status s = CheckYear(static_cast<int>(first.year()), "start year");
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckYear(static_cast<int>(last.year()), "end year");
      !s.ok()) {
    return s;
  }
  if (last < first) {
    return absl::InvalidArgumentError(
        absl::StrCat("the range is inverted: ", DayText(last), " is before ",
                     DayText(first)));
  }
  const absl::CivilDay limit = LatestEndWithinThreeYears(first);
  if (last > limit) {
    return absl::InvalidArgumentError(
        absl::StrCat("the range is longer than 3 years: from ", DayText(first),
                     " it may end on ", DayText(limit), " at the latest"));
  }
  return ReportPeriod(PeriodKind::kCustom, 0, 0, first, last);
}

ReportPeriod ReportPeriod::WeekOf(absl::CivilDay day) {
  const IsoWeek w = IsoWeekOf(day);
  const absl::CivilDay monday = day - (IsoWeekday(day) - 1);
  return ReportPeriod(PeriodKind::kWeek, w.year, w.week, monday, monday + 6);
}

ReportPeriod ReportPeriod::MonthOf(absl::CivilDay day) {
  const absl::CivilMonth m(day);
  return ReportPeriod(PeriodKind::kMonth, static_cast<int>(m.year()), m.month(),
                      absl::CivilDay(m), absl::CivilDay(m + 1) - 1);
}

ReportPeriod ReportPeriod::QuarterOf(absl::CivilDay day) {
  const int quarter = (day.month() - 1) / 3 + 1;
  const absl::CivilMonth first(day.year(), 3 * (quarter - 1) + 1);
  return ReportPeriod(PeriodKind::kQuarter, static_cast<int>(day.year()),
                      quarter, absl::CivilDay(first),
                      absl::CivilDay(first + 3) - 1);
}

std::string ReportPeriod::Label() const {
  switch (kind_) {
    case PeriodKind::kWeek:
      return absl::StrFormat("%04d-W%02d", year_, number_);
    case PeriodKind::kMonth:
      return absl::StrFormat("%04d-%02d", year_, number_);
    case PeriodKind::kQuarter:
      return absl::StrFormat("%04d-Q%d", year_, number_);
    case PeriodKind::kCustom:
      break;
  }
  return absl::StrCat(DayText(first_), "..", DayText(last_));
}

ReportPeriod ReportPeriod::Previous() const {
  switch (kind_) {
    case PeriodKind::kWeek:
      return WeekOf(first_ - 7);
    case PeriodKind::kMonth:
      return MonthOf(first_ - 1);
    case PeriodKind::kQuarter:
      return QuarterOf(first_ - 1);
    case PeriodKind::kCustom:
      break;
  }
  return ReportPeriod(PeriodKind::kCustom, 0, 0, first_ - days(), first_ - 1);
}

ReportPeriod ReportPeriod::Next() const {
  switch (kind_) {
    case PeriodKind::kWeek:
      return WeekOf(last_ + 1);
    case PeriodKind::kMonth:
      return MonthOf(last_ + 1);
    case PeriodKind::kQuarter:
      return QuarterOf(last_ + 1);
    case PeriodKind::kCustom:
      break;
  }
  return ReportPeriod(PeriodKind::kCustom, 0, 0, last_ + 1, last_ + days());
}

absl::StatusOr<std::vector<ReportPeriod>> ConsecutivePeriods(
    const ReportPeriod& last, int count) {
  if (count == 0) count = 1;
  if (count < 0 || count > kMaxTrendPeriods) {
    return absl::InvalidArgumentError(
        absl::StrCat("trend_periods ", count, " is not 0..", kMaxTrendPeriods));
  }
  std::vector<ReportPeriod> periods(static_cast<size_t>(count), last);
  for (int i = count - 2; i >= 0; --i) {
    periods[i] = periods[i + 1].Previous();
    if (periods[i].first().year() < kMinPeriodYear) {
      return absl::InvalidArgumentError(
          absl::StrCat(count, " periods ending with ", last.Label(),
                       " reach before ", kMinPeriodYear));
    }
  }
  const absl::CivilDay limit = LatestEndWithinThreeYears(periods[0].first());
  if (last.last() > limit) {
    return absl::InvalidArgumentError(
        absl::StrCat(count, " periods ending with ", last.Label(), " span ",
                     DayText(periods[0].first()), "..", DayText(last.last()),
                     ", more than 3 years"));
  }
  return periods;
}

}  // namespace csm::reporting
