// The period and filter flags of `csmctl reports`.
#include <optional>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/business_time.h"
#include "csm/complaint/v1/complaint.pb.h"
#include "csm/customer/v1/customer.pb.h"
#include "tools/csmctl_report_table.h"
#include "tools/csmctl_reports.h"

namespace csm::csmctl {
namespace {

namespace rv1 = ::csm::reporting::v1;

// "2026" + sep + digits: the year and the number after `sep`.
std::optional<std::pair<int, int>> YearAnd(absl::string_view text,
                                           absl::string_view sep) {
  std::vector<absl::string_view> parts =
      absl::StrSplit(text, absl::MaxSplits(sep, 1));
  int year = 0;
  int number = 0;
  if (parts.size() != 2 || parts[0].size() != 4 || parts[1].empty() ||
      parts[1].size() > 2 || !absl::SimpleAtoi(parts[0], &year) ||
      !absl::SimpleAtoi(parts[1], &number) ||
      !absl::ascii_isdigit(static_cast<unsigned char>(parts[1][0]))) {
    return std::nullopt;
  }
  return std::make_pair(year, number);
}

// The ISO 8601 week of `day`: {week-numbering year, week}.
std::pair<int, int> IsoWeek(absl::CivilDay day) {
  const int from_monday = (static_cast<int>(absl::GetWeekday(day)) + 7 -
                           static_cast<int>(absl::Weekday::monday)) %
                          7;
  const absl::CivilDay thursday = day - from_monday + 3;
  const int year = static_cast<int>(thursday.year());
  return {year,
          static_cast<int>((thursday - absl::CivilDay(year, 1, 1)) / 7) + 1};
}

// "2026-11-03", a day that exists.
std::optional<absl::CivilDay> ParseDay(absl::string_view text) {
  std::vector<absl::string_view> parts = absl::StrSplit(text, '-');
  int y = 0, m = 0, d = 0;
  if (parts.size() != 3 || parts[0].size() != 4 || parts[1].size() != 2 ||
      parts[2].size() != 2 || !absl::SimpleAtoi(parts[0], &y) ||
      !absl::SimpleAtoi(parts[1], &m) || !absl::SimpleAtoi(parts[2], &d)) {
    return std::nullopt;
  }
  const absl::CivilDay day(y, m, d);
  if (day.year() != y || day.month() != m || day.day() != d) {
    return std::nullopt;  // 2026-02-30 would roll over into March
  }
  return day;
}

rv1::Period Numbered(rv1::PeriodKind kind, int year, int number) {
  rv1::Period p;
  p.set_kind(kind);
  p.set_year(year);
  p.set_number(number);
  return p;
}

absl::StatusOr<rv1::Period> ParseNumbered(absl::string_view flag,
                                          absl::string_view value) {
  if (flag == "week") {
    auto yw = YearAnd(value, "-W");
    if (!yw || yw->second < 1 ||
        yw->second > IsoWeek(absl::CivilDay(yw->first, 12, 28)).second) {
      return Usage(
          absl::StrCat("--week takes an ISO week such as 2026-W47 "
                       "that exists, not \"",
                       value, "\""));
    }
    return Numbered(rv1::PERIOD_KIND_WEEK, yw->first, yw->second);
  }
  if (flag == "month") {
    auto ym = YearAnd(value, "-");
    if (!ym || ym->second < 1 || ym->second > 12) {
      return Usage(absl::StrCat("--month takes a month such as 2026-11, not \"",
                                value, "\""));
    }
    return Numbered(rv1::PERIOD_KIND_MONTH, ym->first, ym->second);
  }
  auto yq = YearAnd(value, "-Q");
  if (!yq || yq->second < 1 || yq->second > 4) {
    return Usage(
        absl::StrCat("--quarter takes a quarter such as 2026-Q4, "
                     "not \"",
                     value, "\""));
  }
  return Numbered(rv1::PERIOD_KIND_QUARTER, yq->first, yq->second);
}

absl::StatusOr<rv1::Period> ParseRange(absl::string_view from,
                                       absl::string_view to) {
  if (from.empty() || to.empty()) {
    return Usage(
        "--from and --to go together: --from=2026-11-03 "
        "--to=2026-11-20");
  }
  std::optional<absl::CivilDay> start = ParseDay(from);
  std::optional<absl::CivilDay> end = ParseDay(to);
  for (auto [flag, value, day] :
       {std::make_tuple("from", from, start), std::make_tuple("to", to, end)}) {
    if (!day) {
      return Usage(absl::StrCat("--", flag,
                                " takes a day such as 2026-11-03 that exists, "
                                "not \"",
                                value, "\""));
    }
  }
  rv1::Period p;
  p.set_kind(rv1::PERIOD_KIND_CUSTOM);
  ToProtoDate(*start, p.mutable_start_date());
  ToProtoDate(*end, p.mutable_end_date());
  return p;
}

rv1::Period Current(rv1::PeriodKind kind, absl::CivilDay today) {
  const int year = static_cast<int>(today.year());
  switch (kind) {
    case rv1::PERIOD_KIND_WEEK: {
      auto [y, w] = IsoWeek(today);
      return Numbered(kind, y, w);
    }
    case rv1::PERIOD_KIND_QUARTER:
      return Numbered(kind, year, (today.month() - 1) / 3 + 1);
    default:
      return Numbered(rv1::PERIOD_KIND_MONTH, year, today.month());
  }
}

// Values of `type` by full name, or by the name without the enum's prefix
// in any case ("major", "A"). The names, comma-separated; or a usage error.
absl::StatusOr<std::vector<int>> EnumValues(
    absl::string_view flag, const google::protobuf::EnumDescriptor& type,
    absl::string_view list) {
  std::vector<int> values;
  for (absl::string_view item : absl::StrSplit(list, ',', absl::SkipEmpty())) {
    const std::string name(absl::StripAsciiWhitespace(item));
    const auto* v = type.FindValueByName(name);
    if (v == nullptr) {
      v = type.FindValueByName(EnumPrefix(type) + absl::AsciiStrToUpper(name));
    }
    if (v == nullptr || v->number() == 0) {
      std::vector<std::string> known;
      for (int i = 1; i < type.value_count(); ++i) {
        known.push_back(absl::AsciiStrToLower(
            type.value(i)->name().substr(EnumPrefix(type).size())));
      }
      return Usage(absl::StrCat("--", flag, " takes ",
                                absl::StrJoin(known, ", "), ", not \"", name,
                                "\""));
    }
    values.push_back(v->number());
  }
  return values;
}

}  // namespace

absl::StatusOr<rv1::Period> TakePeriod(CommandLine& cl,
                                       rv1::PeriodKind default_kind,
                                       absl::CivilDay today) {
  std::vector<std::pair<std::string, std::string>> numbered;
  for (const char* flag : {"week", "month", "quarter"}) {
    std::string value = TakeFlag(cl, flag);
    if (!value.empty()) numbered.emplace_back(flag, std::move(value));
  }
  const std::string from = TakeFlag(cl, "from");
  const std::string to = TakeFlag(cl, "to");
  const bool range = !from.empty() || !to.empty();
  if (numbered.size() + (range ? 1 : 0) > 1) {
    return Usage("give one period: --week, --month, --quarter or --from/--to");
  }
  if (range) return ParseRange(from, to);
  if (numbered.empty()) return Current(default_kind, today);
  return ParseNumbered(numbered[0].first, numbered[0].second);
}

absl::StatusOr<rv1::ReportFilter> TakeFilter(CommandLine& cl) {
  rv1::ReportFilter filter;
  auto strings = [&cl](const char* flag) {
    return std::vector<std::string>(
        absl::StrSplit(TakeFlag(cl, flag), ',', absl::SkipEmpty()));
  };
  for (std::string& d : strings("department")) filter.add_departments(d);
  for (std::string& s : strings("staff")) filter.add_staff_ids(s);
  for (std::string& c : strings("category")) filter.add_categories(c);
  auto severities =
      EnumValues("severity", *complaint::v1::Severity_descriptor(),
                 TakeFlag(cl, "severity"));
  if (!severities.ok()) return severities.status();
  for (int s : *severities) {
    filter.add_severities(static_cast<complaint::v1::Severity>(s));
  }
  auto grades = EnumValues("grade", *customer::v1::Grade_descriptor(),
                           TakeFlag(cl, "grade"));
  if (!grades.ok()) return grades.status();
  for (int g : *grades) {
    filter.add_customer_grades(static_cast<customer::v1::Grade>(g));
  }
  return filter;
}

// For the flags a report adds (csmctl_reports.cc): an enum list in the short
// form, as its full names.
absl::StatusOr<std::string> FullEnumNames(
    absl::string_view flag, const google::protobuf::EnumDescriptor& type,
    absl::string_view list) {
  absl::StatusOr<std::vector<int>> values = EnumValues(flag, type, list);
  if (!values.ok()) return values.status();
  std::vector<std::string> names;
  for (int v : *values) names.push_back(type.FindValueByNumber(v)->name());
  return absl::StrJoin(names, ",");
}

}  // namespace csm::csmctl
