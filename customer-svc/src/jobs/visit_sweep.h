#ifndef CSM_CUSTOMER_SVC_JOBS_VISIT_SWEEP_H_
#define CSM_CUSTOMER_SVC_JOBS_VISIT_SWEEP_H_

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/mysql_pool.h"
#include "common/outbox.h"
#include "customer-svc/src/store/customer_store.h"
#include "customer-svc/src/store/visit_store.h"

namespace csm::customer {

// "Becoming overdue" is driven by time, not by a request: this sweep finds
//   - open plans of open archives whose next due date has passed and emits
//     VisitBecameOverdue once per (plan, due date), and
//   - open promises past their due date, which it marks BROKEN with a
//     PromiseBroken event.
// Each batch (at most kBatchSize rows) is one transaction that claims its
// rows with FOR UPDATE SKIP LOCKED, emits the events and records that it
// did (visit_plans.overdue_notified_due, promise_state) before committing:
// exactly once across restarts, and across replicas sweeping at once (each
// takes rows the others have not locked). CustomerServer runs it as a
// periodic job (common/periodic_task.h).
class OverdueSweep {
 public:
  static constexpr int kBatchSize = 100;

  // Not owned; must outlive the sweep.
  OverdueSweep(MysqlPool* pool, Outbox* outbox);

  // One pass as of `now` (its Asia/Shanghai date is "today"): the number of
  // plans and promises it reported.
  absl::StatusOr<int> RunOnce(absl::Time now);

 private:
  absl::StatusOr<int> SweepPlans(absl::CivilDay today);
  absl::StatusOr<int> SweepPromises(absl::CivilDay today);

  MysqlPool* pool_;
  Outbox* outbox_;
  CustomerStore customers_;
  VisitStore store_;
};

}  // namespace csm::customer

#endif  // CSM_CUSTOMER_SVC_JOBS_VISIT_SWEEP_H_
