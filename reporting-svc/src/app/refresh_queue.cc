#include "reporting-svc/src/app/refresh_queue.h"

#include <algorithm>
#include <iterator>
#include <limits>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/event_cursor.h"
#include "common/log.h"
#include "common/status.h"
#include "reporting-svc/src/app/complaint_aggregates.h"
#include "reporting-svc/src/store/batch_writes.h"
#include "reporting-svc/src/store/refresh_queue.h"

namespace csm::reporting {
namespace {

// Names per drain transaction: one padded statement list. A chunk's cost is
// mostly per statement and per day-table row it moves (the names of a chunk
// share days and departments): 2,048 names applied a catch-up 23 % faster
// than 512 (docs/benchmarks.md, "Chunks of 2,048").
constexpr int kDrainChunk = 2048;
// A chunk's statements run one after another on one of MariaDB's threads:
// one drain kept one core busy and left the other idle. Two drains take
// disjoint chunks; each recomputes its own while the other moves the day
// tables, and the moves take turns (MovesTurn): two drains moving the same
// day rows at once deadlocked 31 times a catch-up (docs/benchmarks.md,
// "Two drains side by side").
constexpr int kDrainWorkers = 2;
// Why kBacklogHigh is 65,536 and a drain keeps half: a name drained in a
// catch-up is refreshed again when a later batch changes it, so the kept
// half must outlast the names' activity. A complaint's events span a few
// days (a year's 1,000,000 complaints are about 2,700 a day: 32,768 are
// about twelve days); an archive changes all year (visits, promises), so
// the fewer archives outlast a drain the fewer are refreshed twice (a
// year's 50,000 mostly fit). A bigger queue costs only a longer drain at
// the head (a rebuild of the queued names) and an older freshness meanwhile.
constexpr absl::Duration kChunkTimeout = absl::Seconds(60);
constexpr int kChunkAttempts = 8;

std::vector<std::string> SortedUnion(const std::vector<std::string>& a,
                                     const std::vector<std::string>& b) {
  std::vector<std::string> out;
  std::set_union(a.begin(), a.end(), b.begin(), b.end(),
                 std::back_inserter(out));
  return out;
}

// Drains of this process take turns from the first write of a shared row
// (the day tables' moves) through their commit.
std::mutex& MovesTurn() {
  static auto* turn = new std::mutex;
  return *turn;
}

// Up to `limit` names in their own transaction; how many were refreshed.
// READ COMMITTED, so that the recompute's INSERT ... SELECTs lock nothing
// they read: what it reads only batches of the source write, and those wait
// for the cursor's share; the other drain's names are not among them.
absl::StatusOr<int> DrainChunk(MysqlPool& pool, absl::string_view source,
                               int limit) {
  int refreshed = 0;
  std::unique_lock<std::mutex> turn(MovesTurn(), std::defer_lock);
  // The other source's drains and batches move the same day-table rows:
  // deadlocks are expected while both catch up, and a chunk is redone.
  CSM_RETURN_IF_ERROR(RunInReadCommittedTransaction(
      pool, absl::Now() + kChunkTimeout,
      [&](MysqlConnection& conn) -> absl::Status {
        if (turn.owns_lock()) turn.unlock();  // an attempt redone
        // Shared: a batch of the source waits, the other drain does not.
        CSM_RETURN_IF_ERROR(ShareEventCursor(conn, source));
        CSM_ASSIGN_OR_RETURN(refreshed, RefreshQueued(conn, source, limit, [&] {
                               if (!turn.owns_lock()) turn.lock();
                             }));
        return absl::OkStatus();
      },
      kChunkAttempts));
  return refreshed;
}

// Reads with a connection of its own, without a lock.
template <typename T, typename Read>
absl::StatusOr<T> ReadAlone(MysqlPool& pool, Read read) {
  T out{};
  CSM_RETURN_IF_ERROR(RunWithConnection(pool, absl::Now() + kChunkTimeout,
                                        [&](MysqlConnection& conn) {
                                          out = read(conn);
                                          return absl::OkStatus();
                                        }));
  return out;
}

// Refreshes up to `names` of the longest-queued names, a chunk per
// transaction, until the queue is empty or `stopping` says so, in
// kDrainWorkers transactions side by side.
absl::Status DrainUpTo(MysqlPool& pool, absl::string_view source, int64_t names,
                       const std::function<bool()>& stopping) {
  std::mutex mu;
  int64_t left = names;  // not yet taken by a chunk
  absl::Status failed;
  // The next chunk's size, 0 when done; `given_back` is what the last
  // chunk did not refresh.
  auto take = [&](int given_back) -> int {
    std::lock_guard<std::mutex> lock(mu);
    left += given_back;
    if (!failed.ok() || left <= 0 || stopping()) return 0;
    const int64_t chunk = std::min<int64_t>(kDrainChunk, left);
    left -= chunk;
    return static_cast<int>(chunk);
  };
  auto work = [&] {
    for (int chunk = take(0); chunk > 0;) {
      absl::StatusOr<int> refreshed = DrainChunk(pool, source, chunk);
      if (!refreshed.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        if (failed.ok()) failed = refreshed.status();
        return;
      }
      // None that the other drain does not hold: the queue is empty.
      if (*refreshed == 0) return;
      chunk = take(chunk - *refreshed);
    }
  };
  std::vector<std::thread> others;
  for (int i = 1; i < kDrainWorkers; ++i) others.emplace_back(work);
  work();
  for (std::thread& t : others) t.join();
  return failed;
}

}  // namespace

absl::Status RefreshChangedComplaints(MysqlConnection& conn,
                                      absl::string_view source) {
  const std::vector<std::string> changed = TakeChangedComplaints(conn);
  if (changed.empty()) return absl::OkStatus();
  if (changed.size() > static_cast<size_t>(kRefreshAtOnce)) {
    return QueueNames(conn, source, changed);
  }
  // Live after a catch-up: the rest of its queue goes along, a little a
  // batch. Looked at without a lock first: an empty queue (the live
  // follower's) takes no gap lock the other source's inserts would wait on.
  std::vector<std::string> queued;
  if (AnyQueued(conn, source)) {
    queued = LockOldestQueued(conn, source, kRefreshAtOnce);
  }
  const std::vector<std::string> names = SortedUnion(changed, queued);
  CSM_RETURN_IF_ERROR(RefreshNamed(conn, names));
  if (!queued.empty()) Dequeue(conn, names);
  return absl::OkStatus();
}

absl::StatusOr<int> RefreshQueued(MysqlConnection& conn,
                                  absl::string_view source, int limit,
                                  const std::function<void()>& before_moves) {
  const std::vector<std::string> names = LockOldestQueued(conn, source, limit);
  if (names.empty()) return 0;
  CSM_RETURN_IF_ERROR(RefreshNamed(conn, names, before_moves));
  Dequeue(conn, names);
  return static_cast<int>(names.size());
}

absl::Status RefreshAllComplaints(MysqlConnection& conn) {
  CSM_RETURN_IF_ERROR(
      RecomputeAllContributions(conn, AggregatedComplaintFigures()));
  ClearQueue(conn);
  return absl::OkStatus();
}

absl::Status DrainRefreshQueue(MysqlPool& pool, absl::string_view source,
                               const std::function<bool()>& stopping) {
  return DrainUpTo(pool, source, std::numeric_limits<int64_t>::max(), stopping);
}

namespace {

// Sleeps `d` in short steps; false when `stopping` said so meanwhile.
bool SleepUnlessStopping(absl::Duration d,
                         const std::function<bool()>& stopping) {
  const absl::Time until = absl::Now() + d;
  while (absl::Now() < until) {
    if (stopping()) return false;
    absl::SleepFor(std::min(absl::Milliseconds(100), until - absl::Now()));
  }
  return !stopping();
}

absl::StatusOr<int64_t> CursorSequence(MysqlPool& pool,
                                       absl::string_view source) {
  CSM_ASSIGN_OR_RETURN(std::vector<EventCursor> cursors,
                       ReadEventCursors(pool));
  for (const EventCursor& c : cursors) {
    if (c.source == source) return c.last_sequence;
  }
  return 0;
}

absl::Status DrainOnce(MysqlPool& pool, absl::string_view source, bool at_head,
                       const std::function<bool()>& stopping,
                       BacklogWatch& watch) {
  if (at_head) {
    // One index entry: an empty queue (a live follower's) costs no more.
    CSM_ASSIGN_OR_RETURN(const bool any,
                         ReadAlone<bool>(pool, [&](MysqlConnection& conn) {
                           return AnyQueued(conn, source);
                         }));
    return any ? DrainRefreshQueue(pool, source, stopping) : absl::OkStatus();
  }
  CSM_ASSIGN_OR_RETURN(const int64_t sequence, CursorSequence(pool, source));
  if (!watch.MayExceed(sequence)) return absl::OkStatus();
  CSM_ASSIGN_OR_RETURN(const int64_t queued,
                       ReadAlone<int64_t>(pool, [&](MysqlConnection& conn) {
                         return QueuedCount(conn, source);
                       }));
  watch.Counted(queued, sequence);
  if (queued <= watch.high()) return absl::OkStatus();
  // Down to half the limit. Counted again after the next batch: the
  // drain's end is the bound's new start.
  return DrainUpTo(pool, source, queued - watch.high() / 2, stopping);
}

}  // namespace

void DrainAfterBatch(MysqlPool& pool, absl::string_view source, bool at_head,
                     const std::function<bool()>& stopping,
                     BacklogWatch& watch) {
  // At the head no later batch may come to retry a failed drain (a quiet
  // source), so it is retried here, with a growing pause, until it is done
  // or the follower stops; in a catch-up the next batch retries it.
  absl::Duration pause = absl::Milliseconds(200);
  for (;;) {
    const absl::Status s = DrainOnce(pool, source, at_head, stopping, watch);
    if (s.ok()) return;
    log::Warning(at_head ? "refreshing the queued names failed; retrying"
                         : "refreshing the queued names failed; retried later",
                 {{"source", std::string(source)},
                  {"code", absl::StatusCodeToString(s.code())}});
    if (!at_head || !SleepUnlessStopping(pause, stopping)) return;
    pause = std::min(2 * pause, absl::Seconds(10));
  }
}

}  // namespace csm::reporting
