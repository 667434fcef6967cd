// A schedule's filter is checked against its report when the schedule is
// created or changed, as a request for that report would be
// (FilterPolicyOf): a schedule that could only fail at every run is
// refused with INVALID_ARGUMENT naming the field.
#include <memory>
#include <string>

#include "csm/complaint/v1/complaint.pb.h"
#include "csm/customer/v1/customer.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reporting-svc/src/testing/report_fixture.h"

namespace csm::reporting::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

class ScheduleFiltersTest : public Week47Fixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(Week47Fixture::SetUp());
    schedules_ = rv1::ReportSnapshotService::NewStub(channel_);
  }

  rv1::CreateReportScheduleRequest Create(rv1::ReportKind kind) {
    rv1::CreateReportScheduleRequest create;
    create.set_report_schedule_id("checked");
    rv1::ReportSchedule* s = create.mutable_report_schedule();
    s->set_report(kind);
    s->set_frequency(rv1::SCHEDULE_FREQUENCY_WEEKLY);
    s->set_weekday(1);
    s->set_time_of_day("09:00");
    s->set_period(rv1::SCHEDULE_PERIOD_PREVIOUS);
    s->set_active(true);
    return create;
  }

  std::unique_ptr<rv1::ReportSnapshotService::Stub> schedules_;
};

TEST_F(ScheduleFiltersTest, CreateChecksTheFilterAgainstItsReport) {
  rv1::CreateReportScheduleRequest create =
      Create(rv1::REPORT_KIND_SUPERVISION);
  create.mutable_report_schedule()->mutable_filter()->add_staff_ids("li.na");
  rv1::ReportSchedule out;
  grpc::Status s =
      schedules_->CreateReportSchedule(Archivist().get(), create, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(Violations(s),
              ElementsAre(Pair("report_schedule.filter.staff_ids",
                               HasSubstr("supervision report"))));

  create = Create(rv1::REPORT_KIND_STAFF_RANKING);
  rv1::ReportFilter* f = create.mutable_report_schedule()->mutable_filter();
  f->add_categories("quality");
  f->add_severities(csm::complaint::v1::SEVERITY_MAJOR);
  s = schedules_->CreateReportSchedule(Archivist().get(), create, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(Violations(s),
              ElementsAre(Pair("report_schedule.filter.categories",
                               HasSubstr("staff ranking")),
                          Pair("report_schedule.filter.severities",
                               HasSubstr("staff ranking"))));

  // The same filter suits the weekly report.
  create.mutable_report_schedule()->set_report(rv1::REPORT_KIND_WEEKLY);
  s = schedules_->CreateReportSchedule(Archivist().get(), create, &out);
  EXPECT_TRUE(s.ok()) << s.error_message();
}

TEST_F(ScheduleFiltersTest, UpdateChecksTheMergedFilter) {
  rv1::GetReportScheduleRequest get;
  get.set_name("reportSchedules/ranking");
  rv1::ReportSchedule ranking;
  ASSERT_TRUE(
      schedules_->GetReportSchedule(Archivist().get(), get, &ranking).ok());
  rv1::UpdateReportScheduleRequest update;
  *update.mutable_report_schedule() = ranking;
  update.mutable_report_schedule()->mutable_filter()->add_customer_grades(
      csm::customer::v1::GRADE_A);
  update.mutable_update_mask()->add_paths("filter");
  rv1::ReportSchedule out;
  grpc::Status s =
      schedules_->UpdateReportSchedule(Archivist().get(), update, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(Violations(s),
              ElementsAre(Pair("report_schedule.filter.customer_grades",
                               HasSubstr("staff ranking"))));
  // A department filter the ranking takes.
  update.mutable_report_schedule()->mutable_filter()->Clear();
  update.mutable_report_schedule()->mutable_filter()->add_departments("客服部");
  s = schedules_->UpdateReportSchedule(Archivist().get(), update, &out);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_THAT(out.filter().departments(), ElementsAre("客服部"));
}

}  // namespace
}  // namespace csm::reporting::testing
