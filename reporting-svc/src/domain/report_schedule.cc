#include "reporting-svc/src/domain/report_schedule.h"

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/business_time.h"

namespace csm::reporting {
namespace {

constexpr int kMaxWorkingDay = 10;
// Cycles searched back or forward: enough to skip a cycle without a run.
constexpr int kSearchCycles = 3;

ReportPeriod CycleOf(const ScheduleRule& rule, absl::CivilDay day) {
  switch (rule.frequency) {
    case rv1::SCHEDULE_FREQUENCY_MONTHLY:
      return ReportPeriod::MonthOf(day);
    case rv1::SCHEDULE_FREQUENCY_QUARTERLY:
      return ReportPeriod::QuarterOf(day);
    default:
      return ReportPeriod::WeekOf(day);
  }
}

// The Nth working day of the month that begins on `first`.
std::optional<absl::CivilDay> NthWorkingDay(const BusinessCalendar& calendar,
                                            absl::CivilDay first, int n) {
  int seen = 0;
  for (absl::CivilDay d = first; d.month() == first.month(); ++d) {
    if (calendar.IsWorkingDay(d) && ++seen == n) return d;
  }
  return std::nullopt;
}

std::optional<absl::Time> RunOfCycle(const ScheduleRule& rule,
                                     const BusinessCalendar& calendar,
                                     const ReportPeriod& cycle) {
  std::optional<absl::CivilDay> day;
  if (rule.frequency == rv1::SCHEDULE_FREQUENCY_WEEKLY) {
    day = cycle.first() + (rule.weekday - 1);
  } else {
    day = NthWorkingDay(calendar, cycle.first(), rule.working_day);
  }
  if (!day.has_value()) return std::nullopt;
  return StartOfBusinessDay(*day) + absl::Minutes(rule.minute_of_day);
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

absl::StatusOr<int> ParseTimeOfDay(absl::string_view text) {
  if (text.size() != 5 || text[2] != ':' || !IsDigit(text[0]) ||
      !IsDigit(text[1]) || !IsDigit(text[3]) || !IsDigit(text[4])) {
    return absl::InvalidArgumentError("must be HH:MM, e.g. 15:00");
  }
  const int hours = (text[0] - '0') * 10 + (text[1] - '0');
  const int minutes = (text[3] - '0') * 10 + (text[4] - '0');
  if (hours > 23 || minutes > 59) {
    return absl::InvalidArgumentError("must be 00:00..23:59");
  }
  return hours * 60 + minutes;
}

std::optional<ScheduleRule> DecodeScheduleRule(
    const rv1::ReportSchedule& schedule, absl::string_view field,
    FieldViolations* v) {
  const size_t before = v->items().size();
  auto path = [&](absl::string_view part) {
    return absl::StrCat(field, ".", part);
  };
  if (schedule.report() == rv1::REPORT_KIND_UNSPECIFIED ||
      !rv1::ReportKind_IsValid(schedule.report())) {
    v->Add(path("report"), "required: a REPORT_KIND_* value");
  } else if (schedule.report() == rv1::REPORT_KIND_COMPLAINT_LEDGER) {
    v->Add(path("report"), "the complaint ledger is exported, not scheduled");
  }
  ScheduleRule rule;
  rule.frequency = schedule.frequency();
  rule.weekday = schedule.weekday();
  rule.working_day = schedule.working_day();
  rule.period = schedule.period();
  switch (schedule.frequency()) {
    case rv1::SCHEDULE_FREQUENCY_WEEKLY:
      if (rule.weekday < 1 || rule.weekday > 7) {
        v->Add(path("weekday"), "must be 1 (Monday) .. 7 (Sunday)");
      }
      if (rule.working_day != 0) {
        v->Add(path("working_day"), "only for MONTHLY and QUARTERLY");
      }
      break;
    case rv1::SCHEDULE_FREQUENCY_MONTHLY:
    case rv1::SCHEDULE_FREQUENCY_QUARTERLY:
      if (rule.working_day < 1 || rule.working_day > kMaxWorkingDay) {
        v->Add(path("working_day"), absl::StrCat("must be 1..", kMaxWorkingDay,
                                                 " (the Nth working day)"));
      }
      if (rule.weekday != 0) {
        v->Add(path("weekday"), "only for WEEKLY");
      }
      break;
    default:
      v->Add(path("frequency"),
             "required: SCHEDULE_FREQUENCY_WEEKLY, _MONTHLY or "
             "_QUARTERLY");
  }
  absl::StatusOr<int> minute = ParseTimeOfDay(schedule.time_of_day());
  if (!minute.ok()) {
    v->Add(path("time_of_day"), std::string(minute.status().message()));
  } else {
    rule.minute_of_day = *minute;
  }
  if (rule.period != rv1::SCHEDULE_PERIOD_CURRENT &&
      rule.period != rv1::SCHEDULE_PERIOD_PREVIOUS) {
    v->Add(path("period"),
           "required: SCHEDULE_PERIOD_CURRENT or "
           "SCHEDULE_PERIOD_PREVIOUS");
  }
  if (v->items().size() != before) return std::nullopt;
  return rule;
}

std::optional<absl::Time> RunInCycle(const ScheduleRule& rule,
                                     const BusinessCalendar& calendar,
                                     absl::CivilDay day) {
  return RunOfCycle(rule, calendar, CycleOf(rule, day));
}

std::optional<absl::Time> LatestRunAtOrBefore(const ScheduleRule& rule,
                                              const BusinessCalendar& calendar,
                                              absl::Time now) {
  ReportPeriod cycle = CycleOf(rule, BusinessDate(now));
  for (int i = 0; i < kSearchCycles; ++i, cycle = cycle.Previous()) {
    std::optional<absl::Time> run = RunOfCycle(rule, calendar, cycle);
    if (run.has_value() && *run <= now) return run;
  }
  return std::nullopt;
}

std::optional<absl::Time> NextRunAfter(const ScheduleRule& rule,
                                       const BusinessCalendar& calendar,
                                       absl::Time t) {
  ReportPeriod cycle = CycleOf(rule, BusinessDate(t));
  for (int i = 0; i < kSearchCycles; ++i, cycle = cycle.Next()) {
    std::optional<absl::Time> run = RunOfCycle(rule, calendar, cycle);
    if (run.has_value() && *run > t) return run;
  }
  return std::nullopt;
}

ReportPeriod CoveredPeriod(const ScheduleRule& rule, absl::Time run) {
  const ReportPeriod cycle = CycleOf(rule, BusinessDate(run));
  return rule.period == rv1::SCHEDULE_PERIOD_PREVIOUS ? cycle.Previous()
                                                      : cycle;
}

}  // namespace csm::reporting
