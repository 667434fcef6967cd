#include "common/mysql_pool.h"

#include <mysql_driver.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <utility>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log.h"
#include "cppconn/connection.h"
#include "cppconn/exception.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/statement.h"

namespace csm {
namespace {

// Per-connection bound of cached prepared statements. Dynamic SQL (list
// filters, LIMITs) would otherwise grow the cache without end and run the
// server into max_prepared_stmt_count (16382 for all clients together).
constexpr size_t kMaxCachedStatements = 256;

// Connections idle longer than this are pinged before reuse. Busy pools
// never pay for the ping; an idle service pays one round trip per borrow.
constexpr absl::Duration kValidateIdleAfter = absl::Seconds(1);

sql::mysql::MySQL_Driver* Driver() {
  // A function-local static is initialised once, thread-safely; the driver
  // itself is a process-wide singleton of Connector/C++.
  static sql::mysql::MySQL_Driver* const driver =
      sql::mysql::get_mysql_driver_instance();
  return driver;
}

// libmysqlclient/libmariadb keep per-thread state: every thread that talks
// to the server initialises it once and frees it when the thread ends.
class DriverThreadScope {
 public:
  DriverThreadScope() { Driver()->threadInit(); }
  ~DriverThreadScope() { Driver()->threadEnd(); }
  DriverThreadScope(const DriverThreadScope&) = delete;
  DriverThreadScope& operator=(const DriverThreadScope&) = delete;
};

void EnsureDriverThreadInit() { thread_local DriverThreadScope scope; }

std::string Endpoint(const MysqlOptions& o) {
  return o.unix_socket.empty() ? absl::StrCat(o.host, ":", o.port)
                               : o.unix_socket;
}

// Whole seconds, rounded up, at least 1: MySQL timeouts are integral and
// zero means "no timeout" or "fail at once" depending on the variable.
int64_t CeilSeconds(absl::Duration d, int64_t max_seconds) {
  if (d >= absl::Seconds(max_seconds)) return max_seconds;
  const double s = std::ceil(absl::ToDoubleSeconds(d));
  return std::max<int64_t>(1, static_cast<int64_t>(s));
}

void ExecuteSql(MysqlConnection& conn, const std::string& sql) {
  std::unique_ptr<sql::Statement> stmt(conn.raw().createStatement());
  stmt->execute(sql);
}

// Runs `fn`, mapping any exception to a status (and marking the connection
// broken when the exception says so).
template <typename Fn>
absl::Status Guarded(MysqlConnection& conn, Fn&& fn) {
  try {
    return fn();
  } catch (const sql::SQLException& e) {
    return FromSqlException(e, &conn);
  } catch (const std::exception& e) {
    return absl::InternalError(
        absl::StrCat("unexpected exception in database code: ", e.what()));
  }
}

}  // namespace

// ---------------------------------------------------------------------------
// MysqlConnection

MysqlConnection::MysqlConnection(std::unique_ptr<sql::Connection> conn)
    : conn_(std::move(conn)) {}

MysqlConnection::~MysqlConnection() {
  // Statements belong to the connection: close them first. A dead
  // connection may throw on close; there is nothing left to clean up then.
  try {
    statements_.clear();
    plain_.reset();
    if (conn_ != nullptr) conn_->close();
  } catch (const std::exception&) {
  }
}

sql::PreparedStatement& MysqlConnection::Prepare(absl::string_view sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    std::unique_ptr<sql::PreparedStatement> stmt(
        conn_->prepareStatement(std::string(sql)));
    it = statements_.emplace(std::string(sql), std::move(stmt)).first;
  }
  // A previous borrower's parameters (and blob stream pointers) must not
  // leak into this execution.
  it->second->clearParameters();
  return *it->second;
}

void MysqlConnection::Execute(const char* sql) {
  if (plain_ == nullptr) plain_.reset(conn_->createStatement());
  plain_->execute(sql);
}

