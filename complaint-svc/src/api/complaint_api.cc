#include "complaint-svc/src/api/complaint_api.h"

namespace csm::complaint {

ComplaintApi::ComplaintApi(MysqlPool* pool, Outbox* outbox, RpcRuntime* runtime,
                           CustomerDirectory* customers, ConfigStore* config)
    : runtime_(runtime), app_(pool, outbox, customers, config) {}

grpc::Status ComplaintApi::RegisterComplaint(
    grpc::ServerContext* ctx, const v1::RegisterComplaintRequest* req,
    v1::RegisterComplaintResponse* resp) {
  return runtime_->Handle(
      ctx, "RegisterComplaint", kRegistrars,
      [&](const CallContext& call) { return app_.Register(call, *req, resp); });
}

grpc::Status ComplaintApi::GetComplaint(grpc::ServerContext* ctx,
                                        const v1::GetComplaintRequest* req,
                                        v1::Complaint* resp) {
  return runtime_->Handle(
      ctx, "GetComplaint", kComplaintReaders,
      [&](const CallContext& call) { return app_.Get(call, *req, resp); });
}

grpc::Status ComplaintApi::ListComplaints(grpc::ServerContext* ctx,
                                          const v1::ListComplaintsRequest* req,
                                          v1::ListComplaintsResponse* resp) {
  return runtime_->Handle(
      ctx, "ListComplaints", kComplaintReaders,
      [&](const CallContext& call) { return app_.List(call, *req, resp); });
}

grpc::Status ComplaintApi::ListComplaintSteps(
    grpc::ServerContext* ctx, const v1::ListComplaintStepsRequest* req,
    v1::ListComplaintStepsResponse* resp) {
  return runtime_->Handle(ctx, "ListComplaintSteps", kComplaintReaders,
                          [&](const CallContext& call) {
                            return app_.ListSteps(call, *req, resp);
                          });
}

grpc::Status ComplaintApi::AcceptComplaint(
    grpc::ServerContext* ctx, const v1::AcceptComplaintRequest* req,
    v1::Complaint* resp) {
  return runtime_->Handle(
      ctx, "AcceptComplaint", RolesOf(ComplaintAction::kAccept),
      [&](const CallContext& call) { return app_.Accept(call, *req, resp); });
}

grpc::Status ComplaintApi::TransferComplaint(
    grpc::ServerContext* ctx, const v1::TransferComplaintRequest* req,
    v1::Complaint* resp) {
  return runtime_->Handle(
      ctx, "TransferComplaint", RolesOf(ComplaintAction::kTransfer),
      [&](const CallContext& call) { return app_.Transfer(call, *req, resp); });
}

grpc::Status ComplaintApi::StartHandling(grpc::ServerContext* ctx,
                                         const v1::StartHandlingRequest* req,
                                         v1::Complaint* resp) {
  return runtime_->Handle(
      ctx, "StartHandling", RolesOf(ComplaintAction::kStart),
      [&](const CallContext& call) { return app_.Start(call, *req, resp); });
}

grpc::Status ComplaintApi::RecordInvestigation(
    grpc::ServerContext* ctx, const v1::RecordInvestigationRequest* req,
    v1::Complaint* resp) {
  return runtime_->Handle(ctx, "RecordInvestigation",
                          RolesOf(ComplaintAction::kInvestigate),
                          [&](const CallContext& call) {
                            return app_.RecordInvestigation(call, *req, resp);
                          });
}

grpc::Status ComplaintApi::WaitForCustomer(
    grpc::ServerContext* ctx, const v1::WaitForCustomerRequest* req,
    v1::Complaint* resp) {
  return runtime_->Handle(ctx, "WaitForCustomer",
                          RolesOf(ComplaintAction::kWaitForCustomer),
                          [&](const CallContext& call) {
                            return app_.WaitForCustomer(call, *req, resp);
                          });
}

grpc::Status ComplaintApi::ResumeHandling(grpc::ServerContext* ctx,
                                          const v1::ResumeHandlingRequest* req,
                                          v1::Complaint* resp) {
  return runtime_->Handle(
      ctx, "ResumeHandling", RolesOf(ComplaintAction::kResume),
      [&](const CallContext& call) { return app_.Resume(call, *req, resp); });
}

grpc::Status ComplaintApi::ResolveComplaint(
    grpc::ServerContext* ctx, const v1::ResolveComplaintRequest* req,
    v1::Complaint* resp) {
  return runtime_->Handle(
      ctx, "ResolveComplaint", RolesOf(ComplaintAction::kResolve),
      [&](const CallContext& call) { return app_.Resolve(call, *req, resp); });
}

grpc::Status ComplaintApi::ConfirmComplaint(
    grpc::ServerContext* ctx, const v1::ConfirmComplaintRequest* req,
    v1::Complaint* resp) {
  return runtime_->Handle(
      ctx, "ConfirmComplaint", RolesOf(ComplaintAction::kConfirm),
      [&](const CallContext& call) { return app_.Confirm(call, *req, resp); });
}

grpc::Status ComplaintApi::CloseComplaint(grpc::ServerContext* ctx,
                                          const v1::CloseComplaintRequest* req,
                                          v1::Complaint* resp) {
  return runtime_->Handle(
      ctx, "CloseComplaint", RolesOf(ComplaintAction::kClose),
      [&](const CallContext& call) { return app_.Close(call, *req, resp); });
}

grpc::Status ComplaintApi::ReopenComplaint(
    grpc::ServerContext* ctx, const v1::ReopenComplaintRequest* req,
    v1::Complaint* resp) {
  return runtime_->Handle(
      ctx, "ReopenComplaint", RolesOf(ComplaintAction::kReopen),
      [&](const CallContext& call) { return app_.Reopen(call, *req, resp); });
}

grpc::Status ComplaintApi::RejectComplaint(
    grpc::ServerContext* ctx, const v1::RejectComplaintRequest* req,
    v1::Complaint* resp) {
  return runtime_->Handle(
      ctx, "RejectComplaint", RolesOf(ComplaintAction::kReject),
      [&](const CallContext& call) { return app_.Reject(call, *req, resp); });
}

grpc::Status ComplaintApi::ReclassifyComplaint(
    grpc::ServerContext* ctx, const v1::ReclassifyComplaintRequest* req,
    v1::Complaint* resp) {
  return runtime_->Handle(ctx, "ReclassifyComplaint",
                          RolesOf(ComplaintAction::kReclassify),
                          [&](const CallContext& call) {
                            return app_.Reclassify(call, *req, resp);
                          });
}

grpc::Status ComplaintApi::ReassignComplaint(
    grpc::ServerContext* ctx, const v1::ReassignComplaintRequest* req,
    v1::Complaint* resp) {
  return runtime_->Handle(
      ctx, "ReassignComplaint", RolesOf(ComplaintAction::kReassign),
      [&](const CallContext& call) { return app_.Reassign(call, *req, resp); });
}

grpc::Status ComplaintApi::CreateFaultReport(
    grpc::ServerContext* ctx, const v1::CreateFaultReportRequest* req,
    v1::FaultReport* resp) {
  return runtime_->Handle(ctx, "CreateFaultReport", kComplaintStaff,
                          [&](const CallContext& call) {
                            return app_.CreateFaultReport(call, *req, resp);
                          });
}

grpc::Status ComplaintApi::GetFaultReport(grpc::ServerContext* ctx,
                                          const v1::GetFaultReportRequest* req,
                                          v1::FaultReport* resp) {
  return runtime_->Handle(ctx, "GetFaultReport", kComplaintReaders,
                          [&](const CallContext& call) {
                            return app_.GetFaultReport(call, *req, resp);
                          });
}

grpc::Status ComplaintApi::ListFaultReports(
    grpc::ServerContext* ctx, const v1::ListFaultReportsRequest* req,
    v1::ListFaultReportsResponse* resp) {
  return runtime_->Handle(ctx, "ListFaultReports", kComplaintReaders,
                          [&](const CallContext& call) {
                            return app_.ListFaultReports(call, *req, resp);
                          });
}

grpc::Status ComplaintApi::SubmitFaultAnalysis(
    grpc::ServerContext* ctx, const v1::SubmitFaultAnalysisRequest* req,
    v1::FaultReport* resp) {
  return runtime_->Handle(ctx, "SubmitFaultAnalysis", kFaultAnalysts,
                          [&](const CallContext& call) {
                            return app_.SubmitFaultAnalysis(call, *req, resp);
                          });
}

}  // namespace csm::complaint
