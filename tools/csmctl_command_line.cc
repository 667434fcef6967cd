// csmctl's command line: flags, the global options, the usage text.
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "tools/csmctl_lib.h"
#include "tools/csmctl_reports.h"

namespace csm::csmctl {
namespace {

absl::StatusOr<bool> ParseBool(absl::string_view name,
                               absl::string_view value) {
  bool b = false;
  if (!absl::SimpleAtob(value, &b)) {
    return Usage(
        absl::StrCat("--", name, " takes true or false, not \"", value, "\""));
  }
  return b;
}

// Moves the global flags from `flags` into `options`.
absl::Status TakeGlobalFlags(std::map<std::string, std::string>& flags,
                             Options& options, bool& help) {
  auto take = [&flags](const std::string& name, std::string* out) {
    auto it = flags.find(name);
    if (it == flags.end()) return false;
    *out = it->second;
    flags.erase(it);
    return true;
  };
  std::string v;
  options.addr_set = take("addr", &options.addr);
  take("token", &options.token);
  take("request_id", &options.request_id);
  if (take("timeout", &v)) {
    absl::Duration d;
    double seconds = 0;
    if (absl::SimpleAtod(v, &seconds)) {
      d = absl::Seconds(seconds);
    } else if (!absl::ParseDuration(v, &d)) {
      return Usage(absl::StrCat("--timeout takes a duration such as 10s or ",
                                "500ms, not \"", v, "\""));
    }
    if (d <= absl::ZeroDuration()) return Usage("--timeout must be positive");
    options.timeout = d;
    options.timeout_set = true;
  }
  if (take("max_messages", &v)) {
    if (!absl::SimpleAtoi(v, &options.max_messages) ||
        options.max_messages < 0) {
      return Usage(
          absl::StrCat("--max_messages takes a count >= 0, not \"", v, "\""));
    }
  }
  struct BoolFlag {
    const char* name;
    bool* target;
  };
  for (BoolFlag f :
       {BoolFlag{"proto_names", &options.proto_names},
        BoolFlag{"emit_defaults", &options.emit_defaults},
        BoolFlag{"verbose", &options.verbose}, BoolFlag{"help", &help}}) {
    if (!take(f.name, &v)) continue;
    absl::StatusOr<bool> b = ParseBool(f.name, v);
    if (!b.ok()) return b.status();
    *f.target = *b;
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status Usage(absl::string_view message) {
  return absl::InvalidArgumentError(message);
}

absl::StatusOr<CommandLine> ParseCommandLine(
    const std::vector<std::string>& argv, absl::string_view env_token) {
  CommandLine cl;
  cl.options.token = std::string(env_token);
  bool flags_done = false;
  for (const std::string& arg : argv) {
    if (flags_done || !absl::StartsWith(arg, "--")) {
      if (arg == "-h") {
        cl.help = true;
        continue;
      }
      cl.args.push_back(arg);
      continue;
    }
    if (arg == "--") {
      flags_done = true;
      continue;
    }
    absl::string_view body = absl::string_view(arg).substr(2);
    std::pair<std::string, std::string> kv =
        absl::StrSplit(body, absl::MaxSplits('=', 1));
    if (kv.first.empty()) return Usage(absl::StrCat("bad flag \"", arg, "\""));
    if (body.find('=') == absl::string_view::npos) kv.second = "true";
    cl.flags[kv.first] = kv.second;
  }
  if (absl::Status s = TakeGlobalFlags(cl.flags, cl.options, cl.help);
      !s.ok()) {
    return s;
  }
  return cl;
}

std::string TakeFlag(CommandLine& cl, const std::string& name,
                     absl::string_view fallback) {
  auto it = cl.flags.find(name);
  if (it == cl.flags.end()) return std::string(fallback);
  std::string value = std::move(it->second);
  cl.flags.erase(it);
  return value;
}

bool TakeBoolFlag(CommandLine& cl, const std::string& name) {
  std::string v = TakeFlag(cl, name, "false");
  bool b = false;
  return absl::SimpleAtob(v, &b) && b;
}

absl::Status CheckNoFlagsLeft(const CommandLine& cl) {
  if (cl.flags.empty()) return absl::OkStatus();
  std::vector<std::string> names;
  for (const auto& [name, value] : cl.flags) names.push_back("--" + name);
  return Usage(absl::StrCat("unknown flag", names.size() > 1 ? "s" : "", " ",
                            absl::StrJoin(names, ", "), " for this command"));
}

std::string UsageText() {
  return absl::StrCat(
      "csmctl: command-line client for the csm services\n"
      "\n"
      "Usage:\n"
      "  csmctl [flags] call <package.Service/Method> '<json>'   (json '-' "
      "reads stdin)\n"
      "  csmctl [flags] list                 services and methods, with "
      "their HTTP rules\n"
      "  csmctl [flags] describe <name>      message, enum, service or "
      "method as proto\n"
      "  csmctl [flags] health [service]     grpc.health.v1 Check; exit 0 "
      "if SERVING\n"
      "\n"
      "Reports (reporting-svc), as a table, JSON or CSV:\n",
      ReportsUsage(),
      "\n"
      "Shortcuts:\n",
      AliasUsage(),
      "\n"
      "Flags:\n"
      "  --addr=HOST:PORT     server address (default 127.0.0.1:50051)\n"
      "  --token=JWT          bearer token (default: $CSM_TOKEN)\n"
      "  --timeout=10s        deadline of a unary call; streams get one only "
      "when given\n"
      "  --request_id=ID      x-request-id metadata (default: generated)\n"
      "  --max_messages=N     streams: stop after N responses (default: "
      "until Ctrl-C)\n"
      "  --proto_names        print snake_case field names\n"
      "  --emit_defaults      print fields holding default values\n"
      "  --verbose            print the method and request id on stderr\n"
      "\n"
      "Errors print \"ERROR <CODE>: <message>\" and the field violations on "
      "stderr\n"
      "and exit 1; usage errors exit 2.\n");
}

}  // namespace csm::csmctl
