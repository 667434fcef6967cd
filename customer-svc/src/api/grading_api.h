#ifndef CSM_CUSTOMER_SVC_API_GRADING_API_H_
#define CSM_CUSTOMER_SVC_API_GRADING_API_H_

#include "common/mysql_pool.h"
#include "common/outbox.h"
#include "common/rpc.h"
#include "csm/customer/v1/grading.grpc.pb.h"
#include "customer-svc/src/app/backend.h"

namespace csm::customer {

// csm.customer.v1.GradingService: the grading policy and grade suggestions;
// the use cases are in src/app/grading_use_cases.h.
class GradingApi final : public v1::GradingService::Service {
 public:
  GradingApi(MysqlPool* pool, Outbox* outbox, RpcRuntime* runtime);

  grpc::Status GetGradingPolicy(grpc::ServerContext* ctx,
                                const v1::GetGradingPolicyRequest* req,
                                v1::GradingPolicy* resp) override;
  grpc::Status UpdateGradingPolicy(grpc::ServerContext* ctx,
                                   const v1::UpdateGradingPolicyRequest* req,
                                   v1::GradingPolicy* resp) override;
  grpc::Status GetGradeSuggestion(grpc::ServerContext* ctx,
                                  const v1::GetGradeSuggestionRequest* req,
                                  v1::GradeSuggestion* resp) override;
  grpc::Status ListGradeSuggestions(
      grpc::ServerContext* ctx, const v1::ListGradeSuggestionsRequest* req,
      v1::ListGradeSuggestionsResponse* resp) override;

 private:
  RpcRuntime* runtime_;
  Backend backend_;
};

}  // namespace csm::customer

#endif  // CSM_CUSTOMER_SVC_API_GRADING_API_H_
