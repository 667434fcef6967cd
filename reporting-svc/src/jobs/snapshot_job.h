// The scheduled snapshots (docs/reports.md section 13): every run takes,
// for each active schedule, the latest run at or before now whose snapshot
// is missing, computes its report, and stores it immutable with its
// ReportSnapshotTaken event in reporting-svc's outbox, in one transaction.
// Any number of replicas may run it at once: report_snapshots' unique key
// (schedule, period) lets exactly one insert win; the others roll back,
// event and all. The existence check before computing only saves work.
#ifndef CSM_REPORTING_SVC_JOBS_SNAPSHOT_JOB_H_
#define CSM_REPORTING_SVC_JOBS_SNAPSHOT_JOB_H_

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/call_context.h"
#include "common/clock.h"
#include "common/outbox.h"
#include "reporting-svc/src/app/reports.h"

namespace csm::reporting {

class SnapshotJob {
 public:
  SnapshotJob(ReportContext context, Outbox* outbox, const Clock* clock)
      : context_(std::move(context)), outbox_(outbox), clock_(clock) {}

  // One pass over the schedules: the snapshots this replica stored; the
  // first error after trying every due schedule.
  absl::StatusOr<int> RunOnce();

  struct DueRun;

 private:
  // Stores the snapshot of `run`: false when another replica's won.
  absl::StatusOr<bool> Take(const DueRun& run, absl::Time now,
                            const CallContext& call);

  // Every follower has read its source up to the head once since start-up
  // (then it stays true: later figures are as fresh as the followers are).
  bool FollowersCaughtUp();

  ReportContext context_;
  Outbox* outbox_;
  const Clock* clock_;
  bool caught_up_ = false;
};

}  // namespace csm::reporting

#endif  // CSM_REPORTING_SVC_JOBS_SNAPSHOT_JOB_H_
