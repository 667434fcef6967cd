#include "common/business_time.h"

#include <algorithm>
#include <cstdint>

#include "absl/strings/str_format.h"

namespace csm {

absl::TimeZone BusinessTimeZone() {
  return absl::FixedTimeZone(kBusinessUtcOffsetSeconds);
}

absl::CivilDay BusinessDate(absl::Time instant) {
  return absl::ToCivilDay(instant, BusinessTimeZone());
}

absl::Time StartOfBusinessDay(absl::CivilDay day) {
  return absl::FromCivil(day, BusinessTimeZone());
}

absl::CivilDay AddMonthsClamped(absl::CivilDay day, int64_t months) {
  const absl::CivilMonth month =
      absl::CivilMonth(day.year(), day.month()) + months;
  const absl::CivilDay last_day = absl::CivilDay(month + 1) - 1;
  return absl::CivilDay(month.year(), month.month(),
                        std::min(day.day(), last_day.day()));
}

void ToProtoTimestamp(absl::Time t, google::protobuf::Timestamp* out) {
  const int64_t micros = absl::ToUnixMicros(t);
  int64_t seconds = micros / 1000000;
  int64_t rem = micros % 1000000;
  if (rem < 0) {
    rem += 1000000;
    --seconds;
  }
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>(rem * 1000));
}

absl::Time FromProtoTimestamp(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

absl::StatusOr<absl::CivilDay> FromProtoDate(const csm::common::v1::Date& d) {
  absl::CivilDay day(d.year(), d.month(), d.day());
  if (d.year() < 1900 || d.year() > 9999 || day.year() != d.year() ||
      day.month() != d.month() || day.day() != d.day()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%04d-%02d-%02d is not a calendar date", d.year(), d.month(), d.day()));
  }
  return day;
}

void ToProtoDate(absl::CivilDay day, csm::common::v1::Date* out) {
  out->set_year(static_cast<int32_t>(day.year()));
  out->set_month(day.month());
  out->set_day(day.day());
}

}  // namespace csm
