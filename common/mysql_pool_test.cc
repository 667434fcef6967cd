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
#include "cppconn/connection.h"
#include "cppconn/exception.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"
#include "cppconn/statement.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/test_database.h"

namespace csm {
namespace {

using ::testing::HasSubstr;

absl::Time Deadline(absl::Duration d = absl::Seconds(10)) {
  return absl::Now() + d;
}

void Exec(MysqlConnection& conn, const std::string& sql) {
  std::unique_ptr<sql::Statement> stmt(conn.raw().createStatement());
  stmt->execute(sql);
}

int64_t QueryInt(MysqlConnection& conn, const std::string& sql) {
  std::unique_ptr<sql::Statement> stmt(conn.raw().createStatement());
  std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery(sql));
  EXPECT_TRUE(rs->next()) << sql;
  return rs->getInt64(1);
}

std::string QueryString(MysqlConnection& conn, const std::string& sql) {
  std::unique_ptr<sql::Statement> stmt(conn.raw().createStatement());
  std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery(sql));
  EXPECT_TRUE(rs->next()) << sql;
  return rs->getString(1);
}

class MysqlPoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = testing::TestDatabase::Create();
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
  }

  std::unique_ptr<MysqlPool> NewPool(int size) {
    MysqlOptions options = db_->options();
    options.pool_size = size;
    auto pool = MysqlPool::Create(options);
    EXPECT_TRUE(pool.ok()) << pool.status();
    return pool.ok() ? *std::move(pool) : nullptr;
  }

  // Runs `sql` on a connection of its own (not from `pool`).
  void ExecElsewhere(const std::string& sql) {
    std::unique_ptr<MysqlPool> other = NewPool(1);
    ASSERT_TRUE(other != nullptr);
    ASSERT_TRUE(RunWithConnection(*other, Deadline(),
                                  [&](MysqlConnection& c) -> absl::Status {
                                    Exec(c, sql);
                                    return absl::OkStatus();
                                  })
                    .ok());
  }

  std::unique_ptr<testing::TestDatabase> db_;
};

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

TEST_F(MysqlPoolTest, DuplicateKeyMapping) {
  auto pool = NewPool(1);
  absl::Status status = RunWithConnection(
      *pool, Deadline(), [&](MysqlConnection& c) -> absl::Status {
        Exec(c, "CREATE TABLE k (id INT PRIMARY KEY) ENGINE=InnoDB");
        Exec(c, "INSERT INTO k VALUES (1)");
        Exec(c, "INSERT INTO k VALUES (1)");
        return absl::OkStatus();
      });
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_TRUE(IsDuplicateKey(status));
  EXPECT_THAT(std::string(status.message()), HasSubstr("1062"));
  // Only the database's duplicate key counts, not any ALREADY_EXISTS.
  EXPECT_FALSE(IsDuplicateKey(absl::AlreadyExistsError("customer exists")));
  EXPECT_FALSE(IsDuplicateKey(absl::OkStatus()));
}

TEST_F(MysqlPoolTest, ErrorMapping) {
  sql::SQLException deadlock("Deadlock found", "40001", 1213);
  sql::SQLException lock_wait("Lock wait timeout", "HY000", 1205);
  sql::SQLException gone("MySQL server has gone away", "HY000", 2006);
  sql::SQLException syntax("You have an error", "42000", 1064);
  EXPECT_EQ(FromSqlException(deadlock).code(), absl::StatusCode::kAborted);
  EXPECT_EQ(FromSqlException(lock_wait).code(), absl::StatusCode::kAborted);
  EXPECT_EQ(FromSqlException(syntax).code(), absl::StatusCode::kInternal);

  auto pool = NewPool(1);
  auto conn = pool->Borrow(Deadline());
  ASSERT_TRUE(conn.ok());
  EXPECT_EQ(FromSqlException(gone, &**conn).code(),
            absl::StatusCode::kUnavailable);
  EXPECT_TRUE((*conn)->broken());
}