void MysqlConnection::SetLockWaitTimeout(int64_t seconds) {
  if (seconds == lock_wait_seconds_) return;
  // Forgotten first: if the SET throws, the session's value is unknown.
  lock_wait_seconds_ = -1;
  sql::PreparedStatement& stmt =
      Prepare("SET SESSION innodb_lock_wait_timeout = ?");
  stmt.setInt64(1, seconds);
  stmt.execute();
  lock_wait_seconds_ = seconds;
}

// ---------------------------------------------------------------------------
// PooledConnection

PooledConnection::PooledConnection(MysqlPool* pool,
                                   std::unique_ptr<MysqlConnection> conn)
    : pool_(pool), conn_(std::move(conn)) {}

PooledConnection::PooledConnection(PooledConnection&& other) noexcept
    : pool_(other.pool_), conn_(std::move(other.conn_)) {
  other.pool_ = nullptr;
}

PooledConnection& PooledConnection::operator=(
    PooledConnection&& other) noexcept {
  if (this != &other) {
    if (pool_ != nullptr && conn_ != nullptr) pool_->Return(std::move(conn_));
    pool_ = other.pool_;
    conn_ = std::move(other.conn_);
    other.pool_ = nullptr;
  }
  return *this;
}

PooledConnection::~PooledConnection() {
  if (pool_ != nullptr && conn_ != nullptr) pool_->Return(std::move(conn_));
}

// ---------------------------------------------------------------------------
// MysqlPool

absl::StatusOr<std::unique_ptr<MysqlPool>> MysqlPool::Create(
    const MysqlOptions& options) {
  if (options.pool_size < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "MySQL pool size must be at least 1, got ", options.pool_size));
  }
  if (options.unix_socket.empty() &&
      (options.host.empty() || options.port <= 0 || options.port > 65535)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "MySQL address needs a host and a port in 1..65535 (or a unix "
        "socket), got '",
        options.host, ":", options.port, "'"));
  }
  if (options.connect_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("MySQL connect timeout must be > 0");
  }
  // Load the driver before any worker thread can race to it.
  Driver();
  return std::unique_ptr<MysqlPool>(new MysqlPool(options));
}

MysqlPool::MysqlPool(MysqlOptions options) : options_(std::move(options)) {}

MysqlPool::~MysqlPool() {
  std::lock_guard<std::mutex> lock(mu_);
  if (static_cast<size_t>(open_) != idle_.size()) {
    log::Error("MySQL pool destroyed while connections are borrowed",
               {{"borrowed", std::to_string(open_ - idle_.size())}});
  }
  idle_.clear();
}

