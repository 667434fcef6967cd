#include "customer-svc/src/api/communication_api.h"

#include "customer-svc/src/api/api_common.h"
#include "customer-svc/src/app/communication_use_cases.h"

namespace csm::customer {

CommunicationApi::CommunicationApi(MysqlPool* pool, Outbox* outbox,
                                   RpcRuntime* runtime)
    : runtime_(runtime), backend_{*pool, *outbox, {}, {}, {}} {}

// Each RPC: its roles at the edge, then its use case (src/app/).

grpc::Status CommunicationApi::RecordCommunication(
    grpc::ServerContext* ctx, const v1::RecordCommunicationRequest* req,
    v1::Communication* resp) {
  return Serve(*runtime_, backend_, ctx, "RecordCommunication", kRecorders,
               app::RecordCommunication, req, resp);
}

grpc::Status CommunicationApi::ListCommunications(
    grpc::ServerContext* ctx, const v1::ListCommunicationsRequest* req,
    v1::ListCommunicationsResponse* resp) {
  return Serve(*runtime_, backend_, ctx, "ListCommunications", kReaders,
               app::ListCommunications, req, resp);
}

grpc::Status CommunicationApi::KeepPromise(grpc::ServerContext* ctx,
                                           const v1::KeepPromiseRequest* req,
                                           v1::Communication* resp) {
  return Serve(*runtime_, backend_, ctx, "KeepPromise", kStaff,
               app::KeepPromise, req, resp);
}

grpc::Status CommunicationApi::ListOverduePromises(
    grpc::ServerContext* ctx, const v1::ListOverduePromisesRequest* req,
    v1::ListOverduePromisesResponse* resp) {
  return Serve(*runtime_, backend_, ctx, "ListOverduePromises", kStaff,
               app::ListOverduePromises, req, resp);
}

}  // namespace csm::customer
