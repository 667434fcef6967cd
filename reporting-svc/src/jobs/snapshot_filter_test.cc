// ListReportSnapshots' filter over the snapshots a replica's job took on a
// controlled business clock: every field and operator narrows the list to
// what the unfiltered list, filtered by hand, holds, across pages; bad
// filters are INVALID_ARGUMENT on "filter"; snapshots stored before the
// filter's columns existed get them at the next start-up.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/business_time.h"
#include "common/clock.h"
#include "common/mysql_pool.h"
#include "cppconn/resultset.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reporting-svc/src/testing/report_fixture.h"

namespace csm::reporting::testing {
namespace {

// What a test compares a snapshot by.
struct Listed {
  std::string name;
  std::string schedule;
  rv1::ReportKind report;
  absl::CivilDay period_start;
  absl::Time scheduled_time;
};

class SnapshotFilterTest : public Week47Fixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(Week47Fixture::SetUp());
    auto started = StartReportingServer(*db_, &verifier_, &clock_);
    ASSERT_TRUE(started.ok()) << started.status();
    job_server_ = *std::move(started);
    // Eight Fridays from 2026-11-20: the weekly reports of W47 to 2027-W01,
    // the supervision reports of October and November (and December's if
    // its day has come), the ranking of Q3: three schedules and reports.
    for (int week = 0; week <= 7; ++week) {
      clock_.Set(Beijing(2026, 11, 20, 16) + absl::Hours(24 * 7 * week));
      absl::StatusOr<int> n = job_server_->snapshot_job().RunOnce();
      ASSERT_TRUE(n.ok()) << n.status();
    }
    grpc::Status s = List("", 500, &all_);
    ASSERT_TRUE(s.ok()) << s.error_message();
    ASSERT_GE(all_.size(), 10u);
  }

  void TearDown() override {
    job_server_.reset();
    ReportFixture::TearDown();
  }

  // Every page of the list with `filter`, `page_size` at a time.
  grpc::Status List(const std::string& filter, int page_size,
                    std::vector<Listed>* out, int* pages = nullptr) {
    auto stub = rv1::ReportSnapshotService::NewStub(channel_);
    rv1::ListReportSnapshotsRequest req;
    req.set_filter(filter);
    req.set_page_size(page_size);
    out->clear();
    if (pages != nullptr) *pages = 0;
    do {
      rv1::ListReportSnapshotsResponse resp;
      grpc::Status s =
          stub->ListReportSnapshots(ManagerContext().get(), req, &resp);
      if (!s.ok()) return s;
      if (pages != nullptr) ++*pages;
      for (const auto& r : resp.report_snapshots()) {
        const auto& d = r.period().start_date();
        out->push_back({r.name(), r.schedule(), r.report(),
                        absl::CivilDay(d.year(), d.month(), d.day()),
                        FromProtoTimestamp(r.scheduled_time())});
      }
      req.set_page_token(resp.next_page_token());
    } while (!req.page_token().empty());
    return grpc::Status::OK;
  }

  std::vector<std::string> Names(const std::vector<Listed>& l) {
    std::vector<std::string> out;
    for (const Listed& s : l) out.push_back(s.name);
    return out;
  }

  // The filtered list is the unfiltered one filtered by `keep`, neither
  // empty nor all of it (a filter ignored fails), page by page of 2.
  void ExpectNarrows(const std::string& filter,
                     const std::function<bool(const Listed&)>& keep) {
    SCOPED_TRACE(filter);
    std::vector<std::string> expected;
    for (const Listed& s : all_) {
      if (keep(s)) expected.push_back(s.name);
    }
    ASSERT_FALSE(expected.empty());
    ASSERT_LT(expected.size(), all_.size());
    std::vector<Listed> got;
    grpc::Status s = List(filter, 2, &got);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(Names(got), expected);
  }

  void ExpectRefused(const std::string& filter) {
    SCOPED_TRACE(filter);
    std::vector<Listed> got;
    grpc::Status s = List(filter, 50, &got);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    std::vector<std::string> fields;
    for (const auto& v : Violations(s)) fields.push_back(v.first);
    EXPECT_THAT(fields, ::testing::ElementsAre("filter"));
  }

