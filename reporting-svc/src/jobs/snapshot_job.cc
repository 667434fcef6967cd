#include "reporting-svc/src/jobs/snapshot_job.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/business_time.h"
#include "common/log.h"
#include "common/status.h"
#include "csm/events/v1/reporting_events.pb.h"
#include "reporting-svc/src/app/snapshot_content.h"
#include "reporting-svc/src/domain/report_schedule.h"
#include "reporting-svc/src/store/schedule_store.h"
#include "reporting-svc/src/store/snapshot_store.h"

namespace csm::reporting {

// A schedule's due run: the run instant and the period it covers.
struct SnapshotJob::DueRun {
  rv1::ReportSchedule schedule;
  absl::Time at;
  ReportPeriod period;
};

namespace {

// A run computes a report of the whole company: generous.
constexpr absl::Duration kRunTimeout = absl::Minutes(5);

// `now` on the business clock: the attrition warning is as of its date.
CallContext JobCall(absl::Time now, absl::Time deadline) {
  CallContext call;
  call.start = now;
  call.principal.staff_id = "system";
  call.principal.roles = RoleSet{Role::kService};
  call.deadline = deadline;
  call.request_id = "report-snapshots";
  return call;
}

absl::StatusOr<std::vector<SnapshotJob::DueRun>> DueRuns(MysqlConnection& conn,
                                                         absl::Time now) {
  CSM_ASSIGN_OR_RETURN(BusinessCalendar calendar, ReadBusinessCalendar(conn));
  CSM_ASSIGN_OR_RETURN(std::vector<rv1::ReportSchedule> schedules,
                       ListSchedules(conn));
  std::vector<SnapshotJob::DueRun> out;
  for (rv1::ReportSchedule& s : schedules) {
    if (!s.active()) continue;
    FieldViolations ignored;
    std::optional<ScheduleRule> rule = DecodeScheduleRule(s, "", &ignored);
    if (!rule.has_value()) continue;
    std::optional<absl::Time> at = LatestRunAtOrBefore(*rule, calendar, now);
    if (!at.has_value()) continue;
    const ReportPeriod period = CoveredPeriod(*rule, *at);
    rv1::ResolvedPeriod resolved;
    ToProto(period, &resolved);
    CSM_ASSIGN_OR_RETURN(bool taken,
                         SnapshotExists(conn, s.name(), resolved.label()));
    if (!taken) out.push_back({std::move(s), *at, period});
  }
  return out;
}

rv1::ReportSnapshot NewSnapshot(const SnapshotJob::DueRun& run,
                                absl::Time now) {
  rv1::ReportSnapshot snap;
  snap.set_schedule(run.schedule.name());
  ToProtoTimestamp(run.at, snap.mutable_scheduled_time());
  ToProtoTimestamp(now, snap.mutable_create_time());
  return snap;
}

csm::events::v1::ReportSnapshotTaken Announcement(
    const rv1::ReportSnapshot& snap) {
  csm::events::v1::ReportSnapshotTaken e;
  e.set_snapshot(snap.name());
  e.set_schedule(snap.schedule());
  e.set_report(rv1::ReportKind_Name(snap.report()));
  e.set_period_label(snap.period().label());
  *e.mutable_period_start_date() = snap.period().start_date();
  *e.mutable_period_end_date() = snap.period().end_date();
  *e.mutable_scheduled_time() = snap.scheduled_time();
  return e;
}

}  // namespace

absl::StatusOr<bool> SnapshotJob::Take(const DueRun& run, absl::Time now,
                                       const CallContext& call) {
  rv1::ReportSnapshot snap = NewSnapshot(run, now);
  CSM_RETURN_IF_ERROR(ComputeSnapshotContent(context_, call,
                                             run.schedule.report(), run.period,
                                             run.schedule.filter(), &snap));
  absl::Status stored = RunInTransaction(
      *context_.pool, call.deadline,
      [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(int64_t id, InsertSnapshot(conn, snap));
        snap.set_name(absl::StrCat("reportSnapshots/", id));
        return outbox_->Append(conn, "system", call.request_id, snap.name(),
                               Announcement(snap));
      });
  if (absl::IsAlreadyExists(stored)) return false;  // another replica's
  CSM_RETURN_IF_ERROR(stored);
  outbox_->NotifyCommitted();
  return true;
}

bool SnapshotJob::FollowersCaughtUp() {
  if (caught_up_) return true;
  for (const FollowerStatus& f : context_.followers()) {
    if (!f.caught_up) {
      log::Info("report snapshots wait for the followers to catch up",
                {{"source", f.source}});
      return false;
    }
  }
  caught_up_ = true;
  return true;
}

absl::StatusOr<int> SnapshotJob::RunOnce() {
  // A run missed while the process was down is taken from the whole
  // history, not from what the followers have applied so far.
  if (!FollowersCaughtUp()) return 0;
  const absl::Time now = clock_->Now();
  const CallContext call = JobCall(now, absl::Now() + kRunTimeout);
  std::vector<DueRun> due;
  CSM_RETURN_IF_ERROR(
      ReadSnapshot(context_, call, [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(due, DueRuns(conn, now));
        return absl::OkStatus();
      }));
  int taken = 0;
  // A schedule whose report fails (a filter its report does not take) is
  // retried at the next run and does not hold the others back.
  absl::Status first_error;
  for (const DueRun& run : due) {
    absl::StatusOr<bool> stored = Take(run, now, call);
    if (!stored.ok() && first_error.ok()) first_error = stored.status();
    if (stored.ok() && *stored) ++taken;
  }
  CSM_RETURN_IF_ERROR(first_error);
  return taken;
}

}  // namespace csm::reporting
