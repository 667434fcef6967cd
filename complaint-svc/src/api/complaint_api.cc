#include "complaint-svc/src/api/complaint_api.h"

#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "common/business_time.h"
#include "common/etag.h"
#include "common/filter.h"
#include "common/idempotency.h"
#include "common/paging.h"
#include "common/personal_text.h"
#include "common/resource_id.h"
#include "common/status.h"
#include "complaint-svc/src/api/text_fields.h"
#include "complaint-svc/src/domain/complaint_access.h"
#include "complaint-svc/src/domain/complaint_number.h"
#include "complaint-svc/src/domain/complaint_snapshot.h"
#include "complaint-svc/src/domain/linking.h"
#include "csm/events/v1/complaint_events.pb.h"

namespace csm::complaint {
namespace {

namespace ev = ::csm::events::v1;
using csm::common::v1::Satisfaction;

constexpr RoleSet kReaders = RoleSet::All();
constexpr RoleSet kRegistrars{Role::kAgent, Role::kSupervisor, Role::kManager,
                              Role::kService};
// Staff who register with the customer's own channel and report faults.
constexpr RoleSet kStaff{Role::kAgent, Role::kSupervisor, Role::kManager};
// A fault report belongs to no department (a major fault spans them): its
// analysis is a management document.
constexpr RoleSet kFaultAnalysts{Role::kSupervisor, Role::kManager};

// The role gate of a transition's method: the roles its duty admits in some
// relation (complaint_access.h); the relation is checked on the complaint.
RoleSet RolesOf(ComplaintAction action) { return RolesFor(DutyOf(action)); }

bool ValidSatisfaction(Satisfaction s) {
  return csm::common::v1::Satisfaction_IsValid(s) &&
         s != csm::common::v1::SATISFACTION_UNSPECIFIED;
}

// The customer-svc answer mapped to this service's errors (see the header).
absl::Status CustomerLookupError(const absl::Status& s,
                                 absl::string_view customer) {
  switch (s.code()) {
    case absl::StatusCode::kNotFound:
      return absl::FailedPreconditionError(
          absl::StrCat("customer ", customer,
                       " does not exist in customer-svc; create the archive "
                       "first; nothing was registered"));
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kResourceExhausted:
      return absl::UnavailableError(absl::StrCat(
          "customer-svc is unavailable; nothing was registered; retry (",
          s.message(), ")"));
    default:
      return absl::InternalError(
          absl::StrCat("customer-svc refused the lookup of ", customer,
                       "; nothing was registered: ", s.message()));
  }
}

FieldViolations ValidateNewComplaint(const v1::Complaint& c,
                                     const CallContext& call) {
  FieldViolations v;
  absl::string_view customer = c.customer();
  int64_t id = 0;
  if (!absl::ConsumePrefix(&customer, "customers/") ||
      !absl::SimpleAtoi(customer, &id) || id <= 0) {
    v.Add("complaint.customer", "required: customers/{id} of customer-svc");
  }
  if (!IsValidResourceId(c.category())) {
    v.Add("complaint.category",
          "required: a category id of [a-z0-9-]{1,63}, e.g. quality");
  }
  if (!v1::Severity_IsValid(c.severity()) ||
      c.severity() == v1::SEVERITY_UNSPECIFIED) {
    v.Add("complaint.severity",
          "required: SEVERITY_NORMAL, SEVERITY_MAJOR or SEVERITY_CRITICAL");
  }
  if (!v1::ComplaintChannel_IsValid(c.channel()) ||
      c.channel() == v1::COMPLAINT_CHANNEL_UNSPECIFIED) {
    v.Add("complaint.channel", "required: how the complaint came in");
  } else {
    const bool service_only = call.principal.roles.Has(Role::kService) &&
                              !call.principal.roles.Intersects(kStaff);
    if (service_only && c.channel() != v1::COMPLAINT_CHANNEL_SERVICE) {
      v.Add("complaint.channel",
            "a service account registers with COMPLAINT_CHANNEL_SERVICE");
    } else if (!service_only && c.channel() == v1::COMPLAINT_CHANNEL_SERVICE) {
      v.Add("complaint.channel",
            "COMPLAINT_CHANNEL_SERVICE is for service accounts; staff give "
            "the channel the customer used");
    }
  }
  RequireText(v, "complaint.subject", c.subject(), limits::kSubject);
  RequireText(v, "complaint.description", c.description(),
              limits::kDescription);
  OptionalText(v, "complaint.customer_request", c.customer_request(),
               limits::kCustomerRequest);
  OptionalText(v, "complaint.matter_reference", c.matter_reference(),
               limits::kMatterReference);
  return v;
}

}  // namespace

DeadlineParty HolderOf(const v1::Complaint& c) {
  return {c.handler_id(), c.handling_department()};
}

DeadlineParty MeetingParty(const CallContext& call, const v1::Complaint& c) {
  return {call.principal.staff_id, c.handling_department()};
}

namespace {

std::string SeverityWord(v1::Severity s) {
  absl::string_view name = v1::Severity_Name(s);
  absl::ConsumePrefix(&name, "SEVERITY_");
  return absl::AsciiStrToLower(name);
}

}  // namespace

ComplaintApi::ComplaintApi(MysqlPool* pool, Outbox* outbox, RpcRuntime* runtime,
                           CustomerDirectory* customers, ConfigStore* config)
    : pool_(pool),
      outbox_(outbox),
      runtime_(runtime),
      customers_(customers),
      config_(config) {}

// ------------------------------------------------------------ registration

grpc::Status ComplaintApi::RegisterComplaint(
    grpc::ServerContext* ctx, const v1::RegisterComplaintRequest* req,
    v1::RegisterComplaintResponse* resp) {
  return runtime_->Handle(
      ctx, "RegisterComplaint", kRegistrars,
      [&](const CallContext& call) { return DoRegister(call, *req, resp); });
}

absl::Status ComplaintApi::DoRegister(const CallContext& call,
                                      const v1::RegisterComplaintRequest& req,
                                      v1::RegisterComplaintResponse* resp) {
  const v1::Complaint& in = req.complaint();
  CSM_RETURN_IF_ERROR(ValidateNewComplaint(in, call).ToStatus());
  int64_t customer_id = 0;
  (void)absl::SimpleAtoi(absl::StripPrefix(in.customer(), "customers/"),
                         &customer_id);  // validated above

  // Cheap checks first, so that bad input never waits on customer-svc.
  CSM_RETURN_IF_ERROR(RunWithConnection(
      *pool_, call.deadline, [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(auto category,
                             config_->GetCategory(conn, in.category()));
        if (!category.has_value()) {
          return InvalidField("complaint.category",
                              absl::StrCat("no category '", in.category(),
                                           "'; see ListCategories"));
        }
        if (!category->active()) {
          return absl::FailedPreconditionError(absl::StrCat(
              "category ", in.category(),
              " is not active; choose another or ask an archivist"));
        }
        return absl::OkStatus();
      }));

  // The remote call, with no connection held.
  absl::StatusOr<CustomerFacts> facts =
      customers_->Lookup(in.customer(), call.deadline);
  if (!facts.ok()) return CustomerLookupError(facts.status(), in.customer());
  if (!facts->open) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the archive of customer ", in.customer(), " (", facts->display_name,
        ") is closed; reopen it in customer-svc before registering a "
        "complaint"));
  }

  return RunMutation(
      *pool_, *outbox_, call, req.request_id(), req, resp,
      [&](MysqlConnection& conn) -> absl::Status {
        resp->Clear();
        const absl::Time now = call.start;
        CSM_ASSIGN_OR_RETURN(std::shared_ptr<const BusinessCalendar> cal,
                             config_->Calendar(conn));
        const SlaClock clock(cal.get());

        // Same matter? The customer lock serialises this customer's
        // registrations; the open complaints are locked as well.
        CSM_RETURN_IF_ERROR(store_.LockCustomer(conn, customer_id));
        CSM_ASSIGN_OR_RETURN(std::vector<OpenComplaintFacts> open,
                             store_.LockOpenComplaintsOf(conn, customer_id));
        NewRegistrationFacts reg{in.category(), in.subject(),
                                 in.matter_reference()};
        std::optional<SameMatter> same = FindSameMatter(reg, open, now);
        if (same.has_value()) {
          CSM_ASSIGN_OR_RETURN(ComplaintRecord r,
                               store_.GetComplaint(conn, same->id, true));
          r.complaint.set_repeat_contacts(r.complaint.repeat_contacts() + 1);
          CSM_RETURN_IF_ERROR(store_.UpdateComplaint(conn, &r, now));
          CSM_RETURN_IF_ERROR(store_.InsertStep(
              conn, r.id, "link", r.complaint.state(), r.complaint.state(),
              call.principal.staff_id, call.principal.department,
              absl::StrCat("the customer came back about the same matter (",
                           same->reason, ") by ",
                           v1::ComplaintChannel_Name(in.channel()), ": ",
                           in.subject()),
              now));
          CSM_ASSIGN_OR_RETURN(ComplaintRecord fresh,
                               store_.GetComplaint(conn, r.id, false));
          ev::ComplaintLinked linked;
          *linked.mutable_complaint() = SnapshotOf(fresh.complaint);
          linked.set_reason(same->reason);
          CSM_RETURN_IF_ERROR(
              outbox_->Append(conn, call, fresh.complaint.name(), linked));
          *resp->mutable_complaint() = std::move(fresh.complaint);
          resp->set_linked_to_open_complaint(true);
          resp->set_link_reason(same->reason);
          return absl::OkStatus();
        }

        CSM_ASSIGN_OR_RETURN(auto category,
                             config_->GetCategory(conn, in.category()));
        if (!category.has_value() || !category->active()) {
          return absl::FailedPreconditionError(absl::StrCat(
              "category ", in.category(), " was removed or deactivated"));
        }
        CSM_ASSIGN_OR_RETURN(std::vector<v1::SlaPolicy> policies,
                             config_->ListSlaPolicies(conn));

        ComplaintRecord r;
        r.customer_id = customer_id;
        r.normalized_subject = NormalizeSubject(in.subject());
        r.normalized_matter_reference =
            NormalizeMatterReference(in.matter_reference());
        v1::Complaint& c = r.complaint;
        c.set_customer(in.customer());
        c.set_customer_display_name(facts->display_name);
        c.set_customer_grade(facts->grade);
        c.set_customer_owner_id(facts->owner_id);
        c.set_channel(in.channel());
        c.set_category(in.category());
        c.set_severity(in.severity());
        c.set_subject(in.subject());
        c.set_description(in.description());
        c.set_customer_request(in.customer_request());
        c.set_matter_reference(in.matter_reference());
        c.set_state(v1::COMPLAINT_STATE_REGISTERED);
        c.set_first_responder_id(call.principal.staff_id);
        c.set_first_responder_department(call.principal.department);
        c.set_handling_department(category->handling_department());
        r.sla = clock.Start(now, ResolveSlaTerms(policies, in.category(),
                                                 in.severity(), facts->grade));
        CSM_ASSIGN_OR_RETURN(
            int64_t seq,
            store_.NextComplaintSequence(conn, ComplaintNumberPeriod(now)));
        c.set_complaint_number(FormatComplaintNumber(now, seq));
        CSM_RETURN_IF_ERROR(store_.InsertComplaint(conn, &r, now));
        CSM_RETURN_IF_ERROR(store_.ChargeDepartment(
            conn, r.id, c.handling_department(), DepartmentCharge{}, now));
        CSM_RETURN_IF_ERROR(store_.InsertStep(
            conn, r.id, "register", v1::COMPLAINT_STATE_UNSPECIFIED,
            v1::COMPLAINT_STATE_REGISTERED, call.principal.staff_id,
            call.principal.department,
            absl::StrCat("routed to ", c.handling_department(), "; SLA ",
                         r.sla.terms.policy),
            now));
        const bool notify_gm =
            EscalationLadder::NotifiesGeneralManagerAtRegistration(
                c.severity());
        if (notify_gm) {
          CSM_RETURN_IF_ERROR(store_.InsertStep(
              conn, r.id, "notify_general_manager",
              v1::COMPLAINT_STATE_REGISTERED, v1::COMPLAINT_STATE_REGISTERED,
              "system", "",
              absl::StrCat(SeverityWord(c.severity()),
                           " complaint reported to the general manager at "
                           "once (重大事项立即向总经理汇报)"),
              now));
        }
        CSM_ASSIGN_OR_RETURN(ComplaintRecord fresh,
                             store_.GetComplaint(conn, r.id, false));
        const ev::ComplaintSnapshot snapshot = SnapshotOf(fresh.complaint);
        ev::ComplaintRegistered registered;
        *registered.mutable_complaint() = snapshot;
        CSM_RETURN_IF_ERROR(
            outbox_->Append(conn, call, fresh.complaint.name(), registered));
        if (notify_gm) {
          ev::GeneralManagerNotified gm;
          *gm.mutable_complaint() = snapshot;
          gm.set_reason(absl::StrCat(SeverityWord(c.severity()),
                                     " complaint registered"));
          CSM_RETURN_IF_ERROR(
              outbox_->Append(conn, call, fresh.complaint.name(), gm));
        }
        *resp->mutable_complaint() = std::move(fresh.complaint);
        return absl::OkStatus();
      });
}

