#include "common/auth.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <jwt.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "common/status.h"

namespace csm {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;

constexpr char kSecret[] = "0123456789abcdef-test-secret";
constexpr char kIssuer[] = "csm-test";
const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

// Signs arbitrary claims with libjwt directly, so tests can build tokens
// MintToken would never produce.
std::string Sign(jwt_alg_t alg, const std::string& key, const Json& claims) {
  jwt_t* jwt = nullptr;
  EXPECT_EQ(jwt_new(&jwt), 0);
  EXPECT_EQ(jwt_add_grants_json(jwt, claims.dump().c_str()), 0);
  if (alg == JWT_ALG_NONE) {
    EXPECT_EQ(jwt_set_alg(jwt, JWT_ALG_NONE, nullptr, 0), 0);
  } else {
    EXPECT_EQ(jwt_set_alg(jwt, alg,
                          reinterpret_cast<const unsigned char*>(key.data()),
                          static_cast<int>(key.size())),
              0);
  }
  char* encoded = jwt_encode_str(jwt);
  std::string out = encoded != nullptr ? encoded : "";
  std::free(encoded);
  jwt_free(jwt);
  return out;
}

Json ValidClaims() {
  return Json{{"sub", "u100"},
              {"dept", "客服部"},
              {"roles", {"agent", "supervisor"}},
              {"iss", kIssuer},
              {"iat", absl::ToUnixSeconds(kNow)},
              {"exp", absl::ToUnixSeconds(kNow + absl::Hours(1))}};
}

std::string Hs256(const Json& claims) {
  return Sign(JWT_ALG_HS256, kSecret, claims);
}

class TokenVerifierTest : public ::testing::Test {
 protected:
  void ExpectRejected(const std::string& token, const std::string& reason) {
    absl::StatusOr<Principal> p = verifier_.Verify(token, kNow);
    ASSERT_FALSE(p.ok()) << "accepted: " << token;
    EXPECT_EQ(p.status().code(), absl::StatusCode::kUnauthenticated);
    EXPECT_THAT(std::string(p.status().message()), HasSubstr(reason));
  }

  TokenVerifier verifier_{kSecret, kIssuer};
};

TEST_F(TokenVerifierTest, AcceptsValidToken) {
  absl::StatusOr<Principal> p = verifier_.Verify(Hs256(ValidClaims()), kNow);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->staff_id, "u100");
  EXPECT_EQ(p->department, "客服部");
  EXPECT_TRUE(p->roles.Has(Role::kAgent));
  EXPECT_TRUE(p->roles.Has(Role::kSupervisor));
  EXPECT_FALSE(p->roles.Has(Role::kManager));
}

TEST_F(TokenVerifierTest, DepartmentIsOptional) {
  Json claims = ValidClaims();
  claims.erase("dept");
  absl::StatusOr<Principal> p = verifier_.Verify(Hs256(claims), kNow);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->department, "");
}

TEST_F(TokenVerifierTest, RejectsExpiredToken) {
  Json claims = ValidClaims();
  claims["exp"] = absl::ToUnixSeconds(kNow - absl::Minutes(5));
  ExpectRejected(Hs256(claims), "expired");
}

TEST_F(TokenVerifierTest, ToleratesSmallClockSkewOnExpiry) {
  Json claims = ValidClaims();
  claims["exp"] = absl::ToUnixSeconds(kNow - absl::Seconds(10));
  EXPECT_TRUE(verifier_.Verify(Hs256(claims), kNow).ok());
  claims["exp"] = absl::ToUnixSeconds(kNow - absl::Seconds(40));
  EXPECT_FALSE(verifier_.Verify(Hs256(claims), kNow).ok());
}

TEST_F(TokenVerifierTest, RequiresExpiry) {
  Json claims = ValidClaims();
  claims.erase("exp");
  ExpectRejected(Hs256(claims), "no exp");
  claims["exp"] = "tomorrow";
  ExpectRejected(Hs256(claims), "no exp");
}

TEST_F(TokenVerifierTest, RejectsTokenNotValidYet) {
  Json claims = ValidClaims();
  claims["nbf"] = absl::ToUnixSeconds(kNow + absl::Minutes(10));
  ExpectRejected(Hs256(claims), "not valid yet");
}

