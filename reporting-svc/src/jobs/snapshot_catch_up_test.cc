// After a start-up the snapshot job waits until every follower has read
// its source up to the head once (FollowerStatus.caught_up) before it takes
// any run, a missed one included: a snapshot of a partial history would be
// stored for good. Then it stays free of the followers.
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/outbox.h"
#include "gtest/gtest.h"
#include "reporting-svc/src/jobs/snapshot_job.h"
#include "reporting-svc/src/testing/report_fixture.h"

namespace csm::reporting::testing {
namespace {

class SnapshotCatchUpTest : public Week47Fixture {
 protected:
  int Snapshots() {
    auto stub = rv1::ReportSnapshotService::NewStub(channel_);
    rv1::ListReportSnapshotsRequest req;
    req.set_page_size(500);
    rv1::ListReportSnapshotsResponse out;
    grpc::Status s = stub->ListReportSnapshots(Archivist().get(), req, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out.report_snapshots_size();
  }

  // Friday of W47 after 15:00: the weekly report's run is due, and the
  // supervision and ranking runs of the month and quarter were missed.
  ManualClock clock_{Beijing(2026, 11, 20, 16)};
  std::vector<FollowerStatus> followers_ = {
      {kCustomerSource, false, "", true}, {kComplaintSource, false, "", false}};
};

TEST_F(SnapshotCatchUpTest, WaitsForEveryFollowerThenNoLonger) {
  Outbox outbox("reporting-svc", &clock_);
  SnapshotJob job(
      ReportContext{&server_->pool(), [this] { return followers_; }}, &outbox,
      &clock_);
  absl::StatusOr<int> taken = job.RunOnce();
  ASSERT_TRUE(taken.ok()) << taken.status();
  EXPECT_EQ(*taken, 0);
  EXPECT_EQ(Snapshots(), 0);

  followers_[1].caught_up = true;
  taken = job.RunOnce();
  ASSERT_TRUE(taken.ok()) << taken.status();
  EXPECT_EQ(*taken, 3);  // W47, October, Q3
  EXPECT_EQ(Snapshots(), 3);

  // Caught up once is enough: a source that falls behind later delays its
  // figures, not the schedule.
  followers_[1].caught_up = false;
  clock_.Set(Beijing(2026, 11, 27, 16));
  taken = job.RunOnce();
  ASSERT_TRUE(taken.ok()) << taken.status();
  EXPECT_EQ(*taken, 1);  // W48
}

}  // namespace
}  // namespace csm::reporting::testing
