#include "common/service_assembly.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cppconn/resultset.h"
#include "cppconn/statement.h"
#include "tests/testing/health.h"
#include "tests/testing/test_database.h"

namespace csm {
namespace {

constexpr int kServing = 1;
constexpr int kNotServing = 2;

// Runs `sql` as root on the fixture's server.
void AsRoot(MysqlPool& root, const std::string& sql) {
  absl::Status s = RunWithConnection(root, absl::Now() + absl::Seconds(10),
                                     [&](MysqlConnection& c) -> absl::Status {
                                       c.Execute(sql.c_str());
                                       return absl::OkStatus();
                                     });
  ASSERT_TRUE(s.ok()) << sql << ": " << s;
}

// A service assembly that reaches its database as a user of its own, so
// that the test can lock that user out (the server keeps running for
// every other test) and let it back in.
class DatabaseHealthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = testing::TestDatabase::Create();
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    auto root = MysqlPool::Create(db_->options());
    ASSERT_TRUE(root.ok()) << root.status();
    root_ = std::move(*root);
    user_ = absl::StrCat("probe_", db_->name()).substr(0, 32);
    AsRoot(*root_, absl::StrCat("CREATE USER '", user_,
                                "'@'localhost' IDENTIFIED BY 'probe-pw'"));
    AsRoot(*root_, absl::StrCat("GRANT ALL ON `", db_->name(), "`.* TO '",
                                user_, "'@'localhost'"));
  }

  void TearDown() override {
    if (assembly_ != nullptr) assembly_->Shutdown();
    assembly_.reset();
    if (root_ != nullptr)
      AsRoot(*root_, absl::StrCat("DROP USER '", user_, "'@'localhost'"));
  }

  void StartService(int pool_size) {
    ServiceConfig config;
    config.mysql = db_->options();
    config.mysql.user = user_;
    config.mysql.password = "probe-pw";
    config.mysql.pool_size = pool_size;
    config.mysql.connect_timeout = absl::Seconds(2);
    config.server.service_name = "test-svc";
    config.server.listen_address = "127.0.0.1:0";
    config.server.metrics_address = "";
    config.server.database_probe_interval = absl::Milliseconds(100);
    config.server.shutdown_quiet = absl::Milliseconds(20);
    config.runtime.service = "test-svc";
    auto a = ServiceAssembly::Create(config, {}, &verifier_, nullptr);
    ASSERT_TRUE(a.ok()) << a.status();
    assembly_ = std::move(*a);
    ASSERT_TRUE(assembly_->Start().ok());
  }

  int Health() {
    return testing::CheckHealth(absl::StrCat("127.0.0.1:", assembly_->port()),
                                "")
        .serving_status;
  }

  // Polls health until it says `want` (at most 10 s); the last answer.
  int AwaitHealth(int want) {
    const absl::Time until = absl::Now() + absl::Seconds(10);
    int got = Health();
    while (got != want && absl::Now() < until) {
      absl::SleepFor(absl::Milliseconds(50));
      got = Health();
    }
    return got;
  }

  // Ends every session of the service's user (its pooled connections).
  void KillSessions() {
    std::vector<int64_t> ids;
    absl::Status s = RunWithConnection(
        *root_, absl::Now() + absl::Seconds(10),
        [&](MysqlConnection& c) -> absl::Status {
          sql::PreparedStatement& q = c.Prepare(
              "SELECT id FROM information_schema.PROCESSLIST WHERE user = ?");
          q.setString(1, user_);
          std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
          while (rs->next()) ids.push_back(rs->getInt64(1));
          return absl::OkStatus();
        });
    ASSERT_TRUE(s.ok()) << s;
    for (int64_t id : ids) AsRoot(*root_, absl::StrCat("KILL ", id));
  }

  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<MysqlPool> root_;
  std::string user_;
  TokenVerifier verifier_{testing::kTestJwtSecret, testing::kTestIssuer};
  std::unique_ptr<ServiceAssembly> assembly_;
};

TEST_F(DatabaseHealthTest,
       NotServingWhileTheDatabaseRefusesItThenServingAgain) {
  StartService(/*pool_size=*/4);
  EXPECT_EQ(Health(), kServing);

  AsRoot(*root_,
         absl::StrCat("ALTER USER '", user_, "'@'localhost' ACCOUNT LOCK"));
  KillSessions();
  EXPECT_EQ(AwaitHealth(kNotServing), kNotServing);
  // Alive all the same: liveness must not restart a replica for its
  // database.
  EXPECT_EQ(testing::CheckHealth(absl::StrCat("127.0.0.1:", assembly_->port()),
                                 ServiceHost::kLivenessName)
                .serving_status,
            kServing);

  AsRoot(*root_,
         absl::StrCat("ALTER USER '", user_, "'@'localhost' ACCOUNT UNLOCK"));
  EXPECT_EQ(AwaitHealth(kServing), kServing);
}

// Busy is not down: with every connection borrowed the probe cannot get
// one, and health stays SERVING.
TEST_F(DatabaseHealthTest, AllConnectionsBusyIsStillServing) {
  StartService(/*pool_size=*/3);
  // Every connection the pool will give (the outbox sequencer holds one).
  std::vector<PooledConnection> held;
  while (true) {
    absl::StatusOr<PooledConnection> c =
        assembly_->pool().Borrow(absl::Now() + absl::Milliseconds(300));
    if (!c.ok()) break;
    held.push_back(std::move(*c));
  }
  ASSERT_FALSE(held.empty());
  ASSERT_LE(held.size(), 3u);
  // Ten probe intervals; each probe waits its second for a connection.
  absl::SleepFor(absl::Milliseconds(2500));
  EXPECT_EQ(Health(), kServing);
  held.clear();
  EXPECT_EQ(Health(), kServing);
}

}  // namespace
}  // namespace csm