TEST_F(TokenVerifierTest, RejectsWrongSecret) {
  ExpectRejected(Sign(JWT_ALG_HS256, "another-secret-of-16+", ValidClaims()),
                 "signature");
}

TEST_F(TokenVerifierTest, RejectsAlgNone) {
  const std::string unsigned_token = Sign(JWT_ALG_NONE, "", ValidClaims());
  ASSERT_FALSE(unsigned_token.empty());
  ExpectRejected(unsigned_token, "HS256");
  // "none" with some signature bytes attached.
  ExpectRejected(unsigned_token + "c2lnbmF0dXJl", "HS256");
}

TEST_F(TokenVerifierTest, RejectsOtherHmacAlgorithmsEvenWithTheRightKey) {
  ExpectRejected(Sign(JWT_ALG_HS512, kSecret, ValidClaims()), "HS256");
  ExpectRejected(Sign(JWT_ALG_HS384, kSecret, ValidClaims()), "HS256");
}

TEST_F(TokenVerifierTest, RejectsTamperedClaims) {
  const std::string token = Hs256(ValidClaims());
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  ASSERT_EQ(parts.size(), 3u);
  Json claims = ValidClaims();
  claims["roles"] = {"general_manager"};
  parts[1] = absl::WebSafeBase64Escape(claims.dump());
  ExpectRejected(parts[0] + "." + parts[1] + "." + parts[2], "signature");
}

TEST_F(TokenVerifierTest, RequiresSubject) {
  Json claims = ValidClaims();
  claims.erase("sub");
  ExpectRejected(Hs256(claims), "sub");
  claims["sub"] = "";
  ExpectRejected(Hs256(claims), "sub");
  claims["sub"] = 42;
  ExpectRejected(Hs256(claims), "sub");
}

TEST_F(TokenVerifierTest, IgnoresUnknownRolesButNeedsOneKnown) {
  Json claims = ValidClaims();
  claims["roles"] = {"janitor", "archivist", 7};
  absl::StatusOr<Principal> p = verifier_.Verify(Hs256(claims), kNow);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->roles.ToString(), "archivist");

  claims["roles"] = {"janitor", "root"};
  ExpectRejected(Hs256(claims), "no known role");
  claims["roles"] = Json::array();
  ExpectRejected(Hs256(claims), "no known role");
}

TEST_F(TokenVerifierTest, RequiresRolesArray) {
  Json claims = ValidClaims();
  claims["roles"] = "agent";
  ExpectRejected(Hs256(claims), "roles");
  claims.erase("roles");
  ExpectRejected(Hs256(claims), "roles");
}

TEST_F(TokenVerifierTest, ChecksIssuerWhenConfigured) {
  Json claims = ValidClaims();
  claims["iss"] = "someone-else";
  ExpectRejected(Hs256(claims), "issuer");
  claims.erase("iss");
  ExpectRejected(Hs256(claims), "iss");

  TokenVerifier any_issuer(kSecret, "");
  EXPECT_TRUE(any_issuer.Verify(Hs256(claims), kNow).ok());
}

TEST_F(TokenVerifierTest, BoundsTheStaffIdAndDepartment) {
  // 4-byte characters: the limits count characters, as the columns do.
  const std::string four = "\xF0\xA0\x9C\x8E";  // U+2070E
  std::string sub, dept;
  for (size_t i = 0; i < kMaxStaffIdChars; ++i) sub += four;
  for (size_t i = 0; i < kMaxDepartmentChars; ++i) dept += four;
  Json claims = ValidClaims();
  claims["sub"] = sub;
  claims["dept"] = dept;
  absl::StatusOr<Principal> p = verifier_.Verify(Hs256(claims), kNow);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->staff_id, sub);
  EXPECT_EQ(p->department, dept);

  claims["sub"] = sub + "x";
  ExpectRejected(Hs256(claims), "token sub (staff id) has 129 characters");
  claims["sub"] = "u100";
  claims["dept"] = dept + "x";
  ExpectRejected(Hs256(claims), "token dept (department) has 101 characters");
  claims["dept"] = 7;
  ExpectRejected(Hs256(claims), "dept claim must be a string");
  claims["dept"] = "客服部";
  claims["sub"] = "u1\n00";
  ExpectRejected(Hs256(claims), "control characters");
}

