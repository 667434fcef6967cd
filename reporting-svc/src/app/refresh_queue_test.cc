// The refresh queue (app/refresh_queue.h): a catch-up's batches queue the
// complaints (complaint-svc) and archives (customer-svc) they change, and
// draining the queue leaves exactly the tables that refreshing every batch
// at once left; after a crash between a batch and its drain, or mid-drain,
// with two replicas draining at once, and in a rebuild. Meanwhile each
// source's freshness says what its figures hold.
#include "reporting-svc/src/app/refresh_queue.h"

#include <algorithm>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/event_cursor.h"
#include "common/status.h"
#include "cppconn/resultset.h"
#include "gtest/gtest.h"
#include "reporting-svc/src/store/refresh_queue.h"
#include "reporting-svc/src/store/report_tables.h"
#include "reporting-svc/src/testing/report_fixture.h"

namespace csm::reporting::testing {
namespace {

// More than a batch refreshes at once, in every catch-up batch.
constexpr int kComplaints = 3 * kRefreshAtOnce;
constexpr int kArchives = 3 * kRefreshAtOnce;
constexpr size_t kCatchUpBatch = 4 * kRefreshAtOnce;
const char* const kDepartments[] = {"客服部", "仓储物流", "售后部"};

ev::ComplaintSnapshot Registered(int id, absl::Time at) {
  ev::ComplaintSnapshot s;
  s.set_name(absl::StrCat("complaints/", id));
  s.set_complaint_number(absl::StrCat("TS-", id));
  s.set_customer(absl::StrCat("customers/", id));
  s.set_customer_grade("A");
  s.set_category(id % 2 ? "quality" : "delivery");
  s.set_severity("SEVERITY_NORMAL");
  s.set_state("COMPLAINT_STATE_REGISTERED");
  s.set_channel("COMPLAINT_CHANNEL_PHONE");
  s.set_handling_department(kDepartments[id % 3]);
  s.set_first_responder_id(absl::StrCat("staff.", id % 5));
  s.set_handler_id(s.first_responder_id());
  ToProtoTimestamp(at, s.mutable_register_time());
  ev::DeadlineState* d = s.add_deadlines();
  d->set_kind("DEADLINE_KIND_HANDLING_OPINION");
  ToProtoTimestamp(at + absl::Hours(72), d->mutable_due_time());
  return s;
}

// Each complaint registered, accepted, resolved and (most) closed, its
// events spread over the history, so every catch-up batch changes many
// complaints and most complaints are changed by several batches.
void WriteHistory(EventLog& log) {
  std::vector<ev::ComplaintSnapshot> s;
  const absl::Time t0 = Beijing(2026, 11, 2, 9);
  auto add = [&](int i, auto m, int hours) {
    *m.mutable_complaint() = s[i];
    log.Add(kComplaintSource, t0 + absl::Hours(hours), m, s[i].handler_id(),
            s[i].handling_department());
  };
  for (int i = 0; i < kComplaints; ++i) {
    s.push_back(Registered(i + 1, t0 + absl::Hours(i)));
    add(i, ev::ComplaintRegistered(), i);
  }
  for (int i = 0; i < kComplaints; ++i) {
    s[i].set_state("COMPLAINT_STATE_ACCEPTED");
    ev::ComplaintStateChanged m;
    m.set_action("accept");
    add(i, m, kComplaints + i);
  }
  for (int i = 0; i < kComplaints; ++i) {
    const absl::Time at = t0 + absl::Hours(2 * kComplaints + i);
    ev::DeadlineState* d = s[i].mutable_deadlines(0);
    ToProtoTimestamp(at, d->mutable_met_time());
    d->set_met_working_minutes(30 * (1 + i % 4));
    d->set_met_by_staff_id(s[i].handler_id());
    d->set_met_department(s[i].handling_department());
    s[i].set_state("COMPLAINT_STATE_RESOLVED");
    s[i].set_resolver_id(s[i].handler_id());
    s[i].set_resolving_department(s[i].handling_department());
    ev::ComplaintResolved m;
    m.set_handling_working_minutes(d->met_working_minutes());
    add(i, m, 2 * kComplaints + i);
    if (i % 4 == 0) continue;
    s[i].set_state("COMPLAINT_STATE_CLOSED");
    ToProtoTimestamp(at + absl::Hours(1), s[i].mutable_close_time());
    add(i, ev::ComplaintClosed(), 2 * kComplaints + i + 1);
  }
}

void SetDay(absl::CivilDay d, csm::common::v1::Date* out) {
  out->set_year(static_cast<int32_t>(d.year()));
  out->set_month(d.month());
  out->set_day(d.day());
}

// Each archive created with a visit plan, then visited twice, a phase
// after the other: every catch-up batch changes many archives and each
// archive is changed by several batches.
void WriteArchives(EventLog& log) {
  std::vector<ev::CustomerSnapshot> s(kArchives);
  const absl::CivilDay d0(2026, 11, 2);
  auto add = [&](int i, auto m, absl::CivilDay on) {
    *m.mutable_customer() = s[i];
    log.Add(kCustomerSource, Beijing(2026, on.month(), on.day(), 10), m,
            s[i].owner_id(), s[i].department());
  };
  auto plan = [](int i) { return absl::StrCat("customers/", i + 1, "/p/1"); };
  for (int i = 0; i < kArchives; ++i) {
    s[i].set_name(absl::StrCat("customers/", i + 1));
    s[i].set_archive_number(absl::StrCat("KH-", i + 1));
    s[i].set_grade("GRADE_A");
    s[i].set_state("CUSTOMER_STATE_ACTIVE");
    s[i].set_owner_id(absl::StrCat("staff.", i % 5));
    s[i].set_department(kDepartments[i % 3]);
    add(i, ev::CustomerCreated(), d0);
    ev::VisitPlanCreated p;
    p.set_visit_plan(plan(i));
    SetDay(d0 + 3 + i % 4, p.mutable_next_due_date());
    add(i, p, d0);
  }
  for (int visit = 1; visit <= 2; ++visit) {
    for (int i = 0; i < kArchives; ++i) {
      const absl::CivilDay due = d0 + 3 + i % 4 + 7 * (visit - 1);
      ev::VisitRecorded m;
      m.set_visit(absl::StrCat(s[i].name(), "/visits/", visit));
      m.set_visit_plan(plan(i));
      m.set_staff_id(s[i].owner_id());
      m.set_method("VISIT_METHOD_PHONE");
      m.set_satisfaction(static_cast<csm::common::v1::Satisfaction>(1 + i % 5));
      m.set_counted(true);
      SetDay(due + i % 3 - 1, m.mutable_actual_date());
      SetDay(due, m.mutable_due_date());
      SetDay(due + 7, m.mutable_next_due_date());
      add(i, m, due + 1);
    }
  }
}

class RefreshQueueTest : public ReportFixture {
 protected:
  void SetUp() override {
    ReportFixture::SetUp();
    WriteHistory(log_);
    WriteArchives(log_);
    // What refreshing every name in its batch leaves (the live way: 32
    // events change fewer than kRefreshAtOnce names).
    ASSERT_NO_FATAL_FAILURE(ApplyAll(log_, 32));
    ASSERT_EQ(Queued(kComplaintSource) + Queued(kCustomerSource), 0);
    // The archives have figures of their own to wait for.
    ASSERT_GT(Sql({"SELECT COUNT(*) FROM complaint_contributions WHERE "
                   "complaint LIKE 'customers/%'"}),
              0);
    live_ = DumpTables();
    ASSERT_NO_FATAL_FAILURE(ClearTablesAndCursors());
  }

