#include "common/auth.h"

#include <jwt.h>

#include <array>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/status.h"
#include "common/text.h"

namespace csm {
namespace {

using Json = nlohmann::json;

// Tolerated clock skew between the token's issuer and this server.
constexpr absl::Duration kLeeway = absl::Seconds(30);

struct JwtDeleter {
  void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtDeleter>;

// Strings libjwt returns are malloc'ed (jansson's default allocator).
struct FreeDeleter {
  void operator()(char* p) const { std::free(p); }
};
using CString = std::unique_ptr<char, FreeDeleter>;

// Every rejection names its class for the log (which never carries the
// reason: it may quote claims).
absl::Status Unauthenticated(absl::string_view error_class,
                             absl::string_view reason) {
  return WithErrorClass(absl::UnauthenticatedError(reason), error_class);
}

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime(absl::RFC3339_sec, t, absl::UTCTimeZone());
}

bool IsTokenChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

// NumericDate claims ("exp", "nbf"): JSON numbers of seconds since the epoch.
bool NumericDate(const Json& claims, const char* name, absl::Time* out) {
  auto it = claims.find(name);
  if (it == claims.end()) return false;
  if (it->is_number_integer() || it->is_number_unsigned()) {
    *out = absl::FromUnixSeconds(it->get<int64_t>());
    return true;
  }
  if (it->is_number_float()) {
    const double seconds = it->get<double>();
    // Rejects NaN and values no clock will ever reach (and UB on the cast).
    if (!(std::fabs(seconds) < 1e12)) return false;
    *out = absl::FromUnixMillis(static_cast<int64_t>(seconds * 1e3));
    return true;
  }
  return false;
}

// The header is checked before libjwt sees the token: libjwt 1.10 would
// verify any HMAC algorithm with our key and accepts "none" in some paths,
// and we want a precise reason for the client.
absl::Status CheckHeader(absl::string_view encoded_header) {
  std::string header_json;
  if (!absl::WebSafeBase64Unescape(encoded_header, &header_json)) {
    return Unauthenticated("token_malformed", "malformed token header");
  }
  const Json header = Json::parse(header_json, nullptr,
                                  /*allow_exceptions=*/false);
  if (!header.is_object())
    return Unauthenticated("token_malformed", "malformed token header");
  auto alg = header.find("alg");
  if (alg == header.end() || !alg->is_string()) {
    return Unauthenticated("token_malformed", "token header has no alg");
  }
  if (alg->get<std::string>() != "HS256") {
    return Unauthenticated(
        "token_algorithm",
        absl::StrCat("token algorithm must be HS256, not ", alg->dump()));
  }
  return absl::OkStatus();
}

// The times a token claims; exp is required, the others are checked (in
// this order) by CheckTimes.
struct TokenTimes {
  absl::Time exp;
  std::optional<absl::Time> iat;
  std::optional<absl::Time> nbf;
};

absl::StatusOr<TokenTimes> ReadTimes(const Json& claims) {
  TokenTimes times;
  if (!NumericDate(claims, "exp", &times.exp)) {
    return Unauthenticated("token_claims", "token has no exp (expiry) claim");
  }
  if (absl::Time t; NumericDate(claims, "iat", &t)) times.iat = t;
  if (absl::Time t; NumericDate(claims, "nbf", &t)) times.nbf = t;
  return times;
}

// "exp", "iat" and "nbf" against `now` and the longest allowed lifetime.
absl::Status CheckTimes(const TokenTimes& times, absl::Time now,
                        absl::Duration max_lifetime) {
  const absl::Time exp = times.exp;
  if (now > exp + kLeeway) {
    return Unauthenticated("token_expired",
                           absl::StrCat("token expired at ", Rfc3339(exp)));
  }
  if (!times.iat.has_value()) {
    return Unauthenticated("token_claims",
                           "token has no iat (issued at) claim");
  }
  const absl::Time iat = *times.iat;
  if (iat > now + kLeeway) {
    return Unauthenticated(
        "token_lifetime",
        absl::StrCat("token is issued in the future (iat ", Rfc3339(iat), ")"));
  }
  const std::string limit = absl::FormatDuration(max_lifetime);
  if (exp - iat > max_lifetime) {
    return Unauthenticated("token_lifetime",
                           absl::StrCat("token lifetime (exp - iat) is ",
                                        absl::FormatDuration(exp - iat),
                                        "; at most ", limit, " is accepted"));
  }
  if (exp - now > max_lifetime + kLeeway) {
    return Unauthenticated("token_lifetime",
                           absl::StrCat("token expires at ", Rfc3339(exp),
                                        ", more than ", limit, " from now"));
  }
  if (times.nbf.has_value() && now + kLeeway < *times.nbf) {
    return Unauthenticated("token_lifetime", "token is not valid yet (nbf)");
  }
  return absl::OkStatus();
}

// An identity claim: a string, non-empty when `required`, of at most
// `max_chars` characters and without control characters (ids end up in
// columns and log lines).
absl::Status CheckIdentityClaim(const Json& claims, const char* name,
                                const char* what, bool required,
                                size_t max_chars, std::string* out) {
  auto it = claims.find(name);
  if (it == claims.end() && !required) return absl::OkStatus();
  if (it == claims.end() || !it->is_string() ||
      (required && it->get_ref<const std::string&>().empty())) {
    return Unauthenticated(
        "token_claims",
        required ? absl::StrCat("token has no ", name, " (", what, ") claim")
                 : absl::StrCat("token ", name, " claim must be a string"));
  }
  const std::string& value = it->get_ref<const std::string&>();
  // The JSON parser has already refused invalid UTF-8.
  if (const size_t chars = CountCodePoints(value); chars > max_chars) {
    return Unauthenticated(
        "token_claims",
        absl::StrCat("token ", name, " (", what, ") has ", chars,
                     " characters; at most ", max_chars, " are accepted"));
  }
  for (char c : value) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return Unauthenticated(
          "token_claims",
          absl::StrCat("token ", name, " must not contain control characters"));
    }
  }
  *out = value;
  return absl::OkStatus();
}

}  // namespace

