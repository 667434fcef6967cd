#include "common/service_flags.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/log.h"

ABSL_FLAG(std::string, listen_address, "0.0.0.0:50051",
          "gRPC listen address (host:port; port 0 picks a free one)");
ABSL_FLAG(std::string, metrics_address, "0.0.0.0:9464",
          "Prometheus /metrics address; empty disables it");
ABSL_FLAG(int, shutdown_grace_seconds, 20,
          "On SIGTERM, how long in-flight calls get to finish");
ABSL_FLAG(int, shutdown_quiet_ms, 200,
          "On SIGTERM, once in-flight calls are done, how long no new call "
          "must arrive before the server stops (new ones get UNAVAILABLE)");
ABSL_FLAG(int, max_threads, 64,
          "Unary calls that run at once (more wait in the queue)");
ABSL_FLAG(int, max_queued_calls, 256,
          "Unary calls that wait for a running slot within their deadline; "
          "past this, RESOURCE_EXHAUSTED");
ABSL_FLAG(int, database_probe_ms, 2000,
          "How often health checks the database (two failures in a row: "
          "NOT_SERVING until one succeeds); 0 never");
ABSL_FLAG(int, default_deadline_ms, 10000,
          "Deadline of calls whose client set none");
ABSL_FLAG(int, max_deadline_ms, 60000, "Longer client deadlines are cut here");
ABSL_FLAG(std::string, mysql_host, "127.0.0.1", "MySQL host");
ABSL_FLAG(int, mysql_port, 3306, "MySQL port");
ABSL_FLAG(std::string, mysql_socket, "",
          "MySQL unix socket; when set, used instead of host and port");
ABSL_FLAG(std::string, mysql_user, "", "MySQL user");
ABSL_FLAG(std::string, mysql_password, "",
          "MySQL password (prefer --mysql_password_file)");
ABSL_FLAG(std::string, mysql_password_file, "",
          "File holding the MySQL password (e.g. a Kubernetes secret mount)");
ABSL_FLAG(std::string, mysql_database, "", "MySQL schema of this service");
ABSL_FLAG(int, mysql_pool_size, 16, "Upper bound of open MySQL connections");
ABSL_FLAG(int, mysql_connect_timeout_ms, 5000, "MySQL connect timeout");
ABSL_FLAG(std::string, jwt_secret, "",
          "HS256 secret of bearer tokens (prefer --jwt_secret_file)");
ABSL_FLAG(std::string, jwt_secret_file, "",
          "File holding the HS256 secret of bearer tokens");
ABSL_FLAG(std::string, jwt_issuer, "csm",
          "Required iss claim of bearer tokens; empty accepts any");
ABSL_FLAG(int64_t, jwt_max_lifetime_seconds,
          absl::ToInt64Seconds(csm::kDefaultMaxTokenLifetime),
          "Longest accepted bearer-token lifetime: exp - iat and exp - now "
          "may not exceed it");
ABSL_FLAG(std::string, test_clock_file, "",
          "TESTS ONLY: read the business clock from this file (one RFC 3339 "
          "instant, re-read at every use) instead of the system clock; "
          "empty (always in production) uses the system clock");

namespace csm {
namespace {

constexpr size_t kMinSecretBytes = 16;

// Secrets mounted from files usually end with a newline nobody meant.
absl::StatusOr<std::string> ReadSecretFile(const std::string& flag,
                                           const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot read --", flag, "=", path, ": ", std::strerror(errno)));
  }
  std::ostringstream content;
  content << in.rdbuf();
  std::string secret = std::move(content).str();
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) {
    secret.pop_back();
  }
  return secret;
}

// The value of a secret given either directly or as a file, not both.
absl::StatusOr<std::string> Secret(const std::string& flag,
                                   const std::string& value,
                                   const std::string& file) {
  if (file.empty()) return value;
  if (!value.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("set either --", flag, " or --", flag, "_file, not both"));
  }
  return ReadSecretFile(absl::StrCat(flag, "_file"), file);
}

absl::Duration Millis(int ms) { return absl::Milliseconds(ms); }

