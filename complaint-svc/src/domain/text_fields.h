#ifndef CSM_COMPLAINT_SVC_DOMAIN_TEXT_FIELDS_H_
#define CSM_COMPLAINT_SVC_DOMAIN_TEXT_FIELDS_H_

// Validation of free-text request fields against the one table of limits
// (domain/text_limits.h): a violation on the field, counted in characters
// (CountCodePoints); a blank value (IsBlank, common/text.h) is missing.

#include <string>

#include "absl/strings/string_view.h"
#include "common/status.h"
#include "complaint-svc/src/domain/text_limits.h"

namespace csm::complaint {

// Required: not blank, at most limit.max_chars characters.
void RequireText(FieldViolations& v, const std::string& field,
                 absl::string_view value, const TextLimit& limit);
// May be empty; at most limit.max_chars characters.
void OptionalText(FieldViolations& v, const std::string& field,
                  absl::string_view value, const TextLimit& limit);

}  // namespace csm::complaint

#endif  // CSM_COMPLAINT_SVC_DOMAIN_TEXT_FIELDS_H_
