// Who may call what in customer-svc: the role sets the edge checks for each
// method (RpcRuntime), and the use cases that decide by role.
#ifndef CSM_CUSTOMER_SVC_APP_ROLES_H_
#define CSM_CUSTOMER_SVC_APP_ROLES_H_

#include "common/principal.h"

namespace csm::customer {

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

// Whoever took the call writes it down (接待记录): every staff role, and
// services recording contacts on a person's behalf.
inline constexpr RoleSet kRecorders = RoleSet::All();

}  // namespace csm::customer

#endif  // CSM_CUSTOMER_SVC_APP_ROLES_H_