// ------------------------------------------------------------------ reads

grpc::Status ComplaintApi::GetComplaint(grpc::ServerContext* ctx,
                                        const v1::GetComplaintRequest* req,
                                        v1::Complaint* resp) {
  return runtime_->Handle(
      ctx, "GetComplaint", kReaders,
      [&](const CallContext& call) { return DoGet(call, *req, resp); });
}

absl::Status ComplaintApi::DoGet(const CallContext& call,
                                 const v1::GetComplaintRequest& req,
                                 v1::Complaint* resp) {
  CSM_ASSIGN_OR_RETURN(int64_t id,
                       ComplaintStore::ParseComplaintName(req.name(), "name"));
  return RunWithConnection(
      *pool_, call.deadline, [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(ComplaintRecord r,
                             store_.GetComplaint(conn, id, false));
        *resp = std::move(r.complaint);
        return absl::OkStatus();
      });
}

grpc::Status ComplaintApi::ListComplaints(grpc::ServerContext* ctx,
                                          const v1::ListComplaintsRequest* req,
                                          v1::ListComplaintsResponse* resp) {
  return runtime_->Handle(
      ctx, "ListComplaints", kReaders,
      [&](const CallContext& call) { return DoList(call, *req, resp); });
}

absl::Status ComplaintApi::DoList(const CallContext& call,
                                  const v1::ListComplaintsRequest& req,
                                  v1::ListComplaintsResponse* resp) {
  static const std::set<std::string> kFilterFields = {"state",
                                                      "customer",
                                                      "category",
                                                      "severity",
                                                      "handling_department",
                                                      "handler_id",
                                                      "first_responder_id",
                                                      "escalation_level",
                                                      "overdue",
                                                      "create_time",
                                                      "channel",
                                                      "complaint_number"};
  ComplaintListQuery query;
  CSM_ASSIGN_OR_RETURN(query.limit, ResolvePageSize(req.page_size()));
  CSM_ASSIGN_OR_RETURN(query.filter, ParseFilter(req.filter(), kFilterFields));
  if (req.order_by().empty() || req.order_by() == "create_time") {
    query.newest_first = false;
  } else if (req.order_by() == "create_time desc") {
    query.newest_first = true;
  } else {
    return InvalidField("order_by",
                        absl::StrCat("'", req.order_by(),
                                     "' is not supported; use create_time or "
                                     "create_time desc"));
  }
  query.now = call.start;
  const std::string fingerprint =
      absl::StrCat("complaints|", req.filter(), "|", req.order_by());
  CSM_ASSIGN_OR_RETURN(query.after, DecodeToken(req.page_token(), fingerprint));
  return RunWithConnection(
      *pool_, call.deadline, [&](MysqlConnection& conn) -> absl::Status {
        resp->Clear();
        CSM_ASSIGN_OR_RETURN(Page<v1::Complaint> page,
                             store_.ListComplaints(conn, query));
        for (v1::Complaint& c : page.items) {
          *resp->add_complaints() = std::move(c);
        }
        resp->set_next_page_token(EncodeToken(page.next, fingerprint));
        return absl::OkStatus();
      });
}

