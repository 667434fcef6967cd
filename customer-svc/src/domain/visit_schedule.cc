#include "customer-svc/src/domain/visit_schedule.h"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace csm::customer {
namespace {

// The grid of one plan, with every value clamped into its valid range so that
// an unvalidated policy cannot divide by zero or loop for ever.
struct Grid {
  int64_t first_interval;  // F
  int64_t later_interval;  // L
  int64_t first_period;    // P
};

int64_t Clamp(int64_t v, int64_t lo, int64_t hi) {
  return std::min(std::max(v, lo), hi);
}

Grid GridFor(const VisitPolicy& policy, char grade) {
  int first = policy.first_year_interval_months;
  int later = policy.later_interval_months;
  const char key = absl::ascii_toupper(static_cast<unsigned char>(grade));
  if (auto it = policy.grade_overrides.find(key);
      key != 0 && it != policy.grade_overrides.end()) {
    first = it->second.first_year_interval_months.value_or(first);
    later = it->second.later_interval_months.value_or(later);
  }
  return Grid{Clamp(first, 1, kMaxVisitIntervalMonths),
              Clamp(later, 1, kMaxVisitIntervalMonths),
              Clamp(policy.first_period_months, 1, kMaxFirstPeriodMonths)};
}

int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }  // a >= 0

// The smallest grid offset (months after delivery) that is >= m, for m >= 1.
int64_t GridOffsetAtOrAfter(const Grid& g, int64_t m) {
  if (m < g.first_period) {
    const int64_t o = CeilDiv(m, g.first_interval) * g.first_interval;
    // The anniversary is a due date even when F does not divide P.
    return std::min(o, g.first_period);
  }
  return g.first_period +
         CeilDiv(m - g.first_period, g.later_interval) * g.later_interval;
}

int64_t MonthIndex(absl::CivilDay day) {
  return static_cast<int64_t>(day.year()) * 12 + (day.month() - 1);
}

// The first grid point strictly after `t`.
absl::CivilDay GridPointAfter(absl::CivilDay delivery, const Grid& g,
                              absl::CivilDay t) {
  // Offsets map to distinct, increasing months, so only the point in t's own
  // month can be <= t; one step past it is enough.
  const int64_t m0 = MonthIndex(t) - MonthIndex(delivery);
  int64_t o = GridOffsetAtOrAfter(g, std::max<int64_t>(m0, 1));
  absl::CivilDay due = AddMonthsClamped(delivery, o);
  if (due <= t) {
    o = GridOffsetAtOrAfter(g, o + 1);
    due = AddMonthsClamped(delivery, o);
  }
  return due;
}

int EffectiveStreak(const VisitPolicy& policy) {
  return static_cast<int>(
      Clamp(policy.invalid_sms_streak, 2, kMaxInvalidSmsStreak));
}

int EffectiveDueSoonDays(const VisitPolicy& policy) {
  return static_cast<int>(Clamp(policy.due_soon_days, 0, kMaxDueSoonDays));
}

// 连续N次 as the documents write it, for N in [2, 10].
std::string ChineseCount(int n) {
  static constexpr const char* kNumerals[] = {
      "零", "一", "两", "三", "四", "五", "六", "七", "八", "九", "十"};
  if (n >= 0 && n <= 10) return kNumerals[n];
  return absl::StrCat(n);
}

absl::Status ToStatus(const std::vector<VisitFieldViolation>& violations) {
  if (violations.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrJoin(
      violations, "; ", [](std::string* out, const VisitFieldViolation& v) {
        absl::StrAppend(out, v.field, ": ", v.description);
      }));
}

void CheckRange(std::vector<VisitFieldViolation>* out, std::string field,
                int value, int lo, int hi, absl::string_view unit) {
  if (value < lo || value > hi) {
    out->push_back({std::move(field),
                    absl::StrFormat("must be between %d and %d %s, got %d", lo,
                                    hi, unit, value)});
  }
}

std::string Day(absl::CivilDay d) { return absl::FormatCivilTime(d); }

}  // namespace

// ---------------------------------------------------------------------------
// Policy.

