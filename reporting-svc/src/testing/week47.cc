// The hand-written week 2026-W47 (docs/reports.md, examples): what each
// event of the two complaints, the two archives, their visits and promises
// carries.
#include <string>

#include "absl/strings/str_cat.h"
#include "reporting-svc/src/testing/report_fixture.h"

namespace csm::reporting::testing {
namespace {

using csm::common::v1::Satisfaction;
constexpr char kCs[] = "客服部";
constexpr char kWarehouse[] = "仓储物流";

void SetTime(absl::Time t, google::protobuf::Timestamp* out) {
  ToProtoTimestamp(t, out);
}

void SetDate(int y, int m, int d, csm::common::v1::Date* out) {
  out->set_year(y);
  out->set_month(m);
  out->set_day(d);
}

ev::DeadlineState* Deadline(ev::ComplaintSnapshot& s, const char* kind,
                            absl::Time due) {
  for (ev::DeadlineState& d : *s.mutable_deadlines()) {
    if (d.kind() == kind) return &d;
  }
  ev::DeadlineState* d = s.add_deadlines();
  d->set_kind(kind);
  SetTime(due, d->mutable_due_time());
  return d;
}

void Meet(ev::DeadlineState* d, absl::Time at, int64_t minutes,
          const char* staff, const char* dept) {
  SetTime(at, d->mutable_met_time());
  d->set_met_working_minutes(minutes);
  d->set_met_by_staff_id(staff);
  d->set_met_department(dept);
}

ev::ComplaintSnapshot NewComplaint(int id, const char* category,
                                   const char* severity, const char* grade,
                                   absl::Time registered) {
  ev::ComplaintSnapshot s;
  s.set_name(absl::StrCat("complaints/", id));
  s.set_complaint_number(absl::StrCat("TS-", id));
  s.set_customer(absl::StrCat("customers/", id));
  s.set_customer_grade(grade);
  s.set_category(category);
  s.set_severity(severity);
  s.set_state("COMPLAINT_STATE_REGISTERED");
  s.set_channel("COMPLAINT_CHANNEL_PHONE");
  s.set_handling_department(kCs);
  s.set_first_responder_department(kCs);
  s.set_subject(absl::StrCat("投诉 ", id));
  SetTime(registered, s.mutable_register_time());
  return s;
}

ev::CustomerSnapshot Customer(int id, const char* owner, const char* grade,
                              absl::Time created) {
  ev::CustomerSnapshot c;
  c.set_name(absl::StrCat("customers/", id));
  c.set_archive_number(absl::StrCat("KH-", id));
  c.set_display_name(absl::StrCat("客户", id));
  c.set_kind("CUSTOMER_KIND_ENTERPRISE");
  c.set_grade(grade);
  c.set_lifecycle_status("LIFECYCLE_STATUS_ACTIVE");
  c.set_state("CUSTOMER_STATE_ACTIVE");
  c.set_owner_id(owner);
  c.set_team("teams/east");
  c.set_department(kCs);
  SetTime(created, c.mutable_create_time());
  return c;
}

// Complaint 1: the docs example. Registered Monday 10:00 in 客服部, accepted
// 11:00 (60 working minutes, on time), transferred to 仓储物流 16:00,
// resolved there Tuesday 10:00 (420), confirmed 满意, closed Wednesday.
void ComplaintOne(EventLog& log) {
  const char* kSrc = kComplaintSource;
  ev::ComplaintSnapshot s = NewComplaint(1, "quality", "SEVERITY_NORMAL", "A",
                                         Beijing(2026, 11, 16, 10));
  s.set_first_responder_id("li.na");
  s.set_handler_id("li.na");
  Deadline(s, "DEADLINE_KIND_ACKNOWLEDGE", Beijing(2026, 11, 16, 15, 30));
  Deadline(s, "DEADLINE_KIND_HANDLING_OPINION", Beijing(2026, 11, 18, 17, 30));
  ev::ComplaintRegistered reg;
  *reg.mutable_complaint() = s;
  log.Add(kSrc, Beijing(2026, 11, 16, 10), reg, "li.na", kCs);

  Meet(Deadline(s, "DEADLINE_KIND_ACKNOWLEDGE", {}), Beijing(2026, 11, 16, 11),
       60, "li.na", kCs);
  s.set_state("COMPLAINT_STATE_ACCEPTED");
  ev::ComplaintStateChanged accept;
  *accept.mutable_complaint() = s;
  accept.set_action("accept");
  log.Add(kSrc, Beijing(2026, 11, 16, 11), accept, "li.na", kCs);

  s.set_handling_department(kWarehouse);
  s.set_handler_id("wang.wu");
  s.set_state("COMPLAINT_STATE_TRANSFERRED");
  ev::ComplaintTransferred transfer;
  *transfer.mutable_complaint() = s;
  transfer.set_from_department(kCs);
  transfer.set_to_department(kWarehouse);
  transfer.set_to_staff_id("wang.wu");
  transfer.set_from_handler_id("li.na");
  // Monday 10:00-12:00 and 13:30-16:00.
  transfer.set_from_department_working_minutes(270);
  log.Add(kSrc, Beijing(2026, 11, 16, 16), transfer, "li.na", kCs);

  Meet(Deadline(s, "DEADLINE_KIND_HANDLING_OPINION", {}),
       Beijing(2026, 11, 17, 10), 420, "wang.wu", kWarehouse);
  s.set_state("COMPLAINT_STATE_RESOLVED");
  s.set_resolver_id("wang.wu");
  s.set_resolving_department(kWarehouse);
  s.set_cause("packaging");
  s.set_responsibility("RESPONSIBILITY_COMPANY");
  ev::ComplaintResolved resolved;
  *resolved.mutable_complaint() = s;
  resolved.set_handling_working_minutes(420);
  // Monday 16:00-17:30 and Tuesday 09:00-10:00 in 仓储物流.
  resolved.set_resolving_department_working_minutes(150);
  log.Add(kSrc, Beijing(2026, 11, 17, 10), resolved, "wang.wu", kWarehouse);

  s.set_state("COMPLAINT_STATE_CONFIRMED");
  ev::ComplaintConfirmed confirmed;
  *confirmed.mutable_complaint() = s;
  confirmed.set_satisfaction(csm::common::v1::SATISFACTION_SATISFIED);
  log.Add(kSrc, Beijing(2026, 11, 17, 14), confirmed, "li.na", kCs);

  s.set_state("COMPLAINT_STATE_CLOSED");
  SetTime(Beijing(2026, 11, 18, 9, 30), s.mutable_close_time());
  ev::ComplaintClosed closed;
  *closed.mutable_complaint() = s;
  closed.set_return_visit_satisfaction(csm::common::v1::SATISFACTION_SATISFIED);
  log.Add(kSrc, Beijing(2026, 11, 18, 9, 30), closed, "li.na", kCs);
}

// Complaint 2: registered Tuesday 09:00 in 客服部, its acknowledge deadline
// (11:00) breached and escalated to the supervisor, accepted late at 14:00
// (210 working minutes), resolved by 客服部 Wednesday 10:00 (480, on time),
// confirmed 不满意: reopened, with the customer's words.
void ComplaintTwo(EventLog& log) {
  const char* kSrc = kComplaintSource;
  ev::ComplaintSnapshot s = NewComplaint(2, "delivery", "SEVERITY_MAJOR", "B",
                                         Beijing(2026, 11, 17, 9));
  s.set_first_responder_id("zhao.liu");
  s.set_handler_id("zhao.liu");
  Deadline(s, "DEADLINE_KIND_ACKNOWLEDGE", Beijing(2026, 11, 17, 11));
  Deadline(s, "DEADLINE_KIND_HANDLING_OPINION", Beijing(2026, 11, 19, 17, 30));
  ev::ComplaintRegistered reg;
  *reg.mutable_complaint() = s;
  log.Add(kSrc, Beijing(2026, 11, 17, 9), reg, "zhao.liu", kCs);

  ev::DeadlineState* ack = Deadline(s, "DEADLINE_KIND_ACKNOWLEDGE", {});
  ack->set_breached(true);
  ack->set_breached_department(kCs);
  ack->set_breached_staff_id("zhao.liu");
  ev::ComplaintDeadlineBreached breached;
  *breached.mutable_complaint() = s;
  breached.set_deadline("DEADLINE_KIND_ACKNOWLEDGE");
  SetTime(Beijing(2026, 11, 17, 11), breached.mutable_due_time());
  breached.set_department(kCs);
  breached.set_handler_id("zhao.liu");
  log.Add(kSrc, Beijing(2026, 11, 17, 11, 1), breached);

  s.set_escalation_level(1);
  ev::ComplaintEscalated escalated;
  *escalated.mutable_complaint() = s;
  escalated.set_level("ESCALATION_LEVEL_SUPERVISOR");
  escalated.set_department(kCs);
  escalated.set_handler_id("zhao.liu");
  SetTime(Beijing(2026, 11, 17, 11), escalated.mutable_due_time());
  log.Add(kSrc, Beijing(2026, 11, 17, 11, 2), escalated);

  Meet(ack, Beijing(2026, 11, 17, 14), 210, "zhao.liu", kCs);
  s.set_state("COMPLAINT_STATE_ACCEPTED");
  ev::ComplaintStateChanged accept;
  *accept.mutable_complaint() = s;
  accept.set_action("accept");
  log.Add(kSrc, Beijing(2026, 11, 17, 14), accept, "zhao.liu", kCs);

  Meet(Deadline(s, "DEADLINE_KIND_HANDLING_OPINION", {}),
       Beijing(2026, 11, 18, 10), 480, "zhao.liu", kCs);
  s.set_state("COMPLAINT_STATE_RESOLVED");
  s.set_resolver_id("zhao.liu");
  s.set_resolving_department(kCs);
  ev::ComplaintResolved resolved;
  *resolved.mutable_complaint() = s;
  resolved.set_handling_working_minutes(480);
  resolved.set_resolving_department_working_minutes(480);
  log.Add(kSrc, Beijing(2026, 11, 18, 10), resolved, "zhao.liu", kCs);

  s.set_state("COMPLAINT_STATE_REOPENED");
  s.set_reopen_count(1);
  ev::ComplaintConfirmed confirmed;
  *confirmed.mutable_complaint() = s;
  confirmed.set_satisfaction(csm::common::v1::SATISFACTION_DISSATISFIED);
  confirmed.set_reopened(true);
  confirmed.set_customer_feedback("还是没有送到");
  log.Add(kSrc, Beijing(2026, 11, 18, 15), confirmed, "zhao.liu", kCs);
}

// Archives, visits and promises of the week.
void CustomerWeek(EventLog& log) {
  const char* kSrc = kCustomerSource;
  // customers/2 exists since November 1st and changes twice in the week.
  ev::CustomerSnapshot two =
      Customer(2, "li.na", "GRADE_B", Beijing(2026, 11, 1, 9));
  ev::CustomerCreated created2;
  *created2.mutable_customer() = two;
  log.Add(kSrc, Beijing(2026, 11, 1, 9), created2, "li.na", kCs);
  // customers/1 is new in the week.
  ev::CustomerSnapshot one =
      Customer(1, "li.na", "GRADE_A", Beijing(2026, 11, 16, 9));
  ev::CustomerCreated created1;
  *created1.mutable_customer() = one;
  log.Add(kSrc, Beijing(2026, 11, 16, 9), created1, "li.na", kCs);

  ev::CommunicationRecorded promise1;
  *promise1.mutable_customer() = two;
  promise1.set_communication("customers/2/communications/1");
  promise1.set_staff_id("li.na");
  promise1.set_has_promise(true);
  SetDate(2026, 11, 19, promise1.mutable_promise_due_date());
  SetTime(Beijing(2026, 11, 16, 10), promise1.mutable_contact_time());
  log.Add(kSrc, Beijing(2026, 11, 16, 10, 5), promise1, "li.na", kCs);
  ev::CommunicationRecorded promise2 = promise1;
  *promise2.mutable_customer() = one;
  promise2.set_communication("customers/1/communications/2");
  SetDate(2026, 11, 20, promise2.mutable_promise_due_date());
  log.Add(kSrc, Beijing(2026, 11, 16, 10, 6), promise2, "li.na", kCs);

  ev::VisitPlanCreated plan2;
  *plan2.mutable_customer() = two;
  plan2.set_visit_plan("customers/2/visitPlans/1");
  SetDate(2026, 11, 18, plan2.mutable_next_due_date());
  log.Add(kSrc, Beijing(2026, 11, 16, 11), plan2, "li.na", kCs);
  ev::VisitPlanCreated plan1;
  *plan1.mutable_customer() = one;
  plan1.set_visit_plan("customers/1/visitPlans/2");
  SetDate(2026, 11, 20, plan1.mutable_next_due_date());
  log.Add(kSrc, Beijing(2026, 11, 16, 11, 1), plan1, "li.na", kCs);

  ev::CustomerUpdated updated;
  *updated.mutable_customer() = two;
  updated.add_changed_fields("industry");
  log.Add(kSrc, Beijing(2026, 11, 17, 9), updated, "li.na", kCs);

  ev::PromiseKept kept;
  *kept.mutable_customer() = two;
  kept.set_communication("customers/2/communications/1");
  kept.set_staff_id("li.na");
  SetDate(2026, 11, 19, kept.mutable_due_date());
  log.Add(kSrc, Beijing(2026, 11, 18, 9), kept, "li.na", kCs);

  ev::VisitRecorded visit;
  *visit.mutable_customer() = two;
  visit.set_visit("customers/2/visits/1");
  visit.set_visit_plan("customers/2/visitPlans/1");
  visit.set_staff_id("li.na");
  visit.set_method("VISIT_METHOD_PHONE");
  visit.set_satisfaction(csm::common::v1::SATISFACTION_NEUTRAL);
  visit.set_counted(true);
  SetDate(2026, 11, 18, visit.mutable_actual_date());
  SetDate(2026, 11, 18, visit.mutable_due_date());
  SetDate(2027, 2, 18, visit.mutable_next_due_date());
  log.Add(kSrc, Beijing(2026, 11, 18, 10), visit, "li.na", kCs);

  two.set_grade("GRADE_A");
  ev::CustomerGradeChanged graded;
  *graded.mutable_customer() = two;
  graded.set_from_grade("GRADE_B");
  graded.set_to_grade("GRADE_A");
  log.Add(kSrc, Beijing(2026, 11, 18, 11), graded, "li.na", kCs);

  // An SMS visit that does not count (the SMS rule), rated 不满意.
  ev::VisitRecorded sms;
  *sms.mutable_customer() = one;
  sms.set_visit("customers/1/visits/3");
  sms.set_visit_plan("customers/1/visitPlans/2");
  sms.set_staff_id("li.na");
  sms.set_method("VISIT_METHOD_SMS");
  sms.set_satisfaction(csm::common::v1::SATISFACTION_DISSATISFIED);
  sms.set_counted(false);
  sms.set_customer_opinions("电话一直打不通");
  SetDate(2026, 11, 19, sms.mutable_actual_date());
  SetDate(2026, 11, 20, sms.mutable_due_date());
  SetDate(2026, 11, 20, sms.mutable_next_due_date());
  log.Add(kSrc, Beijing(2026, 11, 19, 16), sms, "li.na", kCs);

  ev::VisitBecameOverdue overdue;
  *overdue.mutable_customer() = one;
  overdue.set_visit_plan("customers/1/visitPlans/2");
  overdue.set_owner_id("li.na");
  SetDate(2026, 11, 20, overdue.mutable_due_date());
  log.Add(kSrc, Beijing(2026, 11, 21, 0, 5), overdue);

  ev::PromiseBroken broken;
  *broken.mutable_customer() = one;
  broken.set_communication("customers/1/communications/2");
  broken.set_staff_id("li.na");
  SetDate(2026, 11, 20, broken.mutable_due_date());
  log.Add(kSrc, Beijing(2026, 11, 21, 0, 6), broken);
}

}  // namespace

void WriteWeek47(EventLog& log) {
  ComplaintOne(log);
  ComplaintTwo(log);
  CustomerWeek(log);
}

}  // namespace csm::reporting::testing
