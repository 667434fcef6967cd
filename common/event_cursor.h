// The consumer side of the event streams, without gRPC: the cursor a
// consumer keeps per source in its own schema (event_cursors), the dead
// letters (event_dead_letters), the consumer's handlers by event type, and
// ApplyEvents, which applies a batch and advances the cursor inside the
// caller's transaction: after any crash the batch is either wholly applied
// with its cursor or not at all, so every event counts exactly once.
// common/event_follower.h streams the batches from a source.
#ifndef CSM_COMMON_EVENT_CURSOR_H_
#define CSM_COMMON_EVENT_CURSOR_H_

#include <google/protobuf/message.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/mysql_pool.h"
#include "csm/events/v1/events.pb.h"

namespace csm {

using csm::events::v1::Event;

// What a consumer does with each event type it knows, by the payload's full
// protobuf name. A handler writes to the consumer's tables on the given
// connection, inside the batch's transaction; an error rolls the whole batch
// back (nothing applied, cursor unchanged) and the follower retries it.
class EventHandlers {
 public:
  template <typename M>
  using Handler =
      std::function<absl::Status(MysqlConnection&, const Event&, const M&)>;

  template <typename M>
  EventHandlers& On(Handler<M> handler) {
    Entry entry;
    entry.make = [] { return std::make_unique<M>(); };
    entry.apply = [handler = std::move(handler)](
                      MysqlConnection& conn, const Event& event,
                      const google::protobuf::Message& payload) {
      return handler(conn, event, static_cast<const M&>(payload));
    };
    entries_[std::string(M::descriptor()->full_name())] = std::move(entry);
    return *this;
  }

  // Runs before the handler of every known event (e.g. what the event's
  // envelope says about its actor), in the same transaction.
  using EnvelopeHandler =
      std::function<absl::Status(MysqlConnection&, const Event&)>;
  EventHandlers& OnEvery(EnvelopeHandler handler) {
    every_.push_back(std::move(handler));
    return *this;
  }

  // Runs at the start and at the end of every batch (ApplyEvents; a
  // rebuild replays in batches too), on the batch's connection and inside
  // its transaction: for writes a consumer gathers over a batch and makes
  // once. A batch that fails is rolled back whole; `begin` must drop what
  // an earlier, failed batch on that connection gathered.
  using BatchHook = std::function<void(MysqlConnection&)>;
  using BatchEndHook = std::function<absl::Status(MysqlConnection&)>;
  EventHandlers& OnBatch(BatchHook begin, BatchEndHook end) {
    batch_begin_.push_back(std::move(begin));
    batch_end_.push_back(std::move(end));
    return *this;
  }
  void BeginBatch(MysqlConnection& conn) const;
  absl::Status EndBatch(MysqlConnection& conn) const;

  bool Knows(absl::string_view type) const {
    return entries_.find(type) != entries_.end();
  }

  // Applies one event. NotFound when its type is unknown; DataLoss when its
  // payload does not parse as that type (or names another type); else what
  // the handler returned.
  absl::Status Apply(MysqlConnection& conn, const Event& event) const;

 private:
  struct Entry {
    std::function<std::unique_ptr<google::protobuf::Message>()> make;
    std::function<absl::Status(MysqlConnection&, const Event&,
                               const google::protobuf::Message&)>
        apply;
  };
  std::map<std::string, Entry, std::less<>> entries_;
  std::vector<EnvelopeHandler> every_;
  std::vector<BatchHook> batch_begin_;
  std::vector<BatchEndHook> batch_end_;
};

// A consumer's position in one source.
struct EventCursor {
  std::string source;
  int64_t last_sequence = 0;
  std::string last_event_id;
  // occur_time of the last applied event; InfinitePast() before the first.
  absl::Time last_event_time = absl::InfinitePast();
  // When it was applied (wall clock).
  absl::Time apply_time = absl::InfinitePast();
  int64_t skipped_unknown = 0;
};

// An event that did not parse, kept for the operator.
struct DeadLetter {
  std::string source;
  int64_t sequence = 0;
  std::string event_type;
  std::string event_id;
  std::string error;
  absl::Time recorded_at;
  int attempts = 0;
  // "" while open, "skipped" or "retry" once an operator decided.
  std::string resolution;
  std::string resolved_by;
};

// The cursor of `source`, created at 0 when missing, locked (FOR UPDATE)
// until the caller's transaction ends: replicas applying the same source
// take turns, and each sees what the other applied.
absl::StatusOr<EventCursor> LockEventCursor(MysqlConnection& conn,
                                            absl::string_view source);

// A shared lock on the cursor row of `source` until the caller's
// transaction ends: it waits for a batch of the source (LockEventCursor)
// to commit and keeps the next one waiting, while other holders of a share
// go along (reporting-svc's refresh drains, on disjoint names).
absl::Status ShareEventCursor(MysqlConnection& conn, absl::string_view source);

// Every source's cursor, ordered by source (no lock).
absl::StatusOr<std::vector<EventCursor>> ReadEventCursors(MysqlPool& pool);

// What ApplyEvents did.
struct ApplyOutcome {
  // Events applied by a handler, and events of unknown types skipped.
  int applied = 0;
  int skipped_unknown = 0;
  // Types and sequences of the skipped events, for the log line.
  std::vector<std::pair<std::string, int64_t>> skipped;
  // Events at or before the cursor (already applied: a replay or another
  // replica), left alone.
  int already_applied = 0;
  // The first event whose payload did not parse: recorded as a dead letter;
  // the events before it were applied, none after it.
  std::optional<DeadLetter> dead_letter;
  EventCursor cursor;  // as advanced
};

// In the caller's transaction: locks the cursor of `source`, applies the
// events after it in order (unknown types skipped and counted), stops at
// the first payload that does not parse (recording it in
// event_dead_letters) and advances the cursor over what it handled.
// `events` must be in strictly increasing sequence. A handler's error is
// returned as it is: the caller rolls the transaction back.
absl::StatusOr<ApplyOutcome> ApplyEvents(MysqlConnection& conn,
                                         absl::string_view source,
                                         const EventHandlers& handlers,
                                         const std::vector<Event>& events);

// Operators' decisions on a dead letter (docs/operations.md).
absl::StatusOr<std::vector<DeadLetter>> ListDeadLetters(MysqlPool& pool);
// Skips the open dead letter at `sequence`: the cursor moves over it (it must
// be the next event of the source), so the follower resumes after it.
// FAILED_PRECONDITION when it is not open or not the next event.
absl::Status SkipDeadLetter(MysqlPool& pool, absl::string_view source,
                            int64_t sequence, absl::string_view operator_id);
// Asks the follower to try the event again (after a consumer fix).
absl::Status RetryDeadLetter(MysqlPool& pool, absl::string_view source,
                             int64_t sequence, absl::string_view operator_id);
// The resolution of a dead letter: "" open, "skipped", "retry"; NOT_FOUND
// when there is none.
absl::StatusOr<std::string> DeadLetterResolution(MysqlPool& pool,
                                                 absl::string_view source,
                                                 int64_t sequence);

}  // namespace csm

#endif  // CSM_COMMON_EVENT_CURSOR_H_
