#include "common/call_context.h"

#include "absl/strings/str_cat.h"

namespace csm {

absl::Status RequireRole(const CallContext& call, RoleSet roles,
                         absl::string_view what) {
  if (call.principal.roles.Intersects(roles)) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat(
      what, " needs one of roles [", roles.ToString(), "]; caller ",
      call.principal.staff_id, " has [", call.principal.roles.ToString(), "]"));
}

}  // namespace csm