grpc::Status ComplaintApi::ListComplaintSteps(
    grpc::ServerContext* ctx, const v1::ListComplaintStepsRequest* req,
    v1::ListComplaintStepsResponse* resp) {
  return runtime_->Handle(
      ctx, "ListComplaintSteps", kReaders,
      [&](const CallContext& call) { return DoListSteps(call, *req, resp); });
}

absl::Status ComplaintApi::DoListSteps(const CallContext& call,
                                       const v1::ListComplaintStepsRequest& req,
                                       v1::ListComplaintStepsResponse* resp) {
  CSM_ASSIGN_OR_RETURN(
      int64_t id, ComplaintStore::ParseComplaintName(req.parent(), "parent"));
  CSM_ASSIGN_OR_RETURN(int limit, ResolvePageSize(req.page_size(), 100, 500));
  const std::string fingerprint = absl::StrCat("steps|", req.parent());
  CSM_ASSIGN_OR_RETURN(auto after, DecodeToken(req.page_token(), fingerprint));
  return RunWithConnection(
      *pool_, call.deadline, [&](MysqlConnection& conn) -> absl::Status {
        resp->Clear();
        CSM_ASSIGN_OR_RETURN(bool exists, store_.ComplaintExists(conn, id));
        if (!exists) {
          return absl::NotFoundError(
              absl::StrCat("complaint ", req.parent(), " does not exist"));
        }
        CSM_ASSIGN_OR_RETURN(Page<v1::ComplaintStep> page,
                             store_.ListSteps(conn, id, after, limit));
        for (v1::ComplaintStep& s : page.items) {
          *resp->add_steps() = std::move(s);
        }
        resp->set_next_page_token(EncodeToken(page.next, fingerprint));
        return absl::OkStatus();
      });
}

// ------------------------------------------------------------ transitions

