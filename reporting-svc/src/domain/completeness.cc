#include "reporting-svc/src/domain/completeness.h"

#include <algorithm>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace csm::reporting {
namespace {

constexpr size_t kMaxRequiredFields = 30;

bool Exempt(const RequiredField& f, cv1::CustomerKind kind) {
  return std::find(f.exempt_kinds.begin(), f.exempt_kinds.end(), kind) !=
         f.exempt_kinds.end();
}

bool Has(const std::vector<std::string>& filled, const std::string& name) {
  return std::find(filled.begin(), filled.end(), name) != filled.end();
}

}  // namespace

const std::vector<std::string>& CompletenessFieldNames() {
  static const std::vector<std::string>* names =
      new std::vector<std::string>{"display_name",
                                   "kind",
                                   "credit_code",
                                   "province",
                                   "city",
                                   "industry",
                                   "address",
                                   "legal_representative",
                                   "business_scope",
                                   "company_size",
                                   "acquisition_channel",
                                   "contact_phone",
                                   "contact_email",
                                   "contact_title"};
  return *names;
}

bool IsCompletenessField(absl::string_view name) {
  const std::vector<std::string>& names = CompletenessFieldNames();
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::vector<RequiredField> DefaultRequiredFields() {
  const std::vector<cv1::CustomerKind> individual = {
      cv1::CUSTOMER_KIND_INDIVIDUAL};
  return {{"display_name", {}},
          {"kind", {}},
          {"credit_code", {}},
          {"province", {}},
          {"city", {}},
          {"industry", {}},
          {"address", {}},
          {"legal_representative", individual},
          {"business_scope", individual},
          {"company_size", individual},
          {"acquisition_channel", {}},
          {"contact_phone", {}}};
}

void ValidateRequiredFields(const std::vector<RequiredField>& fields,
                            absl::string_view field, FieldViolations* v) {
  if (fields.empty() || fields.size() > kMaxRequiredFields) {
    v->Add(std::string(field),
           absl::StrCat("give 1..", kMaxRequiredFields, " fields"));
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < fields.size(); ++i) {
    const std::string path = absl::StrCat(field, "[", i, "]");
    const RequiredField& f = fields[i];
    if (!IsCompletenessField(f.field)) {
      v->Add(absl::StrCat(path, ".field"),
             absl::StrCat("not a completeness field; one of: display_name, "
                          "kind, credit_code, province, city, industry, "
                          "address, legal_representative, business_scope, "
                          "company_size, acquisition_channel, contact_phone, "
                          "contact_email, contact_title"));
    } else if (!seen.insert(f.field).second) {
      v->Add(absl::StrCat(path, ".field"),
             absl::StrCat(f.field, " is listed twice"));
    }
    for (size_t k = 0; k < f.exempt_kinds.size(); ++k) {
      const cv1::CustomerKind kind = f.exempt_kinds[k];
      if (kind == cv1::CUSTOMER_KIND_UNSPECIFIED ||
          !cv1::CustomerKind_IsValid(kind)) {
        v->Add(absl::StrCat(path, ".exempt_kinds[", k, "]"),
               "must be a CUSTOMER_KIND_* value");
      }
    }
  }
}

std::vector<RequiredField> FromProto(const rv1::CompletenessRule& proto) {
  std::vector<RequiredField> out;
  for (const rv1::RequiredField& f : proto.required_fields()) {
    RequiredField r{f.field(), {}};
    for (int k : f.exempt_kinds()) {
      r.exempt_kinds.push_back(static_cast<cv1::CustomerKind>(k));
    }
    out.push_back(std::move(r));
  }
  return out;
}

void ToProto(const std::vector<RequiredField>& fields,
             rv1::CompletenessRule* out) {
  out->clear_required_fields();
  for (const RequiredField& f : fields) {
    rv1::RequiredField* r = out->add_required_fields();
    r->set_field(f.field);
    for (cv1::CustomerKind k : f.exempt_kinds) r->add_exempt_kinds(k);
  }
}

ArchiveFill EvaluateArchive(const std::vector<RequiredField>& required,
                            cv1::CustomerKind kind,
                            const std::vector<std::string>& filled_fields) {
  ArchiveFill fill;
  for (const RequiredField& f : required) {
    if (Exempt(f, kind)) continue;
    ++fill.applicable;
    if (Has(filled_fields, f.field)) ++fill.filled;
  }
  return fill;
}

CompletenessTally::CompletenessTally(std::vector<RequiredField> required)
    : required_(std::move(required)),
      field_filled_(required_.size(), 0),
      field_applicable_(required_.size(), 0) {}

void CompletenessTally::Add(cv1::CustomerKind kind,
                            const std::vector<std::string>& filled_fields,
                            int64_t archives) {
  const ArchiveFill fill = EvaluateArchive(required_, kind, filled_fields);
  archives_ += archives;
  if (fill.complete()) complete_ += archives;
  filled_ += fill.filled * archives;
  applicable_ += fill.applicable * archives;
  for (size_t i = 0; i < required_.size(); ++i) {
    if (Exempt(required_[i], kind)) continue;
    field_applicable_[i] += archives;
    if (Has(filled_fields, required_[i].field)) field_filled_[i] += archives;
  }
}

Ratio CompletenessTally::complete_archives() const {
  return Ratio::Of(complete_, archives_).value_or(Ratio());
}

Ratio CompletenessTally::field_completeness() const {
  return Ratio::Of(filled_, applicable_).value_or(Ratio());
}

std::vector<Ratio> CompletenessTally::per_field() const {
  std::vector<Ratio> out;
  for (size_t i = 0; i < required_.size(); ++i) {
    out.push_back(
        Ratio::Of(field_filled_[i], field_applicable_[i]).value_or(Ratio()));
  }
  return out;
}

}  // namespace csm::reporting
