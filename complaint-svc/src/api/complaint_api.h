#ifndef CSM_COMPLAINT_SVC_API_COMPLAINT_API_H_
#define CSM_COMPLAINT_SVC_API_COMPLAINT_API_H_

// The gRPC edge of complaint handling (ComplaintService): each RPC is the
// method's role gate and name on RpcRuntime::Handle (auth, deadline,
// request id, logs, metrics, errors) around its use case in
// app/complaint_handling.h, where the decisions are.

#include "common/mysql_pool.h"
#include "common/outbox.h"
#include "common/rpc.h"
#include "complaint-svc/src/app/complaint_handling.h"
#include "complaint-svc/src/app/customer_directory.h"
#include "complaint-svc/src/store/config_store.h"
#include "csm/complaint/v1/complaint.grpc.pb.h"

namespace csm::complaint {

class ComplaintApi final : public v1::ComplaintService::Service {
 public:
  // None owned; all must outlive the API.
  ComplaintApi(MysqlPool* pool, Outbox* outbox, RpcRuntime* runtime,
               CustomerDirectory* customers, ConfigStore* config);

  grpc::Status RegisterComplaint(grpc::ServerContext* ctx,
                                 const v1::RegisterComplaintRequest* req,
                                 v1::RegisterComplaintResponse* resp) override;
  grpc::Status GetComplaint(grpc::ServerContext* ctx,
                            const v1::GetComplaintRequest* req,
                            v1::Complaint* resp) override;
  grpc::Status ListComplaints(grpc::ServerContext* ctx,
                              const v1::ListComplaintsRequest* req,
                              v1::ListComplaintsResponse* resp) override;
  grpc::Status ListComplaintSteps(
      grpc::ServerContext* ctx, const v1::ListComplaintStepsRequest* req,
      v1::ListComplaintStepsResponse* resp) override;
  grpc::Status AcceptComplaint(grpc::ServerContext* ctx,
                               const v1::AcceptComplaintRequest* req,
                               v1::Complaint* resp) override;
  grpc::Status TransferComplaint(grpc::ServerContext* ctx,
                                 const v1::TransferComplaintRequest* req,
                                 v1::Complaint* resp) override;
  grpc::Status StartHandling(grpc::ServerContext* ctx,
                             const v1::StartHandlingRequest* req,
                             v1::Complaint* resp) override;
  grpc::Status RecordInvestigation(grpc::ServerContext* ctx,
                                   const v1::RecordInvestigationRequest* req,
                                   v1::Complaint* resp) override;
  grpc::Status WaitForCustomer(grpc::ServerContext* ctx,
                               const v1::WaitForCustomerRequest* req,
                               v1::Complaint* resp) override;
  grpc::Status ResumeHandling(grpc::ServerContext* ctx,
                              const v1::ResumeHandlingRequest* req,
                              v1::Complaint* resp) override;
  grpc::Status ResolveComplaint(grpc::ServerContext* ctx,
                                const v1::ResolveComplaintRequest* req,
                                v1::Complaint* resp) override;
  grpc::Status ConfirmComplaint(grpc::ServerContext* ctx,
                                const v1::ConfirmComplaintRequest* req,
                                v1::Complaint* resp) override;
  grpc::Status CloseComplaint(grpc::ServerContext* ctx,
                              const v1::CloseComplaintRequest* req,
                              v1::Complaint* resp) override;
  grpc::Status ReopenComplaint(grpc::ServerContext* ctx,
                               const v1::ReopenComplaintRequest* req,
                               v1::Complaint* resp) override;
  grpc::Status RejectComplaint(grpc::ServerContext* ctx,
                               const v1::RejectComplaintRequest* req,
                               v1::Complaint* resp) override;
  grpc::Status ReclassifyComplaint(grpc::ServerContext* ctx,
                                   const v1::ReclassifyComplaintRequest* req,
                                   v1::Complaint* resp) override;
  grpc::Status ReassignComplaint(grpc::ServerContext* ctx,
                                 const v1::ReassignComplaintRequest* req,
                                 v1::Complaint* resp) override;
  grpc::Status CreateFaultReport(grpc::ServerContext* ctx,
                                 const v1::CreateFaultReportRequest* req,
                                 v1::FaultReport* resp) override;
  grpc::Status GetFaultReport(grpc::ServerContext* ctx,
                              const v1::GetFaultReportRequest* req,
                              v1::FaultReport* resp) override;
  grpc::Status ListFaultReports(grpc::ServerContext* ctx,
                                const v1::ListFaultReportsRequest* req,
                                v1::ListFaultReportsResponse* resp) override;
  grpc::Status SubmitFaultAnalysis(grpc::ServerContext* ctx,
                                   const v1::SubmitFaultAnalysisRequest* req,
                                   v1::FaultReport* resp) override;

 private:
  RpcRuntime* runtime_;
  ComplaintHandling app_;
};

}  // namespace csm::complaint

#endif  // CSM_COMPLAINT_SVC_API_COMPLAINT_API_H_