absl::Status ComplaintApi::Transition(
    const CallContext& call, const google::protobuf::Message& req,
    absl::string_view name, absl::string_view etag,
    absl::string_view request_id, ComplaintAction action, bool dissatisfied,
    v1::Complaint* resp,
    const std::function<absl::Status(TransitionScope&)>& apply) {
  CSM_ASSIGN_OR_RETURN(int64_t id,
                       ComplaintStore::ParseComplaintName(name, "name"));
  CSM_ASSIGN_OR_RETURN(const int64_t expected, ParseEtag(etag, "etag"));
  return RunMutation(
      *pool_, *outbox_, call, request_id, req, resp,
      [&](MysqlConnection& conn) -> absl::Status {
        const absl::Time now = call.start;
        CSM_ASSIGN_OR_RETURN(ComplaintRecord r,
                             store_.GetComplaint(conn, id, /*lock=*/true));
        // Who may, before anything else is looked at or written.
        CSM_RETURN_IF_ERROR(CheckMayAct(
            call.principal, ComplaintParties::Of(r.complaint),
            r.complaint.name(), ActionName(action), DutyOf(action)));
        CSM_RETURN_IF_ERROR(CheckEtag(r.complaint.name(), r.version, expected));
        const v1::ComplaintState from = r.complaint.state();
        CSM_ASSIGN_OR_RETURN(
            v1::ComplaintState to,
            ComplaintStateMachine::Apply(from, action, dissatisfied));
        CSM_ASSIGN_OR_RETURN(std::shared_ptr<const BusinessCalendar> cal,
                             config_->Calendar(conn));
        const SlaClock clock(cal.get());
        const EscalationLadder ladder(cal.get());

        // Deadlines that passed since the sweep last looked are breaches of
        // the department holding the complaint now, before this call moves
        // it anywhere.
        const SlaState before = r.sla;
        if (ComplaintStateMachine::SlaRunning(from)) {
          DepartmentCharge charge;
          for (v1::DeadlineKind kind :
               clock.MarkBreaches(&r.sla, now, HolderOf(r.complaint))) {
            ladder.OnBreach(&r.sla, kind, r.sla.deadline(kind).due);
            charge.MarkBreached(kind);
          }
          if (charge.any_breach()) {
            CSM_RETURN_IF_ERROR(store_.ChargeDepartment(
                conn, r.id, r.complaint.handling_department(), charge, now));
          }
        }

        TransitionScope scope{conn, call, r, clock, ladder, from, to, "", {}};
        CSM_RETURN_IF_ERROR(apply(scope));
        // Breaches first: they happened before (or at) what the call did.
        std::vector<std::unique_ptr<google::protobuf::Message>> events;
        for (ev::ComplaintDeadlineBreached& b : NewBreaches(before, r.sla)) {
          events.push_back(
              std::make_unique<ev::ComplaintDeadlineBreached>(std::move(b)));
        }
        for (auto& e : scope.events) events.push_back(std::move(e));
        r.complaint.set_state(to);
        ladder.StopIfSettled(&r.sla);
        CSM_RETURN_IF_ERROR(store_.UpdateComplaint(conn, &r, now));
        CSM_RETURN_IF_ERROR(store_.InsertStep(
            conn, r.id, ActionName(action), from, to, call.principal.staff_id,
            call.principal.department, scope.note, now));
        CSM_ASSIGN_OR_RETURN(ComplaintRecord fresh,
                             store_.GetComplaint(conn, r.id, false));
        const ev::ComplaintSnapshot snapshot = SnapshotOf(fresh.complaint);
        for (auto& event : events) {
          AttachSnapshot(snapshot, event.get());
          CSM_RETURN_IF_ERROR(
              outbox_->Append(conn, call, fresh.complaint.name(), *event));
        }
        *resp = std::move(fresh.complaint);
        return absl::OkStatus();
      });
}

// The generic "state changed" event of accept, start, wait, resume, reopen,
// reassign and reclassify.
void AddStateChanged(TransitionScope& s, ComplaintAction action) {
  auto* e = AddEvent<ev::ComplaintStateChanged>(s);
  e->set_action(std::string(ActionName(action)));
  e->set_from_state(v1::ComplaintState_Name(s.from));
  e->set_to_state(v1::ComplaintState_Name(s.to));
  e->set_note(s.note);
}

grpc::Status ComplaintApi::AcceptComplaint(
    grpc::ServerContext* ctx, const v1::AcceptComplaintRequest* req,
    v1::Complaint* resp) {
  return runtime_->Handle(
      ctx, "AcceptComplaint", RolesOf(ComplaintAction::kAccept),
      [&](const CallContext& call) {
        return Transition(
            call, *req, req->name(), req->etag(), req->request_id(),
            ComplaintAction::kAccept, false, resp,
            [&](TransitionScope& s) -> absl::Status {
              s.record.complaint.set_handler_id(call.principal.staff_id);
              // 受理 meets the acknowledge deadline (the first time).
              s.clock.Meet(&s.record.sla, v1::DEADLINE_KIND_ACKNOWLEDGE,
                           call.start, MeetingParty(call, s.record.complaint),
                           HolderOf(s.record.complaint));
              s.note =
                  absl::StrCat("accepted by ", call.principal.staff_id, " for ",
                               s.record.complaint.handling_department());
              AddStateChanged(s, ComplaintAction::kAccept);
              return absl::OkStatus();
            });
      });
}

grpc::Status ComplaintApi::TransferComplaint(
    grpc::ServerContext* ctx, const v1::TransferComplaintRequest* req,
    v1::Complaint* resp) {
  return runtime_->Handle(
      ctx, "TransferComplaint", RolesOf(ComplaintAction::kTransfer),
      [&](const CallContext& call) {
        FieldViolations v;
        RequireText(v, "to_department", req->to_department(),
                    limits::kDepartment);
        OptionalText(v, "to_staff_id", req->to_staff_id(), limits::kStaffId);
        RequireText(v, "reason", req->reason(), limits::kReason);
        CSM_RETURN_IF_ERROR(v.ToStatus());
        return Transition(
            call, *req, req->name(), req->etag(), req->request_id(),
            ComplaintAction::kTransfer, false, resp,
            [&](TransitionScope& s) -> absl::Status {
              v1::Complaint& c = s.record.complaint;
              const std::string from_department = c.handling_department();
              const std::string from_handler = c.handler_id();
              if (req->to_department() == from_department &&
                  req->to_staff_id().empty()) {
                return InvalidField(
                    "to_department",
                    absl::StrCat(c.name(), " is already with ", from_department,
                                 "; name a colleague or use reassign"));
              }
              DepartmentCharge held;
              held.held = s.clock.EndHolding(&s.record.sla, call.start);
              CSM_RETURN_IF_ERROR(store_.ChargeDepartment(
                  s.conn, s.record.id, from_department, held, call.start));
              CSM_RETURN_IF_ERROR(store_.ChargeDepartment(
                  s.conn, s.record.id, req->to_department(), DepartmentCharge{},
                  call.start));
              c.set_handling_department(req->to_department());
              c.set_handler_id(req->to_staff_id());
              s.note = absl::StrCat(
                  from_department, " → ", req->to_department(),
                  req->to_staff_id().empty()
                      ? ""
                      : absl::StrCat(" (", req->to_staff_id(), ")"),
                  ": ", req->reason());
              auto* e = AddEvent<ev::ComplaintTransferred>(s);
              e->set_from_department(from_department);
              e->set_to_department(req->to_department());
              e->set_to_staff_id(req->to_staff_id());
              e->set_reason(req->reason());
              e->set_from_department_working_minutes(WholeMinutes(held.held));
              e->set_from_handler_id(from_handler);
              return absl::OkStatus();
            });
      });
}

