#include "customer-svc/src/api/visit_api.h"

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
#include "common/idempotency.h"
#include "common/paging.h"
#include "common/personal_text.h"
#include "common/status.h"
#include "csm/events/v1/customer_events.pb.h"
#include "customer-svc/src/api/api_common.h"
#include "customer-svc/src/domain/archive_access.h"
#include "customer-svc/src/domain/customer_rules.h"
#include "customer-svc/src/domain/service_records.h"
#include "customer-svc/src/domain/visit_schedule.h"

namespace csm::customer {
namespace {

namespace ev = ::csm::events::v1;

constexpr char kPolicyName[] = "visitPolicy";

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

v1::Grade GradeOfLetter(char letter) {
  switch (letter) {
    case 'A':
      return v1::GRADE_A;
    case 'B':
      return v1::GRADE_B;
    case 'C':
      return v1::GRADE_C;
    default:
      return v1::GRADE_UNSPECIFIED;
  }
}

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

v1::VisitPolicy PolicyToProto(const PolicyRecord& rec) {
  v1::VisitPolicy out;
  out.set_name(kPolicyName);
  out.set_first_year_interval_months(rec.policy.first_year_interval_months);
  out.set_later_interval_months(rec.policy.later_interval_months);
  out.set_first_period_months(rec.policy.first_period_months);
  for (const auto& [letter, o] : rec.policy.grade_overrides) {
    v1::GradeVisitOverride* g = out.add_grade_overrides();
    g->set_grade(GradeOfLetter(letter));
    g->set_first_year_interval_months(o.first_year_interval_months.value_or(0));
    g->set_later_interval_months(o.later_interval_months.value_or(0));
  }
  out.set_invalid_sms_streak(rec.policy.invalid_sms_streak);
  out.set_due_soon_days(rec.policy.due_soon_days);
  out.set_etag(std::to_string(rec.version));
  ToProtoTimestamp(rec.update_time, out.mutable_update_time());
  return out;
}

bool SameOverrides(const std::map<char, GradeOverride>& a,
                   const std::map<char, GradeOverride>& b) {
  if (a.size() != b.size()) return false;
  for (const auto& [letter, o] : a) {
    auto it = b.find(letter);
    if (it == b.end() ||
        it->second.first_year_interval_months != o.first_year_interval_months ||
        it->second.later_interval_months != o.later_interval_months) {
      return false;
    }
  }
  return true;
}

// The schedule rule names fields "policy.x" and
// "policy.grade_overrides.A.x"; the request has "visit_policy.x" and a
// repeated "visit_policy.grade_overrides[i]".
std::string RequestField(absl::string_view field,
                         const std::map<char, int>& override_index) {
  absl::string_view rest = field;
  if (!absl::ConsumePrefix(&rest, "policy.")) return std::string(field);
  absl::string_view grade = rest;
  if (absl::ConsumePrefix(&grade, "grade_overrides.") && grade.size() > 2 &&
      grade[1] == '.') {
    auto it = override_index.find(grade[0]);
    if (it == override_index.end()) return "visit_policy.grade_overrides";
    return absl::StrCat("visit_policy.grade_overrides[", it->second, "].",
                        grade.substr(2));
  }
  return absl::StrCat("visit_policy.", rest);
}

std::string DateKey(const csm::common::v1::Date& d) {
  return absl::StrCat(d.year(), "-", d.month(), "-", d.day());
}

}  // namespace

VisitApi::VisitApi(MysqlPool* pool, Outbox* outbox, RpcRuntime* runtime)
    : pool_(pool), outbox_(outbox), runtime_(runtime) {}

// ---------------------------------------------------------------- plans

grpc::Status VisitApi::CreateVisitPlan(grpc::ServerContext* ctx,
                                       const v1::CreateVisitPlanRequest* req,
                                       v1::VisitPlan* resp) {
  return runtime_->Handle(ctx, "CreateVisitPlan", kMaintainers,
                          [&](const CallContext& call) {
                            return DoCreateVisitPlan(call, *req, resp);
                          });
}

absl::Status VisitApi::DoCreateVisitPlan(const CallContext& call,
                                         const v1::CreateVisitPlanRequest& req,
                                         v1::VisitPlan* resp) {
  CSM_ASSIGN_OR_RETURN(
      int64_t id, CustomerStore::ParseCustomerName(req.parent(), "parent"));
  const absl::CivilDay today = BusinessDate(call.start);
  const v1::VisitPlan& in = req.visit_plan();
  absl::CivilDay delivery;
  {
    FieldViolations v;
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
  }

  return RunMutation(
      *pool_, *outbox_, call, req.request_id(), req, resp,
      [&](MysqlConnection& conn) -> absl::Status {
        // Lock order of every schedule change: policy, archive, plan.
        CSM_ASSIGN_OR_RETURN(PolicyRecord policy,
                             store_.GetPolicy(conn, PolicyLock::kShare));
        CSM_ASSIGN_OR_RETURN(v1::Customer c,
                             customers_.GetCustomer(conn, id, true));
        CSM_RETURN_IF_ERROR(RequireMaintainer(call, c));
        CSM_RETURN_IF_ERROR(RequireOpen(c));
        const VisitPlanState s =
            EvaluateVisitPlan(delivery, VisitStore::GradeLetter(c.grade()), {},
                              today, policy.policy);
        PlanRecord plan;
        plan.customer_id = id;
        plan.project = in.project();
        plan.delivery_date = delivery;
        plan.next_due_date = s.next_due;
        plan.owner_id = c.owner_id();
        CSM_RETURN_IF_ERROR(store_.InsertPlan(conn, &plan, call.start));
        *resp = PlanToProto(plan, today, policy.policy);
        ev::VisitPlanCreated event;
        *event.mutable_customer() = Snapshot(c);
        event.set_visit_plan(resp->name());
        *event.mutable_delivery_date() = resp->delivery_date();
        *event.mutable_next_due_date() = resp->next_due_date();
        return outbox_->Append(conn, call, c.name(), event);
      });
}

grpc::Status VisitApi::GetVisitPlan(grpc::ServerContext* ctx,
                                    const v1::GetVisitPlanRequest* req,
                                    v1::VisitPlan* resp) {
  return runtime_->Handle(ctx, "GetVisitPlan", kReaders,
                          [&](const CallContext& call) {
                            return DoGetVisitPlan(call, *req, resp);
                          });
}

absl::Status VisitApi::DoGetVisitPlan(const CallContext& call,
                                      const v1::GetVisitPlanRequest& req,
                                      v1::VisitPlan* resp) {
  CSM_ASSIGN_OR_RETURN(auto ids, VisitStore::ParsePlanName(req.name(), "name"));
  return RunWithConnection(
      *pool_, call.deadline, [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(PolicyRecord policy,
                             store_.GetPolicy(conn, PolicyLock::kNone));
        CSM_ASSIGN_OR_RETURN(
            PlanRecord plan,
            store_.GetPlan(conn, ids.first, ids.second, /*lock=*/false));
        *resp = PlanToProto(plan, BusinessDate(call.start), policy.policy);
        return absl::OkStatus();
      });
}

grpc::Status VisitApi::ListVisitPlans(grpc::ServerContext* ctx,
                                      const v1::ListVisitPlansRequest* req,
                                      v1::ListVisitPlansResponse* resp) {
  return runtime_->Handle(ctx, "ListVisitPlans", kReaders,
                          [&](const CallContext& call) {
                            return DoListVisitPlans(call, *req, resp);
                          });
}

absl::Status VisitApi::DoListVisitPlans(const CallContext& call,
                                        const v1::ListVisitPlansRequest& req,
                                        v1::ListVisitPlansResponse* resp) {
  CSM_ASSIGN_OR_RETURN(
      int64_t id, CustomerStore::ParseCustomerName(req.parent(), "parent"));
  CSM_ASSIGN_OR_RETURN(int limit, ResolvePageSize(req.page_size()));
  const std::string fp = absl::StrCat("visitPlans|", req.parent());
  CSM_ASSIGN_OR_RETURN(auto after, DecodeToken(req.page_token(), fp));
  const absl::CivilDay today = BusinessDate(call.start);
  return RunWithConnection(
      *pool_, call.deadline, [&](MysqlConnection& conn) -> absl::Status {
        CSM_RETURN_IF_ERROR(customers_.GetCustomer(conn, id, false).status());
        CSM_ASSIGN_OR_RETURN(PolicyRecord policy,
                             store_.GetPolicy(conn, PolicyLock::kNone));
        CSM_ASSIGN_OR_RETURN(auto page,
                             store_.ListPlans(conn, id, after, limit));
        resp->Clear();
        for (const PlanRecord& p : page.items) {
          *resp->add_visit_plans() = PlanToProto(p, today, policy.policy);
        }
        resp->set_next_page_token(EncodeToken(page.next, fp));
        return absl::OkStatus();
      });
}

grpc::Status VisitApi::CloseVisitPlan(grpc::ServerContext* ctx,
                                      const v1::CloseVisitPlanRequest* req,
                                      v1::VisitPlan* resp) {
  return runtime_->Handle(ctx, "CloseVisitPlan", kMaintainers,
                          [&](const CallContext& call) {
                            return DoCloseVisitPlan(call, *req, resp);
                          });
}

absl::Status VisitApi::DoCloseVisitPlan(const CallContext& call,
                                        const v1::CloseVisitPlanRequest& req,
                                        v1::VisitPlan* resp) {
  CSM_ASSIGN_OR_RETURN(auto ids, VisitStore::ParsePlanName(req.name(), "name"));
  CSM_RETURN_IF_ERROR(ValidateReason("reason", req.reason()));
  const absl::CivilDay today = BusinessDate(call.start);
  return RunMutation(
      *pool_, *outbox_, call, req.request_id(), req, resp,
      [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(PolicyRecord policy,
                             store_.GetPolicy(conn, PolicyLock::kShare));
        CSM_ASSIGN_OR_RETURN(v1::Customer c,
                             customers_.GetCustomer(conn, ids.first, true));
        CSM_RETURN_IF_ERROR(RequireMaintainer(call, c));
        CSM_RETURN_IF_ERROR(RequireOpen(c));
        CSM_ASSIGN_OR_RETURN(PlanRecord plan,
                             store_.GetPlan(conn, ids.first, ids.second, true));
        if (plan.closed_time.has_value()) {
          return absl::FailedPreconditionError(
              absl::StrCat(req.name(), " is already closed"));
        }
        CSM_RETURN_IF_ERROR(store_.ClosePlan(
            conn, plan.id, req.reason(), call.principal.staff_id, call.start));
        CSM_ASSIGN_OR_RETURN(
            plan, store_.GetPlan(conn, ids.first, ids.second, false));
        *resp = PlanToProto(plan, today, policy.policy);
        ev::VisitPlanClosed event;
        *event.mutable_customer() = Snapshot(c);
        event.set_visit_plan(resp->name());
        event.set_reason(req.reason());
        return outbox_->Append(conn, call, c.name(), event);
      });
}

// ---------------------------------------------------------------- visits

grpc::Status VisitApi::RecordVisit(grpc::ServerContext* ctx,
                                   const v1::RecordVisitRequest* req,
                                   v1::RecordVisitResponse* resp) {
  return runtime_->Handle(
      ctx, "RecordVisit", kMaintainers,
      [&](const CallContext& call) { return DoRecordVisit(call, *req, resp); });
}

absl::Status VisitApi::DoRecordVisit(const CallContext& call,
                                     const v1::RecordVisitRequest& req,
                                     v1::RecordVisitResponse* resp) {
  CSM_ASSIGN_OR_RETURN(auto ids,
                       VisitStore::ParsePlanName(req.parent(), "parent"));
  const absl::CivilDay today = BusinessDate(call.start);
  const v1::Visit& in = req.visit();
  // Every input rule before anything is read: a refused visit changes
  // nothing.
  CSM_RETURN_IF_ERROR(VisitViolations(in, today).ToStatus());
  absl::CivilDay actual = today;
  if (in.has_actual_date()) {
    CSM_ASSIGN_OR_RETURN(actual, FromProtoDate(in.actual_date()));
  }
  const VisitMethod method = VisitStore::ToRuleMethod(in.method());

  return RunMutation(
      *pool_, *outbox_, call, req.request_id(), req, resp,
      [&](MysqlConnection& conn) -> absl::Status {
        resp->Clear();
        CSM_ASSIGN_OR_RETURN(PolicyRecord policy,
                             store_.GetPolicy(conn, PolicyLock::kShare));
        CSM_ASSIGN_OR_RETURN(v1::Customer c,
                             customers_.GetCustomer(conn, ids.first, true));
        CSM_RETURN_IF_ERROR(RequireMaintainer(call, c));
        CSM_RETURN_IF_ERROR(RequireOpen(c));
        // The plan row lock orders two visits recorded at once.
        CSM_ASSIGN_OR_RETURN(PlanRecord plan,
                             store_.GetPlan(conn, ids.first, ids.second, true));
        if (plan.closed_time.has_value()) {
          return absl::FailedPreconditionError(
              absl::StrCat(req.parent(), " is closed (", plan.close_reason,
                           "); visits are recorded against open plans only"));
        }
        CSM_ASSIGN_OR_RETURN(std::vector<VisitRecord> history,
                             store_.VisitHistory(conn, plan.id));
        // The new visit comes after every visit of its day or before: the
        // order EvaluateVisitPlan replays them in.
        const auto pos =
            std::upper_bound(history.begin(), history.end(), actual,
                             [](absl::CivilDay d, const VisitRecord& r) {
                               return d < r.visit_date;
                             });
        std::vector<VisitMethod> previous;
        for (auto it = history.begin(); it != pos; ++it) {
          previous.push_back(it->method);
        }
        const VisitAssessment assessment =
            AssessVisit(previous, method, policy.policy);
        history.insert(pos, VisitRecord{actual, method});

        v1::Visit visit = in;
        visit.clear_name();
        visit.clear_staff_id();
        visit.clear_create_time();
        if (!visit.has_planned_date()) {
          ToProtoDate(plan.next_due_date, visit.mutable_planned_date());
        }
        ToProtoDate(actual, visit.mutable_actual_date());
        visit.set_counted(assessment.counts);
        visit.set_not_counted_reason(assessment.reason);
        CSM_RETURN_IF_ERROR(store_.InsertVisit(conn, ids.first, plan.id, &visit,
                                               call.principal, call.start));

        const VisitPlanState state = EvaluateVisitPlan(
            plan.delivery_date, VisitStore::GradeLetter(c.grade()), history,
            today, policy.policy);
        CSM_RETURN_IF_ERROR(store_.UpdatePlanSchedule(conn, plan.id, state));
        const absl::CivilDay answered = plan.next_due_date;
        plan.next_due_date = state.next_due;
        plan.last_valid_visit_date = state.last_valid_visit;
        plan.sms_streak = state.sms_streak;
        plan.status_note = state.note;
        ++plan.version;

        ev::VisitRecorded event;
        *event.mutable_customer() = Snapshot(c);
        event.set_visit(visit.name());
        event.set_visit_plan(VisitStore::PlanName(ids.first, plan.id));
        event.set_staff_id(visit.staff_id());
        event.set_method(v1::VisitMethod_Name(visit.method()));
        event.set_satisfaction(visit.satisfaction());
        event.set_counted(visit.counted());
        *event.mutable_planned_date() = visit.planned_date();
        *event.mutable_actual_date() = visit.actual_date();
        ToProtoDate(answered, event.mutable_due_date());
        ToProtoDate(state.next_due, event.mutable_next_due_date());
        event.set_customer_opinions(EventText(visit.customer_opinions()));
        event.set_not_counted_reason(visit.not_counted_reason());
        CSM_RETURN_IF_ERROR(outbox_->Append(conn, call, c.name(), event));

        *resp->mutable_visit() = std::move(visit);
        *resp->mutable_visit_plan() = PlanToProto(plan, today, policy.policy);
        return absl::OkStatus();
      });
}

grpc::Status VisitApi::ListVisits(grpc::ServerContext* ctx,
                                  const v1::ListVisitsRequest* req,
                                  v1::ListVisitsResponse* resp) {
  return runtime_->Handle(
      ctx, "ListVisits", kReaders,
      [&](const CallContext& call) { return DoListVisits(call, *req, resp); });
}

absl::Status VisitApi::DoListVisits(const CallContext& call,
                                    const v1::ListVisitsRequest& req,
                                    v1::ListVisitsResponse* resp) {
  CSM_ASSIGN_OR_RETURN(auto ids,
                       VisitStore::ParsePlanName(req.parent(), "parent"));
  CSM_ASSIGN_OR_RETURN(int limit, ResolvePageSize(req.page_size()));
  const std::string fp = absl::StrCat("visits|", req.parent());
  CSM_ASSIGN_OR_RETURN(auto after, DecodeToken(req.page_token(), fp));
  return RunWithConnection(
      *pool_, call.deadline, [&](MysqlConnection& conn) -> absl::Status {
        CSM_RETURN_IF_ERROR(
            store_.GetPlan(conn, ids.first, ids.second, false).status());
        CSM_ASSIGN_OR_RETURN(
            auto page,
            store_.ListVisits(conn, ids.first, ids.second, after, limit));
        resp->Clear();
        for (auto& item : page.items) *resp->add_visits() = std::move(item);
        resp->set_next_page_token(EncodeToken(page.next, fp));
        return absl::OkStatus();
      });
}

grpc::Status VisitApi::GetVisitReport(grpc::ServerContext* ctx,
                                      const v1::GetVisitReportRequest* req,
                                      v1::VisitReport* resp) {
  return runtime_->Handle(ctx, "GetVisitReport", kReaders,
                          [&](const CallContext& call) {
                            return DoGetVisitReport(call, *req, resp);
                          });
}

absl::Status VisitApi::DoGetVisitReport(const CallContext& call,
                                        const v1::GetVisitReportRequest& req,
                                        v1::VisitReport* resp) {
  CSM_ASSIGN_OR_RETURN(auto ids,
                       VisitStore::ParseVisitName(req.name(), "name"));
  const auto [customer_id, plan_id, visit_id] = ids;
  return RunWithConnection(
      *pool_, call.deadline, [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(v1::Customer c,
                             customers_.GetCustomer(conn, customer_id, false));
        CSM_ASSIGN_OR_RETURN(PlanRecord plan,
                             store_.GetPlan(conn, customer_id, plan_id, false));
        CSM_ASSIGN_OR_RETURN(
            v1::Visit visit,
            store_.GetVisit(conn, customer_id, plan_id, visit_id));
        resp->Clear();
        resp->set_visit(visit.name());
        resp->set_customer(c.name());
        resp->set_archive_number(c.archive_number());
        resp->set_customer_display_name(c.display_name());
        resp->set_grade(c.grade());
        // The name only: phones stay in the (masked, registered) archive.
        for (const v1::Contact& contact : c.contacts()) {
          if (contact.primary()) resp->set_contact_name(contact.display_name());
        }
        resp->set_project(plan.project);
        ToProtoDate(plan.delivery_date, resp->mutable_delivery_date());
        *resp->mutable_planned_date() = visit.planned_date();
        *resp->mutable_actual_date() = visit.actual_date();
        resp->set_method(visit.method());
        resp->set_staff_id(visit.staff_id());
        resp->set_satisfaction(visit.satisfaction());
        resp->set_customer_opinions(visit.customer_opinions());
        resp->set_customer_requests(visit.customer_requests());
        resp->set_countermeasures(visit.countermeasures());
        resp->set_next_action(visit.next_action());
        resp->set_counted(visit.counted());
        resp->set_not_counted_reason(visit.not_counted_reason());
        return absl::OkStatus();
      });
}

// ---------------------------------------------------------------- due lists

grpc::Status VisitApi::ListDueVisits(grpc::ServerContext* ctx,
                                     const v1::ListDueVisitsRequest* req,
                                     v1::ListDueVisitsResponse* resp) {
  return runtime_->Handle(ctx, "ListDueVisits", kStaff,
                          [&](const CallContext& call) {
                            return DoListDueVisits(call, *req, resp);
                          });
}

absl::Status VisitApi::DoListDueVisits(const CallContext& call,
                                       const v1::ListDueVisitsRequest& req,
                                       v1::ListDueVisitsResponse* resp) {
  const absl::CivilDay today = BusinessDate(call.start);
  DueQuery query;
  query.owner_id = req.staff_id();
  query.team = req.team();
  if (query.owner_id.empty() && query.team.empty()) {
    query.owner_id = call.principal.staff_id;
  }
  {
    FieldViolations v;
    if (CountCodePoints(query.owner_id) > kMaxStaffIdLength) {
      v.Add("staff_id",
            absl::StrCat("must be at most ", kMaxStaffIdLength, " characters"));
    }
    if (!query.team.empty() && !IsValidResourceId(query.team)) {
      v.Add("team", "a team id of [a-z0-9-]{1,63}");
    }
    query.due_to = today;
    if (req.has_due_to()) {
      if (!IsValidDate(req.due_to())) {
        v.Add("due_to", "is not a real date");
      } else {
        CSM_ASSIGN_OR_RETURN(query.due_to, FromProtoDate(req.due_to()));
      }
    }
    if (req.has_due_from()) {
      if (!IsValidDate(req.due_from())) {
        v.Add("due_from", "is not a real date");
      } else {
        CSM_ASSIGN_OR_RETURN(query.due_from, FromProtoDate(req.due_from()));
        if (*query.due_from > query.due_to) {
          v.Add("due_from", "must not be after due_to");
        }
      }
    }
    CSM_RETURN_IF_ERROR(v.ToStatus());
  }
  // An agent works from their own list; a team's or a colleague's list is
  // for those who supervise.
  const bool own =
      query.team.empty() && query.owner_id == call.principal.staff_id;
  if (!own && !call.principal.roles.Intersects(kSupervisors)) {
    return absl::PermissionDeniedError(absl::StrCat(
        call.principal.staff_id,
        " may list only their own due visits; another staff member's or a "
        "team's list needs a supervisor, manager or archivist"));
  }
  if (req.overdue_only()) query.due_to = std::min(query.due_to, today - 1);
  CSM_ASSIGN_OR_RETURN(query.limit, ResolvePageSize(req.page_size()));
  const std::string fp = absl::StrCat(
      "dueVisits|", query.owner_id, "|", query.team, "|",
      req.has_due_from() ? DateKey(req.due_from()) : "", "|",
      req.has_due_to() ? DateKey(req.due_to()) : "", "|", req.overdue_only());
  CSM_ASSIGN_OR_RETURN(query.after, DecodeToken(req.page_token(), fp));
  return RunWithConnection(
      *pool_, call.deadline, [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(PolicyRecord policy,
                             store_.GetPolicy(conn, PolicyLock::kNone));
        resp->Clear();
        if (query.due_from.has_value() && *query.due_from > query.due_to) {
          return absl::OkStatus();  // overdue_only with a future range
        }
        CSM_ASSIGN_OR_RETURN(auto page, store_.ListDuePlans(conn, query));
        for (const DuePlanRecord& d : page.items) {
          v1::DueVisit* out = resp->add_due_visits();
          *out->mutable_visit_plan() =
              PlanToProto(d.plan, today, policy.policy);
          out->set_customer(CustomerStore::CustomerName(d.plan.customer_id));
          out->set_archive_number(d.archive_number);
          out->set_customer_display_name(d.display_name);
          out->set_grade(d.grade);
          out->set_team(d.team);
        }
        resp->set_next_page_token(EncodeToken(page.next, fp));
        return absl::OkStatus();
      });
}

// ---------------------------------------------------------------- policy

grpc::Status VisitApi::GetVisitPolicy(grpc::ServerContext* ctx,
                                      const v1::GetVisitPolicyRequest*,
                                      v1::VisitPolicy* resp) {
  return runtime_->Handle(
      ctx, "GetVisitPolicy", kReaders,
      [&](const CallContext& call) -> absl::Status {
        return RunWithConnection(
            *pool_, call.deadline, [&](MysqlConnection& conn) -> absl::Status {
              CSM_ASSIGN_OR_RETURN(PolicyRecord rec,
                                   store_.GetPolicy(conn, PolicyLock::kNone));
              *resp = PolicyToProto(rec);
              return absl::OkStatus();
            });
      });
}

grpc::Status VisitApi::UpdateVisitPolicy(
    grpc::ServerContext* ctx, const v1::UpdateVisitPolicyRequest* req,
    v1::VisitPolicy* resp) {
  return runtime_->Handle(ctx, "UpdateVisitPolicy", kArchivists,
                          [&](const CallContext& call) {
                            return DoUpdateVisitPolicy(call, *req, resp);
                          });
}

absl::Status VisitApi::DoUpdateVisitPolicy(
    const CallContext& call, const v1::UpdateVisitPolicyRequest& req,
    v1::VisitPolicy* resp) {
  static const std::set<std::string> kUpdatable = {
      "first_year_interval_months", "later_interval_months",
      "first_period_months",        "grade_overrides",
      "invalid_sms_streak",         "due_soon_days"};
  const v1::VisitPolicy& in = req.visit_policy();
  std::set<std::string> paths;
  std::map<char, GradeOverride> overrides;
  std::map<char, int> override_index;  // grade -> index in the request
  {
    FieldViolations v;
    if (req.update_mask().paths().empty()) {
      v.Add("update_mask",
            absl::StrCat("required: ", absl::StrJoin(kUpdatable, ", ")));
    }
    for (const std::string& p : req.update_mask().paths()) {
      if (!kUpdatable.contains(p)) {
        v.Add("update_mask",
              absl::StrCat(QuotedPath(p), " is not updatable; use ",
                           absl::StrJoin(kUpdatable, ", ")));
      }
      paths.insert(p);
    }
    if (paths.contains("grade_overrides")) {
      for (int i = 0; i < in.grade_overrides_size(); ++i) {
        const v1::GradeVisitOverride& o = in.grade_overrides(i);
        const char letter = VisitStore::GradeLetter(o.grade());
        const std::string field =
            absl::StrCat("visit_policy.grade_overrides[", i, "]");
        if (letter == 0) {
          v.Add(field + ".grade", "must be GRADE_A, GRADE_B or GRADE_C");
          continue;
        }
        if (!override_index.emplace(letter, i).second) {
          v.Add(field + ".grade",
                absl::StrCat(v1::Grade_Name(o.grade()), " is listed twice"));
          continue;
        }
        // 0 keeps the default: an override of nothing is no override.
        GradeOverride g;
        if (o.first_year_interval_months() != 0) {
          g.first_year_interval_months = o.first_year_interval_months();
        }
        if (o.later_interval_months() != 0) {
          g.later_interval_months = o.later_interval_months();
        }
        if (g.first_year_interval_months.has_value() ||
            g.later_interval_months.has_value()) {
          overrides[letter] = g;
        }
      }
    }
    CSM_RETURN_IF_ERROR(v.ToStatus());
  }
  CSM_ASSIGN_OR_RETURN(int64_t expected,
                       ParseEtag(in.etag(), "visit_policy.etag"));

  return RunMutation(
      *pool_, *outbox_, call, req.request_id(), req, resp,
      [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(PolicyRecord current,
                             store_.GetPolicy(conn, PolicyLock::kUpdate));
        CSM_RETURN_IF_ERROR(
            CheckEtag("visitPolicy", current.version, expected));
        VisitPolicy merged = current.policy;
        std::vector<std::string> changed;
        auto set = [&](const char* path, int value, int* field) {
          if (!paths.contains(path)) return;
          if (*field != value) changed.push_back(path);
          *field = value;
        };
        set("first_year_interval_months", in.first_year_interval_months(),
            &merged.first_year_interval_months);
        set("later_interval_months", in.later_interval_months(),
            &merged.later_interval_months);
        set("first_period_months", in.first_period_months(),
            &merged.first_period_months);
        set("invalid_sms_streak", in.invalid_sms_streak(),
            &merged.invalid_sms_streak);
        set("due_soon_days", in.due_soon_days(), &merged.due_soon_days);
        if (paths.contains("grade_overrides")) {
          if (!SameOverrides(overrides, merged.grade_overrides)) {
            changed.push_back("grade_overrides");
          }
          merged.grade_overrides = overrides;
        }
        FieldViolations v;
        for (const VisitFieldViolation& f : VisitPolicyViolations(merged)) {
          v.Add(RequestField(f.field, override_index), f.description);
        }
        CSM_RETURN_IF_ERROR(v.ToStatus());
        if (changed.empty()) {
          *resp = PolicyToProto(current);
          return absl::OkStatus();
        }
        CSM_RETURN_IF_ERROR(
            store_.UpdatePolicy(conn, merged, current.version, call.start));
        // Due lists stay right: every open plan follows the new rule now.
        CSM_ASSIGN_OR_RETURN(std::vector<PlanMove> moved,
                             store_.ReschedulePlans(conn, 0, merged));
        CSM_ASSIGN_OR_RETURN(PolicyRecord updated,
                             store_.GetPolicy(conn, PolicyLock::kNone));
        *resp = PolicyToProto(updated);
        ev::VisitPolicyChanged event;
        for (const std::string& f : changed) event.add_changed_fields(f);
        event.set_rescheduled_plans(static_cast<int>(moved.size()));
        CSM_RETURN_IF_ERROR(outbox_->Append(conn, call, kPolicyName, event));
        return AppendPlanMoves(conn, *outbox_, call, moved, "visit_policy");
      });
}

}  // namespace csm::customer
