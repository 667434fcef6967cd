// Validation of new archives and contacts (what CreateCustomer and
// AddContact accept).
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
#include "customer-svc/src/domain/customer_fields.h"
#include "customer-svc/src/domain/customer_rules.h"

namespace csm::customer {

FieldViolations ValidateNewCustomer(const v1::Customer& c) {
  FieldViolations v;
  for (const StringField& f : kStringFields) {
    ValidateStringField(f, c, &v);
  }
  if (c.kind() == v1::CUSTOMER_KIND_UNSPECIFIED) {
    v.Add("customer.kind",
          "is required: CUSTOMER_KIND_ENTERPRISE, CUSTOMER_KIND_INSTITUTION "
          "or CUSTOMER_KIND_INDIVIDUAL");
  } else if (!v1::CustomerKind_IsValid(c.kind())) {
    v.Add("customer.kind", "is not a known customer kind");
  }
  ValidateCreditCode(c.kind(), c.credit_code(), &v);
  if (c.team().empty()) {
    v.Add("customer.team", "is required");
  } else if (!IsValidResourceId(c.team())) {
    v.Add("customer.team", "is not a team id ([a-z0-9-]{1,63})");
  }
  if (!c.owner_id().empty() && !IsValidStaffId(c.owner_id())) {
    v.Add("customer.owner_id",
          absl::StrCat("a staff id of at most ", kMaxStaffIdLength,
                       " characters, or empty for fair allocation"));
  }
  ValidateAcquisitionChannel(c, &v);
  ValidateLifecycleStatus(c, &v);
  ValidateExpectedSigningDate(c, &v);
  ValidateImportance(c, &v);
  if (!v1::Grade_IsValid(c.grade())) {
    v.Add("customer.grade", "is not a known grade");
  }
  if (!v1::CreditRating_IsValid(c.credit_rating())) {
    v.Add("customer.credit_rating", "is not a known credit rating");
  }

  if (c.contacts_size() == 0) {
    v.Add("customer.contacts", "at least one contact is required");
  }
  bool seen_primary = false;
  for (int i = 0; i < c.contacts_size(); ++i) {
    const std::string prefix = absl::StrCat("customer.contacts[", i, "]");
    FieldViolations cv = ValidateContact(c.contacts(i), prefix);
    for (const auto& [field, description] : cv.items()) {
      v.Add(field, description);
    }
    if (c.contacts(i).primary()) {
      if (seen_primary) {
        v.Add(absl::StrCat(prefix, ".primary"),
              "only one contact can be primary");
      }
      seen_primary = true;
    }
  }
  return v;
}

void ClearOutputOnlyFields(v1::Customer* c) {
  c->clear_name();
  c->clear_archive_number();
  c->clear_department();
  c->clear_state();
  c->clear_create_time();
  c->clear_update_time();
  c->clear_creator_id();
  c->clear_etag();
  c->clear_masked();
  c->clear_close_reason();
  for (v1::Contact& contact : *c->mutable_contacts()) {
    contact.clear_name();
    contact.clear_etag();
    contact.clear_create_time();
  }
}

FieldViolations ValidateContact(const v1::Contact& contact,
                                absl::string_view field_prefix) {
  FieldViolations v;
  ValidateContactDisplayName(contact, field_prefix, &v);
  ValidateContactTitle(contact, field_prefix, &v);
  ValidateContactPhones(contact, field_prefix, &v);
  ValidateContactEmail(contact, field_prefix, &v);
  if (!HasPhoneOrEmail(contact)) {
    v.Add(absl::StrCat(field_prefix, ".phones"),
          std::string(kNeedsPhoneOrEmail));
  }
  return v;
}

}  // namespace csm::customer
