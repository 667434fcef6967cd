// customer-svc's archive use cases (CustomerService), one family a file:
// each validates its request, decides, and runs its store calls in one
// transaction. The API only routes calls here.
#ifndef CSM_CUSTOMER_SVC_APP_CUSTOMER_USE_CASES_H_
#define CSM_CUSTOMER_SVC_APP_CUSTOMER_USE_CASES_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/call_context.h"
#include "csm/customer/v1/customer.pb.h"
#include "customer-svc/src/app/backend.h"

namespace csm::customer::app {

// create_customer.cc
absl::Status CreateCustomer(Backend& b, const CallContext& call,
                            const v1::CreateCustomerRequest& req,
                            v1::CreateCustomerResponse* resp);

// read_customers.cc
absl::Status GetCustomer(Backend& b, const CallContext& call,
                         const v1::GetCustomerRequest& req, v1::Customer* resp);
absl::Status ListCustomers(Backend& b, const CallContext& call,
                           const v1::ListCustomersRequest& req,
                           v1::ListCustomersResponse* resp);
// Whether a call asks for unmasked data; FULL needs a stated purpose.
absl::StatusOr<bool> WantsFullView(v1::CustomerView view,
                                   absl::string_view purpose);

// update_customer.cc
absl::Status UpdateCustomer(Backend& b, const CallContext& call,
                            const v1::UpdateCustomerRequest& req,
                            v1::Customer* resp);

// archive_state.cc
absl::Status CloseCustomer(Backend& b, const CallContext& call,
                           const v1::CloseCustomerRequest& req,
                           v1::Customer* resp);
absl::Status ReopenCustomer(Backend& b, const CallContext& call,
                            const v1::ReopenCustomerRequest& req,
                            v1::Customer* resp);

// contacts.cc
absl::Status AddContact(Backend& b, const CallContext& call,
                        const v1::AddContactRequest& req, v1::Contact* resp);
absl::Status UpdateContact(Backend& b, const CallContext& call,
                           const v1::UpdateContactRequest& req,
                           v1::Contact* resp);
absl::Status RemoveContact(Backend& b, const CallContext& call,
                           const v1::RemoveContactRequest& req,
                           v1::Customer* resp);

// change_rating.cc
absl::Status ChangeGrade(Backend& b, const CallContext& call,
                         const v1::ChangeGradeRequest& req, v1::Customer* resp);
absl::Status ChangeCreditRating(Backend& b, const CallContext& call,
                                const v1::ChangeCreditRatingRequest& req,
                                v1::Customer* resp);

// transfer_ownership.cc
absl::Status TransferOwnership(Backend& b, const CallContext& call,
                               const v1::TransferOwnershipRequest& req,
                               v1::Customer* resp);

// dealings.cc
absl::Status RecordDealing(Backend& b, const CallContext& call,
                           const v1::RecordDealingRequest& req,
                           v1::Dealing* resp);
absl::Status ListDealings(Backend& b, const CallContext& call,
                          const v1::ListDealingsRequest& req,
                          v1::ListDealingsResponse* resp);

// history.cc
absl::Status ListGradeChanges(Backend& b, const CallContext& call,
                              const v1::ListGradeChangesRequest& req,
                              v1::ListGradeChangesResponse* resp);
absl::Status ListCreditRatingChanges(
    Backend& b, const CallContext& call,
    const v1::ListCreditRatingChangesRequest& req,
    v1::ListCreditRatingChangesResponse* resp);
absl::Status ListOwnerChanges(Backend& b, const CallContext& call,
                              const v1::ListOwnerChangesRequest& req,
                              v1::ListOwnerChangesResponse* resp);
absl::Status ListCustomerChanges(Backend& b, const CallContext& call,
                                 const v1::ListCustomerChangesRequest& req,
                                 v1::ListCustomerChangesResponse* resp);
absl::Status ListAccessRecords(Backend& b, const CallContext& call,
                               const v1::ListAccessRecordsRequest& req,
                               v1::ListAccessRecordsResponse* resp);

// teams.cc
absl::Status CreateTeam(Backend& b, const CallContext& call,
                        const v1::CreateTeamRequest& req, v1::Team* resp);
absl::Status UpdateTeam(Backend& b, const CallContext& call,
                        const v1::UpdateTeamRequest& req, v1::Team* resp);
absl::Status GetTeam(Backend& b, const CallContext& call,
                     const v1::GetTeamRequest& req, v1::Team* resp);
absl::Status ListTeams(Backend& b, const CallContext& call,
                       const v1::ListTeamsRequest& req,
                       v1::ListTeamsResponse* resp);

}  // namespace csm::customer::app

#endif  // CSM_CUSTOMER_SVC_APP_CUSTOMER_USE_CASES_H_
