// aggregate_refresh_queue (migrations/030): the complaints and archives a
// catch-up batch changed whose pre-aggregated figures are refreshed later,
// in transactions of their own (src/app/refresh_queue.h). Each row belongs
// to the source whose batch queued it.
#ifndef CSM_REPORTING_SVC_STORE_REFRESH_QUEUE_H_
#define CSM_REPORTING_SVC_STORE_REFRESH_QUEUE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/mysql_pool.h"

namespace csm::reporting {

// Queues `names` with `source`'s cursor as it stands (before the open
// batch saves it; a missing cursor row is created at 0); a name already
// queued keeps its older position.
absl::Status QueueNames(MysqlConnection& conn, absl::string_view source,
                        const std::vector<std::string>& names);

// The `limit` longest-queued names of `source`, locked until the caller's
// transaction ends, sorted. Names another transaction holds are skipped:
// drains side by side take disjoint chunks.
std::vector<std::string> LockOldestQueued(MysqlConnection& conn,
                                          absl::string_view source, int limit);

// Deletes the queue rows of `names` (those that have one).
void Dequeue(MysqlConnection& conn, const std::vector<std::string>& names);

void ClearQueue(MysqlConnection& conn);

// Counting reads every queued name of `source` (a catch-up holds tens of
// thousands): BacklogWatch (app/refresh_queue.h) says when it is worth it.
int64_t QueuedCount(MysqlConnection& conn, absl::string_view source);

// Whether any name of `source` is queued: one index entry read.
bool AnyQueued(MysqlConnection& conn, absl::string_view source);

// The cursor position of `source`'s longest-queued name: the figures hold
// every event of the source up to it. None when none is queued.
struct QueuedSince {
  int64_t sequence = 0;
  // InfinitePast() when the queue's first batch was the source's first.
  absl::Time event_time = absl::InfinitePast();
};
std::optional<QueuedSince> OldestQueuedPosition(MysqlConnection& conn,
                                                absl::string_view source);

}  // namespace csm::reporting

#endif  // CSM_REPORTING_SVC_STORE_REFRESH_QUEUE_H_