// Tokens that verified, with what is needed to check them again: their
// times. Readers share the lock; a miss verifies outside it.
class TokenVerifier::VerifiedTokens {
 public:
  struct Entry {
    Principal principal;
    TokenTimes times;
  };

  std::optional<Entry> Find(absl::string_view token) const {
    std::shared_lock<std::shared_mutex> lock(mu_);
    auto it = entries_.find(token);
    if (it == entries_.end()) return std::nullopt;
    return it->second;
  }

  void Add(absl::string_view token, Entry entry) {
    std::unique_lock<std::shared_mutex> lock(mu_);
    if (entries_.size() >= kMaxCachedTokens) entries_.clear();
    entries_.insert_or_assign(std::string(token), std::move(entry));
  }

 private:
  mutable std::shared_mutex mu_;
  absl::flat_hash_map<std::string, Entry> entries_;
};

TokenVerifier::TokenVerifier(std::string secret, std::string issuer,
                             absl::Duration max_lifetime)
    : secret_(std::move(secret)),
      issuer_(std::move(issuer)),
      max_lifetime_(max_lifetime),
      verified_(std::make_unique<VerifiedTokens>()) {}

TokenVerifier::~TokenVerifier() = default;

absl::StatusOr<Principal> TokenVerifier::Verify(absl::string_view token,
                                                absl::Time now) const {
  if (std::optional<VerifiedTokens::Entry> hit = verified_->Find(token)) {
    CSM_RETURN_IF_ERROR(CheckTimes(hit->times, now, max_lifetime_));
    return std::move(hit->principal);
  }
  return VerifyUncached(token, now);
}

