// The outbox tests' fixture (outbox_test.cc, outbox_sequencer_test.cc,
// event_stream_test.cc): a fresh database with the common schema, an Outbox
// on a ManualClock, and helpers that append, sequence and read events.
#ifndef CSM_COMMON_OUTBOX_TEST_FIXTURE_H_
#define CSM_COMMON_OUTBOX_TEST_FIXTURE_H_

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
#include "common/outbox_sequencer.h"
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

using csm::events::v1::CustomerClosed;
using csm::events::v1::CustomerCreated;
using csm::events::v1::Event;
using csm::events::v1::EventService;
using csm::events::v1::StreamEventsRequest;
using csm::events::v1::StreamEventsResponse;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

inline absl::Time Deadline() { return absl::Now() + absl::Seconds(10); }

inline CustomerCreated Created(int id) {
  CustomerCreated c;
  c.mutable_customer()->set_name(absl::StrCat("customers/", id));
  c.mutable_customer()->set_display_name("上海某某贸易有限公司");
  return c;
}

class OutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = testing::TestDatabase::Create();
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    auto pool = testing::CommonSchemaPool(*db_);
    ASSERT_TRUE(pool.ok()) << pool.status();
    pool_ = *std::move(pool);
    outbox_ = std::make_unique<Outbox>("test-svc", &clock_);
  }

  // Appends one event in a transaction of its own; `commit` false rolls it
  // back after the append.
  absl::Status Append(Outbox& outbox, const google::protobuf::Message& payload,
                      const std::string& aggregate, bool commit = true) {
    absl::Status s = RunInTransaction(
        *pool_, Deadline(), [&](MysqlConnection& c) -> absl::Status {
          absl::Status appended =
              outbox.Append(c, "staff-7", "req-1", aggregate, payload);
          if (!appended.ok()) return appended;
          return commit ? absl::OkStatus()
                        : absl::FailedPreconditionError("rolled back");
        });
    if (s.ok()) {
      outbox.NotifyCommitted();
      SequenceAll();
    }
    return s;
  }

  // Numbers what has committed, as a service's sequencer does: here, or by
  // the sequencer that leads (a replica's) within 10 s.
  void SequenceAll() {
    const absl::Time give_up = absl::Now() + absl::Seconds(10);
    while (absl::Now() < give_up) {
      {
        OutboxSequencer sequencer(pool_.get(), outbox_.get());
        if (sequencer.RunOnce().ok()) return;
      }
      if (Count("sequence IS NULL") == 0) return;
      absl::SleepFor(absl::Milliseconds(10));
    }
    ADD_FAILURE() << "committed events stayed unsequenced";
  }

  int64_t Count(const std::string& where) {
    int64_t n = -1;
    EXPECT_TRUE(
        RunWithConnection(
            *pool_, Deadline(),
            [&](MysqlConnection& c) -> absl::Status {
              std::unique_ptr<sql::Statement> stmt(c.raw().createStatement());
              std::unique_ptr<sql::ResultSet> rs(
                  stmt->executeQuery(absl::StrCat("SELECT COUNT(*) FROM "
                                                  "outbox_events WHERE ",
                                                  where)));
              if (rs->next()) n = rs->getInt64(1);
              return absl::OkStatus();
            })
            .ok());
    return n;
  }

  std::vector<std::string> AggregatesInSequenceOrder() {
    std::vector<std::string> out;
    EXPECT_TRUE(RunWithConnection(
                    *pool_, Deadline(),
                    [&](MysqlConnection& c) -> absl::Status {
                      std::unique_ptr<sql::Statement> stmt(
                          c.raw().createStatement());
                      std::unique_ptr<sql::ResultSet> rs(
                          stmt->executeQuery("SELECT aggregate FROM "
                                             "outbox_events WHERE sequence IS "
                                             "NOT NULL ORDER BY sequence"));
                      while (rs->next()) {
                        out.push_back(rs->getString(1));
                      }
                      return absl::OkStatus();
                    })
                    .ok());
    return out;
  }

  void AppendCreated(int n, int first_id = 1) {
    for (int i = 0; i < n; ++i) {
      ASSERT_TRUE(Append(*outbox_, Created(first_id + i),
                         absl::StrCat("customers/", first_id + i))
                      .ok());
    }
  }

  std::vector<int64_t> Sequences() {
    std::vector<int64_t> out;
    EXPECT_TRUE(
        RunWithConnection(
            *pool_, Deadline(),
            [&](MysqlConnection& c) -> absl::Status {
              std::unique_ptr<sql::Statement> stmt(c.raw().createStatement());
              std::unique_ptr<sql::ResultSet> rs(
                  stmt->executeQuery("SELECT sequence FROM "
                                     "outbox_events ORDER BY sequence"));
              while (rs->next()) {
                out.push_back(rs->getInt64(1));
              }
              return absl::OkStatus();
            })
            .ok());
    return out;
  }

  ManualClock clock_{absl::FromUnixMicros(1795939200123456)};
  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<MysqlPool> pool_;
  std::unique_ptr<Outbox> outbox_;
};

}  // namespace csm::outbox_test

#endif  // CSM_COMMON_OUTBOX_TEST_FIXTURE_H_
