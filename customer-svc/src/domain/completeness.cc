// Archive completeness (客户档案完备率).
#include <algorithm>
#include <array>
#include <tuple>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "customer-svc/src/domain/customer_rules.h"

namespace csm::customer {

Completeness ArchiveCompleteness(const v1::Customer& c) {
  Completeness result;
  auto count = [&result](bool filled) {
    ++result.total;
    if (filled) ++result.filled;
  };
  count(!IsBlank(c.display_name()));
  count(c.kind() != v1::CUSTOMER_KIND_UNSPECIFIED);
  count(!IsBlank(c.credit_code()));
  count(!IsBlank(c.province()));
  count(!IsBlank(c.city()));
  count(!IsBlank(c.industry()));
  count(!IsBlank(c.address()));
  // An individual has no legal representative, business scope or size.
  if (c.kind() != v1::CUSTOMER_KIND_INDIVIDUAL) {
    count(!IsBlank(c.legal_representative()));
    count(!IsBlank(c.business_scope()));
    count(!IsBlank(c.company_size()));
  }
  count(c.acquisition_channel() != v1::ACQUISITION_CHANNEL_UNSPECIFIED);
  count(std::any_of(
      c.contacts().begin(), c.contacts().end(), [](const v1::Contact& contact) {
        return std::any_of(contact.phones().begin(), contact.phones().end(),
                           [](const std::string& p) { return !IsBlank(p); });
      }));
  return result;
}

std::vector<std::string> FilledCompletenessFields(const v1::Customer& c) {
  auto any_contact = [&c](auto filled) {
    return std::any_of(c.contacts().begin(), c.contacts().end(), filled);
  };
  const std::pair<const char*, bool> fields[] = {
      {"acquisition_channel",
       c.acquisition_channel() != v1::ACQUISITION_CHANNEL_UNSPECIFIED},
      {"address", !IsBlank(c.address())},
      {"business_scope", !IsBlank(c.business_scope())},
      {"city", !IsBlank(c.city())},
      {"company_size", !IsBlank(c.company_size())},
      {"contact_email",
       any_contact([](const v1::Contact& k) { return !IsBlank(k.email()); })},
      {"contact_phone", any_contact([](const v1::Contact& k) {
         return std::any_of(k.phones().begin(), k.phones().end(),
                            [](const std::string& p) { return !IsBlank(p); });
       })},
      {"contact_title",
       any_contact([](const v1::Contact& k) { return !IsBlank(k.title()); })},
      {"credit_code", !IsBlank(c.credit_code())},
      {"display_name", !IsBlank(c.display_name())},
      {"industry", !IsBlank(c.industry())},
      {"kind", c.kind() != v1::CUSTOMER_KIND_UNSPECIFIED},
      {"legal_representative", !IsBlank(c.legal_representative())},
      {"province", !IsBlank(c.province())},
  };
  std::vector<std::string> out;
  for (const auto& [name, filled] : fields) {
    if (filled) out.emplace_back(name);
  }
  return out;
}

}  // namespace csm::customer
