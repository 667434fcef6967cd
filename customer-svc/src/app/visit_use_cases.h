// customer-svc's return-visit use cases (VisitService).
#ifndef CSM_CUSTOMER_SVC_APP_VISIT_USE_CASES_H_
#define CSM_CUSTOMER_SVC_APP_VISIT_USE_CASES_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/call_context.h"
#include "common/mysql_pool.h"
#include "csm/customer/v1/customer.pb.h"
#include "csm/customer/v1/grading.pb.h"
#include "csm/customer/v1/visits.pb.h"
#include "customer-svc/src/app/backend.h"
#include "customer-svc/src/domain/visit_schedule.h"

namespace csm::customer::app {

// A plan as callers see it on `today` (Asia/Shanghai).
v1::VisitPlan PlanToProto(const PlanRecord& p, absl::CivilDay today,
                          const VisitPolicy& policy);

// visit_plans.cc
// Every open plan (or archive `customer_id`'s when it is not 0) follows
// `policy` and the archives' current grades: changed schedules are stored
// in the caller's transaction; returns the plans whose due date moved.
absl::StatusOr<std::vector<PlanMove>> RescheduleOpenPlans(
    Backend& b, MysqlConnection& conn, int64_t customer_id,
    const VisitPolicy& policy);
// What a change of a plan's schedule works on, locked in the order of every
// schedule change: the policy (shared), the archive, the plan.
struct LockedPlan {
  PolicyRecord policy;
  v1::Customer customer;
  PlanRecord plan;
};
// The caller must maintain the archive, and it must be open.
absl::StatusOr<LockedPlan> LockPlan(Backend& b, MysqlConnection& conn,
                                    const CallContext& call,
                                    int64_t customer_id, int64_t plan_id);

// After a grade change: the policy (shared lock), then the archive's plans.
absl::StatusOr<std::vector<PlanMove>> RescheduleArchivePlans(
    Backend& b, MysqlConnection& conn, int64_t customer_id);
absl::Status CreateVisitPlan(Backend& b, const CallContext& call,
                             const v1::CreateVisitPlanRequest& req,
                             v1::VisitPlan* resp);
absl::Status GetVisitPlan(Backend& b, const CallContext& call,
                          const v1::GetVisitPlanRequest& req,
                          v1::VisitPlan* resp);
absl::Status ListVisitPlans(Backend& b, const CallContext& call,
                            const v1::ListVisitPlansRequest& req,
                            v1::ListVisitPlansResponse* resp);
absl::Status CloseVisitPlan(Backend& b, const CallContext& call,
                            const v1::CloseVisitPlanRequest& req,
                            v1::VisitPlan* resp);

// visits.cc
absl::Status RecordVisit(Backend& b, const CallContext& call,
                         const v1::RecordVisitRequest& req,
                         v1::RecordVisitResponse* resp);
absl::Status ListVisits(Backend& b, const CallContext& call,
                        const v1::ListVisitsRequest& req,
                        v1::ListVisitsResponse* resp);
absl::Status GetVisitReport(Backend& b, const CallContext& call,
                            const v1::GetVisitReportRequest& req,
                            v1::VisitReport* resp);
absl::Status ListDueVisits(Backend& b, const CallContext& call,
                           const v1::ListDueVisitsRequest& req,
                           v1::ListDueVisitsResponse* resp);

// visit_policy.cc
absl::Status GetVisitPolicy(Backend& b, const CallContext& call,
                            const v1::GetVisitPolicyRequest& req,
                            v1::VisitPolicy* resp);
absl::Status UpdateVisitPolicy(Backend& b, const CallContext& call,
                               const v1::UpdateVisitPolicyRequest& req,
                               v1::VisitPolicy* resp);

}  // namespace csm::customer::app

#endif  // CSM_CUSTOMER_SVC_APP_VISIT_USE_CASES_H_