  // A snapshot in the middle of the list, newest first: a pivot that
  // splits it.
  const Listed& Middle() { return all_[all_.size() / 2]; }

  ManualClock clock_{Beijing(2026, 11, 20, 16)};
  std::unique_ptr<ReportingServer> job_server_;
  std::vector<Listed> all_;  // newest first
};

std::string DayText(absl::CivilDay d) { return absl::FormatCivilTime(d); }

std::string TimeText(absl::Time t) {
  return absl::FormatTime(absl::RFC3339_full, t, absl::UTCTimeZone());
}

TEST_F(SnapshotFilterTest, ScheduleAndReportNarrowTheList) {
  ExpectNarrows(R"(schedule = "reportSchedules/weekly")", [](const Listed& s) {
    return s.schedule == "reportSchedules/weekly";
  });
  ExpectNarrows(R"(schedule != "reportSchedules/weekly")", [](const Listed& s) {
    return s.schedule != "reportSchedules/weekly";
  });
  ExpectNarrows("report = REPORT_KIND_SUPERVISION", [](const Listed& s) {
    return s.report == rv1::REPORT_KIND_SUPERVISION;
  });
  ExpectNarrows("report != REPORT_KIND_WEEKLY", [](const Listed& s) {
    return s.report != rv1::REPORT_KIND_WEEKLY;
  });
}

TEST_F(SnapshotFilterTest, PeriodStartTakesEveryComparison) {
  const absl::CivilDay day = Middle().period_start;
  const std::string v = absl::StrCat("\"", DayText(day), "\"");
  ExpectNarrows("period_start = " + v,
                [&](const Listed& s) { return s.period_start == day; });
  ExpectNarrows("period_start != " + v,
                [&](const Listed& s) { return s.period_start != day; });
  ExpectNarrows("period_start < " + v,
                [&](const Listed& s) { return s.period_start < day; });
  ExpectNarrows("period_start <= " + v,
                [&](const Listed& s) { return s.period_start <= day; });
  ExpectNarrows("period_start > " + v,
                [&](const Listed& s) { return s.period_start > day; });
  ExpectNarrows("period_start >= " + v,
                [&](const Listed& s) { return s.period_start >= day; });
}

TEST_F(SnapshotFilterTest, ScheduledTimeTakesEveryComparison) {
  const absl::Time t = Middle().scheduled_time;
  // The same instant in Beijing time.
  const std::string v = absl::StrCat(
      "\"",
      absl::FormatTime(absl::RFC3339_full, t, absl::FixedTimeZone(8 * 3600)),
      "\"");
  ExpectNarrows("scheduled_time = " + v,
                [&](const Listed& s) { return s.scheduled_time == t; });
  ExpectNarrows("scheduled_time != " + v,
                [&](const Listed& s) { return s.scheduled_time != t; });
  ExpectNarrows("scheduled_time < " + v,
                [&](const Listed& s) { return s.scheduled_time < t; });
  ExpectNarrows("scheduled_time <= " + v,
                [&](const Listed& s) { return s.scheduled_time <= t; });
  ExpectNarrows("scheduled_time > " + v,
                [&](const Listed& s) { return s.scheduled_time > t; });
  ExpectNarrows("scheduled_time >= \"" + TimeText(t) + "\"",
                [&](const Listed& s) { return s.scheduled_time >= t; });
}

