// `csmctl reports`: the flags on their own, then the csmctl binary against
// a real reporting-svc (in-process, real gRPC, the fixture's MariaDB) fed
// the hand-computed week 2026-W47 of reporting-svc/src/testing: every
// format, server errors (exit 1) and usage errors (exit 2).
#include "tools/csmctl_reports.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reporting-svc/src/store/snapshot_store.h"
#include "reporting-svc/src/testing/report_fixture.h"
#include "tools/csmctl_lib.h"
#include "tools/csmctl_report_table.h"

namespace csm::csmctl {
namespace {

namespace rv1 = ::csm::reporting::v1;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

CommandLine Parse(std::vector<std::string> argv) {
  absl::StatusOr<CommandLine> cl = ParseCommandLine(argv, "");
  EXPECT_TRUE(cl.ok()) << cl.status();
  return cl.ok() ? *std::move(cl) : CommandLine{};
}

absl::StatusOr<rv1::Period> PeriodOf(
    std::vector<std::string> argv, rv1::PeriodKind kind = rv1::PERIOD_KIND_WEEK,
    absl::CivilDay today = absl::CivilDay(2026, 11, 18)) {
  CommandLine cl = Parse(std::move(argv));
  absl::StatusOr<rv1::Period> p = TakePeriod(cl, kind, today);
  if (p.ok()) {
    EXPECT_TRUE(cl.flags.empty());
  }
  return p;
}

std::string Text(const rv1::Period& p) {
  if (p.kind() == rv1::PERIOD_KIND_CUSTOM) {
    return absl::StrCat("custom ", p.start_date().year(), "-",
                        p.start_date().month(), "-", p.start_date().day(), "..",
                        p.end_date().year(), "-", p.end_date().month(), "-",
                        p.end_date().day());
  }
  return absl::StrCat(rv1::PeriodKind_Name(p.kind()), " ", p.year(), " ",
                      p.number());
}

TEST(ReportPeriodTest, FlagsOfEveryKind) {
  EXPECT_EQ(Text(*PeriodOf({"--week=2026-W47"})), "PERIOD_KIND_WEEK 2026 47");
  EXPECT_EQ(Text(*PeriodOf({"--week=2026-W53"})), "PERIOD_KIND_WEEK 2026 53");
  EXPECT_EQ(Text(*PeriodOf({"--month=2026-11"})), "PERIOD_KIND_MONTH 2026 11");
  EXPECT_EQ(Text(*PeriodOf({"--quarter=2026-Q4"})),
            "PERIOD_KIND_QUARTER 2026 4");
  EXPECT_EQ(Text(*PeriodOf({"--from=2026-11-03", "--to=2026-11-20"})),
            "custom 2026-11-3..2026-11-20");
}

TEST(ReportPeriodTest, WithoutFlagsTheCurrentPeriodOfTheDefaultKind) {
  EXPECT_EQ(Text(*PeriodOf({})), "PERIOD_KIND_WEEK 2026 47");
  // 1 January 2027 is a Friday: ISO week 53 of 2026.
  EXPECT_EQ(
      Text(*PeriodOf({}, rv1::PERIOD_KIND_WEEK, absl::CivilDay(2027, 1, 1))),
      "PERIOD_KIND_WEEK 2026 53");
  EXPECT_EQ(
      Text(*PeriodOf({}, rv1::PERIOD_KIND_WEEK, absl::CivilDay(2026, 11, 16))),
      "PERIOD_KIND_WEEK 2026 47");  // a Monday
  EXPECT_EQ(
      Text(*PeriodOf({}, rv1::PERIOD_KIND_WEEK, absl::CivilDay(2026, 11, 22))),
      "PERIOD_KIND_WEEK 2026 47");  // a Sunday
  EXPECT_EQ(Text(*PeriodOf({}, rv1::PERIOD_KIND_MONTH)),
            "PERIOD_KIND_MONTH 2026 11");
  EXPECT_EQ(Text(*PeriodOf({}, rv1::PERIOD_KIND_QUARTER)),
            "PERIOD_KIND_QUARTER 2026 4");
}

TEST(ReportPeriodTest, MalformedOrMissingPeriodsAreUsageErrors) {
  for (std::vector<std::string> argv : std::vector<std::vector<std::string>>{
           {"--week=2025-W53"},  // 2025 has 52 weeks
           {"--week=2026-W0"},
           {"--week=2026-47"},
           {"--week=26-W47"},
           {"--month=2026-13"},
           {"--month=2026-1x"},
           {"--quarter=2026-Q5"},
           {"--from=2026-02-30", "--to=2026-03-01"},
           {"--from=2026-11-03"},
           {"--to=2026/11/20", "--from=2026-11-03"},
           {"--week=2026-W47", "--month=2026-11"},
           {"--month=2026-11", "--from=2026-11-01", "--to=2026-11-02"}}) {
    absl::StatusOr<rv1::Period> p = PeriodOf(argv);
    EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument) << argv[0];
  }
  EXPECT_THAT(std::string(PeriodOf({"--week=2025-W53"}).status().message()),
              HasSubstr("--week takes an ISO week such as 2026-W47"));
}

TEST(ReportFilterTest, ListsAndShortEnumNames) {
  CommandLine cl = Parse({"--department=客服部,仓储物流", "--staff=li.na",
                          "--severity=major,SEVERITY_CRITICAL", "--grade=a,B"});
  absl::StatusOr<rv1::ReportFilter> f = TakeFilter(cl);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_THAT(f->departments(), ElementsAre("客服部", "仓储物流"));
  EXPECT_THAT(f->staff_ids(), ElementsAre("li.na"));
  EXPECT_THAT(f->severities(), ElementsAre(complaint::v1::SEVERITY_MAJOR,
                                           complaint::v1::SEVERITY_CRITICAL));
  EXPECT_THAT(f->customer_grades(),
              ElementsAre(customer::v1::GRADE_A, customer::v1::GRADE_B));
  EXPECT_TRUE(cl.flags.empty());

  cl = Parse({"--severity=huge"});
  EXPECT_THAT(std::string(TakeFilter(cl).status().message()),
              HasSubstr("--severity takes normal, major, critical"));
}

TEST(BuildReportCallTest, RequestsCarryPeriodFilterFormatAndTheirFlags) {
  CommandLine cl = Parse({"reports", "complaints", "--month=2026-11",
                          "--dimensions=severity,category", "--trend=3",
                          "--format=csv", "--grade=A"});
  absl::StatusOr<ReportCall> call =
      BuildReportCall(cl, absl::CivilDay(2026, 11, 18));
  ASSERT_TRUE(call.ok()) << call.status();
  EXPECT_TRUE(cl.flags.empty());
  EXPECT_EQ(call->invocation.method->full_name(),
            "csm.reporting.v1.ComplaintReportService.GetComplaintAnalysis");
  EXPECT_EQ(call->output, ReportOutput::kCsv);
  rv1::GetComplaintAnalysisRequest req;
  req.ParseFromString(call->invocation.request->SerializeAsString());
  EXPECT_EQ(Text(req.period()), "PERIOD_KIND_MONTH 2026 11");
  EXPECT_THAT(req.dimensions(), ElementsAre(rv1::COMPLAINT_DIMENSION_SEVERITY,
                                            rv1::COMPLAINT_DIMENSION_CATEGORY));
  EXPECT_EQ(req.trend_periods(), 3);
  EXPECT_EQ(req.format(), rv1::REPORT_FORMAT_CSV);
  EXPECT_THAT(req.filter().customer_grades(),
              ElementsAre(customer::v1::GRADE_A));

  cl = Parse({"reports", "snapshots", "get", "7", "--format=json"});
  call = BuildReportCall(cl, absl::CivilDay(2026, 11, 18));
  ASSERT_TRUE(call.ok()) << call.status();
  rv1::GetReportSnapshotRequest get;
  get.ParseFromString(call->invocation.request->SerializeAsString());
  EXPECT_EQ(get.name(), "reportSnapshots/7");
  EXPECT_EQ(get.format(), rv1::REPORT_FORMAT_UNSPECIFIED);
}

TEST(BuildReportCallTest, MisuseIsAUsageError) {
  for (std::vector<std::string> argv : std::vector<std::vector<std::string>>{
           {"reports"},
           {"reports", "monthly"},
           {"reports", "snapshots"},
           {"reports", "snapshots", "get"},
           {"reports", "weekly", "extra"},
           {"reports", "weekly", "--format=xml"},
           {"reports", "snapshots", "list", "--format=csv"},
           {"reports", "freshness", "--format=csv"},
           {"reports", "complaints", "--dimensions=colour"}}) {
    CommandLine cl = Parse(argv);
    EXPECT_EQ(BuildReportCall(cl, absl::CivilDay(2026, 11, 18)).status().code(),
              absl::StatusCode::kInvalidArgument)
        << absl::StrJoin(argv, " ");
  }
}

TEST(ReportTableTest, ChineseTakesTwoColumnsAndTablesAlign) {
  EXPECT_EQ(DisplayWidth("abc"), 3u);
  EXPECT_EQ(DisplayWidth("客服部"), 6u);
  EXPECT_EQ(DisplayWidth("50.00% (1/2)"), 12u);
  EXPECT_EQ(AlignedTable({{"部门", "n"}, {"客服部", "12"}, {"x", "3"}}),
            "部门    n\n"
            "----------\n"
            "客服部  12\n"
            "x       3\n");
}

// ---- The binary against a real reporting-svc ---------------------------

struct Outcome {
  int code = -1;
  std::string out;
  std::string err;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// csmctl with `args` (none holds a single quote), stdout and stderr apart.
Outcome Csmctl(const std::vector<std::string>& args) {
  static int calls = 0;
  const std::string base =
      absl::StrCat(::testing::TempDir(), "/csmctl-", getpid(), "-", ++calls);
  std::string command = CSM_CSMCTL_BIN;
  for (const std::string& a : args) absl::StrAppend(&command, " '", a, "'");
  absl::StrAppend(&command, " >", base, ".out 2>", base, ".err");
  const int status = std::system(command.c_str());
  Outcome run;
  run.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.out = ReadFile(base + ".out");
  run.err = ReadFile(base + ".err");
  std::remove((base + ".out").c_str());
  std::remove((base + ".err").c_str());
  return run;
}

// A line of `text` matching `pattern` in full.
bool HasLine(const std::string& text, const std::string& pattern) {
  const std::regex re(pattern);
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (std::regex_match(std::string(line), re)) return true;
  }
  return false;
}

TEST(CsmctlReportsUsageTest, BadFlagsExit2WithAMessageAndNoOutput) {
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {"reports", "weekly", "--week=2026-W54"},
           {"reports", "weekly", "--format=xml"},
           {"reports", "weekly", "--week=2026-W47", "--month=2026-11"},
           {"reports", "weekly", "--bogus=1"},
           {"reports", "bogus"},
           {"reports"},
           {"reports", "snapshots", "list", "--format=csv"},
           {"reports", "snapshots", "get"},
           {"reports", "supervision", "--severity=huge"},
           {"reports", "sla", "--from=2026-02-30", "--to=2026-03-02"}}) {
    args.insert(args.begin(), "--addr=127.0.0.1:1");
    Outcome run = Csmctl(args);
    EXPECT_EQ(run.code, 2) << absl::StrJoin(args, " ") << "\n" << run.err;
    EXPECT_THAT(run.err, StartsWith("csmctl: ")) << absl::StrJoin(args, " ");
    EXPECT_THAT(run.out, IsEmpty());
  }
  Outcome run = Csmctl({"reports", "weekly", "--week=2026-W54"});
  EXPECT_THAT(run.err, HasSubstr("--week takes an ISO week such as 2026-W47"));
  run = Csmctl({"--help"});
  EXPECT_EQ(run.code, 0);
  EXPECT_THAT(run.out, HasSubstr("csmctl reports weekly"));
}

