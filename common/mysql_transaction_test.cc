// MySQL errors mapped to status codes, RunInTransaction's commit and
// rollback, and deadlock retries, against the real MariaDB.
#include <atomic>
#include <latch>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/mysql_pool.h"
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
  ASSERT_NO_FATAL_FAILURE(
      ExecElsewhere("CREATE TABLE t (id INT PRIMARY KEY) ENGINE=InnoDB"));
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
  ASSERT_NO_FATAL_FAILURE(
      ExecElsewhere("CREATE TABLE t (id INT PRIMARY KEY) ENGINE=InnoDB"));
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

}  // namespace
}  // namespace csm::mysql_pool_test
