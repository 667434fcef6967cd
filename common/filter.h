#ifndef CSM_COMMON_FILTER_H_
#define CSM_COMMON_FILTER_H_

#include <cstddef>
#include <set>
#include <span>
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

// Bounds of a filter: each term becomes a placeholder, and MySQL takes at
// most 65,535 of them in a statement (error 1390); these keep a filter far
// from that and its parsing and SQL small. No nesting: parentheses are not
// part of the subset.
inline constexpr size_t kMaxFilterBytes = 4096;
inline constexpr size_t kMaxFilterTerms = 32;
inline constexpr size_t kMaxFilterValueChars = 256;

// INVALID_ARGUMENT on field "filter", saying where and what went wrong, for
// syntax errors, for fields outside `allowed_fields` (listing them) and for
// filters beyond the bounds above. Echoed input is quoted with Quote().
absl::StatusOr<std::vector<FilterTerm>> ParseFilter(
    absl::string_view filter, const std::set<std::string>& allowed_fields);

// The one table of operators: how a filter spells each, and the SQL
// comparison it becomes. ":" is has / contains: on a text column a
// substring match (LIKE '%value%' with the value's % _ and \ escaped,
// common/sql_rows.h), which docs/api.md documents for every list.
struct FilterOperator {
  FilterTerm::Op op;
  absl::string_view text;  // "!="
  absl::string_view sql;   // "<>"
};
// In the order the parser tries them (two-character operators first).
std::span<const FilterOperator> FilterOperators();

// "!=" for kNe: the filter's spelling.
absl::string_view OpName(FilterTerm::Op op);

}  // namespace csm

#endif  // CSM_COMMON_FILTER_H_
