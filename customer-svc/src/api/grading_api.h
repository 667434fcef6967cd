#ifndef CSM_CUSTOMER_SVC_API_GRADING_API_H_
#define CSM_CUSTOMER_SVC_API_GRADING_API_H_

#include "absl/status/status.h"
#include "common/mysql_pool.h"
#include "common/outbox.h"
#include "common/rpc.h"
#include "csm/customer/v1/grading.grpc.pb.h"
#include "customer-svc/src/store/customer_store.h"
#include "customer-svc/src/store/grading_store.h"

namespace csm::customer {

// csm.customer.v1.GradingService (客户分级): the criteria archivists keep,
// and the grade they suggest for archives (domain/grading.h). Suggestions
// are computed on request and change nothing: the grade changes only
// through CustomerService.ChangeGrade.
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
  absl::Status DoUpdateGradingPolicy(const CallContext& call,
                                     const v1::UpdateGradingPolicyRequest& req,
                                     v1::GradingPolicy* resp);
  absl::Status DoGetGradeSuggestion(const CallContext& call,
                                    const v1::GetGradeSuggestionRequest& req,
                                    v1::GradeSuggestion* resp);
  absl::Status DoListGradeSuggestions(
      const CallContext& call, const v1::ListGradeSuggestionsRequest& req,
      v1::ListGradeSuggestionsResponse* resp);

  MysqlPool* pool_;
  Outbox* outbox_;
  RpcRuntime* runtime_;
  CustomerStore customers_;
  GradingStore store_;
};

}  // namespace csm::customer

#endif  // CSM_CUSTOMER_SVC_API_GRADING_API_H_
