// The MysqlPool tests' fixture (mysql_pool_test.cc: borrowing, sessions,
// replacement, statement cache, threads; mysql_transaction_test.cc: error
// mapping, transactions, deadlocks): a fresh database and small queries.
#ifndef CSM_COMMON_MYSQL_POOL_TEST_FIXTURE_H_
#define CSM_COMMON_MYSQL_POOL_TEST_FIXTURE_H_

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
#include "cppconn/connection.h"
#include "cppconn/exception.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"
#include "cppconn/statement.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/test_database.h"

namespace csm::mysql_pool_test {

using ::testing::HasSubstr;

inline absl::Time Deadline(absl::Duration d = absl::Seconds(10)) {
  return absl::Now() + d;
}

inline void Exec(MysqlConnection& conn, const std::string& sql) {
  std::unique_ptr<sql::Statement> stmt(conn.raw().createStatement());
  stmt->execute(sql);
}

inline int64_t QueryInt(MysqlConnection& conn, const std::string& sql) {
  std::unique_ptr<sql::Statement> stmt(conn.raw().createStatement());
  std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery(sql));
  EXPECT_TRUE(rs->next()) << sql;
  return rs->getInt64(1);
}

inline std::string QueryString(MysqlConnection& conn, const std::string& sql) {
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

}  // namespace csm::mysql_pool_test

#endif  // CSM_COMMON_MYSQL_POOL_TEST_FIXTURE_H_