std::vector<VisitFieldViolation> VisitPolicyViolations(
    const VisitPolicy& policy) {
  std::vector<VisitFieldViolation> out;
  CheckRange(&out, "policy.first_year_interval_months",
             policy.first_year_interval_months, 1, kMaxVisitIntervalMonths,
             "months");
  CheckRange(&out, "policy.later_interval_months", policy.later_interval_months,
             1, kMaxVisitIntervalMonths, "months");
  CheckRange(&out, "policy.first_period_months", policy.first_period_months, 1,
             kMaxFirstPeriodMonths, "months");
  // A first-year interval longer than the first year would never apply.
  if (policy.first_period_months >= 1 &&
      policy.first_year_interval_months > policy.first_period_months) {
    out.push_back({"policy.first_year_interval_months",
                   absl::StrFormat("must not exceed "
                                   "policy.first_period_months (%d), got %d",
                                   policy.first_period_months,
                                   policy.first_year_interval_months)});
  }
  for (const auto& [grade, o] : policy.grade_overrides) {
    if (grade < 'A' || grade > 'Z') {
      out.push_back({"policy.grade_overrides",
                     absl::StrFormat("grade key 0x%02X is not a letter A-Z",
                                     static_cast<unsigned char>(grade))});
      continue;
    }
    const std::string prefix = absl::StrCat("policy.grade_overrides.",
                                            absl::string_view(&grade, 1), ".");
    // A grade tightens the service level, never loosens it (客户分级).
    auto check = [&](const std::optional<int>& value, absl::string_view name,
                     int default_value) {
      if (!value.has_value()) return;
      const std::string field = absl::StrCat(prefix, name);
      if (*value < 1 || *value > kMaxVisitIntervalMonths) {
        CheckRange(&out, field, *value, 1, kMaxVisitIntervalMonths, "months");
      } else if (*value > default_value) {
        out.push_back(
            {field, absl::StrFormat("a grade may only tighten the schedule: "
                                    "must not exceed policy.%s (%d), got %d",
                                    name, default_value, *value)});
      }
    };
    check(o.first_year_interval_months, "first_year_interval_months",
          policy.first_year_interval_months);
    check(o.later_interval_months, "later_interval_months",
          policy.later_interval_months);
  }
  CheckRange(&out, "policy.invalid_sms_streak", policy.invalid_sms_streak, 2,
             kMaxInvalidSmsStreak, "visits");
  CheckRange(&out, "policy.due_soon_days", policy.due_soon_days, 0,
             kMaxDueSoonDays, "days");
  return out;
}

absl::Status ValidateVisitPolicy(const VisitPolicy& policy) {
  return ToStatus(VisitPolicyViolations(policy));
}

// ---------------------------------------------------------------------------
// Schedule.

absl::CivilDay NextDueDate(const ScheduleInput& input,
                           const VisitPolicy& policy) {
  const Grid g = GridFor(policy, input.grade);
  absl::CivilDay anchor = input.delivery_date;
  // A visit before delivery (pre-sales) fulfils no due date.
  if (input.last_valid_visit.has_value() &&
      *input.last_valid_visit > input.delivery_date) {
    anchor = *input.last_valid_visit + EffectiveDueSoonDays(policy);
  }
  return GridPointAfter(input.delivery_date, g, anchor);
}

std::vector<absl::CivilDay> DueDatesBetween(absl::CivilDay delivery_date,
                                            char grade,
                                            const VisitPolicy& policy,
                                            absl::CivilDay from,
                                            absl::CivilDay to) {
  std::vector<absl::CivilDay> out;
  const Grid g = GridFor(policy, grade);
  for (absl::CivilDay d = GridPointAfter(delivery_date, g, from - 1); d <= to;
       d = GridPointAfter(delivery_date, g, d)) {
    out.push_back(d);
  }
  return out;
}

absl::string_view VisitStatusName(VisitStatus status) {
  switch (status) {
    case VisitStatus::kNotDue:
      return "NOT_DUE";
    case VisitStatus::kDueSoon:
      return "DUE_SOON";
    case VisitStatus::kDue:
      return "DUE";
    case VisitStatus::kOverdue:
      return "OVERDUE";
  }
  return "UNKNOWN";
}

VisitStatus StatusOn(absl::CivilDay due, absl::CivilDay today,
                     const VisitPolicy& policy) {
  const absl::civil_diff_t days_left = due - today;
  if (days_left < 0) return VisitStatus::kOverdue;
  if (days_left == 0) return VisitStatus::kDue;
  if (days_left <= EffectiveDueSoonDays(policy)) return VisitStatus::kDueSoon;
  return VisitStatus::kNotDue;
}

int DaysOverdue(absl::CivilDay due, absl::CivilDay today) {
  const absl::civil_diff_t late = today - due;
  return static_cast<int>(Clamp(late, 0, INT_MAX));
}

// ---------------------------------------------------------------------------
// Visits.

absl::string_view VisitMethodName(VisitMethod method) {
  switch (method) {
    case VisitMethod::kPhone:
      return "phone";
    case VisitMethod::kEmail:
      return "email";
    case VisitMethod::kFaceToFace:
      return "face to face";
    case VisitMethod::kSms:
      return "SMS";
  }
  return "unknown";
}

