#include "common/idempotency.h"

#include <google/protobuf/wrappers.pb.h>

#include <atomic>
#include <latch>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/migrations.h"
#include "common/status.h"
#include "cppconn/connection.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"
#include "cppconn/statement.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/test_database.h"

namespace csm {
namespace {

using google::protobuf::Int64Value;
using google::protobuf::StringValue;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

class IdempotencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = testing::TestDatabase::Create();
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    auto pool = testing::CommonSchemaPool(*db_);
    ASSERT_TRUE(pool.ok()) << pool.status();
    pool_ = *std::move(pool);
    ASSERT_TRUE(
        ApplyMigrations(
            *pool_, {{"test", 1, "things",
                      "CREATE TABLE things (id BIGINT AUTO_INCREMENT PRIMARY "
                      "KEY, name VARCHAR(64) NOT NULL) ENGINE=InnoDB;"}})
            .ok());
  }

  CallContext Call(const std::string& staff_id = "staff-1",
                   const std::string& method = "CreateThing") {
    CallContext call;
    call.principal.staff_id = staff_id;
    call.principal.roles = RoleSet{Role::kAgent};
    call.method = method;
    call.request_id = "trace-1";
    call.start = absl::Now();
    call.deadline = call.start + absl::Seconds(10);
    return call;
  }

  // The mutation under test: inserts a thing and answers with its id.
  absl::Status CreateThing(const CallContext& call,
                           const std::string& request_id,
                           const std::string& name, Int64Value* response,
                           absl::Status outcome = absl::OkStatus(),
                           absl::Duration hold = absl::ZeroDuration()) {
    StringValue request;
    request.set_value(name);
    return RunIdempotent(
        *pool_, call, request_id, request, response,
        [&](MysqlConnection& c) -> absl::Status {
          ++body_runs_;
          sql::PreparedStatement& insert =
              c.Prepare("INSERT INTO things (name) VALUES (?)");
          insert.setString(1, name);
          insert.executeUpdate();
          std::unique_ptr<sql::Statement> stmt(c.raw().createStatement());
          std::unique_ptr<sql::ResultSet> rs(
              stmt->executeQuery("SELECT LAST_INSERT_ID()"));
          rs->next();
          response->set_value(rs->getInt64(1));
          if (hold > absl::ZeroDuration()) absl::SleepFor(hold);
          return outcome;
        });
  }

  int64_t Count(const std::string& table) {
    int64_t n = -1;
    EXPECT_TRUE(RunWithConnection(*pool_, absl::Now() + absl::Seconds(10),
                                  [&](MysqlConnection& c) -> absl::Status {
                                    std::unique_ptr<sql::Statement> stmt(
                                        c.raw().createStatement());
                                    std::unique_ptr<sql::ResultSet> rs(
                                        stmt->executeQuery(absl::StrCat(
                                            "SELECT COUNT(*) FROM ", table)));
                                    rs->next();
                                    n = rs->getInt64(1);
                                    return absl::OkStatus();
                                  })
                    .ok());
    return n;
  }

  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<MysqlPool> pool_;
  std::atomic<int> body_runs_{0};
};

TEST_F(IdempotencyTest, RetryReturnsTheFirstResponseAndRunsOnce) {
  Int64Value first, second;
  ASSERT_TRUE(CreateThing(Call(), "req-1", "alpha", &first).ok());
  absl::Status again = CreateThing(Call(), "req-1", "alpha", &second);
  ASSERT_TRUE(again.ok()) << again;
  EXPECT_EQ(second.value(), first.value());
  EXPECT_EQ(body_runs_, 1);
  EXPECT_EQ(Count("things"), 1);
  EXPECT_EQ(Count("idempotency_keys"), 1);
}

