#include "reporting-svc/src/domain/period_request.h"

#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "common/business_time.h"

namespace csm::reporting {
namespace {

std::string Path(absl::string_view field, absl::string_view part) {
  return absl::StrCat(field, ".", part);
}

void ToProtoDate(absl::CivilDay day, csm::common::v1::Date* out) {
  out->set_year(static_cast<int32_t>(day.year()));
  out->set_month(day.month());
  out->set_day(day.day());
}

// A proto date that names a real day inside the supported years.
std::optional<absl::CivilDay> DecodeDate(const csm::common::v1::Date& d,
                                         const std::string& path,
                                         FieldViolations* v) {
  const absl::CivilDay day(d.year(), d.month(), d.day());
  if (day.year() != d.year() || day.month() != d.month() ||
      day.day() != d.day()) {
    v->Add(path, absl::StrFormat("%04d-%02d-%02d is not a date", d.year(),
                                 d.month(), d.day()));
    return std::nullopt;
  }
  if (d.year() < kMinPeriodYear || d.year() > kMaxPeriodYear) {
    v->Add(path, absl::StrCat("year ", d.year(), " is outside ", kMinPeriodYear,
                              "..", kMaxPeriodYear));
    return std::nullopt;
  }
  return day;
}

std::optional<ReportPeriod> DecodeCustom(const rv1::Period& p,
                                         absl::string_view field,
                                         FieldViolations* v) {
  const size_t before = v->items().size();
  if (p.year() != 0) {
    v->Add(Path(field, "year"),
           "not used by PERIOD_KIND_CUSTOM: give start_date and "
           "end_date");
  }
  if (p.number() != 0) {
    v->Add(Path(field, "number"),
           "not used by PERIOD_KIND_CUSTOM: give start_date and "
           "end_date");
  }
  std::optional<absl::CivilDay> first, last;
  for (auto [has, date, part, out] :
       {std::tuple{p.has_start_date(), &p.start_date(), "start_date", &first},
        std::tuple{p.has_end_date(), &p.end_date(), "end_date", &last}}) {
    if (!has) {
      v->Add(Path(field, part), "required for PERIOD_KIND_CUSTOM (inclusive)");
    } else {
      *out = DecodeDate(*date, Path(field, part), v);
    }
  }
  if (v->items().size() != before) return std::nullopt;
  absl::StatusOr<ReportPeriod> period = ReportPeriod::Custom(*first, *last);
  if (!period.ok()) {
    v->Add(Path(field, "end_date"), std::string(period.status().message()));
    return std::nullopt;
  }
  return *period;
}

std::optional<ReportPeriod> DecodeNumbered(const rv1::Period& p,
                                           absl::string_view field,
                                           FieldViolations* v) {
  const size_t before = v->items().size();
  for (auto [has, part] : {std::pair{p.has_start_date(), "start_date"},
                           std::pair{p.has_end_date(), "end_date"}}) {
    if (has) {
      v->Add(Path(field, part),
             "only for PERIOD_KIND_CUSTOM; give year and number");
    }
  }
  if (p.year() < kMinPeriodYear || p.year() > kMaxPeriodYear) {
    v->Add(Path(field, "year"),
           p.year() == 0 ? std::string("required")
                         : absl::StrCat("year ", p.year(), " is outside ",
                                        kMinPeriodYear, "..", kMaxPeriodYear));
  }
  if (v->items().size() != before) return std::nullopt;
  absl::StatusOr<ReportPeriod> period =
      p.kind() == rv1::PERIOD_KIND_WEEK
          ? ReportPeriod::Week(p.year(), p.number())
      : p.kind() == rv1::PERIOD_KIND_MONTH
          ? ReportPeriod::Month(p.year(), p.number())
          : ReportPeriod::Quarter(p.year(), p.number());
  if (!period.ok()) {
    v->Add(Path(field, "number"), std::string(period.status().message()));
    return std::nullopt;
  }
  return *period;
}

}  // namespace

std::optional<ReportPeriod> DecodePeriod(const rv1::Period& period,
                                         absl::string_view field,
                                         FieldViolations* violations) {
  switch (period.kind()) {
    case rv1::PERIOD_KIND_WEEK:
    case rv1::PERIOD_KIND_MONTH:
    case rv1::PERIOD_KIND_QUARTER:
      return DecodeNumbered(period, field, violations);
    case rv1::PERIOD_KIND_CUSTOM:
      return DecodeCustom(period, field, violations);
    default:
      violations->Add(
          Path(field, "kind"),
          "required: PERIOD_KIND_WEEK, PERIOD_KIND_MONTH, PERIOD_KIND_QUARTER "
          "or PERIOD_KIND_CUSTOM");
      return std::nullopt;
  }
}

std::optional<std::vector<ReportPeriod>> DecodeTrend(
    const ReportPeriod& last, int trend_periods, absl::string_view field,
    FieldViolations* violations) {
  absl::StatusOr<std::vector<ReportPeriod>> periods =
      ConsecutivePeriods(last, trend_periods);
  if (!periods.ok()) {
    violations->Add(std::string(field),
                    std::string(periods.status().message()));
    return std::nullopt;
  }
  return *std::move(periods);
}

rv1::Period ToProto(const ReportPeriod& period) {
  rv1::Period out;
  switch (period.kind()) {
    case PeriodKind::kWeek:
      out.set_kind(rv1::PERIOD_KIND_WEEK);
      break;
    case PeriodKind::kMonth:
      out.set_kind(rv1::PERIOD_KIND_MONTH);
      break;
    case PeriodKind::kQuarter:
      out.set_kind(rv1::PERIOD_KIND_QUARTER);
      break;
    case PeriodKind::kCustom:
      out.set_kind(rv1::PERIOD_KIND_CUSTOM);
      ToProtoDate(period.first(), out.mutable_start_date());
      ToProtoDate(period.last(), out.mutable_end_date());
      return out;
  }
  out.set_year(period.year());
  out.set_number(period.number());
  return out;
}

void ToProto(const ReportPeriod& period, rv1::ResolvedPeriod* out) {
  *out->mutable_period() = ToProto(period);
  out->set_label(period.Label());
  ToProtoDate(period.first(), out->mutable_start_date());
  ToProtoDate(period.last(), out->mutable_end_date());
  const int64_t start = absl::ToUnixSeconds(period.start_time());
  const int64_t end = absl::ToUnixSeconds(period.end_time());
  out->mutable_start_time()->set_seconds(start);
  out->mutable_end_time()->set_seconds(end);
}

}  // namespace csm::reporting
