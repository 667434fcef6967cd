#ifndef CSM_CUSTOMER_SVC_API_CUSTOMER_API_H_
#define CSM_CUSTOMER_SVC_API_CUSTOMER_API_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/mysql_pool.h"
#include "common/outbox.h"
#include "common/rpc.h"
#include "csm/customer/v1/customer.grpc.pb.h"
#include "customer-svc/src/app/backend.h"

namespace csm::customer {

// The gRPC edge of the archives: each RPC names its roles and routes to its
// use case in src/app/ (customer_use_cases.h) through RpcRuntime (auth,
// deadline, logs, metrics, error mapping).
class CustomerApi final : public v1::CustomerService::Service {
 public:
  CustomerApi(MysqlPool* pool, Outbox* outbox, RpcRuntime* runtime);

  grpc::Status CreateCustomer(grpc::ServerContext* ctx,
                              const v1::CreateCustomerRequest* req,
                              v1::CreateCustomerResponse* resp) override;
  grpc::Status GetCustomer(grpc::ServerContext* ctx,
                           const v1::GetCustomerRequest* req,
                           v1::Customer* resp) override;
  grpc::Status ListCustomers(grpc::ServerContext* ctx,
                             const v1::ListCustomersRequest* req,
                             v1::ListCustomersResponse* resp) override;
  grpc::Status UpdateCustomer(grpc::ServerContext* ctx,
                              const v1::UpdateCustomerRequest* req,
                              v1::Customer* resp) override;
  grpc::Status CloseCustomer(grpc::ServerContext* ctx,
                             const v1::CloseCustomerRequest* req,
                             v1::Customer* resp) override;
  grpc::Status ReopenCustomer(grpc::ServerContext* ctx,
                              const v1::ReopenCustomerRequest* req,
                              v1::Customer* resp) override;
  grpc::Status AddContact(grpc::ServerContext* ctx,
                          const v1::AddContactRequest* req,
                          v1::Contact* resp) override;
  grpc::Status UpdateContact(grpc::ServerContext* ctx,
                             const v1::UpdateContactRequest* req,
                             v1::Contact* resp) override;
  grpc::Status RemoveContact(grpc::ServerContext* ctx,
                             const v1::RemoveContactRequest* req,
                             v1::Customer* resp) override;
  grpc::Status ChangeGrade(grpc::ServerContext* ctx,
                           const v1::ChangeGradeRequest* req,
                           v1::Customer* resp) override;
  grpc::Status ListGradeChanges(grpc::ServerContext* ctx,
                                const v1::ListGradeChangesRequest* req,
                                v1::ListGradeChangesResponse* resp) override;
  grpc::Status ChangeCreditRating(grpc::ServerContext* ctx,
                                  const v1::ChangeCreditRatingRequest* req,
                                  v1::Customer* resp) override;
  grpc::Status ListCreditRatingChanges(
      grpc::ServerContext* ctx, const v1::ListCreditRatingChangesRequest* req,
      v1::ListCreditRatingChangesResponse* resp) override;
  grpc::Status TransferOwnership(grpc::ServerContext* ctx,
                                 const v1::TransferOwnershipRequest* req,
                                 v1::Customer* resp) override;
  grpc::Status ListOwnerChanges(grpc::ServerContext* ctx,
                                const v1::ListOwnerChangesRequest* req,
                                v1::ListOwnerChangesResponse* resp) override;
  grpc::Status RecordDealing(grpc::ServerContext* ctx,
                             const v1::RecordDealingRequest* req,
                             v1::Dealing* resp) override;
  grpc::Status ListDealings(grpc::ServerContext* ctx,
                            const v1::ListDealingsRequest* req,
                            v1::ListDealingsResponse* resp) override;
  grpc::Status ListCustomerChanges(
      grpc::ServerContext* ctx, const v1::ListCustomerChangesRequest* req,
      v1::ListCustomerChangesResponse* resp) override;
  grpc::Status ListAccessRecords(grpc::ServerContext* ctx,
                                 const v1::ListAccessRecordsRequest* req,
                                 v1::ListAccessRecordsResponse* resp) override;
  grpc::Status CreateTeam(grpc::ServerContext* ctx,
                          const v1::CreateTeamRequest* req,
                          v1::Team* resp) override;
  grpc::Status UpdateTeam(grpc::ServerContext* ctx,
                          const v1::UpdateTeamRequest* req,
                          v1::Team* resp) override;
  grpc::Status GetTeam(grpc::ServerContext* ctx, const v1::GetTeamRequest* req,
                       v1::Team* resp) override;
  grpc::Status ListTeams(grpc::ServerContext* ctx,
                         const v1::ListTeamsRequest* req,
                         v1::ListTeamsResponse* resp) override;

 private:
  RpcRuntime* runtime_;
  Backend backend_;
};

}  // namespace csm::customer

#endif  // CSM_CUSTOMER_SVC_API_CUSTOMER_API_H_
