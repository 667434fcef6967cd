#include "common/principal.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace csm {

absl::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAgent:
      return "agent";
    case Role::kSupervisor:
      return "supervisor";
    case Role::kManager:
      return "manager";
    case Role::kGeneralManager:
      return "general_manager";
    case Role::kArchivist:
      return "archivist";
    case Role::kService:
      return "service";
  }
  return "unknown";
}

bool ParseRole(absl::string_view name, Role* role) {
  for (Role r : kAllRoles) {
    if (RoleName(r) == name) {
      *role = r;
      return true;
    }
  }
  return false;
}

std::string RoleSet::ToString() const {
  std::string out;
  for (Role r : kAllRoles) {
    if (Has(r)) absl::StrAppend(&out, out.empty() ? "" : ",", RoleName(r));
  }
  return out;
}

}  // namespace csm
