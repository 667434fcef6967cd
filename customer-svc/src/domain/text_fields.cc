// Text checks of every field: lengths in code points, required text,
// staff ids, quoting paths in messages.
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

void CheckMaxLength(absl::string_view field, absl::string_view value,
                    size_t max_length, FieldViolations* v) {
  if (value.size() > max_length &&  // bytes >= code points: cheap pre-check
      CountCodePoints(value) > max_length) {
    v->Add(std::string(field),
           absl::StrCat("must be at most ", max_length, " characters"));
  }
}

void CheckRequiredText(absl::string_view field, absl::string_view value,
                       size_t max_length, FieldViolations* v) {
  if (IsBlank(value)) {
    v->Add(std::string(field), "is required");
    return;
  }
  CheckMaxLength(field, value, max_length, v);
}

bool IsValidStaffId(absl::string_view id) {
  return !IsBlank(id) && CountCodePoints(id) <= kMaxStaffIdLength;
}

std::string QuotedPath(absl::string_view path) {
  const bool looks_like_path =
      !path.empty() && path.size() <= 64 && path[0] >= 'a' && path[0] <= 'z' &&
      std::all_of(path.begin(), path.end(), [](char ch) {
        return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
               ch == '_' || ch == '.';
      });
  return looks_like_path ? absl::StrCat("\"", path, "\"")
                         : "a path that is not a field name";
}

}  // namespace csm::customer
