// csm-token: prints an HS256 bearer token for the csm services.
//
//   csm-token --secret=... --staff=u100 --roles=agent,supervisor
//             --department=客服部 [--issuer=csm] [--ttl=12h]
//
// The secret can come from CSM_JWT_SECRET instead (keeps it out of `ps`),
// the issuer from CSM_JWT_ISSUER; both match the services' --jwt_secret and
// --jwt_issuer. --ttl may not exceed the services' longest accepted lifetime
// (CSM_JWT_MAX_LIFETIME_SECONDS when set, else 24 h): such a token would be
// refused anyway.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/auth.h"

ABSL_FLAG(std::string, secret, "",
          "HS256 secret; defaults to the environment variable CSM_JWT_SECRET");
ABSL_FLAG(std::string, issuer, "",
          "iss claim; defaults to CSM_JWT_ISSUER, else \"csm\" (the services' "
          "default --jwt_issuer)");
ABSL_FLAG(std::string, staff, "", "Staff id (sub claim), e.g. u100");
ABSL_FLAG(std::string, roles, "",
          "Comma-separated roles: agent, supervisor, manager, "
          "general_manager, archivist, service");
ABSL_FLAG(std::string, department, "", "Department (dept claim), optional");
ABSL_FLAG(absl::Duration, ttl, absl::Hours(12), "Validity, e.g. 30m, 12h");

namespace {

[[noreturn]] void Fail(const std::string& message) {
  std::fprintf(stderr, "csm-token: %s\n", message.c_str());
  std::exit(2);
}

std::string FlagOrEnv(const std::string& flag_value, const char* env,
                      const std::string& fallback) {
  if (!flag_value.empty()) return flag_value;
  const char* value = std::getenv(env);
  return (value != nullptr && *value != '\0') ? value : fallback;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Prints a bearer token for the csm services.\n"
      "  csm-token --secret=... --staff=u100 --roles=agent,supervisor "
      "[--department=客服部] [--issuer=csm] [--ttl=12h]");
  std::vector<char*> rest = absl::ParseCommandLine(argc, argv);
  if (rest.size() > 1) Fail(std::string("unexpected argument: ") + rest[1]);

  const std::string secret =
      FlagOrEnv(absl::GetFlag(FLAGS_secret), "CSM_JWT_SECRET", "");
  if (secret.empty()) Fail("no secret: pass --secret or set CSM_JWT_SECRET");
  const std::string issuer =
      FlagOrEnv(absl::GetFlag(FLAGS_issuer), "CSM_JWT_ISSUER", "csm");

  csm::Principal principal;
  principal.staff_id = absl::GetFlag(FLAGS_staff);
  if (principal.staff_id.empty()) Fail("--staff is required");
  principal.department = absl::GetFlag(FLAGS_department);
  for (absl::string_view name : absl::StrSplit(absl::GetFlag(FLAGS_roles), ',',
                                               absl::SkipWhitespace())) {
    name = absl::StripAsciiWhitespace(name);
    csm::Role role;
    if (!csm::ParseRole(name, &role)) {
      Fail("unknown role \"" + std::string(name) +
           "\"; known: agent, supervisor, manager, general_manager, "
           "archivist, service");
    }
    principal.roles.Add(role);
  }
  if (principal.roles.empty()) Fail("--roles needs at least one role");

  absl::Duration max_lifetime = csm::kDefaultMaxTokenLifetime;
  if (const std::string env = FlagOrEnv("", "CSM_JWT_MAX_LIFETIME_SECONDS", "");
      !env.empty()) {
    int64_t seconds = 0;
    if (!absl::SimpleAtoi(env, &seconds) || seconds <= 0) {
      Fail("CSM_JWT_MAX_LIFETIME_SECONDS must be a positive number");
    }
    max_lifetime = absl::Seconds(seconds);
  }
  if (absl::GetFlag(FLAGS_ttl) > max_lifetime) {
    Fail("--ttl=" + absl::FormatDuration(absl::GetFlag(FLAGS_ttl)) +
         " is longer than the services accept (" +
         absl::FormatDuration(max_lifetime) + "; --jwt_max_lifetime_seconds)");
  }

  absl::StatusOr<std::string> token = csm::MintToken(
      secret, issuer, principal, absl::Now(), absl::GetFlag(FLAGS_ttl));
  if (!token.ok()) Fail(std::string(token.status().message()));
  std::printf("%s\n", token->c_str());
  return 0;
}
