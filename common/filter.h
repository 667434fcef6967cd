#ifndef CSM_COMMON_FILTER_H_
#define CSM_COMMON_FILTER_H_

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace csm {

// A subset of AIP-160 filters: comparisons joined by AND.
//   owner_id = "u100" AND grade = GRADE_A AND display_name:"华为"
// Values are double-quoted strings (\" and \\ escapes) or bare words
// ([A-Za-z0-9_.+-]). Operators: = != < <= > >= and : (has / contains).
struct FilterTerm {
  enum class Op { kEq, kNe, kLt, kLe, kGt, kGe, kHas };
  std::string field;
  Op op = Op::kEq;
  std::string value;
};

// INVALID_ARGUMENT on field "filter", saying where and what went wrong, for
// syntax errors and for fields outside `allowed_fields` (listing them).
absl::StatusOr<std::vector<FilterTerm>> ParseFilter(
    absl::string_view filter, const std::set<std::string>& allowed_fields);

absl::string_view OpName(FilterTerm::Op op);

}  // namespace csm

#endif  // CSM_COMMON_FILTER_H_
