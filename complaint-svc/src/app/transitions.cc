// The transitions that move a complaint between hands and states: accept,
// transfer, start, wait for the customer, resume, reopen, reassign. Each is
// a lambda on ComplaintMutation::Transition (complaint_mutation.h).

#include <string>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "complaint-svc/src/app/complaint_handling.h"
#include "complaint-svc/src/domain/text_fields.h"
#include "csm/events/v1/complaint_events.pb.h"

namespace csm::complaint {
namespace {

namespace ev = ::csm::events::v1;

absl::Status RequireReason(absl::string_view reason) {
  FieldViolations v;
  RequireText(v, "reason", reason, limits::kReason);
  return v.ToStatus();
}

}  // namespace

absl::Status ComplaintHandling::Accept(const CallContext& call,
                                       const v1::AcceptComplaintRequest& req,
                                       v1::Complaint* resp) {
  return mutation_.Transition(
      call, req, ComplaintAction::kAccept, resp,
      [&](TransitionScope& s) -> absl::Status {
        v1::Complaint& c = s.record.complaint;
        c.set_handler_id(call.principal.staff_id);
        // 受理 meets the acknowledge deadline (the first time).
        s.clock.Meet(&s.record.sla, v1::DEADLINE_KIND_ACKNOWLEDGE, call.start,
                     MeetingParty(call, c), HolderOf(c));
        s.note = absl::StrCat("accepted by ", call.principal.staff_id, " for ",
                              c.handling_department());
        AddStateChanged(s, ComplaintAction::kAccept);
        return absl::OkStatus();
      });
}

absl::Status ComplaintHandling::Transfer(
    const CallContext& call, const v1::TransferComplaintRequest& req,
    v1::Complaint* resp) {
  FieldViolations v;
  RequireText(v, "to_department", req.to_department(), limits::kDepartment);
  OptionalText(v, "to_staff_id", req.to_staff_id(), limits::kStaffId);
  RequireText(v, "reason", req.reason(), limits::kReason);
  CSM_RETURN_IF_ERROR(v.ToStatus());
  return mutation_.Transition(
      call, req, ComplaintAction::kTransfer, resp,
      [&](TransitionScope& s) -> absl::Status {
        v1::Complaint& c = s.record.complaint;
        const std::string from_department = c.handling_department();
        const std::string from_handler = c.handler_id();
        if (req.to_department() == from_department &&
            req.to_staff_id().empty()) {
          return InvalidField(
              "to_department",
              absl::StrCat(c.name(), " is already with ", from_department,
                           "; name a colleague or use reassign"));
        }
        DepartmentCharge held;
        held.held = s.clock.EndHolding(&s.record.sla, call.start);
        CSM_RETURN_IF_ERROR(store_.ChargeDepartment(
            s.conn, s.record.id, from_department, held, call.start));
        CSM_RETURN_IF_ERROR(
            store_.ChargeDepartment(s.conn, s.record.id, req.to_department(),
                                    DepartmentCharge{}, call.start));
        c.set_handling_department(req.to_department());
        c.set_handler_id(req.to_staff_id());
        s.note = absl::StrCat(from_department, " → ", req.to_department(),
                              req.to_staff_id().empty()
                                  ? ""
                                  : absl::StrCat(" (", req.to_staff_id(), ")"),
                              ": ", req.reason());
        auto* e = AddEvent<ev::ComplaintTransferred>(s);
        e->set_from_department(from_department);
        e->set_to_department(req.to_department());
        e->set_to_staff_id(req.to_staff_id());
        e->set_reason(req.reason());
        e->set_from_department_working_minutes(WholeMinutes(held.held));
        e->set_from_handler_id(from_handler);
        return absl::OkStatus();
      });
}

absl::Status ComplaintHandling::Start(const CallContext& call,
                                      const v1::StartHandlingRequest& req,
                                      v1::Complaint* resp) {
  return mutation_.Transition(
      call, req, ComplaintAction::kStart, resp,
      [&](TransitionScope& s) -> absl::Status {
        if (s.record.complaint.handler_id().empty()) {
          s.record.complaint.set_handler_id(call.principal.staff_id);
        }
        if (s.from == v1::COMPLAINT_STATE_REOPENED) {
          // Handling again: the department's holding restarts now.
          s.record.sla.holding_since = call.start;
          s.record.sla.holding_paused = absl::ZeroDuration();
        }
        s.note = absl::StrCat("handled by ", s.record.complaint.handler_id());
        AddStateChanged(s, ComplaintAction::kStart);
        return absl::OkStatus();
      });
}

absl::Status ComplaintHandling::WaitForCustomer(
    const CallContext& call, const v1::WaitForCustomerRequest& req,
    v1::Complaint* resp) {
  CSM_RETURN_IF_ERROR(RequireReason(req.reason()));
  return mutation_.Transition(
      call, req, ComplaintAction::kWaitForCustomer, resp,
      [&](TransitionScope& s) -> absl::Status {
        s.clock.Pause(&s.record.sla, call.start);
        s.note = absl::StrCat("SLA clock stopped: ", req.reason());
        AddStateChanged(s, ComplaintAction::kWaitForCustomer);
        return absl::OkStatus();
      });
}

absl::Status ComplaintHandling::Resume(const CallContext& call,
                                       const v1::ResumeHandlingRequest& req,
                                       v1::Complaint* resp) {
  return mutation_.Transition(
      call, req, ComplaintAction::kResume, resp,
      [&](TransitionScope& s) -> absl::Status {
        const absl::Duration paused = s.clock.Resume(&s.record.sla, call.start);
        s.note =
            absl::StrCat("SLA clock resumed after ", WholeMinutes(paused),
                         " working minutes; unmet deadlines moved by as much");
        AddStateChanged(s, ComplaintAction::kResume);
        return absl::OkStatus();
      });
}

absl::Status ComplaintHandling::Reopen(const CallContext& call,
                                       const v1::ReopenComplaintRequest& req,
                                       v1::Complaint* resp) {
  CSM_RETURN_IF_ERROR(RequireReason(req.reason()));
  return mutation_.Transition(call, req, ComplaintAction::kReopen, resp,
                              [&](TransitionScope& s) -> absl::Status {
                                v1::Complaint& c = s.record.complaint;
                                c.set_reopen_count(c.reopen_count() + 1);
                                c.clear_close_time();
                                s.record.sla.holding_since = call.start;
                                s.record.sla.holding_paused =
                                    absl::ZeroDuration();
                                s.note = req.reason();
                                AddStateChanged(s, ComplaintAction::kReopen);
                                return absl::OkStatus();
                              });
}

absl::Status ComplaintHandling::Reassign(
    const CallContext& call, const v1::ReassignComplaintRequest& req,
    v1::Complaint* resp) {
  FieldViolations v;
  RequireText(v, "handler_id", req.handler_id(), limits::kStaffId);
  OptionalText(v, "reason", req.reason(), limits::kReason);
  CSM_RETURN_IF_ERROR(v.ToStatus());
  return mutation_.Transition(
      call, req, ComplaintAction::kReassign, resp,
      [&](TransitionScope& s) -> absl::Status {
        v1::Complaint& c = s.record.complaint;
        s.note = absl::StrCat(
            c.handler_id().empty() ? "(nobody)" : c.handler_id(), " → ",
            req.handler_id(),
            req.reason().empty() ? "" : absl::StrCat(": ", req.reason()));
        c.set_handler_id(req.handler_id());
        AddStateChanged(s, ComplaintAction::kReassign);
        return absl::OkStatus();
      });
}

}  // namespace csm::complaint
