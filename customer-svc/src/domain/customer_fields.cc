#include "customer-svc/src/domain/customer_fields.h"

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

namespace csm::customer {

std::string EnumName(const google::protobuf::EnumDescriptor* descriptor,
                     int value) {
  const auto* ev = descriptor->FindValueByNumber(value);
  return ev != nullptr ? ev->name() : absl::StrCat(value);
}

const StringField* FindStringField(absl::string_view path) {
  for (const StringField& f : kStringFields) {
    if (f.path == path) return &f;
  }
  return nullptr;
}

void ValidateStringField(const StringField& f, const v1::Customer& c,
                         FieldViolations* v) {
  const std::string field = absl::StrCat("customer.", f.path);
  if (f.path == "display_name") {
    CheckRequiredText(field, f.Get(c), f.max_length, v);
  } else {
    CheckMaxLength(field, f.Get(c), f.max_length, v);
  }
}

// The credit code against the kind it identifies. UNSPECIFIED (an update
// that does not know the kind) accepts either form.
void ValidateCreditCode(v1::CustomerKind kind, absl::string_view raw,
                        FieldViolations* v) {
  constexpr absl::string_view kField = "customer.credit_code";
  const std::string code = NormalizeCreditCode(raw);
  switch (kind) {
    case v1::CUSTOMER_KIND_ENTERPRISE:
    case v1::CUSTOMER_KIND_INSTITUTION:
      if (code.empty()) {
        v->Add(std::string(kField),
               "is required for enterprises and institutions: the unified "
               "social credit code");
      } else if (!IsValidUnifiedSocialCreditCode(code)) {
        v->Add(std::string(kField),
               "is not a valid unified social credit code (18 characters, "
               "GB 32100-2015, check character included)");
      }
      return;
    case v1::CUSTOMER_KIND_INDIVIDUAL:
      if (!code.empty() && !IsValidResidentId(code)) {
        v->Add(std::string(kField),
               "is not a valid resident ID number (18 characters, "
               "GB 11643-1999, check character and birth date included)");
      }
      return;
    default:
      if (!code.empty() && !IsValidUnifiedSocialCreditCode(code) &&
          !IsValidResidentId(code)) {
        v->Add(std::string(kField),
               "is neither a valid unified social credit code nor a valid "
               "resident ID number");
      }
      return;
  }
}

void ValidateAcquisitionChannel(const v1::Customer& c, FieldViolations* v) {
  if (!v1::AcquisitionChannel_IsValid(c.acquisition_channel())) {
    v->Add("customer.acquisition_channel", "is not a known channel");
  }
}

void ValidateLifecycleStatus(const v1::Customer& c, FieldViolations* v) {
  if (!v1::LifecycleStatus_IsValid(c.lifecycle_status())) {
    v->Add("customer.lifecycle_status", "is not a known lifecycle status");
  }
}

// An unset or all-zero date means "no signing expected".
bool HasSigningDate(const v1::Customer& c) {
  const csm::common::v1::Date& d = c.expected_signing_date();
  return c.has_expected_signing_date() &&
         (d.year() != 0 || d.month() != 0 || d.day() != 0);
}

void ValidateExpectedSigningDate(const v1::Customer& c, FieldViolations* v) {
  if (HasSigningDate(c) && !IsValidDate(c.expected_signing_date())) {
    v->Add("customer.expected_signing_date", "is not a real date");
  }
}

void ValidateImportance(const v1::Customer& c, FieldViolations* v) {
  if (!v1::Importance_IsValid(c.importance())) {
    v->Add("customer.importance",
           "is not a known importance: IMPORTANCE_LOW, IMPORTANCE_NORMAL or "
           "IMPORTANCE_HIGH");
  }
}

// How the history writes a date: "2026-12-01", "" for none.
std::string SigningDateText(const v1::Customer& c) {
  if (!HasSigningDate(c)) return "";
  const csm::common::v1::Date& d = c.expected_signing_date();
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

// Advice for a mask path that names a field changed some other way.
absl::string_view NotUpdatableHint(absl::string_view path) {
  if (path == "kind") return "kind is immutable after creation";
  if (path == "grade") return "grade changes through ChangeGrade";
  if (path == "credit_rating") {
    return "credit_rating changes through ChangeCreditRating";
  }
  if (path == "owner_id" || path == "team") {
    return "the owner changes through TransferOwnership";
  }
  if (path == "state" || path == "close_reason") {
    return "the state changes through CloseCustomer and ReopenCustomer";
  }
  if (path == "contacts" || absl::StartsWith(path, "contacts.")) {
    return "contacts change through AddContact, UpdateContact and "
           "RemoveContact";
  }
  return "";
}

void AddNotUpdatable(absl::string_view path,
                     const std::vector<std::string>& allowed,
                     FieldViolations* v) {
  std::string description =
      absl::StrCat(QuotedPath(path), " cannot be updated");
  if (absl::string_view hint = NotUpdatableHint(path); !hint.empty()) {
    absl::StrAppend(&description, " (", hint, ")");
  }
  absl::StrAppend(&description,
                  "; updatable fields: ", absl::StrJoin(allowed, ", "));
  v->Add("update_mask", std::move(description));
}

// Distinct mask paths in request order: a path given twice is applied and
// recorded once.
std::vector<absl::string_view> DistinctPaths(
    const std::vector<std::string>& paths) {
  std::vector<absl::string_view> out;
  for (const std::string& p : paths) {
    if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
  }
  return out;
}

FieldViolations ValidateUpdate(const v1::Customer& patch,
                               const std::vector<std::string>& mask_paths,
                               v1::CustomerKind kind_for_credit_code) {
  FieldViolations v;
  const std::vector<std::string>& allowed = UpdatableCustomerFields();
  if (mask_paths.empty()) {
    v.Add("update_mask",
          absl::StrCat("is required: list the fields to change (",
                       absl::StrJoin(allowed, ", "), ")"));
    return v;
  }
  for (absl::string_view path : DistinctPaths(mask_paths)) {
    if (const StringField* f = FindStringField(path); f != nullptr) {
      ValidateStringField(*f, patch, &v);
    } else if (path == "credit_code") {
      ValidateCreditCode(kind_for_credit_code, patch.credit_code(), &v);
    } else if (path == "acquisition_channel") {
      ValidateAcquisitionChannel(patch, &v);
    } else if (path == "lifecycle_status") {
      ValidateLifecycleStatus(patch, &v);
    } else if (path == "expected_signing_date") {
      ValidateExpectedSigningDate(patch, &v);
    } else if (path == "importance") {
      ValidateImportance(patch, &v);
    } else {
      AddNotUpdatable(path, allowed, &v);
    }
  }
  return v;
}

void ValidateContactDisplayName(const v1::Contact& c, absl::string_view prefix,
                                FieldViolations* v) {
  CheckRequiredText(absl::StrCat(prefix, ".display_name"), c.display_name(),
                    kMaxContactNameLength, v);
}

void ValidateContactTitle(const v1::Contact& c, absl::string_view prefix,
                          FieldViolations* v) {
  CheckMaxLength(absl::StrCat(prefix, ".title"), c.title(),
                 kMaxContactTitleLength, v);
}

void ValidateContactPhones(const v1::Contact& c, absl::string_view prefix,
                           FieldViolations* v) {
  if (static_cast<size_t>(c.phones_size()) > kMaxPhonesPerContact) {
    v->Add(absl::StrCat(prefix, ".phones"),
           absl::StrCat("at most ", kMaxPhonesPerContact, " phones"));
  }
  for (int i = 0; i < c.phones_size(); ++i) {
    if (CountCodePoints(c.phones(i)) > kMaxPhoneLength) {
      v->Add(absl::StrCat(prefix, ".phones[", i, "]"),
             absl::StrCat("must be at most ", kMaxPhoneLength, " characters"));
    } else if (!IsValidPhone(c.phones(i))) {
      v->Add(absl::StrCat(prefix, ".phones[", i, "]"),
             "is not a valid phone number: a mobile (1[3-9] and 9 digits, "
             "optional +86) or a landline (0xx-xxxxxxxx, optional "
             "-extension)");
    }
  }
}

void ValidateContactEmail(const v1::Contact& c, absl::string_view prefix,
                          FieldViolations* v) {
  if (!c.email().empty() && !IsValidEmail(c.email())) {
    v->Add(absl::StrCat(prefix, ".email"), "is not a valid email address");
  }
}

bool HasPhoneOrEmail(const v1::Contact& c) {
  return c.phones_size() > 0 || !IsBlank(c.email());
}

}  // namespace csm::customer
