// Bearer tokens (HS256 JWTs, libjwt): verified at the edge, minted by
// tools, tests and a service calling another (common/service_client.h).
// The identity they carry is common/principal.h.
#ifndef CSM_COMMON_AUTH_H_
#define CSM_COMMON_AUTH_H_

#include <atomic>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/principal.h"

namespace csm {

// Tokens may be valid for at most this long by default
// (--jwt_max_lifetime_seconds).
inline constexpr absl::Duration kDefaultMaxTokenLifetime = absl::Hours(24);

// Verifies HS256 bearer tokens: signature, algorithm (only HS256), "exp"
// and "iat" (both required; iat not in the future, exp - iat and exp - now
// at most `max_lifetime`, 30 s of clock skew allowed), "iss" (when
// configured), a non-empty "sub" of at most kMaxStaffIdChars characters, a
// "dept" of at most kMaxDepartmentChars, and at least one known role. Errors
// are UNAUTHENTICATED with a reason a client can act on (and an error class
// for the log, see common/status.h).
//
// A token that verified is remembered (its principal and its times, keyed
// by the whole token string, so only that exact string hits): a client
// sends the same token with every call, and the HMAC, the base64 and the
// JSON are most of the edge's cost. The times are checked again on every
// call, so a cached token still expires. At most kMaxCachedTokens are kept;
// past that the cache starts over.
class TokenVerifier {
 public:
  static constexpr size_t kMaxCachedTokens = 4096;

  TokenVerifier(std::string secret, std::string issuer,
                absl::Duration max_lifetime = kDefaultMaxTokenLifetime);
  ~TokenVerifier();
  TokenVerifier(const TokenVerifier&) = delete;
  TokenVerifier& operator=(const TokenVerifier&) = delete;

  absl::StatusOr<Principal> Verify(absl::string_view token,
                                   absl::Time now) const;
  absl::Duration max_lifetime() const { return max_lifetime_; }
  // Tokens whose signature was checked (not served from the cache).
  uint64_t signature_checks() const { return signature_checks_.load(); }

 private:
  class VerifiedTokens;

  absl::StatusOr<Principal> VerifyUncached(absl::string_view token,
                                           absl::Time now) const;

  std::string secret_;
  std::string issuer_;
  absl::Duration max_lifetime_;
  std::unique_ptr<VerifiedTokens> verified_;
  mutable std::atomic<uint64_t> signature_checks_{0};
};

// Mints a token for `principal` valid for `ttl` (tools and tests).
absl::StatusOr<std::string> MintToken(absl::string_view secret,
                                      absl::string_view issuer,
                                      const Principal& principal,
                                      absl::Time now, absl::Duration ttl);

}  // namespace csm

#endif  // CSM_COMMON_AUTH_H_
