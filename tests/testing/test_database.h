#ifndef CSM_TESTS_TESTING_TEST_DATABASE_H_
#define CSM_TESTS_TESTING_TEST_DATABASE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/auth.h"
#include "common/mysql_pool.h"

namespace csm::testing {

// The secret every test token is signed with.
inline constexpr char kTestJwtSecret[] = "csm-test-secret-not-for-production";
inline constexpr char kTestIssuer[] = "csm-test";

// A fresh, empty database on the MariaDB the ctest fixture started
// (CSM_TEST_MYSQL_SOCKET), dropped when this object goes away. Tests that
// cannot reach it fail: a database test never silently passes.
class TestDatabase {
 public:
  static absl::StatusOr<std::unique_ptr<TestDatabase>> Create();
  ~TestDatabase();

  // Root on the fixture's socket, with the fresh database selected.
  const MysqlOptions& options() const { return options_; }
  const std::string& name() const { return options_.database; }

 private:
  explicit TestDatabase(MysqlOptions options) : options_(std::move(options)) {}
  MysqlOptions options_;
};

// A pool of `pool_size` connections to `db` with common/'s own schema
// applied (outbox, idempotency, event cursors): where common/'s SQL tests
// start.
absl::StatusOr<std::unique_ptr<MysqlPool>> CommonSchemaPool(
    const TestDatabase& db, int pool_size = 8);

// A bearer token for tests, signed with kTestJwtSecret.
std::string TestToken(const std::string& staff_id, RoleSet roles,
                      const std::string& department = "客服部");

}  // namespace csm::testing

#endif  // CSM_TESTS_TESTING_TEST_DATABASE_H_
