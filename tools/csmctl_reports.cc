#include "tools/csmctl_reports.h"

#include <iostream>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/business_time.h"
#include "tools/csmctl_report_table.h"
#include "tools/csmctl_rpc.h"

namespace csm::csmctl {
namespace {

namespace pb = ::google::protobuf;
namespace rv1 = ::csm::reporting::v1;

// A flag a report adds, and the request field it sets.
struct ReportFlag {
  absl::string_view flag;
  absl::string_view field;
};

struct Report {
  // "weekly", "snapshots get": the words after `reports`.
  absl::string_view words;
  absl::string_view title;
  // Service/Method in csm.reporting.v1.
  absl::string_view method;
  // The period taken when no period flag is given (requests with a period).
  rv1::PeriodKind period = rv1::PERIOD_KIND_MONTH;
  // The field the one argument sets ("name"), and the collection put before
  // a bare id.
  absl::string_view positional = "";
  absl::string_view collection = "";
  std::vector<ReportFlag> flags = {};
};

const std::vector<ReportFlag> kPaging = {{"page_size", "page_size"},
                                         {"page_token", "page_token"}};

std::vector<ReportFlag> With(std::vector<ReportFlag> flags,
                             const std::vector<ReportFlag>& more) {
  flags.insert(flags.end(), more.begin(), more.end());
  return flags;
}

// Every report reporting-svc's contracts define (docs/reports.md section
// 15).
const std::vector<Report>& Reports() {
  static const auto* const kReports = new std::vector<Report>{
      {"freshness", "数据时效", "ReportConfigService/GetFreshness"},
      {"weekly", "周报", "ReportService/GetWeeklyReport",
       rv1::PERIOD_KIND_WEEK},
      {"supervision", "服务监督报告", "ReportService/GetSupervisionReport"},
      {"ranking", "考核排名", "ReportService/GetStaffRanking",
       rv1::PERIOD_KIND_QUARTER},
      {"complaints",
       "投诉分析",
       "ComplaintReportService/GetComplaintAnalysis",
       rv1::PERIOD_KIND_MONTH,
       "",
       "",
       {{"dimensions", "dimensions"}, {"trend", "trend_periods"}}},
      {"sla", "SLA 责任", "ComplaintReportService/GetSlaAccountability"},
      {"satisfaction", "满意度",
       "ComplaintReportService/GetSatisfactionReport"},
      {"ledger", "投诉台账", "ComplaintReportService/ListComplaintLedger",
       rv1::PERIOD_KIND_MONTH, "", "", With({{"scope", "scope"}}, kPaging)},
      {"customers",
       "客户分析",
       "CustomerReportService/GetCustomerAnalysis",
       rv1::PERIOD_KIND_MONTH,
       "",
       "",
       {{"dimensions", "dimensions"}, {"trend", "trend_periods"}}},
      {"visits", "客户回访", "CustomerReportService/GetReturnVisitReport"},
      {"attrition", "客户流失预警", "CustomerReportService/GetAttritionWarning",
       rv1::PERIOD_KIND_MONTH, "", "", With({{"reasons", "reasons"}}, kPaging)},
      {"snapshots list", "报表快照",
       "ReportSnapshotService/ListReportSnapshots", rv1::PERIOD_KIND_MONTH, "",
       "", With({{"filter", "filter"}, {"order_by", "order_by"}}, kPaging)},
      {"snapshots get", "报表快照", "ReportSnapshotService/GetReportSnapshot",
       rv1::PERIOD_KIND_MONTH, "name", "reportSnapshots/"},
      {"rebuild", "报表重建", "ReportConfigService/GetRebuild",
       rv1::PERIOD_KIND_MONTH, "name", "rebuilds/"},
  };
  return *kReports;
}

// The report `args` (after "reports") name, and how many words it took.
const Report* FindReport(const std::vector<std::string>& args, size_t& used) {
  for (const Report& r : Reports()) {
    std::vector<absl::string_view> words = absl::StrSplit(r.words, ' ');
    if (args.size() < 1 + words.size()) continue;
    bool match = true;
    for (size_t i = 0; i < words.size(); ++i) {
      match = match && args[1 + i] == words[i];
    }
    if (match) {
      used = words.size();
      return &r;
    }
  }
  return nullptr;
}

const pb::FieldDescriptor* Field(const pb::Message& m, absl::string_view name) {
  return m.GetDescriptor()->FindFieldByName(std::string(name));
}

void SetMessage(pb::Message& request, absl::string_view field,
                const pb::Message& value) {
  request.GetReflection()
      ->MutableMessage(&request, Field(request, field))
      ->CopyFrom(value);
}

absl::StatusOr<ReportOutput> TakeOutput(CommandLine& cl) {
  const std::string format = TakeFlag(cl, "format", "table");
  if (format == "table") return ReportOutput::kTable;
  if (format == "json") return ReportOutput::kJson;
  if (format == "csv") return ReportOutput::kCsv;
  return Usage(
      absl::StrCat("--format takes table, json or csv, not \"", format, "\""));
}

// The report's own flags; enum lists may use the short names.
absl::Status SetReportFlags(const Report& report, CommandLine& cl,
                            pb::Message& request) {
  for (const ReportFlag& f : report.flags) {
    const std::string name(f.flag);
    if (cl.flags.count(name) == 0) continue;
    std::string value = TakeFlag(cl, name);
    const pb::FieldDescriptor* field = Field(request, f.field);
    if (field->cpp_type() == pb::FieldDescriptor::CPPTYPE_ENUM) {
      absl::StatusOr<std::string> full =
          FullEnumNames(f.flag, *field->enum_type(), value);
      if (!full.ok()) return full.status();
      value = *std::move(full);
    }
    if (absl::Status s = SetField(request, f.field, value); !s.ok()) return s;
  }
  return absl::OkStatus();
}

// Period, filter and format, where the request has them.
absl::Status SetCommonFields(const Report& report, CommandLine& cl,
                             absl::CivilDay today, ReportOutput output,
                             pb::Message& request) {
  if (Field(request, "period") != nullptr) {
    absl::StatusOr<rv1::Period> period = TakePeriod(cl, report.period, today);
    if (!period.ok()) return period.status();
    SetMessage(request, "period", *period);
  }
  if (Field(request, "filter") != nullptr &&
      Field(request, "filter")->cpp_type() ==
          pb::FieldDescriptor::CPPTYPE_MESSAGE) {
    absl::StatusOr<rv1::ReportFilter> filter = TakeFilter(cl);
    if (!filter.ok()) return filter.status();
    SetMessage(request, "filter", *filter);
  }
  if (output != ReportOutput::kCsv) return absl::OkStatus();
  if (Field(request, "format") == nullptr) {
    return Usage(absl::StrCat("reports ", report.words,
                              " has no CSV form; use --format=table or json"));
  }
  return SetField(request, "format", "REPORT_FORMAT_CSV");
}

std::string ReportLine(const Report& r) {
  std::string line = absl::StrCat("  csmctl reports ", r.words);
  if (!r.positional.empty()) {
    absl::StrAppend(&line, " <", absl::StripSuffix(r.collection, "/"),
                    "/ID | ID>");
  }
  absl::StrAppend(&line, "   ", r.title);
  for (const ReportFlag& f : r.flags) {
    absl::StrAppend(&line, " [--", f.flag, "=", f.field, "]");
  }
  return absl::StrCat(line, "\n");
}

int PrintReport(const ReportCall& call, const pb::Message& response,
                const Options& options) {
  switch (call.output) {
    case ReportOutput::kJson: {
      absl::StatusOr<std::string> json = ToJson(response, options, true);
      if (!json.ok()) return LocalError(json.status());
      std::cout << *json << std::endl;
      return kExitOk;
    }
    case ReportOutput::kCsv: {
      const pb::FieldDescriptor* csv = Field(response, "csv");
      const pb::Message& exported =
          response.GetReflection()->GetMessage(response, csv);
      const std::string text = exported.GetReflection()->GetString(
          exported, Field(exported, "text"));
      if (text.empty()) {
        return LocalError(absl::DataLossError(
            "the server sent no CSV (a snapshot taken without it?)"));
      }
      std::cout << text << std::flush;  // as it came: BOM, CRLF
      return kExitOk;
    }
    case ReportOutput::kTable:
      std::cout << RenderReport(response, call.title) << std::flush;
      return kExitOk;
  }
  return kExitOk;
}

}  // namespace

absl::StatusOr<ReportCall> BuildReportCall(CommandLine& cl,
                                           absl::CivilDay today) {
  size_t used = 0;
  const Report* report = FindReport(cl.args, used);
  if (report == nullptr) {
    return Usage(
        absl::StrCat("reports takes one of:\n",
                     absl::StripTrailingAsciiWhitespace(ReportsUsage())));
  }
  const size_t want = 1 + used + (report->positional.empty() ? 0 : 1);
  if (cl.args.size() != want) {
    return Usage(absl::StrCat(
        "usage:",
        absl::StripTrailingAsciiWhitespace(ReportLine(*report)).substr(1)));
  }
  absl::StatusOr<const pb::MethodDescriptor*> method =
      FindMethod(absl::StrCat("csm.reporting.v1.", report->method));
  if (!method.ok()) return method.status();
  ReportCall call{{*method, NewMessage(*(*method)->input_type())},
                  ReportOutput::kTable,
                  std::string(report->title)};
  pb::Message& request = *call.invocation.request;
  absl::StatusOr<ReportOutput> output = TakeOutput(cl);
  if (!output.ok()) return output.status();
  call.output = *output;
  if (!report->positional.empty()) {
    std::string id = cl.args.back();
    if (id.find('/') == std::string::npos) {
      id = absl::StrCat(report->collection, id);
    }
    if (absl::Status s = SetField(request, report->positional, id); !s.ok()) {
      return s;
    }
  }
  if (absl::Status s =
          SetCommonFields(*report, cl, today, call.output, request);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = SetReportFlags(*report, cl, request); !s.ok()) return s;
  return call;
}

int RunReports(CommandLine& cl) {
  absl::StatusOr<ReportCall> call =
      BuildReportCall(cl, BusinessDate(absl::Now()));
  if (!call.ok()) return UsageError(call.status());
  if (absl::Status s = CheckNoFlagsLeft(cl); !s.ok()) return UsageError(s);
  Options options = cl.options;
  if (!options.addr_set) options.addr = std::string(kReportingAddr);
  const Invocation& inv = call->invocation;
  PreparedCall prepared = PrepareCall(options, *inv.method);
  std::string bytes;
  grpc::Status status =
      UnaryCall(prepared.stub, options, GrpcPath(*inv.method),
                inv.request->SerializeAsString(), prepared.request_id, &bytes);
  if (!status.ok()) {
    std::cerr << FormatRpcError(status);
    return kExitError;
  }
  std::unique_ptr<pb::Message> response =
      NewMessage(*inv.method->output_type());
  if (!response->ParseFromString(bytes)) {
    return LocalError(absl::DataLossError(
        absl::StrCat("the response is not a valid ", response->GetTypeName())));
  }
  return PrintReport(*call, *response, options);
}

std::string ReportsUsage() {
  std::string out;
  for (const Report& r : Reports()) absl::StrAppend(&out, ReportLine(r));
  return absl::StrCat(
      out,
      "  Period (reports with one): --week=2026-W47 | --month=2026-11 | "
      "--quarter=2026-Q4 |\n"
      "    --from=2026-11-03 --to=2026-11-20; default: the current week "
      "(weekly),\n"
      "    quarter (ranking) or month (the others), Beijing time.\n"
      "  Filters (lists): --department=客服部 --staff=ID --category=ID "
      "--severity=major --grade=A\n"
      "  --format=table (default) | json (the proto's JSON) | csv (the "
      "service's CSV)\n"
      "  Default --addr for reports: ",
      kReportingAddr, " (reporting-svc).\n");
}

}  // namespace csm::csmctl
