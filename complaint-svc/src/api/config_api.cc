#include "complaint-svc/src/api/config_api.h"

namespace csm::complaint {

ConfigApi::ConfigApi(MysqlPool* pool, Outbox* outbox, RpcRuntime* runtime,
                     ConfigStore* config)
    : runtime_(runtime), app_(pool, outbox, config) {}

grpc::Status ConfigApi::ListCategories(grpc::ServerContext* ctx,
                                       const v1::ListCategoriesRequest* req,
                                       v1::ListCategoriesResponse* resp) {
  return runtime_->Handle(ctx, "ListCategories", kConfigReaders,
                          [&](const CallContext& call) {
                            return app_.ListCategories(call, *req, resp);
                          });
}

grpc::Status ConfigApi::CreateCategory(grpc::ServerContext* ctx,
                                       const v1::CreateCategoryRequest* req,
                                       v1::Category* resp) {
  return runtime_->Handle(ctx, "CreateCategory", kArchivists,
                          [&](const CallContext& call) {
                            return app_.CreateCategory(call, *req, resp);
                          });
}

grpc::Status ConfigApi::UpdateCategory(grpc::ServerContext* ctx,
                                       const v1::UpdateCategoryRequest* req,
                                       v1::Category* resp) {
  return runtime_->Handle(ctx, "UpdateCategory", kArchivists,
                          [&](const CallContext& call) {
                            return app_.UpdateCategory(call, *req, resp);
                          });
}

grpc::Status ConfigApi::ListSlaPolicies(grpc::ServerContext* ctx,
                                        const v1::ListSlaPoliciesRequest* req,
                                        v1::ListSlaPoliciesResponse* resp) {
  return runtime_->Handle(ctx, "ListSlaPolicies", kConfigReaders,
                          [&](const CallContext& call) {
                            return app_.ListSlaPolicies(call, *req, resp);
                          });
}

grpc::Status ConfigApi::SetSlaPolicy(grpc::ServerContext* ctx,
                                     const v1::SetSlaPolicyRequest* req,
                                     v1::SlaPolicy* resp) {
  return runtime_->Handle(ctx, "SetSlaPolicy", kArchivists,
                          [&](const CallContext& call) {
                            return app_.SetSlaPolicy(call, *req, resp);
                          });
}

grpc::Status ConfigApi::GetBusinessCalendar(
    grpc::ServerContext* ctx, const v1::GetBusinessCalendarRequest* req,
    v1::BusinessCalendar* resp) {
  return runtime_->Handle(ctx, "GetBusinessCalendar", kConfigReaders,
                          [&](const CallContext& call) {
                            return app_.GetBusinessCalendar(call, *req, resp);
                          });
}

grpc::Status ConfigApi::UpdateBusinessCalendar(
    grpc::ServerContext* ctx, const v1::UpdateBusinessCalendarRequest* req,
    v1::BusinessCalendar* resp) {
  return runtime_->Handle(
      ctx, "UpdateBusinessCalendar", kArchivists, [&](const CallContext& call) {
        return app_.UpdateBusinessCalendar(call, *req, resp);
      });
}

}  // namespace csm::complaint
