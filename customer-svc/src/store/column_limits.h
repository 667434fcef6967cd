#ifndef CSM_CUSTOMER_SVC_SRC_STORE_COLUMN_LIMITS_H_
#define CSM_CUSTOMER_SVC_SRC_STORE_COLUMN_LIMITS_H_

#include <cstddef>
#include <vector>

#include "absl/strings/string_view.h"

namespace csm::customer {

// One text column of customer-svc's schema and the most characters it must
// hold: the limit (domain/text_limits.h) of what is stored in it, or of
// what the service itself writes there.
struct ColumnLimit {
  absl::string_view table;
  absl::string_view column;
  size_t max_chars;
};

// Every CHAR, VARCHAR and TEXT column of the tables customer-svc's own
// migrations create. schema_limits_test checks against information_schema
// that the list is complete and that each column holds its limit in
// utf8mb4: a limit that validation accepts never fails in MySQL.
const std::vector<ColumnLimit>& TextColumnLimits();

}  // namespace csm::customer

#endif  // CSM_CUSTOMER_SVC_SRC_STORE_COLUMN_LIMITS_H_
