#include "common/mysql_pool.h"

#include <atomic>
#include <latch>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/mysql_pool_test_fixture.h"
#include "cppconn/connection.h"
#include "cppconn/exception.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"
#include "cppconn/statement.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/test_database.h"

namespace csm::mysql_pool_test {
namespace {

TEST_F(MysqlPoolTest, CreateRejectsBadOptions) {
  MysqlOptions options = db_->options();
  options.pool_size = 0;
  EXPECT_EQ(MysqlPool::Create(options).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(MysqlPoolTest, BorrowReturnAndReuse) {
  auto pool = NewPool(2);
  int64_t first_id = 0;
  {
    auto conn = pool->Borrow(Deadline());
    ASSERT_TRUE(conn.ok()) << conn.status();
    first_id = QueryInt(**conn, "SELECT CONNECTION_ID()");
    PoolStats s = pool->stats();
    EXPECT_EQ(s.open, 1);
    EXPECT_EQ(s.idle, 0);
  }
  PoolStats s = pool->stats();
  EXPECT_EQ(s.open, 1);
  EXPECT_EQ(s.idle, 1);

  auto again = pool->Borrow(Deadline());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(QueryInt(**again, "SELECT CONNECTION_ID()"), first_id);
}

TEST_F(MysqlPoolTest, MovedBorrowReturnsOnce) {
  auto pool = NewPool(1);
  {
    auto conn = pool->Borrow(Deadline());
    ASSERT_TRUE(conn.ok());
    PooledConnection moved = *std::move(conn);
    PooledConnection target = std::move(moved);
    EXPECT_EQ(pool->stats().idle, 0);
  }
  EXPECT_EQ(pool->stats().idle, 1);
  EXPECT_EQ(pool->stats().open, 1);
}

TEST_F(MysqlPoolTest, SessionIsUtcUtf8mb4AndStrict) {
  auto pool = NewPool(1);
  auto conn = pool->Borrow(Deadline());
  ASSERT_TRUE(conn.ok());
  EXPECT_EQ(QueryString(**conn, "SELECT @@session.time_zone"), "+00:00");
  EXPECT_EQ(QueryString(**conn, "SELECT @@character_set_client"), "utf8mb4");
  EXPECT_EQ(QueryString(**conn, "SELECT @@character_set_results"), "utf8mb4");
  EXPECT_THAT(QueryString(**conn, "SELECT @@session.sql_mode"),
              HasSubstr("STRICT_TRANS_TABLES"));
  EXPECT_EQ(QueryString(**conn, "SELECT DATABASE()"), db_->name());
  EXPECT_EQ(QueryString(**conn, "SELECT '客户档案'"), "客户档案");
}

TEST_F(MysqlPoolTest, ExhaustedPoolAnswersWithinDeadline) {
  auto pool = NewPool(2);
  auto a = pool->Borrow(Deadline());
  auto b = pool->Borrow(Deadline());
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());

  const absl::Duration wait = absl::Milliseconds(300);
  const absl::Time start = absl::Now();
  auto c = pool->Borrow(start + wait);
  const absl::Duration took = absl::Now() - start;
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(c.status().message()),
              HasSubstr("database pool exhausted (2 connections busy)"));
  EXPECT_GE(took, wait);
  EXPECT_LT(took, wait + absl::Milliseconds(250));
  EXPECT_EQ(pool->stats().timeouts, 1);
}

TEST_F(MysqlPoolTest, PastDeadlineIsDeadlineExceeded) {
  auto pool = NewPool(1);
  auto conn = pool->Borrow(absl::Now() - absl::Milliseconds(1));
  EXPECT_EQ(conn.status().code(), absl::StatusCode::kDeadlineExceeded);
}

TEST_F(MysqlPoolTest, WaiterGetsReturnedConnection) {
  auto pool = NewPool(1);
  auto held = std::make_unique<absl::StatusOr<PooledConnection>>(
      pool->Borrow(Deadline()));
  ASSERT_TRUE(held->ok());

  std::atomic<bool> got{false};
  std::thread waiter([&] {
    auto conn = pool->Borrow(Deadline(absl::Seconds(5)));
    got = conn.ok();
  });
  // Let the waiter block, then hand the connection back.
  for (int i = 0; i < 100 && pool->stats().waiting == 0; ++i) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_EQ(pool->stats().waiting, 1);
  held.reset();
  waiter.join();
  EXPECT_TRUE(got);
  EXPECT_EQ(pool->stats().open, 1);
}

TEST_F(MysqlPoolTest, KilledConnectionIsReplaced) {
  auto pool = NewPool(1);
  int64_t killed_id = 0;
  {
    auto conn = pool->Borrow(Deadline());
    ASSERT_TRUE(conn.ok());
    killed_id = QueryInt(**conn, "SELECT CONNECTION_ID()");
    ExecElsewhere(absl::StrCat("KILL ", killed_id));
    // The next use fails as UNAVAILABLE and marks the connection broken.
    absl::Status status;
    try {
      QueryInt(**conn, "SELECT 1");
      status = absl::OkStatus();
    } catch (const sql::SQLException& e) {
      status = FromSqlException(e, &**conn);
    }
    EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
    EXPECT_TRUE((*conn)->broken());
  }
  EXPECT_EQ(pool->stats().discarded, 1);
  EXPECT_EQ(pool->stats().open, 0);

  // The following borrow gets a fresh, working connection.
  auto fresh = pool->Borrow(Deadline());
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  EXPECT_NE(QueryInt(**fresh, "SELECT CONNECTION_ID()"), killed_id);
}

TEST_F(MysqlPoolTest, KilledConnectionThroughRunWithConnection) {
  auto pool = NewPool(1);
  int64_t id = 0;
  ASSERT_TRUE(RunWithConnection(*pool, Deadline(),
                                [&](MysqlConnection& c) -> absl::Status {
                                  id = QueryInt(c, "SELECT CONNECTION_ID()");
                                  ExecElsewhere(absl::StrCat("KILL ", id));
                                  return absl::OkStatus();
                                })
                  .ok());
  // Killed while idle and used at once (inside the ping window): the use
  // fails UNAVAILABLE, the connection is dropped, the next one works.
  absl::Status failed = RunWithConnection(
      *pool, Deadline(), [&](MysqlConnection& c) -> absl::Status {
        QueryInt(c, "SELECT 1");
        return absl::OkStatus();
      });
  EXPECT_EQ(failed.code(), absl::StatusCode::kUnavailable) << failed;
  absl::Status ok = RunWithConnection(
      *pool, Deadline(), [&](MysqlConnection& c) -> absl::Status {
        EXPECT_NE(QueryInt(c, "SELECT CONNECTION_ID()"), id);
        return absl::OkStatus();
      });
  EXPECT_TRUE(ok.ok()) << ok;
}

TEST_F(MysqlPoolTest, DeadIdleConnectionIsCheckedBeforeReuse) {
  auto pool = NewPool(1);
  int64_t id = 0;
  ASSERT_TRUE(RunWithConnection(*pool, Deadline(),
                                [&](MysqlConnection& c) -> absl::Status {
                                  id = QueryInt(c, "SELECT CONNECTION_ID()");
                                  return absl::OkStatus();
                                })
                  .ok());
  ExecElsewhere(absl::StrCat("KILL ", id));
  // Idle long enough to be pinged: the caller never sees the dead one.
  absl::SleepFor(absl::Milliseconds(1100));
  absl::Status status = RunWithConnection(
      *pool, Deadline(), [&](MysqlConnection& c) -> absl::Status {
        EXPECT_NE(QueryInt(c, "SELECT CONNECTION_ID()"), id);
        return absl::OkStatus();
      });
  EXPECT_TRUE(status.ok()) << status;
  EXPECT_EQ(pool->stats().discarded, 1);
}

TEST_F(MysqlPoolTest, UnreachableServerIsUnavailable) {
  MysqlOptions options = db_->options();
  options.unix_socket = "/nonexistent/mysqld.sock";
  options.connect_timeout = absl::Seconds(1);
  auto pool = MysqlPool::Create(options);
  ASSERT_TRUE(pool.ok());
  auto conn = (*pool)->Borrow(Deadline());
  EXPECT_EQ(conn.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(conn.status().message()),
              HasSubstr("/nonexistent/mysqld.sock"));
  EXPECT_EQ((*pool)->stats().open, 0);
}

TEST_F(MysqlPoolTest, PreparedStatementsAreCachedAndCleared) {
  auto pool = NewPool(1);
  auto conn = pool->Borrow(Deadline());
  ASSERT_TRUE(conn.ok());
  const int64_t prepares_before =
      QueryInt(**conn,
               "SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS "
               "WHERE VARIABLE_NAME = 'COM_STMT_PREPARE'");

  sql::PreparedStatement& first = (*conn)->Prepare("SELECT ? + 1");
  first.setInt(1, 41);
  {
    std::unique_ptr<sql::ResultSet> rs(first.executeQuery());
    ASSERT_TRUE(rs->next());
    EXPECT_EQ(rs->getInt(1), 42);
  }
  sql::PreparedStatement& second = (*conn)->Prepare("SELECT ? + 1");
  EXPECT_EQ(&first, &second);
  // Parameters of the previous use are gone.
  EXPECT_THROW(std::unique_ptr<sql::ResultSet>(second.executeQuery()),
               sql::SQLException);
  second.setInt(1, 1);
  {
    std::unique_ptr<sql::ResultSet> rs(second.executeQuery());
    ASSERT_TRUE(rs->next());
    EXPECT_EQ(rs->getInt(1), 2);
  }
  const int64_t prepares_after =
      QueryInt(**conn,
               "SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS "
               "WHERE VARIABLE_NAME = 'COM_STMT_PREPARE'");
  EXPECT_EQ(prepares_after - prepares_before, 1);
}

TEST_F(MysqlPoolTest, StatementCacheIsBoundedBetweenBorrows) {
  auto pool = NewPool(1);
  const std::string kCount =
      "SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS "
      "WHERE VARIABLE_NAME = 'COM_STMT_PREPARE'";
  {
    auto conn = pool->Borrow(Deadline());
    ASSERT_TRUE(conn.ok());
    // Dynamic SQL: every text is a statement of its own.
    for (int i = 0; i < 300; ++i) {
      (*conn)->Prepare(absl::StrCat("SELECT ", i));
    }
    // Within one borrow nothing is evicted: references stay valid.
    const int64_t before = QueryInt(**conn, kCount);
    (*conn)->Prepare("SELECT 0");
    EXPECT_EQ(QueryInt(**conn, kCount), before);
  }
  auto conn = pool->Borrow(Deadline());
  ASSERT_TRUE(conn.ok());
  const int64_t before = QueryInt(**conn, kCount);
  (*conn)->Prepare("SELECT 0");
  EXPECT_EQ(QueryInt(**conn, kCount), before + 1);  // trimmed on return
  EXPECT_EQ(pool->stats().discarded, 0);
}

TEST_F(MysqlPoolTest, ManyThreadsShareABoundedPool) {
  auto pool = NewPool(3);
  ASSERT_TRUE(RunWithConnection(*pool, Deadline(),
                                [&](MysqlConnection& c) -> absl::Status {
                                  Exec(c,
                                       "CREATE TABLE t (id INT AUTO_INCREMENT "
                                       "PRIMARY KEY) ENGINE=InnoDB");
                                  return absl::OkStatus();
                                })
                  .ok());
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 25; ++j) {
        absl::Status s = RunInTransaction(
            *pool, Deadline(), [&](MysqlConnection& c) -> absl::Status {
              sql::PreparedStatement& stmt =
                  c.Prepare("INSERT INTO t VALUES (NULL)");
              stmt.executeUpdate();
              return absl::OkStatus();
            });
        if (!s.ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures, 0);
  EXPECT_LE(pool->stats().open, 3);
  ASSERT_TRUE(
      RunWithConnection(*pool, Deadline(),
                        [&](MysqlConnection& c) -> absl::Status {
                          EXPECT_EQ(QueryInt(c, "SELECT COUNT(*) FROM t"), 200);
                          return absl::OkStatus();
                        })
          .ok());
}

}  // namespace
}  // namespace csm::mysql_pool_test
