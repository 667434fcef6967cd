#ifndef CSM_COMPLAINT_SVC_SRC_JOBS_ESCALATION_SWEEP_H_
#define CSM_COMPLAINT_SVC_SRC_JOBS_ESCALATION_SWEEP_H_

// The escalation sweep: finds complaints whose next action time has come
// and, for each, fires the deadline warning (once per deadline), marks
// breaches (charged to the department holding the complaint) and climbs the
// escalation ladder one level at a time (each level once), writing the
// events, the escalation rows and the timeline steps (actor "system").
//
// Exactly once, across restarts and with several replicas sweeping the same
// schema: each batch is one transaction that selects its rows FOR UPDATE
// SKIP LOCKED (a row another sweeper holds is skipped, not waited for or
// done twice), and the flags and level it writes are what the next pass
// reads; complaint_escalations' key (complaint, level) backs that up.
// ComplaintServer runs it as a periodic job (common/periodic_task.h).

#include <utility>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/mysql_pool.h"
#include "common/outbox.h"
#include "complaint-svc/src/store/complaint_store.h"
#include "complaint-svc/src/store/config_store.h"

namespace csm::complaint {

class EscalationSweep {
 public:
  // None owned.
  EscalationSweep(MysqlPool* pool, Outbox* outbox, ConfigStore* config);

  // One pass at `now`, in batches until nothing is due; returns how many
  // complaints it changed.
  absl::StatusOr<int> RunOnce(absl::Time now);

  static constexpr int kBatchSize = 50;

 private:
  // One transaction over at most kBatchSize due complaints; returns how many
  // it changed and how many it looked at.
  absl::StatusOr<std::pair<int, int>> RunBatch(absl::Time now);

  MysqlPool* pool_;
  Outbox* outbox_;
  ConfigStore* config_;
  ComplaintStore store_;
};

}  // namespace csm::complaint

#endif  // CSM_COMPLAINT_SVC_SRC_JOBS_ESCALATION_SWEEP_H_
