#ifndef CSM_TOOLS_CSMCTL_LIB_H_
#define CSM_TOOLS_CSMCTL_LIB_H_

// The pure pieces of csmctl, the project's command-line client: argument
// parsing, method and message lookup in the descriptors linked into the
// binary, JSON conversion, aliases, the health-check wire format and error
// formatting. Nothing here touches the network.

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <grpcpp/support/status.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace csm::csmctl {

// Options that apply to every command.
struct Options {
  std::string addr = "127.0.0.1:50051";
  // True when --addr was given (`reports` defaults to reporting-svc).
  bool addr_set = false;
  // Bearer token; --token, else the CSM_TOKEN environment variable.
  std::string token;
  absl::Duration timeout = absl::Seconds(10);
  // True when --timeout was given: only then does a stream get a deadline.
  bool timeout_set = false;
  // Generated per call when empty.
  std::string request_id;
  // Print proto field names (snake_case) instead of lowerCamelCase.
  bool proto_names = false;
  // Print fields that hold their default value.
  bool emit_defaults = false;
  // Streams: stop after this many responses; 0 means until interrupted.
  int64_t max_messages = 0;
  // Print the request id and the method on stderr.
  bool verbose = false;
};

// A parsed command line. Flags are `--name=value` or `--name` (boolean) and
// may appear anywhere; `--` ends them. Global flags end up in `options`,
// the others stay in `flags` for the command to take.
struct CommandLine {
  Options options;
  // The command and its positional arguments, e.g. {"call", "pkg.S/M", "{}"}.
  std::vector<std::string> args;
  // Flags not consumed by `options`, by name (without "--").
  std::map<std::string, std::string> flags;
  bool help = false;
};

// INVALID_ARGUMENT carrying `message` for the user: a usage error (exit 2).
absl::Status Usage(absl::string_view message);

// INVALID_ARGUMENT with a message for the user on a malformed flag or a
// value that does not parse. `env_token` is CSM_TOKEN's value, if set.
absl::StatusOr<CommandLine> ParseCommandLine(
    const std::vector<std::string>& argv, absl::string_view env_token);

// Removes and returns a command-specific flag; `fallback` when absent.
std::string TakeFlag(CommandLine& cl, const std::string& name,
                     absl::string_view fallback = "");
bool TakeBoolFlag(CommandLine& cl, const std::string& name);
// INVALID_ARGUMENT naming the flags no one took.
absl::Status CheckNoFlagsLeft(const CommandLine& cl);

// The full usage text.
std::string UsageText();

// Finds a method by "pkg.Service/Method", "/pkg.Service/Method" or
// "pkg.Service.Method"; the package may be left out when the service name is
// unique among the csm.* services. NOT_FOUND says what exists instead.
absl::StatusOr<const google::protobuf::MethodDescriptor*> FindMethod(
    absl::string_view name);

// "/pkg.Service/Method": the HTTP/2 path gRPC uses.
std::string GrpcPath(const google::protobuf::MethodDescriptor& method);

// The google.api.http rule of a method as "GET /v1/{name=customers/*}" (plus
// " body=x" and additional bindings); empty when it has none.
std::string HttpRuleText(const google::protobuf::MethodDescriptor& method);

// Services (and their methods with request, response and HTTP rule) of the
// generated files whose package starts with `package_prefix`.
std::string ListServices(absl::string_view package_prefix = "csm.");

// A message, enum, service or method by full name, as proto source; for a
// method also its request and response messages.
absl::StatusOr<std::string> Describe(absl::string_view name);

// A new, empty instance of the generated message type.
std::unique_ptr<google::protobuf::Message> NewMessage(
    const google::protobuf::Descriptor& type);

// Parses proto3 JSON into a new message of `type`. Empty input is "{}".
// INVALID_ARGUMENT names the type and what is wrong.
absl::StatusOr<std::unique_ptr<google::protobuf::Message>> ParseJson(
    const google::protobuf::Descriptor& type, absl::string_view json);

// proto3 JSON of `message`: indented when `pretty`, else one line.
absl::StatusOr<std::string> ToJson(const google::protobuf::Message& message,
                                   const Options& options, bool pretty);

// Sets one field of `message` from its text form: strings as is, numbers,
// booleans, enum values by name or number; repeated fields take a
// comma-separated list. `field` may be a dotted path ("customer.team").
absl::Status SetField(google::protobuf::Message& message,
                      absl::string_view field, absl::string_view value);

// A method with its request, ready to send.
struct Invocation {
  const google::protobuf::MethodDescriptor* method = nullptr;
  std::unique_ptr<google::protobuf::Message> request;
};

// `args` = {"call", method, json}: the generic call. `json` "-" means
// `stdin_json`, which the caller reads only then (see NeedsStdin).
bool NeedsStdin(const CommandLine& cl);
absl::StatusOr<Invocation> BuildCall(const CommandLine& cl,
                                     absl::string_view stdin_json);

// True when args[0] names an alias resource ("customers", "teams", ...).
bool IsAlias(const CommandLine& cl);
// Expands an alias such as `customers get 42 --full --purpose=x` into the
// call it stands for, taking its flags from `cl`.
absl::StatusOr<Invocation> BuildAlias(CommandLine& cl);
// One line per alias, for the usage text.
std::string AliasUsage();

// A fresh request id (UUID version 4 form).
std::string NewRequestId();

// "ERROR NOT_FOUND: message" plus one "  field: description" line per
// google.rpc.BadRequest field violation in the status details. Ends in '\n'.
std::string FormatRpcError(const grpc::Status& status);

// grpc.health.v1 wire format, encoded by hand (the health proto is not among
// the generated code): HealthCheckRequest{string service = 1}.
std::string EncodeHealthCheckRequest(absl::string_view service);
// HealthCheckResponse{ServingStatus status = 1}; the status number.
absl::StatusOr<int> DecodeHealthCheckResponse(absl::string_view bytes);
// "UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN".
std::string HealthStatusName(int status);
inline constexpr int kHealthServing = 1;

}  // namespace csm::csmctl

#endif  // CSM_TOOLS_CSMCTL_LIB_H_
