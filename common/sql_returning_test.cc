// INSERT ... RETURNING through Connector/C++'s prepared statements, as the
// stores use it to save a SELECT LAST_INSERT_ID() round trip per insert:
// sql_rows::InsertedId, and the counters' upsert whose RETURNING gives the
// row as written by the update.
#include <memory>
#include <string>

#include "common/mysql_pool.h"
#include "common/mysql_pool_test_fixture.h"
#include "common/sql_rows.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace csm::mysql_pool_test {
namespace {

int64_t StatementsExecuted(MysqlConnection& conn) {
  return QueryInt(
      conn,
      "SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS "
      "WHERE VARIABLE_NAME = 'COM_STMT_EXECUTE'");
}

TEST_F(MysqlPoolTest, InsertedIdIsEachNewRowsIdInOneStatement) {
  auto pool = NewPool(1);
  auto conn = pool->Borrow(Deadline());
  ASSERT_TRUE(conn.ok());
  Exec(**conn,
       "CREATE TABLE notes (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, "
       "text VARCHAR(20) NOT NULL) AUTO_INCREMENT = 41");
  const int64_t executed_before = StatementsExecuted(**conn);
  for (const int64_t expected : {41, 42}) {
    sql::PreparedStatement& insert =
        (*conn)->Prepare("INSERT INTO notes (text) VALUES (?) RETURNING id");
    insert.setString(1, "note " + std::to_string(expected));
    absl::StatusOr<int64_t> id = sql_rows::InsertedId(insert);
    ASSERT_TRUE(id.ok()) << id.status();
    EXPECT_EQ(*id, expected);
  }
  // One execution per insert: no SELECT LAST_INSERT_ID() after it.
  EXPECT_EQ(StatementsExecuted(**conn) - executed_before, 2);
  EXPECT_EQ(QueryString(**conn, "SELECT text FROM notes WHERE id = 42"),
            "note 42");
}

TEST_F(MysqlPoolTest, InsertedIdOfAnInsertThatReturnsNoRowIsInternal) {
  auto pool = NewPool(1);
  auto conn = pool->Borrow(Deadline());
  ASSERT_TRUE(conn.ok());
  Exec(**conn, "CREATE TABLE notes (id BIGINT NOT NULL PRIMARY KEY)");
  Exec(**conn, "INSERT INTO notes VALUES (1)");
  // IGNORE with a duplicate key inserts nothing, so RETURNING has no row.
  sql::PreparedStatement& insert =
      (*conn)->Prepare("INSERT IGNORE INTO notes (id) VALUES (1) RETURNING id");
  absl::StatusOr<int64_t> id = sql_rows::InsertedId(insert);
  EXPECT_EQ(id.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(id.status().message(), HasSubstr("RETURNING id returned no row"));
}

// The archive and complaint number counters rely on it: the first upsert of
// a period inserts 1, each later one returns the value its update wrote
// (not the 1 of its VALUES), so one statement numbers a record.
TEST_F(MysqlPoolTest, AnUpsertReturnsTheValueItsUpdateWrote) {
  auto pool = NewPool(1);
  auto conn = pool->Borrow(Deadline());
  ASSERT_TRUE(conn.ok());
  Exec(**conn,
       "CREATE TABLE counters (period CHAR(6) NOT NULL PRIMARY KEY, "
       "last_value BIGINT NOT NULL)");
  auto next = [&](const std::string& period) {
    sql::PreparedStatement& upsert = (*conn)->Prepare(
        "INSERT INTO counters (period, last_value) VALUES (?, 1) ON DUPLICATE "
        "KEY UPDATE last_value = last_value + 1 RETURNING last_value");
    upsert.setString(1, period);
    std::unique_ptr<sql::ResultSet> rs(upsert.executeQuery());
    EXPECT_TRUE(rs->next());
    return rs->getInt64(1);
  };
  EXPECT_EQ(next("202611"), 1);
  EXPECT_EQ(next("202611"), 2);
  EXPECT_EQ(next("202611"), 3);
  EXPECT_EQ(next("202612"), 1);
  EXPECT_EQ(next("202611"), 4);
  EXPECT_EQ(QueryInt(**conn,
                     "SELECT last_value FROM counters WHERE period = "
                     "'202611'"),
            4);
}

}  // namespace
}  // namespace csm::mysql_pool_test
