#ifndef CSM_CUSTOMER_SVC_API_COMMUNICATION_API_H_
#define CSM_CUSTOMER_SVC_API_COMMUNICATION_API_H_

#include <functional>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/mysql_pool.h"
#include "common/outbox.h"
#include "common/rpc.h"
#include "csm/customer/v1/visits.grpc.pb.h"
#include "customer-svc/src/store/customer_store.h"
#include "customer-svc/src/store/visit_store.h"

namespace csm::customer {

// csm.customer.v1.CommunicationService: communication records (沟通记录 /
// 接待记录) and the promises made in them (承诺在N天内解决). Same shape as
// CustomerApi: each RPC delegates to a Do* method; mutations run once per
// request_id with their outbox event in the same transaction.
class CommunicationApi final : public v1::CommunicationService::Service {
 public:
  CommunicationApi(MysqlPool* pool, Outbox* outbox, RpcRuntime* runtime);

  grpc::Status RecordCommunication(grpc::ServerContext* ctx,
                                   const v1::RecordCommunicationRequest* req,
                                   v1::Communication* resp) override;
  grpc::Status ListCommunications(
      grpc::ServerContext* ctx, const v1::ListCommunicationsRequest* req,
      v1::ListCommunicationsResponse* resp) override;
  grpc::Status KeepPromise(grpc::ServerContext* ctx,
                           const v1::KeepPromiseRequest* req,
                           v1::Communication* resp) override;
  grpc::Status ListOverduePromises(
      grpc::ServerContext* ctx, const v1::ListOverduePromisesRequest* req,
      v1::ListOverduePromisesResponse* resp) override;

 private:
  absl::Status DoRecordCommunication(const CallContext& call,
                                     const v1::RecordCommunicationRequest& req,
                                     v1::Communication* resp);
  absl::Status DoListCommunications(const CallContext& call,
                                    const v1::ListCommunicationsRequest& req,
                                    v1::ListCommunicationsResponse* resp);
  absl::Status DoKeepPromise(const CallContext& call,
                             const v1::KeepPromiseRequest& req,
                             v1::Communication* resp);
  absl::Status DoListOverduePromises(const CallContext& call,
                                     const v1::ListOverduePromisesRequest& req,
                                     v1::ListOverduePromisesResponse* resp);

  MysqlPool* pool_;
  Outbox* outbox_;
  RpcRuntime* runtime_;
  CustomerStore customers_;
  VisitStore store_;
};

}  // namespace csm::customer

#endif  // CSM_CUSTOMER_SVC_API_COMMUNICATION_API_H_
