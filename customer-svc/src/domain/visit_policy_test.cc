#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "customer-svc/src/domain/visit_schedule.h"
#include "customer-svc/src/domain/visit_schedule_test_support.h"

namespace csm::customer::visit_schedule_test {
namespace {

// ---------------------------------------------------------------------------
// Validation

TEST(VisitScheduleTest, ValidateVisitPolicy) {
  struct Case {
    std::string name;
    VisitPolicy policy;
    std::vector<std::string> want_fields;
  };
  auto with = [](auto edit) {
    VisitPolicy p;
    edit(p);
    return p;
  };
  const std::vector<Case> cases = {
      {"default", {}, {}},
      {"A monthly", AMonthlyAlways(), {}},
      {"zero first-year interval",
       with([](VisitPolicy& p) { p.first_year_interval_months = 0; }),
       {"policy.first_year_interval_months"}},
      {"negative later interval",
       with([](VisitPolicy& p) { p.later_interval_months = -1; }),
       {"policy.later_interval_months"}},
      {"later interval over 24",
       with([](VisitPolicy& p) { p.later_interval_months = 25; }),
       {"policy.later_interval_months"}},
      {"later interval 24 is fine",
       with([](VisitPolicy& p) { p.later_interval_months = 24; }),
       {}},
      {"zero first period",
       with([](VisitPolicy& p) { p.first_period_months = 0; }),
       {"policy.first_period_months"}},
      {"first-year interval longer than the first year",
       with([](VisitPolicy& p) {
         p.first_year_interval_months = 13;
         p.later_interval_months = 13;
       }),
       {"policy.first_year_interval_months"}},
      {"streak of one",
       with([](VisitPolicy& p) { p.invalid_sms_streak = 1; }),
       {"policy.invalid_sms_streak"}},
      {"negative window",
       with([](VisitPolicy& p) { p.due_soon_days = -1; }),
       {"policy.due_soon_days"}},
      {"window over half a month",
       with([](VisitPolicy& p) { p.due_soon_days = 15; }),
       {"policy.due_soon_days"}},
      {"zero grade interval",
       with([](VisitPolicy& p) {
         p.grade_overrides['A'] = {std::nullopt, 0};
       }),
       {"policy.grade_overrides.A.later_interval_months"}},
      {"grade may not loosen",
       with([](VisitPolicy& p) {
         p.grade_overrides['C'] = {2, 6};
       }),
       {"policy.grade_overrides.C.first_year_interval_months",
        "policy.grade_overrides.C.later_interval_months"}},
      {"grade key not a capital letter",
       with([](VisitPolicy& p) {
         p.grade_overrides['a'] = {1, 1};
       }),
       {"policy.grade_overrides"}},
      {"several at once",
       with([](VisitPolicy& p) {
         p.first_year_interval_months = 0;
         p.later_interval_months = 0;
         p.invalid_sms_streak = 0;
       }),
       {"policy.first_year_interval_months", "policy.later_interval_months",
        "policy.invalid_sms_streak"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(Fields(VisitPolicyViolations(c.policy)), c.want_fields);
    const absl::Status s = ValidateVisitPolicy(c.policy);
    if (c.want_fields.empty()) {
      EXPECT_TRUE(s.ok()) << s;
    } else {
      EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
      for (const std::string& f : c.want_fields) {
        EXPECT_THAT(s.message(), HasSubstr(f + ": "));
      }
    }
  }
}

TEST(VisitScheduleTest, PolicyMessagesAreActionable) {
  VisitPolicy p;
  p.later_interval_months = 0;
  EXPECT_EQ(ValidateVisitPolicy(p).message(),
            "policy.later_interval_months: must be between 1 and 24 months, "
            "got 0");
  p = VisitPolicy{};
  p.grade_overrides['C'] = {std::nullopt, 6};
  EXPECT_THAT(ValidateVisitPolicy(p).message(),
              HasSubstr("a grade may only tighten the schedule"));
}

TEST(VisitScheduleTest, ValidateVisitDates) {
  struct Case {
    std::string name;
    absl::CivilDay planned;
    absl::CivilDay actual;
    std::vector<std::string> want_fields;
  };
  const absl::CivilDay today = D(2026, 11, 25);
  const std::vector<Case> cases = {
      {"ordinary", D(2026, 11, 20), D(2026, 11, 25), {}},
      {"visited early", D(2026, 12, 1), D(2026, 11, 24), {}},
      {"actual tomorrow",
       D(2026, 11, 25),
       D(2026, 11, 26),
       {"visit.actual_date"}},
      {"planned exactly five years ahead", D(2031, 11, 25), today, {}},
      {"planned beyond five years",
       D(2031, 11, 26),
       today,
       {"visit.planned_date"}},
      {"planned more than five years ago",
       D(2021, 11, 24),
       today,
       {"visit.planned_date"}},
      {"actual five years ago", D(2021, 11, 25), D(2021, 11, 25), {}},
      {"actual more than five years ago",
       D(2021, 11, 25),
       D(2021, 11, 24),
       {"visit.actual_date"}},
      {"both",
       D(2040, 1, 1),
       D(2027, 1, 1),
       {"visit.planned_date", "visit.actual_date"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(Fields(VisitDateViolations(c.planned, c.actual, today)),
              c.want_fields);
    const absl::Status s = ValidateVisitDates(c.planned, c.actual, today);
    EXPECT_EQ(s.code(), c.want_fields.empty()
                            ? absl::StatusCode::kOk
                            : absl::StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(ValidateVisitDates(today, D(2026, 11, 26), today).message(),
            "visit.actual_date: must not be in the future: today is "
            "2026-11-25 (Asia/Shanghai), got 2026-11-26");
}

// ---------------------------------------------------------------------------
// ReschedulePlans

// A plan stored as the rule computes it stays; a stale due date is
// rewritten and reported as a move; a stale note alone is rewritten without
// a move.
TEST(VisitScheduleTest, ReschedulePlansReturnsOnlyWhatTheRuleChanges) {
  const VisitPolicy policy = AMonthlyAlways();
  const absl::CivilDay delivery = D(2025, 1, 10);
  StoredPlanSchedule same{1, 10, delivery, 'B', {}, {}};
  same.stored = EvaluateVisitPlan(delivery, 'B', {}, delivery, policy);
  StoredPlanSchedule stale{2, 20, delivery, 'A', {}, {}};
  stale.stored = same.stored;
  stale.stored.next_due = D(2025, 6, 10);
  StoredPlanSchedule noted{3, 30, delivery, 'B', {}, same.stored};
  noted.stored.note = "stale";

  const std::vector<PlanReschedule> out =
      ReschedulePlans({same, stale, noted}, policy);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].plan_id, 2);
  ASSERT_TRUE(out[0].move.has_value());
  EXPECT_EQ(out[0].move->customer_id, 20);
  EXPECT_EQ(out[0].move->from, D(2025, 6, 10));
  EXPECT_EQ(out[0].move->to, out[0].state.next_due);
  EXPECT_EQ(out[0].state.next_due,
            EvaluateVisitPlan(delivery, 'A', {}, delivery, policy).next_due);
  EXPECT_EQ(out[1].plan_id, 3);
  EXPECT_FALSE(out[1].move.has_value());
  EXPECT_EQ(out[1].state.note, same.stored.note);
}

}  // namespace
}  // namespace csm::customer::visit_schedule_test
