// The end of handling: resolve (处理意见), the customer's confirmation
// (a dissatisfied one reopens), and close after the return visit (回访).

#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/business_time.h"
#include "common/personal_text.h"
#include "common/status.h"
#include "complaint-svc/src/app/complaint_handling.h"
#include "complaint-svc/src/domain/text_fields.h"
#include "csm/events/v1/complaint_events.pb.h"

namespace csm::complaint {
namespace {

namespace ev = ::csm::events::v1;
using csm::common::v1::Satisfaction;

bool ValidSatisfaction(Satisfaction s) {
  return csm::common::v1::Satisfaction_IsValid(s) &&
         s != csm::common::v1::SATISFACTION_UNSPECIFIED;
}

FieldViolations ValidateResolution(const v1::Resolution& res) {
  FieldViolations v;
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
  return v;
}

FieldViolations ValidateReturnVisit(const v1::ComplaintReturnVisit& rv) {
  static const std::set<std::string> kMethods = {"phone", "email",
                                                 "face_to_face", "sms"};
  FieldViolations v;
  if (!kMethods.contains(rv.method())) {
    v.Add("return_visit.method", "required: phone, email, face_to_face or sms");
  }
  if (!ValidSatisfaction(rv.satisfaction())) {
    v.Add("return_visit.satisfaction",
          "required: the customer's satisfaction at the return visit");
  }
  OptionalText(v, "return_visit.notes", rv.notes(), limits::kReturnVisitNotes);
  return v;
}

// 处理意见 meets the handling-opinion deadline, and the acknowledge and
// investigated ones if still open (a resolution holds the cause analysis).
// A breach this meeting marks (late) is the resolving department's; one
// marked before was charged to its holder then.
DepartmentCharge MeetResolutionDeadlines(TransitionScope& s) {
  const v1::Complaint& c = s.record.complaint;
  DepartmentCharge held;
  for (v1::DeadlineKind kind :
       {v1::DEADLINE_KIND_ACKNOWLEDGE, v1::DEADLINE_KIND_INVESTIGATED,
        v1::DEADLINE_KIND_HANDLING_OPINION}) {
    if (s.clock.Meet(&s.record.sla, kind, s.call.start, MeetingParty(s.call, c),
                     HolderOf(c))) {
      held.MarkBreached(kind);
    }
  }
  held.held = s.clock.EndHolding(&s.record.sla, s.call.start);
  return held;
}

}  // namespace

absl::Status ComplaintHandling::Resolve(const CallContext& call,
                                        const v1::ResolveComplaintRequest& req,
                                        v1::Complaint* resp) {
  const v1::Resolution& res = req.resolution();
  CSM_RETURN_IF_ERROR(ValidateResolution(res).ToStatus());
  return mutation_.Transition(
      call, req, ComplaintAction::kResolve, resp,
      [&](TransitionScope& s) -> absl::Status {
        v1::Complaint& c = s.record.complaint;
        const DepartmentCharge held = MeetResolutionDeadlines(s);
        CSM_RETURN_IF_ERROR(store_.ChargeDepartment(
            s.conn, s.record.id, c.handling_department(), held, call.start));
        v1::Resolution* out = c.mutable_resolution();
        *out = res;
        out->set_resolver_id(call.principal.staff_id);
        out->set_resolving_department(c.handling_department());
        ToProtoTimestamp(call.start, out->mutable_resolve_time());
        s.note = absl::StrCat(v1::Responsibility_Name(res.responsibility()),
                              "; tell ", c.first_responder_id(),
                              " (first responder) the outcome");
        auto* e = AddEvent<ev::ComplaintResolved>(s);
        e->set_responsibility(v1::Responsibility_Name(res.responsibility()));
        e->set_handling_working_minutes(
            WholeMinutes(s.clock.HandlingTime(s.record.sla, call.start)));
        e->set_handling_opinion_on_time(
            !s.record.sla.handling_opinion.breached);
        e->set_notify_first_responder_id(c.first_responder_id());
        e->set_resolving_department_working_minutes(WholeMinutes(held.held));
        return absl::OkStatus();
      });
}

absl::Status ComplaintHandling::Confirm(const CallContext& call,
                                        const v1::ConfirmComplaintRequest& req,
                                        v1::Complaint* resp) {
  FieldViolations v;
  if (!ValidSatisfaction(req.satisfaction())) {
    v.Add("satisfaction",
          "required: the customer's satisfaction on the 5-point scale");
  }
  OptionalText(v, "customer_feedback", req.customer_feedback(),
               limits::kCustomerFeedback);
  CSM_RETURN_IF_ERROR(v.ToStatus());
  const bool dissatisfied = IsDissatisfied(req.satisfaction());
  return mutation_.Transition(
      call, req, ComplaintAction::kConfirm, resp,
      [&](TransitionScope& s) -> absl::Status {
        v1::Complaint& c = s.record.complaint;
        c.set_satisfaction(req.satisfaction());
        c.set_customer_feedback(req.customer_feedback());
        if (dissatisfied) {
          c.set_reopen_count(c.reopen_count() + 1);
          s.record.sla.holding_since = call.start;
          s.record.sla.holding_paused = absl::ZeroDuration();
        }
        s.note = absl::StrCat(
            Satisfaction_Name(req.satisfaction()),
            dissatisfied ? "; the customer is dissatisfied: reopened" : "",
            req.customer_feedback().empty() ? "" : ": ",
            req.customer_feedback());
        auto* e = AddEvent<ev::ComplaintConfirmed>(s);
        e->set_satisfaction(req.satisfaction());
        e->set_reopened(dissatisfied);
        e->set_customer_feedback(EventText(req.customer_feedback()));
        return absl::OkStatus();
      },
      dissatisfied);
}

absl::Status ComplaintHandling::Close(const CallContext& call,
                                      const v1::CloseComplaintRequest& req,
                                      v1::Complaint* resp) {
  const v1::ComplaintReturnVisit& rv = req.return_visit();
  CSM_RETURN_IF_ERROR(ValidateReturnVisit(rv).ToStatus());
  return mutation_.Transition(
      call, req, ComplaintAction::kClose, resp,
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
}

}  // namespace csm::complaint