TEST_F(MysqlPoolTest, TransactionCommitsOnOk) {
  auto pool = NewPool(2);
  ASSERT_TRUE(RunWithConnection(*pool, Deadline(),
                                [&](MysqlConnection& c) -> absl::Status {
                                  Exec(c,
                                       "CREATE TABLE t (id INT PRIMARY KEY) "
                                       "ENGINE=InnoDB");
                                  return absl::OkStatus();
                                })
                  .ok());
  absl::Status status = RunInTransaction(
      *pool, Deadline(), [&](MysqlConnection& c) -> absl::Status {
        EXPECT_EQ(QueryInt(c, "SELECT @@in_transaction"), 1);
        Exec(c, "INSERT INTO t VALUES (1)");
        Exec(c, "INSERT INTO t VALUES (2)");
        return absl::OkStatus();
      });
  ASSERT_TRUE(status.ok()) << status;
  ASSERT_TRUE(
      RunWithConnection(*pool, Deadline(),
                        [&](MysqlConnection& c) -> absl::Status {
                          EXPECT_TRUE(c.raw().getAutoCommit());
                          EXPECT_EQ(QueryInt(c, "SELECT @@in_transaction"), 0);
                          EXPECT_EQ(QueryInt(c, "SELECT COUNT(*) FROM t"), 2);
                          return absl::OkStatus();
                        })
          .ok());
}

