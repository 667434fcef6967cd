#include "customer-svc/src/jobs/visit_sweep.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/business_time.h"
#include "common/status.h"
#include "csm/events/v1/customer_events.pb.h"
#include "customer-svc/src/app/archive_mutation.h"
#include "customer-svc/src/domain/visit_schedule.h"

namespace csm::customer {
namespace {

namespace ev = ::csm::events::v1;

// Who caused the events: no person, the service's own sweep.
constexpr char kActor[] = "customer-svc/overdue-sweep";
// One batch is a few hundred statements; a stuck database must not hold
// the sweep (or shutdown) for long.
constexpr absl::Duration kBatchTimeout = absl::Seconds(30);

std::string SweepRequestId(absl::CivilDay today) {
  return absl::StrCat("overdue-sweep-", absl::FormatCivilTime(today));
}

// The events of one batch, each with its aggregate.
template <typename Event>
using Events = std::vector<std::pair<std::string, Event>>;

// Batches of at most OverdueSweep::kBatchSize, one transaction each, until
// one comes short: `claim(conn, &events)` claims a batch and builds its
// events, appended last, just before commit (Append holds the outbox
// counter lock).
template <typename Event, typename Claim>
absl::StatusOr<int> SweepInBatches(MysqlPool& pool, Outbox& outbox,
                                   absl::CivilDay today, const Claim& claim) {
  int total = 0;
  while (true) {
    int batch = 0;
    // The deadline is real time (the pool's), whatever the business clock.
    CSM_RETURN_IF_ERROR(RunInTransaction(
        pool, absl::Now() + kBatchTimeout,
        [&](MysqlConnection& conn) -> absl::Status {
          batch = 0;  // a retried transaction starts over
          Events<Event> events;
          CSM_RETURN_IF_ERROR(claim(conn, &events));
          for (const auto& [aggregate, event] : events) {
            CSM_RETURN_IF_ERROR(outbox.Append(
                conn, kActor, SweepRequestId(today), aggregate, event));
          }
          batch = static_cast<int>(events.size());
          return absl::OkStatus();
        }));
    if (batch > 0) outbox.NotifyCommitted();
    total += batch;
    if (batch < OverdueSweep::kBatchSize) return total;
  }
}

}  // namespace

OverdueSweep::OverdueSweep(MysqlPool* pool, Outbox* outbox)
    : pool_(pool), outbox_(outbox) {}

absl::StatusOr<int> OverdueSweep::RunOnce(absl::Time now) {
  const absl::CivilDay today = BusinessDate(now);
  CSM_ASSIGN_OR_RETURN(int plans, SweepPlans(today));
  CSM_ASSIGN_OR_RETURN(int promises, SweepPromises(today));
  return plans + promises;
}

absl::StatusOr<int> OverdueSweep::SweepPlans(absl::CivilDay today) {
  return SweepInBatches<ev::VisitBecameOverdue>(
      *pool_, *outbox_, today,
      [&](MysqlConnection& conn,
          Events<ev::VisitBecameOverdue>* events) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(std::vector<OverduePlan> plans,
                             store_.ClaimOverduePlans(conn, today, kBatchSize));
        for (const OverduePlan& p : plans) {
          CSM_ASSIGN_OR_RETURN(v1::Customer c, customers_.GetCustomer(
                                                   conn, p.customer_id, false));
          ev::VisitBecameOverdue event;
          *event.mutable_customer() = Snapshot(c);
          event.set_visit_plan(VisitStore::PlanName(p.customer_id, p.plan_id));
          event.set_owner_id(c.owner_id());
          ToProtoDate(p.due, event.mutable_due_date());
          CSM_RETURN_IF_ERROR(
              store_.MarkOverdueNotified(conn, p.plan_id, p.due));
          events->emplace_back(c.name(), std::move(event));
        }
        return absl::OkStatus();
      });
}

absl::StatusOr<int> OverdueSweep::SweepPromises(absl::CivilDay today) {
  return SweepInBatches<ev::PromiseBroken>(
      *pool_, *outbox_, today,
      [&](MysqlConnection& conn,
          Events<ev::PromiseBroken>* events) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(
            std::vector<BrokenPromise> promises,
            store_.ClaimBrokenPromises(conn, today, kBatchSize));
        for (const BrokenPromise& b : promises) {
          CSM_ASSIGN_OR_RETURN(v1::Customer c, customers_.GetCustomer(
                                                   conn, b.customer_id, false));
          ev::PromiseBroken event;
          *event.mutable_customer() = Snapshot(c);
          event.set_communication(
              VisitStore::CommunicationName(b.customer_id, b.communication_id));
          event.set_staff_id(b.staff_id);
          ToProtoDate(b.due, event.mutable_due_date());
          CSM_RETURN_IF_ERROR(
              store_.MarkPromiseBroken(conn, b.communication_id));
          events->emplace_back(c.name(), std::move(event));
        }
        return absl::OkStatus();
      });
}

}  // namespace csm::customer
