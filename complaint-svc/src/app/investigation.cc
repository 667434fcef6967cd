// RecordInvestigation: the investigation and verification (当天进行调查、核实)
// of a complaint, with its findings, as an explicit step of the timeline.
//
// Decision: the investigated deadline is met by this recorded step, not by
// accepting or starting, because the documents ask for an investigation and
// a verification, which is a finding, not a change of hands. The first
// investigation meets the deadline (once accepted; a late one is a breach
// charged to the department holding the complaint); a later one (another
// visit, a reopened complaint) replaces the findings shown on the complaint
// while the timeline keeps each. ResolveComplaint meets a deadline still
// open, since a resolution holds the cause analysis.

#include "absl/strings/str_cat.h"
#include "common/business_time.h"
#include "common/status.h"
#include "complaint-svc/src/app/complaint_handling.h"
#include "complaint-svc/src/domain/text_fields.h"
#include "csm/events/v1/complaint_events.pb.h"

namespace csm::complaint {

absl::Status ComplaintHandling::RecordInvestigation(
    const CallContext& call, const v1::RecordInvestigationRequest& req,
    v1::Complaint* resp) {
  FieldViolations v;
  RequireText(v, "findings", req.findings(), limits::kInvestigationFindings);
  CSM_RETURN_IF_ERROR(v.ToStatus());
  return mutation_.Transition(
      call, req, ComplaintAction::kInvestigate, resp,
      [&](TransitionScope& s) -> absl::Status {
        v1::Complaint& c = s.record.complaint;
        SlaState& sla = s.record.sla;
        const bool first = !c.has_investigation();
        if (s.clock.Meet(&sla, v1::DEADLINE_KIND_INVESTIGATED, call.start,
                         MeetingParty(call, c), HolderOf(c))) {
          DepartmentCharge late;
          late.MarkBreached(v1::DEADLINE_KIND_INVESTIGATED);
          CSM_RETURN_IF_ERROR(store_.ChargeDepartment(
              s.conn, s.record.id, c.handling_department(), late, call.start));
        }
        v1::Investigation* out = c.mutable_investigation();
        out->set_findings(req.findings());
        out->set_investigator_id(call.principal.staff_id);
        ToProtoTimestamp(call.start, out->mutable_investigate_time());
        s.note = absl::StrCat(first ? "findings: " : "further findings: ",
                              req.findings());
        auto* e = AddEvent<::csm::events::v1::ComplaintInvestigated>(s);
        e->set_on_time(!sla.investigated.breached);
        e->set_first(first);
        return absl::OkStatus();
      });
}

}  // namespace csm::complaint
