#include "complaint-svc/src/app/complaint_mutation.h"

#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/strip.h"
#include "common/etag.h"
#include "common/idempotency.h"
#include "common/status.h"
#include "complaint-svc/src/domain/complaint_access.h"
#include "complaint-svc/src/domain/complaint_snapshot.h"
#include "csm/events/v1/complaint_events.pb.h"

namespace csm::complaint {

namespace ev = ::csm::events::v1;

DeadlineParty HolderOf(const v1::Complaint& c) {
  return {c.handler_id(), c.handling_department()};
}

DeadlineParty MeetingParty(const CallContext& call, const v1::Complaint& c) {
  return {call.principal.staff_id, c.handling_department()};
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

std::string SeverityWord(v1::Severity s) {
  absl::string_view name = v1::Severity_Name(s);
  absl::ConsumePrefix(&name, "SEVERITY_");
  return absl::AsciiStrToLower(name);
}

absl::Status ComplaintMutation::Run(const CallContext& call,
                                    absl::string_view request_id,
                                    const google::protobuf::Message& req,
                                    google::protobuf::Message* resp,
                                    const Body& body) const {
  return RunMutation(*pool_, *outbox_, call, request_id, req, resp, body);
}

absl::Status ComplaintMutation::Transition(
    const CallContext& call, const google::protobuf::Message& req,
    absl::string_view name, absl::string_view etag,
    absl::string_view request_id, ComplaintAction action, bool dissatisfied,
    v1::Complaint* resp, const Apply& apply) const {
  CSM_ASSIGN_OR_RETURN(int64_t id,
                       ComplaintStore::ParseComplaintName(name, "name"));
  CSM_ASSIGN_OR_RETURN(const int64_t expected, ParseEtag(etag, "etag"));
  return Run(
      call, request_id, req, resp, [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(ComplaintRecord r,
                             store_->GetComplaint(conn, id, /*lock=*/true));
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
        TransitionScope s{conn, call, r, clock, ladder, from, to, "", {}};
        const SlaState before = r.sla;
        CSM_RETURN_IF_ERROR(SettleBreaches(s));
        CSM_RETURN_IF_ERROR(apply(s));
        return Write(s, action, before, resp);
      });
}

absl::Status ComplaintMutation::SettleBreaches(TransitionScope& s) const {
  if (!ComplaintStateMachine::SlaRunning(s.from)) return absl::OkStatus();
  ComplaintRecord& r = s.record;
  DepartmentCharge charge;
  for (v1::DeadlineKind kind :
       s.clock.MarkBreaches(&r.sla, s.call.start, HolderOf(r.complaint))) {
    s.ladder.OnBreach(&r.sla, kind, r.sla.deadline(kind).due);
    charge.MarkBreached(kind);
  }
  if (!charge.any_breach()) return absl::OkStatus();
  return store_->ChargeDepartment(
      s.conn, r.id, r.complaint.handling_department(), charge, s.call.start);
}

absl::Status ComplaintMutation::Write(TransitionScope& s,
                                      ComplaintAction action,
                                      const SlaState& before,
                                      v1::Complaint* resp) const {
  ComplaintRecord& r = s.record;
  const absl::Time now = s.call.start;
  // Breaches first: they happened before (or at) what the call did.
  std::vector<std::unique_ptr<google::protobuf::Message>> events;
  for (ev::ComplaintDeadlineBreached& b : NewBreaches(before, r.sla)) {
    events.push_back(
        std::make_unique<ev::ComplaintDeadlineBreached>(std::move(b)));
  }
  for (auto& e : s.events) events.push_back(std::move(e));
  r.complaint.set_state(s.to);
  s.ladder.StopIfSettled(&r.sla);
  CSM_RETURN_IF_ERROR(store_->UpdateComplaint(s.conn, &r, now));
  CSM_RETURN_IF_ERROR(store_->InsertStep(
      s.conn, r.id, ActionName(action), s.from, s.to, s.call.principal.staff_id,
      s.call.principal.department, s.note, now));
  CSM_ASSIGN_OR_RETURN(ComplaintRecord fresh,
                       store_->GetComplaint(s.conn, r.id, false));
  const ev::ComplaintSnapshot snapshot = SnapshotOf(fresh.complaint);
  for (auto& event : events) {
    AttachSnapshot(snapshot, event.get());
    CSM_RETURN_IF_ERROR(
        outbox_->Append(s.conn, s.call, fresh.complaint.name(), *event));
  }
  *resp = std::move(fresh.complaint);
  return absl::OkStatus();
}

}  // namespace csm::complaint
