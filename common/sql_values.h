#ifndef CSM_COMMON_SQL_VALUES_H_
#define CSM_COMMON_SQL_VALUES_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

// Conversions between the values we keep in MySQL and the ones we use in
// code. Connector/C++ 1.1 has no temporal binding, so times travel as text.
// (The business zone and the proto conversions: common/business_time.h.)

namespace csm {

// UTC "YYYY-MM-DD HH:MM:SS.ffffff" for DATETIME(6) columns.
std::string ToSqlTime(absl::Time t);
// Parses what MySQL returns for DATETIME(6) (fraction optional), as UTC.
absl::StatusOr<absl::Time> FromSqlTime(absl::string_view text);

// "YYYY-MM-DD" for DATE columns.
std::string ToSqlDate(absl::CivilDay day);
absl::StatusOr<absl::CivilDay> FromSqlDate(absl::string_view text);

}  // namespace csm

#endif  // CSM_COMMON_SQL_VALUES_H_
