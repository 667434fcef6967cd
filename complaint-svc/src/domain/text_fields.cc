#include "complaint-svc/src/domain/text_fields.h"

#include "absl/strings/str_cat.h"
#include "common/text.h"

namespace csm::complaint {

void RequireText(FieldViolations& v, const std::string& field,
                 absl::string_view value, const TextLimit& limit) {
  if (IsBlank(value)) {
    v.Add(field,
          absl::StrCat("required, at most ", limit.max_chars, " characters"));
  } else {
    OptionalText(v, field, value, limit);
  }
}

void OptionalText(FieldViolations& v, const std::string& field,
                  absl::string_view value, const TextLimit& limit) {
  // No more bytes than the limit: no more characters either.
  if (static_cast<int>(value.size()) <= limit.max_chars) return;
  const size_t chars = CountCodePoints(value);
  if (chars > static_cast<size_t>(limit.max_chars)) {
    v.Add(field, absl::StrCat("at most ", limit.max_chars, " characters (",
                              chars, " given)"));
  }
}

}  // namespace csm::complaint
