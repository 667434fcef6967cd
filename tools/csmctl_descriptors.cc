// Methods, services and messages in the descriptors linked into csmctl.
#include <google/api/annotations.pb.h>
#include <google/api/http.pb.h>
#include <google/protobuf/descriptor_database.h>

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "tools/csmctl_lib.h"

namespace csm::csmctl {
namespace {

namespace pb = ::google::protobuf;

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

}  // namespace

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

}  // namespace csm::csmctl
