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

// The events a batch writes, each with its complaint's name, in order.
using PendingEvents = std::vector<
    std::pair<std::string, std::unique_ptr<google::protobuf::Message>>>;

// A deadline near its end: a timeline step and ComplaintDeadlineWarning.
absl::Status WarnOfDeadlines(ComplaintStore& store, MysqlConnection& conn,
                             const ComplaintRecord& r,
                             const std::vector<v1::DeadlineKind>& warnings,
                             absl::Time now, PendingEvents* events) {
  const v1::ComplaintState state = r.complaint.state();
  for (v1::DeadlineKind kind : warnings) {
    CSM_RETURN_IF_ERROR(store.InsertStep(
        conn, r.id, "warn", state, state, kSystem, "",
        absl::StrCat("the ", DeadlineWord(kind), " deadline is near (",
                     r.sla.terms.warning_percent, "% of its time)"),
        now));
    auto e = std::make_unique<ev::ComplaintDeadlineWarning>();
    e->set_deadline(v1::DeadlineKind_Name(kind));
    ToProtoTimestamp(r.sla.deadline(kind).due, e->mutable_due_time());
    events->push_back({r.complaint.name(), std::move(e)});
  }
  return absl::OkStatus();
}

// Deadlines passed are charged to the department holding the complaint.
absl::Status ChargeHolder(ComplaintStore& store, MysqlConnection& conn,
                          const ComplaintRecord& r,
                          const std::vector<v1::DeadlineKind>& breaches,
                          absl::Time now) {
  if (breaches.empty()) return absl::OkStatus();
  DepartmentCharge charge;
  for (v1::DeadlineKind kind : breaches) charge.MarkBreached(kind);
  return store.ChargeDepartment(conn, r.id, r.complaint.handling_department(),
                                charge, now);
}

// A ComplaintDeadlineBreached and a timeline step per deadline passed.
absl::Status RecordBreaches(ComplaintStore& store, MysqlConnection& conn,
                            const SlaState& before, const ComplaintRecord& r,
                            const std::vector<v1::DeadlineKind>& breaches,
                            absl::Time now, PendingEvents* events) {
  const v1::ComplaintState state = r.complaint.state();
  for (ev::ComplaintDeadlineBreached& b : NewBreaches(before, r.sla)) {
    events->push_back(
        {r.complaint.name(),
         std::make_unique<ev::ComplaintDeadlineBreached>(std::move(b))});
  }
  for (v1::DeadlineKind kind : breaches) {
    CSM_RETURN_IF_ERROR(
        store.InsertStep(conn, r.id, "breach", state, state, kSystem, "",
                         absl::StrCat("the ", DeadlineWord(kind),
                                      " deadline passed; charged to ",
                                      r.complaint.handling_department()),
                         now));
  }
  return absl::OkStatus();
}

// Each level climbed: its escalation row, a step and ComplaintEscalated.
absl::Status Escalate(ComplaintStore& store, MysqlConnection& conn,
                      const ComplaintRecord& r,
                      const std::vector<SweepOutcome::Escalated>& escalations,
                      absl::Time now, PendingEvents* events) {
  const std::string& dept = r.complaint.handling_department();
  const v1::ComplaintState state = r.complaint.state();
  for (const SweepOutcome::Escalated& e : escalations) {
    CSM_RETURN_IF_ERROR(
        store.InsertEscalation(conn, r.id, e.level, e.deadline, dept, now));
    CSM_RETURN_IF_ERROR(store.InsertStep(
        conn, r.id, "escalate", state, state, kSystem, "",
        absl::StrCat("escalated to ", v1::EscalationLevel_Name(e.level), " (",
                     DeadlineWord(e.deadline), " deadline, ", dept, ")"),
        now));
    auto event = std::make_unique<ev::ComplaintEscalated>();
    event->set_level(v1::EscalationLevel_Name(e.level));
    event->set_deadline(v1::DeadlineKind_Name(e.deadline));
    event->set_department(dept);
    ToProtoTimestamp(e.at, event->mutable_due_time());
    event->set_handler_id(r.complaint.handler_id());
    events->push_back({r.complaint.name(), std::move(event)});
  }
  return absl::OkStatus();
}

// The events carry the complaint as written.
absl::Status AttachWrittenComplaint(ComplaintStore& store,
                                    MysqlConnection& conn, int64_t id,
                                    PendingEvents* events) {
  CSM_ASSIGN_OR_RETURN(ComplaintRecord fresh,
                       store.GetComplaint(conn, id, false));
  const ev::ComplaintSnapshot snapshot = SnapshotOf(fresh.complaint);
  for (auto& [aggregate, event] : *events) {
    if (aggregate == fresh.complaint.name()) {
      AttachSnapshot(snapshot, event.get());
    }
  }
  return absl::OkStatus();
}

// One due complaint: the ladder advanced at `now`, what fired written;
// whether anything fired.
absl::StatusOr<bool> SweepComplaint(ComplaintStore& store,
                                    MysqlConnection& conn, int64_t id,
                                    const BusinessCalendar& cal, absl::Time now,
                                    PendingEvents* events) {
  const SlaClock clock(&cal);
  const EscalationLadder ladder(&cal);
  CSM_ASSIGN_OR_RETURN(ComplaintRecord r,
                       store.GetComplaint(conn, id, /*lock=*/true));
  const SlaState before = r.sla;
  SweepOutcome out = ladder.Advance(
      clock, &r.sla, now,
      ComplaintStateMachine::SlaRunning(r.complaint.state()),
      {r.complaint.handler_id(), r.complaint.handling_department()});
  // Written even when nothing fired: the row's next action time is
  // recomputed, so it is not selected again for nothing.
  CSM_RETURN_IF_ERROR(store.UpdateComplaint(conn, &r, now));
  if (out.empty()) return false;
  CSM_RETURN_IF_ERROR(ChargeHolder(store, conn, r, out.breaches, now));
  CSM_RETURN_IF_ERROR(
      WarnOfDeadlines(store, conn, r, out.warnings, now, events));
  CSM_RETURN_IF_ERROR(
      RecordBreaches(store, conn, before, r, out.breaches, now, events));
  CSM_RETURN_IF_ERROR(Escalate(store, conn, r, out.escalations, now, events));
  CSM_RETURN_IF_ERROR(AttachWrittenComplaint(store, conn, id, events));
  return true;
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
        PendingEvents events;
        for (int64_t id : ids) {
          CSM_ASSIGN_OR_RETURN(
              bool fired, SweepComplaint(store_, conn, id, *cal, now, &events));
          if (fired) ++changed;
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
