#include "tools/csmctl_lib.h"

#include <google/api/annotations.pb.h>
#include <google/api/http.pb.h>
#include <google/protobuf/descriptor_database.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/wire_format_lite.h>

#include <algorithm>
#include <cstdio>
#include <utility>

#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/grpc_status.h"
#include "common/status.h"

namespace csm::csmctl {
namespace {

namespace pb = ::google::protobuf;
using pb::internal::WireFormatLite;

absl::Status Usage(absl::string_view message) {
  return absl::InvalidArgumentError(message);
}

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
  take("addr", &options.addr);
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

// Every generated file linked into the binary whose package starts with
// `package_prefix`, in name order.
std::vector<const pb::FileDescriptor*> GeneratedFiles(
    absl::string_view package_prefix) {
  std::vector<std::string> names;
  pb::DescriptorPool::internal_generated_database()->FindAllFileNames(&names);
  std::sort(names.begin(), names.end());
  std::vector<const pb::FileDescriptor*> files;
  for (const std::string& name : names) {
    const pb::FileDescriptor* file =
        pb::DescriptorPool::generated_pool()->FindFileByName(name);
    if (file != nullptr && absl::StartsWith(file->package(), package_prefix)) {
      files.push_back(file);
    }
  }
  return files;
}

std::vector<const pb::ServiceDescriptor*> CsmServices() {
  std::vector<const pb::ServiceDescriptor*> services;
  for (const pb::FileDescriptor* file : GeneratedFiles("csm.")) {
    for (int i = 0; i < file->service_count(); ++i) {
      services.push_back(file->service(i));
    }
  }
  return services;
}

// The service by full name, or by simple name when that is unique among the
// csm.* services.
absl::StatusOr<const pb::ServiceDescriptor*> FindService(
    const std::string& name) {
  const pb::ServiceDescriptor* service =
      pb::DescriptorPool::generated_pool()->FindServiceByName(name);
  if (service != nullptr) return service;
  std::vector<const pb::ServiceDescriptor*> matches;
  std::vector<std::string> known;
  for (const pb::ServiceDescriptor* s : CsmServices()) {
    known.push_back(s->full_name());
    if (s->name() == name) matches.push_back(s);
  }
  if (matches.size() == 1) return matches[0];
  if (matches.size() > 1) {
    std::vector<std::string> full;
    for (const auto* s : matches) full.push_back(s->full_name());
    return absl::InvalidArgumentError(absl::StrCat(
        "service name \"", name,
        "\" is ambiguous; qualify it: ", absl::StrJoin(full, ", ")));
  }
  return absl::NotFoundError(absl::StrCat(
      "no service \"", name,
      "\" is linked into csmctl; known: ", absl::StrJoin(known, ", ")));
}

// A message name relative to `package` when it lives there.
std::string TypeName(const pb::Descriptor& type, const std::string& package) {
  if (type.file()->package() == package) {
    return std::string(absl::StripPrefix(type.full_name(), package + "."));
  }
  return type.full_name();
}

std::string Signature(const pb::MethodDescriptor& m) {
  const std::string& package = m.service()->file()->package();
  return absl::StrCat(m.name(), "(", m.client_streaming() ? "stream " : "",
                      TypeName(*m.input_type(), package), ") returns (",
                      m.server_streaming() ? "stream " : "",
                      TypeName(*m.output_type(), package), ")");
}

std::string FormatHttpRule(const google::api::HttpRule& rule) {
  std::string out;
  switch (rule.pattern_case()) {
    case google::api::HttpRule::kGet:
      out = absl::StrCat("GET ", rule.get());
      break;
    case google::api::HttpRule::kPut:
      out = absl::StrCat("PUT ", rule.put());
      break;
    case google::api::HttpRule::kPost:
      out = absl::StrCat("POST ", rule.post());
      break;
    case google::api::HttpRule::kDelete:
      out = absl::StrCat("DELETE ", rule.delete_());
      break;
    case google::api::HttpRule::kPatch:
      out = absl::StrCat("PATCH ", rule.patch());
      break;
    case google::api::HttpRule::kCustom:
      out = absl::StrCat(rule.custom().kind(), " ", rule.custom().path());
      break;
    case google::api::HttpRule::PATTERN_NOT_SET:
      break;
  }
  if (!rule.body().empty()) absl::StrAppend(&out, " body=", rule.body());
  return out;
}

absl::Status SetScalar(pb::Message& message, const pb::FieldDescriptor& field,
                       absl::string_view value) {
  const pb::Reflection& r = *message.GetReflection();
  const bool rep = field.is_repeated();
  auto bad = [&field, value](absl::string_view what) {
    return Usage(absl::StrCat(field.full_name(), " takes ", what, ", not \"",
                              value, "\""));
  };
  switch (field.cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_STRING:
      rep ? r.AddString(&message, &field, std::string(value))
          : r.SetString(&message, &field, std::string(value));
      return absl::OkStatus();
    case pb::FieldDescriptor::CPPTYPE_INT32: {
      int32_t v = 0;
      if (!absl::SimpleAtoi(value, &v)) return bad("a 32-bit integer");
      rep ? r.AddInt32(&message, &field, v) : r.SetInt32(&message, &field, v);
      return absl::OkStatus();
    }
    case pb::FieldDescriptor::CPPTYPE_INT64: {
      int64_t v = 0;
      if (!absl::SimpleAtoi(value, &v)) return bad("an integer");
      rep ? r.AddInt64(&message, &field, v) : r.SetInt64(&message, &field, v);
      return absl::OkStatus();
    }
    case pb::FieldDescriptor::CPPTYPE_UINT32: {
      uint32_t v = 0;
      if (!absl::SimpleAtoi(value, &v)) return bad("an unsigned integer");
      rep ? r.AddUInt32(&message, &field, v) : r.SetUInt32(&message, &field, v);
      return absl::OkStatus();
    }
    case pb::FieldDescriptor::CPPTYPE_UINT64: {
      uint64_t v = 0;
      if (!absl::SimpleAtoi(value, &v)) return bad("an unsigned integer");
      rep ? r.AddUInt64(&message, &field, v) : r.SetUInt64(&message, &field, v);
      return absl::OkStatus();
    }
    case pb::FieldDescriptor::CPPTYPE_DOUBLE:
    case pb::FieldDescriptor::CPPTYPE_FLOAT: {
      double v = 0;
      if (!absl::SimpleAtod(value, &v)) return bad("a number");
      if (field.cpp_type() == pb::FieldDescriptor::CPPTYPE_FLOAT) {
        const float f = static_cast<float>(v);
        rep ? r.AddFloat(&message, &field, f) : r.SetFloat(&message, &field, f);
      } else {
        rep ? r.AddDouble(&message, &field, v)
            : r.SetDouble(&message, &field, v);
      }
      return absl::OkStatus();
    }
    case pb::FieldDescriptor::CPPTYPE_BOOL: {
      bool v = false;
      if (!absl::SimpleAtob(value, &v)) return bad("true or false");
      rep ? r.AddBool(&message, &field, v) : r.SetBool(&message, &field, v);
      return absl::OkStatus();
    }
    case pb::FieldDescriptor::CPPTYPE_ENUM: {
      const pb::EnumDescriptor& type = *field.enum_type();
      const pb::EnumValueDescriptor* ev =
          type.FindValueByName(std::string(value));
      int number = 0;
      if (ev == nullptr && absl::SimpleAtoi(value, &number)) {
        ev = type.FindValueByNumber(number);
      }
      if (ev == nullptr) {
        std::vector<std::string> names;
        for (int i = 0; i < type.value_count(); ++i) {
          names.push_back(type.value(i)->name());
        }
        return bad(absl::StrCat("one of ", absl::StrJoin(names, ", ")));
      }
      rep ? r.AddEnum(&message, &field, ev) : r.SetEnum(&message, &field, ev);
      return absl::OkStatus();
    }
    case pb::FieldDescriptor::CPPTYPE_MESSAGE:
      break;
  }
  return Usage(absl::StrCat(field.full_name(),
                            " is a message; set it with `call` and JSON"));
}

// ---- Aliases ---------------------------------------------------------------

struct AliasFlag {
  absl::string_view flag;
  absl::string_view field;
  // When set, `flag` is boolean and sets `field` to this value.
  absl::string_view fixed_value;
};

struct Alias {
  absl::string_view resource;
  absl::string_view verb;
  std::string method;
  // Field set from the one positional argument; empty when there is none.
  absl::string_view positional;
  // Collection prefixed to a bare id ("42" -> "customers/42").
  absl::string_view collection;
  std::vector<AliasFlag> flags;
};

std::vector<AliasFlag> Concat(
    std::initializer_list<std::vector<AliasFlag>> parts) {
  std::vector<AliasFlag> all;
  for (const auto& p : parts) all.insert(all.end(), p.begin(), p.end());
  return all;
}

const std::vector<Alias>& Aliases() {
  static const auto* const kAliases = [] {
    auto customers = [](absl::string_view method) {
      return absl::StrCat("csm.customer.v1.CustomerService/", method);
    };
    const std::vector<AliasFlag> view = {{"full", "view", "CUSTOMER_VIEW_FULL"},
                                         {"purpose", "access_purpose", ""}};
    const std::vector<AliasFlag> paging = {{"page_size", "page_size", ""},
                                           {"page_token", "page_token", ""}};
    return new std::vector<Alias>{
        {"customers", "list", customers("ListCustomers"), "", "",
         Concat({{{"filter", "filter", ""}, {"order_by", "order_by", ""}},
                 view,
                 paging})},
        {"customers", "get", customers("GetCustomer"), "name", "customers/",
         view},
        {"customers", "changes", customers("ListCustomerChanges"), "parent",
         "customers/", Concat({view, paging})},
        {"customers", "grades", customers("ListGradeChanges"), "parent",
         "customers/", paging},
        {"customers", "credit", customers("ListCreditRatingChanges"), "parent",
         "customers/", paging},
        {"customers", "owners", customers("ListOwnerChanges"), "parent",
         "customers/", paging},
        {"customers", "dealings", customers("ListDealings"), "parent",
         "customers/", paging},
        {"customers", "access", customers("ListAccessRecords"), "parent",
         "customers/", Concat({{{"filter", "filter", ""}}, paging})},
        {"teams", "list", customers("ListTeams"), "", "", paging},
        {"teams", "get", customers("GetTeam"), "name", "teams/", {}},
        {"events",
         "stream",
         "csm.events.v1.EventService/StreamEvents",
         "",
         "",
         {{"after", "after_sequence", ""},
          {"types", "event_types", ""},
          {"batch", "max_batch_size", ""}}},
    };
  }();
  return *kAliases;
}

std::string AliasLine(const Alias& a) {
  std::string line = absl::StrCat("csmctl ", a.resource, " ", a.verb);
  if (!a.positional.empty()) {
    absl::StrAppend(&line, " <", absl::StripSuffix(a.collection, "/"),
                    "/ID | ID>");
  }
  for (const AliasFlag& f : a.flags) {
    absl::StrAppend(&line, " [--", f.flag,
                    f.fixed_value.empty() ? absl::StrCat("=", f.field) : "",
                    "]");
  }
  return line;
}

}  // namespace

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

absl::StatusOr<const pb::MethodDescriptor*> FindMethod(absl::string_view name) {
  std::string n(absl::StripPrefix(name, "/"));
  size_t cut = n.rfind('/');
  if (cut == std::string::npos) cut = n.rfind('.');
  if (cut == std::string::npos || cut == 0 || cut + 1 == n.size()) {
    return Usage(absl::StrCat("\"", name,
                              "\" is not a method name; expected "
                              "package.Service/Method"));
  }
  absl::StatusOr<const pb::ServiceDescriptor*> service =
      FindService(n.substr(0, cut));
  if (!service.ok()) return service.status();
  const std::string method_name = n.substr(cut + 1);
  const pb::MethodDescriptor* method =
      (*service)->FindMethodByName(method_name);
  if (method != nullptr) return method;
  std::vector<std::string> names;
  for (int i = 0; i < (*service)->method_count(); ++i) {
    names.push_back((*service)->method(i)->name());
  }
  return absl::NotFoundError(
      absl::StrCat("service ", (*service)->full_name(), " has no method \"",
                   method_name, "\"; it has: ", absl::StrJoin(names, ", ")));
}

std::string GrpcPath(const pb::MethodDescriptor& method) {
  return absl::StrCat("/", method.service()->full_name(), "/", method.name());
}

std::string HttpRuleText(const pb::MethodDescriptor& method) {
  if (!method.options().HasExtension(google::api::http)) return "";
  const google::api::HttpRule& rule =
      method.options().GetExtension(google::api::http);
  std::string out = FormatHttpRule(rule);
  for (const google::api::HttpRule& extra : rule.additional_bindings()) {
    absl::StrAppend(&out, " | ", FormatHttpRule(extra));
  }
  return out;
}

std::string ListServices(absl::string_view package_prefix) {
  std::string out;
  for (const pb::FileDescriptor* file : GeneratedFiles(package_prefix)) {
    for (int s = 0; s < file->service_count(); ++s) {
      const pb::ServiceDescriptor& service = *file->service(s);
      absl::StrAppend(&out, service.full_name(), "  (", file->name(), ")\n");
      for (int m = 0; m < service.method_count(); ++m) {
        const pb::MethodDescriptor& method = *service.method(m);
        absl::StrAppend(&out, "  ", Signature(method), "\n");
        const std::string http = HttpRuleText(method);
        if (!http.empty()) absl::StrAppend(&out, "      ", http, "\n");
      }
    }
  }
  return out;
}

absl::StatusOr<std::string> Describe(absl::string_view name) {
  const pb::DescriptorPool& pool = *pb::DescriptorPool::generated_pool();
  const std::string n(absl::StripPrefix(absl::StripPrefix(name, "/"), "."));
  if (const auto* m = pool.FindMessageTypeByName(n)) return m->DebugString();
  if (const auto* e = pool.FindEnumTypeByName(n)) return e->DebugString();
  if (const auto* s = pool.FindServiceByName(n)) return s->DebugString();
  if (absl::EndsWith(n, ".proto")) {
    if (const auto* f = pool.FindFileByName(n)) return f->DebugString();
  }
  // Simple names of csm.* messages and enums ("Customer", "Grade").
  std::vector<std::string> matches;
  std::string found;
  for (const pb::FileDescriptor* file : GeneratedFiles("csm.")) {
    if (const auto* m = file->FindMessageTypeByName(n)) {
      matches.push_back(m->full_name());
      found = m->DebugString();
    }
    if (const auto* e = file->FindEnumTypeByName(n)) {
      matches.push_back(e->full_name());
      found = e->DebugString();
    }
  }
  if (matches.size() == 1) return found;
  if (matches.size() > 1) {
    return Usage(absl::StrCat("\"", n, "\" is ambiguous; qualify it: ",
                              absl::StrJoin(matches, ", ")));
  }
  absl::StatusOr<const pb::MethodDescriptor*> method = FindMethod(n);
  if (!method.ok()) {
    return absl::NotFoundError(
        absl::StrCat("no message, enum, service or method \"", n,
                     "\" is linked into csmctl (try `csmctl list`)"));
  }
  const pb::MethodDescriptor& m = **method;
  return absl::StrCat("// ", GrpcPath(m), "\n", m.DebugString(), "\n",
                      m.input_type()->DebugString(), "\n",
                      m.output_type()->DebugString());
}

std::unique_ptr<pb::Message> NewMessage(const pb::Descriptor& type) {
  const pb::Message* prototype =
      pb::MessageFactory::generated_factory()->GetPrototype(&type);
  return std::unique_ptr<pb::Message>(prototype->New());
}

absl::StatusOr<std::unique_ptr<pb::Message>> ParseJson(
    const pb::Descriptor& type, absl::string_view json) {
  std::unique_ptr<pb::Message> message = NewMessage(type);
  absl::string_view text = absl::StripAsciiWhitespace(json);
  if (text.empty()) text = "{}";
  pb::util::Status s = pb::util::JsonStringToMessage(
      pb::StringPiece(text.data(), text.size()), message.get());
  if (!s.ok()) {
    return Usage(absl::StrCat("the request is not valid JSON for ",
                              type.full_name(), ": ",
                              std::string(s.message())));
  }
  return message;
}

absl::StatusOr<std::string> ToJson(const pb::Message& message,
                                   const Options& options, bool pretty) {
  pb::util::JsonPrintOptions print;
  print.add_whitespace = pretty;
  print.preserve_proto_field_names = options.proto_names;
  print.always_print_primitive_fields = options.emit_defaults;
  std::string out;
  pb::util::Status s = pb::util::MessageToJsonString(message, &out, print);
  if (!s.ok()) {
    return absl::InternalError(
        absl::StrCat("cannot print ", message.GetTypeName(),
                     " as JSON: ", std::string(s.message())));
  }
  if (!pretty) return out;
  // The printer indents by one space per level; two read better. JSON strings
  // hold no raw newlines, so leading spaces are only ever indentation.
  std::string indented;
  for (absl::string_view line : absl::StrSplit(out, '\n', absl::SkipEmpty())) {
    const size_t depth = line.find_first_not_of(' ');
    absl::StrAppend(&indented, indented.empty() ? "" : "\n",
                    std::string(2 * depth, ' '), line.substr(depth));
  }
  return indented;
}

absl::Status SetField(pb::Message& message, absl::string_view field,
                      absl::string_view value) {
  pb::Message* target = &message;
  std::vector<absl::string_view> path = absl::StrSplit(field, '.');
  for (size_t i = 0; i < path.size(); ++i) {
    const pb::FieldDescriptor* f =
        target->GetDescriptor()->FindFieldByName(std::string(path[i]));
    if (f == nullptr) {
      return Usage(absl::StrCat(target->GetDescriptor()->full_name(),
                                " has no field \"", path[i], "\""));
    }
    if (i + 1 < path.size()) {
      if (f->cpp_type() != pb::FieldDescriptor::CPPTYPE_MESSAGE ||
          f->is_repeated()) {
        return Usage(
            absl::StrCat(f->full_name(), " is not a singular message field"));
      }
      target = target->GetReflection()->MutableMessage(target, f);
      continue;
    }
    if (f->is_map()) {
      return Usage(absl::StrCat(f->full_name(), " is a map; use JSON"));
    }
    if (!f->is_repeated()) return SetScalar(*target, *f, value);
    for (absl::string_view item :
         absl::StrSplit(value, ',', absl::SkipEmpty())) {
      if (absl::Status s =
              SetScalar(*target, *f, absl::StripAsciiWhitespace(item));
          !s.ok()) {
        return s;
      }
    }
  }
  return absl::OkStatus();
}

bool NeedsStdin(const CommandLine& cl) {
  return cl.args.size() == 3 && cl.args[0] == "call" && cl.args[2] == "-";
}

absl::StatusOr<Invocation> BuildCall(const CommandLine& cl,
                                     absl::string_view stdin_json) {
  if (cl.args.size() != 3) {
    return Usage(
        "call takes a method and a JSON request: csmctl call "
        "package.Service/Method '{...}'");
  }
  Invocation inv;
  absl::StatusOr<const pb::MethodDescriptor*> method = FindMethod(cl.args[1]);
  if (!method.ok()) return method.status();
  inv.method = *method;
  absl::StatusOr<std::unique_ptr<pb::Message>> request = ParseJson(
      *inv.method->input_type(), NeedsStdin(cl) ? stdin_json : cl.args[2]);
  if (!request.ok()) return request.status();
  inv.request = std::move(*request);
  return inv;
}

bool IsAlias(const CommandLine& cl) {
  if (cl.args.empty()) return false;
  for (const Alias& a : Aliases()) {
    if (a.resource == cl.args[0]) return true;
  }
  return false;
}

absl::StatusOr<Invocation> BuildAlias(CommandLine& cl) {
  const Alias* alias = nullptr;
  std::vector<absl::string_view> verbs;
  for (const Alias& a : Aliases()) {
    if (a.resource != cl.args[0]) continue;
    verbs.push_back(a.verb);
    if (cl.args.size() > 1 && a.verb == cl.args[1]) alias = &a;
  }
  if (alias == nullptr) {
    return Usage(absl::StrCat(cl.args[0],
                              " takes one of: ", absl::StrJoin(verbs, ", ")));
  }
  const size_t want = alias->positional.empty() ? 2 : 3;
  if (cl.args.size() != want) {
    return Usage(absl::StrCat("usage: ", AliasLine(*alias)));
  }
  absl::StatusOr<const pb::MethodDescriptor*> method =
      FindMethod(alias->method);
  if (!method.ok()) return method.status();
  Invocation inv{*method, NewMessage(*(*method)->input_type())};
  if (!alias->positional.empty()) {
    std::string id = cl.args[2];
    if (id.find('/') == std::string::npos) {
      id = absl::StrCat(alias->collection, id);
    }
    if (absl::Status s = SetField(*inv.request, alias->positional, id);
        !s.ok()) {
      return s;
    }
  }
  for (const AliasFlag& f : alias->flags) {
    const std::string name(f.flag);
    if (cl.flags.count(name) == 0) continue;
    absl::Status s;
    if (f.fixed_value.empty()) {
      s = SetField(*inv.request, f.field, TakeFlag(cl, name));
    } else if (TakeBoolFlag(cl, name)) {
      s = SetField(*inv.request, f.field, f.fixed_value);
    }
    if (!s.ok()) return s;
  }
  return inv;
}

std::string AliasUsage() {
  std::string out;
  for (const Alias& a : Aliases()) {
    absl::StrAppend(&out, "  ", AliasLine(a), "\n");
  }
  return out;
}

std::string NewRequestId() {
  absl::BitGen gen;
  uint64_t hi = absl::Uniform<uint64_t>(gen);
  uint64_t lo = absl::Uniform<uint64_t>(gen);
  hi = (hi & ~uint64_t{0xf000}) | 0x4000;                      // version 4
  lo = (lo & ~(uint64_t{0xc} << 60)) | (uint64_t{0x8} << 60);  // variant 10
  return absl::StrFormat("%08x-%04x-%04x-%04x-%012x", hi >> 32,
                         (hi >> 16) & 0xffff, hi & 0xffff, lo >> 48,
                         lo & 0xffffffffffffULL);
}

std::string FormatRpcError(const grpc::Status& status) {
  const absl::Status s = FromGrpcStatus(status);
  std::string out =
      absl::StrCat("ERROR ",
                   absl::StatusCodeToString(
                       static_cast<absl::StatusCode>(status.error_code())),
                   ": ", status.error_message(), "\n");
  for (const auto& [field, description] : ViolationsOf(s)) {
    absl::StrAppend(&out, "  ", field, ": ", description, "\n");
  }
  return out;
}

std::string EncodeHealthCheckRequest(absl::string_view service) {
  std::string out;
  if (service.empty()) return out;  // proto3: the default is not written
  {
    pb::io::StringOutputStream stream(&out);
    pb::io::CodedOutputStream coded(&stream);
    coded.WriteTag(
        WireFormatLite::MakeTag(1, WireFormatLite::WIRETYPE_LENGTH_DELIMITED));
    coded.WriteVarint32(static_cast<uint32_t>(service.size()));
    coded.WriteRaw(service.data(), static_cast<int>(service.size()));
  }
  return out;
}

absl::StatusOr<int> DecodeHealthCheckResponse(absl::string_view bytes) {
  pb::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                              static_cast<int>(bytes.size()));
  int status = 0;
  const uint32_t status_tag =
      WireFormatLite::MakeTag(1, WireFormatLite::WIRETYPE_VARINT);
  while (uint32_t tag = in.ReadTag()) {
    if (tag == status_tag) {
      uint32_t v = 0;
      if (!in.ReadVarint32(&v)) break;
      status = static_cast<int>(v);
    } else if (!WireFormatLite::SkipField(&in, tag)) {
      break;
    }
  }
  if (!in.ConsumedEntireMessage()) {
    return absl::DataLossError("malformed grpc.health.v1.HealthCheckResponse");
  }
  return status;
}

std::string HealthStatusName(int status) {
  switch (status) {
    case 0:
      return "UNKNOWN";
    case 1:
      return "SERVING";
    case 2:
      return "NOT_SERVING";
    case 3:
      return "SERVICE_UNKNOWN";
    default:
      return absl::StrCat("STATUS_", status);
  }
}

}  // namespace csm::csmctl
