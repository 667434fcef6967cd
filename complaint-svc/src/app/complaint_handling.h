#ifndef CSM_COMPLAINT_SVC_SRC_APP_COMPLAINT_HANDLING_H_
#define CSM_COMPLAINT_SVC_SRC_APP_COMPLAINT_HANDLING_H_

// Complaint handling (投诉处理), the use cases of ComplaintService: each
// validates its request, decides, and writes through the one mutation
// skeleton (complaint_mutation.h) in one transaction per call, together
// with the request_id idempotency record, the timeline step and the outbox
// events. One use case (or small family) a file:
//   register_complaint.cc   RegisterComplaint (customer lookup, same-matter
//                           link, routing, SLA, general-manager notice)
//   list_complaints.cc      Get, List, ListSteps
//   transitions.cc          Accept, Transfer, Start, WaitForCustomer,
//                           Resume, Reopen, Reassign
//   investigation.cc        RecordInvestigation
//   resolution.cc           Resolve, Confirm, Close
//   corrections.cc          Reject, Reclassify
//   fault_reports.cc        Create, Get, List, SubmitFaultAnalysis
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
// transaction before anything is written. Method role gates (below) are
// derived from the same table. Service accounts register (channel SERVICE
// only) and read; archivists and the general manager read.

#include "absl/status/status.h"
#include "common/call_context.h"
#include "common/mysql_pool.h"
#include "common/outbox.h"
#include "common/principal.h"
#include "complaint-svc/src/app/complaint_mutation.h"
#include "complaint-svc/src/app/customer_directory.h"
#include "complaint-svc/src/domain/complaint_access.h"
#include "complaint-svc/src/store/complaint_store.h"
#include "complaint-svc/src/store/config_store.h"
#include "csm/complaint/v1/complaint.pb.h"

namespace csm::complaint {

// The role gates of the methods.
inline constexpr RoleSet kComplaintReaders = RoleSet::All();
inline constexpr RoleSet kRegistrars{Role::kAgent, Role::kSupervisor,
                                     Role::kManager, Role::kService};
// Staff who register with the customer's own channel and report faults.
inline constexpr RoleSet kComplaintStaff{Role::kAgent, Role::kSupervisor,
                                         Role::kManager};
// A fault report belongs to no department (a major fault spans them): its
// analysis is a management document.
inline constexpr RoleSet kFaultAnalysts{Role::kSupervisor, Role::kManager};
// A transition's: the roles its duty admits in some relation
// (complaint_access.h); the relation is checked on the complaint.
inline RoleSet RolesOf(ComplaintAction action) {
  return RolesFor(DutyOf(action));
}

class ComplaintHandling {
 public:
  // None owned; all must outlive this.
  ComplaintHandling(MysqlPool* pool, Outbox* outbox,
                    CustomerDirectory* customers, ConfigStore* config);

  // register_complaint.cc
  absl::Status Register(const CallContext& call,
                        const v1::RegisterComplaintRequest& req,
                        v1::RegisterComplaintResponse* resp);
  // list_complaints.cc
  absl::Status Get(const CallContext& call, const v1::GetComplaintRequest& req,
                   v1::Complaint* resp);
  absl::Status List(const CallContext& call,
                    const v1::ListComplaintsRequest& req,
                    v1::ListComplaintsResponse* resp);
  absl::Status ListSteps(const CallContext& call,
                         const v1::ListComplaintStepsRequest& req,
                         v1::ListComplaintStepsResponse* resp);
  // transitions.cc
  absl::Status Accept(const CallContext& call,
                      const v1::AcceptComplaintRequest& req,
                      v1::Complaint* resp);
  absl::Status Transfer(const CallContext& call,
                        const v1::TransferComplaintRequest& req,
                        v1::Complaint* resp);
  absl::Status Start(const CallContext& call,
                     const v1::StartHandlingRequest& req, v1::Complaint* resp);
  absl::Status WaitForCustomer(const CallContext& call,
                               const v1::WaitForCustomerRequest& req,
                               v1::Complaint* resp);
  absl::Status Resume(const CallContext& call,
                      const v1::ResumeHandlingRequest& req,
                      v1::Complaint* resp);
  absl::Status Reopen(const CallContext& call,
                      const v1::ReopenComplaintRequest& req,
                      v1::Complaint* resp);
  absl::Status Reassign(const CallContext& call,
                        const v1::ReassignComplaintRequest& req,
                        v1::Complaint* resp);
  // investigation.cc
  absl::Status RecordInvestigation(const CallContext& call,
                                   const v1::RecordInvestigationRequest& req,
                                   v1::Complaint* resp);
  // resolution.cc
  absl::Status Resolve(const CallContext& call,
                       const v1::ResolveComplaintRequest& req,
                       v1::Complaint* resp);
  absl::Status Confirm(const CallContext& call,
                       const v1::ConfirmComplaintRequest& req,
                       v1::Complaint* resp);
  absl::Status Close(const CallContext& call,
                     const v1::CloseComplaintRequest& req, v1::Complaint* resp);
  // corrections.cc
  absl::Status Reject(const CallContext& call,
                      const v1::RejectComplaintRequest& req,
                      v1::Complaint* resp);
  absl::Status Reclassify(const CallContext& call,
                          const v1::ReclassifyComplaintRequest& req,
                          v1::Complaint* resp);
  // fault_reports.cc
  absl::Status CreateFaultReport(const CallContext& call,
                                 const v1::CreateFaultReportRequest& req,
                                 v1::FaultReport* resp);
  absl::Status GetFaultReport(const CallContext& call,
                              const v1::GetFaultReportRequest& req,
                              v1::FaultReport* resp);
  absl::Status ListFaultReports(const CallContext& call,
                                const v1::ListFaultReportsRequest& req,
                                v1::ListFaultReportsResponse* resp);
  absl::Status SubmitFaultAnalysis(const CallContext& call,
                                   const v1::SubmitFaultAnalysisRequest& req,
                                   v1::FaultReport* resp);

 private:
  // register_complaint.cc: the two branches of a registration.
  absl::Status LinkToSameMatter(MysqlConnection& conn, const CallContext& call,
                                const v1::Complaint& in, int64_t id,
                                const std::string& reason,
                                v1::RegisterComplaintResponse* resp);
  absl::Status OpenComplaint(MysqlConnection& conn, const CallContext& call,
                             const v1::Complaint& in, int64_t customer_id,
                             const CustomerFacts& facts,
                             v1::RegisterComplaintResponse* resp);
  // corrections.cc: the new category, and its department if another.
  absl::Status ChangeCategory(TransitionScope& s,
                              const std::string& category_id);
  // The registration's events (ComplaintRegistered; GeneralManagerNotified
  // when `notify_gm`) with the snapshot as written, and the response.
  absl::Status AnnounceRegistration(MysqlConnection& conn,
                                    const CallContext& call, int64_t id,
                                    bool notify_gm,
                                    v1::RegisterComplaintResponse* resp);
  // fault_reports.cc: one complaint caused by the report.
  absl::Status LinkToFaultReport(MysqlConnection& conn, const CallContext& call,
                                 const v1::FaultReport& report,
                                 int64_t report_id, int64_t complaint_id);

  MysqlPool* pool_;
  Outbox* outbox_;
  CustomerDirectory* customers_;
  ConfigStore* config_;
  ComplaintStore store_;
  ComplaintMutation mutation_;
};

}  // namespace csm::complaint

#endif  // CSM_COMPLAINT_SVC_SRC_APP_COMPLAINT_HANDLING_H_