absl::StatusOr<Principal> TokenVerifier::VerifyUncached(absl::string_view token,
                                                        absl::Time now) const {
  // libjwt skips the signature check without a key: never let that happen.
  if (secret_.empty()) {
    return Unauthenticated("no_secret",
                           "server has no token secret configured");
  }
  if (token.empty())
    return Unauthenticated("token_malformed", "empty bearer token");
  // Only base64url and dots: also rules out embedded NULs, which would make
  // libjwt verify a prefix of what we checked.
  for (char c : token) {
    if (!IsTokenChar(c))
      return Unauthenticated("token_malformed", "malformed token");
  }
  std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  if (parts.size() != 3) {
    return Unauthenticated(
        "token_malformed",
        "malformed token: expected header.payload.signature");
  }
  // The algorithm first: an unsigned "none" token is told so.
  if (absl::Status header = CheckHeader(parts[0]); !header.ok()) {
    return header;
  }
  if (parts[2].empty())
    return Unauthenticated("token_signature", "token has no signature");

  const std::string token_str(token);
  jwt_t* raw = nullptr;
  const int rc =
      jwt_decode(&raw, token_str.c_str(),
                 reinterpret_cast<const unsigned char*>(secret_.data()),
                 static_cast<int>(secret_.size()));
  JwtPtr jwt(raw);
  signature_checks_.fetch_add(1, std::memory_order_relaxed);
  if (rc != 0 || jwt == nullptr) {
    return Unauthenticated("token_signature", "token signature is invalid");
  }
  // Belt and braces: what libjwt verified with must be what we allow.
  if (jwt_get_alg(jwt.get()) != JWT_ALG_HS256) {
    return Unauthenticated("token_algorithm", "token algorithm must be HS256");
  }

  CString grants(jwt_get_grants_json(jwt.get(), nullptr));
  if (grants == nullptr)
    return Unauthenticated("token_claims", "token has no claims");
  const Json claims = Json::parse(grants.get(), nullptr,
                                  /*allow_exceptions=*/false);
  if (!claims.is_object())
    return Unauthenticated("token_claims", "malformed token claims");

  CSM_ASSIGN_OR_RETURN(TokenTimes times, ReadTimes(claims));
  CSM_RETURN_IF_ERROR(CheckTimes(times, now, max_lifetime_));

  if (!issuer_.empty()) {
    auto iss = claims.find("iss");
    if (iss == claims.end() || !iss->is_string()) {
      return Unauthenticated(
          "token_issuer",
          absl::StrCat("token has no iss claim; expected \"", issuer_, "\""));
    }
    if (iss->get<std::string>() != issuer_) {
      return Unauthenticated("token_issuer",
                             absl::StrCat("token issuer ", iss->dump(),
                                          " is not \"", issuer_, "\""));
    }
  }

  Principal principal;
  if (absl::Status sub =
          CheckIdentityClaim(claims, "sub", "staff id", /*required=*/true,
                             kMaxStaffIdChars, &principal.staff_id);
      !sub.ok()) {
    return sub;
  }
  if (absl::Status dept =
          CheckIdentityClaim(claims, "dept", "department", /*required=*/false,
                             kMaxDepartmentChars, &principal.department);
      !dept.ok()) {
    return dept;
  }

  auto roles = claims.find("roles");
  if (roles == claims.end() || !roles->is_array()) {
    return Unauthenticated("token_claims", "token has no roles array");
  }
  for (const Json& name : *roles) {
    Role role;
    // Unknown names are ignored so that issuers can add roles first.
    if (name.is_string() && ParseRole(name.get<std::string>(), &role)) {
      principal.roles.Add(role);
    }
  }
  if (principal.roles.empty()) {
    return Unauthenticated(
        "token_claims",
        absl::StrCat("token has no known role (roles: ", roles->dump(), ")"));
  }
  verified_->Add(token, {principal, times});
  return principal;
}

absl::StatusOr<std::string> MintToken(absl::string_view secret,
                                      absl::string_view issuer,
                                      const Principal& principal,
                                      absl::Time now, absl::Duration ttl) {
  if (secret.empty()) return absl::InvalidArgumentError("empty secret");
  if (principal.staff_id.empty()) {
    return absl::InvalidArgumentError("empty staff id");
  }
  if (ttl <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("ttl must be positive");
  }
  Json roles = Json::array();
  for (Role r : kAllRoles) {
    if (principal.roles.Has(r)) roles.push_back(std::string(RoleName(r)));
  }
  Json claims = {
      {"sub", principal.staff_id},
      {"roles", std::move(roles)},
      {"iat", absl::ToUnixSeconds(now)},
      {"exp", absl::ToUnixSeconds(now + ttl)},
  };
  if (!principal.department.empty()) claims["dept"] = principal.department;
  if (!issuer.empty()) claims["iss"] = std::string(issuer);
  // Invalid UTF-8 becomes U+FFFD instead of throwing.
  const std::string claims_json =
      claims.dump(-1, ' ', false, Json::error_handler_t::replace);

  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) return absl::InternalError("jwt_new failed");
  JwtPtr jwt(raw);
  if (jwt_add_grants_json(jwt.get(), claims_json.c_str()) != 0) {
    return absl::InternalError("jwt_add_grants_json failed");
  }
  if (jwt_set_alg(jwt.get(), JWT_ALG_HS256,
                  reinterpret_cast<const unsigned char*>(secret.data()),
                  static_cast<int>(secret.size())) != 0) {
    return absl::InternalError("jwt_set_alg failed");
  }
  CString encoded(jwt_encode_str(jwt.get()));
  if (encoded == nullptr) return absl::InternalError("jwt_encode_str failed");
  return std::string(encoded.get());
}

}  // namespace csm