bool WantsHelp(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const absl::string_view arg = argv[i];
    if (arg == "--") break;  // the rest are not flags
    for (absl::string_view help : {"help", "helpfull", "helpshort"}) {
      if (arg == absl::StrCat("--", help) || arg == absl::StrCat("-", help)) {
        return true;
      }
    }
  }
  return false;
}

// Abseil's own flags (--flagfile, --helpfull ...) are not the service's.
bool IsAbseilFlag(const absl::CommandLineFlag& flag) {
  return absl::StrContains(flag.Filename(), "absl/flags/");
}

// Every flag of the binary with its default, its environment twin and its
// help. Defaults only: a current value may hold a secret.
void PrintHelp(const char* usage) {
  std::vector<const absl::CommandLineFlag*> flags;
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    if (!IsAbseilFlag(*flag)) flags.push_back(flag);
  }
  std::sort(flags.begin(), flags.end(),
            [](const auto* a, const auto* b) { return a->Name() < b->Name(); });
  std::string out = absl::StrCat(usage, "\n\nFlags:\n");
  for (const absl::CommandLineFlag* flag : flags) {
    const std::string name(flag->Name());
    absl::StrAppend(&out, "  --", name, " (default: \"", flag->DefaultValue(),
                    "\"; environment CSM_", absl::AsciiStrToUpper(name),
                    ")\n      ", flag->Help(), "\n");
  }
  std::fputs(out.c_str(), stdout);
  std::fflush(stdout);
}

}  // namespace

void ParseFlags(int argc, char** argv, const char* usage) {
  absl::SetProgramUsageMessage(usage);
  // Abseil 20220623's --help shows only flags defined in a file named after
  // the binary ("No flags matched") and, like --helpfull and --helpshort,
  // exits 1; operators (and probes) expect every flag and success.
  if (WantsHelp(argc, argv)) {
    PrintHelp(usage);
    std::exit(0);
  }
  // The environment first, so the command line (parsed next) wins.
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    const std::string env =
        absl::StrCat("CSM_", absl::AsciiStrToUpper(std::string(name)));
    const char* value = std::getenv(env.c_str());
    if (value == nullptr) continue;
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      std::fprintf(stderr, "%s: invalid value in %s: %s\n", argv[0],
                   env.c_str(), error.c_str());
      std::exit(2);
    }
  }
  absl::ParseCommandLine(argc, argv);
  // Debian builds Abseil without NDEBUG, so absl::Mutex (gRPC's lock) runs
  // its deadlock detector on every lock: a global graph behind one lock,
  // 1.7 % of customer-svc's CPU under GetCustomer (docs/benchmarks.md). A
  // release build of Abseil has it off; so do the services.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
}

absl::StatusOr<MysqlOptions> MysqlOptionsFromFlags() {
  MysqlOptions options;
  options.host = absl::GetFlag(FLAGS_mysql_host);
  options.port = absl::GetFlag(FLAGS_mysql_port);
  options.unix_socket = absl::GetFlag(FLAGS_mysql_socket);
  options.user = absl::GetFlag(FLAGS_mysql_user);
  options.database = absl::GetFlag(FLAGS_mysql_database);
  options.pool_size = absl::GetFlag(FLAGS_mysql_pool_size);
  options.connect_timeout =
      Millis(absl::GetFlag(FLAGS_mysql_connect_timeout_ms));
  auto password = Secret("mysql_password", absl::GetFlag(FLAGS_mysql_password),
                         absl::GetFlag(FLAGS_mysql_password_file));
  if (!password.ok()) return password.status();
  options.password = *std::move(password);

  if (options.user.empty()) {
    return absl::InvalidArgumentError("--mysql_user is required");
  }
  if (options.database.empty()) {
    return absl::InvalidArgumentError("--mysql_database is required");
  }
  if (options.unix_socket.empty() &&
      (options.port <= 0 || options.port > 65535)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--mysql_port=", options.port, " is not a port"));
  }
  if (options.pool_size < 1) {
    return absl::InvalidArgumentError("--mysql_pool_size must be at least 1");
  }
  if (options.connect_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "--mysql_connect_timeout_ms must be positive");
  }
  return options;
}

