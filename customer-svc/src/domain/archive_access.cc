#include "customer-svc/src/domain/archive_access.h"

namespace csm::customer {
namespace {

bool SupervisesDepartment(const Principal& caller,
                          const ArchiveAccess& archive) {
  return (caller.roles.Has(Role::kSupervisor) ||
          caller.roles.Has(Role::kManager)) &&
         !caller.department.empty() && caller.department == archive.department;
}

}  // namespace

bool MayMaintain(const Principal& caller, const ArchiveAccess& archive) {
  return (!caller.staff_id.empty() && caller.staff_id == archive.owner_id) ||
         SupervisesDepartment(caller, archive) ||
         caller.roles.Has(Role::kArchivist);
}

bool MaySupervise(const Principal& caller, const ArchiveAccess& archive) {
  return SupervisesDepartment(caller, archive) ||
         caller.roles.Has(Role::kArchivist);
}

bool MayAssignOwner(const Principal& caller) {
  return caller.roles.Has(Role::kSupervisor) ||
         caller.roles.Has(Role::kManager) || caller.roles.Has(Role::kArchivist);
}

}  // namespace csm::customer
