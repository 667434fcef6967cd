#include "common/outbox.h"

#include <google/protobuf/wrappers.pb.h>
#include <grpcpp/grpcpp.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/auth.h"
#include "common/event_stream.h"
#include "common/migrations.h"
#include "common/outbox_sequencer.h"
#include "common/outbox_test_fixture.h"
#include "common/rpc.h"
#include "common/status.h"
#include "cppconn/connection.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"
#include "cppconn/statement.h"
#include "csm/events/v1/customer_events.pb.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "tests/testing/test_database.h"

namespace csm::outbox_test {
namespace {

TEST_F(OutboxTest, AppendWritesTheEventRow) {
  ASSERT_TRUE(Append(*outbox_, Created(42), "customers/42").ok());
  absl::Status s = RunWithConnection(
      *pool_, Deadline(), [&](MysqlConnection& c) -> absl::Status {
        std::unique_ptr<sql::Statement> stmt(c.raw().createStatement());
        std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery(
            "SELECT sequence, event_id, aggregate, event_type, "
            "occur_time, actor, request_id, payload FROM outbox_events"));
        EXPECT_TRUE(rs->next());
        EXPECT_EQ(rs->getInt64(1), 1);
        EXPECT_THAT(std::string(rs->getString(2)),
                    MatchesRegex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-"
                                 "[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
        EXPECT_EQ(rs->getString(3), "customers/42");
        EXPECT_EQ(rs->getString(4), "csm.events.v1.CustomerCreated");
        // UTC, microseconds, from the injected clock.
        EXPECT_EQ(rs->getString(5), "2026-11-29 08:00:00.123456");
        EXPECT_EQ(rs->getString(6), "staff-7");
        EXPECT_EQ(rs->getString(7), "req-1");
        CustomerCreated payload;
        EXPECT_TRUE(payload.ParseFromString(rs->getString(8)));
        EXPECT_EQ(payload.customer().name(), "customers/42");
        EXPECT_EQ(payload.customer().display_name(), "上海某某贸易有限公司");
        EXPECT_FALSE(rs->next());
        return absl::OkStatus();
      });
  EXPECT_TRUE(s.ok()) << s;
}

TEST_F(OutboxTest, RolledBackTransactionLeavesNoEvent) {
  EXPECT_FALSE(Append(*outbox_, Created(1), "customers/1", false).ok());
  EXPECT_TRUE(Sequences().empty());
  // The rolled-back sequence is reused: no gap.
  ASSERT_TRUE(Append(*outbox_, Created(2), "customers/2").ok());
  EXPECT_FALSE(Append(*outbox_, Created(3), "customers/3", false).ok());
  ASSERT_TRUE(Append(*outbox_, Created(4), "customers/4").ok());
  EXPECT_THAT(Sequences(), ElementsAre(1, 2));
}

TEST_F(OutboxTest, EventIdsAreUnique) {
  AppendCreated(20);
  std::set<std::string> ids;
  ASSERT_TRUE(
      RunWithConnection(
          *pool_, Deadline(),
          [&](MysqlConnection& c) -> absl::Status {
            std::unique_ptr<sql::Statement> stmt(c.raw().createStatement());
            std::unique_ptr<sql::ResultSet> rs(
                stmt->executeQuery("SELECT event_id FROM outbox_events"));
            while (rs->next()) {
              ids.insert(rs->getString(1));
            }
            return absl::OkStatus();
          })
          .ok());
  EXPECT_EQ(ids.size(), 20u);
}

TEST_F(OutboxTest, OversizedAggregateIsRefused) {
  absl::Status s = Append(*outbox_, Created(1), std::string(256, 'x'));
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal);
  // A long client request id is shortened, never a failure.
  s = RunInTransaction(*pool_, Deadline(), [&](MysqlConnection& c) {
    return outbox_->Append(c, "staff-7", std::string(300, 'r'), "customers/1",
                           Created(1));
  });
  EXPECT_TRUE(s.ok()) << s;
}

TEST_F(OutboxTest, ConcurrentWritersAreGapFreeAndVisibleInOrder) {
  constexpr int kWriters = 4;
  constexpr int kPerWriter = 50;
  std::atomic<int> committed{0};
  std::atomic<bool> writers_done{false};
  std::atomic<int> gaps{0};
  std::atomic<int64_t> reader_cursor{0};
  // The service's sequencer numbers commits as they land.
  OutboxSequencer sequencer(pool_.get(), outbox_.get(),
                            {.poll_interval = absl::Milliseconds(5)});
  sequencer.Start();

  // A reader polling like the event stream: it must never see sequence n+1
  // before n.
  std::thread reader([&] {
    int64_t cursor = 0;
    while (true) {
      const bool last_pass = writers_done.load();
      absl::Status s = RunWithConnection(
          *pool_, Deadline(), [&](MysqlConnection& c) -> absl::Status {
            sql::PreparedStatement& stmt = c.Prepare(
                "SELECT sequence FROM outbox_events WHERE sequence > ? "
                "ORDER BY sequence");
            stmt.setInt64(1, cursor);
            std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
            while (rs->next()) {
              const int64_t seq = rs->getInt64(1);
              if (seq != cursor + 1) ++gaps;
              cursor = seq;
            }
            return absl::OkStatus();
          });
      EXPECT_TRUE(s.ok()) << s;
      if (last_pass) break;
    }
    reader_cursor = cursor;
  });

  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < kPerWriter; ++i) {
        const bool commit = (i % 5) != 3;  // every fifth rolls back
        absl::Status s = RunInTransaction(
            *pool_, Deadline(), [&](MysqlConnection& c) -> absl::Status {
              // Some business write first, as a real handler would.
              std::unique_ptr<sql::Statement> stmt(c.raw().createStatement());
              stmt->execute("DO 1");
              absl::Status a = outbox_->Append(
                  c, absl::StrCat("writer-", w), "req",
                  absl::StrCat("things/", w, "-", i), Created(w * 1000 + i));
              if (!a.ok()) return a;
              return commit ? absl::OkStatus()
                            : absl::CancelledError("changed my mind");
            });
        if (commit) {
          EXPECT_TRUE(s.ok()) << s;
          if (s.ok()) ++committed;
        } else {
          EXPECT_EQ(s.code(), absl::StatusCode::kCancelled);
        }
      }
    });
  }
  for (auto& t : writers) t.join();
  sequencer.Stop();
  SequenceAll();  // what committed after its last round
  writers_done = true;
  reader.join();

  EXPECT_EQ(gaps, 0);
  const std::vector<int64_t> seqs = Sequences();
  ASSERT_EQ(static_cast<int>(seqs.size()), committed.load());
  for (size_t i = 0; i < seqs.size(); ++i) {
    ASSERT_EQ(seqs[i], static_cast<int64_t>(i + 1));
  }
  EXPECT_EQ(reader_cursor.load(), committed.load());
  EXPECT_EQ(committed.load(), kWriters * kPerWriter * 4 / 5);
}

TEST_F(OutboxTest, WaitForCommitWakesOnNotifyAndTimesOut) {
  const uint64_t g0 = outbox_->generation();
  absl::Time start = absl::Now();
  EXPECT_EQ(outbox_->WaitForCommit(g0, absl::Milliseconds(100)), g0);
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(100));

  std::thread notifier([&] {
    absl::SleepFor(absl::Milliseconds(50));
    outbox_->NotifyCommitted();
  });
  start = absl::Now();
  EXPECT_EQ(outbox_->WaitForCommit(g0, absl::Seconds(10)), g0 + 1);
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  notifier.join();
  // Already past the generation: returns at once.
  start = absl::Now();
  EXPECT_EQ(outbox_->WaitForCommit(g0, absl::Seconds(10)), g0 + 1);
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(50));
}

}  // namespace
}  // namespace csm::outbox_test
