// The shortcuts: `csmctl customers get 42` for the call it stands for.
#include <initializer_list>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "tools/csmctl_lib.h"

namespace csm::csmctl {
namespace {

namespace pb = ::google::protobuf;

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

}  // namespace csm::csmctl
