// Grade and credit-rating changes and the reasons of every change.
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

namespace {

void AddReasonViolations(absl::string_view field, absl::string_view reason,
                         FieldViolations* v) {
  if (IsBlank(reason)) {
    v->Add(std::string(field), "is required: say why");
  } else {
    CheckMaxLength(field, reason, kMaxReasonLength, v);
  }
}

// "GRADE_A" → "A", "CREDIT_RATING_AAA" → "AAA": how people say them.
std::string ShortEnumName(const google::protobuf::EnumDescriptor* descriptor,
                          int value, absl::string_view prefix) {
  std::string name = EnumName(descriptor, value);
  absl::string_view view = name;
  absl::ConsumePrefix(&view, prefix);
  return std::string(view);
}

}  // namespace

absl::Status CheckGradeChange(v1::Grade from, v1::Grade to,
                              absl::string_view reason) {
  FieldViolations v;
  if (to != v1::GRADE_A && to != v1::GRADE_B && to != v1::GRADE_C) {
    v.Add("grade", "must be GRADE_A, GRADE_B or GRADE_C");
  }
  AddReasonViolations("reason", reason, &v);
  CSM_RETURN_IF_ERROR(v.ToStatus());
  if (from == to) {
    return absl::FailedPreconditionError(
        absl::StrCat("grade is already ",
                     ShortEnumName(v1::Grade_descriptor(), to, "GRADE_")));
  }
  return absl::OkStatus();
}

absl::Status CheckCreditRatingChange(v1::CreditRating from, v1::CreditRating to,
                                     absl::string_view reason) {
  FieldViolations v;
  if (to == v1::CREDIT_RATING_UNSPECIFIED || !v1::CreditRating_IsValid(to)) {
    v.Add("credit_rating",
          "must be one of CREDIT_RATING_AAA, CREDIT_RATING_AA, "
          "CREDIT_RATING_A, CREDIT_RATING_B, CREDIT_RATING_C");
  }
  AddReasonViolations("reason", reason, &v);
  CSM_RETURN_IF_ERROR(v.ToStatus());
  if (from == to) {
    return absl::FailedPreconditionError(absl::StrCat(
        "credit rating is already ",
        ShortEnumName(v1::CreditRating_descriptor(), to, "CREDIT_RATING_")));
  }
  return absl::OkStatus();
}

absl::Status ValidateReason(absl::string_view field, absl::string_view reason) {
  FieldViolations v;
  AddReasonViolations(field, reason, &v);
  return v.ToStatus();
}

}  // namespace csm::customer