TEST_F(IdempotencyTest, SameIdForADifferentRequestIsInvalid) {
  Int64Value first, second;
  ASSERT_TRUE(CreateThing(Call(), "req-1", "alpha", &first).ok());
  absl::Status s = CreateThing(Call(), "req-1", "beta", &second);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("was already used for a different request"));
  ASSERT_EQ(ViolationsOf(s).size(), 1u);
  EXPECT_EQ(ViolationsOf(s)[0].first, "request_id");
  // Another method with the same id and body is a different request too.
  s = CreateThing(Call("staff-1", "RenameThing"), "req-1", "alpha", &second);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(body_runs_, 1);
  EXPECT_EQ(Count("things"), 1);
}

TEST_F(IdempotencyTest, KeysBelongToTheCaller) {
  Int64Value a, b;
  ASSERT_TRUE(CreateThing(Call("staff-1"), "req-1", "alpha", &a).ok());
  ASSERT_TRUE(CreateThing(Call("staff-2"), "req-1", "alpha", &b).ok());
  EXPECT_NE(a.value(), b.value());
  EXPECT_EQ(body_runs_, 2);
}

TEST_F(IdempotencyTest, FailedBodyStoresNothingAndCanBeRetried) {
  Int64Value response;
  absl::Status s = CreateThing(Call(), "req-1", "alpha", &response,
                               absl::FailedPreconditionError("not today"));
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Count("idempotency_keys"), 0);
  EXPECT_EQ(Count("things"), 0);

  ASSERT_TRUE(CreateThing(Call(), "req-1", "alpha", &response).ok());
  EXPECT_EQ(body_runs_, 2);
  EXPECT_EQ(Count("things"), 1);
}

TEST_F(IdempotencyTest, ConcurrentDuplicatesRunTheBodyOnce) {
  constexpr int kThreads = 6;
  std::latch start(kThreads);
  std::vector<Int64Value> responses(kThreads);
  std::vector<absl::Status> statuses(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      // The winner holds its claim a while: the others must wait on the
      // key, not slip past it.
      statuses[i] = CreateThing(Call(), "req-race", "alpha", &responses[i],
                                absl::OkStatus(), absl::Milliseconds(200));
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kThreads; ++i) {
    EXPECT_TRUE(statuses[i].ok()) << statuses[i];
    EXPECT_EQ(responses[i].value(), responses[0].value());
  }
  EXPECT_EQ(body_runs_, 1);
  EXPECT_EQ(Count("things"), 1);
}

TEST_F(IdempotencyTest, RequestIdFormatIsChecked) {
  Int64Value response;
  for (const std::string& bad :
       {std::string("has space"), std::string("semi;colon"),
        std::string("ünïcode"), std::string(129, 'a')}) {
    absl::Status s = CreateThing(Call(), bad, "alpha", &response);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(ViolationsOf(s), ElementsAre(Pair("request_id", ::testing::_)))
        << bad;
  }
  EXPECT_EQ(body_runs_, 0);
  EXPECT_TRUE(
      CreateThing(Call(), std::string(128, 'a'), "alpha", &response).ok());
  EXPECT_TRUE(CreateThing(Call(), "0b6f-4c:x_y.z", "beta", &response).ok());
}

TEST_F(IdempotencyTest, EmptyRequestIdRunsAPlainTransaction) {
  Int64Value first, second;
  ASSERT_TRUE(CreateThing(Call(), "", "alpha", &first).ok());
  ASSERT_TRUE(CreateThing(Call(), "", "alpha", &second).ok());
  EXPECT_NE(first.value(), second.value());
  EXPECT_EQ(body_runs_, 2);
  EXPECT_EQ(Count("idempotency_keys"), 0);
  // And still rolls back on failure.
  EXPECT_FALSE(
      CreateThing(Call(), "", "gamma", &first, absl::AbortedError("stale etag"))
          .ok());
  EXPECT_EQ(Count("things"), 2);
}

TEST_F(IdempotencyTest, StoredResponseKeepsEveryField) {
  Int64Value first;
  ASSERT_TRUE(CreateThing(Call(), "req-1", "alpha", &first).ok());
  Int64Value replay;
  replay.set_value(-1);  // overwritten by the stored response
  ASSERT_TRUE(CreateThing(Call(), "req-1", "alpha", &replay).ok());
  EXPECT_EQ(replay.value(), first.value());
}

}  // namespace
}  // namespace csm