TEST_F(TokenVerifierTest, RequiresIssuedAtNotInTheFuture) {
  Json claims = ValidClaims();
  claims.erase("iat");
  ExpectRejected(Hs256(claims), "no iat");
  claims["iat"] = "yesterday";
  ExpectRejected(Hs256(claims), "no iat");
  claims["iat"] = absl::ToUnixSeconds(kNow + absl::Minutes(5));
  ExpectRejected(Hs256(claims), "issued in the future");
  // The same 30 s of clock skew as for exp.
  claims["iat"] = absl::ToUnixSeconds(kNow + absl::Seconds(20));
  EXPECT_TRUE(verifier_.Verify(Hs256(claims), kNow).ok());
}

TEST_F(TokenVerifierTest, BoundsTheLifetime) {
  // The default: 24 h.
  EXPECT_EQ(verifier_.max_lifetime(), absl::Hours(24));
  Json claims = ValidClaims();
  claims["exp"] = absl::ToUnixSeconds(kNow + absl::Hours(24));
  EXPECT_TRUE(verifier_.Verify(Hs256(claims), kNow).ok());
  claims["exp"] =
      absl::ToUnixSeconds(kNow + absl::Hours(24) + absl::Seconds(1));
  ExpectRejected(Hs256(claims), "token lifetime (exp - iat) is 24h1s");
  // Years ahead, as the attack had it.
  claims["exp"] = absl::ToUnixSeconds(kNow + absl::Hours(24 * 365 * 5));
  ExpectRejected(Hs256(claims), "at most 24h is accepted");
  // An old iat cannot hide a far exp.
  claims["iat"] = absl::ToUnixSeconds(kNow - absl::Hours(2));
  claims["exp"] = absl::ToUnixSeconds(kNow + absl::Hours(22));
  EXPECT_TRUE(verifier_.Verify(Hs256(claims), kNow).ok());
  claims["iat"] = absl::ToUnixSeconds(kNow - absl::Hours(30));
  claims["exp"] = absl::ToUnixSeconds(kNow + absl::Hours(25));
  ExpectRejected(Hs256(claims), "lifetime");

  TokenVerifier short_lived(kSecret, kIssuer, absl::Minutes(15));
  claims = ValidClaims();  // valid 1 h
  const absl::StatusOr<Principal> p = short_lived.Verify(Hs256(claims), kNow);
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(std::string(p.status().message()), HasSubstr("at most 15m"));
  claims["exp"] = absl::ToUnixSeconds(kNow + absl::Minutes(15));
  EXPECT_TRUE(short_lived.Verify(Hs256(claims), kNow).ok());
}

TEST_F(TokenVerifierTest, RejectionsCarryAnErrorClassForTheLog) {
  Json claims = ValidClaims();
  claims["exp"] = absl::ToUnixSeconds(kNow - absl::Hours(1));
  EXPECT_EQ(ErrorClassOf(verifier_.Verify(Hs256(claims), kNow).status()),
            "token_expired");
  EXPECT_EQ(ErrorClassOf(verifier_.Verify("a.b", kNow).status()),
            "token_malformed");
  EXPECT_EQ(
      ErrorClassOf(
          verifier_
              .Verify(Sign(JWT_ALG_HS256, "wrong-secret-0123456", claims), kNow)
              .status()),
      "token_signature");
}

TEST_F(TokenVerifierTest, RejectsMalformedTokens) {
  ExpectRejected("", "empty");
  ExpectRejected("abc", "malformed");
  ExpectRejected("a.b", "malformed");
  ExpectRejected("a.b.c.d", "malformed");
  ExpectRejected("a b.c.d", "malformed");
  ExpectRejected(Hs256(ValidClaims()) + "\n", "malformed");
  ExpectRejected("e30.e30.c2ln", "alg");  // {} as header and claims
  ExpectRejected("!!!.e30.c2ln", "malformed");
}