grpc::Status ComplaintApi::StartHandling(grpc::ServerContext* ctx,
                                         const v1::StartHandlingRequest* req,
                                         v1::Complaint* resp) {
  return runtime_->Handle(
      ctx, "StartHandling", RolesOf(ComplaintAction::kStart),
      [&](const CallContext& call) {
        return Transition(
            call, *req, req->name(), req->etag(), req->request_id(),
            ComplaintAction::kStart, false, resp,
            [&](TransitionScope& s) -> absl::Status {
              if (s.record.complaint.handler_id().empty()) {
                s.record.complaint.set_handler_id(call.principal.staff_id);
              }
              if (s.from == v1::COMPLAINT_STATE_REOPENED) {
                // Handling again: the department's holding restarts now.
                s.record.sla.holding_since = call.start;
                s.record.sla.holding_paused = absl::ZeroDuration();
              }
              s.note =
                  absl::StrCat("handled by ", s.record.complaint.handler_id());
              AddStateChanged(s, ComplaintAction::kStart);
              return absl::OkStatus();
            });
      });
}

grpc::Status ComplaintApi::WaitForCustomer(
    grpc::ServerContext* ctx, const v1::WaitForCustomerRequest* req,
    v1::Complaint* resp) {
  return runtime_->Handle(
      ctx, "WaitForCustomer", RolesOf(ComplaintAction::kWaitForCustomer),
      [&](const CallContext& call) {
        CSM_RETURN_IF_ERROR([&] {
          FieldViolations v;
          RequireText(v, "reason", req->reason(), limits::kReason);
          return v.ToStatus();
        }());
        return Transition(
            call, *req, req->name(), req->etag(), req->request_id(),
            ComplaintAction::kWaitForCustomer, false, resp,
            [&](TransitionScope& s) -> absl::Status {
              s.clock.Pause(&s.record.sla, call.start);
              s.note = absl::StrCat("SLA clock stopped: ", req->reason());
              AddStateChanged(s, ComplaintAction::kWaitForCustomer);
              return absl::OkStatus();
            });
      });
}

grpc::Status ComplaintApi::ResumeHandling(grpc::ServerContext* ctx,
                                          const v1::ResumeHandlingRequest* req,
                                          v1::Complaint* resp) {
  return runtime_->Handle(
      ctx, "ResumeHandling", RolesOf(ComplaintAction::kResume),
      [&](const CallContext& call) {
        return Transition(
            call, *req, req->name(), req->etag(), req->request_id(),
            ComplaintAction::kResume, false, resp,
            [&](TransitionScope& s) -> absl::Status {
              const absl::Duration paused =
                  s.clock.Resume(&s.record.sla, call.start);
              s.note = absl::StrCat(
                  "SLA clock resumed after ", WholeMinutes(paused),
                  " working minutes; unmet deadlines moved by as much");
              AddStateChanged(s, ComplaintAction::kResume);
              return absl::OkStatus();
            });
      });
}

grpc::Status ComplaintApi::ResolveComplaint(
    grpc::ServerContext* ctx, const v1::ResolveComplaintRequest* req,
    v1::Complaint* resp) {
  return runtime_->Handle(
      ctx, "ResolveComplaint", RolesOf(ComplaintAction::kResolve),
      [&](const CallContext& call) {
        FieldViolations v;
        const v1::Resolution& res = req->resolution();
        RequireText(v, "resolution.cause_analysis", res.cause_analysis(),
                    limits::kResolutionText);
        RequireText(v, "resolution.immediate_fix", res.immediate_fix(),
                    limits::kResolutionText);
        RequireText(v, "resolution.corrective_action", res.corrective_action(),
                    limits::kResolutionText);
        if (!v1::Responsibility_IsValid(res.responsibility()) ||
            res.responsibility() == v1::RESPONSIBILITY_UNSPECIFIED) {
          v.Add("resolution.responsibility",
                "required: RESPONSIBILITY_COMPANY, RESPONSIBILITY_CUSTOMER or "
                "RESPONSIBILITY_THIRD_PARTY");
        }
        CSM_RETURN_IF_ERROR(v.ToStatus());
        return Transition(
            call, *req, req->name(), req->etag(), req->request_id(),
            ComplaintAction::kResolve, false, resp,
            [&](TransitionScope& s) -> absl::Status {
              v1::Complaint& c = s.record.complaint;
              SlaState& sla = s.record.sla;
              // 处理意见 meets the handling-opinion deadline, and the
              // acknowledge and investigated ones if still open (a
              // resolution holds the cause analysis). A breach this
              // meeting marks (late) is the resolving department's; one
              // marked before was charged to its holder then.
              DepartmentCharge held;
              for (v1::DeadlineKind kind :
                   {v1::DEADLINE_KIND_ACKNOWLEDGE,
                    v1::DEADLINE_KIND_INVESTIGATED,
                    v1::DEADLINE_KIND_HANDLING_OPINION}) {
                if (s.clock.Meet(&sla, kind, call.start, MeetingParty(call, c),
                                 HolderOf(c))) {
                  held.MarkBreached(kind);
                }
              }
              held.held = s.clock.EndHolding(&sla, call.start);
              CSM_RETURN_IF_ERROR(store_.ChargeDepartment(
                  s.conn, s.record.id, c.handling_department(), held,
                  call.start));
              v1::Resolution* out = c.mutable_resolution();
              *out = res;
              out->set_resolver_id(call.principal.staff_id);
              out->set_resolving_department(c.handling_department());
              ToProtoTimestamp(call.start, out->mutable_resolve_time());
              s.note = absl::StrCat(
                  v1::Responsibility_Name(res.responsibility()), "; tell ",
                  c.first_responder_id(), " (first responder) the outcome");
              auto* e = AddEvent<ev::ComplaintResolved>(s);
              e->set_responsibility(
                  v1::Responsibility_Name(res.responsibility()));
              e->set_handling_working_minutes(
                  WholeMinutes(s.clock.HandlingTime(sla, call.start)));
              e->set_handling_opinion_on_time(!sla.handling_opinion.breached);
              e->set_notify_first_responder_id(c.first_responder_id());
              e->set_resolving_department_working_minutes(
                  WholeMinutes(held.held));
              return absl::OkStatus();
            });
      });
}

