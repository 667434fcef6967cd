#ifndef CSM_COMPLAINT_SVC_SRC_API_CONFIG_API_H_
#define CSM_COMPLAINT_SVC_SRC_API_CONFIG_API_H_

// The gRPC edge of ComplaintConfigService: each RPC is its role gate and
// name on RpcRuntime::Handle around its use case in
// app/complaint_configuration.h.

#include "common/mysql_pool.h"
#include "common/outbox.h"
#include "common/rpc.h"
#include "complaint-svc/src/app/complaint_configuration.h"
#include "complaint-svc/src/store/config_store.h"
#include "csm/complaint/v1/complaint.grpc.pb.h"

namespace csm::complaint {

class ConfigApi final : public v1::ComplaintConfigService::Service {
 public:
  // `config` is shared with the rest of the service (its calendar cache).
  // None owned. `outbox` takes BusinessCalendarChanged.
  ConfigApi(MysqlPool* pool, Outbox* outbox, RpcRuntime* runtime,
            ConfigStore* config);

  grpc::Status ListCategories(grpc::ServerContext* ctx,
                              const v1::ListCategoriesRequest* req,
                              v1::ListCategoriesResponse* resp) override;
  grpc::Status CreateCategory(grpc::ServerContext* ctx,
                              const v1::CreateCategoryRequest* req,
                              v1::Category* resp) override;
  grpc::Status UpdateCategory(grpc::ServerContext* ctx,
                              const v1::UpdateCategoryRequest* req,
                              v1::Category* resp) override;
  grpc::Status ListSlaPolicies(grpc::ServerContext* ctx,
                               const v1::ListSlaPoliciesRequest* req,
                               v1::ListSlaPoliciesResponse* resp) override;
  grpc::Status SetSlaPolicy(grpc::ServerContext* ctx,
                            const v1::SetSlaPolicyRequest* req,
                            v1::SlaPolicy* resp) override;
  grpc::Status GetBusinessCalendar(grpc::ServerContext* ctx,
                                   const v1::GetBusinessCalendarRequest* req,
                                   v1::BusinessCalendar* resp) override;
  grpc::Status UpdateBusinessCalendar(
      grpc::ServerContext* ctx, const v1::UpdateBusinessCalendarRequest* req,
      v1::BusinessCalendar* resp) override;

 private:
  RpcRuntime* runtime_;
  ComplaintConfiguration app_;
};

}  // namespace csm::complaint

#endif  // CSM_COMPLAINT_SVC_SRC_API_CONFIG_API_H_