TEST_F(TokenVerifierTest, RejectsEverythingWithoutASecret) {
  TokenVerifier no_secret("", kIssuer);
  absl::StatusOr<Principal> p =
      no_secret.Verify(Sign(JWT_ALG_HS256, "x", ValidClaims()), kNow);
  EXPECT_EQ(p.status().code(), absl::StatusCode::kUnauthenticated);
}

TEST(MintTokenTest, RoundTrip) {
  Principal principal;
  principal.staff_id = "u200";
  principal.department = "客服部";
  principal.roles = {Role::kManager, Role::kService};
  absl::StatusOr<std::string> token =
      MintToken(kSecret, kIssuer, principal, kNow, absl::Hours(12));
  ASSERT_TRUE(token.ok()) << token.status();

  TokenVerifier verifier(kSecret, kIssuer);
  absl::StatusOr<Principal> p = verifier.Verify(*token, kNow + absl::Hours(11));
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->staff_id, "u200");
  EXPECT_EQ(p->department, "客服部");
  EXPECT_EQ(p->roles.ToString(), "manager,service");
  // The ttl is honoured.
  EXPECT_FALSE(verifier.Verify(*token, kNow + absl::Hours(13)).ok());
  // Another issuer's verifier refuses it.
  EXPECT_FALSE(TokenVerifier(kSecret, "other").Verify(*token, kNow).ok());
}

// A client sends the same token with every call: its signature is checked
// once, but its times are checked on every call, so it still expires.
TEST(TokenCacheTest, ASecondCallSkipsTheSignatureButNotTheExpiry) {
  Principal principal{"u1", "财务部", {Role::kAgent}};
  absl::StatusOr<std::string> token =
      MintToken(kSecret, kIssuer, principal, kNow, absl::Hours(1));
  ASSERT_TRUE(token.ok());
  TokenVerifier verifier(kSecret, kIssuer);
  for (int i = 0; i < 100; ++i) {
    absl::StatusOr<Principal> p = verifier.Verify(*token, kNow);
    ASSERT_TRUE(p.ok()) << p.status();
    EXPECT_EQ(p->staff_id, "u1");
    EXPECT_EQ(p->department, "财务部");
    EXPECT_EQ(p->roles.ToString(), "agent");
  }
  EXPECT_EQ(verifier.signature_checks(), 1u);
  absl::StatusOr<Principal> late =
      verifier.Verify(*token, kNow + absl::Hours(2));
  EXPECT_EQ(late.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(ErrorClassOf(late.status()), "token_expired");
  // Issued in the future is told from the cache as well.
  EXPECT_EQ(
      ErrorClassOf(verifier.Verify(*token, kNow - absl::Hours(1)).status()),
      "token_lifetime");
  EXPECT_EQ(verifier.signature_checks(), 1u);
}

// Only the exact string that verified hits: a token differing in its
// signature is checked (and refused), and refusals are never remembered.
TEST(TokenCacheTest, OnlyTheExactTokenHitsAndRefusalsAreCheckedEveryTime) {
  Principal principal{"u1", "", {Role::kAgent}};
  absl::StatusOr<std::string> token =
      MintToken(kSecret, kIssuer, principal, kNow, absl::Hours(1));
  ASSERT_TRUE(token.ok());
  TokenVerifier verifier(kSecret, kIssuer);
  ASSERT_TRUE(verifier.Verify(*token, kNow).ok());
  std::string forged = *token;
  // A character inside the signature (the last one may carry only padding).
  char& c = forged[forged.size() - 10];
  c = c == 'A' ? 'B' : 'A';
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(ErrorClassOf(verifier.Verify(forged, kNow).status()),
              "token_signature");
  }
  EXPECT_EQ(verifier.signature_checks(), 4u);
  // Another verifier (another secret) has its own memory.
  TokenVerifier other("another secret", kIssuer);
  EXPECT_FALSE(other.Verify(*token, kNow).ok());
}

