#include "common/sql_values.h"

#include "absl/strings/str_format.h"

namespace csm {

std::string ToSqlTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%E6S", t, absl::UTCTimeZone());
}

namespace {

// `n` ASCII digits at text[at..] as a number; -1 if any is not a digit.
int Digits(absl::string_view text, size_t at, size_t n) {
  int value = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

// The exact form MariaDB returns, "YYYY-MM-DD HH:MM:SS" with an optional
// ".f" to ".ffffff", read by hand: absl::ParseTime's general parser was
// half the cost of decoding an archive row. False for anything else (the
// general parser then decides).
bool ParseSqlTimeFast(absl::string_view text, absl::Time* out) {
  if (text.size() < 19 || text[4] != '-' || text[7] != '-' || text[10] != ' ' ||
      text[13] != ':' || text[16] != ':') {
    return false;
  }
  const int year = Digits(text, 0, 4), month = Digits(text, 5, 2),
            day = Digits(text, 8, 2), hour = Digits(text, 11, 2),
            minute = Digits(text, 14, 2), second = Digits(text, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 ||
      hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
    return false;
  }
  int64_t micros = 0;
  if (text.size() > 19) {
    const size_t digits = text.size() - 20;
    if (text[19] != '.' || digits < 1 || digits > 6) return false;
    const int fraction = Digits(text, 20, digits);
    if (fraction < 0) return false;
    micros = fraction;
    for (size_t i = digits; i < 6; ++i) micros *= 10;
  }
  const absl::CivilSecond civil(year, month, day, hour, minute, second);
  // CivilSecond normalises 31 February to 3 March: not a DATETIME.
  if (civil.day() != day) return false;
  *out =
      absl::FromCivil(civil, absl::UTCTimeZone()) + absl::Microseconds(micros);
  return true;
}

}  // namespace

absl::StatusOr<absl::Time> FromSqlTime(absl::string_view text) {
  absl::Time t;
  if (ParseSqlTimeFast(text, &t)) return t;
  std::string err;
  if (absl::ParseTime("%Y-%m-%d %H:%M:%E*S", text, absl::UTCTimeZone(), &t,
                      &err)) {
    return t;
  }
  return absl::InternalError(
      absl::StrFormat("unparsable DATETIME '%s': %s", text, err));
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

}  // namespace csm
