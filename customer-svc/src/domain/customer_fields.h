// The archive's fields as the validation and field-mask rules see them
// (internal to the domain): the updatable string fields with their limits
// and kinds of personal data, and the per-field checks both use.
#ifndef CSM_CUSTOMER_SVC_DOMAIN_CUSTOMER_FIELDS_H_
#define CSM_CUSTOMER_SVC_DOMAIN_CUSTOMER_FIELDS_H_

#include <array>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "common/status.h"
#include "csm/customer/v1/customer.pb.h"
#include "customer-svc/src/domain/customer_rules.h"
#include "customer-svc/src/domain/text_limits.h"

namespace csm::customer {

std::string EnumName(const google::protobuf::EnumDescriptor* descriptor,
                     int value);

struct StringField {
  absl::string_view path;
  size_t max_length;
  v1::PersonalDataKind personal;
  const std::string& (v1::Customer::*get)() const;
  std::string* (v1::Customer::*mutable_value)();

  const std::string& Get(const v1::Customer& c) const { return (c.*get)(); }
  void Set(v1::Customer* c, std::string value) const {
    *(c->*mutable_value)() = std::move(value);
  }
};

inline constexpr v1::PersonalDataKind kNotPersonal =
    v1::PERSONAL_DATA_KIND_UNSPECIFIED;

// Updatable string fields other than credit_code (which has its own rules),
// with the kind of personal data each holds (for the history).
inline constexpr std::array<StringField, 8> kStringFields = {{
    {"display_name", kMaxDisplayNameLength, kNotPersonal,
     &v1::Customer::display_name, &v1::Customer::mutable_display_name},
    {"province", kMaxRegionLength, kNotPersonal, &v1::Customer::province,
     &v1::Customer::mutable_province},
    {"city", kMaxRegionLength, kNotPersonal, &v1::Customer::city,
     &v1::Customer::mutable_city},
    {"industry", kMaxTextLength, kNotPersonal, &v1::Customer::industry,
     &v1::Customer::mutable_industry},
    {"address", kMaxAddressLength, v1::PERSONAL_DATA_KIND_ADDRESS,
     &v1::Customer::address, &v1::Customer::mutable_address},
    {"legal_representative", kMaxTextLength, kNotPersonal,
     &v1::Customer::legal_representative,
     &v1::Customer::mutable_legal_representative},
    {"business_scope", kMaxBusinessScopeLength, kNotPersonal,
     &v1::Customer::business_scope, &v1::Customer::mutable_business_scope},
    {"company_size", kMaxTextLength, kNotPersonal, &v1::Customer::company_size,
     &v1::Customer::mutable_company_size},
}};

const StringField* FindStringField(absl::string_view path);

void ValidateStringField(const StringField& f, const v1::Customer& c,
                         FieldViolations* v);

// The credit code against the kind it identifies. UNSPECIFIED (an update
// that does not know the kind) accepts either form.
void ValidateCreditCode(v1::CustomerKind kind, absl::string_view raw,
                        FieldViolations* v);

void ValidateAcquisitionChannel(const v1::Customer& c, FieldViolations* v);

void ValidateLifecycleStatus(const v1::Customer& c, FieldViolations* v);

// An unset or all-zero date means "no signing expected".
bool HasSigningDate(const v1::Customer& c);

void ValidateExpectedSigningDate(const v1::Customer& c, FieldViolations* v);

void ValidateImportance(const v1::Customer& c, FieldViolations* v);

// How the history writes a date: "2026-12-01", "" for none.
std::string SigningDateText(const v1::Customer& c);

// Advice for a mask path that names a field changed some other way.
absl::string_view NotUpdatableHint(absl::string_view path);

void AddNotUpdatable(absl::string_view path,
                     const std::vector<std::string>& allowed,
                     FieldViolations* v);

// Distinct mask paths in request order: a path given twice is applied and
// recorded once.
std::vector<absl::string_view> DistinctPaths(
    const std::vector<std::string>& paths);

FieldViolations ValidateUpdate(const v1::Customer& patch,
                               const std::vector<std::string>& mask_paths,
                               v1::CustomerKind kind_for_credit_code);

void ValidateContactDisplayName(const v1::Contact& c, absl::string_view prefix,
                                FieldViolations* v);

void ValidateContactTitle(const v1::Contact& c, absl::string_view prefix,
                          FieldViolations* v);

void ValidateContactPhones(const v1::Contact& c, absl::string_view prefix,
                           FieldViolations* v);

void ValidateContactEmail(const v1::Contact& c, absl::string_view prefix,
                          FieldViolations* v);

bool HasPhoneOrEmail(const v1::Contact& c);

inline constexpr absl::string_view kNeedsPhoneOrEmail =
    "a contact needs at least one phone or an email";

}  // namespace csm::customer

#endif  // CSM_CUSTOMER_SVC_DOMAIN_CUSTOMER_FIELDS_H_
