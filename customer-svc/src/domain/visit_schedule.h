// Return-visit schedule (客户回访计划) of a delivered project: when the next
// visit is due, whether a recorded visit counts, and how late a plan is.
//
// The rule from the documents:
// 一年内项目每月回访一次；一年以上的项目每季回访一次 (monthly during the first
// year after delivery, quarterly after that). The intervals are data
// (VisitPolicy, maintained by archivists) and a customer grade may tighten them
// (e.g. A customers monthly for ever). 连续三次短信回访 视为无效回访: a third
// SMS-only visit in a row does not count, so the plan stays due, and
// AssessVisit says why.
//
// Pure: no I/O, no clock. "Today" is passed in; dates are business dates in
// Asia/Shanghai (see BusinessDate).
//
// THE DUE GRID. Due dates never drift: they are points of a grid fixed by the
// delivery date, and a visit only selects which grid point comes next. It is
// never "last visit + one interval". With delivery D, first-period length P
// (12 months), first-year interval F (1) and later interval L (3), the due
// dates are
//     D + F, D + 2F, ... (every multiple of F below P),
//     D + P                (the anniversary: always a due date),
//     D + P + L, D + P + 2L, ...
// where "D + n" is AddMonthsClamped(D, n): computed from D each time, so a
// 31 January delivery is due 28/29 Feb, 31 Mar, 30 Apr, 31 May ... and never
// slides to the 28th. With the default policy that is months 1..12, then
// 15, 18, 21 ...: the anniversary (month 12) is the last monthly visit and
// the later grid counts from it.
//
// Why the grid and not "last visit + interval": the documents schedule visits
// by the project's age (每月 / 每季 of a project delivered on a date), one late
// visit must not push every later visit back (a visit ten days late would
// otherwise make the plan ten days later for ever, and month ends would slide
// to the 28th), and reporting can count the visits due in any week from the
// delivery date alone (DueDatesBetween).
//
// WHICH GRID POINT IS NEXT. A valid visit on day V fulfils every grid point up
// to V + due_soon_days, so the next due date is the first grid point strictly
// after V + due_soon_days:
//   - a late visit (10 days after its due date) makes up for the missed one;
//     the next due date is the next grid point, not V + 1 month;
//   - an early visit inside the due-soon window fulfils the upcoming point: a
//     plan shown as "due soon" must stop being due when the agent visits;
//   - so a freshly recorded valid visit never leaves its plan due or due soon.
// With due_soon_days = 0 this is exactly "the first grid point after V".
// A visit before the delivery date (pre-sales) fulfils nothing: the first due
// date is D + F.
#ifndef CSM_CUSTOMER_SVC_SRC_DOMAIN_VISIT_SCHEDULE_H_
#define CSM_CUSTOMER_SVC_SRC_DOMAIN_VISIT_SCHEDULE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/business_time.h"

