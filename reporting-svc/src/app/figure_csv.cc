#include "reporting-svc/src/app/figure_csv.h"

#include <google/protobuf/descriptor.h>

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "common/business_time.h"
#include "csm/reporting/v1/report_config.pb.h"

namespace csm::reporting {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

constexpr char kBom[] = "\xEF\xBB\xBF";
constexpr char kHeader[] =
    "period,start_date,end_date,section,dimension,key,figure,value,numerator,"
    "denominator,percent\r\n";

std::string DateText(const csm::common::v1::Date& d) {
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

std::string Percent(const rv1::Ratio& r) {
  return r.no_data() ? "" : absl::StrFormat("%.2f", r.percent());
}

bool IsMessage(const FieldDescriptor* f,
               const google::protobuf::Descriptor* d) {
  return f->type() == FieldDescriptor::TYPE_MESSAGE && f->message_type() == d;
}

// Messages beside the figures (a trend point's period, the rule a report
// used, times and dates) are not figures: the row's columns say them.
bool IsNotAFigure(const FieldDescriptor* f) {
  return IsMessage(f, rv1::ResolvedPeriod::descriptor()) ||
         IsMessage(f, rv1::CompletenessRule::descriptor()) ||
         IsMessage(f, google::protobuf::Timestamp::descriptor()) ||
         IsMessage(f, csm::common::v1::Date::descriptor());
}

}  // namespace

std::string CsvPercent(const rv1::Ratio& r) { return Percent(r); }

rv1::CsvExport TableCsv(absl::string_view name, absl::string_view label,
                        const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& rows) {
  auto line = [](const std::vector<std::string>& cells) {
    std::string out;
    for (size_t i = 0; i < cells.size(); ++i) {
      absl::StrAppend(&out, i > 0 ? "," : "", CsvField(cells[i]));
    }
    return absl::StrCat(out, "\r\n");
  };
  rv1::CsvExport out;
  out.set_filename(absl::StrCat(name, "-", label, ".csv"));
  out.set_content_type("text/csv; charset=utf-8");
  std::string text = absl::StrCat(kBom, line(header));
  for (const auto& row : rows) absl::StrAppend(&text, line(row));
  out.set_text(std::move(text));
  out.set_row_count(static_cast<int32_t>(rows.size()));
  return out;
}

std::string CsvTime(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0 && t.nanos() == 0) return "";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E*S%Ez", FromProtoTimestamp(t),
                          BusinessTimeZone());
}

std::string CsvField(absl::string_view value) {
  if (value.find_first_of(",\"\r\n") == absl::string_view::npos) {
    return std::string(value);
  }
  return absl::StrCat("\"", absl::StrReplaceAll(value, {{"\"", "\"\""}}), "\"");
}

FigureCsv::FigureCsv(const rv1::ResolvedPeriod& period)
    : label_(period.label()),
      start_(DateText(period.start_date())),
      end_(DateText(period.end_date())) {}

void FigureCsv::Row(absl::string_view section, absl::string_view dimension,
                    absl::string_view key, absl::string_view figure,
                    absl::string_view value, absl::string_view numerator,
                    absl::string_view denominator, absl::string_view percent) {
  absl::StrAppend(&text_, CsvField(label_), ",", start_, ",", end_, ",",
                  CsvField(section), ",", CsvField(dimension), ",",
                  CsvField(key), ",", CsvField(figure), ",", CsvField(value),
                  ",", numerator, ",", denominator, ",", percent, "\r\n");
  ++rows_;
}

void FigureCsv::AddField(absl::string_view section, absl::string_view dimension,
                         absl::string_view key, const std::string& prefix,
                         const Message& m, const FieldDescriptor* f) {
  const Reflection* r = m.GetReflection();
  const std::string name = absl::StrCat(prefix, f->name());
  if (f->is_repeated()) {
    // Per-level counts: {level enum, count}.
    if (f->type() != FieldDescriptor::TYPE_MESSAGE) return;
    for (int i = 0; i < r->FieldSize(m, f); ++i) {
      const Message& item = r->GetRepeatedMessage(m, f, i);
      const auto* d = item.GetDescriptor();
      const FieldDescriptor* level = d->field(0);
      const FieldDescriptor* count = d->FindFieldByName("count");
      if (level->type() != FieldDescriptor::TYPE_ENUM || count == nullptr) {
        continue;
      }
      Row(section, dimension, key,
          absl::StrCat(name, ".",
                       item.GetReflection()->GetEnum(item, level)->name()),
          absl::StrCat(item.GetReflection()->GetInt32(item, count)), "", "",
          "");
    }
    return;
  }
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      Row(section, dimension, key, name, absl::StrCat(r->GetInt32(m, f)), "",
          "", "");
      return;
    case FieldDescriptor::CPPTYPE_INT64:
      Row(section, dimension, key, name, absl::StrCat(r->GetInt64(m, f)), "",
          "", "");
      return;
    case FieldDescriptor::CPPTYPE_MESSAGE:
      break;
    default:
      return;  // names and texts are the row's key, not figures
  }
  if (IsNotAFigure(f)) return;
  const Message& sub = r->GetMessage(m, f);
  if (IsMessage(f, rv1::Ratio::descriptor())) {
    const auto& ratio = static_cast<const rv1::Ratio&>(sub);
    Row(section, dimension, key, name, "", absl::StrCat(ratio.numerator()),
        absl::StrCat(ratio.denominator()), Percent(ratio));
  } else if (IsMessage(f, rv1::WorkingMinutesStats::descriptor())) {
    const auto& s = static_cast<const rv1::WorkingMinutesStats&>(sub);
    const auto cell = [&](int64_t v) {
      return s.no_data() ? std::string() : absl::StrCat(v);
    };
    Row(section, dimension, key, name + ".count", absl::StrCat(s.count()), "",
        "", "");
    Row(section, dimension, key, name + ".total",
        cell(s.total_working_minutes()), "", "", "");
    Row(section, dimension, key, name + ".mean",
        s.no_data() ? "" : absl::StrFormat("%.2f", s.mean_working_minutes()),
        "", "", "");
    Row(section, dimension, key, name + ".min", cell(s.min_working_minutes()),
        "", "", "");
    Row(section, dimension, key, name + ".p50", cell(s.p50_working_minutes()),
        "", "", "");
    Row(section, dimension, key, name + ".p90", cell(s.p90_working_minutes()),
        "", "", "");
    Row(section, dimension, key, name + ".max", cell(s.max_working_minutes()),
        "", "", "");
  } else {
    const auto* d = sub.GetDescriptor();
    for (int i = 0; i < d->field_count(); ++i) {
      AddField(section, dimension, key, name + ".", sub, d->field(i));
    }
  }
}

void FigureCsv::AddFigures(absl::string_view section,
                           absl::string_view dimension, absl::string_view key,
                           const Message& figures) {
  const auto* d = figures.GetDescriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    AddField(section, dimension, key, "", figures, d->field(i));
  }
}

void FigureCsv::AddText(absl::string_view section, absl::string_view dimension,
                        absl::string_view key, absl::string_view figure,
                        absl::string_view text) {
  Row(section, dimension, key, figure, text, "", "", "");
}

rv1::CsvExport FigureCsv::Finish(absl::string_view name) const {
  rv1::CsvExport out;
  out.set_filename(absl::StrCat(name, "-", label_, ".csv"));
  out.set_content_type("text/csv; charset=utf-8");
  out.set_text(absl::StrCat(kBom, kHeader, text_));
  out.set_row_count(rows_);
  return out;
}

}  // namespace csm::reporting
