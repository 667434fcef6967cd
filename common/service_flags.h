#ifndef CSM_COMMON_SERVICE_FLAGS_H_
#define CSM_COMMON_SERVICE_FLAGS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/auth.h"
#include "common/clock.h"
#include "common/mysql_pool.h"
#include "common/rpc.h"
#include "common/server.h"
#include "common/service_assembly.h"

// Flags every service binary shares. Each flag can also be set by the
// environment variable CSM_<FLAG NAME IN CAPITALS> (e.g. CSM_MYSQL_HOST);
// the command line wins over the environment. Secrets can be given as files
// (Kubernetes secret mounts): --mysql_password_file, --jwt_secret_file.

namespace csm {

// Parses the command line after applying the environment. Exits with a
// usage message on bad flags; --help (and --helpfull, --helpshort) prints
// `usage` and every flag (default, environment variable, help) and exits 0.
// Every service's main calls it first, so it also turns off Abseil's mutex
// deadlock detector for the process (a debugging aid Debian's Abseil keeps
// on).
void ParseFlags(int argc, char** argv, const char* usage);

absl::StatusOr<MysqlOptions> MysqlOptionsFromFlags();
ServerOptions ServerOptionsFromFlags(std::string service_name);
RpcRuntimeOptions RpcRuntimeOptionsFromFlags(std::string service_name);
absl::StatusOr<std::unique_ptr<TokenVerifier>> TokenVerifierFromFlags();
// The three above in one, for ServiceAssembly::Create.
absl::StatusOr<ServiceConfig> ServiceConfigFromFlags(
    const std::string& service_name);

// The business clock: the real one, or, TESTS ONLY, the instant in
// --test_clock_file (common/clock.h: FileClock), which the process keeps
// for its lifetime.
absl::StatusOr<const Clock*> ClockFromFlags();

// The bearer-token secret and issuer, for a service that mints its own token
// to call another service (complaint-svc calling customer-svc). Validated as
// TokenVerifierFromFlags() validates them.
struct JwtConfig {
  std::string secret;
  std::string issuer;
  absl::Duration max_lifetime = kDefaultMaxTokenLifetime;
};
absl::StatusOr<JwtConfig> JwtConfigFromFlags();

}  // namespace csm

#endif  // CSM_COMMON_SERVICE_FLAGS_H_
