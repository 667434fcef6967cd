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
#include "customer-svc/src/domain/visit_schedule_test_support.h"

namespace csm::customer::visit_schedule_test {
namespace {

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

}  // namespace
}  // namespace csm::customer::visit_schedule_test