// The cache is bounded: past kMaxCachedTokens it starts over, and every
// token is still verified right.
TEST(TokenCacheTest, ManyDistinctTokensStayCorrect) {
  TokenVerifier verifier(kSecret, kIssuer);
  const int n = static_cast<int>(TokenVerifier::kMaxCachedTokens) + 10;
  std::string first;
  for (int i = 0; i < n; ++i) {
    Principal principal{absl::StrCat("u", i), "", {Role::kAgent}};
    absl::StatusOr<std::string> token =
        MintToken(kSecret, kIssuer, principal, kNow, absl::Hours(1));
    ASSERT_TRUE(token.ok());
    if (i == 0) first = *token;
    absl::StatusOr<Principal> p = verifier.Verify(*token, kNow);
    ASSERT_TRUE(p.ok()) << p.status();
    EXPECT_EQ(p->staff_id, absl::StrCat("u", i));
  }
  EXPECT_EQ(verifier.signature_checks(), static_cast<uint64_t>(n));
  // The first one fell out when the cache started over: checked again.
  absl::StatusOr<Principal> again = verifier.Verify(first, kNow);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->staff_id, "u0");
  EXPECT_EQ(verifier.signature_checks(), static_cast<uint64_t>(n) + 1);
}

TEST(MintTokenTest, WritesTheDocumentedClaims) {
  Principal principal{"u1", "财务部", {Role::kAgent}};
  absl::StatusOr<std::string> token =
      MintToken(kSecret, kIssuer, principal, kNow, absl::Minutes(30));
  ASSERT_TRUE(token.ok());
  std::vector<std::string> parts = absl::StrSplit(*token, '.');
  ASSERT_EQ(parts.size(), 3u);
  std::string header, payload;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(parts[0], &header));
  ASSERT_TRUE(absl::WebSafeBase64Unescape(parts[1], &payload));
  EXPECT_EQ(Json::parse(header)["alg"], "HS256");
  const Json claims = Json::parse(payload);
  EXPECT_EQ(claims["sub"], "u1");
  EXPECT_EQ(claims["dept"], "财务部");
  EXPECT_EQ(claims["roles"], Json({"agent"}));
  EXPECT_EQ(claims["iss"], kIssuer);
  EXPECT_EQ(claims["iat"], absl::ToUnixSeconds(kNow));
  EXPECT_EQ(claims["exp"], absl::ToUnixSeconds(kNow + absl::Minutes(30)));
}

TEST(MintTokenTest, RefusesBadInput) {
  Principal principal{"u1", "", {Role::kAgent}};
  EXPECT_FALSE(MintToken("", kIssuer, principal, kNow, absl::Hours(1)).ok());
  EXPECT_FALSE(
      MintToken(kSecret, kIssuer, principal, kNow, absl::ZeroDuration()).ok());
  principal.staff_id = "";
  EXPECT_FALSE(
      MintToken(kSecret, kIssuer, principal, kNow, absl::Hours(1)).ok());
}

TEST(RoleTest, NamesRoundTrip) {
  for (Role role : {Role::kAgent, Role::kSupervisor, Role::kManager,
                    Role::kGeneralManager, Role::kArchivist, Role::kService}) {
    Role parsed;
    ASSERT_TRUE(ParseRole(RoleName(role), &parsed)) << RoleName(role);
    EXPECT_EQ(parsed, role);
  }
  Role unused;
  EXPECT_FALSE(ParseRole("Agent", &unused));
  EXPECT_FALSE(ParseRole("", &unused));
  EXPECT_EQ(RoleName(Role::kGeneralManager), "general_manager");
}

TEST(RoleTest, RoleSetToString) {
  EXPECT_EQ(RoleSet().ToString(), "");
  EXPECT_EQ(RoleSet({Role::kService, Role::kAgent}).ToString(),
            "agent,service");
  EXPECT_EQ(RoleSet::All().ToString(),
            "agent,supervisor,manager,general_manager,archivist,service");
  EXPECT_TRUE(RoleSet({Role::kAgent}).Intersects(RoleSet::All()));
  EXPECT_FALSE(RoleSet({Role::kAgent}).Intersects({Role::kManager}));
}

}  // namespace
}  // namespace csm
