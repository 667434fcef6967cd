#include "customer-svc/src/api/grading_api.h"

#include "customer-svc/src/api/api_common.h"
#include "customer-svc/src/app/grading_use_cases.h"

namespace csm::customer {

GradingApi::GradingApi(MysqlPool* pool, Outbox* outbox, RpcRuntime* runtime)
    : runtime_(runtime), backend_{*pool, *outbox, {}, {}, {}} {}

// Each RPC: its roles at the edge, then its use case (src/app/).

grpc::Status GradingApi::GetGradingPolicy(
    grpc::ServerContext* ctx, const v1::GetGradingPolicyRequest* req,
    v1::GradingPolicy* resp) {
  return Serve(*runtime_, backend_, ctx, "GetGradingPolicy", kReaders,
               app::GetGradingPolicy, req, resp);
}

grpc::Status GradingApi::UpdateGradingPolicy(
    grpc::ServerContext* ctx, const v1::UpdateGradingPolicyRequest* req,
    v1::GradingPolicy* resp) {
  return Serve(*runtime_, backend_, ctx, "UpdateGradingPolicy", kArchivists,
               app::UpdateGradingPolicy, req, resp);
}

grpc::Status GradingApi::GetGradeSuggestion(
    grpc::ServerContext* ctx, const v1::GetGradeSuggestionRequest* req,
    v1::GradeSuggestion* resp) {
  return Serve(*runtime_, backend_, ctx, "GetGradeSuggestion", kReaders,
               app::GetGradeSuggestion, req, resp);
}

grpc::Status GradingApi::ListGradeSuggestions(
    grpc::ServerContext* ctx, const v1::ListGradeSuggestionsRequest* req,
    v1::ListGradeSuggestionsResponse* resp) {
  return Serve(*runtime_, backend_, ctx, "ListGradeSuggestions", kReaders,
               app::ListGradeSuggestions, req, resp);
}

}  // namespace csm::customer
