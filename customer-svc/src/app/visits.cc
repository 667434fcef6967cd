// Visits recorded against a plan (回访记录), their report, and the due lists.
#include <algorithm>
#include <map>
#include <optional>
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

std::string DateKey(const csm::common::v1::Date& d) {
  return absl::StrCat(d.year(), "-", d.month(), "-", d.day());
}

// The assessment of a visit on `actual` (AssessVisit over the visits
// before it), inserted into `history` where EvaluateVisitPlan replays it:
// after every visit of its day or before.
VisitAssessment PlaceVisit(absl::CivilDay actual, VisitMethod method,
                           const VisitPolicy& policy,
                           std::vector<VisitRecord>& history) {
  const auto pos = std::upper_bound(
      history.begin(), history.end(), actual,
      [](absl::CivilDay d, const VisitRecord& r) { return d < r.visit_date; });
  std::vector<VisitMethod> previous;
  for (auto it = history.begin(); it != pos; ++it) {
    previous.push_back(it->method);
  }
  const VisitAssessment assessment = AssessVisit(previous, method, policy);
  history.insert(pos, VisitRecord{actual, method});
  return assessment;
}

// `answered`: the due date the visit answered; `state`: the plan after it.
ev::VisitRecorded VisitRecordedEvent(const v1::Customer& c,
                                     const v1::Visit& visit,
                                     const PlanRecord& plan,
                                     absl::CivilDay answered,
                                     const VisitPlanState& state) {
  ev::VisitRecorded event;
  *event.mutable_customer() = Snapshot(c);
  event.set_visit(visit.name());
  event.set_visit_plan(VisitStore::PlanName(plan.customer_id, plan.id));
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
  return event;
}

absl::Status RequireOpenPlan(const PlanRecord& plan, absl::string_view name) {
  if (!plan.closed_time.has_value()) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat(name, " is closed (", plan.close_reason,
                   "); visits are recorded against open plans only"));
}

// The visit as stored: the caller's fields, the planned date (the plan's
// due date unless given), the actual date and whether it counts.
v1::Visit VisitToStore(const v1::Visit& in, absl::CivilDay actual,
                       absl::CivilDay due, const VisitAssessment& assessment) {
  v1::Visit visit = in;
  visit.clear_name();
  visit.clear_staff_id();
  visit.clear_create_time();
  if (!visit.has_planned_date()) {
    ToProtoDate(due, visit.mutable_planned_date());
  }
  ToProtoDate(actual, visit.mutable_actual_date());
  visit.set_counted(assessment.counts);
  visit.set_not_counted_reason(assessment.reason);
  return visit;
}

// Every input rule before anything is read (a refused visit changes
// nothing); the day of the visit: today unless given.
absl::StatusOr<absl::CivilDay> CheckedVisitDay(const v1::Visit& in,
                                               absl::CivilDay today) {
  CSM_RETURN_IF_ERROR(VisitViolations(in, today).ToStatus());
  if (!in.has_actual_date()) return today;
  return FromProtoDate(in.actual_date());
}

// The plan evaluated over `history` (the new visit placed in it), written,
// and `plan` as its row now stands.
absl::StatusOr<VisitPlanState> Reschedule(
    Backend& b, MysqlConnection& conn, const v1::Customer& c,
    const VisitPolicy& policy, const std::vector<VisitRecord>& history,
    absl::CivilDay today, PlanRecord& plan) {
  const VisitPlanState state =
      EvaluateVisitPlan(plan.delivery_date, VisitStore::GradeLetter(c.grade()),
                        history, today, policy);
  CSM_RETURN_IF_ERROR(b.visits.UpdatePlanSchedule(conn, plan.id, state));
  plan.next_due_date = state.next_due;
  plan.last_valid_visit_date = state.last_valid_visit;
  plan.sms_streak = state.sms_streak;
  plan.status_note = state.note;
  ++plan.version;
  return state;
}

// A date field of a due-list request, when given and real.
absl::Status DueDateField(const csm::common::v1::Date& date, const char* field,
                          FieldViolations& v,
                          std::optional<absl::CivilDay>* out) {
  if (!IsValidDate(date)) {
    v.Add(field, "is not a real date");
    return absl::OkStatus();
  }
  CSM_ASSIGN_OR_RETURN(*out, FromProtoDate(date));
  return absl::OkStatus();
}

