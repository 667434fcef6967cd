// Every figure of the weekly report, the supervision report and the
// complaint analysis for the hand-written week 2026-W47
// (src/testing/report_fixture.cc), against numbers computed by hand from
// docs/reports.md; the freshness block; bad input and who may read what;
// and the rebuild, which must give identical tables and figures.
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/str_format.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "reporting-svc/src/store/snapshot_store.h"
#include "reporting-svc/src/testing/report_fixture.h"

namespace csm::reporting::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

constexpr char kCs[] = "客服部";
constexpr char kWarehouse[] = "仓储物流";

std::string S(const rv1::WorkingMinutesStats& s) {
  if (s.no_data()) return "no data";
  return absl::StrCat(
      "n=", s.count(), " total=", s.total_working_minutes(),
      " mean=", absl::StrFormat("%.2f", s.mean_working_minutes()),
      " min=", s.min_working_minutes(), " p50=", s.p50_working_minutes(),
      " p90=", s.p90_working_minutes(), " max=", s.max_working_minutes());
}

class ReportFiguresTest : public Week47Fixture {
 protected:
  rv1::WeeklyReport Weekly(const rv1::ReportFilter& filter = {}) {
    rv1::GetWeeklyReportRequest req;
    *req.mutable_period() = Week(2026, 47);
    *req.mutable_filter() = filter;
    rv1::WeeklyReport out;
    grpc::Status s =
        reports_->GetWeeklyReport(ManagerContext().get(), req, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  rv1::SupervisionReport Supervision(
      std::unique_ptr<grpc::ClientContext> ctx = nullptr) {
    rv1::GetSupervisionReportRequest req;
    *req.mutable_period() = Month(2026, 11);
    rv1::SupervisionReport out;
    grpc::Status s = reports_->GetSupervisionReport(
        ctx ? ctx.get() : ManagerContext().get(), req, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }
};

TEST_F(ReportFiguresTest, WeeklyComplaintFiguresAsComputedByHand) {
  const rv1::ComplaintFigures c = Weekly().complaints();
  EXPECT_EQ(c.received(), 2);
  EXPECT_EQ(c.repeat_contacts(), 0);
  EXPECT_EQ(c.accepted(), 2);
  EXPECT_EQ(c.resolved(), 2);
  EXPECT_EQ(c.closed(), 1);
  EXPECT_EQ(c.reopened(), 1);
  EXPECT_EQ(c.rejected(), 0);
  EXPECT_EQ(c.escalated(), 1);
  EXPECT_EQ(c.overdue(), 1);
  EXPECT_EQ(R(c.acknowledge_on_time()), "1/2=50.00");
  EXPECT_EQ(R(c.investigated_on_time()), "no data");
  EXPECT_EQ(R(c.handling_on_time()), "2/2=100.00");
  // Complaint 1 is closed, complaint 2 reopened.
  EXPECT_EQ(R(c.resolution_rate()), "1/2=50.00");
  EXPECT_EQ(R(c.satisfaction_rate()), "1/2=50.00");
  // {60, 210}: nearest rank p50 = 60, p90 = 210.
  EXPECT_EQ(S(c.acknowledge_time()),
            "n=2 total=270 mean=135.00 min=60 p50=60 p90=210 max=210");
  EXPECT_EQ(S(c.handling_time()),
            "n=2 total=900 mean=450.00 min=420 p50=420 p90=480 max=480");
}

TEST_F(ReportFiguresTest, WeeklyVisitsArchivesPromisesAndFeedback) {
  const rv1::WeeklyReport w = Weekly();
  const rv1::VisitFigures& v = w.visits();
  EXPECT_EQ(v.due(), 2);
  EXPECT_EQ(v.answered(), 1);
  EXPECT_EQ(v.answered_on_time(), 1);
  EXPECT_EQ(v.overdue(), 1);
  EXPECT_EQ(R(v.visit_rate()), "1/2=50.00");
  EXPECT_EQ(R(v.on_time_rate()), "1/2=50.00");
  EXPECT_EQ(v.done(), 2);
  EXPECT_EQ(v.valid(), 1);
  EXPECT_EQ(v.invalid(), 1);
  ASSERT_EQ(v.distribution_size(), 5);
  EXPECT_EQ(v.distribution(2).satisfaction(),
            csm::common::v1::SATISFACTION_NEUTRAL);
  EXPECT_EQ(v.distribution(2).count(), 1);
  EXPECT_EQ(R(v.satisfaction_rate()), "0/1=0.00");

  EXPECT_EQ(w.archives().opened(), 1);
  ASSERT_EQ(w.archives().new_archives_size(), 1);
  EXPECT_EQ(w.archives().new_archives(0).customer(), "customers/1");
  EXPECT_EQ(w.archives().changed(), 1);
  ASSERT_EQ(w.archives().changed_archives_size(), 1);
  const rv1::ArchiveHighlight& changed = w.archives().changed_archives(0);
  EXPECT_EQ(changed.customer(), "customers/2");
  EXPECT_EQ(changed.changes(), 2);
  EXPECT_THAT(changed.changed_fields(), ElementsAre("grade", "industry"));

  EXPECT_EQ(w.promises().made(), 2);
  EXPECT_EQ(w.promises().kept(), 1);
  EXPECT_EQ(w.promises().due(), 2);
  EXPECT_EQ(w.promises().kept_on_time(), 1);
  EXPECT_EQ(w.promises().broken(), 1);
  EXPECT_EQ(R(w.promises().kept_rate()), "1/2=50.00");

  EXPECT_EQ(w.feedback_total(), 2);
  ASSERT_EQ(w.feedback_size(), 2);  // newest first
  EXPECT_EQ(w.feedback(0).kind(), rv1::FEEDBACK_KIND_DISSATISFIED_VISIT);
  EXPECT_EQ(w.feedback(0).text(), "电话一直打不通");
  EXPECT_EQ(w.feedback(0).archive_number(), "KH-1");
  EXPECT_EQ(w.feedback(1).kind(), rv1::FEEDBACK_KIND_DISSATISFIED_CONFIRMATION);
  EXPECT_EQ(w.feedback(1).text(), "还是没有送到");
  EXPECT_EQ(w.feedback(1).subject(), "投诉 2");
  EXPECT_EQ(w.feedback(1).department(), kCs);
}

TEST_F(ReportFiguresTest, WeeklyFiltersNarrowTheFigures) {
  rv1::ReportFilter quality;
  quality.add_categories("quality");
  const rv1::WeeklyReport q = Weekly(quality);
  EXPECT_EQ(q.complaints().received(), 1);
  EXPECT_EQ(q.complaints().overdue(), 0);
  EXPECT_EQ(q.visits().due(), 2);    // categories narrow complaints only
  EXPECT_EQ(q.feedback_total(), 1);  // the visit's, not complaint 2's

  rv1::ReportFilter warehouse;
  warehouse.add_departments(kWarehouse);
  const rv1::WeeklyReport w = Weekly(warehouse);
  EXPECT_EQ(w.complaints().received(), 0);
  EXPECT_EQ(w.complaints().resolved(), 1);
  EXPECT_EQ(w.complaints().closed(), 1);
  EXPECT_EQ(R(w.complaints().handling_on_time()), "1/1=100.00");
  EXPECT_EQ(w.visits().due(), 0);

  rv1::ReportFilter major;
  major.add_severities(csm::complaint::v1::SEVERITY_MAJOR);
  EXPECT_EQ(Weekly(major).complaints().escalated(), 1);
  rv1::ReportFilter grade_a;
  grade_a.add_customer_grades(csm::customer::v1::GRADE_A);
  EXPECT_EQ(Weekly(grade_a).complaints().received(), 1);
}

TEST_F(ReportFiguresTest, SupervisionReportPerDepartmentAndTotal) {
  const rv1::SupervisionReport r = Supervision();
  ASSERT_EQ(r.departments_size(), 2);
  const rv1::DepartmentSupervision& warehouse = r.departments(0);
  const rv1::DepartmentSupervision& cs = r.departments(1);
  ASSERT_EQ(warehouse.department(), kWarehouse);
  ASSERT_EQ(cs.department(), kCs);

  EXPECT_EQ(cs.complaints_accepted(), 2);
  EXPECT_EQ(cs.complaints_received(), 2);
  EXPECT_EQ(cs.complaints_resolved(), 1);
  EXPECT_EQ(cs.complaints_overdue(), 1);
  EXPECT_EQ(R(cs.on_time_handling()), "1/1=100.00");
  EXPECT_EQ(R(cs.resolution_rate()), "1/2=50.00");
  EXPECT_EQ(R(cs.satisfaction_rate()), "0/1=0.00");
  EXPECT_EQ(R(cs.return_visit_rate()), "no data");
  EXPECT_EQ(R(cs.customer_visit_rate()), "1/2=50.00");
  EXPECT_EQ(cs.proactive_visits(), 2);
  ASSERT_EQ(cs.escalations_size(), 3);
  EXPECT_EQ(cs.escalations(0).count(), 1);
  EXPECT_EQ(cs.escalations(1).count(), 0);

  EXPECT_EQ(warehouse.complaints_accepted(), 0);
  EXPECT_EQ(warehouse.complaints_resolved(), 1);
  EXPECT_EQ(R(warehouse.on_time_handling()), "1/1=100.00");
  EXPECT_EQ(R(warehouse.resolution_rate()), "no data");
  EXPECT_EQ(R(warehouse.satisfaction_rate()), "1/1=100.00");
  EXPECT_EQ(R(warehouse.return_visit_rate()), "1/1=100.00");
  EXPECT_EQ(R(warehouse.customer_visit_rate()), "no data");

  const rv1::DepartmentSupervision& total = r.total();
  EXPECT_EQ(total.complaints_accepted(), 2);
  EXPECT_EQ(total.complaints_resolved(), 2);
  EXPECT_EQ(R(total.on_time_handling()), "2/2=100.00");
  EXPECT_EQ(R(total.resolution_rate()), "1/2=50.00");
  EXPECT_EQ(R(total.satisfaction_rate()), "1/2=50.00");
  EXPECT_EQ(R(total.return_visit_rate()), "1/1=100.00");
  EXPECT_EQ(total.escalations(0).count(), 1);
  EXPECT_EQ(total.major_faults(), 0);
}

TEST_F(ReportFiguresTest, ComplaintAnalysisBreakdownsAndTrend) {
  rv1::GetComplaintAnalysisRequest req;
  *req.mutable_period() = Week(2026, 47);
  req.add_dimensions(rv1::COMPLAINT_DIMENSION_DEPARTMENT);
  req.add_dimensions(rv1::COMPLAINT_DIMENSION_CAUSE);
  req.set_trend_periods(3);
  rv1::ComplaintAnalysis out;
  grpc::Status s = complaint_reports_->GetComplaintAnalysis(
      ManagerContext().get(), req, &out);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(out.total().received(), 2);
  ASSERT_EQ(out.breakdowns_size(), 2);
  const rv1::ComplaintBreakdown& by_dept = out.breakdowns(0);
  ASSERT_EQ(by_dept.groups_size(), 2);
  EXPECT_EQ(by_dept.groups(0).key(), kWarehouse);
  EXPECT_EQ(S(by_dept.groups(0).figures().handling_time()),
            "n=1 total=420 mean=420.00 min=420 p50=420 p90=420 max=420");
  EXPECT_EQ(by_dept.groups(1).key(), kCs);
  EXPECT_EQ(S(by_dept.groups(1).figures().acknowledge_time()),
            "n=2 total=270 mean=135.00 min=60 p50=60 p90=210 max=210");
  const rv1::ComplaintBreakdown& by_cause = out.breakdowns(1);
  ASSERT_EQ(by_cause.groups_size(), 2);
  EXPECT_EQ(by_cause.groups(0).key(), "");  // complaint 2 has no cause
  EXPECT_EQ(by_cause.groups(1).key(), "packaging");
  ASSERT_EQ(out.trend_size(), 3);
  EXPECT_EQ(out.trend(0).period().label(), "2026-W45");
  EXPECT_EQ(out.trend(0).figures().received(), 0);
  EXPECT_TRUE(out.trend(0).figures().satisfaction_rate().no_data());
  EXPECT_EQ(out.trend(2).figures().received(), 2);
}

TEST_F(ReportFiguresTest, SlaAccountabilityChargesTheHolder) {
  rv1::GetSlaAccountabilityRequest req;
  *req.mutable_period() = Week(2026, 47);
  rv1::SlaAccountability out;
  grpc::Status s = complaint_reports_->GetSlaAccountability(
      ManagerContext().get(), req, &out);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(out.departments_size(), 2);
  const rv1::DepartmentAccountability& warehouse = out.departments(0);
  const rv1::DepartmentAccountability& cs = out.departments(1);
  ASSERT_EQ(cs.department(), kCs);
  EXPECT_EQ(cs.acknowledge_breaches(), 1);
  EXPECT_EQ(cs.investigated_breaches(), 0);
  EXPECT_EQ(cs.handling_opinion_breaches(), 0);
  EXPECT_EQ(cs.breached_complaints(), 1);
  // Met on time: complaint 1's acknowledge, complaint 2's handling opinion;
  // breached while it held it: complaint 2's acknowledge.
  EXPECT_EQ(R(cs.on_time()), "2/3=66.67");
  EXPECT_EQ(cs.holdings(), 2);
  EXPECT_EQ(cs.held_working_minutes(), 750);
  EXPECT_EQ(S(cs.holding_time()),
            "n=2 total=750 mean=375.00 min=270 p50=270 p90=480 max=480");
  EXPECT_EQ(cs.transfers_in(), 0);
  EXPECT_EQ(cs.transfers_out(), 1);
  EXPECT_EQ(cs.escalations(0).count(), 1);
  ASSERT_EQ(warehouse.department(), kWarehouse);
  EXPECT_EQ(warehouse.acknowledge_breaches(), 0);
  EXPECT_EQ(R(warehouse.on_time()), "1/1=100.00");
  EXPECT_EQ(warehouse.held_working_minutes(), 150);
  EXPECT_EQ(warehouse.transfers_in(), 1);
  const rv1::DepartmentAccountability& total = out.total();
  EXPECT_EQ(total.acknowledge_breaches(), 1);
  EXPECT_EQ(R(total.on_time()), "3/4=75.00");
  EXPECT_EQ(total.held_working_minutes(), 900);
  EXPECT_EQ(total.holdings(), 3);
}

TEST_F(ReportFiguresTest, CsvHasOneFigurePerRow) {
  rv1::GetWeeklyReportRequest req;
  *req.mutable_period() = Week(2026, 47);
  req.set_format(rv1::REPORT_FORMAT_CSV);
  rv1::WeeklyReport w;
  ASSERT_TRUE(reports_->GetWeeklyReport(ManagerContext().get(), req, &w).ok());
  EXPECT_EQ(w.complaints().received(), 2);  // the structured form stays
  const std::string& text = w.csv().text();
  EXPECT_EQ(w.csv().filename(), "weekly-report-2026-W47.csv");
  EXPECT_EQ(w.csv().content_type(), "text/csv; charset=utf-8");
  EXPECT_EQ(text.rfind("\xEF\xBB\xBFperiod,start_date,end_date,section,"
                       "dimension,key,figure,value,numerator,denominator,"
                       "percent\r\n",
                       0),
            0u);
  const std::string prefix = "2026-W47,2026-11-16,2026-11-22,complaints,,,";
  EXPECT_THAT(text, HasSubstr(prefix + "received,2,,,\r\n"));
  EXPECT_THAT(text, HasSubstr(prefix + "handling_on_time,,2,2,100.00\r\n"));
  EXPECT_THAT(text, HasSubstr(prefix + "investigated_on_time,,0,0,\r\n"));
  EXPECT_THAT(text, HasSubstr(prefix + "acknowledge_time.p90,210,,,\r\n"));
  EXPECT_THAT(text, HasSubstr("feedback,FEEDBACK_KIND_DISSATISFIED_VISIT,"
                              "customers/1/visits/3,text,电话一直打不通"));
  int lines = 0;
  for (char c : text) lines += c == '\n';
  EXPECT_EQ(w.csv().row_count(), lines - 1);

  rv1::GetSupervisionReportRequest sup;
  *sup.mutable_period() = Month(2026, 11);
  sup.set_format(rv1::REPORT_FORMAT_CSV);
  rv1::SupervisionReport r;
  ASSERT_TRUE(
      reports_->GetSupervisionReport(ManagerContext().get(), sup, &r).ok());
  EXPECT_EQ(r.csv().filename(), "supervision-report-2026-11.csv");
  EXPECT_THAT(r.csv().text(),
              HasSubstr("2026-11,2026-11-01,2026-11-30,departments,department,"
                        "客服部,escalations.ESCALATION_LEVEL_SUPERVISOR,1,,,"));
}

TEST_F(ReportFiguresTest, SnapshotsAreImmutableAndOnePerSchedulePeriod) {
  rv1::ReportSnapshot snap;
  snap.set_schedule("reportSchedules/weekly");
  snap.set_report(rv1::REPORT_KIND_WEEKLY);
  *snap.mutable_weekly_report() = Weekly();
  *snap.mutable_period() = snap.weekly_report().period();
  ToProtoTimestamp(Beijing(2026, 11, 20, 15), snap.mutable_scheduled_time());
  absl::StatusOr<int64_t> id = absl::UnknownError("");
  absl::Status again;
  ASSERT_TRUE(RunInTransaction(server_->pool(), absl::Now() + absl::Seconds(5),
                               [&](MysqlConnection& c) {
                                 id = InsertSnapshot(c, snap);
                                 return id.status();
                               })
                  .ok());
  again = RunInTransaction(
      server_->pool(), absl::Now() + absl::Seconds(5),
      [&](MysqlConnection& c) { return InsertSnapshot(c, snap).status(); });
  EXPECT_EQ(again.code(), absl::StatusCode::kAlreadyExists);

  rv1::ListReportSnapshotsResponse list;
  ASSERT_TRUE(config_ != nullptr);
  auto snapshots = rv1::ReportSnapshotService::NewStub(channel_);
  ASSERT_TRUE(
      snapshots->ListReportSnapshots(ManagerContext().get(), {}, &list).ok());
  ASSERT_EQ(list.report_snapshots_size(), 1);
  EXPECT_EQ(list.report_snapshots(0).name(),
            absl::StrCat("reportSnapshots/", *id));
  EXPECT_FALSE(list.report_snapshots(0).has_weekly_report());  // no content
  // A supervisor reads only snapshots of their department: not this one.
  ASSERT_TRUE(snapshots
                  ->ListReportSnapshots(
                      Context("sun.qi", {Role::kSupervisor}, kWarehouse).get(),
                      {}, &list)
                  .ok());
  EXPECT_EQ(list.report_snapshots_size(), 0);

  rv1::GetReportSnapshotRequest get;
  get.set_name(absl::StrCat("reportSnapshots/", *id));
  get.set_format(rv1::REPORT_FORMAT_CSV);
  rv1::ReportSnapshot got;
  ASSERT_TRUE(
      snapshots->GetReportSnapshot(ManagerContext().get(), get, &got).ok());
  EXPECT_EQ(got.weekly_report().complaints().received(), 2);
  EXPECT_EQ(got.csv().filename(), "weekly-report-2026-W47.csv");
  EXPECT_EQ(got.csv().text(), WeeklyCsv(snap.weekly_report()).text());
  get.set_name("reportSnapshots/999");
  EXPECT_EQ(snapshots->GetReportSnapshot(ManagerContext().get(), get, &got)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(ReportFiguresTest, EmptyPeriodIsZerosAndNoData) {
  rv1::GetWeeklyReportRequest req;
  *req.mutable_period() = Week(2026, 40);
  rv1::WeeklyReport w;
  ASSERT_TRUE(reports_->GetWeeklyReport(ManagerContext().get(), req, &w).ok());
  EXPECT_EQ(w.complaints().received(), 0);
  EXPECT_EQ(R(w.complaints().handling_on_time()), "no data");
  EXPECT_EQ(S(w.complaints().handling_time()), "no data");
  EXPECT_EQ(R(w.visits().visit_rate()), "no data");
  EXPECT_EQ(R(w.promises().kept_rate()), "no data");
  EXPECT_EQ(w.feedback_size(), 0);
}

TEST_F(ReportFiguresTest, EveryResponseSaysHowFreshItIs) {
  const rv1::Freshness f = Weekly().freshness();
  ASSERT_EQ(f.sources_size(), 2);
  EXPECT_EQ(f.sources(0).source(), "customer-svc");
  EXPECT_EQ(f.sources(0).last_applied_sequence(), log_.last(kCustomerSource));
  EXPECT_EQ(FromProtoTimestamp(f.sources(0).last_event_time()),
            Beijing(2026, 11, 21, 0, 6));
  EXPECT_EQ(f.sources(1).source(), "complaint-svc");
  EXPECT_EQ(f.sources(1).last_applied_sequence(), log_.last(kComplaintSource));
  EXPECT_FALSE(f.sources(1).stopped());

  rv1::Freshness direct;
  ASSERT_TRUE(config_->GetFreshness(ManagerContext().get(), {}, &direct).ok());
  EXPECT_EQ(direct.sources(1).last_applied_sequence(),
            f.sources(1).last_applied_sequence());
}

TEST_F(ReportFiguresTest, BadInputIsInvalidArgumentWithFieldViolations) {
  struct Case {
    rv1::Period period;
    rv1::ReportFilter filter;
    std::string field;
  };
  std::vector<Case> cases;
  cases.push_back({Week(2026, 47), {}, "filter.departments[0]"});
  cases.back().filter.add_departments("客 服部");  // a typo: never seen
  rv1::Period inverted;
  inverted.set_kind(rv1::PERIOD_KIND_CUSTOM);
  inverted.mutable_start_date()->set_year(2026);
  inverted.mutable_start_date()->set_month(11);
  inverted.mutable_start_date()->set_day(20);
  *inverted.mutable_end_date() = inverted.start_date();
  inverted.mutable_end_date()->set_day(10);
  cases.push_back({inverted, {}, "period.end_date"});
  rv1::Period long_range = inverted;
  long_range.mutable_end_date()->set_year(2029);
  long_range.mutable_end_date()->set_day(20);
  cases.push_back({long_range, {}, "period.end_date"});
  cases.push_back({Week(2026, 54), {}, "period.number"});
  rv1::Period no_kind;
  cases.push_back({no_kind, {}, "period.kind"});
  for (const Case& c : cases) {
    rv1::GetWeeklyReportRequest req;
    *req.mutable_period() = c.period;
    *req.mutable_filter() = c.filter;
    rv1::WeeklyReport out;
    grpc::Status s =
        reports_->GetWeeklyReport(ManagerContext().get(), req, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << c.field << ": " << s.error_message();
    std::vector<std::string> fields;
    for (const auto& [field, description] : Violations(s)) {
      fields.push_back(field);
    }
    EXPECT_THAT(fields, ::testing::Contains(c.field)) << s.error_message();
  }
  // The supervision report is per department: no staff filter.
  rv1::GetSupervisionReportRequest sup;
  *sup.mutable_period() = Month(2026, 11);
  sup.mutable_filter()->add_staff_ids("li.na");
  rv1::SupervisionReport out;
  grpc::Status s =
      reports_->GetSupervisionReport(ManagerContext().get(), sup, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(ReportFiguresTest, SupervisorsReadTheirOwnDepartment) {
  rv1::SupervisionReport own =
      Supervision(Context("sun.qi", {Role::kSupervisor}, kWarehouse));
  EXPECT_THAT(own.applied_filter().departments(), ElementsAre(kWarehouse));
  ASSERT_EQ(own.departments_size(), 1);
  EXPECT_EQ(own.departments(0).department(), kWarehouse);
  EXPECT_EQ(own.total().complaints_resolved(), 1);

  rv1::GetSupervisionReportRequest req;
  *req.mutable_period() = Month(2026, 11);
  req.mutable_filter()->add_departments(kCs);
  rv1::SupervisionReport other;
  grpc::Status s = reports_->GetSupervisionReport(
      Context("sun.qi", {Role::kSupervisor}, kWarehouse).get(), req, &other);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  // Agents read their own figures, never the department's report.
  s = reports_->GetSupervisionReport(
      Context("li.na", {Role::kAgent}, kCs).get(), req, &other);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  rv1::GetWeeklyReportRequest weekly;
  *weekly.mutable_period() = Week(2026, 47);
  rv1::WeeklyReport mine;
  ASSERT_TRUE(reports_
                  ->GetWeeklyReport(Context("li.na", {Role::kAgent}, kCs).get(),
                                    weekly, &mine)
                  .ok());
  EXPECT_THAT(mine.applied_filter().staff_ids(), ElementsAre("li.na"));
  EXPECT_EQ(mine.complaints().received(), 1);  // li.na first responded to 1
}

TEST_F(ReportFiguresTest, RebuildGivesIdenticalTablesAndFigures) {
  const std::string live = DumpTables();
  const rv1::WeeklyReport before = Weekly();
  std::vector<ReplaySource> sources;
  for (const char* source : {kCustomerSource, kComplaintSource}) {
    ReplaySource r;
    r.source = source;
    r.handlers = std::string(source) == kComplaintSource ? &complaint_handlers_
                                                         : &customer_handlers_;
    r.replay = [this, source](int64_t upto, const auto& apply) {
      for (const Event& e : log_.of(source)) {
        if (e.sequence() > upto) break;
        if (absl::Status s = apply(e); !s.ok()) return s;
      }
      return absl::OkStatus();
    };
    sources.push_back(std::move(r));
  }
  ReportRebuild rebuild(&server_->pool(), std::move(sources));
  auto done = rebuild.RunNow("archivist.qian");
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->state(), rv1::REBUILD_STATE_SUCCEEDED) << done->error();
  ASSERT_EQ(done->sources_size(), 2);
  EXPECT_EQ(done->sources(1).applied_sequence(), log_.last(kComplaintSource));
  EXPECT_EQ(DumpTables(), live);
  rv1::WeeklyReport after = Weekly();
  after.mutable_freshness()->clear_compute_time();
  rv1::WeeklyReport expected = before;
  expected.mutable_freshness()->clear_compute_time();
  EXPECT_EQ(after.SerializeAsString(), expected.SerializeAsString());
}

// MySQL's named locks are server-wide: a rebuild running in another
// reporting schema on the same server (another deployment, a test in
// parallel) must not make this one FAILED_PRECONDITION.
TEST_F(ReportFiguresTest, ARebuildInAnotherSchemaDoesNotBlockThisOne) {
  auto other_db = ::csm::testing::TestDatabase::Create();
  ASSERT_TRUE(other_db.ok()) << other_db.status();
  auto other = StartReportingServer(**other_db, &verifier_);
  ASSERT_TRUE(other.ok()) << other.status();
  absl::Notification replaying, release;
  ReplaySource held;
  held.source = kCustomerSource;
  held.handlers = &customer_handlers_;
  held.replay = [&](int64_t, const auto&) {
    replaying.Notify();
    release.WaitForNotification();
    return absl::OkStatus();
  };
  ReportRebuild other_rebuild(&(*other)->pool(), {held});
  std::thread running([&] { (void)other_rebuild.RunNow("archivist.qian"); });
  replaying.WaitForNotification();

  ReportRebuild rebuild(&server_->pool(), {});
  auto done = rebuild.RunNow("archivist.qian");
  release.Notify();
  running.join();
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->state(), rv1::REBUILD_STATE_SUCCEEDED) << done->error();
}

TEST_F(ReportFiguresTest,
       RebuildOfAChangedSourceHistoryFailsAndChangesNothing) {
  const std::string live = DumpTables();
  ReplaySource r;
  r.source = kComplaintSource;
  r.handlers = &complaint_handlers_;
  r.replay = [this](int64_t upto, const auto& apply) {
    for (Event e : log_.of(kComplaintSource)) {
      if (e.sequence() > upto) break;
      e.set_event_id(absl::StrCat("restored-", e.sequence()));
      if (absl::Status s = apply(e); !s.ok()) return s;
    }
    return absl::OkStatus();
  };
  std::vector<ReplaySource> sources;
  sources.push_back(std::move(r));
  ReportRebuild rebuild(&server_->pool(), std::move(sources));
  auto done = rebuild.RunNow("archivist.qian");
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->state(), rv1::REBUILD_STATE_FAILED);
  EXPECT_THAT(done->error(), HasSubstr("history changed"));
  EXPECT_EQ(DumpTables(), live);
}

TEST_F(ReportFiguresTest, RebuildIsForArchivists) {
  rv1::RebuildReportsRequest req;
  rv1::Rebuild out;
  grpc::Status s = config_->RebuildReports(ManagerContext().get(), req, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  rv1::GetRebuildRequest get;
  get.set_name("rebuilds/x");
  s = config_->GetRebuild(ManagerContext().get(), get, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  get.set_name("rebuilds/99");
  s = config_->GetRebuild(ManagerContext().get(), get, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace csm::reporting::testing
