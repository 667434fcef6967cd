#ifndef CSM_COMMON_SQL_VALUES_H_
#define CSM_COMMON_SQL_VALUES_H_

#include <google/protobuf/timestamp.pb.h>

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "csm/common/v1/common.pb.h"

// Conversions between the values we keep in MySQL and the ones we use in
// code. Connector/C++ 1.1 has no temporal binding, so times travel as text.

namespace csm {

// UTC "YYYY-MM-DD HH:MM:SS.ffffff" for DATETIME(6) columns.
std::string ToSqlTime(absl::Time t);
// Parses what MySQL returns for DATETIME(6) (fraction optional), as UTC.
absl::StatusOr<absl::Time> FromSqlTime(absl::string_view text);

void ToProtoTimestamp(absl::Time t, google::protobuf::Timestamp* out);
absl::Time FromProtoTimestamp(const google::protobuf::Timestamp& ts);

// The zone the business runs in: dates ("today", deal dates, due dates)
// are Asia/Shanghai dates.
const absl::TimeZone& BusinessTimeZone();

// "YYYY-MM-DD" for DATE columns.
std::string ToSqlDate(absl::CivilDay day);
absl::StatusOr<absl::CivilDay> FromSqlDate(absl::string_view text);

// csm.common.v1.Date <-> civil day. An invalid proto date (e.g. Feb 30,
// month 13) is INVALID_ARGUMENT.
absl::StatusOr<absl::CivilDay> FromProtoDate(const csm::common::v1::Date& d);
void ToProtoDate(absl::CivilDay day, csm::common::v1::Date* out);

}  // namespace csm

#endif  // CSM_COMMON_SQL_VALUES_H_