grpc::Status ComplaintApi::ConfirmComplaint(
    grpc::ServerContext* ctx, const v1::ConfirmComplaintRequest* req,
    v1::Complaint* resp) {
  return runtime_->Handle(
      ctx, "ConfirmComplaint", RolesOf(ComplaintAction::kConfirm),
      [&](const CallContext& call) {
        FieldViolations v;
        if (!ValidSatisfaction(req->satisfaction())) {
          v.Add("satisfaction",
                "required: the customer's satisfaction on the 5-point scale");
        }
        OptionalText(v, "customer_feedback", req->customer_feedback(),
                     limits::kCustomerFeedback);
        CSM_RETURN_IF_ERROR(v.ToStatus());
        const bool dissatisfied = IsDissatisfied(req->satisfaction());
        return Transition(
            call, *req, req->name(), req->etag(), req->request_id(),
            ComplaintAction::kConfirm, dissatisfied, resp,
            [&](TransitionScope& s) -> absl::Status {
              v1::Complaint& c = s.record.complaint;
              c.set_satisfaction(req->satisfaction());
              c.set_customer_feedback(req->customer_feedback());
              if (dissatisfied) {
                c.set_reopen_count(c.reopen_count() + 1);
                s.record.sla.holding_since = call.start;
                s.record.sla.holding_paused = absl::ZeroDuration();
              }
              s.note = absl::StrCat(
                  Satisfaction_Name(req->satisfaction()),
                  dissatisfied ? "; the customer is dissatisfied: reopened"
                               : "",
                  req->customer_feedback().empty() ? "" : ": ",
                  req->customer_feedback());
              auto* e = AddEvent<ev::ComplaintConfirmed>(s);
              e->set_satisfaction(req->satisfaction());
              e->set_reopened(dissatisfied);
              e->set_customer_feedback(EventText(req->customer_feedback()));
              return absl::OkStatus();
            });
      });
}

grpc::Status ComplaintApi::CloseComplaint(grpc::ServerContext* ctx,
                                          const v1::CloseComplaintRequest* req,
                                          v1::Complaint* resp) {
  return runtime_->Handle(
      ctx, "CloseComplaint", RolesOf(ComplaintAction::kClose),
      [&](const CallContext& call) {
        static const std::set<std::string> kMethods = {"phone", "email",
                                                       "face_to_face", "sms"};
        FieldViolations v;
        const v1::ComplaintReturnVisit& rv = req->return_visit();
        if (!kMethods.contains(rv.method())) {
          v.Add("return_visit.method",
                "required: phone, email, face_to_face or sms");
        }
        if (!ValidSatisfaction(rv.satisfaction())) {
          v.Add("return_visit.satisfaction",
                "required: the customer's satisfaction at the return visit");
        }
        OptionalText(v, "return_visit.notes", rv.notes(),
                     limits::kReturnVisitNotes);
        CSM_RETURN_IF_ERROR(v.ToStatus());
        return Transition(
            call, *req, req->name(), req->etag(), req->request_id(),
            ComplaintAction::kClose, false, resp,
            [&](TransitionScope& s) -> absl::Status {
              v1::Complaint& c = s.record.complaint;
              v1::ComplaintReturnVisit* out = c.mutable_return_visit();
              *out = rv;
              out->set_staff_id(call.principal.staff_id);
              ToProtoTimestamp(call.start, out->mutable_visit_time());
              ToProtoTimestamp(call.start, c.mutable_close_time());
              s.note = absl::StrCat("return visit by ", rv.method(), ": ",
                                    Satisfaction_Name(rv.satisfaction()));
              auto* e = AddEvent<ev::ComplaintClosed>(s);
              e->set_return_visit_satisfaction(rv.satisfaction());
              e->set_return_visit_method(rv.method());
              e->set_return_visit_notes(EventText(rv.notes()));
              return absl::OkStatus();
            });
      });
}

grpc::Status ComplaintApi::ReopenComplaint(
    grpc::ServerContext* ctx, const v1::ReopenComplaintRequest* req,
    v1::Complaint* resp) {
  return runtime_->Handle(
      ctx, "ReopenComplaint", RolesOf(ComplaintAction::kReopen),
      [&](const CallContext& call) {
        CSM_RETURN_IF_ERROR([&] {
          FieldViolations v;
          RequireText(v, "reason", req->reason(), limits::kReason);
          return v.ToStatus();
        }());
        return Transition(call, *req, req->name(), req->etag(),
                          req->request_id(), ComplaintAction::kReopen, false,
                          resp, [&](TransitionScope& s) -> absl::Status {
                            v1::Complaint& c = s.record.complaint;
                            c.set_reopen_count(c.reopen_count() + 1);
                            c.clear_close_time();
                            s.record.sla.holding_since = call.start;
                            s.record.sla.holding_paused = absl::ZeroDuration();
                            s.note = req->reason();
                            AddStateChanged(s, ComplaintAction::kReopen);
                            return absl::OkStatus();
                          });
      });
}

grpc::Status ComplaintApi::RejectComplaint(
    grpc::ServerContext* ctx, const v1::RejectComplaintRequest* req,
    v1::Complaint* resp) {
  return runtime_->Handle(
      ctx, "RejectComplaint", RolesOf(ComplaintAction::kReject),
      [&](const CallContext& call) {
        FieldViolations v;
        if (!v1::RejectionKind_IsValid(req->kind()) ||
            req->kind() == v1::REJECTION_KIND_UNSPECIFIED) {
          v.Add("kind",
                "required: REJECTION_KIND_INVALID or "
                "REJECTION_KIND_DUPLICATE");
        }
        RequireText(v, "reason", req->reason(), limits::kReason);
        int64_t duplicate_of = 0;
        if (req->kind() == v1::REJECTION_KIND_DUPLICATE) {
          auto id = ComplaintStore::ParseComplaintName(req->duplicate_of(),
                                                       "duplicate_of");
          if (!id.ok()) {
            v.Add("duplicate_of",
                  "required for duplicates: complaints/{id} of the complaint "
                  "it duplicates");
          } else {
            duplicate_of = *id;
          }
        } else if (!req->duplicate_of().empty()) {
          v.Add("duplicate_of", "only for REJECTION_KIND_DUPLICATE");
        }
        CSM_RETURN_IF_ERROR(v.ToStatus());
        return Transition(
            call, *req, req->name(), req->etag(), req->request_id(),
            ComplaintAction::kReject, false, resp,
            [&](TransitionScope& s) -> absl::Status {
              v1::Complaint& c = s.record.complaint;
              if (duplicate_of != 0) {
                if (duplicate_of == s.record.id) {
                  return InvalidField("duplicate_of",
                                      "a complaint cannot duplicate itself");
                }
                CSM_ASSIGN_OR_RETURN(
                    bool exists, store_.ComplaintExists(s.conn, duplicate_of));
                if (!exists) {
                  return InvalidField(
                      "duplicate_of",
                      absl::StrCat(req->duplicate_of(), " does not exist"));
                }
                s.record.duplicate_of_id = duplicate_of;
                c.set_duplicate_of(req->duplicate_of());
              }
              c.set_rejection_kind(req->kind());
              c.set_rejection_reason(req->reason());
              s.note = absl::StrCat(v1::RejectionKind_Name(req->kind()), ": ",
                                    req->reason());
              auto* e = AddEvent<ev::ComplaintRejected>(s);
              e->set_kind(v1::RejectionKind_Name(req->kind()));
              e->set_duplicate_of(req->duplicate_of());
              return absl::OkStatus();
            });
      });
}