TEST_F(MysqlPoolTest, TransactionRollsBackOnErrorAndException) {
  auto pool = NewPool(2);
  ASSERT_TRUE(RunWithConnection(*pool, Deadline(),
                                [&](MysqlConnection& c) -> absl::Status {
                                  Exec(c,
                                       "CREATE TABLE t (id INT PRIMARY KEY) "
                                       "ENGINE=InnoDB");
                                  return absl::OkStatus();
                                })
                  .ok());
  absl::Status returned = RunInTransaction(
      *pool, Deadline(), [&](MysqlConnection& c) -> absl::Status {
        Exec(c, "INSERT INTO t VALUES (1)");
        return absl::FailedPreconditionError("business rule says no");
      });
  EXPECT_EQ(returned.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(returned.message(), "business rule says no");

  absl::Status thrown = RunInTransaction(
      *pool, Deadline(), [&](MysqlConnection& c) -> absl::Status {
        Exec(c, "INSERT INTO t VALUES (2)");
        Exec(c, "INSERT INTO no_such_table VALUES (3)");
        return absl::OkStatus();
      });
  EXPECT_EQ(thrown.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(std::string(thrown.message()), HasSubstr("no_such_table"));

  // An ABORTED from business code (e.g. a stale etag) is not retried.
  int attempts = 0;
  absl::Status aborted = RunInTransaction(
      *pool, Deadline(), [&](MysqlConnection& c) -> absl::Status {
        ++attempts;
        Exec(c, "INSERT INTO t VALUES (4)");
        return absl::AbortedError("etag mismatch");
      });
  EXPECT_EQ(aborted.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(attempts, 1);

  ASSERT_TRUE(RunWithConnection(*pool, Deadline(),
                                [&](MysqlConnection& c) -> absl::Status {
                                  EXPECT_EQ(
                                      QueryInt(c, "SELECT COUNT(*) FROM t"), 0);
                                  return absl::OkStatus();
                                })
                  .ok());
  EXPECT_EQ(pool->stats().discarded, 0);
}

class MysqlPoolDeadlockTest : public MysqlPoolTest {
 protected:
  void SetUp() override {
    MysqlPoolTest::SetUp();
    pool_ = NewPool(4);
    ASSERT_TRUE(RunWithConnection(*pool_, Deadline(),
                                  [&](MysqlConnection& c) -> absl::Status {
                                    Exec(c,
                                         "CREATE TABLE acct (id INT PRIMARY "
                                         "KEY, n INT NOT NULL) ENGINE=InnoDB");
                                    Exec(c,
                                         "INSERT INTO acct VALUES (1, 0), "
                                         "(2, 0)");
                                    return absl::OkStatus();
                                  })
                    .ok());
  }

  // Two transactions lock rows 1 and 2 in opposite orders; both hold their
  // first lock before asking for the second, so InnoDB must pick a victim.
  void RunCrossing(int max_attempts, absl::Status* s1, absl::Status* s2,
                   int* attempts) {
    std::latch both_locked(2);
    std::atomic<int> total{0};
    auto body = [&](int first, int second) {
      return [&, first, second](MysqlConnection& c) -> absl::Status {
        const int attempt = ++total;
        Exec(c, absl::StrCat("UPDATE acct SET n = n + 1 WHERE id = ", first));
        if (attempt <= 2) both_locked.arrive_and_wait();
        Exec(c, absl::StrCat("UPDATE acct SET n = n + 1 WHERE id = ", second));
        return absl::OkStatus();
      };
    };
    std::thread t1([&] {
      *s1 = RunInTransaction(*pool_, Deadline(), body(1, 2), max_attempts);
    });
    std::thread t2([&] {
      *s2 = RunInTransaction(*pool_, Deadline(), body(2, 1), max_attempts);
    });
    t1.join();
    t2.join();
    *attempts = total;
  }

  int64_t Sum() {
    int64_t sum = -1;
    EXPECT_TRUE(RunWithConnection(*pool_, Deadline(),
                                  [&](MysqlConnection& c) -> absl::Status {
                                    sum =
                                        QueryInt(c, "SELECT SUM(n) FROM acct");
                                    return absl::OkStatus();
                                  })
                    .ok());
    return sum;
  }

  std::unique_ptr<MysqlPool> pool_;
};

TEST_F(MysqlPoolDeadlockTest, DeadlockIsRetriedAndBothCommit) {
  absl::Status s1, s2;
  int attempts = 0;
  RunCrossing(3, &s1, &s2, &attempts);
  EXPECT_TRUE(s1.ok()) << s1;
  EXPECT_TRUE(s2.ok()) << s2;
  EXPECT_GE(attempts, 3);  // the victim ran again
  EXPECT_EQ(Sum(), 4);
}

TEST_F(MysqlPoolDeadlockTest, WithoutRetriesTheVictimGetsAborted) {
  absl::Status s1, s2;
  int attempts = 0;
  RunCrossing(1, &s1, &s2, &attempts);
  EXPECT_EQ(attempts, 2);
  EXPECT_NE(s1.ok(), s2.ok()) << s1 << " / " << s2;
  const absl::Status& victim = s1.ok() ? s2 : s1;
  EXPECT_EQ(victim.code(), absl::StatusCode::kAborted);
  EXPECT_THAT(std::string(victim.message()), HasSubstr("1213"));
  EXPECT_EQ(Sum(), 2);
}

TEST_F(MysqlPoolDeadlockTest, LockWaitNeverOutlivesTheDeadline) {
  std::latch locked(1);
  std::latch done(1);
  std::thread holder([&] {
    absl::Status s =
        RunInTransaction(*pool_, Deadline(absl::Seconds(30)),
                         [&](MysqlConnection& c) -> absl::Status {
                           Exec(c, "UPDATE acct SET n = n + 1 WHERE id = 1");
                           locked.count_down();
                           done.wait();
                           return absl::OkStatus();
                         });
    EXPECT_TRUE(s.ok()) << s;
  });
  locked.wait();
  const absl::Time start = absl::Now();
  absl::Status waited =
      RunInTransaction(*pool_, start + absl::Milliseconds(1500),
                       [&](MysqlConnection& c) -> absl::Status {
                         Exec(c, "UPDATE acct SET n = n + 1 WHERE id = 1");
                         return absl::OkStatus();
                       });
  const absl::Duration took = absl::Now() - start;
  done.count_down();
  holder.join();
  EXPECT_EQ(waited.code(), absl::StatusCode::kAborted) << waited;
  EXPECT_THAT(std::string(waited.message()), HasSubstr("1205"));
  // innodb_lock_wait_timeout = ceil(1.5 s) = 2 s, not the 50 s default.
  EXPECT_LT(took, absl::Seconds(3));
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
}  // namespace csm
