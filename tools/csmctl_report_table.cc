#include "tools/csmctl_report_table.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "common/business_time.h"

namespace csm::csmctl {
namespace {

namespace pb = ::google::protobuf;
using FD = pb::FieldDescriptor;

// A list of groups wider than this many columns is turned: figures down,
// the groups across.
constexpr size_t kMaxColumns = 8;
// ... unless it has more rows than this (they would not fit across).
constexpr int kMaxTurnedRows = 12;

constexpr absl::string_view kNoData = "—";

// Message types that print as one cell.
bool IsValueType(const pb::Descriptor& type) {
  static const auto* const kTypes = new std::set<std::string, std::less<>>{
      "csm.reporting.v1.Ratio",
      "csm.reporting.v1.WorkingMinutesStats",
      "csm.reporting.v1.ResolvedPeriod",
      "csm.reporting.v1.ReportFilter",
      "csm.common.v1.Date",
      "google.protobuf.Timestamp",
      "google.protobuf.FieldMask"};
  return kTypes->count(type.full_name()) > 0;
}

// A record of up to three values (SatisfactionCount, EscalationCount,
// MetricValue): one cell, "满意 3".
bool IsSmallRecord(const pb::Descriptor& type) {
  if (type.field_count() > 3) return false;
  for (int i = 0; i < type.field_count(); ++i) {
    const FD& f = *type.field(i);
    if (f.is_repeated()) return false;
    if (f.cpp_type() == FD::CPPTYPE_MESSAGE && !IsValueType(*f.message_type()))
      return false;
  }
  return true;
}

bool IsCell(const FD& f) {
  return f.cpp_type() != FD::CPPTYPE_MESSAGE ||
         IsValueType(*f.message_type()) || IsSmallRecord(*f.message_type());
}

std::string MessageCell(const pb::Message& m);

std::string Scalar(const pb::Message& m, const FD& f, int index) {
  const pb::Reflection& r = *m.GetReflection();
  const bool rep = f.is_repeated();
  switch (f.cpp_type()) {
    case FD::CPPTYPE_STRING:
      return rep ? r.GetRepeatedString(m, &f, index) : r.GetString(m, &f);
    case FD::CPPTYPE_INT32:
      return absl::StrCat(rep ? r.GetRepeatedInt32(m, &f, index)
                              : r.GetInt32(m, &f));
    case FD::CPPTYPE_INT64:
      return absl::StrCat(rep ? r.GetRepeatedInt64(m, &f, index)
                              : r.GetInt64(m, &f));
    case FD::CPPTYPE_UINT32:
      return absl::StrCat(rep ? r.GetRepeatedUInt32(m, &f, index)
                              : r.GetUInt32(m, &f));
    case FD::CPPTYPE_UINT64:
      return absl::StrCat(rep ? r.GetRepeatedUInt64(m, &f, index)
                              : r.GetUInt64(m, &f));
    case FD::CPPTYPE_DOUBLE:
      return absl::StrFormat(
          "%.2f", rep ? r.GetRepeatedDouble(m, &f, index) : r.GetDouble(m, &f));
    case FD::CPPTYPE_FLOAT:
      return absl::StrFormat(
          "%.2f", rep ? r.GetRepeatedFloat(m, &f, index) : r.GetFloat(m, &f));
    case FD::CPPTYPE_BOOL:
      return (rep ? r.GetRepeatedBool(m, &f, index) : r.GetBool(m, &f)) ? "是"
                                                                        : "否";
    case FD::CPPTYPE_ENUM:
      return EnumLabel(rep ? *r.GetRepeatedEnum(m, &f, index)
                           : *r.GetEnum(m, &f));
    case FD::CPPTYPE_MESSAGE:
      return MessageCell(rep ? r.GetRepeatedMessage(m, &f, index)
                             : r.GetMessage(m, &f));
  }
  return "";
}

// One cell of `f` in `m`: a list joined with ", ".
std::string Cell(const pb::Message& m, const FD& f) {
  if (!f.is_repeated()) return Scalar(m, f, 0);
  std::vector<std::string> items;
  const int n = m.GetReflection()->FieldSize(m, &f);
  for (int i = 0; i < n; ++i) items.push_back(Scalar(m, f, i));
  return absl::StrJoin(items, ", ");
}

std::string RatioCell(const pb::Message& m) {
  const pb::Descriptor& d = *m.GetDescriptor();
  const pb::Reflection& r = *m.GetReflection();
  const int32_t num = r.GetInt32(m, d.FindFieldByName("numerator"));
  const int32_t den = r.GetInt32(m, d.FindFieldByName("denominator"));
  if (den == 0 || r.GetBool(m, d.FindFieldByName("no_data"))) {
    return std::string(kNoData);
  }
  return absl::StrFormat(
      "%.2f%% (%d/%d)", r.GetDouble(m, d.FindFieldByName("percent")), num, den);
}

std::string StatsCell(const pb::Message& m) {
  const pb::Descriptor& d = *m.GetDescriptor();
  const pb::Reflection& r = *m.GetReflection();
  auto i64 = [&](const char* name) {
    return r.GetInt64(m, d.FindFieldByName(name));
  };
  if (r.GetInt32(m, d.FindFieldByName("count")) == 0) {
    return std::string(kNoData);
  }
  return absl::StrFormat(
      "n=%d mean=%.2f p50=%d p90=%d max=%d",
      r.GetInt32(m, d.FindFieldByName("count")),
      r.GetDouble(m, d.FindFieldByName("mean_working_minutes")),
      i64("p50_working_minutes"), i64("p90_working_minutes"),
      i64("max_working_minutes"));
}

std::string DateCell(const pb::Message& m) {
  const pb::Descriptor& d = *m.GetDescriptor();
  const pb::Reflection& r = *m.GetReflection();
  const int32_t year = r.GetInt32(m, d.FindFieldByName("year"));
  if (year == 0) return "";
  return absl::StrFormat("%04d-%02d-%02d", year,
                         r.GetInt32(m, d.FindFieldByName("month")),
                         r.GetInt32(m, d.FindFieldByName("day")));
}

std::string TimestampCell(const pb::Message& m) {
  const int64_t seconds = m.GetReflection()->GetInt64(
      m, m.GetDescriptor()->FindFieldByName("seconds"));
  if (seconds == 0) return "";
  return absl::FormatTime("%Y-%m-%d %H:%M:%S", absl::FromUnixSeconds(seconds),
                          BusinessTimeZone());
}

std::string PeriodCell(const pb::Message& m) {
  const pb::Descriptor& d = *m.GetDescriptor();
  const pb::Reflection& r = *m.GetReflection();
  const std::string label = r.GetString(m, d.FindFieldByName("label"));
  return absl::StrCat(
      label, " (", DateCell(r.GetMessage(m, d.FindFieldByName("start_date"))),
      " .. ", DateCell(r.GetMessage(m, d.FindFieldByName("end_date"))), ")");
}

// A small record's values in field order ("满意 3"), or the set fields of
// another message as "label=value" (the filter: "部门=客服部").
std::string FieldsCell(const pb::Message& m, bool labelled) {
  std::vector<const FD*> fields;
  if (labelled) {
    m.GetReflection()->ListFields(m, &fields);
  } else {
    for (int i = 0; i < m.GetDescriptor()->field_count(); ++i) {
      fields.push_back(m.GetDescriptor()->field(i));
    }
  }
  std::vector<std::string> parts;
  for (const FD* f : fields) {
    const std::string value = Cell(m, *f);
    parts.push_back(labelled ? absl::StrCat(FieldLabel(*f), "=", value)
                             : value);
  }
  return absl::StrJoin(parts, labelled ? "; " : " ");
}

std::string MessageCell(const pb::Message& m) {
  const std::string& type = m.GetDescriptor()->full_name();
  if (type == "csm.reporting.v1.Ratio") return RatioCell(m);
  if (type == "csm.reporting.v1.WorkingMinutesStats") return StatsCell(m);
  if (type == "csm.common.v1.Date") return DateCell(m);
  if (type == "google.protobuf.Timestamp") return TimestampCell(m);
  if (type == "csm.reporting.v1.ResolvedPeriod") return PeriodCell(m);
  if (type == "csm.reporting.v1.ReportFilter") {
    const std::string set = FieldsCell(m, /*labelled=*/true);
    return set.empty() ? "全部" : set;
  }
  return FieldsCell(m, /*labelled=*/!IsSmallRecord(*m.GetDescriptor()));
}

// Fields that are not printed: the CSV (--format=csv prints it), a message
// or oneof member that is not set.
bool IsCsv(const FD& f) {
  return f.cpp_type() == FD::CPPTYPE_MESSAGE &&
         f.message_type()->full_name() == "csm.reporting.v1.CsvExport";
}

bool Skipped(const pb::Message& m, const FD& f) {
  if (f.cpp_type() != FD::CPPTYPE_MESSAGE || f.is_repeated()) return false;
  if (IsCsv(f)) return true;
  if (f.containing_oneof() != nullptr || !IsCell(f)) {
    return !m.GetReflection()->HasField(m, &f);
  }
  return false;
}

std::string Indent(int depth) { return std::string(2 * depth, ' '); }

// A column of a list: a field of the row, or a field of one of its
// messages whose fields are all cells (ComplaintGroup.figures.received).
struct Column {
  const FD* outer = nullptr;
  const FD* field = nullptr;
};

std::vector<Column> Columns(const pb::Descriptor& row) {
  std::vector<Column> columns;
  for (int i = 0; i < row.field_count(); ++i) {
    const FD& f = *row.field(i);
    if (IsCell(f)) {
      columns.push_back({nullptr, &f});
      continue;
    }
    if (f.is_repeated() || f.containing_oneof() != nullptr || IsCsv(f)) {
      continue;
    }
    const pb::Descriptor& inner = *f.message_type();
    bool flat = true;
    for (int j = 0; j < inner.field_count(); ++j) {
      flat = flat && IsCell(*inner.field(j));
    }
    if (!flat) continue;
    for (int j = 0; j < inner.field_count(); ++j) {
      columns.push_back({&f, inner.field(j)});
    }
  }
  return columns;
}

std::string ColumnCell(const pb::Message& row, const Column& c) {
  if (c.outer == nullptr) return Cell(row, *c.field);
  return Cell(row.GetReflection()->GetMessage(row, c.outer), *c.field);
}

// Rows that are groups of figures (a department, a category ...) rather
// than records of their own: these are turned when wide.
bool IsGroupKey(const FD& f) {
  static const auto* const kKeys = new std::set<std::string, std::less<>>{
      "department", "key", "team", "staff_id", "source", "period"};
  return !f.is_repeated() && kKeys->count(f.name()) > 0;
}

// Rows that hold lists of their own (a breakdown and its groups) print as
// sections, one after the other, instead of as a table.
bool RowsAreSections(const pb::Descriptor& row) {
  for (int i = 0; i < row.field_count(); ++i) {
    if (row.field(i)->is_repeated() && !IsCell(*row.field(i))) return true;
  }
  return false;
}

std::string ListTable(const pb::Message& m, const FD& f, int depth) {
  const pb::Reflection& r = *m.GetReflection();
  const int n = r.FieldSize(m, &f);
  const std::vector<Column> columns = Columns(*f.message_type());
  std::vector<std::vector<std::string>> rows(1);
  for (const Column& c : columns) rows[0].push_back(FieldLabel(*c.field));
  for (int i = 0; i < n; ++i) {
    const pb::Message& row = r.GetRepeatedMessage(m, &f, i);
    rows.emplace_back();
    for (const Column& c : columns) rows.back().push_back(ColumnCell(row, c));
  }
  if (columns.size() > kMaxColumns && n <= kMaxTurnedRows &&
      IsGroupKey(*columns[0].field)) {
    std::vector<std::vector<std::string>> turned(columns.size());
    for (size_t c = 0; c < columns.size(); ++c) {
      for (const auto& row : rows) turned[c].push_back(row[c]);
    }
    rows = std::move(turned);
  }
  return AlignedTable(rows, depth);
}

void Section(const pb::Message& m, int depth, std::string& out);

void Subsection(const pb::Message& m, const FD& f, int depth,
                std::string& out) {
  if (!f.is_repeated()) {
    absl::StrAppend(&out, "\n", Indent(depth), FieldLabel(f), "\n");
    Section(m.GetReflection()->GetMessage(m, &f), depth + 1, out);
    return;
  }
  const pb::Reflection& r = *m.GetReflection();
  const int n = r.FieldSize(m, &f);
  absl::StrAppend(&out, "\n", Indent(depth), FieldLabel(f), " (", n, ")\n");
  if (n == 0) return;
  if (!RowsAreSections(*f.message_type())) {
    absl::StrAppend(&out, ListTable(m, f, depth + 1));
    return;
  }
  for (int i = 0; i < n; ++i)
    Section(r.GetRepeatedMessage(m, &f, i), depth + 1, out);
}

// Two columns, label and value; the labels padded to one width.
std::string Pairs(const std::vector<std::vector<std::string>>& pairs,
                  int depth) {
  size_t width = 0;
  for (const auto& p : pairs) width = std::max(width, DisplayWidth(p[0]));
  std::string out;
  for (const auto& p : pairs) {
    absl::StrAppend(&out, Indent(depth), p[0],
                    std::string(width - DisplayWidth(p[0]) + 2, ' '), p[1],
                    "\n");
  }
  return out;
}

void Section(const pb::Message& m, int depth, std::string& out) {
  const pb::Descriptor& d = *m.GetDescriptor();
  std::vector<std::vector<std::string>> pairs;
  for (int i = 0; i < d.field_count(); ++i) {
    const FD& f = *d.field(i);
    if (Skipped(m, f)) continue;
    if (depth == 0 && f.name() == "period" && IsCell(f)) continue;  // title
    if (IsCell(f)) {
      std::string value = Cell(m, f);
      if (!value.empty()) pairs.push_back({FieldLabel(f), std::move(value)});
      continue;
    }
    absl::StrAppend(&out, Pairs(pairs, depth));
    pairs.clear();
    Subsection(m, f, depth, out);
  }
  absl::StrAppend(&out, Pairs(pairs, depth));
}

// The code point at `i` (advanced past it); malformed bytes count as one.
uint32_t NextCodePoint(absl::string_view s, size_t& i) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  const uint8_t b = byte(i);
  int extra = b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : b >= 0xC0 ? 1 : 0;
  if (i + extra >= s.size()) extra = 0;  // cut short: the byte alone
  uint32_t cp = extra == 0 ? b : (b & (0x3F >> extra));
  for (int k = 1; k <= extra; ++k) cp = (cp << 6) | (byte(i + k) & 0x3F);
  i += 1 + extra;
  return cp;
}

}  // namespace

