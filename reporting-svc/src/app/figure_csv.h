// The CSV form of the figure reports (docs/reports.md, section 12): one
// table, one figure per row,
//   period,start_date,end_date,section,dimension,key,figure,value,numerator,denominator,percent
// RFC 4180, UTF-8 with a byte-order mark, CRLF. The figures of a message are
// found by reflection, so the CSV never drifts from the structured report:
// integer fields are counts (`value`), Ratio fields fill numerator,
// denominator and percent (percent empty when no data),
// WorkingMinutesStats fields one row per statistic (`handling_time.p90`),
// repeated per-level counts one row per level (`escalations.<LEVEL>`).
#ifndef CSM_REPORTING_SVC_APP_FIGURE_CSV_H_
#define CSM_REPORTING_SVC_APP_FIGURE_CSV_H_

#include <google/protobuf/message.h>

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "csm/reporting/v1/report_common.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace csm::reporting {

namespace rv1 = ::csm::reporting::v1;

class FigureCsv {
 public:
  explicit FigureCsv(const rv1::ResolvedPeriod& period);

  // Every figure of `figures` (a message of counts, ratios and statistics)
  // under section / dimension / key. Fields named in `skip` (e.g.
  // "department") are left out.
  void AddFigures(absl::string_view section, absl::string_view dimension,
                  absl::string_view key,
                  const google::protobuf::Message& figures);
  // A list item's attribute: dimension = the resource kind, key = its name.
  void AddText(absl::string_view section, absl::string_view dimension,
               absl::string_view key, absl::string_view figure,
               absl::string_view text);

  // `name` e.g. "supervision-report": the file is "<name>-<label>.csv".
  rv1::CsvExport Finish(absl::string_view name) const;

 private:
  void Row(absl::string_view section, absl::string_view dimension,
           absl::string_view key, absl::string_view figure,
           absl::string_view value, absl::string_view numerator,
           absl::string_view denominator, absl::string_view percent);
  void AddField(absl::string_view section, absl::string_view dimension,
                absl::string_view key, const std::string& prefix,
                const google::protobuf::Message& m,
                const google::protobuf::FieldDescriptor* f);

  std::string label_;
  std::string start_;
  std::string end_;
  std::string text_;
  int rows_ = 0;
};

// A list report's CSV (the staff ranking, the attrition warning, the
// ledger): one header row, then one row per item, each cell escaped.
// `name` and `label` make the file name "<name>-<label>.csv".
rv1::CsvExport TableCsv(absl::string_view name, absl::string_view label,
                        const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& rows);

// A ratio's percent cell: "" when no data.
std::string CsvPercent(const rv1::Ratio& r);

// RFC 3339 in +08:00 ("2026-11-16T10:00:00+08:00"); "" when unset.
std::string CsvTime(const google::protobuf::Timestamp& t);

// One RFC 4180 field: quoted when it holds a comma, quote or line break.
std::string CsvField(absl::string_view value);

}  // namespace csm::reporting

#endif  // CSM_REPORTING_SVC_APP_FIGURE_CSV_H_