VisitAssessment AssessVisit(
    const std::vector<VisitMethod>& previous_methods_newest_last,
    VisitMethod method, const VisitPolicy& policy) {
  VisitAssessment a;
  if (method != VisitMethod::kSms) return a;  // any real contact resets
  const auto trailing_non_sms =
      std::find_if(previous_methods_newest_last.rbegin(),
                   previous_methods_newest_last.rend(),
                   [](VisitMethod m) { return m != VisitMethod::kSms; });
  a.sms_streak = static_cast<int>(
      std::distance(previous_methods_newest_last.rbegin(), trailing_non_sms) +
      1);
  const int limit = EffectiveStreak(policy);
  if (a.sms_streak >= limit) {
    a.counts = false;
    a.reason = absl::StrFormat(
        "SMS-only visit %d in a row does not count "
        "(连续%s次短信回访视为无效回访): the plan stays due until a visit by "
        "phone, email or face to face",
        a.sms_streak, ChineseCount(limit));
  }
  return a;
}

namespace {

struct Replay {
  std::optional<absl::CivilDay> last_valid;
  int sms_streak = 0;
  std::optional<VisitAssessment> latest;  // of the latest visit by date
};

Replay ReplayVisits(const std::vector<VisitRecord>& records,
                    const VisitPolicy& policy) {
  std::vector<VisitRecord> sorted = records;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const VisitRecord& a, const VisitRecord& b) {
                     return a.visit_date < b.visit_date;
                   });
  Replay r;
  std::vector<VisitMethod> previous;
  previous.reserve(sorted.size());
  for (const VisitRecord& v : sorted) {
    VisitAssessment a = AssessVisit(previous, v.method, policy);
    if (a.counts) r.last_valid = v.visit_date;  // dates are non-decreasing
    r.sms_streak = a.sms_streak;
    r.latest = std::move(a);
    previous.push_back(v.method);
  }
  return r;
}

}  // namespace

std::optional<absl::CivilDay> LastValidVisitDate(
    const std::vector<VisitRecord>& records, const VisitPolicy& policy) {
  return ReplayVisits(records, policy).last_valid;
}

VisitPlanState EvaluateVisitPlan(absl::CivilDay delivery_date, char grade,
                                 const std::vector<VisitRecord>& records,
                                 absl::CivilDay today,
                                 const VisitPolicy& policy) {
  const Replay r = ReplayVisits(records, policy);
  VisitPlanState s;
  s.last_valid_visit = r.last_valid;
  s.next_due = NextDueDate({delivery_date, r.last_valid, grade}, policy);
  s.status = StatusOn(s.next_due, today, policy);
  s.days_overdue = DaysOverdue(s.next_due, today);
  s.sms_streak = r.sms_streak;
  if (r.latest.has_value() && !r.latest->counts) s.note = r.latest->reason;
  return s;
}

std::vector<VisitFieldViolation> VisitDateViolations(absl::CivilDay planned,
                                                     absl::CivilDay actual,
                                                     absl::CivilDay today) {
  std::vector<VisitFieldViolation> out;
  const absl::CivilDay earliest =
      AddMonthsClamped(today, -12 * kMaxVisitDateYears);
  const absl::CivilDay latest =
      AddMonthsClamped(today, 12 * kMaxVisitDateYears);
  if (planned < earliest || planned > latest) {
    out.push_back(
        {"visit.planned_date",
         absl::StrFormat("must be within %d years of today (%s to %s), got %s",
                         kMaxVisitDateYears, Day(earliest), Day(latest),
                         Day(planned))});
  }
  if (actual > today) {
    out.push_back({"visit.actual_date",
                   absl::StrFormat("must not be in the future: today is %s "
                                   "(Asia/Shanghai), got %s",
                                   Day(today), Day(actual))});
  } else if (actual < earliest) {
    out.push_back(
        {"visit.actual_date",
         absl::StrFormat("must not be more than %d years ago (before "
                         "%s), got %s",
                         kMaxVisitDateYears, Day(earliest), Day(actual))});
  }
  return out;
}

absl::Status ValidateVisitDates(absl::CivilDay planned, absl::CivilDay actual,
                                absl::CivilDay today) {
  return ToStatus(VisitDateViolations(planned, actual, today));
}

std::vector<PlanReschedule> ReschedulePlans(
    const std::vector<StoredPlanSchedule>& plans, const VisitPolicy& policy) {
  std::vector<PlanReschedule> out;
  for (const StoredPlanSchedule& p : plans) {
    // As of the delivery date: the due date does not depend on "today".
    const VisitPlanState s =
        EvaluateVisitPlan(p.delivery, p.grade, p.visits, p.delivery, policy);
    if (s.next_due == p.stored.next_due &&
        s.last_valid_visit == p.stored.last_valid_visit &&
        s.sms_streak == p.stored.sms_streak && s.note == p.stored.note) {
      continue;
    }
    PlanReschedule& r = out.emplace_back();
    r.plan_id = p.plan_id;
    r.state = s;
    if (s.next_due != p.stored.next_due) {
      r.move =
          PlanMove{p.customer_id, p.plan_id, p.stored.next_due, s.next_due};
    }
  }
  return out;
}

}  // namespace csm::customer
