// The event stream's reads of the outbox (common/event_stream.h): a batch of
// events after a cursor, and the newest sequence. Internal to the stream.
#ifndef CSM_COMMON_EVENT_BATCH_H_
#define CSM_COMMON_EVENT_BATCH_H_

#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

#include "absl/status/status.h"
#include "common/mysql_pool.h"
#include "csm/events/v1/events.pb.h"

namespace csm {
namespace event_stream_internal {

struct Row {
  csm::events::v1::Event event;
  bool wanted = true;
};

// Reads up to `limit` events after `after`. Rows the filter does not want
// are returned without their payload.
absl::Status ReadBatch(MysqlPool& pool, const std::string& source,
                       int64_t after, int limit,
                       const std::unordered_set<std::string>& types,
                       std::vector<Row>* rows);

// The newest sequence in the outbox: one index probe, whatever the number of
// streams waiting.
absl::Status ReadHead(MysqlPool& pool, int64_t* head);

// Not the database's message: it may quote stored values. The MySQL error
// number travels on as a payload for the log line.
absl::Status ReadFailed(const absl::Status& read, int64_t reported);

}  // namespace event_stream_internal
}  // namespace csm

#endif  // CSM_COMMON_EVENT_BATCH_H_