// Whose list (the caller's own unless a staff member or team is named) and
// which due dates (up to today unless given).
absl::StatusOr<DueQuery> DueQueryOf(const v1::ListDueVisitsRequest& req,
                                    const CallContext& call,
                                    absl::CivilDay today) {
  DueQuery query;
  query.owner_id = req.staff_id();
  query.team = req.team();
  if (query.owner_id.empty() && query.team.empty()) {
    query.owner_id = call.principal.staff_id;
  }
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
    std::optional<absl::CivilDay> due_to;
    CSM_RETURN_IF_ERROR(DueDateField(req.due_to(), "due_to", v, &due_to));
    if (due_to.has_value()) query.due_to = *due_to;
  }
  if (req.has_due_from()) {
    CSM_RETURN_IF_ERROR(
        DueDateField(req.due_from(), "due_from", v, &query.due_from));
    if (query.due_from.has_value() && *query.due_from > query.due_to) {
      v.Add("due_from", "must not be after due_to");
    }
  }
  CSM_RETURN_IF_ERROR(v.ToStatus());
  return query;
}

// An agent works from their own list; a team's or a colleague's list is
// for those who supervise.
absl::Status MayListDue(const DueQuery& query, const CallContext& call) {
  const bool own =
      query.team.empty() && query.owner_id == call.principal.staff_id;
  if (own || call.principal.roles.Intersects(kSupervisors)) {
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError(absl::StrCat(
      call.principal.staff_id,
      " may list only their own due visits; another staff member's or a "
      "team's list needs a supervisor, manager or archivist"));
}

void AddDueVisit(const DuePlanRecord& d, absl::CivilDay today,
                 const VisitPolicy& policy, v1::ListDueVisitsResponse* resp) {
  v1::DueVisit* out = resp->add_due_visits();
  *out->mutable_visit_plan() = PlanToProto(d.plan, today, policy);
  out->set_customer(CustomerStore::CustomerName(d.plan.customer_id));
  out->set_archive_number(d.archive_number);
  out->set_customer_display_name(d.display_name);
  out->set_grade(d.grade);
  out->set_team(d.team);
}

// The printable visit report (回访报告) of `visit`.
void FillVisitReport(const v1::Customer& c, const PlanRecord& plan,
                     const v1::Visit& visit, v1::VisitReport* resp) {
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
}

}  // namespace

absl::Status RecordVisit(Backend& b, const CallContext& call,
                         const v1::RecordVisitRequest& req,
                         v1::RecordVisitResponse* resp) {
  CSM_ASSIGN_OR_RETURN(auto ids,
                       VisitStore::ParsePlanName(req.parent(), "parent"));
  const absl::CivilDay today = BusinessDate(call.start);
  const v1::Visit& in = req.visit();
  CSM_ASSIGN_OR_RETURN(const absl::CivilDay actual, CheckedVisitDay(in, today));
  const VisitMethod method = VisitStore::ToRuleMethod(in.method());

  return RunMutation(
      b.pool, b.outbox, call, req.request_id(), req, resp,
      [&](MysqlConnection& conn) -> absl::Status {
        resp->Clear();
        // The plan row lock orders two visits recorded at once.
        CSM_ASSIGN_OR_RETURN(LockedPlan locked,
                             LockPlan(b, conn, call, ids.first, ids.second));
        const PolicyRecord& policy = locked.policy;
        const v1::Customer& c = locked.customer;
        PlanRecord& plan = locked.plan;
        CSM_RETURN_IF_ERROR(RequireOpenPlan(plan, req.parent()));
        CSM_ASSIGN_OR_RETURN(std::vector<VisitRecord> history,
                             b.visits.VisitHistory(conn, plan.id));
        const VisitAssessment assessment =
            PlaceVisit(actual, method, policy.policy, history);
        v1::Visit visit =
            VisitToStore(in, actual, plan.next_due_date, assessment);
        CSM_RETURN_IF_ERROR(b.visits.InsertVisit(
            conn, ids.first, plan.id, &visit, call.principal, call.start));

        const absl::CivilDay answered = plan.next_due_date;
        CSM_ASSIGN_OR_RETURN(
            const VisitPlanState state,
            Reschedule(b, conn, c, policy.policy, history, today, plan));

        const ev::VisitRecorded event =
            VisitRecordedEvent(c, visit, plan, answered, state);
        CSM_RETURN_IF_ERROR(b.outbox.Append(conn, call, c.name(), event));

        *resp->mutable_visit() = std::move(visit);
        *resp->mutable_visit_plan() = PlanToProto(plan, today, policy.policy);
        return absl::OkStatus();
      });
}