class CsmctlReportsTest : public reporting::testing::ReportFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ReportFixture::SetUp());
    reporting::testing::WriteWeek47(log_);
    ASSERT_NO_FATAL_FAILURE(ApplyAll(log_));
  }

  Outcome Reports(std::vector<std::string> args) {
    args.insert(
        args.begin(),
        {absl::StrCat("--addr=", server_->address()),
         absl::StrCat("--token=",
                      ::csm::testing::TestToken(
                          "gm.zhou", {Role::kGeneralManager}, "总经办")),
         "reports"});
    return Csmctl(args);
  }

  rv1::WeeklyReport Weekly(rv1::ReportFormat format) {
    rv1::GetWeeklyReportRequest req;
    *req.mutable_period() = reporting::testing::Week(2026, 47);
    req.set_format(format);
    rv1::WeeklyReport out;
    grpc::Status s =
        reports_->GetWeeklyReport(ManagerContext().get(), req, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  reporting::testing::EventLog log_;
};

TEST_F(CsmctlReportsTest, WeeklyReportAsATableWithChineseLabels) {
  Outcome run = Reports({"weekly", "--week=2026-W47"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.out,
              StartsWith("周报  2026-W47 (2026-11-16 .. 2026-11-22)\n"));
  EXPECT_TRUE(HasLine(run.out, "  收到投诉 +2")) << run.out;
  EXPECT_TRUE(HasLine(run.out, "  超时投诉 +1")) << run.out;
  EXPECT_TRUE(HasLine(run.out, "  投诉处理及时率 +100.00% \\(2/2\\)"));
  EXPECT_TRUE(HasLine(run.out, "  解决率 +50.00% \\(1/2\\)"));
  EXPECT_TRUE(HasLine(run.out, "  调查核实及时率 +—"));  // no data
  EXPECT_TRUE(HasLine(run.out, "  应回访 +2"));
  EXPECT_TRUE(HasLine(run.out, "  承诺兑现率 +50.00% \\(1/2\\)"));
  EXPECT_TRUE(HasLine(run.out, "客户反馈 \\(2\\)"));
  EXPECT_THAT(run.out, HasSubstr("电话一直打不通"));
  EXPECT_THAT(run.out, HasSubstr("complaint-svc"));  // freshness
}

TEST_F(CsmctlReportsTest, WeeklyReportAsTheProtosJson) {
  Outcome run = Reports({"weekly", "--week=2026-W47", "--format=json"});
  ASSERT_EQ(run.code, 0) << run.err;
  rv1::WeeklyReport printed;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(run.out, &printed).ok())
      << run.out;
  EXPECT_EQ(printed.complaints().received(), 2);
  EXPECT_EQ(printed.feedback_total(), 2);
  EXPECT_FALSE(printed.has_csv());
  rv1::WeeklyReport direct = Weekly(rv1::REPORT_FORMAT_UNSPECIFIED);
  printed.mutable_freshness()->clear_compute_time();
  direct.mutable_freshness()->clear_compute_time();
  EXPECT_TRUE(
      google::protobuf::util::MessageDifferencer::Equals(printed, direct))
      << printed.DebugString() << "\n"
      << direct.DebugString();
}

TEST_F(CsmctlReportsTest, CsvIsTheServicesOwnToTheByte) {
  Outcome run = Reports({"weekly", "--week=2026-W47", "--format=csv"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.out, StartsWith("\xEF\xBB\xBFperiod,start_date,end_date,"));
  EXPECT_EQ(run.out, Weekly(rv1::REPORT_FORMAT_CSV).csv().text());

  rv1::GetSlaAccountabilityRequest sla;
  *sla.mutable_period() = reporting::testing::Month(2026, 11);
  sla.set_format(rv1::REPORT_FORMAT_CSV);
  rv1::SlaAccountability direct;
  ASSERT_TRUE(complaint_reports_
                  ->GetSlaAccountability(ManagerContext().get(), sla, &direct)
                  .ok());
  run = Reports({"sla", "--month=2026-11", "--format=csv"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.out, direct.csv().text());
}

TEST_F(CsmctlReportsTest, EveryServedReportPrints) {
  Outcome run = Reports({"supervision", "--month=2026-11"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.out, StartsWith("服务监督报告  2026-11 (2026-11-01 .. "
                                  "2026-11-30)\n"));
  // Departments run across, figures down.
  EXPECT_TRUE(HasLine(run.out, "  部门 +仓储物流 +客服部")) << run.out;
  EXPECT_TRUE(HasLine(run.out, "  主动维护 +0 +2")) << run.out;

  run = Reports({"complaints", "--month=2026-11", "--dimensions=severity",
                 "--format=json"});
  ASSERT_EQ(run.code, 0) << run.err;
  rv1::ComplaintAnalysis analysis;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(run.out, &analysis).ok());
  ASSERT_EQ(analysis.breakdowns_size(), 1);
  EXPECT_EQ(analysis.breakdowns(0).dimension(),
            rv1::COMPLAINT_DIMENSION_SEVERITY);
  EXPECT_EQ(analysis.total().received(), 2);

  run = Reports({"complaints", "--month=2026-11", "--dimensions=severity"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_TRUE(HasLine(run.out, "分类统计 \\(1\\)")) << run.out;

  run = Reports({"sla", "--month=2026-11", "--department=客服部"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("SLA 责任  2026-11"));
  EXPECT_TRUE(HasLine(run.out, "筛选 +部门=客服部")) << run.out;

  run = Reports({"freshness"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.out, StartsWith("数据时效\n"));
  EXPECT_TRUE(HasLine(run.out, "  customer-svc +[0-9]+ .*")) << run.out;
}

TEST_F(CsmctlReportsTest, SnapshotsListedAndFetchedInEveryFormat) {
  rv1::ReportSnapshot snap;
  snap.set_schedule("reportSchedules/weekly");
  snap.set_report(rv1::REPORT_KIND_WEEKLY);
  *snap.mutable_weekly_report() = Weekly(rv1::REPORT_FORMAT_UNSPECIFIED);
  *snap.mutable_period() = snap.weekly_report().period();
  ToProtoTimestamp(reporting::testing::Beijing(2026, 11, 20, 15),
                   snap.mutable_scheduled_time());
  absl::StatusOr<int64_t> id = absl::UnknownError("");
  ASSERT_TRUE(RunInTransaction(server_->pool(), absl::Now() + absl::Seconds(5),
                               [&](MysqlConnection& c) {
                                 id = reporting::InsertSnapshot(c, snap);
                                 return id.status();
                               })
                  .ok());
  const std::string name = absl::StrCat("reportSnapshots/", *id);

  Outcome run = Reports({"snapshots", "list"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_TRUE(HasLine(run.out, "报表快照 \\(1\\)")) << run.out;
  EXPECT_TRUE(HasLine(run.out, absl::StrCat("  ", name,
                                            " +reportSchedules/weekly +周报 "
                                            "+2026-W47 .*")))
      << run.out;

  run = Reports({"snapshots", "get", absl::StrCat(*id)});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.out, StartsWith("报表快照  2026-W47 (2026-11-16 .. "));
  EXPECT_TRUE(HasLine(run.out, "周报")) << run.out;  // the content's section
  EXPECT_TRUE(HasLine(run.out, " +收到投诉 +2")) << run.out;

  rv1::GetReportSnapshotRequest get;
  get.set_name(name);
  get.set_format(rv1::REPORT_FORMAT_CSV);
  rv1::ReportSnapshot direct;
  auto snapshots = rv1::ReportSnapshotService::NewStub(channel_);
  ASSERT_TRUE(
      snapshots->GetReportSnapshot(ManagerContext().get(), get, &direct).ok());
  run = Reports({"snapshots", "get", name, "--format=csv"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.out, direct.csv().text());
}

TEST_F(CsmctlReportsTest, ServerErrorsExit1WithTheFieldViolations) {
  Outcome run = Reports({"weekly", "--from=2026-11-20", "--to=2026-11-03"});
  EXPECT_EQ(run.code, 1);
  EXPECT_THAT(run.err, StartsWith("ERROR INVALID_ARGUMENT: "));
  EXPECT_THAT(run.err, HasSubstr("  period"));
  EXPECT_THAT(run.out, IsEmpty());

  run = Reports({"weekly", "--week=2026-W47", "--department=没有这个部门"});
  EXPECT_EQ(run.code, 1);
  EXPECT_THAT(run.err, HasSubstr("filter.departments"));

  run = Reports({"snapshots", "get", "999"});
  EXPECT_EQ(run.code, 1);
  EXPECT_THAT(run.err, StartsWith("ERROR NOT_FOUND: "));
}

}  // namespace
}  // namespace csm::csmctl
