// csm.customer.v1.VisitService's due lists and policy through real gRPC
// against MariaDB (plans and visits: visit_api_test.cc).
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/personal_text.h"
#include "common/text.h"
#include "customer-svc/src/api/visit_api_test_fixture.h"
#include "customer-svc/testing/visit_test_support.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace csm::customer::testing {
namespace {

// ------------------------------------------------------------------ due lists

TEST_F(VisitApiTest, DueListsPerStaffAndTeamByDueDateInPages) {
  const absl::CivilDay today = Today();
  const v1::Customer a = MustCreateCustomer("甲公司", 11, "li.na");
  const v1::Customer b = MustCreateCustomer("乙公司", 12, "wang.fang");
  const v1::Customer z = MustCreateCustomer("丙公司", 13, "zhao.lei");
  const v1::Customer gone = MustCreateCustomer("丁公司", 14, "zhao.lei");

  const std::string p1 = MustCreatePlan(a.name(), Months(today, -3)).name();
  const std::string p2 = MustCreatePlan(a.name(), Months(today, -1)).name();
  const std::string p3 = MustCreatePlan(a.name(), today - 10).name();
  const std::string p4 = MustCreatePlan(b.name(), Months(today, -5)).name();
  const std::string p5 = MustCreatePlan(b.name(), Months(today, -2)).name();
  const std::string p6 = MustCreatePlan(z.name(), Months(today, -4)).name();
  const std::string p7 = MustCreatePlan(z.name(), Months(today, -4)).name();
  // Neither a closed plan nor a closed archive is due.
  const std::string closed = MustCreatePlan(a.name(), Months(today, -6)).name();
  MustCreatePlan(gone.name(), Months(today, -6));
  {
    v1::CloseVisitPlanRequest req;
    req.set_name(closed);
    req.set_reason("项目结束");
    v1::VisitPlan out;
    CSM_ASSERT_OK(Call(visits_, &VisitStub::CloseVisitPlan, "arch", req, &out));
    v1::CloseCustomerRequest close;
    close.set_name(gone.name());
    close.set_reason("客户已注销");
    v1::Customer c;
    CSM_ASSERT_OK(
        Call(customers_, &CustomerStub::CloseCustomer, "arch", close, &c));
  }

  std::vector<std::string> plans;
  v1::ListDueVisitsRequest req;
  // An agent's own list: due up to today, by due date.
  CSM_ASSERT_OK(DuePlans("li.na", req, &plans));
  EXPECT_THAT(plans, ElementsAre(p1, p2));
  req.set_staff_id("li.na");
  CSM_ASSERT_OK(DuePlans("li.na", req, &plans));
  EXPECT_THAT(plans, ElementsAre(p1, p2));
  req.set_overdue_only(true);
  CSM_ASSERT_OK(DuePlans("li.na", req, &plans));
  EXPECT_THAT(plans, ElementsAre(p1));
  req.set_overdue_only(false);
  *req.mutable_due_to() = ProtoDay(Months(today, 1));
  CSM_ASSERT_OK(DuePlans("li.na", req, &plans));
  EXPECT_THAT(plans, ElementsAre(p1, p2, p3));

  // Someone else's list or a team's needs a supervisor.
  v1::ListDueVisitsRequest theirs;
  theirs.set_staff_id("wang.fang");
  CSM_EXPECT_CODE(DuePlans("li.na", theirs, &plans),
                  grpc::StatusCode::PERMISSION_DENIED);
  v1::ListDueVisitsRequest team;
  team.set_team(kTeam);
  CSM_EXPECT_CODE(DuePlans("li.na", team, &plans),
                  grpc::StatusCode::PERMISSION_DENIED);
  CSM_EXPECT_CODE(DuePlans("gm", team, &plans),
                  grpc::StatusCode::PERMISSION_DENIED);
  CSM_ASSERT_OK(DuePlans("sup", theirs, &plans));
  EXPECT_THAT(plans, ElementsAre(p4, p5));

  // The team in pages of two: by due date, then plan.
  team.set_page_size(2);
  int pages = 0;
  std::vector<v1::DueVisit> rows;
  CSM_ASSERT_OK(DuePlans("sup", team, &plans, &pages, &rows));
  EXPECT_THAT(plans, ElementsAre(p4, p6, p7, p1, p5, p2));
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(rows[0].customer(), b.name());
  EXPECT_EQ(rows[0].archive_number(), b.archive_number());
  EXPECT_EQ(rows[0].customer_display_name(), "乙公司");
  EXPECT_EQ(rows[0].grade(), v1::GRADE_C);
  EXPECT_EQ(rows[0].team(), kTeam);
  EXPECT_EQ(rows[0].visit_plan().owner_id(), "wang.fang");
  EXPECT_EQ(rows[0].visit_plan().status(), v1::VISIT_STATUS_OVERDUE);
  EXPECT_EQ(rows[5].visit_plan().status(), v1::VISIT_STATUS_DUE);
  for (size_t i = 1; i < rows.size(); ++i) {
    EXPECT_LE(DayOf(rows[i - 1].visit_plan().next_due_date()),
              DayOf(rows[i].visit_plan().next_due_date()));
  }

  // A range of due dates (inclusive).
  v1::ListDueVisitsRequest range;
  range.set_team(kTeam);
  *range.mutable_due_from() = ProtoDay(Months(today, -1));
  CSM_ASSERT_OK(DuePlans("arch", range, &plans));
  EXPECT_THAT(plans, ElementsAre(p5, p2));

  // A page token belongs to its query.
  v1::ListDueVisitsResponse first;
  CSM_ASSERT_OK(Call(visits_, &VisitStub::ListDueVisits, "sup", team, &first));
  ASSERT_FALSE(first.next_page_token().empty());
  range.set_page_token(first.next_page_token());
  v1::ListDueVisitsResponse wrong;
  const grpc::Status s =
      Call(visits_, &VisitStub::ListDueVisits, "sup", range, &wrong);
  EXPECT_THAT(ViolationFields(s), ElementsAre("page_token"));
}

// ------------------------------------------------------------------ policy

TEST_F(VisitApiTest, PolicyUpdatesAreValidatedAndRescheduleOpenPlans) {
  v1::VisitPolicy policy;
  CSM_ASSERT_OK(Call(visits_, &VisitStub::GetVisitPolicy, "li.na",
                     v1::GetVisitPolicyRequest(), &policy));
  EXPECT_EQ(policy.name(), "visitPolicy");
  EXPECT_EQ(policy.first_year_interval_months(), 1);
  EXPECT_EQ(policy.later_interval_months(), 3);
  EXPECT_EQ(policy.first_period_months(), 12);
  EXPECT_EQ(policy.invalid_sms_streak(), 3);
  EXPECT_EQ(policy.due_soon_days(), 7);
  EXPECT_THAT(policy.grade_overrides(), IsEmpty());
  EXPECT_EQ(policy.etag(), "1");

  const absl::CivilDay today = Today();
  const v1::Customer c =
      MustCreateCustomer("长沙回访咨询有限公司", 21, "li.na");
  const v1::VisitPlan plan = MustCreatePlan(c.name(), Months(today, -4));
  v1::RecordVisitResponse r;
  CSM_ASSERT_OK(
      RecordVisit("li.na", VisitRequest(plan.name(), kPhone, today), &r));
  ASSERT_EQ(DayOf(r.visit_plan().next_due_date()), Months(today, 1));

  auto update = [&](const std::string& staff, const v1::VisitPolicy& p,
                    const std::vector<std::string>& paths,
                    v1::VisitPolicy* out) {
    v1::UpdateVisitPolicyRequest req;
    *req.mutable_visit_policy() = p;
    for (const std::string& path : paths)
      req.mutable_update_mask()->add_paths(path);
    return Call(visits_, &VisitStub::UpdateVisitPolicy, staff, req, out);
  };

  v1::VisitPolicy in;
  v1::VisitPolicy out;
  in.set_later_interval_months(2);
  CSM_EXPECT_CODE(update("li.na", in, {"later_interval_months"}, &out),
                  grpc::StatusCode::PERMISSION_DENIED);
  CSM_EXPECT_CODE(update("sup", in, {"later_interval_months"}, &out),
                  grpc::StatusCode::PERMISSION_DENIED);

  in.set_later_interval_months(0);
  grpc::Status s = update("arch", in, {"later_interval_months"}, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(s);
  EXPECT_THAT(ViolationFields(s),
              ElementsAre("visit_policy.later_interval_months"));
  in.set_first_year_interval_months(-1);
  s = update("arch", in,
             {"later_interval_months", "first_year_interval_months"}, &out);
  EXPECT_THAT(ViolationFields(s),
              ElementsAre("visit_policy.first_year_interval_months",
                          "visit_policy.later_interval_months"));
  v1::VisitPolicy loose;
  v1::GradeVisitOverride* o = loose.add_grade_overrides();
  o->set_grade(v1::GRADE_A);
  o->set_later_interval_months(5);  // looser than the default 3
  s = update("arch", loose, {"grade_overrides"}, &out);
  EXPECT_THAT(
      ViolationFields(s),
      ElementsAre("visit_policy.grade_overrides[0].later_interval_months"));
  s = update("arch", in, {}, &out);
  EXPECT_THAT(ViolationFields(s), ElementsAre("update_mask"));
  s = update("arch", in, {"name"}, &out);
  EXPECT_THAT(ViolationFields(s), Contains("update_mask"));

  // Nothing of that was written.
  CSM_ASSERT_OK(Call(visits_, &VisitStub::GetVisitPolicy, "li.na",
                     v1::GetVisitPolicyRequest(), &policy));
  EXPECT_EQ(policy.etag(), "1");
  EXPECT_EQ(policy.later_interval_months(), 3);

  // Every two months in the first year: the next point after today + 7 is
  // month 6, no longer month 5.
  v1::VisitPolicy two;
  two.set_first_year_interval_months(2);
  two.set_etag("7");
  CSM_EXPECT_CODE(update("arch", two, {"first_year_interval_months"}, &out),
                  grpc::StatusCode::ABORTED);
  two.set_etag("1");
  CSM_ASSERT_OK(update("arch", two, {"first_year_interval_months"}, &out));
  EXPECT_EQ(out.first_year_interval_months(), 2);
  EXPECT_EQ(out.later_interval_months(), 3);
  EXPECT_EQ(out.etag(), "2");
  EXPECT_EQ(DayOf(GetPlan(plan.name()).next_due_date()), Months(today, 2));
  const auto changed = OutboxEvents<ev::VisitPolicyChanged>();
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_THAT(changed[0].changed_fields(),
              ElementsAre("first_year_interval_months"));
  EXPECT_EQ(changed[0].rescheduled_plans(), 1);
  // The moved due date, for the return-visit figures (one per plan moved).
  auto moved = OutboxEvents<ev::VisitPlanRescheduled>();
  ASSERT_EQ(moved.size(), 1u);
  EXPECT_EQ(moved[0].visit_plan(), plan.name());
  EXPECT_EQ(moved[0].customer().name(), c.name());
  EXPECT_EQ(DayOf(moved[0].from_due_date()), Months(today, 1));
  EXPECT_EQ(DayOf(moved[0].to_due_date()), Months(today, 2));
  EXPECT_EQ(moved[0].reason(), "visit_policy");

  // Grade A monthly again; the plan follows when its customer becomes A.
  v1::VisitPolicy tighter;
  o = tighter.add_grade_overrides();
  o->set_grade(v1::GRADE_A);
  o->set_first_year_interval_months(1);
  CSM_ASSERT_OK(update("arch", tighter, {"grade_overrides"}, &out));
  ASSERT_EQ(out.grade_overrides_size(), 1);
  EXPECT_EQ(out.grade_overrides(0).grade(), v1::GRADE_A);
  EXPECT_EQ(out.grade_overrides(0).first_year_interval_months(), 1);
  EXPECT_EQ(out.grade_overrides(0).later_interval_months(), 0);
  EXPECT_EQ(DayOf(GetPlan(plan.name()).next_due_date()), Months(today, 2));

  v1::ChangeGradeRequest grade;
  grade.set_name(c.name());
  grade.set_grade(v1::GRADE_A);
  grade.set_reason("年度框架合同已签");
  v1::Customer upgraded;
  CSM_ASSERT_OK(
      Call(customers_, &CustomerStub::ChangeGrade, "li.na", grade, &upgraded));
  EXPECT_EQ(DayOf(GetPlan(plan.name()).next_due_date()), Months(today, 1));
  // The override moved nothing (the archive was B); the grade change did.
  moved = OutboxEvents<ev::VisitPlanRescheduled>();
  ASSERT_EQ(moved.size(), 2u);
  EXPECT_EQ(moved[1].visit_plan(), plan.name());
  EXPECT_EQ(DayOf(moved[1].from_due_date()), Months(today, 2));
  EXPECT_EQ(DayOf(moved[1].to_due_date()), Months(today, 1));
  EXPECT_EQ(moved[1].reason(), "grade");
  EXPECT_EQ(moved[1].customer().grade(), "GRADE_A");
}

TEST_F(VisitApiTest, RecordedVisitCarriesTheOpinionsMasked) {
  const absl::CivilDay today = Today();
  const v1::Customer c =
      MustCreateCustomer("杭州回访机电有限公司", 31, "li.na");
  const v1::VisitPlan plan = MustCreatePlan(c.name(), Months(today, -2));
  v1::RecordVisitRequest req = VisitRequest(
      plan.name(), kPhone, today, csm::common::v1::SATISFACTION_DISSATISFIED);
  std::string opinions = "请王经理回电13812345678，身份证110101199003071234";
  for (int i = 0; i < 600; ++i) opinions += "慢";
  req.mutable_visit()->set_customer_opinions(opinions);
  v1::RecordVisitResponse r;
  CSM_ASSERT_OK(RecordVisit("li.na", req, &r));
  const auto events = OutboxEvents<ev::VisitRecorded>();
  ASSERT_EQ(events.size(), 1u);
  const std::string& text = events[0].customer_opinions();
  EXPECT_THAT(text, HasSubstr("回电138****5678，身份证1101**********1234"));
  EXPECT_THAT(text, Not(HasSubstr("13812345678")));
  EXPECT_EQ(CountCodePoints(text), kMaxEventTextChars);
}

}  // namespace
}  // namespace csm::customer::testing
