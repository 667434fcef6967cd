// What the customer-svc gRPC services share: the role sets of their methods,
// per-archive permission checks and the customer snapshot every customer
// event carries. (Etags and page tokens: common/etag.h, common/paging.h.)
#ifndef CSM_CUSTOMER_SVC_API_API_COMMON_H_
#define CSM_CUSTOMER_SVC_API_API_COMMON_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/etag.h"
#include "common/mysql_pool.h"
#include "common/outbox.h"
#include "common/paging.h"
#include "common/principal.h"
#include "common/rpc.h"
#include "csm/customer/v1/customer.pb.h"
#include "csm/events/v1/customer_events.pb.h"
#include "customer-svc/src/domain/masking.h"
#include "customer-svc/src/store/visit_store.h"

namespace csm::customer {

namespace v1 = ::csm::customer::v1;

inline constexpr RoleSet kReaders{Role::kAgent,     Role::kSupervisor,
                                  Role::kManager,   Role::kGeneralManager,
                                  Role::kArchivist, Role::kService};
inline constexpr RoleSet kCreators{Role::kAgent, Role::kSupervisor,
                                   Role::kManager, Role::kArchivist,
                                   Role::kService};
inline constexpr RoleSet kMaintainers{Role::kAgent, Role::kSupervisor,
                                      Role::kManager, Role::kArchivist};
inline constexpr RoleSet kSupervisors{Role::kSupervisor, Role::kManager,
                                      Role::kArchivist};
inline constexpr RoleSet kDealingRecorders{Role::kAgent, Role::kSupervisor,
                                           Role::kManager, Role::kArchivist,
                                           Role::kService};
inline constexpr RoleSet kTeamAdmins{Role::kManager, Role::kArchivist};
inline constexpr RoleSet kArchivists{Role::kArchivist};
// Every staff role (not services).
inline constexpr RoleSet kStaff{Role::kAgent, Role::kSupervisor, Role::kManager,
                                Role::kGeneralManager, Role::kArchivist};

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

}  // namespace csm::customer

#endif  // CSM_CUSTOMER_SVC_API_API_COMMON_H_
