// Major fault reports (重大故障报告): created with the complaints the fault
// caused (each linked both ways, with a timeline step), read, and completed
// once by the management's analysis.

#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/etag.h"
#include "common/paging.h"
#include "common/status.h"
#include "complaint-svc/src/app/complaint_handling.h"
#include "complaint-svc/src/domain/text_fields.h"
#include "csm/events/v1/complaint_events.pb.h"

namespace csm::complaint {
namespace {

namespace ev = ::csm::events::v1;

// The report's fields; `ids` gets the complaints it names, each once.
FieldViolations ValidateFaultReport(const v1::FaultReport& in,
                                    std::vector<int64_t>* ids) {
  FieldViolations v;
  RequireText(v, "fault_report.title", in.title(), limits::kFaultTitle);
  if (!in.has_fault_time()) {
    v.Add("fault_report.fault_time", "required: when the fault happened");
  }
  RequireText(v, "fault_report.location", in.location(),
              limits::kFaultLocation);
  RequireText(v, "fault_report.symptoms", in.symptoms(), limits::kFaultText);
  RequireText(v, "fault_report.plan", in.plan(), limits::kFaultText);
  std::set<int64_t> seen;
  for (int i = 0; i < in.complaints_size(); ++i) {
    const std::string field = absl::StrCat("fault_report.complaints[", i, "]");
    auto id = ComplaintStore::ParseComplaintName(in.complaints(i), field);
    if (!id.ok()) {
      v.Add(field, "expected complaints/{id}");
    } else if (seen.insert(*id).second) {
      ids->push_back(*id);
    }
  }
  return v;
}

FieldViolations ValidateAnalysis(const v1::SubmitFaultAnalysisRequest& req) {
  FieldViolations v;
  RequireText(v, "impact", req.impact(), limits::kFaultText);
  RequireText(v, "handling", req.handling(), limits::kFaultText);
  RequireText(v, "cause", req.cause(), limits::kFaultText);
  RequireText(v, "corrective_measures", req.corrective_measures(),
              limits::kFaultText);
  RequireText(v, "preventive_measures", req.preventive_measures(),
              limits::kFaultText);
  return v;
}

}  // namespace

absl::Status ComplaintHandling::CreateFaultReport(
    const CallContext& call, const v1::CreateFaultReportRequest& req,
    v1::FaultReport* resp) {
  const v1::FaultReport& in = req.fault_report();
  std::vector<int64_t> ids;
  CSM_RETURN_IF_ERROR(ValidateFaultReport(in, &ids).ToStatus());
  return mutation_.Run(
      call, req.request_id(), req, resp,
      [&](MysqlConnection& conn) -> absl::Status {
        v1::FaultReport f;
        f.set_title(in.title());
        *f.mutable_fault_time() = in.fault_time();
        f.set_location(in.location());
        f.set_symptoms(in.symptoms());
        f.set_plan(in.plan());
        f.set_reporter_id(call.principal.staff_id);
        CSM_RETURN_IF_ERROR(store_.InsertFaultReport(conn, &f, call.start));
        CSM_ASSIGN_OR_RETURN(
            int64_t report_id,
            ComplaintStore::ParseFaultReportName(f.name(), "name"));
        for (int64_t id : ids) {
          CSM_RETURN_IF_ERROR(LinkToFaultReport(conn, call, f, report_id, id));
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

absl::Status ComplaintHandling::LinkToFaultReport(MysqlConnection& conn,
                                                  const CallContext& call,
                                                  const v1::FaultReport& f,
                                                  int64_t report_id,
                                                  int64_t id) {
  auto r = store_.GetComplaint(conn, id, true);
  if (absl::IsNotFound(r.status())) {
    return InvalidField(
        "fault_report.complaints",
        absl::StrCat(ComplaintStore::ComplaintName(id), " does not exist"));
  }
  if (!r.ok()) return r.status();
  CSM_RETURN_IF_ERROR(CheckMayAct(
      call.principal, ComplaintParties::Of(r->complaint), r->complaint.name(),
      "link to a fault report", ComplaintDuty::kFollowUp));
  CSM_RETURN_IF_ERROR(store_.LinkFaultReport(conn, report_id, id));
  r->fault_report_id = report_id;
  r->complaint.set_fault_report(f.name());
  CSM_RETURN_IF_ERROR(store_.UpdateComplaint(conn, &*r, call.start));
  return store_.InsertStep(
      conn, id, "link_fault_report", r->complaint.state(), r->complaint.state(),
      call.principal.staff_id, call.principal.department,
      absl::StrCat("caused by the major fault ", f.name(), ": ", f.title()),
      call.start);
}

absl::Status ComplaintHandling::GetFaultReport(
    const CallContext& call, const v1::GetFaultReportRequest& req,
    v1::FaultReport* resp) {
  CSM_ASSIGN_OR_RETURN(
      int64_t id, ComplaintStore::ParseFaultReportName(req.name(), "name"));
  return RunWithConnection(
      *pool_, call.deadline, [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(*resp, store_.GetFaultReport(conn, id, false));
        return absl::OkStatus();
      });
}

absl::Status ComplaintHandling::ListFaultReports(
    const CallContext& call, const v1::ListFaultReportsRequest& req,
    v1::ListFaultReportsResponse* resp) {
  CSM_ASSIGN_OR_RETURN(int limit, ResolvePageSize(req.page_size()));
  const std::string fingerprint = "faultReports";
  CSM_ASSIGN_OR_RETURN(auto after, DecodeToken(req.page_token(), fingerprint));
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
}

absl::Status ComplaintHandling::SubmitFaultAnalysis(
    const CallContext& call, const v1::SubmitFaultAnalysisRequest& req,
    v1::FaultReport* resp) {
  CSM_ASSIGN_OR_RETURN(
      int64_t id, ComplaintStore::ParseFaultReportName(req.name(), "name"));
  CSM_RETURN_IF_ERROR(ValidateAnalysis(req).ToStatus());
  CSM_ASSIGN_OR_RETURN(int64_t expected, ParseEtag(req.etag(), "etag"));
  return mutation_.Run(
      call, req.request_id(), req, resp,
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
