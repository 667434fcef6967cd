#include "common/migrations.h"

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/sha256.h"
#include "cppconn/connection.h"
#include "cppconn/resultset.h"
#include "cppconn/statement.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/test_database.h"

namespace csm {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(MigrationSha256Test, KnownVectors) {
  EXPECT_EQ(internal::Sha256Hex(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(internal::Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(internal::Sha256Hex(
                "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

class MigrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = testing::TestDatabase::Create();
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    pool_ = NewPool();
  }

  std::unique_ptr<MysqlPool> NewPool() {
    MysqlOptions options = db_->options();
    options.pool_size = 2;
    auto pool = MysqlPool::Create(options);
    EXPECT_TRUE(pool.ok()) << pool.status();
    return *std::move(pool);
  }

  std::vector<std::string> Column(const std::string& sql) {
    std::vector<std::string> out;
    absl::Status s = RunWithConnection(
        *pool_, absl::Now() + absl::Seconds(10),
        [&](MysqlConnection& c) -> absl::Status {
          std::unique_ptr<sql::Statement> stmt(c.raw().createStatement());
          std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery(sql));
          while (rs->next()) out.push_back(rs->getString(1));
          return absl::OkStatus();
        });
    EXPECT_TRUE(s.ok()) << s;
    return out;
  }

  std::vector<std::string> Recorded() {
    return Column(
        "SELECT CONCAT(component, '/', version, '/', name) "
        "FROM schema_migrations ORDER BY applied_at, component, version");
  }

  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<MysqlPool> pool_;
};

const std::vector<Migration>& Base() {
  static const std::vector<Migration> kMigrations = {
      {"common", 1, "events",
       "CREATE TABLE events (id INT PRIMARY KEY, what VARCHAR(64)) "
       "ENGINE=InnoDB;\n"},
      {"common", 2, "seed", "INSERT INTO events VALUES (1, 'first');\n"},
      // The service's migration relies on common's: order matters.
      {"svc", 1, "things",
       "CREATE TABLE things (id INT PRIMARY KEY) ENGINE=InnoDB;\n"
       "INSERT INTO things SELECT id FROM events;\n"},
  };
  return kMigrations;
}

TEST_F(MigrationTest, AppliesInOrderAndRecords) {
  ASSERT_TRUE(ApplyMigrations(*pool_, Base()).ok());
  EXPECT_THAT(Recorded(),
              ElementsAre("common/1/events", "common/2/seed", "svc/1/things"));
  EXPECT_THAT(Column("SELECT id FROM things"), ElementsAre("1"));
  EXPECT_THAT(Column("SELECT checksum FROM schema_migrations WHERE "
                     "component = 'common' AND version = 2"),
              ElementsAre(internal::Sha256Hex(Base()[1].sql)));
}

TEST_F(MigrationTest, RerunIsNoOp) {
  ASSERT_TRUE(ApplyMigrations(*pool_, Base()).ok());
  const std::vector<std::string> applied_at =
      Column("SELECT applied_at FROM schema_migrations ORDER BY version");
  // Would fail (table exists, duplicate row) if anything ran again.
  absl::Status again = ApplyMigrations(*pool_, Base());
  EXPECT_TRUE(again.ok()) << again;
  EXPECT_EQ(Column("SELECT applied_at FROM schema_migrations ORDER BY version"),
            applied_at);
  EXPECT_THAT(Column("SELECT COUNT(*) FROM events"), ElementsAre("1"));
}

TEST_F(MigrationTest, NewMigrationsAreAppliedLater) {
  std::vector<Migration> first(Base().begin(), Base().begin() + 2);
  ASSERT_TRUE(ApplyMigrations(*pool_, first).ok());
  EXPECT_EQ(Recorded().size(), 2u);
  ASSERT_TRUE(ApplyMigrations(*pool_, Base()).ok());
  EXPECT_EQ(Recorded().size(), 3u);
}

TEST_F(MigrationTest, ChangedChecksumIsRefused) {
  ASSERT_TRUE(ApplyMigrations(*pool_, Base()).ok());
  std::vector<Migration> edited = Base();
  edited[1].sql = "INSERT INTO events VALUES (1, 'edited');\n";
  absl::Status status = ApplyMigrations(*pool_, edited);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(status.message()),
              AllOf(HasSubstr("common/002_seed.sql"), HasSubstr("changed")));
}

TEST_F(MigrationTest, FailingMigrationStopsWithAClearMessage) {
  std::vector<Migration> migrations = {
      Base()[0],
      {"common", 2, "broken",
       "-- a comment line\n"
       "INSERT INTO events VALUES (2, 'ok');\n"
       "ALTER TABLE events\n  ADD COLUMN oops NOT_A_TYPE;\n"},
      {"common", 3, "after", "CREATE TABLE after_broken (id INT);\n"},
  };
  absl::Status status = ApplyMigrations(*pool_, migrations);
  ASSERT_FALSE(status.ok());
  const std::string message(status.message());
  EXPECT_THAT(message, HasSubstr("common/002_broken.sql"));
  EXPECT_THAT(message, HasSubstr("ALTER TABLE events"));
  EXPECT_THAT(message, Not(HasSubstr("a comment line")));
  EXPECT_THAT(message, HasSubstr("NOT_A_TYPE"));  // the server's message
  EXPECT_THAT(Recorded(), ElementsAre("common/1/events"));
  EXPECT_TRUE(Column("SHOW TABLES LIKE 'after_broken'").empty());
  // The failed migration's DML was rolled back with it.
  EXPECT_THAT(Column("SELECT COUNT(*) FROM events"), ElementsAre("0"));

  // Fixed, it applies along with the ones after it.
  migrations[1].sql =
      "INSERT INTO events VALUES (2, 'ok');\n"
      "ALTER TABLE events ADD COLUMN fixed INT;\n";
  status = ApplyMigrations(*pool_, migrations);
  EXPECT_TRUE(status.ok()) << status;
  EXPECT_THAT(Recorded(), ElementsAre("common/1/events", "common/2/broken",
                                      "common/3/after"));
}

TEST_F(MigrationTest, VersionsMustIncrease) {
  std::vector<Migration> bad = {
      {"common", 2, "b", "SELECT 1;"},
      {"common", 1, "a", "SELECT 1;"},
  };
  absl::Status status = ApplyMigrations(*pool_, bad);
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(std::string(status.message()), HasSubstr("strictly increasing"));
  std::vector<Migration> dup = {
      {"common", 1, "a", "SELECT 1;"},
      {"common", 1, "a", "SELECT 1;"},
  };
  EXPECT_EQ(ApplyMigrations(*pool_, dup).code(), absl::StatusCode::kInternal);
  // Nothing ran: the table does not even exist.
  EXPECT_TRUE(Column("SHOW TABLES LIKE 'schema_migrations'").empty());
}

TEST_F(MigrationTest, StatementSplittingRespectsQuotesAndComments) {
  std::vector<Migration> migrations = {
      {"common", 1, "tricky",
       "/* header; with a semicolon;\n   over lines; */\n"
       "CREATE TABLE notes (id INT PRIMARY KEY, body TEXT) ENGINE=InnoDB;\n"
       "-- a comment; with semicolons;\n"
       "# another one;\n"
       "INSERT INTO notes VALUES (1, 'semi;\ncolon;'),\n"
       "  (2, 'it''s; fine'), (3, \"double \\\" quoted;\");  -- trailing;\n"
       "INSERT INTO notes VALUES (4, 'a;b'); INSERT INTO notes VALUES (5, ''); "
       "\n"
       ";\n"
       "INSERT INTO notes VALUES (6, 'no terminator')"},
  };
  // Two statements on one line stay one statement (and MySQL rejects it):
  // that is the documented rule, so check the error first.
  absl::Status status = ApplyMigrations(*pool_, migrations);
  EXPECT_FALSE(status.ok());
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("INSERT INTO notes VALUES (4, 'a;b'); INSERT"));

  migrations[0].version = 2;  // a fresh version with the line split
  migrations[0].sql =
      "/* header; with a semicolon;\n   over lines; */\n"
      "CREATE TABLE IF NOT EXISTS notes (id INT PRIMARY KEY, body TEXT) "
      "ENGINE=InnoDB;\n"
      "-- a comment; with semicolons;\n"
      "# another one;\n"
      "INSERT INTO notes VALUES (1, 'semi;\ncolon;'),\n"
      "  (2, 'it''s; fine'), (3, \"double \\\" quoted;\");  -- trailing;\n"
      "INSERT INTO notes VALUES (4, 'a;b');\n"
      ";\n"
      "INSERT INTO notes VALUES (6, 'no terminator')";
  status = ApplyMigrations(*pool_, migrations);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_THAT(Column("SELECT body FROM notes ORDER BY id"),
              ElementsAre("semi;\ncolon;", "it's; fine", "double \" quoted;",
                          "a;b", "no terminator"));
}

TEST_F(MigrationTest, ConcurrentAppliersApplyEachOnce) {
  std::vector<Migration> migrations = {
      {"common", 1, "counter",
       "CREATE TABLE applied (n INT NOT NULL) ENGINE=InnoDB;\n"},
      // Not idempotent: a second run would add a second row.
      {"common", 2, "bump", "INSERT INTO applied VALUES (1);\n"},
      {"svc", 1, "slow", "DO SLEEP(0.2);\n"},
  };
  std::unique_ptr<MysqlPool> other = NewPool();
  absl::Status s1, s2;
  std::thread t1([&] { s1 = ApplyMigrations(*pool_, migrations); });
  std::thread t2([&] { s2 = ApplyMigrations(*other, migrations); });
  t1.join();
  t2.join();
  EXPECT_TRUE(s1.ok()) << s1;
  EXPECT_TRUE(s2.ok()) << s2;
  EXPECT_THAT(Column("SELECT COUNT(*) FROM applied"), ElementsAre("1"));
  EXPECT_EQ(Recorded().size(), 3u);
}

TEST_F(MigrationTest, CommonSchemaApplies) {
  absl::Status status = ApplyMigrations(*pool_, csm_common_schema_migrations());
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_THAT(Column("SELECT last_sequence FROM outbox_counter WHERE id = 1"),
              ElementsAre("0"));
  EXPECT_FALSE(Column("SHOW TABLES LIKE 'idempotency_keys'").empty());
  EXPECT_TRUE(ApplyMigrations(*pool_, csm_common_schema_migrations()).ok());
}

}  // namespace
}  // namespace csm
