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

}  // namespace
}  // namespace csm::customer::visit_schedule_test
