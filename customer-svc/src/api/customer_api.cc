#include "customer-svc/src/api/customer_api.h"

#include "customer-svc/src/api/api_common.h"
#include "customer-svc/src/app/customer_use_cases.h"

namespace csm::customer {

CustomerApi::CustomerApi(MysqlPool* pool, Outbox* outbox, RpcRuntime* runtime)
    : runtime_(runtime), backend_{*pool, *outbox, {}, {}, {}} {}

// Each RPC: its roles at the edge, then its use case (src/app/).

grpc::Status CustomerApi::CreateCustomer(grpc::ServerContext* ctx,
                                         const v1::CreateCustomerRequest* req,
                                         v1::CreateCustomerResponse* resp) {
  return Serve(*runtime_, backend_, ctx, "CreateCustomer", kCreators,
               app::CreateCustomer, req, resp);
}

grpc::Status CustomerApi::GetCustomer(grpc::ServerContext* ctx,
                                      const v1::GetCustomerRequest* req,
                                      v1::Customer* resp) {
  return Serve(*runtime_, backend_, ctx, "GetCustomer", kReaders,
               app::GetCustomer, req, resp);
}

grpc::Status CustomerApi::ListCustomers(grpc::ServerContext* ctx,
                                        const v1::ListCustomersRequest* req,
                                        v1::ListCustomersResponse* resp) {
  return Serve(*runtime_, backend_, ctx, "ListCustomers", kReaders,
               app::ListCustomers, req, resp);
}

grpc::Status CustomerApi::UpdateCustomer(grpc::ServerContext* ctx,
                                         const v1::UpdateCustomerRequest* req,
                                         v1::Customer* resp) {
  return Serve(*runtime_, backend_, ctx, "UpdateCustomer", kMaintainers,
               app::UpdateCustomer, req, resp);
}

grpc::Status CustomerApi::CloseCustomer(grpc::ServerContext* ctx,
                                        const v1::CloseCustomerRequest* req,
                                        v1::Customer* resp) {
  return Serve(*runtime_, backend_, ctx, "CloseCustomer", kSupervisors,
               app::CloseCustomer, req, resp);
}

grpc::Status CustomerApi::ReopenCustomer(grpc::ServerContext* ctx,
                                         const v1::ReopenCustomerRequest* req,
                                         v1::Customer* resp) {
  return Serve(*runtime_, backend_, ctx, "ReopenCustomer", kSupervisors,
               app::ReopenCustomer, req, resp);
}

grpc::Status CustomerApi::AddContact(grpc::ServerContext* ctx,
                                     const v1::AddContactRequest* req,
                                     v1::Contact* resp) {
  return Serve(*runtime_, backend_, ctx, "AddContact", kMaintainers,
               app::AddContact, req, resp);
}

grpc::Status CustomerApi::UpdateContact(grpc::ServerContext* ctx,
                                        const v1::UpdateContactRequest* req,
                                        v1::Contact* resp) {
  return Serve(*runtime_, backend_, ctx, "UpdateContact", kMaintainers,
               app::UpdateContact, req, resp);
}

grpc::Status CustomerApi::RemoveContact(grpc::ServerContext* ctx,
                                        const v1::RemoveContactRequest* req,
                                        v1::Customer* resp) {
  return Serve(*runtime_, backend_, ctx, "RemoveContact", kMaintainers,
               app::RemoveContact, req, resp);
}

grpc::Status CustomerApi::ChangeGrade(grpc::ServerContext* ctx,
                                      const v1::ChangeGradeRequest* req,
                                      v1::Customer* resp) {
  return Serve(*runtime_, backend_, ctx, "ChangeGrade", kMaintainers,
               app::ChangeGrade, req, resp);
}

grpc::Status CustomerApi::ListGradeChanges(
    grpc::ServerContext* ctx, const v1::ListGradeChangesRequest* req,
    v1::ListGradeChangesResponse* resp) {
  return Serve(*runtime_, backend_, ctx, "ListGradeChanges", kReaders,
               app::ListGradeChanges, req, resp);
}

grpc::Status CustomerApi::ChangeCreditRating(
    grpc::ServerContext* ctx, const v1::ChangeCreditRatingRequest* req,
    v1::Customer* resp) {
  return Serve(*runtime_, backend_, ctx, "ChangeCreditRating", kSupervisors,
               app::ChangeCreditRating, req, resp);
}

grpc::Status CustomerApi::ListCreditRatingChanges(
    grpc::ServerContext* ctx, const v1::ListCreditRatingChangesRequest* req,
    v1::ListCreditRatingChangesResponse* resp) {
  return Serve(*runtime_, backend_, ctx, "ListCreditRatingChanges", kReaders,
               app::ListCreditRatingChanges, req, resp);
}

grpc::Status CustomerApi::TransferOwnership(
    grpc::ServerContext* ctx, const v1::TransferOwnershipRequest* req,
    v1::Customer* resp) {
  return Serve(*runtime_, backend_, ctx, "TransferOwnership", kSupervisors,
               app::TransferOwnership, req, resp);
}

grpc::Status CustomerApi::ListOwnerChanges(
    grpc::ServerContext* ctx, const v1::ListOwnerChangesRequest* req,
    v1::ListOwnerChangesResponse* resp) {
  return Serve(*runtime_, backend_, ctx, "ListOwnerChanges", kReaders,
               app::ListOwnerChanges, req, resp);
}

grpc::Status CustomerApi::RecordDealing(grpc::ServerContext* ctx,
                                        const v1::RecordDealingRequest* req,
                                        v1::Dealing* resp) {
  return Serve(*runtime_, backend_, ctx, "RecordDealing", kDealingRecorders,
               app::RecordDealing, req, resp);
}

grpc::Status CustomerApi::ListDealings(grpc::ServerContext* ctx,
                                       const v1::ListDealingsRequest* req,
                                       v1::ListDealingsResponse* resp) {
  return Serve(*runtime_, backend_, ctx, "ListDealings", kReaders,
               app::ListDealings, req, resp);
}

grpc::Status CustomerApi::ListCustomerChanges(
    grpc::ServerContext* ctx, const v1::ListCustomerChangesRequest* req,
    v1::ListCustomerChangesResponse* resp) {
  return Serve(*runtime_, backend_, ctx, "ListCustomerChanges", kReaders,
               app::ListCustomerChanges, req, resp);
}

grpc::Status CustomerApi::ListAccessRecords(
    grpc::ServerContext* ctx, const v1::ListAccessRecordsRequest* req,
    v1::ListAccessRecordsResponse* resp) {
  return Serve(*runtime_, backend_, ctx, "ListAccessRecords", kArchivists,
               app::ListAccessRecords, req, resp);
}

grpc::Status CustomerApi::CreateTeam(grpc::ServerContext* ctx,
                                     const v1::CreateTeamRequest* req,
                                     v1::Team* resp) {
  return Serve(*runtime_, backend_, ctx, "CreateTeam", kTeamAdmins,
               app::CreateTeam, req, resp);
}

grpc::Status CustomerApi::UpdateTeam(grpc::ServerContext* ctx,
                                     const v1::UpdateTeamRequest* req,
                                     v1::Team* resp) {
  return Serve(*runtime_, backend_, ctx, "UpdateTeam", kTeamAdmins,
               app::UpdateTeam, req, resp);
}

grpc::Status CustomerApi::GetTeam(grpc::ServerContext* ctx,
                                  const v1::GetTeamRequest* req,
                                  v1::Team* resp) {
  return Serve(*runtime_, backend_, ctx, "GetTeam", kReaders, app::GetTeam, req,
               resp);
}

grpc::Status CustomerApi::ListTeams(grpc::ServerContext* ctx,
                                    const v1::ListTeamsRequest* req,
                                    v1::ListTeamsResponse* resp) {
  return Serve(*runtime_, backend_, ctx, "ListTeams", kReaders, app::ListTeams,
               req, resp);
}

}  // namespace csm::customer