namespace csm::customer {

// ---------------------------------------------------------------------------
// Policy.

// A grade's tighter schedule. An unset interval keeps the policy's default,
// so {.later_interval_months = 1} means "monthly for ever" with F = 1.
struct GradeOverride {
  std::optional<int> first_year_interval_months;
  std::optional<int> later_interval_months;
};

struct VisitPolicy {
  int first_year_interval_months = 1;  // 每月
  int later_interval_months = 3;       // 每季
  int first_period_months = 12;        // 一年内
  // Keyed by grade letter 'A'..'Z'. A grade may only tighten the schedule
  // (客户分级 drives a higher service level, never a lower one).
  std::map<char, GradeOverride> grade_overrides;
  // The visit completing this many SMS-only visits in a row, and every
  // further SMS-only one, does not count (连续三次短信回访视为无效回访).
  int invalid_sms_streak = 3;
  // A plan is "due soon" this many days before its due date, and a visit in
  // that window fulfils the due date (see WHICH GRID POINT IS NEXT). 0: no
  // due-soon state, only visits on or after a due date fulfil it.
  int due_soon_days = 7;
};

// Limits checked by ValidateVisitPolicy.
inline constexpr int kMaxVisitIntervalMonths = 24;
inline constexpr int kMaxFirstPeriodMonths = 120;
inline constexpr int kMaxInvalidSmsStreak = 10;
// Half the shortest month: a wider window could let a late visit fulfil the
// point after next rather than the one it is late for.
inline constexpr int kMaxDueSoonDays = 14;

// One bad field, for google.rpc.BadRequest (the API layer feeds these to
// csm::FieldViolations; this library does not depend on gRPC).
struct VisitFieldViolation {
  std::string field;  // e.g. "policy.later_interval_months"
  std::string description;
  bool operator==(const VisitFieldViolation&) const = default;
};

// Every problem of `policy`, in field order:
//   intervals (default and per grade) in [1, kMaxVisitIntervalMonths];
//   first_period_months in [1, kMaxFirstPeriodMonths];
//   first-year intervals not longer than first_period_months;
//   grade keys 'A'..'Z'; a grade's intervals not longer than the defaults;
//   invalid_sms_streak in [2, kMaxInvalidSmsStreak];
//   due_soon_days in [0, kMaxDueSoonDays].
// Field names: "policy.first_year_interval_months",
// "policy.grade_overrides.A.later_interval_months", ...
std::vector<VisitFieldViolation> VisitPolicyViolations(
    const VisitPolicy& policy);

// OK, or INVALID_ARGUMENT whose message lists the violations as
// "field: description; field: description" (FieldViolations' format).
absl::Status ValidateVisitPolicy(const VisitPolicy& policy);

// The functions below expect a valid policy. Given an invalid one they still
// terminate and return some date (intervals are clamped into range), but the
// result means nothing: validate when the policy is saved.

// ---------------------------------------------------------------------------
// Dates.

// "D + n" months: AddMonthsClamped (common/business_time.h).

// "The visit happened today" is BusinessDate() (common/business_time.h),
// the Asia/Shanghai day, never the UTC one.

// ---------------------------------------------------------------------------
// Schedule.

struct ScheduleInput {
  absl::CivilDay delivery_date;
  // The latest visit that counted (AssessVisit / LastValidVisitDate). It only
  // selects the next grid point; nothing is ever added to it.
  std::optional<absl::CivilDay> last_valid_visit;
  // 'A', 'B', 'C' (lower case accepted), or 0 when unknown: the defaults.
  char grade = 0;
};

// The first point of the due grid strictly after
// max(last_valid_visit, delivery_date) + due_soon_days. See the file comment.
absl::CivilDay NextDueDate(const ScheduleInput& input,
                           const VisitPolicy& policy);

// Every grid point in [from, to], in order (for "visits due this week"
// reports); empty when to < from.
std::vector<absl::CivilDay> DueDatesBetween(absl::CivilDay delivery_date,
                                            char grade,
                                            const VisitPolicy& policy,
                                            absl::CivilDay from,
                                            absl::CivilDay to);

enum class VisitStatus {
  kNotDue,   // more than due_soon_days before the due date
  kDueSoon,  // 1..due_soon_days days before
  kDue,      // due today
  kOverdue,  // today is after the due date
};

absl::string_view VisitStatusName(VisitStatus status);

VisitStatus StatusOn(absl::CivilDay due, absl::CivilDay today,
                     const VisitPolicy& policy);

// Days since the due date; 0 unless overdue.
int DaysOverdue(absl::CivilDay due, absl::CivilDay today);

// ---------------------------------------------------------------------------
// Visits.

enum class VisitMethod { kPhone, kEmail, kFaceToFace, kSms };

absl::string_view VisitMethodName(VisitMethod method);

struct VisitRecord {
  absl::CivilDay visit_date;  // the actual date
  VisitMethod method = VisitMethod::kPhone;
};

struct VisitAssessment {
  bool counts = true;
  // SMS-only visits in a row ending with this one; 0 for a non-SMS visit.
  int sms_streak = 0;
  // Why the visit does not count; empty when it counts.
  std::string reason;
};

// Whether a visit made by `method` counts, given the methods of all earlier
// visits of the plan, oldest first, whether they counted or not. Only a
// trailing run of SMS visits matters: any other method resets the streak. With
// invalid_sms_streak = N, the Nth SMS-only visit in a row does not count, and
// neither do the (N+1)th, (N+2)th ...: the streak continues until someone
// phones, writes an email or goes there, and that visit counts.
VisitAssessment AssessVisit(
    const std::vector<VisitMethod>& previous_methods_newest_last,
    VisitMethod method, const VisitPolicy& policy);

// Replays AssessVisit over a plan's visits and returns the date of the latest
// one that counts. Visits are taken in date order; visits on the same day keep
// the order given (the order they were recorded).
std::optional<absl::CivilDay> LastValidVisitDate(
    const std::vector<VisitRecord>& records, const VisitPolicy& policy);

// A plan as the API shows it.
struct VisitPlanState {
  std::optional<absl::CivilDay> last_valid_visit;
  absl::CivilDay next_due;
  VisitStatus status = VisitStatus::kNotDue;
  int days_overdue = 0;
  // SMS-only visits in a row at the end of the history.
  int sms_streak = 0;
  // Why the plan is still due despite a later visit: the reason of the latest
  // visit when it did not count; empty otherwise.
  std::string note;
};

VisitPlanState EvaluateVisitPlan(absl::CivilDay delivery_date, char grade,
                                 const std::vector<VisitRecord>& records,
                                 absl::CivilDay today,
                                 const VisitPolicy& policy);

// How far from today recorded dates may be.
inline constexpr int kMaxVisitDateYears = 5;

// Problems of a visit to record: "visit.actual_date" must not be after
// `today` nor more than kMaxVisitDateYears before it; "visit.planned_date"
// may be before or after the actual date but within kMaxVisitDateYears of
// today either way.
std::vector<VisitFieldViolation> VisitDateViolations(absl::CivilDay planned,
                                                     absl::CivilDay actual,
                                                     absl::CivilDay today);

// OK, or INVALID_ARGUMENT listing VisitDateViolations.
absl::Status ValidateVisitDates(absl::CivilDay planned, absl::CivilDay actual,
                                absl::CivilDay today);

// ---------------------------------------------------------------------------
// Rescheduling (a new policy or grade): every open plan follows the rule.

// An open plan as stored, with what its schedule follows from.
struct StoredPlanSchedule {
  int64_t plan_id = 0;
  int64_t customer_id = 0;
  absl::CivilDay delivery;
  char grade = 0;                   // the archive's current grade letter
  std::vector<VisitRecord> visits;  // in replay order
  VisitPlanState stored;
};

// A plan whose next due date moved without a visit (VisitPlanRescheduled).
struct PlanMove {
  int64_t customer_id = 0;
  int64_t plan_id = 0;
  absl::CivilDay from;
  absl::CivilDay to;
};

// A plan whose stored schedule is no longer EvaluateVisitPlan's.
struct PlanReschedule {
  int64_t plan_id = 0;
  VisitPlanState state;          // to store
  std::optional<PlanMove> move;  // set when the next due date moved
};

// The plans of `plans` whose schedule under `policy` differs from the
// stored one, in order.
std::vector<PlanReschedule> ReschedulePlans(
    const std::vector<StoredPlanSchedule>& plans, const VisitPolicy& policy);

}  // namespace csm::customer

#endif  // CSM_CUSTOMER_SVC_SRC_DOMAIN_VISIT_SCHEDULE_H_
