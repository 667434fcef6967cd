#ifndef CSM_COMMON_MYSQL_POOL_H_
#define CSM_COMMON_MYSQL_POOL_H_

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

// Every caller of raw() and Prepare() needs these types complete.
#include "cppconn/connection.h"
#include "cppconn/exception.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"

namespace csm {

struct MysqlOptions {
  std::string host = "127.0.0.1";
  int port = 3306;
  // When set, used instead of host:port.
  std::string unix_socket;
  std::string user;
  std::string password;
  std::string database;
  // Upper bound of open connections.
  int pool_size = 8;
  absl::Duration connect_timeout = absl::Seconds(5);
};

// One MySQL connection with its own prepared-statement cache. Not
// thread-safe: exactly one borrower uses it at a time.
class MysqlConnection {
 public:
  explicit MysqlConnection(std::unique_ptr<sql::Connection> conn);
  ~MysqlConnection();

  // Prepared once per connection, then reused. Parameters are cleared.
  sql::PreparedStatement& Prepare(absl::string_view sql);
  sql::Connection& raw() { return *conn_; }

  // Runs a statement that takes no parameters and returns no rows (START
  // TRANSACTION, SET ...) on one Statement kept with the connection.
  void Execute(const char* sql);
  // Sets innodb_lock_wait_timeout for the session, unless it already has
  // that value (a round trip saved on most transactions).
  void SetLockWaitTimeout(int64_t seconds);

  // After a connection-level error: the pool drops it instead of reusing it.
  void MarkBroken() { broken_ = true; }
  bool broken() const { return broken_; }

 private:
  friend class MysqlPool;
  std::unique_ptr<sql::Connection> conn_;
  std::map<std::string, std::unique_ptr<sql::PreparedStatement>, std::less<>>
      statements_;
  std::unique_ptr<sql::Statement> plain_;
  int64_t lock_wait_seconds_ = -1;  // -1: not set by us yet
  bool broken_ = false;
  // When it went back to the pool: one idle for a while is pinged before
  // reuse, so a server restart or idle timeout does not fail a request.
  absl::Time idle_since_ = absl::InfinitePast();
};

class MysqlPool;

// RAII borrow: returns the connection to the pool (or discards it when
// broken) on destruction.
class PooledConnection {
 public:
  PooledConnection(MysqlPool* pool, std::unique_ptr<MysqlConnection> conn);
  PooledConnection(PooledConnection&&) noexcept;
  PooledConnection& operator=(PooledConnection&&) noexcept;
  ~PooledConnection();

  MysqlConnection* operator->() { return conn_.get(); }
  MysqlConnection& operator*() { return *conn_; }

 private:
  MysqlPool* pool_;
  std::unique_ptr<MysqlConnection> conn_;
};

struct PoolStats {
  int open = 0;
  int idle = 0;
  int waiting = 0;
  int64_t timeouts = 0;
  int64_t discarded = 0;
};

// A bounded pool. Borrow waits for a free connection until `deadline`; past
// it the caller gets RESOURCE_EXHAUSTED (or DEADLINE_EXCEEDED if the deadline
// had already passed), never an unbounded wait. Broken connections are
// replaced by fresh ones on the next borrow.
class MysqlPool {
 public:
  static absl::StatusOr<std::unique_ptr<MysqlPool>> Create(
      const MysqlOptions& options);
  ~MysqlPool();

  absl::StatusOr<PooledConnection> Borrow(absl::Time deadline);
  PoolStats stats() const;
  const MysqlOptions& options() const { return options_; }

 private:
  friend class PooledConnection;
  explicit MysqlPool(MysqlOptions options);
  absl::StatusOr<std::unique_ptr<MysqlConnection>> Connect();
  void Return(std::unique_ptr<MysqlConnection> conn);

  MysqlOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<MysqlConnection>> idle_;
  int open_ = 0;
  int waiting_ = 0;
  int64_t timeouts_ = 0;
  int64_t discarded_ = 0;
};

// Maps a Connector/C++ exception to a canonical status: duplicate key
// (1062) ALREADY_EXISTS, deadlock/lock wait (1213, 1205) ABORTED,
// connection loss (2002, 2003, 2006, 2013, 2030, 1927, 1243) UNAVAILABLE,
// anything else INTERNAL. Marks `conn` broken on connection loss.
absl::Status FromSqlException(const sql::SQLException& e,
                              MysqlConnection* conn = nullptr);

// The MySQL error number a status from FromSqlException carries, else 0.
int MysqlErrorCode(const absl::Status& status);

// True for the ALREADY_EXISTS that FromSqlException makes of error 1062.
bool IsDuplicateKey(const absl::Status& status);

// True for a deadlock or a lock-wait timeout (errors 1213, 1205): the
// statement or transaction was rolled back and is safe to retry whole.
bool IsRetryableConflict(const absl::Status& status);

// Runs `body` in one transaction on a borrowed connection: commits when it
// returns OK, rolls back otherwise (and on exceptions, which are mapped with
// FromSqlException). A deadlock or lock-wait timeout is retried up to
// `max_attempts` times while the deadline allows.
absl::Status RunInTransaction(
    MysqlPool& pool, absl::Time deadline,
    const std::function<absl::Status(MysqlConnection&)>& body,
    int max_attempts = 3);

// The same in READ COMMITTED: an INSERT ... SELECT reads its sources
// without the shared locks REPEATABLE READ takes on every row it reads.
// For callers that keep the writers of what they read away by other means
// (reporting-svc's refresh drains, app/refresh_queue.cc).
absl::Status RunInReadCommittedTransaction(
    MysqlPool& pool, absl::Time deadline,
    const std::function<absl::Status(MysqlConnection&)>& body,
    int max_attempts = 3);

// One attempt of the same on a connection the caller holds (the outbox
// sequencer, whose named lock lives on its connection).
absl::Status RunInTransactionOn(
    MysqlConnection& conn, absl::Time deadline,
    const std::function<absl::Status(MysqlConnection&)>& body);

// Same, without a transaction (for plain reads).
absl::Status RunWithConnection(
    MysqlPool& pool, absl::Time deadline,
    const std::function<absl::Status(MysqlConnection&)>& body);

}  // namespace csm

#endif  // CSM_COMMON_MYSQL_POOL_H_
