#include "customer-svc/src/api/visit_api.h"

#include "customer-svc/src/api/api_common.h"
#include "customer-svc/src/app/visit_use_cases.h"

namespace csm::customer {

VisitApi::VisitApi(MysqlPool* pool, Outbox* outbox, RpcRuntime* runtime)
    : runtime_(runtime), backend_{*pool, *outbox, {}, {}, {}} {}

// Each RPC: its roles at the edge, then its use case (src/app/).

grpc::Status VisitApi::CreateVisitPlan(grpc::ServerContext* ctx,
                                       const v1::CreateVisitPlanRequest* req,
                                       v1::VisitPlan* resp) {
  return Serve(*runtime_, backend_, ctx, "CreateVisitPlan", kMaintainers,
               app::CreateVisitPlan, req, resp);
}

grpc::Status VisitApi::GetVisitPlan(grpc::ServerContext* ctx,
                                    const v1::GetVisitPlanRequest* req,
                                    v1::VisitPlan* resp) {
  return Serve(*runtime_, backend_, ctx, "GetVisitPlan", kReaders,
               app::GetVisitPlan, req, resp);
}

grpc::Status VisitApi::ListVisitPlans(grpc::ServerContext* ctx,
                                      const v1::ListVisitPlansRequest* req,
                                      v1::ListVisitPlansResponse* resp) {
  return Serve(*runtime_, backend_, ctx, "ListVisitPlans", kReaders,
               app::ListVisitPlans, req, resp);
}

grpc::Status VisitApi::CloseVisitPlan(grpc::ServerContext* ctx,
                                      const v1::CloseVisitPlanRequest* req,
                                      v1::VisitPlan* resp) {
  return Serve(*runtime_, backend_, ctx, "CloseVisitPlan", kMaintainers,
               app::CloseVisitPlan, req, resp);
}

grpc::Status VisitApi::RecordVisit(grpc::ServerContext* ctx,
                                   const v1::RecordVisitRequest* req,
                                   v1::RecordVisitResponse* resp) {
  return Serve(*runtime_, backend_, ctx, "RecordVisit", kMaintainers,
               app::RecordVisit, req, resp);
}

grpc::Status VisitApi::ListVisits(grpc::ServerContext* ctx,
                                  const v1::ListVisitsRequest* req,
                                  v1::ListVisitsResponse* resp) {
  return Serve(*runtime_, backend_, ctx, "ListVisits", kReaders,
               app::ListVisits, req, resp);
}

grpc::Status VisitApi::GetVisitReport(grpc::ServerContext* ctx,
                                      const v1::GetVisitReportRequest* req,
                                      v1::VisitReport* resp) {
  return Serve(*runtime_, backend_, ctx, "GetVisitReport", kReaders,
               app::GetVisitReport, req, resp);
}

grpc::Status VisitApi::ListDueVisits(grpc::ServerContext* ctx,
                                     const v1::ListDueVisitsRequest* req,
                                     v1::ListDueVisitsResponse* resp) {
  return Serve(*runtime_, backend_, ctx, "ListDueVisits", kStaff,
               app::ListDueVisits, req, resp);
}

grpc::Status VisitApi::GetVisitPolicy(grpc::ServerContext* ctx,
                                      const v1::GetVisitPolicyRequest* req,
                                      v1::VisitPolicy* resp) {
  return Serve(*runtime_, backend_, ctx, "GetVisitPolicy", kReaders,
               app::GetVisitPolicy, req, resp);
}

grpc::Status VisitApi::UpdateVisitPolicy(
    grpc::ServerContext* ctx, const v1::UpdateVisitPolicyRequest* req,
    v1::VisitPolicy* resp) {
  return Serve(*runtime_, backend_, ctx, "UpdateVisitPolicy", kArchivists,
               app::UpdateVisitPolicy, req, resp);
}

}  // namespace csm::customer
