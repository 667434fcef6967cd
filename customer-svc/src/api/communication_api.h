#ifndef CSM_CUSTOMER_SVC_API_COMMUNICATION_API_H_
#define CSM_CUSTOMER_SVC_API_COMMUNICATION_API_H_

#include "common/mysql_pool.h"
#include "common/outbox.h"
#include "common/rpc.h"
#include "csm/customer/v1/visits.grpc.pb.h"
#include "customer-svc/src/app/backend.h"

namespace csm::customer {

// csm.customer.v1.CommunicationService: communication records and their
// promises; the use cases are in src/app/communication_use_cases.h.
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
  RpcRuntime* runtime_;
  Backend backend_;
};

}  // namespace csm::customer

#endif  // CSM_CUSTOMER_SVC_API_COMMUNICATION_API_H_
