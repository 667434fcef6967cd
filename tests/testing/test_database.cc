#include "tests/testing/test_database.h"

#include <cstdlib>
#include <memory>
#include <string>
#include <utility>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/migrations.h"
#include "common/status.h"
#include "cppconn/statement.h"

namespace csm::testing {
namespace {

MysqlOptions RootOptions() {
  MysqlOptions o;
  const char* sock = std::getenv("CSM_TEST_MYSQL_SOCKET");
  o.unix_socket = sock != nullptr ? sock : "";
  o.user = "root";
  o.pool_size = 2;
  return o;
}

absl::Status Execute(const MysqlOptions& options, const std::string& sql) {
  CSM_ASSIGN_OR_RETURN(std::unique_ptr<MysqlPool> pool,
                       MysqlPool::Create(options));
  return RunWithConnection(
      *pool, absl::Now() + absl::Seconds(30),
      [&](MysqlConnection& conn) -> absl::Status {
        std::unique_ptr<sql::Statement> stmt(conn.raw().createStatement());
        stmt->execute(sql);
        return absl::OkStatus();
      });
}

}  // namespace

absl::StatusOr<std::unique_ptr<TestDatabase>> TestDatabase::Create() {
  MysqlOptions options = RootOptions();
  if (options.unix_socket.empty()) {
    return absl::FailedPreconditionError(
        "CSM_TEST_MYSQL_SOCKET is not set: run database tests through ctest, "
        "which starts the test MariaDB (fixture 'mariadb')");
  }
  static absl::BitGen gen;
  std::string name =
      absl::StrCat("t_", absl::ToUnixMillis(absl::Now()) % 100000000, "_",
                   absl::Uniform<uint32_t>(gen, 0, 1000000000));
  CSM_RETURN_IF_ERROR(Execute(
      options,
      absl::StrCat("CREATE DATABASE `", name,
                   "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")));
  options.database = name;
  options.pool_size = 8;
  return std::unique_ptr<TestDatabase>(new TestDatabase(std::move(options)));
}

TestDatabase::~TestDatabase() {
  MysqlOptions root = RootOptions();
  (void)Execute(
      root, absl::StrCat("DROP DATABASE IF EXISTS `", options_.database, "`"));
}

absl::StatusOr<std::unique_ptr<MysqlPool>> CommonSchemaPool(
    const TestDatabase& db, int pool_size) {
  MysqlOptions options = db.options();
  options.pool_size = pool_size;
  CSM_ASSIGN_OR_RETURN(std::unique_ptr<MysqlPool> pool,
                       MysqlPool::Create(options));
  CSM_RETURN_IF_ERROR(ApplyMigrations(*pool, csm_common_schema_migrations()));
  return pool;
}

std::string TestToken(const std::string& staff_id, RoleSet roles,
                      const std::string& department) {
  Principal p{staff_id, department, roles};
  auto token =
      MintToken(kTestJwtSecret, kTestIssuer, p, absl::Now(), absl::Hours(1));
  return token.ok() ? *token : std::string();
}

}  // namespace csm::testing
