// Field masks of UpdateCustomer and UpdateContact: which paths, and
// applying them with one history record per changed field.
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

const std::vector<std::string>& UpdatableCustomerFields() {
  static const auto* kFields =
      new std::vector<std::string>{"display_name",
                                   "credit_code",
                                   "province",
                                   "city",
                                   "industry",
                                   "address",
                                   "legal_representative",
                                   "business_scope",
                                   "company_size",
                                   "acquisition_channel",
                                   "lifecycle_status",
                                   "expected_signing_date",
                                   "importance"};
  return *kFields;
}

FieldViolations ValidateCustomerUpdate(
    const v1::Customer& patch, const std::vector<std::string>& mask_paths) {
  return ValidateUpdate(patch, mask_paths, patch.kind());
}

absl::Status ApplyCustomerUpdate(const v1::Customer& patch,
                                 const std::vector<std::string>& mask_paths,
                                 v1::Customer* target,
                                 std::vector<FieldChangeRecord>* changes) {
  // The stored kind decides which code is valid: kind is not updatable.
  CSM_RETURN_IF_ERROR(
      ValidateUpdate(patch, mask_paths, target->kind()).ToStatus());

  std::vector<FieldChangeRecord> records;
  for (absl::string_view path : DistinctPaths(mask_paths)) {
    std::string old_value, new_value;
    v1::PersonalDataKind personal = kNotPersonal;
    if (const StringField* f = FindStringField(path); f != nullptr) {
      old_value = f->Get(*target);
      new_value = f->Get(patch);
      personal = f->personal;
      f->Set(target, new_value);
    } else if (path == "credit_code") {
      old_value = target->credit_code();
      new_value = NormalizeCreditCode(patch.credit_code());
      personal = v1::PERSONAL_DATA_KIND_CREDIT_CODE;
      target->set_credit_code(new_value);
    } else if (path == "acquisition_channel") {
      old_value = EnumName(v1::AcquisitionChannel_descriptor(),
                           target->acquisition_channel());
      new_value = EnumName(v1::AcquisitionChannel_descriptor(),
                           patch.acquisition_channel());
      target->set_acquisition_channel(patch.acquisition_channel());
    } else if (path == "lifecycle_status") {
      old_value = EnumName(v1::LifecycleStatus_descriptor(),
                           target->lifecycle_status());
      new_value =
          EnumName(v1::LifecycleStatus_descriptor(), patch.lifecycle_status());
      target->set_lifecycle_status(patch.lifecycle_status());
    } else if (path == "expected_signing_date") {
      old_value = SigningDateText(*target);
      new_value = SigningDateText(patch);
      if (HasSigningDate(patch)) {
        *target->mutable_expected_signing_date() =
            patch.expected_signing_date();
      } else {
        target->clear_expected_signing_date();
      }
    } else if (path == "importance") {
      old_value = EnumName(v1::Importance_descriptor(), target->importance());
      new_value = EnumName(v1::Importance_descriptor(), patch.importance());
      target->set_importance(patch.importance());
    }
    if (old_value != new_value) {
      records.push_back({std::string(path), std::move(old_value),
                         std::move(new_value), personal});
    }
  }
  if (changes != nullptr) {
    changes->insert(changes->end(), std::make_move_iterator(records.begin()),
                    std::make_move_iterator(records.end()));
  }
  return absl::OkStatus();
}

const std::vector<std::string>& UpdatableContactFields() {
  static const auto* kFields = new std::vector<std::string>{
      "display_name", "title", "phones", "email", "primary"};
  return *kFields;
}

FieldViolations ValidateContactUpdate(
    const v1::Contact& patch, const std::vector<std::string>& mask_paths) {
  constexpr absl::string_view kPrefix = "contact";
  FieldViolations v;
  const std::vector<std::string>& allowed = UpdatableContactFields();
  if (mask_paths.empty()) {
    v.Add("update_mask",
          absl::StrCat("is required: list the fields to change (",
                       absl::StrJoin(allowed, ", "), ")"));
    return v;
  }
  for (absl::string_view path : DistinctPaths(mask_paths)) {
    if (path == "display_name") {
      ValidateContactDisplayName(patch, kPrefix, &v);
    } else if (path == "title") {
      ValidateContactTitle(patch, kPrefix, &v);
    } else if (path == "phones") {
      ValidateContactPhones(patch, kPrefix, &v);
    } else if (path == "email") {
      ValidateContactEmail(patch, kPrefix, &v);
    } else if (path == "primary") {
      // Any value; a single primary per customer is kept by the caller.
    } else {
      AddNotUpdatable(path, allowed, &v);
    }
  }
  return v;
}

absl::Status ApplyContactUpdate(const v1::Contact& patch,
                                const std::vector<std::string>& mask_paths,
                                absl::string_view history_prefix,
                                v1::Contact* target,
                                std::vector<FieldChangeRecord>* changes) {
  CSM_RETURN_IF_ERROR(ValidateContactUpdate(patch, mask_paths).ToStatus());
  // Work on a copy so that a refused update leaves the target unchanged.
  v1::Contact updated = *target;
  std::vector<FieldChangeRecord> records;
  auto record = [&](absl::string_view path, std::string old_value,
                    std::string new_value,
                    v1::PersonalDataKind personal = kNotPersonal) {
    if (old_value != new_value) {
      records.push_back({absl::StrCat(history_prefix, ".", path),
                         std::move(old_value), std::move(new_value), personal});
    }
  };
  for (absl::string_view path : DistinctPaths(mask_paths)) {
    if (path == "display_name") {
      record(path, updated.display_name(), patch.display_name());
      updated.set_display_name(patch.display_name());
    } else if (path == "title") {
      record(path, updated.title(), patch.title());
      updated.set_title(patch.title());
    } else if (path == "phones") {
      record(path, JoinPhones(updated.phones()), JoinPhones(patch.phones()),
             v1::PERSONAL_DATA_KIND_PHONES);
      *updated.mutable_phones() = patch.phones();
    } else if (path == "email") {
      record(path, updated.email(), patch.email(),
             v1::PERSONAL_DATA_KIND_EMAIL);
      updated.set_email(patch.email());
    } else if (path == "primary") {
      record(path, updated.primary() ? "true" : "false",
             patch.primary() ? "true" : "false");
      updated.set_primary(patch.primary());
    }
  }
  if (!HasPhoneOrEmail(updated)) {
    return InvalidField("contact.phones", std::string(kNeedsPhoneOrEmail));
  }
  *target = std::move(updated);
  if (changes != nullptr) {
    changes->insert(changes->end(), std::make_move_iterator(records.begin()),
                    std::make_move_iterator(records.end()));
  }
  return absl::OkStatus();
}

std::string JoinPhones(
    const google::protobuf::RepeatedPtrField<std::string>& phones) {
  return absl::StrJoin(phones, ", ");
}

}  // namespace csm::customer