absl::StatusOr<std::unique_ptr<MysqlConnection>> MysqlPool::Connect() {
  EnsureDriverThreadInit();
  sql::ConnectOptionsMap props;
  // "unix://" (rather than the "socket" option) also forces the socket
  // protocol, so a stray host setting can never turn it into TCP.
  props["hostName"] =
      options_.unix_socket.empty()
          ? sql::SQLString(
                absl::StrCat("tcp://", options_.host, ":", options_.port))
          : sql::SQLString(absl::StrCat("unix://", options_.unix_socket));
  props["userName"] = sql::SQLString(options_.user);
  props["password"] = sql::SQLString(options_.password);
  if (!options_.database.empty()) {
    props["schema"] = sql::SQLString(options_.database);
  }
  props["OPT_CONNECT_TIMEOUT"] =
      static_cast<int>(CeilSeconds(options_.connect_timeout, 3600));
  props["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
  // A silent reconnect would drop session settings and invalidate the
  // prepared statements we cache: we replace broken connections instead.
  props["OPT_RECONNECT"] = false;

  std::unique_ptr<sql::Connection> raw;
  try {
    raw.reset(Driver()->connect(props));
  } catch (const sql::SQLException& e) {
    return absl::UnavailableError(absl::StrCat(
        "cannot connect to MySQL at ", Endpoint(options_), " as '",
        options_.user, "': ", e.what(), " (error ", e.getErrorCode(), ")"));
  }
  auto conn = std::make_unique<MysqlConnection>(std::move(raw));
  absl::Status setup = Guarded(*conn, [&]() -> absl::Status {
    ExecuteSql(*conn, "SET NAMES utf8mb4");
    // DATETIME(6) columns hold UTC; NOW() and friends must agree. Strict
    // mode turns truncation and bad dates into errors instead of warnings.
    ExecuteSql(*conn,
               "SET SESSION time_zone = '+00:00', sql_mode = "
               "'STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
               "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'");
    return absl::OkStatus();
  });
  if (!setup.ok()) {
    return absl::UnavailableError(
        absl::StrCat("cannot set up MySQL session at ", Endpoint(options_),
                     ": ", setup.message()));
  }
  return conn;
}

absl::StatusOr<PooledConnection> MysqlPool::Borrow(absl::Time deadline) {
  EnsureDriverThreadInit();
  if (absl::Now() >= deadline) {
    return absl::DeadlineExceededError(
        "deadline exceeded before a database connection was borrowed");
  }
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    if (!idle_.empty()) {
      // LIFO: the most recently used connection is the likeliest alive and
      // lets surplus ones age out of use.
      std::unique_ptr<MysqlConnection> conn = std::move(idle_.back());
      idle_.pop_back();
      const bool check = absl::Now() - conn->idle_since_ > kValidateIdleAfter;
      if (!check) return PooledConnection(this, std::move(conn));
      lock.unlock();
      bool alive = false;
      try {
        alive = conn->raw().isValid();
      } catch (const sql::SQLException&) {
      }
      if (alive) return PooledConnection(this, std::move(conn));
      log::Warning("discarding dead idle MySQL connection",
                   {{"endpoint", Endpoint(options_)}});
      conn.reset();
      lock.lock();
      --open_;
      ++discarded_;
      continue;
    }
    if (open_ < options_.pool_size) {
      // Reserve the slot, then connect without holding the lock.
      ++open_;
      lock.unlock();
      absl::StatusOr<std::unique_ptr<MysqlConnection>> conn = Connect();
      if (!conn.ok()) {
        lock.lock();
        --open_;
        lock.unlock();
        cv_.notify_one();
        log::Warning("MySQL connect failed",
                     {{"error", std::string(conn.status().message())}});
        return conn.status();
      }
      return PooledConnection(this, *std::move(conn));
    }
    const absl::Time now = absl::Now();
    if (now >= deadline) {
      ++timeouts_;
      return absl::ResourceExhaustedError(absl::StrCat(
          "database pool exhausted (", open_, " connections busy)"));
    }
    // Wake at least once a second so an infinite deadline never overflows
    // the condition variable's clock arithmetic.
    ++waiting_;
    cv_.wait_for(lock, absl::ToChronoNanoseconds(
                           std::min(deadline - now, absl::Seconds(1))));
    --waiting_;
  }
}

void MysqlPool::Return(std::unique_ptr<MysqlConnection> conn) {
  // Trimmed between borrows only: a borrower may hold references to any of
  // its statements until it gives the connection back.
  if (!conn->broken() && conn->statements_.size() > kMaxCachedStatements) {
    conn->statements_.clear();
  }
  if (conn->broken()) {
    conn.reset();  // Close outside the lock: it may touch the network.
    {
      std::lock_guard<std::mutex> lock(mu_);
      --open_;
      ++discarded_;
    }
    cv_.notify_one();
    return;
  }
  conn->idle_since_ = absl::Now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    idle_.push_back(std::move(conn));
  }
  cv_.notify_one();
}

PoolStats MysqlPool::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  PoolStats s;
  s.open = open_;
  s.idle = static_cast<int>(idle_.size());
  s.waiting = waiting_;
  s.timeouts = timeouts_;
  s.discarded = discarded_;
  return s;
}

