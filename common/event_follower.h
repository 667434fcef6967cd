// Follows one source's csm.events.v1.EventService.StreamEvents from the
// cursor kept in the consumer's schema (common/event_cursor.h), applying
// each received batch and advancing the cursor in one transaction, so every
// event is counted exactly once across crashes and restarts of either side.
//
//   - A source that is down or restarting delays, never breaks: the
//     follower reconnects with a jittered, capped exponential backoff
//     (ServiceClient's channel and service token).
//   - On every (re)connect it asks for the events after cursor - 1 and checks
//     that the event at the cursor still has the id it applied: a source
//     restored from a backup reuses sequences for other events. That, or a
//     sequence that is not strictly after the one before, stops the follower
//     for that source with a clear error (log, metric, Status()) instead of
//     double counting or silently skipping.
//   - Events of unknown types (a newer producer) are skipped and counted
//     (the cursor's skipped_unknown, a Prometheus counter, a log line with
//     type and sequence, never the payload).
//   - A payload that does not parse is recorded in event_dead_letters and
//     stops the follower for that source until an operator skips it or asks
//     for a retry (SkipDeadLetter / RetryDeadLetter; docs/operations.md):
//     the stopped follower checks for that decision every recheck interval.
#ifndef CSM_COMMON_EVENT_FOLLOWER_H_
#define CSM_COMMON_EVENT_FOLLOWER_H_

#include <grpcpp/client_context.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/event_cursor.h"
#include "common/mysql_pool.h"
#include "common/service_client.h"

namespace csm::events::v1 {
class StreamEventsResponse;
}  // namespace csm::events::v1

namespace prometheus {
class Registry;
}

namespace csm {

struct EventFollowerOptions {
  // The source's name as its events and the cursor row carry it.
  std::string source;
  int max_batch_size = 500;
  absl::Duration min_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(10);
  // A stopped follower looks this often for an operator's decision.
  absl::Duration recheck_interval = absl::Seconds(5);
  // Bound of one batch's transaction (pool wait included).
  absl::Duration apply_timeout = absl::Seconds(30);
  // A stream with nothing to read for this long is at the source's head.
  absl::Duration caught_up_quiet = absl::Seconds(2);
  // Work a consumer defers past its batches' transactions (say, what its
  // batches only queued): run on the follower's thread after each applied
  // batch and after a read that found the source at its head (`at_head`;
  // also the first read after a restart), before the follower counts as
  // caught up; `stopping` turns true on Stop() or Pause(), which wait for
  // it.
  std::function<void(bool at_head, const std::function<bool()>& stopping)>
      after_apply = nullptr;
};

// What Status() reports (GetFreshness, health detail).
struct FollowerState {
  std::string source;
  bool connected = false;
  bool stopped = false;
  // Why it stopped, for operators (no payload).
  std::string stop_reason;
  // The dead letter it stopped at, 0 for other reasons.
  int64_t dead_letter_sequence = 0;
  int64_t reconnects = 0;
  // It has read everything its source had, at least once since it started:
  // a response with fewer events than it asked for (the source had no
  // more), or, while streaming, nothing to read for caught_up_quiet. The
  // source's head is what its sequencer has numbered; an event committed
  // a moment before and not yet numbered comes after it. Jobs
  // that must not act on a partial history wait for it (reporting-svc's
  // snapshots after a start-up).
  bool caught_up = false;
};

class EventFollower {
 public:
  // `client`, `pool`, `handlers` and `registry` (may be null) must outlive
  // the follower.
  EventFollower(EventFollowerOptions options, ServiceClient* client,
                MysqlPool* pool, const EventHandlers* handlers,
                prometheus::Registry* registry);
  ~EventFollower();
  EventFollower(const EventFollower&) = delete;
  EventFollower& operator=(const EventFollower&) = delete;

  void Start();
  // Prompt: cancels the stream, waits for a batch in progress, joins.
  void Stop();
  // Stops applying until Resume() (a rebuild replacing the tables); returns
  // once no batch is in progress.
  void Pause();
  void Resume();

  FollowerState Status() const;
  const std::string& source() const { return options_.source; }

 private:
  struct Metrics;
  void Loop();
  // One connection: streams and applies until the stream ends, an error, or
  // a stop. Returns true when a batch was applied (resets the backoff).
  bool FollowOnce();
  struct StreamPosition;
  // The cursor, locked and read in a transaction of its own; none when the
  // database fails (logged).
  std::optional<EventCursor> ReadCursor();
  // Registers the stream (Stop() cancels it); false when stopping or paused.
  bool BeginStream(grpc::ClientContext* context);
  // Moves the response's events after the one at the cursor into `batch`,
  // checking the sequence and the cursor's event; false when that stopped
  // the source.
  bool TakeCheckedEvents(csm::events::v1::StreamEventsResponse& response,
                         StreamPosition* at, std::vector<Event>* batch);
  // A read (or the apply after it) ended now; `at_head`: the follower has
  // read everything the source had.
  void MarkRead(bool connected, bool at_head);
  void EndStream(const grpc::Status& finished);
  absl::Status ApplyBatch(const std::vector<Event>& events);
  void AfterApply(bool at_head);
  void StopSource(std::string reason, int64_t dead_letter_sequence);
  // While stopped: whether an operator has decided (a dead letter skipped or
  // retried).
  bool OperatorDecided();
  // Sleeps up to `d`, waking early on Stop(); false when stopping.
  bool SleepFor(absl::Duration d);
  absl::Duration NextBackoff();

  const EventFollowerOptions options_;
  ServiceClient* client_;
  MysqlPool* pool_;
  const EventHandlers* handlers_;
  std::unique_ptr<Metrics> metrics_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool paused_ = false;
  bool applying_ = false;
  FollowerState state_;
  grpc::ClientContext* stream_context_ = nullptr;  // while streaming
  // While streaming: when the stream started or last delivered.
  absl::Time last_read_ = absl::InfinitePast();
  absl::Duration backoff_;
  absl::BitGen bitgen_;
  std::thread thread_;
};

// Streams the events of the source behind `client` after `after` up to and
// including `upto`, in order, calling `apply` for each (a rebuild replays
// from 0 to the live cursor). FAILED_PRECONDITION when the source does not
// have `upto` (yet) within `timeout` or its sequence goes backwards; the
// first error of `apply` ends the replay and is returned.
absl::Status ReplayEvents(
    ServiceClient& client, int64_t after, int64_t upto, absl::Duration timeout,
    const std::function<absl::Status(const Event&)>& apply);

}  // namespace csm

#endif  // CSM_COMMON_EVENT_FOLLOWER_H_
