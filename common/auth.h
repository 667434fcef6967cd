#ifndef CSM_COMMON_AUTH_H_
#define CSM_COMMON_AUTH_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace csm {

enum class Role : uint8_t {
  kAgent = 0,           // 客服专员
  kSupervisor = 1,      // 主管
  kManager = 2,         // 部门经理
  kGeneralManager = 3,  // 总经理
  kArchivist = 4,       // 档案管理员
  kService = 5,         // another backend service
};

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
// (tests/schema_limits_test.cc holds the schemas to it).
inline constexpr size_t kMaxStaffIdChars = 128;
inline constexpr size_t kMaxDepartmentChars = 100;

// Tokens may be valid for at most this long by default
// (--jwt_max_lifetime_seconds).
inline constexpr absl::Duration kDefaultMaxTokenLifetime = absl::Hours(24);

// The authenticated caller, from the bearer token's claims.
struct Principal {
  std::string staff_id;    // "sub"
  std::string department;  // "dept"
  RoleSet roles;           // "roles": array of role names
};

// Verifies HS256 bearer tokens: signature, algorithm (only HS256), "exp"
// and "iat" (both required; iat not in the future, exp - iat and exp - now
// at most `max_lifetime`, 30 s of clock skew allowed), "iss" (when
// configured), a non-empty "sub" of at most kMaxStaffIdChars characters, a
// "dept" of at most kMaxDepartmentChars, and at least one known role. Errors
// are UNAUTHENTICATED with a reason a client can act on (and an error class
// for the log, see common/status.h).
class TokenVerifier {
 public:
  TokenVerifier(std::string secret, std::string issuer,
                absl::Duration max_lifetime = kDefaultMaxTokenLifetime);
  absl::StatusOr<Principal> Verify(absl::string_view token,
                                   absl::Time now) const;
  absl::Duration max_lifetime() const { return max_lifetime_; }

 private:
  std::string secret_;
  std::string issuer_;
  absl::Duration max_lifetime_;
};

// Mints a token for `principal` valid for `ttl` (tools and tests).
absl::StatusOr<std::string> MintToken(absl::string_view secret,
                                      absl::string_view issuer,
                                      const Principal& principal,
                                      absl::Time now, absl::Duration ttl);

}  // namespace csm

#endif  // CSM_COMMON_AUTH_H_
