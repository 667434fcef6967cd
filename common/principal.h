// Who is calling: the roles of the suite and the authenticated caller, as
// plain values that domain and app code read without any I/O. Tokens are
// verified and minted in common/auth.h (libjwt); this file has no
// dependency beyond Abseil.
#ifndef CSM_COMMON_PRINCIPAL_H_
#define CSM_COMMON_PRINCIPAL_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>

#include "absl/strings/string_view.h"

namespace csm {

enum class Role : uint8_t {
  kAgent = 0,           // 客服专员
  kSupervisor = 1,      // 主管
  kManager = 2,         // 部门经理
  kGeneralManager = 3,  // 总经理
  kArchivist = 4,       // 档案管理员
  kService = 5,         // another backend service
};

// Every role, in the order above (claims and messages list them so).
inline constexpr std::array<Role, 6> kAllRoles = {
    Role::kAgent,          Role::kSupervisor, Role::kManager,
    Role::kGeneralManager, Role::kArchivist,  Role::kService};

// Token claim spelling: "agent", "supervisor", "manager", "general_manager",
// "archivist", "service".
absl::string_view RoleName(Role role);
bool ParseRole(absl::string_view name, Role* role);

class RoleSet {
 public:
  constexpr RoleSet() = default;
  constexpr RoleSet(std::initializer_list<Role> roles) {
    for (Role r : roles) bits_ |= Bit(r);
  }
  static constexpr RoleSet All() {
    RoleSet s;
    s.bits_ = 0x3f;
    return s;
  }
  constexpr bool Has(Role r) const { return (bits_ & Bit(r)) != 0; }
  constexpr bool Intersects(RoleSet o) const { return (bits_ & o.bits_) != 0; }
  void Add(Role r) { bits_ |= Bit(r); }
  constexpr bool empty() const { return bits_ == 0; }
  // "agent,supervisor"
  std::string ToString() const;

 private:
  static constexpr uint32_t Bit(Role r) { return 1u << static_cast<int>(r); }
  uint32_t bits_ = 0;
};

// Bounds of the identity claims, checked when a token is verified. Every
// column that stores a staff id (actor, owner, reader, handler ...) is
// VARCHAR(kMaxStaffIdChars) and every department column
// VARCHAR(kMaxDepartmentChars), so any verified caller can be written down
// (tests/edge_test.cc holds the schemas to it).
inline constexpr size_t kMaxStaffIdChars = 128;
inline constexpr size_t kMaxDepartmentChars = 100;

// The authenticated caller, from the bearer token's claims.
struct Principal {
  std::string staff_id;    // "sub"
  std::string department;  // "dept"
  RoleSet roles;           // "roles": array of role names
};

}  // namespace csm

#endif  // CSM_COMMON_PRINCIPAL_H_
