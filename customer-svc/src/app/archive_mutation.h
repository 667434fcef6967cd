// The one way customer-svc changes an archive: load and lock it, check who
// may, that it is open and that the caller read its current version, apply
// the change, write the row and the history entry, append the events, all
// in one idempotent transaction (request_id). A new mutation of an archive
// is a short `apply` lambda.
#ifndef CSM_CUSTOMER_SVC_APP_ARCHIVE_MUTATION_H_
#define CSM_CUSTOMER_SVC_APP_ARCHIVE_MUTATION_H_

#include <google/protobuf/message.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/call_context.h"
#include "common/mysql_pool.h"
#include "csm/customer/v1/customer.pb.h"
#include "csm/events/v1/customer_events.pb.h"
#include "customer-svc/src/app/backend.h"
#include "customer-svc/src/domain/archive_access.h"
#include "customer-svc/src/domain/change_history.h"
#include "customer-svc/src/store/visit_store.h"

namespace csm::customer {

ArchiveAccess AccessOf(const v1::Customer& c);

// FAILED_PRECONDITION when the archive is closed.
absl::Status RequireOpen(const v1::Customer& c);
// PERMISSION_DENIED unless MayMaintain / MaySupervise.
absl::Status RequireMaintainer(const CallContext& call, const v1::Customer& c);
absl::Status RequireSupervisor(const CallContext& call, const v1::Customer& c);

// The reportable facts of an archive for an event (no personal data).
csm::events::v1::CustomerSnapshot Snapshot(const v1::Customer& c);

// One VisitPlanRescheduled per moved plan, with its archive's snapshot as of
// now, in the caller's transaction. `reason`: "visit_policy" or "grade".
absl::Status AppendPlanMoves(MysqlConnection& conn, Outbox& outbox,
                             const CallContext& call,
                             const std::vector<PlanMove>& moves,
                             absl::string_view reason);

// Who may make a change to an archive.
enum class ArchiveRight { kMaintain, kSupervise };

struct ArchiveMutation {
  // The history entry's method, e.g. "ChangeGrade".
  absl::string_view method;
  ArchiveRight right = ArchiveRight::kMaintain;
  // Closed archives refuse the change (all but closing and reopening).
  bool open_only = true;
  // The archive etag the caller read; none for changes addressed to a
  // contact (which carry the contact's).
  std::optional<int64_t> etag;
};

// What a mutation's own part works on, inside the call's transaction.
struct ArchiveScope {
  MysqlConnection& conn;
  const CallContext& call;
  Backend& backend;
  const int64_t id;
  // The archive, locked; the change edits it in place.
  v1::Customer& customer;
  // The history entry's fields. Left empty, the call changed nothing and
  // nothing is written.
  std::vector<FieldChangeRecord> changes;
  // Contact changes only bump the archive's version; others write its row.
  bool touch_only = false;
  // Appended after the write. Those whose `customer` snapshot the change did
  // not set get the archive's as written.
  std::vector<std::unique_ptr<google::protobuf::Message>> events;
  // Runs after the events (a grade change moves the visit plans).
  std::function<absl::Status()> then;
};

template <typename T>
T* AddEvent(ArchiveScope& scope) {
  auto event = std::make_unique<T>();
  T* raw = event.get();
  scope.events.push_back(std::move(event));
  return raw;
}

// Runs the mutation; `respond` fills `resp` from the archive as written (or
// as it stands when nothing changed).
absl::Status MutateArchive(
    Backend& b, const CallContext& call, const google::protobuf::Message& req,
    absl::string_view request_id, int64_t id, const ArchiveMutation& m,
    google::protobuf::Message* resp,
    const std::function<absl::Status(ArchiveScope&)>& apply,
    const std::function<void(const v1::Customer&)>& respond);

// The same, answering with the archive, masked.
absl::Status MutateArchive(
    Backend& b, const CallContext& call, const google::protobuf::Message& req,
    absl::string_view request_id, int64_t id, const ArchiveMutation& m,
    v1::Customer* resp,
    const std::function<absl::Status(ArchiveScope&)>& apply);

}  // namespace csm::customer

#endif  // CSM_CUSTOMER_SVC_APP_ARCHIVE_MUTATION_H_
