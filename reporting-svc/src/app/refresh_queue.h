// When the pre-aggregated figures of complaints and archives
// (complaint_aggregates.h, archive_aggregates.h) are refreshed after events
// change them (docs/reports.md, "Pre-aggregated figures"). A batch that
// changed few names (a live follower) refreshes them in its own
// transaction, so the figures are current with the cursor. A batch that
// changed many (a catch-up or a rebuild) only queues them
// (store/refresh_queue.h) in its transaction, under its source: the
// queue is drained in chunks, each recomputing its names and deleting
// their queue rows in one transaction with that source's cursor locked,
// so a name changed by many batches is recomputed once, and after a crash
// anywhere every change is refreshed exactly once. complaint-svc's batches
// queue complaints, customer-svc's archives; each source's follower drains
// its own. The reports' freshness of a source says what its figures hold
// while names of it are queued (ReadFreshness).
#ifndef CSM_REPORTING_SVC_APP_REFRESH_QUEUE_H_
#define CSM_REPORTING_SVC_APP_REFRESH_QUEUE_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/mysql_pool.h"

namespace csm::reporting {

// The most names a batch refreshes at once: fewer changed, it refreshes
// them and as many of its source's longest-queued; more, it queues them.
inline constexpr int kRefreshAtOnce = 64;

// A catch-up drains a source's queue once more than this many of its
// names wait, down to half (app/refresh_queue.cc says why this many).
inline constexpr int64_t kBacklogHigh = 65536;

// The batch's end (EventHandlers::OnBatch) of `source`, after its other
// writes (the contributions read them).
absl::Status RefreshChangedComplaints(MysqlConnection& conn,
                                      absl::string_view source);

// In the caller's transaction: refreshes up to `limit` of `source`'s
// longest-queued names (those no other transaction holds) and deletes
// their queue rows; how many. `before_moves` as for RefreshContributions.
absl::StatusOr<int> RefreshQueued(
    MysqlConnection& conn, absl::string_view source, int limit,
    const std::function<void()>& before_moves = nullptr);

// In the caller's transaction (a rebuild's end): every complaint's and
// archive's contributions and the day tables computed whole, the queue
// emptied.
absl::Status RefreshAllComplaints(MysqlConnection& conn);

// Refreshes all of `source`'s queued names, the longest-queued first, a
// chunk per transaction with the source's cursor locked (so in turn with
// every replica's batches, drains and rebuilds), until `stopping` says so.
absl::Status DrainRefreshQueue(MysqlPool& pool, absl::string_view source,
                               const std::function<bool()>& stopping);

// Whether a catch-up's queue may have grown past `high` (DrainAfterBatch),
// so that it is not counted after every batch: a count reads every queued
// name of the source (tens of thousands in a catch-up; it was an eighth of
// the apply's statement time). Between counts the queue grows by at most
// the events applied since (an event changes one complaint or archive; a
// fault event names several, which only lets the queue pass `high` by as
// many before it is drained), so it is counted again only when that bound
// passes `high`. One per follower, used by its thread only; another
// replica's names are not in the bound, which only delays a count (each
// replica drains at its sources' head anyway).
class BacklogWatch {
 public:
  explicit BacklogWatch(int64_t high = kBacklogHigh) : high_(high) {}
  int64_t high() const { return high_; }
  // Whether the queue may hold more than high() with the source's cursor
  // at `sequence`. Always before a first count, and when the cursor went
  // back (a rebuild started over).
  bool MayExceed(int64_t sequence) const {
    return !counted_ || sequence < counted_at_ ||
           count_ + (sequence - counted_at_) > high_;
  }
  // The queue held at most `count` names with the cursor at `sequence`.
  void Counted(int64_t count, int64_t sequence) {
    counted_ = true;
    count_ = count;
    counted_at_ = sequence;
  }

 private:
  int64_t high_;
  bool counted_ = false;
  int64_t count_ = 0;
  int64_t counted_at_ = 0;
};

// `source`'s follower, after a batch or a read (EventFollowerOptions::
// after_apply): at the source's head its whole queue is refreshed; in a
// catch-up only a queue longer than watch.high(), down to half (the names
// queued last are the likeliest to change again). Errors are logged; in a
// catch-up the next call retries, at the head this one does (with a
// growing pause, until it is done or `stopping`): a quiet source sends no
// next batch.
void DrainAfterBatch(MysqlPool& pool, absl::string_view source, bool at_head,
                     const std::function<bool()>& stopping,
                     BacklogWatch& watch);

}  // namespace csm::reporting

#endif  // CSM_REPORTING_SVC_APP_REFRESH_QUEUE_H_
