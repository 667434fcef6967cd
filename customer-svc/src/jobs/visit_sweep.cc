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
  int total = 0;
  while (true) {
    int batch = 0;
    // The deadline is real time (the pool's), whatever the business clock.
    CSM_RETURN_IF_ERROR(RunInTransaction(
        *pool_, absl::Now() + kBatchTimeout,
        [&](MysqlConnection& conn) -> absl::Status {
          batch = 0;  // a retried transaction starts over
          CSM_ASSIGN_OR_RETURN(
              std::vector<OverduePlan> plans,
              store_.ClaimOverduePlans(conn, today, kBatchSize));
          std::vector<std::pair<std::string, ev::VisitBecameOverdue>> events;
          for (const OverduePlan& p : plans) {
            CSM_ASSIGN_OR_RETURN(
                v1::Customer c,
                customers_.GetCustomer(conn, p.customer_id, false));
            ev::VisitBecameOverdue event;
            *event.mutable_customer() = Snapshot(c);
            event.set_visit_plan(
                VisitStore::PlanName(p.customer_id, p.plan_id));
            event.set_owner_id(c.owner_id());
            ToProtoDate(p.due, event.mutable_due_date());
            CSM_RETURN_IF_ERROR(
                store_.MarkOverdueNotified(conn, p.plan_id, p.due));
            events.emplace_back(c.name(), std::move(event));
          }
          // Last, just before commit: Append holds the outbox counter lock.
          for (const auto& [aggregate, event] : events) {
            CSM_RETURN_IF_ERROR(outbox_->Append(
                conn, kActor, SweepRequestId(today), aggregate, event));
          }
          batch = static_cast<int>(events.size());
          return absl::OkStatus();
        }));
    if (batch > 0) outbox_->NotifyCommitted();
    total += batch;
    if (batch < kBatchSize) return total;
  }
}

absl::StatusOr<int> OverdueSweep::SweepPromises(absl::CivilDay today) {
  int total = 0;
  while (true) {
    int batch = 0;
    CSM_RETURN_IF_ERROR(RunInTransaction(
        *pool_, absl::Now() + kBatchTimeout,
        [&](MysqlConnection& conn) -> absl::Status {
          batch = 0;
          CSM_ASSIGN_OR_RETURN(
              std::vector<BrokenPromise> promises,
              store_.ClaimBrokenPromises(conn, today, kBatchSize));
          std::vector<std::pair<std::string, ev::PromiseBroken>> events;
          for (const BrokenPromise& b : promises) {
            CSM_ASSIGN_OR_RETURN(
                v1::Customer c,
                customers_.GetCustomer(conn, b.customer_id, false));
            ev::PromiseBroken event;
            *event.mutable_customer() = Snapshot(c);
            event.set_communication(VisitStore::CommunicationName(
                b.customer_id, b.communication_id));
            event.set_staff_id(b.staff_id);
            ToProtoDate(b.due, event.mutable_due_date());
            CSM_RETURN_IF_ERROR(
                store_.MarkPromiseBroken(conn, b.communication_id));
            events.emplace_back(c.name(), std::move(event));
          }
          for (const auto& [aggregate, event] : events) {
            CSM_RETURN_IF_ERROR(outbox_->Append(
                conn, kActor, SweepRequestId(today), aggregate, event));
          }
          batch = static_cast<int>(events.size());
          return absl::OkStatus();
        }));
    if (batch > 0) outbox_->NotifyCommitted();
    total += batch;
    if (batch < kBatchSize) return total;
  }
}

}  // namespace csm::customer