  // Both sources' events in catch-up batches, committed, none drained.
  void CatchUp() {
    for (const char* source : kSources) {
      const EventHandlers& handlers =
          source == kComplaintSource ? complaint_handlers_ : customer_handlers_;
      const std::vector<Event>& events = log_.of(source);
      for (size_t i = 0; i < events.size(); i += kCatchUpBatch) {
        std::vector<Event> part(
            events.begin() + i,
            events.begin() + std::min(events.size(), i + kCatchUpBatch));
        absl::Status s = RunInTransaction(
            server_->pool(), absl::Now() + absl::Seconds(30),
            [&](MysqlConnection& conn) -> absl::Status {
              return ApplyEvents(conn, source, handlers, part).status();
            });
        ASSERT_TRUE(s.ok()) << s;
      }
    }
  }

  int64_t Queued(const char* source) {
    int64_t n = -1;
    absl::Status s =
        RunWithConnection(server_->pool(), absl::Now() + absl::Seconds(10),
                          [&](MysqlConnection& conn) -> absl::Status {
                            n = QueuedCount(conn, source);
                            return absl::OkStatus();
                          });
    EXPECT_TRUE(s.ok()) << s;
    return n;
  }

  // A source's freshness as the reports say it.
  int64_t FreshSequence(const char* source_name) {
    rv1::Freshness f;
    grpc::Status s = config_->GetFreshness(ManagerContext().get(), {}, &f);
    EXPECT_TRUE(s.ok()) << s.error_message();
    for (const rv1::SourceFreshness& source : f.sources()) {
      if (source.source() == source_name) {
        return source.last_applied_sequence();
      }
    }
    return -1;
  }

