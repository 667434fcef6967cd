// `csmctl reports ...`: any report reporting-svc serves, as an aligned table
// (the default), as the proto's JSON (--format=json) or as the service's own
// CSV (--format=csv: REPORT_FORMAT_CSV, printed as it came). Which reports
// exist is one table (Reports() in csmctl_reports.cc): a report served later
// is one entry there, its flags come from its request message: the period
// flags when it has a `period`, the filter flags when it has a `filter`.
#ifndef CSM_TOOLS_CSMCTL_REPORTS_H_
#define CSM_TOOLS_CSMCTL_REPORTS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "csm/reporting/v1/report_common.pb.h"
#include "tools/csmctl_lib.h"

namespace csm::csmctl {

// reporting-svc of the run command: where `reports` goes without --addr.
inline constexpr absl::string_view kReportingAddr = "127.0.0.1:50053";

// Takes the period flags: --week=2026-W47, --month=2026-11, --quarter=2026-Q4
// or --from=2026-11-03 --to=2026-11-20 (both days included). Without any,
// the period of `default_kind` that holds `today`. INVALID_ARGUMENT (a usage
// error) when a value is malformed or does not exist, or flags of two kinds
// are given; ranges and years the server checks.
absl::StatusOr<reporting::v1::Period> TakePeriod(
    CommandLine& cl, reporting::v1::PeriodKind default_kind,
    absl::CivilDay today);

// Takes the filter flags, each a comma-separated list: --department=客服部,
// --staff=li.na, --category=quality, --severity=major (or SEVERITY_MAJOR),
// --grade=A (or GRADE_A).
absl::StatusOr<reporting::v1::ReportFilter> TakeFilter(CommandLine& cl);

enum class ReportOutput { kTable, kJson, kCsv };

// A report call ready to send: what to call, with what, how to print it.
struct ReportCall {
  Invocation invocation;
  ReportOutput output = ReportOutput::kTable;
  // The report's title for the table.
  std::string title;
};

// `cl.args` = {"reports", report words..., [argument]}; takes the report's
// flags from `cl` (CheckNoFlagsLeft afterwards names the rest). `today` is
// the business date the default period is taken from.
absl::StatusOr<ReportCall> BuildReportCall(CommandLine& cl,
                                           absl::CivilDay today);

// The whole command: builds, calls (at kReportingAddr unless --addr), prints.
// Exit code: 0, 1 on an error of the call, 2 on a usage error.
int RunReports(CommandLine& cl);

// An enum list in the short form ("category,severity"), as the enum's full
// names for SetField ("COMPLAINT_DIMENSION_CATEGORY,..."); a usage error
// naming the values `flag` takes.
absl::StatusOr<std::string> FullEnumNames(
    absl::string_view flag, const google::protobuf::EnumDescriptor& type,
    absl::string_view list);

// The reports and their flags, for the usage text.
std::string ReportsUsage();

}  // namespace csm::csmctl

#endif  // CSM_TOOLS_CSMCTL_REPORTS_H_