size_t DisplayWidth(absl::string_view text) {
  size_t width = 0;
  for (size_t i = 0; i < text.size();) {
    const uint32_t cp = NextCodePoint(text, i);
    const bool zero = (cp >= 0x0300 && cp <= 0x036F) ||
                      (cp >= 0x200B && cp <= 0x200F) || cp == 0xFEFF;
    const bool wide =
        (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) ||
        (cp >= 0x3041 && cp <= 0x33FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
        (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
        (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
        (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
        (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
    width += zero ? 0 : wide ? 2 : 1;
  }
  return width;
}

std::string AlignedTable(const std::vector<std::vector<std::string>>& rows,
                         int indent) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t c = 0; c < row.size(); ++c) {
      widths[c] = std::max(widths[c], DisplayWidth(row[c]));
    }
  }
  std::string out;
  for (size_t r = 0; r < rows.size(); ++r) {
    std::string line = Indent(indent);
    for (size_t c = 0; c < rows[r].size(); ++c) {
      const bool last = c + 1 == rows[r].size();
      absl::StrAppend(
          &line, rows[r][c],
          last ? ""
               : std::string(widths[c] + 2 - DisplayWidth(rows[r][c]), ' '));
    }
    absl::StrAppend(&out, line, "\n");
    if (r == 0) {
      size_t total = 0;
      for (size_t w : widths) total += w + 2;
      absl::StrAppend(&out, Indent(indent), std::string(total - 2, '-'), "\n");
    }
  }
  return out;
}

std::string RenderReport(const pb::Message& message, absl::string_view title) {
  std::string out(title);
  const FD* period = message.GetDescriptor()->FindFieldByName("period");
  if (period != nullptr && IsCell(*period) &&
      message.GetReflection()->HasField(message, period)) {
    absl::StrAppend(&out, "  ", Cell(message, *period));
  }
  absl::StrAppend(&out, "\n\n");
  Section(message, 0, out);
  return out;
}

}  // namespace csm::csmctl
