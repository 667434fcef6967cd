#ifndef CSM_COMPLAINT_SVC_API_COMPLAINT_API_H_
#define CSM_COMPLAINT_SVC_API_COMPLAINT_API_H_

// The gRPC edge of complaint handling (ComplaintService): validates
// requests, checks roles, runs the domain rules (state machine, SLA clock,
// escalation ladder, same-matter rule) and the store in one transaction per
// call, together with the request_id idempotency record, the timeline step
// and the outbox events. Each RPC delegates to a Do* method.
//
// Registration asks customer-svc (CustomerDirectory) about the customer
// BEFORE opening a transaction: no database connection is held across the
// remote call. Decisions:
//  * customer-svc unreachable (UNAVAILABLE or DEADLINE_EXCEEDED after the
//    directory's bounded retries): the call fails with UNAVAILABLE
//    "customer-svc is unavailable; nothing was registered; retry" and
//    NOTHING is written (no complaint, no step, no event, no idempotency
//    record, so a retry with the same request_id runs afresh). A complaint
//    without a verified customer would have no grade (no SLA policy) and
//    could not be linked reliably; the caller (an agent on the phone, or a
//    service that retries) is better served by a clear, retryable error.
//  * the customer does not exist: FAILED_PRECONDITION "customer customers/9
//    does not exist in customer-svc; create the archive first" (the request
//    is well-formed; the system lacks the archive it refers to. NOT_FOUND
//    would read as "the complaint collection was not found").
//  * the customer's archive is closed: FAILED_PRECONDITION.
// The customer's name, grade and owner are kept on the complaint as
// customer-svc reported them at registration.
//
// Who may act: every transition checks the caller's role and relation to
// the complaint with the one rule of domain/complaint_access.h (handle:
// the handler and the handling department; follow up: also the first
// responder and supervisors of the first responder's department; decide:
// supervisors and managers of the handling department), inside the call's
// transaction before anything is written. Method role gates are derived
// from the same table. Service accounts register (channel SERVICE only) and
// read; archivists and the general manager read.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/mysql_pool.h"
#include "common/outbox.h"
#include "common/rpc.h"
#include "complaint-svc/src/customer_directory.h"
#include "complaint-svc/src/domain/complaint_state_machine.h"
#include "complaint-svc/src/domain/escalation.h"
#include "complaint-svc/src/domain/sla.h"
#include "complaint-svc/src/store/complaint_store.h"
#include "complaint-svc/src/store/config_store.h"
#include "csm/complaint/v1/complaint.grpc.pb.h"

namespace csm::complaint {

// What a transition's action-specific part works on, inside the call's
// transaction.
struct TransitionScope {
  MysqlConnection& conn;
  const CallContext& call;
  ComplaintRecord& record;
  const SlaClock& clock;
  const EscalationLadder& ladder;
  v1::ComplaintState from;
  v1::ComplaintState to;
  // The timeline step's note.
  std::string note;
  // Events to append after the update; their `complaint` snapshot is filled
  // from the complaint as written.
  std::vector<std::unique_ptr<google::protobuf::Message>> events;
};

// An event of the transition, whose payload is built before the write and
// completed (snapshot) after.
template <typename T>
T* AddEvent(TransitionScope& scope) {
  auto event = std::make_unique<T>();
  T* raw = event.get();
  scope.events.push_back(std::move(event));
  return raw;
}

// The holder a breach is charged to: the handler and handling department.
DeadlineParty HolderOf(const v1::Complaint& c);
// Who meets a deadline: the caller, for the handling department.
DeadlineParty MeetingParty(const CallContext& call, const v1::Complaint& c);

// The generic ComplaintStateChanged event of the transition.
void AddStateChanged(TransitionScope& scope, ComplaintAction action);

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
  // record_investigation.cc
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
  absl::Status DoRegister(const CallContext& call,
                          const v1::RegisterComplaintRequest& req,
                          v1::RegisterComplaintResponse* resp);
  absl::Status DoGet(const CallContext& call,
                     const v1::GetComplaintRequest& req, v1::Complaint* resp);
  absl::Status DoList(const CallContext& call,
                      const v1::ListComplaintsRequest& req,
                      v1::ListComplaintsResponse* resp);
  absl::Status DoListSteps(const CallContext& call,
                           const v1::ListComplaintStepsRequest& req,
                           v1::ListComplaintStepsResponse* resp);
  absl::Status DoCreateFaultReport(const CallContext& call,
                                   const v1::CreateFaultReportRequest& req,
                                   v1::FaultReport* resp);
  absl::Status DoSubmitFaultAnalysis(const CallContext& call,
                                     const v1::SubmitFaultAnalysisRequest& req,
                                     v1::FaultReport* resp);

  // One state-machine transition: loads and locks the complaint, checks
  // the etag and the table, settles breaches (charged to the holding
  // department), runs `apply`, writes the row, the step and the events.
  absl::Status Transition(
      const CallContext& call, const google::protobuf::Message& req,
      absl::string_view name, absl::string_view etag,
      absl::string_view request_id, ComplaintAction action, bool dissatisfied,
      v1::Complaint* resp,
      const std::function<absl::Status(TransitionScope&)>& apply);

  MysqlPool* pool_;
  Outbox* outbox_;
  RpcRuntime* runtime_;
  CustomerDirectory* customers_;
  ConfigStore* config_;
  ComplaintStore store_;
};

}  // namespace csm::complaint

#endif  // CSM_COMPLAINT_SVC_API_COMPLAINT_API_H_
