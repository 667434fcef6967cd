#include "customer-svc/src/domain/visit_schedule.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace csm::customer {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

absl::CivilDay D(int y, int m, int d) { return absl::CivilDay(y, m, d); }

VisitPolicy NoWindow() {
  VisitPolicy p;
  p.due_soon_days = 0;
  return p;
}

VisitPolicy AMonthlyAlways() {
  VisitPolicy p;
  p.grade_overrides['A'] = GradeOverride{std::nullopt, 1};
  return p;
}

std::vector<std::string> Fields(const std::vector<VisitFieldViolation>& v) {
  std::vector<std::string> out;
  for (const auto& x : v) out.push_back(x.field);
  return out;
}

// ---------------------------------------------------------------------------
// AddMonthsClamped / BusinessDate

TEST(VisitScheduleTest, AddMonthsClampedClampsToMonthEnd) {
  struct Case {
    absl::CivilDay day;
    int months;
    absl::CivilDay want;
  };
  const std::vector<Case> cases = {
      {D(2025, 5, 10), 0, D(2025, 5, 10)},
      {D(2025, 1, 31), 1, D(2025, 2, 28)},
      {D(2024, 1, 31), 1, D(2024, 2, 29)},  // leap year
      {D(2025, 1, 31), 2, D(2025, 3, 31)},  // from the origin, not from Feb 28
      {D(2025, 1, 31), 3, D(2025, 4, 30)},
      {D(2025, 12, 31), 2, D(2026, 2, 28)},  // across the year end
      {D(2024, 2, 29), 12, D(2025, 2, 28)},
      {D(2024, 2, 29), 48, D(2028, 2, 29)},
      {D(2100, 1, 31), 1, D(2100, 2, 28)},  // 2100 is not a leap year
      {D(2000, 1, 31), 1, D(2000, 2, 29)},  // 2000 is
      {D(2024, 3, 31), -1, D(2024, 2, 29)},
      {D(2025, 3, 31), -1, D(2025, 2, 28)},
      {D(2025, 1, 15), -1, D(2024, 12, 15)},
      {D(2025, 1, 31), -2, D(2024, 11, 30)},
      {D(2025, 1, 31), -13, D(2023, 12, 31)},
      {D(2025, 8, 31), -18, D(2024, 2, 29)},
      {D(2025, 6, 30), -60, D(2020, 6, 30)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(absl::StrCat(absl::FormatCivilTime(c.day), " + ", c.months));
    EXPECT_EQ(AddMonthsClamped(c.day, c.months), c.want);
  }
}

TEST(VisitScheduleTest, BusinessDateIsTheShanghaiDay) {
  struct Case {
    std::string instant;
    absl::CivilDay want;
  };
  const std::vector<Case> cases = {
      {"2026-11-24T16:30:00Z", D(2026, 11, 25)},  // 00:30 in Shanghai
      {"2026-11-24T15:59:59Z", D(2026, 11, 24)},  // 23:59:59 in Shanghai
      {"2026-11-24T16:00:00Z", D(2026, 11, 25)},
      {"2026-12-31T23:30:00Z", D(2027, 1, 1)},
      {"2026-07-01T08:00:00+08:00", D(2026, 7, 1)},
      {"2024-02-28T17:00:00Z", D(2024, 2, 29)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.instant);
    absl::Time t;
    std::string err;
    ASSERT_TRUE(absl::ParseTime(absl::RFC3339_full, c.instant, &t, &err))
        << err;
    EXPECT_EQ(BusinessDate(t), c.want);
  }
}

// ---------------------------------------------------------------------------
// The due grid

TEST(VisitScheduleTest, MonthEndDeliveryNeverDriftsToThe28th) {
  EXPECT_THAT(DueDatesBetween(D(2025, 1, 31), 0, VisitPolicy{}, D(2025, 1, 1),
                              D(2026, 12, 31)),
              ElementsAre(D(2025, 2, 28), D(2025, 3, 31), D(2025, 4, 30),
                          D(2025, 5, 31), D(2025, 6, 30), D(2025, 7, 31),
                          D(2025, 8, 31), D(2025, 9, 30), D(2025, 10, 31),
                          D(2025, 11, 30), D(2025, 12, 31),
                          D(2026, 1, 31),  // anniversary: month 12
                          D(2026, 4, 30), D(2026, 7, 31), D(2026, 10, 31)));
  // The leap-year February.
  EXPECT_THAT(DueDatesBetween(D(2024, 1, 31), 0, VisitPolicy{}, D(2024, 1, 1),
                              D(2024, 4, 30)),
              ElementsAre(D(2024, 2, 29), D(2024, 3, 31), D(2024, 4, 30)));
}

TEST(VisitScheduleTest, LeapDayDelivery) {
  EXPECT_THAT(
      DueDatesBetween(D(2024, 2, 29), 0, VisitPolicy{}, D(2024, 2, 29),
                      D(2028, 3, 31)),
      ElementsAre(
          D(2024, 3, 29), D(2024, 4, 29), D(2024, 5, 29), D(2024, 6, 29),
          D(2024, 7, 29), D(2024, 8, 29), D(2024, 9, 29), D(2024, 10, 29),
          D(2024, 11, 29), D(2024, 12, 29), D(2025, 1, 29),
          D(2025, 2, 28),  // anniversary in a common year
          D(2025, 5, 29), D(2025, 8, 29), D(2025, 11, 29), D(2026, 2, 28),
          D(2026, 5, 29), D(2026, 8, 29), D(2026, 11, 29), D(2027, 2, 28),
          D(2027, 5, 29), D(2027, 8, 29), D(2027, 11, 29),
          D(2028, 2, 29)));  // and back on the 29th in a leap year
}

TEST(VisitScheduleTest, VisitingOnEachDueDateWalksTheGrid) {
  // Chaining NextDueDate through on-time visits must reproduce the grid,
  // month ends included (the drift bug would give Mar 28, Apr 28 ...).
  for (absl::CivilDay delivery :
       {D(2025, 1, 31), D(2024, 1, 31), D(2024, 2, 29), D(2025, 8, 31)}) {
    SCOPED_TRACE(absl::FormatCivilTime(delivery));
    const VisitPolicy policy;
    const std::vector<absl::CivilDay> grid = DueDatesBetween(
        delivery, 0, policy, delivery, AddMonthsClamped(delivery, 48));
    ASSERT_EQ(grid.size(), 12u + 12u);
    ScheduleInput in{delivery, std::nullopt, 0};
    for (absl::CivilDay want : grid) {
      const absl::CivilDay due = NextDueDate(in, policy);
      ASSERT_EQ(due, want);
      in.last_valid_visit = due;
    }
  }
}

TEST(VisitScheduleTest, NextDueDate) {
  struct Case {
    std::string name;
    absl::CivilDay delivery;
    std::optional<absl::CivilDay> last_valid;
    char grade;
    VisitPolicy policy;
    absl::CivilDay want;
  };
  const absl::CivilDay mid = D(2025, 3, 15);  // month n is 20xx-(3+n)-15
  const std::vector<Case> cases = {
      {"no visit yet: delivery + 1 month",
       mid,
       std::nullopt,
       0,
       {},
       D(2025, 4, 15)},
      {"no visit, month-end delivery",
       D(2025, 1, 31),
       std::nullopt,
       0,
       {},
       D(2025, 2, 28)},
      {"visit before delivery fulfils nothing",
       mid,
       D(2025, 2, 1),
       0,
       {},
       D(2025, 4, 15)},
      {"visit on the delivery day fulfils nothing",
       mid,
       mid,
       0,
       {},
       D(2025, 4, 15)},
      {"on time", mid, D(2025, 4, 15), 0, {}, D(2025, 5, 15)},
      {"late by 10 days: next grid point, not visit + 1 month",
       mid,
       D(2025, 4, 25),
       0,
       {},
       D(2025, 5, 15)},
      {"late, month-end grid",
       D(2025, 1, 31),
       D(2025, 4, 10),
       0,
       {},
       D(2025, 4, 30)},
      {"late by months: only the next point is due",
       mid,
       D(2025, 7, 20),
       0,
       {},
       D(2025, 8, 15)},
      {"early within the due-soon window fulfils the upcoming point",
       mid,
       D(2025, 5, 10),
       0,
       {},
       D(2025, 6, 15)},
      {"early, first day of the window",
       mid,
       D(2025, 5, 8),
       0,
       {},
       D(2025, 6, 15)},
      {"early, a day before the window: upcoming point stays due",
       mid,
       D(2025, 5, 7),
       0,
       {},
       D(2025, 5, 15)},
      {"no window: first grid point strictly after the visit", mid,
       D(2025, 5, 14), 0, NoWindow(), D(2025, 5, 15)},
      {"no window, visit on the due date", mid, D(2025, 5, 15), 0, NoWindow(),
       D(2025, 6, 15)},
      // The first-year boundary (anniversary = month 12 = 2026-03-15).
      {"visit at month 11: the anniversary is due",
       mid,
       D(2026, 2, 15),
       0,
       {},
       D(2026, 3, 15)},
      {"visit at month 12: quarterly from then",
       mid,
       D(2026, 3, 15),
       0,
       {},
       D(2026, 6, 15)},
      {"visit at month 13", mid, D(2026, 4, 15), 0, {}, D(2026, 6, 15)},
      {"early anniversary visit", mid, D(2026, 3, 10), 0, {}, D(2026, 6, 15)},
      {"quarterly, on time", mid, D(2026, 6, 15), 0, {}, D(2026, 9, 15)},
      {"quarterly, 16 days late", mid, D(2026, 7, 1), 0, {}, D(2026, 9, 15)},
      {"quarterly, years later", mid, D(2028, 12, 15), 0, {}, D(2029, 3, 15)},
      // Grades.
      {"A monthly for ever", mid, D(2026, 3, 15), 'A', AMonthlyAlways(),
       D(2026, 4, 15)},
      {"grade letters are case-insensitive", mid, D(2027, 8, 15), 'a',
       AMonthlyAlways(), D(2027, 9, 15)},
      {"grade without override keeps the default", mid, D(2026, 3, 15), 'B',
       AMonthlyAlways(), D(2026, 6, 15)},
      {"unknown grade keeps the default", mid, D(2026, 3, 15), 0,
       AMonthlyAlways(), D(2026, 6, 15)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ASSERT_TRUE(ValidateVisitPolicy(c.policy).ok());
    EXPECT_EQ(NextDueDate({c.delivery, c.last_valid, c.grade}, c.policy),
              c.want);
  }
}

TEST(VisitScheduleTest, IntervalThatDoesNotDivideTheFirstYear) {
  // Every 5 months in the first year, the anniversary anyway, then quarterly.
  VisitPolicy p;
  p.first_year_interval_months = 5;
  ASSERT_TRUE(ValidateVisitPolicy(p).ok());
  EXPECT_THAT(
      DueDatesBetween(D(2025, 1, 15), 0, p, D(2025, 1, 1), D(2026, 7, 15)),
      ElementsAre(D(2025, 6, 15), D(2025, 11, 15), D(2026, 1, 15),
                  D(2026, 4, 15), D(2026, 7, 15)));
}

TEST(VisitScheduleTest, DueDatesBetweenBounds) {
  const VisitPolicy p;
  // Inclusive at both ends.
  EXPECT_THAT(
      DueDatesBetween(D(2025, 3, 15), 0, p, D(2025, 4, 15), D(2025, 5, 15)),
      ElementsAre(D(2025, 4, 15), D(2025, 5, 15)));
  EXPECT_THAT(
      DueDatesBetween(D(2025, 3, 15), 0, p, D(2025, 4, 16), D(2025, 5, 14)),
      IsEmpty());
  EXPECT_THAT(
      DueDatesBetween(D(2025, 3, 15), 0, p, D(2025, 6, 1), D(2025, 5, 1)),
      IsEmpty());
  // The delivery day itself is not a due date.
  EXPECT_THAT(
      DueDatesBetween(D(2025, 3, 15), 0, p, D(2025, 3, 1), D(2025, 4, 1)),
      IsEmpty());
}

// An independent brute-force grid: the offsets written out, each date from
// the delivery date.
absl::CivilDay ReferenceNext(absl::CivilDay delivery, int first, int later,
                             int period, absl::CivilDay after) {
  for (int o = 1;; ++o) {
    const bool on_grid =
        o < period ? o % first == 0 : o == period || (o - period) % later == 0;
    if (!on_grid) continue;
    const absl::CivilDay d = AddMonthsClamped(delivery, o);
    if (d > after) return d;
  }
}

TEST(VisitScheduleTest, MatchesBruteForceGridForEveryDeliveryDay) {
  struct Case {
    std::string name;
    VisitPolicy policy;
    char grade;
    int first, later, period;
  };
  VisitPolicy five;
  five.first_year_interval_months = 5;
  five.first_period_months = 18;
  five.later_interval_months = 2;
  const std::vector<Case> cases = {
      {"default", VisitPolicy{}, 0, 1, 3, 12},
      {"no window", NoWindow(), 0, 1, 3, 12},
      {"A monthly", AMonthlyAlways(), 'A', 1, 1, 12},
      {"5/2/18", five, 'C', 5, 2, 18},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ASSERT_TRUE(ValidateVisitPolicy(c.policy).ok());
    // Every delivery day of 2023-2024 (month ends and 29 Feb included),
    // visits every 7 days over the next four years.
    for (absl::CivilDay delivery = D(2023, 1, 1); delivery <= D(2024, 12, 31);
         ++delivery) {
      ScheduleInput in{delivery, std::nullopt, c.grade};
      ASSERT_EQ(NextDueDate(in, c.policy),
                ReferenceNext(delivery, c.first, c.later, c.period, delivery))
          << absl::FormatCivilTime(delivery);
      for (absl::CivilDay v = delivery + 1; v < delivery + 4 * 366; v += 7) {
        in.last_valid_visit = v;
        const absl::CivilDay due = NextDueDate(in, c.policy);
        ASSERT_EQ(due, ReferenceNext(delivery, c.first, c.later, c.period,
                                     v + c.policy.due_soon_days))
            << "delivery " << absl::FormatCivilTime(delivery) << " visit "
            << absl::FormatCivilTime(v);
        // A fresh valid visit never leaves its plan due or due soon.
        ASSERT_EQ(StatusOn(due, v, c.policy), VisitStatus::kNotDue);
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Status

TEST(VisitScheduleTest, StatusOn) {
  struct Case {
    absl::CivilDay today;
    int due_soon_days;
    VisitStatus want;
    int want_overdue;
  };
  const absl::CivilDay due = D(2025, 7, 15);
  const std::vector<Case> cases = {
      {D(2025, 7, 1), 7, VisitStatus::kNotDue, 0},
      {D(2025, 7, 7), 7, VisitStatus::kNotDue, 0},
      {D(2025, 7, 8), 7, VisitStatus::kDueSoon, 0},
      {D(2025, 7, 14), 7, VisitStatus::kDueSoon, 0},
      {D(2025, 7, 15), 7, VisitStatus::kDue, 0},
      {D(2025, 7, 16), 7, VisitStatus::kOverdue, 1},
      {D(2025, 8, 15), 7, VisitStatus::kOverdue, 31},
      {D(2025, 7, 14), 0, VisitStatus::kNotDue, 0},
      {D(2025, 7, 15), 0, VisitStatus::kDue, 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(absl::FormatCivilTime(c.today));
    VisitPolicy p;
    p.due_soon_days = c.due_soon_days;
    EXPECT_EQ(VisitStatusName(StatusOn(due, c.today, p)),
              VisitStatusName(c.want));
    EXPECT_EQ(DaysOverdue(due, c.today), c.want_overdue);
  }
}

// ---------------------------------------------------------------------------
// SMS streak

TEST(VisitScheduleTest, AssessVisitSmsStreak) {
  using M = VisitMethod;
  struct Case {
    std::string name;
    std::vector<M> previous;
    M method;
    int streak_limit;
    bool want_counts;
    int want_streak;
  };
  const std::vector<Case> cases = {
      {"first SMS", {}, M::kSms, 3, true, 1},
      {"second SMS", {M::kSms}, M::kSms, 3, true, 2},
      {"third SMS in a row", {M::kSms, M::kSms}, M::kSms, 3, false, 3},
      {"fourth SMS: the streak continues",
       {M::kSms, M::kSms, M::kSms},
       M::kSms,
       3,
       false,
       4},
      {"fifth SMS", {M::kSms, M::kSms, M::kSms, M::kSms}, M::kSms, 3, false, 5},
      {"phone breaks the streak",
       {M::kSms, M::kPhone, M::kSms},
       M::kSms,
       3,
       true,
       2},
      {"phone after two SMS", {M::kSms, M::kSms}, M::kPhone, 3, true, 0},
      {"face to face after three SMS",
       {M::kSms, M::kSms, M::kSms},
       M::kFaceToFace,
       3,
       true,
       0},
      {"SMS after an email resets",
       {M::kSms, M::kSms, M::kSms, M::kEmail},
       M::kSms,
       3,
       true,
       1},
      {"only the trailing run matters",
       {M::kSms, M::kSms, M::kEmail, M::kSms},
       M::kSms,
       3,
       true,
       2},
      {"streak of two", {M::kSms}, M::kSms, 2, false, 2},
      {"streak of five, fourth SMS",
       {M::kSms, M::kSms, M::kSms},
       M::kSms,
       5,
       true,
       4},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    VisitPolicy p;
    p.invalid_sms_streak = c.streak_limit;
    const VisitAssessment a = AssessVisit(c.previous, c.method, p);
    EXPECT_EQ(a.counts, c.want_counts);
    EXPECT_EQ(a.sms_streak, c.want_streak);
    if (c.want_counts) {
      EXPECT_THAT(a.reason, IsEmpty());
    } else {
      EXPECT_THAT(a.reason, HasSubstr("SMS-only visit"));
      EXPECT_THAT(a.reason, HasSubstr("plan stays due"));
    }
  }
}

TEST(VisitScheduleTest, SmsReasonQuotesTheRule) {
  const std::vector<VisitMethod> two = {VisitMethod::kSms, VisitMethod::kSms};
  EXPECT_EQ(AssessVisit(two, VisitMethod::kSms, VisitPolicy{}).reason,
            "SMS-only visit 3 in a row does not count "
            "(连续三次短信回访视为无效回访): the plan stays due until a visit "
            "by phone, email or face to face");
  VisitPolicy p;
  p.invalid_sms_streak = 2;
  EXPECT_THAT(AssessVisit(two, VisitMethod::kSms, p).reason,
              HasSubstr("SMS-only visit 3 in a row does not count (连续两次"));
}

TEST(VisitScheduleTest, LastValidVisitDateReplaysInDateOrder) {
  using M = VisitMethod;
  const VisitPolicy p;
  EXPECT_EQ(LastValidVisitDate({}, p), std::nullopt);
  // Given out of order on purpose.
  std::vector<VisitRecord> records = {{D(2025, 3, 1), M::kSms},
                                      {D(2025, 1, 1), M::kPhone},
                                      {D(2025, 4, 1), M::kSms},
                                      {D(2025, 2, 1), M::kSms}};
  EXPECT_EQ(LastValidVisitDate(records, p), D(2025, 3, 1));
  records.push_back({D(2025, 4, 15), M::kSms});  // fourth SMS: still invalid
  EXPECT_EQ(LastValidVisitDate(records, p), D(2025, 3, 1));
  records.push_back({D(2025, 5, 1), M::kEmail});
  EXPECT_EQ(LastValidVisitDate(records, p), D(2025, 5, 1));
  EXPECT_EQ(LastValidVisitDate({{D(2025, 1, 1), M::kSms},
                                {D(2025, 2, 1), M::kSms},
                                {D(2025, 3, 1), M::kSms}},
                               p),
            D(2025, 2, 1));
}

TEST(VisitScheduleTest, EvaluateVisitPlanSaysWhyItStaysDue) {
  using M = VisitMethod;
  const VisitPolicy p;
  const absl::CivilDay delivery = D(2025, 3, 15);
  std::vector<VisitRecord> records = {{D(2025, 4, 15), M::kPhone},
                                      {D(2025, 5, 15), M::kSms},
                                      {D(2025, 6, 15), M::kSms},
                                      {D(2025, 7, 15), M::kSms}};
  VisitPlanState s =
      EvaluateVisitPlan(delivery, 'B', records, D(2025, 7, 20), p);
  EXPECT_EQ(s.last_valid_visit, D(2025, 6, 15));
  EXPECT_EQ(s.next_due, D(2025, 7, 15));  // the third SMS fulfilled nothing
  EXPECT_EQ(s.status, VisitStatus::kOverdue);
  EXPECT_EQ(s.days_overdue, 5);
  EXPECT_EQ(s.sms_streak, 3);
  EXPECT_THAT(s.note, HasSubstr("连续三次短信回访视为无效回访"));

  records.push_back({D(2025, 7, 21), M::kPhone});
  s = EvaluateVisitPlan(delivery, 'B', records, D(2025, 7, 21), p);
  EXPECT_EQ(s.last_valid_visit, D(2025, 7, 21));
  EXPECT_EQ(s.next_due, D(2025, 8, 15));
  EXPECT_EQ(s.status, VisitStatus::kNotDue);
  EXPECT_EQ(s.days_overdue, 0);
  EXPECT_EQ(s.sms_streak, 0);
  EXPECT_THAT(s.note, IsEmpty());

  // No visits at all.
  s = EvaluateVisitPlan(delivery, 0, {}, D(2025, 4, 10), p);
  EXPECT_EQ(s.last_valid_visit, std::nullopt);
  EXPECT_EQ(s.next_due, D(2025, 4, 15));
  EXPECT_EQ(s.status, VisitStatus::kDueSoon);
}

TEST(VisitScheduleTest, SameDayVisitsKeepRecordedOrder) {
  using M = VisitMethod;
  const absl::CivilDay day = D(2025, 6, 1);
  EXPECT_EQ(EvaluateVisitPlan(D(2025, 1, 1), 0,
                              {{day, M::kPhone}, {day, M::kSms}}, day, {})
                .sms_streak,
            1);
  EXPECT_EQ(EvaluateVisitPlan(D(2025, 1, 1), 0,
                              {{day, M::kSms}, {day, M::kPhone}}, day, {})
                .sms_streak,
            0);
}

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
}  // namespace csm::customer
