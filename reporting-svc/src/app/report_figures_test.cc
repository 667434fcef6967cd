// Every figure of the weekly report, the supervision report and the
// complaint analysis for the hand-written week 2026-W47
// (src/testing/report_fixture.cc), against numbers computed by hand from
// docs/reports.md, and their CSV (snapshots, freshness, refusals, access and
// the rebuild: report_rebuild_test.cc).
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
#include "reporting-svc/src/app/report_figures_test_fixture.h"
#include "reporting-svc/src/store/snapshot_store.h"
#include "reporting-svc/src/testing/report_fixture.h"

namespace csm::reporting::testing {
namespace {

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

}  // namespace
}  // namespace csm::reporting::testing
