#include "customer-svc/src/domain/change_history.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "customer-svc/src/domain/customer_rules.h"

namespace csm::customer {

std::vector<FieldChangeRecord> ContactAddedChanges(
    const v1::Contact& contact, absl::string_view history_prefix) {
  std::vector<FieldChangeRecord> out;
  auto add = [&](absl::string_view field, std::string value,
                 v1::PersonalDataKind personal) {
    if (value.empty()) return;
    out.push_back({absl::StrCat(history_prefix, ".", field), "",
                   std::move(value), personal});
  };
  add("display_name", contact.display_name(),
      v1::PERSONAL_DATA_KIND_UNSPECIFIED);
  add("title", contact.title(), v1::PERSONAL_DATA_KIND_UNSPECIFIED);
  add("phones", JoinPhones(contact.phones()), v1::PERSONAL_DATA_KIND_PHONES);
  add("email", contact.email(), v1::PERSONAL_DATA_KIND_EMAIL);
  add("primary", contact.primary() ? "true" : "false",
      v1::PERSONAL_DATA_KIND_UNSPECIFIED);
  return out;
}

std::vector<FieldChangeRecord> ContactRemovedChanges(
    const v1::Contact& contact, absl::string_view history_prefix) {
  std::vector<FieldChangeRecord> out =
      ContactAddedChanges(contact, history_prefix);
  for (FieldChangeRecord& r : out) std::swap(r.old_value, r.new_value);
  return out;
}

}  // namespace csm::customer