// ---------------------------------------------------------------------------
// Transactions

namespace {

absl::Status RunTransactionOnce(
    MysqlConnection& conn, absl::Time deadline,
    const std::function<absl::Status(MysqlConnection&)>& body,
    bool read_committed = false) {
  absl::Status begin = Guarded(conn, [&]() -> absl::Status {
    // A lock wait must never outlive the caller: InnoDB would otherwise
    // keep the request (and its pooled connection) waiting up to 50 s.
    conn.SetLockWaitTimeout(
        deadline == absl::InfiniteFuture()
            ? 50
            : CeilSeconds(deadline - absl::Now(), 1073741824));
    // The session stays in autocommit mode: START TRANSACTION and the
    // COMMIT or ROLLBACK below are its only round trips of their own (and,
    // in READ COMMITTED, the SET: it sets the next transaction's level
    // only, so the connection keeps its own).
    if (read_committed) {
      conn.Execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
    }
    conn.Execute("START TRANSACTION");
    return absl::OkStatus();
  });

  absl::Status status = begin;
  if (status.ok()) {
    status = Guarded(conn, [&] { return body(conn); });
  }
  if (status.ok()) {
    status = Guarded(conn, [&]() -> absl::Status {
      conn.raw().commit();
      return absl::OkStatus();
    });
  }
  if (!status.ok() && !conn.broken()) {
    absl::Status rollback = Guarded(conn, [&]() -> absl::Status {
      conn.raw().rollback();
      return absl::OkStatus();
    });
    // A connection that cannot roll back may still hold the transaction's
    // locks: never hand it to someone else.
    if (!rollback.ok()) conn.MarkBroken();
  }
  return status;
}

}  // namespace

absl::Status RunInTransactionOn(
    MysqlConnection& conn, absl::Time deadline,
    const std::function<absl::Status(MysqlConnection&)>& body) {
  return RunTransactionOnce(conn, deadline, body);
}

namespace {

absl::Status RunWithRetries(
    MysqlPool& pool, absl::Time deadline,
    const std::function<absl::Status(MysqlConnection&)>& body, int max_attempts,
    bool read_committed) {
  thread_local absl::BitGen gen;
  absl::Status status;
  for (int attempt = 1; attempt <= std::max(1, max_attempts); ++attempt) {
    {
      absl::StatusOr<PooledConnection> conn = pool.Borrow(deadline);
      if (!conn.ok()) return attempt == 1 ? conn.status() : status;
      status = RunTransactionOnce(**conn, deadline, body, read_committed);
    }
    if (status.ok() || !IsRetryableConflict(status)) return status;
    // Jittered, growing backoff so the transactions that collided do not
    // collide again in lock step; never past the deadline.
    const absl::Duration backoff = absl::Milliseconds(
        absl::Uniform<int>(gen, 1, 10 * (1 << std::min(attempt, 5))));
    if (attempt == max_attempts || absl::Now() + backoff >= deadline) break;
    absl::SleepFor(backoff);
  }
  return status;
}

}  // namespace

absl::Status RunInTransaction(
    MysqlPool& pool, absl::Time deadline,
    const std::function<absl::Status(MysqlConnection&)>& body,
    int max_attempts) {
  return RunWithRetries(pool, deadline, body, max_attempts, false);
}

absl::Status RunInReadCommittedTransaction(
    MysqlPool& pool, absl::Time deadline,
    const std::function<absl::Status(MysqlConnection&)>& body,
    int max_attempts) {
  return RunWithRetries(pool, deadline, body, max_attempts, true);
}

absl::Status RunWithConnection(
    MysqlPool& pool, absl::Time deadline,
    const std::function<absl::Status(MysqlConnection&)>& body) {
  absl::StatusOr<PooledConnection> conn = pool.Borrow(deadline);
  if (!conn.ok()) return conn.status();
  MysqlConnection& c = **conn;
  return Guarded(c, [&] { return body(c); });
}

}  // namespace csm
