#ifndef CSM_CUSTOMER_SVC_API_VISIT_SWEEP_H_
#define CSM_CUSTOMER_SVC_API_VISIT_SWEEP_H_

#include <condition_variable>
#include <mutex>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/clock.h"
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
// takes rows the others have not locked).
class OverdueSweep {
 public:
  static constexpr int kBatchSize = 100;

  // Not owned; must outlive the sweep. `clock` gives "now" to the thread.
  OverdueSweep(MysqlPool* pool, Outbox* outbox, const Clock* clock);
  ~OverdueSweep();

  // One pass as of `now` (its Asia/Shanghai date is "today"): the number of
  // plans and promises it reported.
  absl::StatusOr<int> RunOnce(absl::Time now);

  // Runs RunOnce every `interval` on a thread, the first pass at once.
  // A non-positive interval starts nothing. Stop() ends it promptly.
  void Start(absl::Duration interval);
  void Stop();

 private:
  absl::StatusOr<int> SweepPlans(absl::CivilDay today);
  absl::StatusOr<int> SweepPromises(absl::CivilDay today);
  void Loop(absl::Duration interval);

  MysqlPool* pool_;
  Outbox* outbox_;
  const Clock* clock_;
  CustomerStore customers_;
  VisitStore store_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace csm::customer

#endif  // CSM_CUSTOMER_SVC_API_VISIT_SWEEP_H_