ServerOptions ServerOptionsFromFlags(std::string service_name) {
  ServerOptions options;
  options.service_name = std::move(service_name);
  options.listen_address = absl::GetFlag(FLAGS_listen_address);
  options.metrics_address = absl::GetFlag(FLAGS_metrics_address);
  options.shutdown_grace =
      absl::Seconds(std::max(0, absl::GetFlag(FLAGS_shutdown_grace_seconds)));
  options.shutdown_quiet =
      absl::Milliseconds(std::max(0, absl::GetFlag(FLAGS_shutdown_quiet_ms)));
  options.max_threads = absl::GetFlag(FLAGS_max_threads);
  options.max_queued_calls = std::max(0, absl::GetFlag(FLAGS_max_queued_calls));
  options.database_probe_interval =
      absl::Milliseconds(std::max(0, absl::GetFlag(FLAGS_database_probe_ms)));
  return options;
}

RpcRuntimeOptions RpcRuntimeOptionsFromFlags(std::string service_name) {
  RpcRuntimeOptions options;
  options.service = std::move(service_name);
  // Non-positive values would fail every call; keep the built-in defaults.
  if (const int ms = absl::GetFlag(FLAGS_max_deadline_ms); ms > 0) {
    options.max_deadline = Millis(ms);
  }
  if (const int ms = absl::GetFlag(FLAGS_default_deadline_ms); ms > 0) {
    options.default_deadline = Millis(ms);
  }
  options.default_deadline =
      std::min(options.default_deadline, options.max_deadline);
  options.max_concurrent_calls = std::max(1, absl::GetFlag(FLAGS_max_threads));
  options.max_queued_calls = std::max(0, absl::GetFlag(FLAGS_max_queued_calls));
  return options;
}

absl::StatusOr<JwtConfig> JwtConfigFromFlags() {
  auto secret = Secret("jwt_secret", absl::GetFlag(FLAGS_jwt_secret),
                       absl::GetFlag(FLAGS_jwt_secret_file));
  if (!secret.ok()) return secret.status();
  if (secret->empty()) {
    return absl::FailedPreconditionError(
        "no JWT secret: set --jwt_secret or --jwt_secret_file (or "
        "CSM_JWT_SECRET)");
  }
  if (secret->size() < kMinSecretBytes) {
    return absl::FailedPreconditionError(
        absl::StrCat("the JWT secret is ", secret->size(), " bytes; at least ",
                     kMinSecretBytes, " are required"));
  }
  const int64_t max_lifetime = absl::GetFlag(FLAGS_jwt_max_lifetime_seconds);
  if (max_lifetime <= 0) {
    return absl::FailedPreconditionError(
        "--jwt_max_lifetime_seconds must be positive");
  }
  return JwtConfig{*std::move(secret), absl::GetFlag(FLAGS_jwt_issuer),
                   absl::Seconds(max_lifetime)};
}

absl::StatusOr<ServiceConfig> ServiceConfigFromFlags(
    const std::string& service_name) {
  absl::StatusOr<MysqlOptions> mysql = MysqlOptionsFromFlags();
  if (!mysql.ok()) return mysql.status();
  ServiceConfig config;
  config.mysql = *std::move(mysql);
  config.server = ServerOptionsFromFlags(service_name);
  config.runtime = RpcRuntimeOptionsFromFlags(service_name);
  return config;
}

absl::StatusOr<const Clock*> ClockFromFlags() {
  const std::string path = absl::GetFlag(FLAGS_test_clock_file);
  if (path.empty()) return &Clock::Real();
  absl::StatusOr<std::unique_ptr<FileClock>> clock = FileClock::Open(path);
  if (!clock.ok()) return clock.status();
  log::Warning(
      "the business clock is read from --test_clock_file (tests only)");
  // Read by every thread until exit: never destroyed.
  return clock->release();
}

absl::StatusOr<std::unique_ptr<TokenVerifier>> TokenVerifierFromFlags() {
  auto jwt = JwtConfigFromFlags();
  if (!jwt.ok()) return jwt.status();
  return std::make_unique<TokenVerifier>(
      std::move(jwt->secret), std::move(jwt->issuer), jwt->max_lifetime);
}

}  // namespace csm
