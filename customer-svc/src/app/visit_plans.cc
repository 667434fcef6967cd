// Return-visit plans (客户回访计划): one per delivered project, its schedule
// kept equal to EvaluateVisitPlan over its visits.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "common/business_time.h"
#include "common/etag.h"
#include "common/idempotency.h"
#include "common/paging.h"
#include "common/personal_text.h"
#include "common/resource_id.h"
#include "common/status.h"
#include "common/text.h"
#include "csm/events/v1/customer_events.pb.h"
#include "customer-svc/src/app/archive_mutation.h"
#include "customer-svc/src/app/roles.h"
#include "customer-svc/src/app/visit_use_cases.h"
#include "customer-svc/src/domain/archive_access.h"
#include "customer-svc/src/domain/customer_rules.h"
#include "customer-svc/src/domain/service_records.h"
#include "customer-svc/src/domain/text_limits.h"
#include "customer-svc/src/domain/visit_schedule.h"

namespace csm::customer::app {
namespace {

namespace ev = ::csm::events::v1;

v1::VisitStatus ToProto(VisitStatus status) {
  switch (status) {
    case VisitStatus::kNotDue:
      return v1::VISIT_STATUS_NOT_DUE;
    case VisitStatus::kDueSoon:
      return v1::VISIT_STATUS_DUE_SOON;
    case VisitStatus::kDue:
      return v1::VISIT_STATUS_DUE;
    case VisitStatus::kOverdue:
      return v1::VISIT_STATUS_OVERDUE;
  }
  return v1::VISIT_STATUS_UNSPECIFIED;
}

}  // namespace

// A plan as callers see it on `today` (Asia/Shanghai): the status is never
// stored, it follows from the stored due date and the day of the request.
v1::VisitPlan PlanToProto(const PlanRecord& p, absl::CivilDay today,
                          const VisitPolicy& policy) {
  v1::VisitPlan out;
  out.set_name(VisitStore::PlanName(p.customer_id, p.id));
  out.set_project(p.project);
  ToProtoDate(p.delivery_date, out.mutable_delivery_date());
  out.set_owner_id(p.owner_id);
  ToProtoDate(p.next_due_date, out.mutable_next_due_date());
  if (p.last_valid_visit_date.has_value()) {
    ToProtoDate(*p.last_valid_visit_date, out.mutable_last_valid_visit_date());
  }
  out.set_sms_streak(p.sms_streak);
  ToProtoTimestamp(p.create_time, out.mutable_create_time());
  out.set_etag(std::to_string(p.version));
  if (p.closed_time.has_value()) {
    out.set_status(v1::VISIT_STATUS_CLOSED);
    out.set_status_note(absl::StrCat("closed: ", p.close_reason));
  } else {
    out.set_status(ToProto(StatusOn(p.next_due_date, today, policy)));
    out.set_days_overdue(DaysOverdue(p.next_due_date, today));
    out.set_status_note(p.status_note);
  }
  return out;
}

namespace {

// The delivery date the schedule counts from: given, real and not in the
// future; the project name within its length.
absl::StatusOr<absl::CivilDay> ValidDeliveryDate(const v1::VisitPlan& in,
                                                 absl::CivilDay today) {
  FieldViolations v;
  absl::CivilDay delivery;
  if (!in.has_delivery_date()) {
    v.Add("visit_plan.delivery_date",
          "is required: the schedule counts from the delivery date");
  } else if (!IsValidDate(in.delivery_date())) {
    v.Add("visit_plan.delivery_date", "is not a real date");
  } else {
    CSM_ASSIGN_OR_RETURN(delivery, FromProtoDate(in.delivery_date()));
    if (delivery > today) {
      v.Add("visit_plan.delivery_date",
            absl::StrCat("must not be in the future: today is ",
                         absl::FormatCivilTime(today), " (Asia/Shanghai)"));
    }
  }
  if (CountCodePoints(in.project()) > kMaxProjectLength) {
    v.Add("visit_plan.project",
          absl::StrCat("must be at most ", kMaxProjectLength, " characters"));
  }
  CSM_RETURN_IF_ERROR(v.ToStatus());
  return delivery;
}

// A new plan of archive `c`: owned by its owner, first due as the schedule
// of its grade says.
PlanRecord NewPlan(int64_t customer_id, const v1::Customer& c,
                   const std::string& project, absl::CivilDay delivery,
                   absl::CivilDay today, const VisitPolicy& policy) {
  const VisitPlanState s = EvaluateVisitPlan(
      delivery, VisitStore::GradeLetter(c.grade()), {}, today, policy);
  PlanRecord plan;
  plan.customer_id = customer_id;
  plan.project = project;
  plan.delivery_date = delivery;
  plan.next_due_date = s.next_due;
  plan.owner_id = c.owner_id();
  return plan;
}

ev::VisitPlanCreated PlanCreated(const v1::Customer& c,
                                 const v1::VisitPlan& plan) {
  ev::VisitPlanCreated event;
  *event.mutable_customer() = Snapshot(c);
  event.set_visit_plan(plan.name());
  *event.mutable_delivery_date() = plan.delivery_date();
  *event.mutable_next_due_date() = plan.next_due_date();
  return event;
}

}  // namespace

absl::Status CreateVisitPlan(Backend& b, const CallContext& call,
                             const v1::CreateVisitPlanRequest& req,
                             v1::VisitPlan* resp) {
  CSM_ASSIGN_OR_RETURN(
      int64_t id, CustomerStore::ParseCustomerName(req.parent(), "parent"));
  const absl::CivilDay today = BusinessDate(call.start);
  const v1::VisitPlan& in = req.visit_plan();
  CSM_ASSIGN_OR_RETURN(const absl::CivilDay delivery,
                       ValidDeliveryDate(in, today));
  return RunMutation(
      b.pool, b.outbox, call, req.request_id(), req, resp,
      [&](MysqlConnection& conn) -> absl::Status {
        // Lock order of every schedule change: policy, archive, plan.
        CSM_ASSIGN_OR_RETURN(PolicyRecord policy,
                             b.visits.GetPolicy(conn, PolicyLock::kShare));
        CSM_ASSIGN_OR_RETURN(v1::Customer c,
                             b.customers.GetCustomer(conn, id, true));
        CSM_RETURN_IF_ERROR(RequireMaintainer(call, c));
        CSM_RETURN_IF_ERROR(RequireOpen(c));
        PlanRecord plan =
            NewPlan(id, c, in.project(), delivery, today, policy.policy);
        CSM_RETURN_IF_ERROR(b.visits.InsertPlan(conn, &plan, call.start));
        *resp = PlanToProto(plan, today, policy.policy);
        return b.outbox.Append(conn, call, c.name(), PlanCreated(c, *resp));
      });
}

absl::Status GetVisitPlan(Backend& b, const CallContext& call,
                          const v1::GetVisitPlanRequest& req,
                          v1::VisitPlan* resp) {
  CSM_ASSIGN_OR_RETURN(auto ids, VisitStore::ParsePlanName(req.name(), "name"));
  return RunWithConnection(
      b.pool, call.deadline, [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(PolicyRecord policy,
                             b.visits.GetPolicy(conn, PolicyLock::kNone));
        CSM_ASSIGN_OR_RETURN(
            PlanRecord plan,
            b.visits.GetPlan(conn, ids.first, ids.second, /*lock=*/false));
        *resp = PlanToProto(plan, BusinessDate(call.start), policy.policy);
        return absl::OkStatus();
      });
}

absl::Status ListVisitPlans(Backend& b, const CallContext& call,
                            const v1::ListVisitPlansRequest& req,
                            v1::ListVisitPlansResponse* resp) {
  CSM_ASSIGN_OR_RETURN(
      int64_t id, CustomerStore::ParseCustomerName(req.parent(), "parent"));
  CSM_ASSIGN_OR_RETURN(int limit, ResolvePageSize(req.page_size()));
  const std::string fp = absl::StrCat("visitPlans|", req.parent());
  CSM_ASSIGN_OR_RETURN(auto after, DecodeToken(req.page_token(), fp));
  const absl::CivilDay today = BusinessDate(call.start);
  return RunWithConnection(
      b.pool, call.deadline, [&](MysqlConnection& conn) -> absl::Status {
        CSM_RETURN_IF_ERROR(b.customers.GetCustomer(conn, id, false).status());
        CSM_ASSIGN_OR_RETURN(PolicyRecord policy,
                             b.visits.GetPolicy(conn, PolicyLock::kNone));
        CSM_ASSIGN_OR_RETURN(auto page,
                             b.visits.ListPlans(conn, id, after, limit));
        resp->Clear();
        for (const PlanRecord& p : page.items) {
          *resp->add_visit_plans() = PlanToProto(p, today, policy.policy);
        }
        resp->set_next_page_token(EncodeToken(page.next, fp));
        return absl::OkStatus();
      });
}

absl::Status CloseVisitPlan(Backend& b, const CallContext& call,
                            const v1::CloseVisitPlanRequest& req,
                            v1::VisitPlan* resp) {
  CSM_ASSIGN_OR_RETURN(auto ids, VisitStore::ParsePlanName(req.name(), "name"));
  CSM_RETURN_IF_ERROR(ValidateReason("reason", req.reason()));
  const absl::CivilDay today = BusinessDate(call.start);
  return RunMutation(
      b.pool, b.outbox, call, req.request_id(), req, resp,
      [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(LockedPlan locked,
                             LockPlan(b, conn, call, ids.first, ids.second));
        const PolicyRecord& policy = locked.policy;
        const v1::Customer& c = locked.customer;
        PlanRecord& plan = locked.plan;
        if (plan.closed_time.has_value()) {
          return absl::FailedPreconditionError(
              absl::StrCat(req.name(), " is already closed"));
        }
        CSM_RETURN_IF_ERROR(b.visits.ClosePlan(
            conn, plan.id, req.reason(), call.principal.staff_id, call.start));
        CSM_ASSIGN_OR_RETURN(
            plan, b.visits.GetPlan(conn, ids.first, ids.second, false));
        *resp = PlanToProto(plan, today, policy.policy);
        ev::VisitPlanClosed event;
        *event.mutable_customer() = Snapshot(c);
        event.set_visit_plan(resp->name());
        event.set_reason(req.reason());
        return b.outbox.Append(conn, call, c.name(), event);
      });
}

absl::StatusOr<std::vector<PlanMove>> RescheduleOpenPlans(
    Backend& b, MysqlConnection& conn, int64_t customer_id,
    const VisitPolicy& policy) {
  CSM_ASSIGN_OR_RETURN(std::vector<StoredPlanSchedule> plans,
                       b.visits.OpenPlanSchedules(conn, customer_id));
  std::vector<PlanMove> moved;
  for (const PlanReschedule& r : ReschedulePlans(plans, policy)) {
    if (r.move.has_value()) moved.push_back(*r.move);
    CSM_RETURN_IF_ERROR(b.visits.UpdatePlanSchedule(conn, r.plan_id, r.state));
  }
  return moved;
}

absl::StatusOr<std::vector<PlanMove>> RescheduleArchivePlans(
    Backend& b, MysqlConnection& conn, int64_t customer_id) {
  CSM_ASSIGN_OR_RETURN(PolicyRecord policy,
                       b.visits.GetPolicy(conn, PolicyLock::kShare));
  return RescheduleOpenPlans(b, conn, customer_id, policy.policy);
}

absl::StatusOr<LockedPlan> LockPlan(Backend& b, MysqlConnection& conn,
                                    const CallContext& call,
                                    int64_t customer_id, int64_t plan_id) {
  LockedPlan out;
  CSM_ASSIGN_OR_RETURN(out.policy,
                       b.visits.GetPolicy(conn, PolicyLock::kShare));
  CSM_ASSIGN_OR_RETURN(out.customer,
                       b.customers.GetCustomer(conn, customer_id, true));
  CSM_RETURN_IF_ERROR(RequireMaintainer(call, out.customer));
  CSM_RETURN_IF_ERROR(RequireOpen(out.customer));
  CSM_ASSIGN_OR_RETURN(out.plan,
                       b.visits.GetPlan(conn, customer_id, plan_id, true));
  return out;
}

}  // namespace csm::customer::app
