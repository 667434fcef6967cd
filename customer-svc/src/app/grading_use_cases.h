// customer-svc's grading use cases (GradingService).
#ifndef CSM_CUSTOMER_SVC_APP_GRADING_USE_CASES_H_
#define CSM_CUSTOMER_SVC_APP_GRADING_USE_CASES_H_

#include "absl/status/status.h"
#include "common/call_context.h"
#include "csm/customer/v1/customer.pb.h"
#include "csm/customer/v1/grading.pb.h"
#include "csm/customer/v1/visits.pb.h"
#include "customer-svc/src/app/backend.h"

namespace csm::customer::app {

// grading.cc
absl::Status GetGradingPolicy(Backend& b, const CallContext& call,
                              const v1::GetGradingPolicyRequest& req,
                              v1::GradingPolicy* resp);
absl::Status UpdateGradingPolicy(Backend& b, const CallContext& call,
                                 const v1::UpdateGradingPolicyRequest& req,
                                 v1::GradingPolicy* resp);
absl::Status GetGradeSuggestion(Backend& b, const CallContext& call,
                                const v1::GetGradeSuggestionRequest& req,
                                v1::GradeSuggestion* resp);
absl::Status ListGradeSuggestions(Backend& b, const CallContext& call,
                                  const v1::ListGradeSuggestionsRequest& req,
                                  v1::ListGradeSuggestionsResponse* resp);

}  // namespace csm::customer::app

#endif  // CSM_CUSTOMER_SVC_APP_GRADING_USE_CASES_H_