// The documented example, across pages; a page token is the filter's own.
TEST_F(SnapshotFilterTest, TermsCombineWithAndAcrossPages) {
  const std::string filter =
      R"(schedule = "reportSchedules/weekly" AND period_start >= "2026-11-23")"
      R"( AND report = REPORT_KIND_WEEKLY)";
  ExpectNarrows(filter, [](const Listed& s) {
    return s.schedule == "reportSchedules/weekly" &&
           s.period_start >= absl::CivilDay(2026, 11, 23);
  });
  std::vector<Listed> got;
  int pages = 0;
  ASSERT_TRUE(List(filter, 2, &got, &pages).ok());
  EXPECT_GE(got.size(), 5u);
  EXPECT_EQ(pages, static_cast<int>((got.size() + 1) / 2));

  auto stub = rv1::ReportSnapshotService::NewStub(channel_);
  rv1::ListReportSnapshotsRequest req;
  req.set_filter(filter);
  req.set_page_size(1);
  rv1::ListReportSnapshotsResponse first;
  ASSERT_TRUE(
      stub->ListReportSnapshots(ManagerContext().get(), req, &first).ok());
  ASSERT_FALSE(first.next_page_token().empty());
  req.set_page_token(first.next_page_token());
  req.set_filter(R"(schedule = "reportSchedules/supervision")");
  rv1::ListReportSnapshotsResponse other;
  EXPECT_EQ(stub->ListReportSnapshots(ManagerContext().get(), req, &other)
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(SnapshotFilterTest, BadFiltersAreInvalidArgumentsOnFilter) {
  for (const char* f : {
           R"(period_label = "2026-W47")",          // not a field
           R"(period_start >= "2026-13-01")",       // no month 13
           R"(period_start = "2026-02-30")",        // no such day
           R"(period_start = "20261001")",          // not YYYY-MM-DD
           R"(period_start = "2026-10-01T00:00")",  // a time
           R"(period_start : "2026")",              // no "contains"
           R"(report : "WEEKLY")",                  // an enum
           "report = REPORT_KIND_NOPE",             // no such kind
           "report = REPORT_KIND_UNSPECIFIED",      // not a report
           R"(schedule > "reportSchedules/a")",     // a keyword
           R"(scheduled_time >= "2026-11-20")",     // not RFC 3339
           "schedule =",                            // syntax
       }) {
    ExpectRefused(f);
  }
}

// Snapshots stored before migrations/026 have neither column: a start-up
// fills them from their blobs before the server serves, and the filter
// then finds them.
TEST_F(SnapshotFilterTest, SnapshotsStoredBeforeTheColumnsAreFilled) {
  auto exec = [&](MysqlPool& pool, const std::string& sql) {
    int64_t n = -1;
    absl::Status s = RunWithConnection(
        pool, absl::Now() + absl::Seconds(10),
        [&](MysqlConnection& conn) -> absl::Status {
          auto& st = conn.Prepare(sql);
          if (absl::StartsWith(sql, "SELECT")) {
            std::unique_ptr<sql::ResultSet> rs(st.executeQuery());
            rs->next();
            n = rs->getInt64(1);
          } else {
            n = st.executeUpdate();
          }
          return absl::OkStatus();
        });
    EXPECT_TRUE(s.ok()) << s;
    return n;
  };
  const char* kMissing =
      "SELECT COUNT(*) FROM report_snapshots WHERE report IS NULL OR "
      "period_start IS NULL";
  ASSERT_EQ(exec(server_->pool(), kMissing), 0);
  ASSERT_EQ(exec(server_->pool(),
                 "UPDATE report_snapshots SET report = NULL, period_start = "
                 "NULL"),
            static_cast<int64_t>(all_.size()));
  std::vector<Listed> none;
  ASSERT_TRUE(List("report = REPORT_KIND_WEEKLY", 50, &none).ok());
  ASSERT_TRUE(none.empty());

  job_server_.reset();
  auto restarted = StartReportingServer(*db_, &verifier_, &clock_);
  ASSERT_TRUE(restarted.ok()) << restarted.status();
  job_server_ = *std::move(restarted);
  EXPECT_EQ(exec(job_server_->pool(), kMissing), 0);
  ExpectNarrows("report = REPORT_KIND_WEEKLY", [](const Listed& s) {
    return s.report == rv1::REPORT_KIND_WEEKLY;
  });
  const absl::CivilDay day = Middle().period_start;
  ExpectNarrows(absl::StrCat("period_start < \"", DayText(day), "\""),
                [&](const Listed& s) { return s.period_start < day; });
  // A second start finds nothing to fill and changes nothing.
  auto again = StartReportingServer(*db_, &verifier_, &clock_);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(exec(server_->pool(), kMissing), 0);
}

}  // namespace
}  // namespace csm::reporting::testing
