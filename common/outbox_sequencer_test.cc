// OutboxSequencer against the real MariaDB: one leader, take-over, late
// commits, a writer during a batch, a sequencer killed mid-batch.
#include "common/outbox_sequencer.h"

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
#include "common/outbox.h"
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

TEST_F(OutboxTest, OneSequencerLeadsAndAnotherTakesOverWhenItStops) {
  auto other_pool = MysqlPool::Create(db_->options());
  ASSERT_TRUE(other_pool.ok()) << other_pool.status();
  Outbox other_outbox("test-svc", &clock_);
  OutboxSequencer first(pool_.get(), outbox_.get());
  OutboxSequencer second(other_pool->get(), &other_outbox);

  ASSERT_TRUE(RunInTransaction(*pool_, Deadline(), [&](MysqlConnection& c) {
                return outbox_->Append(c, "staff-7", "r", "customers/1",
                                       Created(1));
              }).ok());
  absl::StatusOr<int> n = first.RunOnce();
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 1);
  EXPECT_TRUE(first.leading());
  // Two replicas never both sequence.
  EXPECT_EQ(second.RunOnce().status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_FALSE(second.leading());

  first.Stop();
  ASSERT_TRUE(RunInTransaction(*pool_, Deadline(), [&](MysqlConnection& c) {
                return outbox_->Append(c, "staff-7", "r", "customers/2",
                                       Created(2));
              }).ok());
  n = second.RunOnce();
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 1);
  EXPECT_THAT(Sequences(), ElementsAre(1, 2));
}

TEST_F(OutboxTest, ARowCommittedLateGetsTheNextSequenceNotAGap) {
  // A transaction holds its append open while a later one commits: the
  // sequencer numbers the committed one without waiting, and the slow one
  // gets the next sequence when it commits (commit order, no gap).
  std::mutex mu;
  std::condition_variable cv;
  bool appended = false, release = false;
  std::thread slow([&] {
    absl::Status s = RunInTransaction(
        *pool_, Deadline(), [&](MysqlConnection& c) -> absl::Status {
          CSM_RETURN_IF_ERROR(
              outbox_->Append(c, "staff-7", "r", "slow/1", Created(1)));
          std::unique_lock<std::mutex> lock(mu);
          appended = true;
          cv.notify_all();
          cv.wait(lock, [&] { return release; });
          return absl::OkStatus();
        });
    EXPECT_TRUE(s.ok()) << s;
  });
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return appended; });
  }
  ASSERT_TRUE(RunInTransaction(*pool_, Deadline(), [&](MysqlConnection& c) {
                return outbox_->Append(c, "staff-7", "r", "fast/2", Created(2));
              }).ok());
  OutboxSequencer sequencer(pool_.get(), outbox_.get());
  const absl::Time started = absl::Now();
  absl::StatusOr<int> n = sequencer.RunOnce();
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 1);
  EXPECT_LT(absl::Now() - started, absl::Milliseconds(500))
      << "the sequencer waited for the open transaction";
  EXPECT_THAT(AggregatesInSequenceOrder(), ElementsAre("fast/2"));
  {
    std::lock_guard<std::mutex> lock(mu);
    release = true;
  }
  cv.notify_all();
  slow.join();
  n = sequencer.RunOnce();
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 1);
  EXPECT_THAT(AggregatesInSequenceOrder(), ElementsAre("fast/2", "slow/1"));
  EXPECT_THAT(Sequences(), ElementsAre(1, 2));
}

// A writer commits while the sequencer's batch is open (between its UPDATE
// and its COMMIT): neither waits for the other, and the writer's row is
// numbered by the next batch.
TEST_F(OutboxTest, AWriterCommitsWhileABatchIsOpen) {
  ASSERT_TRUE(RunInTransaction(*pool_, Deadline(), [&](MysqlConnection& c) {
                return outbox_->Append(c, "staff-7", "r", "first/1",
                                       Created(1));
              }).ok());
  absl::Duration writer_took;
  bool wrote = false;
  OutboxSequencerOptions options;
  options.before_commit = [&] {
    if (std::exchange(wrote, true)) return;
    const absl::Time started = absl::Now();
    EXPECT_TRUE(RunInTransaction(*pool_, Deadline(), [&](MysqlConnection& c) {
                  return outbox_->Append(c, "staff-7", "r", "second/2",
                                         Created(2));
                }).ok());
    writer_took = absl::Now() - started;
  };
  OutboxSequencer sequencer(pool_.get(), outbox_.get(), options);
  absl::StatusOr<int> n = sequencer.RunOnce();
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 1);
  EXPECT_LT(writer_took, absl::Milliseconds(500))
      << "the writer waited for the sequencer's batch";
  n = sequencer.RunOnce();
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 1);
  EXPECT_THAT(AggregatesInSequenceOrder(), ElementsAre("first/1", "second/2"));
  EXPECT_THAT(Sequences(), ElementsAre(1, 2));
}

// A sequencer killed (SIGKILL) after its batch's UPDATE, before the COMMIT:
// the batch is rolled back with its connection, the named lock is freed,
// and the next sequencer numbers every row exactly once.
TEST_F(OutboxTest, SequencerKilledMidBatchLosesNothingAndIsReplaced) {
  for (int i = 1; i <= 20; ++i) {
    ASSERT_TRUE(RunInTransaction(*pool_, Deadline(), [&](MysqlConnection& c) {
                  return outbox_->Append(c, "staff-7", "r",
                                         absl::StrCat("customers/", i),
                                         Created(i));
                }).ok());
  }
  int out[2];
  ASSERT_EQ(pipe(out), 0);
  const MysqlOptions& o = db_->options();
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    execl(CSM_SEQUENCER_CHILD, CSM_SEQUENCER_CHILD, o.unix_socket.c_str(),
          o.user.c_str(), o.password.c_str(), o.database.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  pollfd ready{out[0], POLLIN, 0};
  ASSERT_EQ(poll(&ready, 1, 20'000), 1) << "the child never numbered";
  char line[64] = {};
  ASSERT_GT(read(out[0], line, sizeof(line) - 1), 0);
  EXPECT_STREQ(line, "numbered\n");
  close(out[0]);

  // Mid-batch: its numbers are not committed, and it still leads.
  EXPECT_EQ(Count("sequence IS NOT NULL"), 0);
  OutboxSequencer next(pool_.get(), outbox_.get());
  EXPECT_EQ(next.RunOnce().status().code(),
            absl::StatusCode::kFailedPrecondition);

  ASSERT_EQ(kill(child, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFSIGNALED(status));

  // The server notices the closed connection and frees the lock.
  absl::StatusOr<int> n;
  for (int attempt = 0; attempt < 100; ++attempt) {
    n = next.RunOnce();
    if (n.ok()) break;
    absl::SleepFor(absl::Milliseconds(50));
  }
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 20);
  std::vector<int64_t> expected;
  for (int64_t i = 1; i <= 20; ++i) expected.push_back(i);
  EXPECT_EQ(Sequences(), expected);
  std::vector<std::string> aggregates;
  for (int i = 1; i <= 20; ++i)
    aggregates.push_back(absl::StrCat("customers/", i));
  EXPECT_EQ(AggregatesInSequenceOrder(), aggregates);
}

}  // namespace
}  // namespace csm::outbox_test
