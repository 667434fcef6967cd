// csm.customer.v1.VisitService through real gRPC against MariaDB: plans,
// visits and the schedule rule (the due grid, 连续三次短信回访视为无效回访),
// due lists, the policy, permissions and refusals that change nothing.
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

// ------------------------------------------------------------------ plans

TEST_F(VisitApiTest, CreatePlanSchedulesTheFirstVisitFromTheDeliveryDate) {
  const v1::Customer c = MustCreateCustomer("杭州回访科技有限公司", 1, "li.na");
  const absl::CivilDay today = Today();

  // Delivered three months ago and never visited: the first monthly visit
  // (delivery + 1 month) is two months overdue.
  v1::VisitPlan overdue;
  CSM_ASSERT_OK(CreatePlan("li.na", c.name(), Months(today, -3), &overdue));
  EXPECT_THAT(overdue.name(), HasSubstr(c.name() + "/visitPlans/"));
  EXPECT_EQ(DayOf(overdue.next_due_date()), Months(today, -2));
  EXPECT_EQ(overdue.status(), v1::VISIT_STATUS_OVERDUE);
  EXPECT_EQ(overdue.days_overdue(), today - Months(today, -2));
  EXPECT_EQ(overdue.owner_id(), "li.na");
  EXPECT_EQ(overdue.project(), "ERP 实施项目");
  EXPECT_EQ(overdue.etag(), "1");
  EXPECT_FALSE(overdue.has_last_valid_visit_date());

  v1::VisitPlan due;
  CSM_ASSERT_OK(CreatePlan("li.na", c.name(), Months(today, -1), &due));
  EXPECT_EQ(DayOf(due.next_due_date()), today);
  EXPECT_EQ(due.status(), v1::VISIT_STATUS_DUE);

  // A month after 25 days ago is 3..6 days ahead: inside the 7 due-soon days.
  v1::VisitPlan soon;
  CSM_ASSERT_OK(CreatePlan("sup", c.name(), today - 25, &soon));
  EXPECT_EQ(DayOf(soon.next_due_date()), Months(today - 25, 1));
  EXPECT_EQ(soon.status(), v1::VISIT_STATUS_DUE_SOON);
  EXPECT_EQ(soon.days_overdue(), 0);

  v1::VisitPlan later;
  CSM_ASSERT_OK(CreatePlan("arch", c.name(), today - 10, &later));
  EXPECT_EQ(later.status(), v1::VISIT_STATUS_NOT_DUE);

  // Read back, and listed oldest first in pages.
  v1::VisitPlan read = GetPlan(due.name());
  EXPECT_EQ(read.SerializeAsString(), due.SerializeAsString());
  std::vector<std::string> names;
  std::string token;
  for (int i = 0; i < 5; ++i) {
    v1::ListVisitPlansRequest req;
    req.set_parent(c.name());
    req.set_page_size(3);
    req.set_page_token(token);
    v1::ListVisitPlansResponse resp;
    CSM_ASSERT_OK(
        Call(visits_, &VisitStub::ListVisitPlans, "wang.fang", req, &resp));
    for (const auto& p : resp.visit_plans()) names.push_back(p.name());
    token = resp.next_page_token();
    if (token.empty()) break;
  }
  EXPECT_THAT(names, ElementsAre(overdue.name(), due.name(), soon.name(),
                                 later.name()));

  const auto created = OutboxEvents<ev::VisitPlanCreated>();
  ASSERT_EQ(created.size(), 4u);
  EXPECT_EQ(created[0].visit_plan(), overdue.name());
  EXPECT_EQ(created[0].customer().name(), c.name());
  EXPECT_EQ(DayOf(created[0].next_due_date()), Months(today, -2));
  EXPECT_EQ(DayOf(created[0].delivery_date()), Months(today, -3));
}

