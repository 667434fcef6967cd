#ifndef CSM_REPORTING_SVC_DOMAIN_REPORT_SCHEDULE_H_
#define CSM_REPORTING_SVC_DOMAIN_REPORT_SCHEDULE_H_

// When a scheduled report runs and which period it covers
// (csm.reporting.v1.ReportSchedule; docs/reports.md "Scheduled snapshots").
// A schedule has one run per cycle: per ISO week (WEEKLY, on its weekday),
// per month (MONTHLY, on its Nth working day of the business calendar) or
// per quarter (QUARTERLY, on the Nth working day of the quarter's first
// month), at a time of day in Asia/Shanghai. The snapshot job takes the
// latest run at or before now once (the store keeps one snapshot per
// schedule and period), so a run missed while the service was down is taken
// late rather than never.

#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/business_calendar.h"
#include "common/status.h"
#include "csm/reporting/v1/snapshots.pb.h"
#include "reporting-svc/src/domain/period.h"

namespace csm::reporting {

namespace rv1 = ::csm::reporting::v1;

struct ScheduleRule {
  rv1::ScheduleFrequency frequency = rv1::SCHEDULE_FREQUENCY_WEEKLY;
  // WEEKLY: 1 = Monday .. 7 = Sunday.
  int weekday = 5;
  // MONTHLY, QUARTERLY: 1..10.
  int working_day = 1;
  // Minutes after local midnight (15:00 = 900).
  int minute_of_day = 900;
  rv1::SchedulePeriod period = rv1::SCHEDULE_PERIOD_CURRENT;
};

// "HH:MM" with HH 00..23 and MM 00..59, to minutes after midnight.
absl::StatusOr<int> ParseTimeOfDay(absl::string_view text);

// The rule of a schedule, with one violation per problem under `field`
// (e.g. "report_schedule"): report not UNSPECIFIED nor
// REPORT_KIND_COMPLAINT_LEDGER, frequency, weekday (WEEKLY) or working_day
// (MONTHLY, QUARTERLY) in range and the other one 0, time_of_day, period.
std::optional<ScheduleRule> DecodeScheduleRule(
    const rv1::ReportSchedule& schedule, absl::string_view field,
    FieldViolations* violations);

// The run of the cycle (ISO week, month or quarter) that holds `day`;
// nullopt when that cycle has no such working day (a month with fewer than
// working_day working days).
std::optional<absl::Time> RunInCycle(const ScheduleRule& rule,
                                     const BusinessCalendar& calendar,
                                     absl::CivilDay day);

// The latest run instant <= now (nullopt if none within the last 3 cycles).
std::optional<absl::Time> LatestRunAtOrBefore(const ScheduleRule& rule,
                                              const BusinessCalendar& calendar,
                                              absl::Time now);
// The first run instant > t (nullopt if none within the next 3 cycles).
std::optional<absl::Time> NextRunAfter(const ScheduleRule& rule,
                                       const BusinessCalendar& calendar,
                                       absl::Time t);

// The period a run at `run` covers: the cycle of the run's date
// (SCHEDULE_PERIOD_CURRENT) or the one before (SCHEDULE_PERIOD_PREVIOUS).
ReportPeriod CoveredPeriod(const ScheduleRule& rule, absl::Time run);

}  // namespace csm::reporting

#endif  // CSM_REPORTING_SVC_DOMAIN_REPORT_SCHEDULE_H_
