// What the customer-svc gRPC services share: the role sets of their methods,
// per-archive permission checks, etags, page tokens and the customer snapshot
// every customer event carries.
#ifndef CSM_CUSTOMER_SVC_API_API_COMMON_H_
#define CSM_CUSTOMER_SVC_API_API_COMMON_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/auth.h"
#include "common/paging.h"
#include "common/rpc.h"
#include "csm/customer/v1/customer.pb.h"
#include "csm/events/v1/customer_events.pb.h"
#include "customer-svc/src/domain/masking.h"

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

// "7" -> 7. Empty means "no precondition" (0). A malformed etag is the
// client's bug, not a conflict: INVALID_ARGUMENT on `field`.
absl::StatusOr<int64_t> ParseEtag(absl::string_view etag,
                                  absl::string_view field);

// FAILED_PRECONDITION when the archive is closed.
absl::Status RequireOpen(const v1::Customer& c);
// PERMISSION_DENIED unless MayMaintain / MaySupervise.
absl::Status RequireMaintainer(const CallContext& call, const v1::Customer& c);
absl::Status RequireSupervisor(const CallContext& call, const v1::Customer& c);

// A status as customer-svc's own log lines may carry it: its code only. A
// message may quote a customer's value (MySQL's messages do: "Duplicate
// entry '...'"), and logs carry no customer values.
std::string LoggableStatus(const absl::Status& status);

// The reportable facts of an archive for an event (no personal data).
csm::events::v1::CustomerSnapshot Snapshot(const v1::Customer& c);

// Page tokens bound to the query's fingerprint; empty token = first page.
absl::StatusOr<std::optional<PageCursor>> DecodeToken(
    absl::string_view token, absl::string_view fingerprint);
std::string EncodeToken(const std::optional<PageCursor>& next,
                        absl::string_view fingerprint);

}  // namespace csm::customer

#endif  // CSM_CUSTOMER_SVC_API_API_COMMON_H_
