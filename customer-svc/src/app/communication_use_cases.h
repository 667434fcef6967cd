// customer-svc's communication use cases (CommunicationService).
#ifndef CSM_CUSTOMER_SVC_APP_COMMUNICATION_USE_CASES_H_
#define CSM_CUSTOMER_SVC_APP_COMMUNICATION_USE_CASES_H_

#include "absl/status/status.h"
#include "common/call_context.h"
#include "csm/customer/v1/customer.pb.h"
#include "csm/customer/v1/grading.pb.h"
#include "csm/customer/v1/visits.pb.h"
#include "customer-svc/src/app/backend.h"

namespace csm::customer::app {

// communications.cc
absl::Status RecordCommunication(Backend& b, const CallContext& call,
                                 const v1::RecordCommunicationRequest& req,
                                 v1::Communication* resp);
absl::Status ListCommunications(Backend& b, const CallContext& call,
                                const v1::ListCommunicationsRequest& req,
                                v1::ListCommunicationsResponse* resp);
absl::Status KeepPromise(Backend& b, const CallContext& call,
                         const v1::KeepPromiseRequest& req,
                         v1::Communication* resp);
absl::Status ListOverduePromises(Backend& b, const CallContext& call,
                                 const v1::ListOverduePromisesRequest& req,
                                 v1::ListOverduePromisesResponse* resp);

}  // namespace csm::customer::app

#endif  // CSM_CUSTOMER_SVC_APP_COMMUNICATION_USE_CASES_H_