TEST_F(VisitApiTest, CreatePlanRefusesBadInputAndOtherPeoplesArchives) {
  const v1::Customer c = MustCreateCustomer("苏州回访机械有限公司", 2, "li.na");
  v1::VisitPlan plan;
  grpc::Status s = CreatePlan("li.na", c.name(), Today() + 1, &plan);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(s);
  EXPECT_THAT(ViolationFields(s), ElementsAre("visit_plan.delivery_date"));

  v1::CreateVisitPlanRequest req;
  req.set_parent(c.name());
  req.mutable_visit_plan()->set_project(std::string(201, 'x'));
  s = Call(visits_, &VisitStub::CreateVisitPlan, "li.na", req, &plan);
  EXPECT_THAT(ViolationFields(s),
              ElementsAre("visit_plan.delivery_date", "visit_plan.project"));

  // Only the owner, a supervisor of the department or an archivist.
  CSM_EXPECT_CODE(CreatePlan("wang.fang", c.name(), Today() - 30, &plan),
                  grpc::StatusCode::PERMISSION_DENIED);
  CSM_EXPECT_CODE(CreatePlan("sup2", c.name(), Today() - 30, &plan),
                  grpc::StatusCode::PERMISSION_DENIED);
  CSM_EXPECT_CODE(CreatePlan("li.na", "customers/999999", Today() - 30, &plan),
                  grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(OutboxEvents<ev::VisitPlanCreated>(), IsEmpty());
}

// ------------------------------------------------------------------ visits

TEST_F(VisitApiTest, RecordedVisitMovesTheNextDueDateAlongTheGrid) {
  const v1::Customer c = MustCreateCustomer("宁波回访港务有限公司", 3, "li.na");
  const absl::CivilDay today = Today();
  const v1::VisitPlan plan = MustCreatePlan(c.name(), Months(today, -3));

  // A late visit makes up for the missed one: the next due date is the next
  // point of the monthly grid after today + 7 days, not today + 1 month.
  v1::RecordVisitResponse r;
  CSM_ASSERT_OK(
      RecordVisit("li.na", VisitRequest(plan.name(), kPhone, today), &r));
  EXPECT_THAT(r.visit().name(), HasSubstr(plan.name() + "/visits/"));
  EXPECT_TRUE(r.visit().counted());
  EXPECT_EQ(r.visit().not_counted_reason(), "");
  EXPECT_EQ(r.visit().staff_id(), "li.na");
  // Not given: the due date the visit answered.
  EXPECT_EQ(DayOf(r.visit().planned_date()), Months(today, -2));
  EXPECT_EQ(DayOf(r.visit_plan().last_valid_visit_date()), today);
  EXPECT_EQ(DayOf(r.visit_plan().next_due_date()), Months(today, 1));
  EXPECT_EQ(r.visit_plan().status(), v1::VISIT_STATUS_NOT_DUE);
  EXPECT_EQ(r.visit_plan().days_overdue(), 0);
  EXPECT_EQ(r.visit_plan().etag(), "2");
  EXPECT_EQ(GetPlan(plan.name()).SerializeAsString(),
            r.visit_plan().SerializeAsString());

  const auto recorded = OutboxEvents<ev::VisitRecorded>();
  ASSERT_EQ(recorded.size(), 1u);
  EXPECT_EQ(recorded[0].visit(), r.visit().name());
  EXPECT_EQ(recorded[0].visit_plan(), plan.name());
  EXPECT_EQ(recorded[0].method(), "VISIT_METHOD_PHONE");
  EXPECT_EQ(recorded[0].satisfaction(),
            csm::common::v1::SATISFACTION_SATISFIED);
  EXPECT_TRUE(recorded[0].counted());
  EXPECT_EQ(DayOf(recorded[0].due_date()), Months(today, -2));
  EXPECT_EQ(DayOf(recorded[0].next_due_date()), Months(today, 1));

  // A month on the plan is due that day, and overdue the day after.
  clock_.Advance(absl::Hours(24) * (Months(today, 1) - today));
  EXPECT_EQ(GetPlan(plan.name()).status(), v1::VISIT_STATUS_DUE);
  clock_.Advance(absl::Hours(24));
  v1::VisitPlan late = GetPlan(plan.name());
  EXPECT_EQ(late.status(), v1::VISIT_STATUS_OVERDUE);
  EXPECT_EQ(late.days_overdue(), 1);

  CSM_ASSERT_OK(
      RecordVisit("li.na", VisitRequest(plan.name(), kEmail, Today()), &r));
  EXPECT_EQ(DayOf(r.visit_plan().next_due_date()), Months(today, 2));
}

TEST_F(VisitApiTest, AfterTheFirstYearVisitsAreQuarterly) {
  const v1::Customer c = MustCreateCustomer("天津回访物流有限公司", 4, "li.na");
  const absl::CivilDay today = Today();
  const v1::VisitPlan plan = MustCreatePlan(c.name(), Months(today, -13));
  v1::RecordVisitResponse r;
  CSM_ASSERT_OK(
      RecordVisit("li.na", VisitRequest(plan.name(), kPhone, today), &r));
  // Months 12, 15, 18 ...: after month 13 comes month 15.
  EXPECT_EQ(DayOf(r.visit_plan().next_due_date()), Months(today, 2));
}

TEST_F(VisitApiTest, ThirdSmsVisitInARowDoesNotCountAndThePlanStaysDue) {
  const v1::Customer c = MustCreateCustomer("深圳回访电子有限公司", 5, "li.na");
  const absl::CivilDay today = Today();
  const v1::VisitPlan plan = MustCreatePlan(c.name(), Months(today, -6));

  v1::RecordVisitResponse first, second, third;
  CSM_ASSERT_OK(RecordVisit(
      "li.na", VisitRequest(plan.name(), kSms, today - 40), &first));
  CSM_ASSERT_OK(RecordVisit(
      "li.na", VisitRequest(plan.name(), kSms, today - 20), &second));
  EXPECT_TRUE(first.visit().counted());
  EXPECT_TRUE(second.visit().counted());
  EXPECT_EQ(second.visit_plan().sms_streak(), 2);
  // Twenty days ago answered everything up to 13 days ago: today's point
  // of the grid is the next due date.
  EXPECT_EQ(DayOf(second.visit_plan().next_due_date()), today);

  CSM_ASSERT_OK(
      RecordVisit("li.na",
                  VisitRequest(plan.name(), kSms, today,
                               csm::common::v1::SATISFACTION_FAIRLY_SATISFIED),
                  &third));
  EXPECT_FALSE(third.visit().counted());
  EXPECT_THAT(third.visit().not_counted_reason(),
              HasSubstr("连续三次短信回访视为无效回访"));
  EXPECT_THAT(third.visit().not_counted_reason(), HasSubstr("stays due"));
  EXPECT_EQ(third.visit_plan().status_note(),
            third.visit().not_counted_reason());
  EXPECT_EQ(third.visit_plan().sms_streak(), 3);
  EXPECT_EQ(DayOf(third.visit_plan().next_due_date()), today);
  EXPECT_EQ(DayOf(third.visit_plan().last_valid_visit_date()), today - 20);
  EXPECT_EQ(third.visit_plan().status(), v1::VISIT_STATUS_DUE);

  // A phone call ends the streak, counts, and clears the note.
  v1::RecordVisitResponse call;
  CSM_ASSERT_OK(
      RecordVisit("li.na", VisitRequest(plan.name(), kPhone, today), &call));
  EXPECT_TRUE(call.visit().counted());
  EXPECT_EQ(call.visit_plan().sms_streak(), 0);
  EXPECT_EQ(call.visit_plan().status_note(), "");
  EXPECT_EQ(DayOf(call.visit_plan().next_due_date()), Months(today, 1));

  // Newest first, in pages; the same day in reverse order of recording.
  std::vector<std::string> names;
  for (const v1::Visit& v : ListVisits(plan.name(), 3)) {
    names.push_back(v.name());
  }
  EXPECT_THAT(names, ElementsAre(call.visit().name(), third.visit().name(),
                                 second.visit().name(), first.visit().name()));

  const auto events = OutboxEvents<ev::VisitRecorded>();
  ASSERT_EQ(events.size(), 4u);
  EXPECT_FALSE(events[2].counted());
  EXPECT_EQ(events[2].method(), "VISIT_METHOD_SMS");
  EXPECT_EQ(events[2].satisfaction(),
            csm::common::v1::SATISFACTION_FAIRLY_SATISFIED);
  EXPECT_EQ(DayOf(events[2].due_date()), today);
  EXPECT_EQ(DayOf(events[2].next_due_date()), today);
  // Why it does not count, for the reports' valid-visit figures.
  EXPECT_EQ(events[2].not_counted_reason(), third.visit().not_counted_reason());
  EXPECT_EQ(events[3].not_counted_reason(), "");
  EXPECT_EQ(events[3].customer_opinions(), "设备运行稳定");

  // 客户回访报告表 of the uncounted visit.
  v1::GetVisitReportRequest req;
  req.set_name(third.visit().name());
  v1::VisitReport report;
  CSM_ASSERT_OK(
      Call(visits_, &VisitStub::GetVisitReport, "zhao.lei", req, &report));
  EXPECT_EQ(report.visit(), third.visit().name());
  EXPECT_EQ(report.customer(), c.name());
  EXPECT_EQ(report.archive_number(), c.archive_number());
  EXPECT_EQ(report.customer_display_name(), "深圳回访电子有限公司");
  EXPECT_EQ(report.grade(), v1::GRADE_C);
  EXPECT_EQ(report.contact_name(), "张伟");
  EXPECT_EQ(report.project(), "ERP 实施项目");
  EXPECT_EQ(DayOf(report.delivery_date()), Months(today, -6));
  EXPECT_EQ(DayOf(report.actual_date()), today);
  EXPECT_EQ(report.method(), kSms);
  EXPECT_EQ(report.staff_id(), "li.na");
  EXPECT_EQ(report.customer_opinions(), "设备运行稳定");
  EXPECT_FALSE(report.counted());
  EXPECT_THAT(report.not_counted_reason(), HasSubstr("连续三次"));
  EXPECT_FALSE(absl::StrContains(report.SerializeAsString(), MobileFor(5)));

  req.set_name(plan.name() + "/visits/999999");
  CSM_EXPECT_CODE(
      Call(visits_, &VisitStub::GetVisitReport, "zhao.lei", req, &report),
      grpc::StatusCode::NOT_FOUND);
}

TEST_F(VisitApiTest, RefusedVisitsChangeNothing) {
  const v1::Customer c = MustCreateCustomer("无锡回访材料有限公司", 6, "li.na");
  const absl::CivilDay today = Today();
  const v1::VisitPlan plan = MustCreatePlan(c.name(), Months(today, -3));
  v1::RecordVisitResponse r;

  // Only the owner, a supervisor or manager of its department, or an
  // archivist records a visit.
  CSM_EXPECT_CODE(
      RecordVisit("wang.fang", VisitRequest(plan.name(), kPhone, today), &r),
      grpc::StatusCode::PERMISSION_DENIED);
  CSM_EXPECT_CODE(
      RecordVisit("sup2", VisitRequest(plan.name(), kPhone, today), &r),
      grpc::StatusCode::PERMISSION_DENIED);
  CSM_EXPECT_CODE(
      RecordVisit("gm", VisitRequest(plan.name(), kPhone, today), &r),
      grpc::StatusCode::PERMISSION_DENIED);

  grpc::Status s =
      RecordVisit("li.na", VisitRequest(plan.name(), kPhone, today + 1), &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(s);
  EXPECT_THAT(ViolationFields(s), ElementsAre("visit.actual_date"));

  s = RecordVisit("li.na",
                  VisitRequest(plan.name(), kPhone, today,
                               static_cast<csm::common::v1::Satisfaction>(9)),
                  &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(s);
  EXPECT_THAT(ViolationFields(s), ElementsAre("visit.satisfaction"));

  s = RecordVisit(
      "li.na", VisitRequest(plan.name(), v1::VISIT_METHOD_UNSPECIFIED, today),
      &r);
  EXPECT_THAT(ViolationFields(s), ElementsAre("visit.method"));

  CSM_EXPECT_CODE(
      RecordVisit("li.na",
                  VisitRequest(c.name() + "/visitPlans/999999", kPhone, today),
                  &r),
      grpc::StatusCode::NOT_FOUND);

  // Nothing was written.
  EXPECT_EQ(GetPlan(plan.name()).SerializeAsString(), plan.SerializeAsString());
  EXPECT_THAT(ListVisits(plan.name()), IsEmpty());
  EXPECT_THAT(OutboxEvents<ev::VisitRecorded>(), IsEmpty());

  // The department's supervisor may.
  CSM_EXPECT_OK(
      RecordVisit("sup", VisitRequest(plan.name(), kPhone, today), &r));
  EXPECT_EQ(r.visit().staff_id(), "sup");

  // A retry with the same request id records nothing twice.
  v1::RecordVisitRequest req = VisitRequest(plan.name(), kEmail, today);
  req.set_request_id("visit-retry-1");
  v1::RecordVisitResponse again;
  CSM_ASSERT_OK(RecordVisit("li.na", req, &r));
  CSM_ASSERT_OK(RecordVisit("li.na", req, &again));
  EXPECT_EQ(again.SerializeAsString(), r.SerializeAsString());
  EXPECT_EQ(ListVisits(plan.name()).size(), 2u);
}

TEST_F(VisitApiTest, ClosedPlansAndClosedArchivesTakeNoVisits) {
  const v1::Customer c = MustCreateCustomer("济南回访食品有限公司", 7, "li.na");
  const absl::CivilDay today = Today();
  const v1::VisitPlan plan = MustCreatePlan(c.name(), Months(today, -3));
  const v1::VisitPlan other = MustCreatePlan(c.name(), Months(today, -2));

  v1::CloseVisitPlanRequest close;
  close.set_name(plan.name());
  v1::VisitPlan closed;
  grpc::Status s =
      Call(visits_, &VisitStub::CloseVisitPlan, "li.na", close, &closed);
  EXPECT_THAT(ViolationFields(s), ElementsAre("reason"));
  close.set_reason("项目已终止服务，停止回访");
  CSM_EXPECT_CODE(
      Call(visits_, &VisitStub::CloseVisitPlan, "wang.fang", close, &closed),
      grpc::StatusCode::PERMISSION_DENIED);
  CSM_ASSERT_OK(
      Call(visits_, &VisitStub::CloseVisitPlan, "li.na", close, &closed));
  EXPECT_EQ(closed.status(), v1::VISIT_STATUS_CLOSED);
  EXPECT_THAT(closed.status_note(), HasSubstr("项目已终止服务"));
  EXPECT_EQ(closed.days_overdue(), 0);
  CSM_EXPECT_CODE(
      Call(visits_, &VisitStub::CloseVisitPlan, "li.na", close, &closed),
      grpc::StatusCode::FAILED_PRECONDITION);
  v1::RecordVisitResponse r;
  CSM_EXPECT_CODE(
      RecordVisit("li.na", VisitRequest(plan.name(), kPhone, today), &r),
      grpc::StatusCode::FAILED_PRECONDITION);
  const auto closed_events = OutboxEvents<ev::VisitPlanClosed>();
  ASSERT_EQ(closed_events.size(), 1u);
  EXPECT_EQ(closed_events[0].visit_plan(), plan.name());
  EXPECT_EQ(closed_events[0].reason(), "项目已终止服务，停止回访");

  // A closed archive is read-only.
  v1::CloseCustomerRequest close_customer;
  close_customer.set_name(c.name());
  close_customer.set_reason("客户已注销");
  v1::Customer after;
  CSM_ASSERT_OK(Call(customers_, &CustomerStub::CloseCustomer, "sup",
                     close_customer, &after));
  CSM_EXPECT_CODE(
      RecordVisit("li.na", VisitRequest(other.name(), kPhone, today), &r),
      grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(GetPlan(other.name()).etag(), other.etag());
  EXPECT_THAT(ListVisits(other.name()), IsEmpty());
}

}  // namespace
}  // namespace csm::customer::testing