grpc::Status ComplaintApi::ReclassifyComplaint(
    grpc::ServerContext* ctx, const v1::ReclassifyComplaintRequest* req,
    v1::Complaint* resp) {
  return runtime_->Handle(
      ctx, "ReclassifyComplaint", RolesOf(ComplaintAction::kReclassify),
      [&](const CallContext& call) {
        FieldViolations v;
        if (req->category().empty() &&
            req->severity() == v1::SEVERITY_UNSPECIFIED) {
          v.Add("category", "give a new category, a new severity, or both");
        }
        if (!req->category().empty() && !IsValidResourceId(req->category())) {
          v.Add("category", "a category id of [a-z0-9-]{1,63}");
        }
        if (!v1::Severity_IsValid(req->severity())) {
          v.Add("severity", "unknown severity");
        }
        RequireText(v, "reason", req->reason(), limits::kReason);
        CSM_RETURN_IF_ERROR(v.ToStatus());
        return Transition(
            call, *req, req->name(), req->etag(), req->request_id(),
            ComplaintAction::kReclassify, false, resp,
            [&](TransitionScope& s) -> absl::Status {
              v1::Complaint& c = s.record.complaint;
              const std::string old_category = c.category();
              const v1::Severity old_severity = c.severity();
              if (!req->category().empty()) {
                CSM_ASSIGN_OR_RETURN(
                    auto category,
                    config_->GetCategory(s.conn, req->category()));
                if (!category.has_value()) {
                  return InvalidField(
                      "category",
                      absl::StrCat("no category '", req->category(), "'"));
                }
                if (!category->active()) {
                  return absl::FailedPreconditionError(absl::StrCat(
                      "category ", req->category(), " is not active"));
                }
                c.set_category(req->category());
                // The new category's process: routed to its department.
                if (category->handling_department() !=
                    c.handling_department()) {
                  DepartmentCharge held;
                  held.held = s.clock.EndHolding(&s.record.sla, call.start);
                  CSM_RETURN_IF_ERROR(store_.ChargeDepartment(
                      s.conn, s.record.id, c.handling_department(), held,
                      call.start));
                  CSM_RETURN_IF_ERROR(store_.ChargeDepartment(
                      s.conn, s.record.id, category->handling_department(),
                      DepartmentCharge{}, call.start));
                  c.set_handling_department(category->handling_department());
                  c.clear_handler_id();
                }
              }
              if (req->severity() != v1::SEVERITY_UNSPECIFIED) {
                c.set_severity(req->severity());
              }
              CSM_ASSIGN_OR_RETURN(std::vector<v1::SlaPolicy> policies,
                                   config_->ListSlaPolicies(s.conn));
              s.clock.Reclassify(
                  &s.record.sla,
                  ResolveSlaTerms(policies, c.category(), c.severity(),
                                  c.customer_grade()));
              s.note = absl::StrCat(
                  old_category, "/", SeverityWord(old_severity), " → ",
                  c.category(), "/", SeverityWord(c.severity()), "; SLA ",
                  s.record.sla.terms.policy, ": ", req->reason());
              AddStateChanged(s, ComplaintAction::kReclassify);
              if (!EscalationLadder::NotifiesGeneralManagerAtRegistration(
                      old_severity) &&
                  EscalationLadder::NotifiesGeneralManagerAtRegistration(
                      c.severity())) {
                auto* gm = AddEvent<ev::GeneralManagerNotified>(s);
                gm->set_reason(absl::StrCat("reclassified as ",
                                            SeverityWord(c.severity())));
              }
              return absl::OkStatus();
            });
      });
}

grpc::Status ComplaintApi::ReassignComplaint(
    grpc::ServerContext* ctx, const v1::ReassignComplaintRequest* req,
    v1::Complaint* resp) {
  return runtime_->Handle(
      ctx, "ReassignComplaint", RolesOf(ComplaintAction::kReassign),
      [&](const CallContext& call) {
        FieldViolations v;
        RequireText(v, "handler_id", req->handler_id(), limits::kStaffId);
        OptionalText(v, "reason", req->reason(), limits::kReason);
        CSM_RETURN_IF_ERROR(v.ToStatus());
        return Transition(
            call, *req, req->name(), req->etag(), req->request_id(),
            ComplaintAction::kReassign, false, resp,
            [&](TransitionScope& s) -> absl::Status {
              v1::Complaint& c = s.record.complaint;
              s.note = absl::StrCat(
                  c.handler_id().empty() ? "(nobody)" : c.handler_id(), " → ",
                  req->handler_id(),
                  req->reason().empty() ? ""
                                        : absl::StrCat(": ", req->reason()));
              c.set_handler_id(req->handler_id());
              AddStateChanged(s, ComplaintAction::kReassign);
              return absl::OkStatus();
            });
      });
}

// ---------------------------------------------------------- fault reports

grpc::Status ComplaintApi::CreateFaultReport(
    grpc::ServerContext* ctx, const v1::CreateFaultReportRequest* req,
    v1::FaultReport* resp) {
  return runtime_->Handle(ctx, "CreateFaultReport", kStaff,
                          [&](const CallContext& call) {
                            return DoCreateFaultReport(call, *req, resp);
                          });
}

