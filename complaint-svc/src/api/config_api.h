#ifndef CSM_COMPLAINT_SVC_SRC_API_CONFIG_API_H_
#define CSM_COMPLAINT_SVC_SRC_API_CONFIG_API_H_

#include <functional>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/mysql_pool.h"
#include "common/rpc.h"
#include "complaint-svc/src/store/config_store.h"
#include "csm/complaint/v1/complaint.grpc.pb.h"

namespace csm::complaint {

// ComplaintConfigService: what complaint handling depends on. Archivists
// write (categories, SLA policies, the business calendar); every role reads.
// Each RPC delegates to a Do* method returning absl::Status; writes run once
// per request_id. Config changes publish no events.
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
  absl::Status DoListCategories(const CallContext& call,
                                const v1::ListCategoriesRequest& req,
                                v1::ListCategoriesResponse* resp);
  absl::Status DoCreateCategory(const CallContext& call,
                                const v1::CreateCategoryRequest& req,
                                v1::Category* resp);
  absl::Status DoUpdateCategory(const CallContext& call,
                                const v1::UpdateCategoryRequest& req,
                                v1::Category* resp);
  absl::Status DoListSlaPolicies(const CallContext& call,
                                 const v1::ListSlaPoliciesRequest& req,
                                 v1::ListSlaPoliciesResponse* resp);
  absl::Status DoSetSlaPolicy(const CallContext& call,
                              const v1::SetSlaPolicyRequest& req,
                              v1::SlaPolicy* resp);
  absl::Status DoGetBusinessCalendar(const CallContext& call,
                                     const v1::GetBusinessCalendarRequest& req,
                                     v1::BusinessCalendar* resp);
  absl::Status DoUpdateBusinessCalendar(
      const CallContext& call, const v1::UpdateBusinessCalendarRequest& req,
      v1::BusinessCalendar* resp);

  // Runs a write once per request_id, in one transaction.
  absl::Status Mutate(
      const CallContext& call, absl::string_view request_id,
      const google::protobuf::Message& req, google::protobuf::Message* resp,
      const std::function<absl::Status(MysqlConnection&)>& body);

  MysqlPool* pool_;
  Outbox* outbox_;
  RpcRuntime* runtime_;
  ConfigStore* config_;
};

}  // namespace csm::complaint

#endif  // CSM_COMPLAINT_SVC_SRC_API_CONFIG_API_H_