  absl::Status Drain(const char* source) {
    return DrainRefreshQueue(server_->pool(), source, [] { return false; });
  }
  absl::Status DrainBoth() {
    CSM_RETURN_IF_ERROR(Drain(kCustomerSource));
    return Drain(kComplaintSource);
  }

  static constexpr const char* kSources[] = {kCustomerSource, kComplaintSource};

  EventLog log_;
  std::string live_;
};

TEST_F(RefreshQueueTest, ACatchUpQueuesAndItsDrainLeavesTheLiveTables) {
  ASSERT_NO_FATAL_FAILURE(CatchUp());
  // Every name waits once, however many batches changed it, under the
  // source whose batch changed it.
  EXPECT_EQ(Queued(kComplaintSource), kComplaints);
  EXPECT_EQ(Queued(kCustomerSource), kArchives);
  EXPECT_NE(DumpTables(), live_);
  // The first batches' names wait since sequence 0: the figures hold every
  // event of each source up to there, and the reports say so.
  EXPECT_EQ(FreshSequence(kComplaintSource), 0);
  EXPECT_EQ(FreshSequence(kCustomerSource), 0);
  // complaint-svc's drain takes only its complaints: the archives still
  // hold customer-svc's freshness back.
  ASSERT_TRUE(Drain(kComplaintSource).ok());
  EXPECT_EQ(Queued(kComplaintSource), 0);
  EXPECT_EQ(Queued(kCustomerSource), kArchives);
  EXPECT_EQ(FreshSequence(kComplaintSource), log_.last(kComplaintSource));
  EXPECT_EQ(FreshSequence(kCustomerSource), 0);
  ASSERT_TRUE(Drain(kCustomerSource).ok());
  EXPECT_EQ(Queued(kCustomerSource), 0);
  EXPECT_EQ(DumpTables(), live_);
  EXPECT_EQ(FreshSequence(kCustomerSource), log_.last(kCustomerSource));
}

TEST_F(RefreshQueueTest, FreshnessMovesWithTheOldestQueuedName) {
  ASSERT_NO_FATAL_FAILURE(CatchUp());
  // A drain that stops early: the rest wait, and the freshness says from
  // where (a name changed by a later batch only).
  for (const char* source : kSources) {
    int64_t fresh = FreshSequence(source);
    for (int chunk = 0; Queued(source) > 0; ++chunk) {
      absl::Status s =
          RunInTransaction(server_->pool(), absl::Now() + absl::Seconds(30),
                           [&](MysqlConnection& conn) {
                             return RefreshQueued(conn, source, 16).status();
                           });
      ASSERT_TRUE(s.ok()) << s;
      const int64_t now = FreshSequence(source);
      EXPECT_GE(now, fresh) << source << " chunk " << chunk;
      fresh = now;
    }
    EXPECT_EQ(fresh, log_.last(source));
  }
  EXPECT_EQ(DumpTables(), live_);
}

TEST_F(RefreshQueueTest, ACrashBetweenTheBatchAndTheDrainLosesNothing) {
  ASSERT_NO_FATAL_FAILURE(CatchUp());
  const std::string committed = DumpTables();
  // Killed mid-drain: the chunks' transaction never commits.
  absl::Status killed = RunInTransaction(
      server_->pool(), absl::Now() + absl::Seconds(30),
      [](MysqlConnection& conn) -> absl::Status {
        CSM_RETURN_IF_ERROR(
            RefreshQueued(conn, kComplaintSource, 100).status());
        CSM_RETURN_IF_ERROR(RefreshQueued(conn, kCustomerSource, 100).status());
        return absl::AbortedError("killed before the commit");
      },
      /*max_attempts=*/1);
  ASSERT_TRUE(absl::IsAborted(killed)) << killed;
  EXPECT_EQ(DumpTables(), committed);
  // The restarted followers' first reads at the sources' head.
  for (const char* source : kSources) {
    BacklogWatch watch;
    DrainAfterBatch(
        server_->pool(), source, /*at_head=*/true, [] { return false; }, watch);
    EXPECT_EQ(Queued(source), 0) << source;
  }
  EXPECT_EQ(DumpTables(), live_);
  // Exactly once: nothing is left to refresh twice.
  ASSERT_TRUE(DrainBoth().ok());
  EXPECT_EQ(DumpTables(), live_);
}

// A quiet source sends no next batch to retry a drain that failed at its
// head (a deadlock with the other source's drain, a lost connection), so
// the drain itself is retried until it is done.
TEST_F(RefreshQueueTest, ADrainThatFailsAtTheHeadIsRetriedUntilDone) {
  ASSERT_NO_FATAL_FAILURE(CatchUp());
  auto rename = [&](const char* sql) {
    absl::Status s =
        RunWithConnection(server_->pool(), absl::Now() + absl::Seconds(10),
                          [sql](MysqlConnection& conn) {
                            conn.Execute(sql);
                            return absl::OkStatus();
                          });
    ASSERT_TRUE(s.ok()) << s;
  };
  // Every refresh fails while the contributions' table is away.
  rename("RENAME TABLE complaint_contributions TO away_contributions");
  int looks = 0;
  bool restored = false;
  // The drain looks at `stopping` before its first chunk and then while it
  // pauses after the failure: the table comes back during that pause.
  BacklogWatch watch;
  DrainAfterBatch(
      server_->pool(), kComplaintSource, /*at_head=*/true,
      [&] {
        if (++looks == 2) {
          rename("RENAME TABLE away_contributions TO complaint_contributions");
          restored = true;
        }
        return false;
      },
      watch);
  ASSERT_TRUE(restored);
  EXPECT_EQ(Queued(kComplaintSource), 0);
  ASSERT_TRUE(Drain(kCustomerSource).ok());
  EXPECT_EQ(DumpTables(), live_);
}

// In a catch-up the queue is counted only when it may have passed the
// watch's limit (the last count plus the events applied since), and a
// queue past it is drained down to half; what is left drains at the head.
TEST_F(RefreshQueueTest, ACatchUpCountsItsQueueOnlyWhenItMayBeLong) {
  ASSERT_NO_FATAL_FAILURE(CatchUp());
  const int64_t queued = Queued(kComplaintSource);
  ASSERT_EQ(queued, kComplaints);
  const int64_t high = kComplaints / 2;
  int64_t at = -1;
  absl::StatusOr<std::vector<EventCursor>> cursors =
      ReadEventCursors(server_->pool());
  ASSERT_TRUE(cursors.ok()) << cursors.status();
  for (const EventCursor& c : *cursors) {
    if (c.source == kComplaintSource) at = c.last_sequence;
  }
  ASSERT_GT(at, 0);
  auto not_stopping = [] { return false; };

  // Counted empty at this very position: it cannot be long, nothing drains.
  BacklogWatch counted(high);
  counted.Counted(0, at);
  EXPECT_FALSE(counted.MayExceed(at));
  DrainAfterBatch(server_->pool(), kComplaintSource, /*at_head=*/false,
                  not_stopping, counted);
  EXPECT_EQ(Queued(kComplaintSource), queued);

  // Never counted: counted now, and drained to half the limit.
  BacklogWatch fresh(high);
  EXPECT_TRUE(fresh.MayExceed(at));
  DrainAfterBatch(server_->pool(), kComplaintSource, /*at_head=*/false,
                  not_stopping, fresh);
  EXPECT_EQ(Queued(kComplaintSource), high / 2);
  // Below the limit now: the next batch counts once more and keeps it.
  DrainAfterBatch(server_->pool(), kComplaintSource, /*at_head=*/false,
                  not_stopping, fresh);
  EXPECT_EQ(Queued(kComplaintSource), high / 2);
  EXPECT_FALSE(fresh.MayExceed(at));
  EXPECT_TRUE(fresh.MayExceed(at + high));
  EXPECT_TRUE(fresh.MayExceed(at - 1)) << "a cursor that went back";

  for (const char* source : kSources) {
    DrainAfterBatch(server_->pool(), source, /*at_head=*/true, not_stopping,
                    fresh);
    EXPECT_EQ(Queued(source), 0) << source;
  }
  EXPECT_EQ(DumpTables(), live_);
}

TEST_F(RefreshQueueTest, TwoReplicasDrainingAtOnceRefreshEachNameOnce) {
  ASSERT_NO_FATAL_FAILURE(CatchUp());
  absl::Status first, second;
  std::thread other([&] { second = DrainBoth(); });
  first = DrainBoth();
  other.join();
  ASSERT_TRUE(first.ok()) << first;
  ASSERT_TRUE(second.ok()) << second;
  EXPECT_EQ(Queued(kComplaintSource) + Queued(kCustomerSource), 0);
  EXPECT_EQ(DumpTables(), live_);
}

TEST_F(RefreshQueueTest, LiveBatchesAfterACatchUpTakeItsRestAlong) {
  ASSERT_NO_FATAL_FAILURE(CatchUp());
  // One more small batch: its complaint and the longest-queued ones of its
  // source; the archives wait for theirs.
  ev::ComplaintSnapshot late =
      Registered(kComplaints + 1, Beijing(2026, 11, 30, 9));
  ev::ComplaintRegistered m;
  *m.mutable_complaint() = late;
  log_.Add(kComplaintSource, Beijing(2026, 11, 30, 9), m);
  const std::vector<Event> part = {log_.of(kComplaintSource).back()};
  absl::Status s = RunInTransaction(
      server_->pool(), absl::Now() + absl::Seconds(30),
      [&](MysqlConnection& conn) -> absl::Status {
        return ApplyEvents(conn, kComplaintSource, complaint_handlers_, part)
            .status();
      });
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(Queued(kComplaintSource), kComplaints - kRefreshAtOnce);
  EXPECT_EQ(Queued(kCustomerSource), kArchives);
  ASSERT_TRUE(DrainBoth().ok());
  EXPECT_EQ(Queued(kComplaintSource) + Queued(kCustomerSource), 0);
}

TEST_F(RefreshQueueTest, ARebuildRefreshesWhatItsBatchesQueued) {
  ASSERT_NO_FATAL_FAILURE(ApplyAll(log_, kCatchUpBatch));
  ASSERT_EQ(DumpTables(), live_);
  absl::StatusOr<rv1::Rebuild> rebuilt = RebuildFrom(log_);
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status();
  EXPECT_EQ(rebuilt->state(), rv1::REBUILD_STATE_SUCCEEDED) << rebuilt->error();
  EXPECT_EQ(Queued(kComplaintSource) + Queued(kCustomerSource), 0);
  EXPECT_EQ(DumpTables(), live_);
}

}  // namespace
}  // namespace csm::reporting::testing
