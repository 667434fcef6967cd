#include "common/outbox_sequencer.h"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log.h"
#include "common/status.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"
#include "cppconn/statement.h"

namespace csm {
namespace {

// Named locks are server-wide: the schema's name keeps services (and test
// databases) on one server apart. At most 64 characters.
constexpr char kLockName[] =
    "LEFT(CONCAT('csm_outbox_sequencer:', DATABASE()), 64)";

constexpr absl::Duration kBatchTimeout = absl::Seconds(10);
constexpr absl::Duration kMaxBackoff = absl::Seconds(2);
constexpr absl::Duration kMaxIdlePoll = absl::Milliseconds(250);

}  // namespace

OutboxSequencer::OutboxSequencer(MysqlPool* pool, Outbox* outbox,
                                 OutboxSequencerOptions options)
    : pool_(pool), outbox_(outbox), options_(std::move(options)) {}

OutboxSequencer::~OutboxSequencer() { Stop(); }

void OutboxSequencer::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { Loop(); });
}

void OutboxSequencer::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  outbox_->NotifyCommitted();  // the leader may wait for a commit
  if (thread_.joinable()) thread_.join();
  std::lock_guard<std::mutex> lock(round_mu_);
  Resign();
}

absl::StatusOr<int> OutboxSequencer::RunOnce() {
  std::lock_guard<std::mutex> lock(round_mu_);
  return Round();
}

void OutboxSequencer::Loop() {
  // A round that failed (a lock wait that gave up, a lost connection)
  // waits ever longer before the next, up to kMaxBackoff.
  absl::Duration backoff = options_.poll_interval;
  absl::Duration idle_poll = options_.poll_interval;
  absl::Time last_round = absl::InfinitePast();
  while (true) {
    WaitForStop(last_round + options_.min_round_interval - absl::Now());
    last_round = absl::Now();
    const uint64_t seen = outbox_->generation();
    absl::StatusOr<int> numbered;
    {
      std::lock_guard<std::mutex> lock(round_mu_);
      numbered = Round();
    }
    if (numbered.ok() && *numbered > 0) {
      backoff = idle_poll = options_.poll_interval;
      outbox_->NotifySequenced();
      continue;  // more may have committed meanwhile
    }
    const absl::StatusCode code = numbered.status().code();
    if (!numbered.ok() && code != absl::StatusCode::kFailedPrecondition) {
      log::Warning(
          "outbox sequencer: round failed",
          {{"code", std::string(absl::StatusCodeToString(code))},
           {"mysql_error", absl::StrCat(MysqlErrorCode(numbered.status()))}});
    }
    if (code == absl::StatusCode::kAborted) {
      backoff = std::min(backoff * 2, kMaxBackoff);
      WaitForStop(backoff);
    } else if (leading()) {
      // Idle: look for other replicas' rows ever less often (up to
      // kMaxIdlePoll); a commit in this process wakes it at once.
      const uint64_t now_seen = outbox_->WaitForCommit(seen, idle_poll);
      idle_poll = now_seen != seen ? options_.poll_interval
                                   : std::min(idle_poll * 2, kMaxIdlePoll);
    } else {
      WaitForStop(options_.standby_interval);
    }
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
  }
}

void OutboxSequencer::WaitForStop(absl::Duration timeout) {
  if (timeout <= absl::ZeroDuration()) return;
  std::unique_lock<std::mutex> lock(mu_);
  stop_cv_.wait_for(lock, absl::ToChronoNanoseconds(timeout),
                    [&] { return stopping_; });
}

absl::StatusOr<int> OutboxSequencer::Round() {
  if (!conn_.has_value()) CSM_RETURN_IF_ERROR(Lead());
  absl::StatusOr<bool> any = AnyCommittedUnsequenced();
  if (!any.ok() || !*any) {
    if (!any.ok()) Resign();
    return any.ok() ? absl::StatusOr<int>(0) : any.status();
  }
  int total = 0;
  while (true) {
    absl::StatusOr<int> n = Batch();
    if (!n.ok()) {
      // A lock wait that gave up keeps the lead; a lost connection does not.
      if (n.status().code() != absl::StatusCode::kAborted) Resign();
      return n.status();
    }
    total += *n;
    if (*n < kBatchRows) return total;
  }
}