absl::Status ListVisits(Backend& b, const CallContext& call,
                        const v1::ListVisitsRequest& req,
                        v1::ListVisitsResponse* resp) {
  CSM_ASSIGN_OR_RETURN(auto ids,
                       VisitStore::ParsePlanName(req.parent(), "parent"));
  CSM_ASSIGN_OR_RETURN(int limit, ResolvePageSize(req.page_size()));
  const std::string fp = absl::StrCat("visits|", req.parent());
  CSM_ASSIGN_OR_RETURN(auto after, DecodeToken(req.page_token(), fp));
  return RunWithConnection(
      b.pool, call.deadline, [&](MysqlConnection& conn) -> absl::Status {
        CSM_RETURN_IF_ERROR(
            b.visits.GetPlan(conn, ids.first, ids.second, false).status());
        CSM_ASSIGN_OR_RETURN(
            auto page,
            b.visits.ListVisits(conn, ids.first, ids.second, after, limit));
        resp->Clear();
        for (auto& item : page.items) *resp->add_visits() = std::move(item);
        resp->set_next_page_token(EncodeToken(page.next, fp));
        return absl::OkStatus();
      });
}

absl::Status GetVisitReport(Backend& b, const CallContext& call,
                            const v1::GetVisitReportRequest& req,
                            v1::VisitReport* resp) {
  CSM_ASSIGN_OR_RETURN(auto ids,
                       VisitStore::ParseVisitName(req.name(), "name"));
  const auto [customer_id, plan_id, visit_id] = ids;
  return RunWithConnection(
      b.pool, call.deadline, [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(v1::Customer c,
                             b.customers.GetCustomer(conn, customer_id, false));
        CSM_ASSIGN_OR_RETURN(
            PlanRecord plan,
            b.visits.GetPlan(conn, customer_id, plan_id, false));
        CSM_ASSIGN_OR_RETURN(
            v1::Visit visit,
            b.visits.GetVisit(conn, customer_id, plan_id, visit_id));
        FillVisitReport(c, plan, visit, resp);
        return absl::OkStatus();
      });
}

absl::Status ListDueVisits(Backend& b, const CallContext& call,
                           const v1::ListDueVisitsRequest& req,
                           v1::ListDueVisitsResponse* resp) {
  const absl::CivilDay today = BusinessDate(call.start);
  CSM_ASSIGN_OR_RETURN(DueQuery query, DueQueryOf(req, call, today));
  CSM_RETURN_IF_ERROR(MayListDue(query, call));
  if (req.overdue_only()) query.due_to = std::min(query.due_to, today - 1);
  CSM_ASSIGN_OR_RETURN(query.limit, ResolvePageSize(req.page_size()));
  const std::string fp = absl::StrCat(
      "dueVisits|", query.owner_id, "|", query.team, "|",
      req.has_due_from() ? DateKey(req.due_from()) : "", "|",
      req.has_due_to() ? DateKey(req.due_to()) : "", "|", req.overdue_only());
  CSM_ASSIGN_OR_RETURN(query.after, DecodeToken(req.page_token(), fp));
  return RunWithConnection(
      b.pool, call.deadline, [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(PolicyRecord policy,
                             b.visits.GetPolicy(conn, PolicyLock::kNone));
        resp->Clear();
        if (query.due_from.has_value() && *query.due_from > query.due_to) {
          return absl::OkStatus();  // overdue_only with a future range
        }
        CSM_ASSIGN_OR_RETURN(auto page, b.visits.ListDuePlans(conn, query));
        for (const DuePlanRecord& d : page.items) {
          AddDueVisit(d, today, policy.policy, resp);
        }
        resp->set_next_page_token(EncodeToken(page.next, fp));
        return absl::OkStatus();
      });
}

}  // namespace csm::customer::app
