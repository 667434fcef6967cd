#ifndef CSM_CUSTOMER_SVC_API_VISIT_API_H_
#define CSM_CUSTOMER_SVC_API_VISIT_API_H_

#include "common/mysql_pool.h"
#include "common/outbox.h"
#include "common/rpc.h"
#include "csm/customer/v1/visits.grpc.pb.h"
#include "customer-svc/src/app/backend.h"

namespace csm::customer {

// csm.customer.v1.VisitService: return-visit plans (客户回访计划), the
// visits recorded against them, the due lists and the schedule policy; the
// use cases are in src/app/visit_use_cases.h.
class VisitApi final : public v1::VisitService::Service {
 public:
  VisitApi(MysqlPool* pool, Outbox* outbox, RpcRuntime* runtime);

  grpc::Status CreateVisitPlan(grpc::ServerContext* ctx,
                               const v1::CreateVisitPlanRequest* req,
                               v1::VisitPlan* resp) override;
  grpc::Status GetVisitPlan(grpc::ServerContext* ctx,
                            const v1::GetVisitPlanRequest* req,
                            v1::VisitPlan* resp) override;
  grpc::Status ListVisitPlans(grpc::ServerContext* ctx,
                              const v1::ListVisitPlansRequest* req,
                              v1::ListVisitPlansResponse* resp) override;
  grpc::Status CloseVisitPlan(grpc::ServerContext* ctx,
                              const v1::CloseVisitPlanRequest* req,
                              v1::VisitPlan* resp) override;
  grpc::Status RecordVisit(grpc::ServerContext* ctx,
                           const v1::RecordVisitRequest* req,
                           v1::RecordVisitResponse* resp) override;
  grpc::Status ListVisits(grpc::ServerContext* ctx,
                          const v1::ListVisitsRequest* req,
                          v1::ListVisitsResponse* resp) override;
  grpc::Status GetVisitReport(grpc::ServerContext* ctx,
                              const v1::GetVisitReportRequest* req,
                              v1::VisitReport* resp) override;
  grpc::Status ListDueVisits(grpc::ServerContext* ctx,
                             const v1::ListDueVisitsRequest* req,
                             v1::ListDueVisitsResponse* resp) override;
  grpc::Status GetVisitPolicy(grpc::ServerContext* ctx,
                              const v1::GetVisitPolicyRequest* req,
                              v1::VisitPolicy* resp) override;
  grpc::Status UpdateVisitPolicy(grpc::ServerContext* ctx,
                                 const v1::UpdateVisitPolicyRequest* req,
                                 v1::VisitPolicy* resp) override;

 private:
  RpcRuntime* runtime_;
  Backend backend_;
};

}  // namespace csm::customer

#endif  // CSM_CUSTOMER_SVC_API_VISIT_API_H_