absl::Status OutboxSequencer::Lead() {
  CSM_ASSIGN_OR_RETURN(PooledConnection conn,
                       pool_->Borrow(absl::Now() + kBatchTimeout));
  bool got = false;
  absl::Status status = [&]() -> absl::Status {
    try {
      std::unique_ptr<sql::Statement> st(conn->raw().createStatement());
      std::unique_ptr<sql::ResultSet> rs(st->executeQuery(
          absl::StrCat("SELECT GET_LOCK(", kLockName, ", 0)")));
      got = rs->next() && !rs->isNull(1) && rs->getInt(1) == 1;
      // Each statement sees the rows committed before it, and no gap
      // locks are taken (outbox.h).
      if (got) {
        st->execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
      }
      return absl::OkStatus();
    } catch (const sql::SQLException& e) {
      return FromSqlException(e, &*conn);
    }
  }();
  if (!status.ok() || !got) {
    // A lock we may hold, or a session we changed, never goes back.
    conn->MarkBroken();
    CSM_RETURN_IF_ERROR(status);
    return absl::FailedPreconditionError(
        "another outbox sequencer leads this service");
  }
  conn_.emplace(std::move(conn));
  leading_.store(true);
  log::Info("outbox sequencer: leading");
  return absl::OkStatus();
}

void OutboxSequencer::Resign() {
  if (!conn_.has_value()) return;
  // Closing the connection frees the named lock; its session was changed,
  // so it never returns to the pool.
  (*conn_)->MarkBroken();
  conn_.reset();
  if (leading_.exchange(false)) log::Info("outbox sequencer: resigned");
}

absl::StatusOr<bool> OutboxSequencer::AnyCommittedUnsequenced() {
  MysqlConnection& conn = **conn_;
  try {
    sql::PreparedStatement& stmt = conn.Prepare(
        "SELECT 1 FROM outbox_events WHERE sequence IS NULL LIMIT 1");
    std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
    return rs->next();
  } catch (const sql::SQLException& e) {
    return FromSqlException(e, &conn);
  }
}

absl::StatusOr<int> OutboxSequencer::Batch() {
  int numbered = 0;
  CSM_RETURN_IF_ERROR(RunInTransactionOn(
      **conn_, absl::Now() + kBatchTimeout,
      [&](MysqlConnection& conn) -> absl::Status {
        // Committed rows only: a writer's row is locked until its commit,
        // and skipped, not waited for (outbox.h).
        sql::PreparedStatement& pick = conn.Prepare(absl::StrCat(
            "SELECT id FROM outbox_events WHERE sequence IS NULL ORDER BY id "
            "LIMIT ",
            kBatchRows, " FOR UPDATE SKIP LOCKED"));
        std::unique_ptr<sql::ResultSet> picked(pick.executeQuery());
        std::vector<int64_t> ids;
        while (picked->next()) ids.push_back(picked->getInt64(1));
        if (ids.empty()) return absl::OkStatus();
        sql::PreparedStatement& last = conn.Prepare(
            "SET @csm_sequence = "
            "(SELECT COALESCE(MAX(sequence), 0) FROM outbox_events)");
        last.execute();
        sql::PreparedStatement& number = conn.Prepare(NumberStatement());
        // Unused places repeat the first id: IN ignores the repetition.
        for (int i = 0; i < kBatchRows; ++i) {
          number.setInt64(i + 1, ids[i < static_cast<int>(ids.size()) ? i : 0]);
        }
        numbered = number.executeUpdate();
        if (options_.before_commit) options_.before_commit();
        return absl::OkStatus();
      }));
  return numbered;
}

// One prepared statement for every batch: kBatchRows places.
const std::string& OutboxSequencer::NumberStatement() {
  static const std::string* sql = [] {
    std::string places;
    for (int i = 0; i < kBatchRows; ++i)
      absl::StrAppend(&places, i ? ",?" : "?");
    return new std::string(
        absl::StrCat("UPDATE outbox_events "
                     "SET sequence = (@csm_sequence := @csm_sequence + 1) "
                     "WHERE id IN (",
                     places, ") ORDER BY id"));
  }();
  return *sql;
}

}  // namespace csm