absl::Status ComplaintApi::DoCreateFaultReport(
    const CallContext& call, const v1::CreateFaultReportRequest& req,
    v1::FaultReport* resp) {
  const v1::FaultReport& in = req.fault_report();
  FieldViolations v;
  RequireText(v, "fault_report.title", in.title(), limits::kFaultTitle);
  if (!in.has_fault_time()) {
    v.Add("fault_report.fault_time", "required: when the fault happened");
  }
  RequireText(v, "fault_report.location", in.location(),
              limits::kFaultLocation);
  RequireText(v, "fault_report.symptoms", in.symptoms(), limits::kFaultText);
  RequireText(v, "fault_report.plan", in.plan(), limits::kFaultText);
  std::vector<int64_t> ids;
  std::set<int64_t> seen;
  for (int i = 0; i < in.complaints_size(); ++i) {
    auto id = ComplaintStore::ParseComplaintName(
        in.complaints(i), absl::StrCat("fault_report.complaints[", i, "]"));
    if (!id.ok()) {
      v.Add(absl::StrCat("fault_report.complaints[", i, "]"),
            "expected complaints/{id}");
    } else if (seen.insert(*id).second) {
      ids.push_back(*id);
    }
  }
  CSM_RETURN_IF_ERROR(v.ToStatus());
  return RunMutation(
      *pool_, *outbox_, call, req.request_id(), req, resp,
      [&](MysqlConnection& conn) -> absl::Status {
        const absl::Time now = call.start;
        v1::FaultReport f;
        f.set_title(in.title());
        *f.mutable_fault_time() = in.fault_time();
        f.set_location(in.location());
        f.set_symptoms(in.symptoms());
        f.set_plan(in.plan());
        f.set_reporter_id(call.principal.staff_id);
        CSM_RETURN_IF_ERROR(store_.InsertFaultReport(conn, &f, now));
        CSM_ASSIGN_OR_RETURN(
            int64_t report_id,
            ComplaintStore::ParseFaultReportName(f.name(), "name"));
        for (int64_t id : ids) {
          auto r = store_.GetComplaint(conn, id, true);
          if (absl::IsNotFound(r.status())) {
            return InvalidField("fault_report.complaints",
                                absl::StrCat(ComplaintStore::ComplaintName(id),
                                             " does not exist"));
          }
          if (!r.ok()) return r.status();
          CSM_RETURN_IF_ERROR(
              CheckMayAct(call.principal, ComplaintParties::Of(r->complaint),
                          r->complaint.name(), "link to a fault report",
                          ComplaintDuty::kFollowUp));
          CSM_RETURN_IF_ERROR(store_.LinkFaultReport(conn, report_id, id));
          r->fault_report_id = report_id;
          r->complaint.set_fault_report(f.name());
          CSM_RETURN_IF_ERROR(store_.UpdateComplaint(conn, &*r, now));
          CSM_RETURN_IF_ERROR(store_.InsertStep(
              conn, id, "link_fault_report", r->complaint.state(),
              r->complaint.state(), call.principal.staff_id,
              call.principal.department,
              absl::StrCat("caused by the major fault ", f.name(), ": ",
                           f.title()),
              now));
        }
        CSM_ASSIGN_OR_RETURN(*resp,
                             store_.GetFaultReport(conn, report_id, false));
        ev::FaultReportCreated created;
        created.set_fault_report(resp->name());
        created.set_title(resp->title());
        *created.mutable_fault_time() = resp->fault_time();
        for (const std::string& c : resp->complaints()) {
          created.add_complaints(c);
        }
        return outbox_->Append(conn, call, resp->name(), created);
      });
}

grpc::Status ComplaintApi::GetFaultReport(grpc::ServerContext* ctx,
                                          const v1::GetFaultReportRequest* req,
                                          v1::FaultReport* resp) {
  return runtime_->Handle(
      ctx, "GetFaultReport", kReaders,
      [&](const CallContext& call) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(int64_t id, ComplaintStore::ParseFaultReportName(
                                             req->name(), "name"));
        return RunWithConnection(
            *pool_, call.deadline, [&](MysqlConnection& conn) -> absl::Status {
              CSM_ASSIGN_OR_RETURN(*resp,
                                   store_.GetFaultReport(conn, id, false));
              return absl::OkStatus();
            });
      });
}

grpc::Status ComplaintApi::ListFaultReports(
    grpc::ServerContext* ctx, const v1::ListFaultReportsRequest* req,
    v1::ListFaultReportsResponse* resp) {
  return runtime_->Handle(
      ctx, "ListFaultReports", kReaders,
      [&](const CallContext& call) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(int limit, ResolvePageSize(req->page_size()));
        const std::string fingerprint = "faultReports";
        CSM_ASSIGN_OR_RETURN(auto after,
                             DecodeToken(req->page_token(), fingerprint));
        return RunWithConnection(
            *pool_, call.deadline, [&](MysqlConnection& conn) -> absl::Status {
              resp->Clear();
              CSM_ASSIGN_OR_RETURN(Page<v1::FaultReport> page,
                                   store_.ListFaultReports(conn, after, limit));
              for (v1::FaultReport& f : page.items) {
                *resp->add_fault_reports() = std::move(f);
              }
              resp->set_next_page_token(EncodeToken(page.next, fingerprint));
              return absl::OkStatus();
            });
      });
}

grpc::Status ComplaintApi::SubmitFaultAnalysis(
    grpc::ServerContext* ctx, const v1::SubmitFaultAnalysisRequest* req,
    v1::FaultReport* resp) {
  return runtime_->Handle(ctx, "SubmitFaultAnalysis", kFaultAnalysts,
                          [&](const CallContext& call) {
                            return DoSubmitFaultAnalysis(call, *req, resp);
                          });
}

absl::Status ComplaintApi::DoSubmitFaultAnalysis(
    const CallContext& call, const v1::SubmitFaultAnalysisRequest& req,
    v1::FaultReport* resp) {
  CSM_ASSIGN_OR_RETURN(
      int64_t id, ComplaintStore::ParseFaultReportName(req.name(), "name"));
  FieldViolations v;
  RequireText(v, "impact", req.impact(), limits::kFaultText);
  RequireText(v, "handling", req.handling(), limits::kFaultText);
  RequireText(v, "cause", req.cause(), limits::kFaultText);
  RequireText(v, "corrective_measures", req.corrective_measures(),
              limits::kFaultText);
  RequireText(v, "preventive_measures", req.preventive_measures(),
              limits::kFaultText);
  CSM_RETURN_IF_ERROR(v.ToStatus());
  CSM_ASSIGN_OR_RETURN(int64_t expected, ParseEtag(req.etag(), "etag"));
  return RunMutation(
      *pool_, *outbox_, call, req.request_id(), req, resp,
      [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(v1::FaultReport current,
                             store_.GetFaultReport(conn, id, true));
        CSM_RETURN_IF_ERROR(
            CheckEtag(current.name(), current.etag(), expected));
        if (current.has_analysis_time()) {
          return absl::FailedPreconditionError(
              absl::StrCat("the fault analysis of ", current.name(),
                           " was already submitted"));
        }
        v1::FaultReport analysis;
        analysis.set_impact(req.impact());
        analysis.set_handling(req.handling());
        analysis.set_cause(req.cause());
        analysis.set_corrective_measures(req.corrective_measures());
        analysis.set_preventive_measures(req.preventive_measures());
        CSM_RETURN_IF_ERROR(store_.SubmitFaultAnalysis(
            conn, id, analysis, EtagVersion(current.etag()), call.start));
        CSM_ASSIGN_OR_RETURN(*resp, store_.GetFaultReport(conn, id, false));
        ev::FaultAnalysisSubmitted submitted;
        submitted.set_fault_report(resp->name());
        for (const std::string& c : resp->complaints()) {
          submitted.add_complaints(c);
        }
        return outbox_->Append(conn, call, resp->name(), submitted);
      });
}

}  // namespace csm::complaint
