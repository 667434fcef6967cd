// Time as the business reads it. Dates ("today", deal dates, due dates,
// report periods) are Beijing dates: Asia/Shanghai, UTC+8 all year. China
// has observed no daylight-saving time since 1991, so a fixed offset is exact
// for every instant the suite handles and needs no zoneinfo files in the
// container. This is the one definition of the business zone: the business
// calendar, the visit schedule and the reports all read it.
//
// Also the conversions between absl and the contracts' time types
// (google.protobuf.Timestamp, csm.common.v1.Date). The SQL text forms are in
// common/sql_values.h.
#ifndef CSM_COMMON_BUSINESS_TIME_H_
#define CSM_COMMON_BUSINESS_TIME_H_

#include <google/protobuf/timestamp.pb.h>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "csm/common/v1/common.pb.h"

namespace csm {

// UTC offset of the business zone.
inline constexpr int kBusinessUtcOffsetSeconds = 8 * 60 * 60;

// Asia/Shanghai as a fixed +08:00 zone.
absl::TimeZone BusinessTimeZone();

// The Asia/Shanghai calendar day of an instant: 2026-11-24T16:30:00Z is
// 2026-11-25. "Today" is this day, never the UTC one.
absl::CivilDay BusinessDate(absl::Time instant);

// The instant a business day begins (00:00 Beijing time).
absl::Time StartOfBusinessDay(absl::CivilDay day);

// `day` plus `months` calendar months, with the day clamped to the last day
// of the resulting month: 2024-01-31 + 1 = 2024-02-29, 2025-01-31 + 1 =
// 2025-02-28, 2024-03-31 - 1 = 2024-02-29. Negative months go back. (The
// visit schedule's "D + n months", the grading windows, the demo data.)
absl::CivilDay AddMonthsClamped(absl::CivilDay day, int64_t months);

// google.protobuf.Timestamp, to the microsecond (what DATETIME(6) keeps).
void ToProtoTimestamp(absl::Time t, google::protobuf::Timestamp* out);
absl::Time FromProtoTimestamp(const google::protobuf::Timestamp& ts);

// csm.common.v1.Date <-> civil day. An invalid proto date (e.g. Feb 30,
// month 13) or a year outside [1900, 9999] is INVALID_ARGUMENT.
absl::StatusOr<absl::CivilDay> FromProtoDate(const csm::common::v1::Date& d);
void ToProtoDate(absl::CivilDay day, csm::common::v1::Date* out);

}  // namespace csm

#endif  // CSM_COMMON_BUSINESS_TIME_H_
