#include <map>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/business_calendar.h"

// The calendar's text and data forms: working hours "HH:MM-HH:MM", the
// names of day kinds, the checks on one listed day, and the seed file.

namespace csm {
namespace {

constexpr int kMinYear = 1900;
constexpr int kMaxYear = 2199;

bool IsWeekend(absl::CivilDay day) {
  const absl::Weekday w = absl::GetWeekday(day);
  return w == absl::Weekday::saturday || w == absl::Weekday::sunday;
}

absl::string_view WeekdayName(absl::CivilDay day) {
  switch (absl::GetWeekday(day)) {
    case absl::Weekday::monday:
      return "Monday";
    case absl::Weekday::tuesday:
      return "Tuesday";
    case absl::Weekday::wednesday:
      return "Wednesday";
    case absl::Weekday::thursday:
      return "Thursday";
    case absl::Weekday::friday:
      return "Friday";
    case absl::Weekday::saturday:
      return "Saturday";
    case absl::Weekday::sunday:
      return "Sunday";
  }
  return "?";
}

// Strict YYYY-MM-DD: the parsed day must format back to the same text.
bool ParseDay(absl::string_view text, absl::CivilDay* day) {
  return absl::ParseCivilTime(text, day) && absl::FormatCivilTime(*day) == text;
}

// "HH:MM" with 00:00 <= value <= 24:00.
bool ParseMinuteOfDay(absl::string_view text, int* minute) {
  std::vector<absl::string_view> parts = absl::StrSplit(text, ':');
  int h = 0;
  int m = 0;
  if (parts.size() != 2 || parts[0].size() != 2 || parts[1].size() != 2 ||
      !absl::SimpleAtoi(parts[0], &h) || !absl::SimpleAtoi(parts[1], &m) ||
      h < 0 || m < 0 || m > 59 || h * 60 + m > 1440) {
    return false;
  }
  *minute = h * 60 + m;
  return true;
}

}  // namespace

std::vector<WorkingInterval> DefaultWorkingHours() {
  return {{9 * 60, 12 * 60}, {13 * 60 + 30, 17 * 60 + 30}};
}

absl::StatusOr<std::vector<WorkingInterval>> ParseWorkingHours(
    absl::string_view text) {
  std::vector<WorkingInterval> hours;
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    part = absl::StripAsciiWhitespace(part);
    std::vector<absl::string_view> ends = absl::StrSplit(part, '-');
    WorkingInterval interval;
    if (ends.size() != 2 ||
        !ParseMinuteOfDay(absl::StripAsciiWhitespace(ends[0]),
                          &interval.start_minute) ||
        !ParseMinuteOfDay(absl::StripAsciiWhitespace(ends[1]),
                          &interval.end_minute)) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "working hours \"%s\": \"%s\" is not HH:MM-HH:MM", text, part));
    }
    hours.push_back(interval);
  }
  return hours;
}

absl::string_view DayKindName(DayKind kind) {
  switch (kind) {
    case DayKind::kWorkday:
      return "workday";
    case DayKind::kWeekend:
      return "weekend";
    case DayKind::kHoliday:
      return "holiday";
    case DayKind::kMakeupWorkday:
      return "makeup";
  }
  return "unknown";
}

absl::Status ValidateCalendarDay(const CalendarDay& d) {
  if (d.day.year() < kMinYear || d.day.year() > kMaxYear) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s is outside the supported years %d-%d",
                        absl::FormatCivilTime(d.day), kMinYear, kMaxYear));
  }
  switch (d.kind) {
    case DayKind::kHoliday:
      return absl::OkStatus();
    case DayKind::kMakeupWorkday:
      if (!IsWeekend(d.day)) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "make-up working day %s is a %s, not a Saturday or Sunday",
            absl::FormatCivilTime(d.day), WeekdayName(d.day)));
      }
      return absl::OkStatus();
    case DayKind::kWorkday:
    case DayKind::kWeekend:
      break;
  }
  return absl::InvalidArgumentError(absl::StrFormat(
      "%s: an exception must be a holiday or a make-up working day, not %s",
      absl::FormatCivilTime(d.day), DayKindName(d.kind)));
}

absl::StatusOr<std::vector<CalendarDay>> ParseCalendarSeed(
    absl::string_view text) {
  std::vector<CalendarDay> days;
  std::map<absl::CivilDay, int> line_of;  // Where each day was listed.
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    auto error = [line_number](absl::string_view message) {
      return absl::InvalidArgumentError(
          absl::StrCat("calendar seed line ", line_number, ": ", message));
    };
    if (size_t hash = line.find('#'); hash != absl::string_view::npos) {
      line = line.substr(0, hash);
    }
    line = absl::StripAsciiWhitespace(line);
    if (line.empty()) continue;

    // DATE KIND [NAME…]; the name is the rest of the line.
    auto next_token = [&line]() {
      size_t end = 0;
      while (end < line.size() && !absl::ascii_isspace(line[end])) ++end;
      absl::string_view token = line.substr(0, end);
      line = absl::StripLeadingAsciiWhitespace(line.substr(end));
      return token;
    };
    const absl::string_view date = next_token();
    const absl::string_view kind_word = next_token();
    const std::string name(line);

    absl::CivilDay first;
    absl::CivilDay last;
    if (size_t dots = date.find(".."); dots != absl::string_view::npos) {
      if (!ParseDay(date.substr(0, dots), &first) ||
          !ParseDay(date.substr(dots + 2), &last)) {
        return error(absl::StrCat("\"", date,
                                  "\" is not a date range "
                                  "YYYY-MM-DD..YYYY-MM-DD"));
      }
      if (last < first || last - first > 366) {
        return error(absl::StrCat("date range \"", date,
                                  "\" must run forwards and span at most a "
                                  "year"));
      }
    } else {
      if (!ParseDay(date, &first)) {
        return error(absl::StrCat("\"", date, "\" is not a date YYYY-MM-DD"));
      }
      last = first;
    }
    DayKind kind;
    if (kind_word == "holiday") {
      kind = DayKind::kHoliday;
    } else if (kind_word == "makeup") {
      kind = DayKind::kMakeupWorkday;
    } else if (kind_word.empty()) {
      return error("missing the kind: holiday or makeup");
    } else {
      return error(absl::StrCat("unknown kind \"", kind_word,
                                "\": expected holiday or makeup"));
    }

    for (absl::CivilDay d = first; d <= last; ++d) {
      CalendarDay day{d, kind, name};
      if (absl::Status s = ValidateCalendarDay(day); !s.ok()) {
        return error(s.message());
      }
      auto [it, inserted] = line_of.emplace(d, line_number);
      if (!inserted) {
        return error(absl::StrCat(absl::FormatCivilTime(d),
                                  " is already listed on line ", it->second));
      }
      days.push_back(std::move(day));
    }
  }
  return days;
}

absl::StatusOr<BusinessCalendar> ChinaBusinessCalendar(
    std::vector<WorkingInterval> hours) {
  absl::StatusOr<std::vector<CalendarDay>> days =
      ParseCalendarSeed(ChinaCalendarSeed());
  if (!days.ok()) return days.status();
  return BusinessCalendar::Create(std::move(hours), *std::move(days));
}

}  // namespace csm
