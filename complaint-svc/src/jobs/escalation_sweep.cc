#include "complaint-svc/src/jobs/escalation_sweep.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/business_time.h"
#include "common/status.h"
#include "complaint-svc/src/domain/complaint_snapshot.h"
#include "complaint-svc/src/domain/complaint_state_machine.h"
#include "complaint-svc/src/domain/escalation.h"
#include "csm/events/v1/complaint_events.pb.h"

namespace csm::complaint {
namespace {

namespace ev = ::csm::events::v1;

constexpr char kSystem[] = "system";

std::string DeadlineWord(v1::DeadlineKind kind) {
  switch (kind) {
    case v1::DEADLINE_KIND_ACKNOWLEDGE:
      return "acknowledge";
    case v1::DEADLINE_KIND_INVESTIGATED:
      return "investigated";
    default:
      return "handling opinion";
  }
}

}  // namespace

EscalationSweep::EscalationSweep(MysqlPool* pool, Outbox* outbox,
                                 ConfigStore* config)
    : pool_(pool), outbox_(outbox), config_(config) {}

absl::StatusOr<std::pair<int, int>> EscalationSweep::RunBatch(absl::Time now) {
  int changed = 0;
  int seen = 0;
  absl::Status status = RunInTransaction(
      // `now` is business time (a ManualClock in tests); the pool waits on
      // the real clock.
      *pool_, absl::Now() + absl::Seconds(30),
      [&](MysqlConnection& conn) -> absl::Status {
        changed = 0;
        seen = 0;
        CSM_ASSIGN_OR_RETURN(std::vector<int64_t> ids,
                             store_.LockDueForSweep(conn, now, kBatchSize));
        seen = static_cast<int>(ids.size());
        if (ids.empty()) return absl::OkStatus();
        CSM_ASSIGN_OR_RETURN(std::shared_ptr<const BusinessCalendar> cal,
                             config_->Calendar(conn));
        const SlaClock clock(cal.get());
        const EscalationLadder ladder(cal.get());
        std::vector<
            std::pair<std::string, std::unique_ptr<google::protobuf::Message>>>
            events;
        for (int64_t id : ids) {
          CSM_ASSIGN_OR_RETURN(ComplaintRecord r,
                               store_.GetComplaint(conn, id, /*lock=*/true));
          const v1::ComplaintState state = r.complaint.state();
          const SlaState before = r.sla;
          SweepOutcome out = ladder.Advance(
              clock, &r.sla, now, ComplaintStateMachine::SlaRunning(state),
              {r.complaint.handler_id(), r.complaint.handling_department()});
          // Written even when nothing fired: the row's next action time is
          // recomputed, so it is not selected again for nothing.
          CSM_RETURN_IF_ERROR(store_.UpdateComplaint(conn, &r, now));
          if (out.empty()) continue;
          ++changed;
          const std::string& dept = r.complaint.handling_department();
          DepartmentCharge charge;
          for (v1::DeadlineKind kind : out.breaches) charge.MarkBreached(kind);
          if (!out.breaches.empty()) {
            CSM_RETURN_IF_ERROR(
                store_.ChargeDepartment(conn, id, dept, charge, now));
          }
          for (v1::DeadlineKind kind : out.warnings) {
            CSM_RETURN_IF_ERROR(store_.InsertStep(
                conn, id, "warn", state, state, kSystem, "",
                absl::StrCat("the ", DeadlineWord(kind), " deadline is near (",
                             r.sla.terms.warning_percent, "% of its time)"),
                now));
            auto e = std::make_unique<ev::ComplaintDeadlineWarning>();
            e->set_deadline(v1::DeadlineKind_Name(kind));
            ToProtoTimestamp(r.sla.deadline(kind).due, e->mutable_due_time());
            events.push_back({r.complaint.name(), std::move(e)});
          }
          for (ev::ComplaintDeadlineBreached& b : NewBreaches(before, r.sla)) {
            events.push_back({r.complaint.name(),
                              std::make_unique<ev::ComplaintDeadlineBreached>(
                                  std::move(b))});
          }
          for (v1::DeadlineKind kind : out.breaches) {
            CSM_RETURN_IF_ERROR(store_.InsertStep(
                conn, id, "breach", state, state, kSystem, "",
                absl::StrCat("the ", DeadlineWord(kind),
                             " deadline passed; charged to ", dept),
                now));
          }
          for (const SweepOutcome::Escalated& e : out.escalations) {
            CSM_RETURN_IF_ERROR(store_.InsertEscalation(conn, id, e.level,
                                                        e.deadline, dept, now));
            CSM_RETURN_IF_ERROR(store_.InsertStep(
                conn, id, "escalate", state, state, kSystem, "",
                absl::StrCat("escalated to ", v1::EscalationLevel_Name(e.level),
                             " (", DeadlineWord(e.deadline), " deadline, ",
                             dept, ")"),
                now));
            auto event = std::make_unique<ev::ComplaintEscalated>();
            event->set_level(v1::EscalationLevel_Name(e.level));
            event->set_deadline(v1::DeadlineKind_Name(e.deadline));
            event->set_department(dept);
            ToProtoTimestamp(e.at, event->mutable_due_time());
            event->set_handler_id(r.complaint.handler_id());
            events.push_back({r.complaint.name(), std::move(event)});
          }
          // The events carry the complaint as written.
          CSM_ASSIGN_OR_RETURN(ComplaintRecord fresh,
                               store_.GetComplaint(conn, id, false));
          const ev::ComplaintSnapshot snapshot = SnapshotOf(fresh.complaint);
          for (auto& [aggregate, event] : events) {
            if (aggregate == fresh.complaint.name()) {
              AttachSnapshot(snapshot, event.get());
            }
          }
        }
        // Events last: the outbox counter lock is held for the shortest time.
        for (auto& [aggregate, event] : events) {
          CSM_RETURN_IF_ERROR(
              outbox_->Append(conn, kSystem, "", aggregate, *event));
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  if (changed > 0) outbox_->NotifyCommitted();
  return std::make_pair(changed, seen);
}

absl::StatusOr<int> EscalationSweep::RunOnce(absl::Time now) {
  int total = 0;
  // Bounded: a batch always clears the next action of every row it saw.
  for (int round = 0; round < 1000; ++round) {
    CSM_ASSIGN_OR_RETURN(auto batch, RunBatch(now));
    total += batch.first;
    if (batch.second < kBatchSize) break;
  }
  return total;
}

}  // namespace csm::complaint
