#include "common/sql_values.h"

#include <cstdio>

#include "absl/strings/str_format.h"

namespace csm {

std::string ToSqlTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%E6S", t, absl::UTCTimeZone());
}

absl::StatusOr<absl::Time> FromSqlTime(absl::string_view text) {
  absl::Time t;
  std::string err;
  if (absl::ParseTime("%Y-%m-%d %H:%M:%E*S", text, absl::UTCTimeZone(), &t,
                      &err)) {
    return t;
  }
  return absl::InternalError(
      absl::StrFormat("unparsable DATETIME '%s': %s", text, err));
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

const absl::TimeZone& BusinessTimeZone() {
  static const absl::TimeZone* zone = [] {
    auto* z = new absl::TimeZone;
    // China has had no DST since 1991, so a fixed +08:00 is exact for
    // business dates and does not depend on tzdata being installed.
    if (!absl::LoadTimeZone("Asia/Shanghai", z)) {
      *z = absl::FixedTimeZone(8 * 3600);
    }
    return z;
  }();
  return *zone;
}

std::string ToSqlDate(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

absl::StatusOr<absl::CivilDay> FromSqlDate(absl::string_view text) {
  absl::CivilDay day;
  if (!absl::ParseCivilTime(text, &day)) {
    return absl::InternalError(absl::StrFormat("unparsable DATE '%s'", text));
  }
  return day;
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
