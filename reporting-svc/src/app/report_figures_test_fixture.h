// The report-figure tests' fixture (report_figures_test.cc: the figures;
// report_rebuild_test.cc: snapshots, freshness, refusals, access and the
// rebuild): the hand-written week 2026-W47 and readers of its reports.
#ifndef CSM_REPORTING_SVC_SRC_APP_REPORT_FIGURES_TEST_FIXTURE_H_
#define CSM_REPORTING_SVC_SRC_APP_REPORT_FIGURES_TEST_FIXTURE_H_

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

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

constexpr char kCs[] = "客服部";
constexpr char kWarehouse[] = "仓储物流";

inline std::string S(const rv1::WorkingMinutesStats& s) {
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

}  // namespace csm::reporting::testing

#endif  // CSM_REPORTING_SVC_SRC_APP_REPORT_FIGURES_TEST_FIXTURE_H_
