#include "complaint-svc/src/api/text_fields.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace csm::complaint {

bool Blank(absl::string_view s) {
  return absl::StripAsciiWhitespace(s).empty();
}

void RequireText(FieldViolations& v, const std::string& field,
                 absl::string_view value, const TextLimit& limit) {
  if (Blank(value)) {
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
  const int chars = CodePoints(value);
  if (chars > limit.max_chars) {
    v.Add(field, absl::StrCat("at most ", limit.max_chars, " characters (",
                              chars, " given)"));
  }
}

}  // namespace csm::complaint
