// What common/event_stream.cc (the callback streams) and
// common/event_stream_hub.cc (the reader threads and the watcher) share.
// Internal to the event stream service.
#ifndef CSM_COMMON_EVENT_STREAM_INTERNAL_H_
#define CSM_COMMON_EVENT_STREAM_INTERNAL_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/event_batch.h"
#include "common/event_stream.h"

namespace csm {
namespace event_stream_internal {
class Stream;
}  // namespace event_stream_internal

// ---------------------------------------------------------------------------
// Hub: what the open streams share. One mutex guards the streams' states,
// the ready queue and the parked set; gRPC operations (StartWrite, Finish)
// are started after it is released, since gRPC may run a reaction inline.

class EventStreamService::Hub {
 public:
  Hub(MysqlPool* pool, Outbox* outbox, RpcRuntime* runtime,
      EventStreamOptions options);
  ~Hub();

  MysqlPool& pool() { return *pool_; }
  Outbox& outbox() { return *outbox_; }
  RpcRuntime& runtime() { return *runtime_; }
  const EventStreamOptions& options() const { return options_; }
  std::mutex& mu() { return mu_; }
  bool shutting_down() const { return shutting_down_; }  // holds mu()

  // Both hold mu().
  void ScheduleLocked(event_stream_internal::Stream* stream);
  void ParkLocked(event_stream_internal::Stream* stream);
  void UnparkLocked(event_stream_internal::Stream* stream) {
    parked_.erase(stream);
  }
  void Opened();
  void Closed();
  int open() const;
  void Shutdown();

 private:
  void Read();   // a reader thread
  void Watch();  // the watcher thread

  MysqlPool* pool_;
  Outbox* outbox_;
  RpcRuntime* runtime_;
  const EventStreamOptions options_;
  mutable std::mutex mu_;
  std::condition_variable ready_cv_;
  std::condition_variable parked_cv_;
  std::deque<event_stream_internal::Stream*> ready_;
  std::unordered_set<event_stream_internal::Stream*> parked_;
  int open_ = 0;
  bool shutting_down_ = false;
  bool stopping_ = false;
  std::vector<std::thread> readers_;
  std::thread watcher_;
  OutboxSequencer sequencer_;
};

namespace event_stream_internal {

using csm::events::v1::StreamEventsResponse;

// One open stream. States: reading (queued for or inside Step on a reader
// thread), writing (a response in flight), parked (caught up, waiting for
// the watcher), done (Finish called; OnDone deletes it).
class Stream final : public grpc::ServerWriteReactor<StreamEventsResponse> {
 public:
  using Hub = EventStreamService::Hub;

  // Begins the call (auth, validation); a refused call finishes at once.
  Stream(Hub* hub, grpc::CallbackServerContext* context,
         const csm::events::v1::StreamEventsRequest& request);

  // On a reader thread: one batch, then write, read on, or park.
  void Step();

  // The watcher asks, holding mu(): is there something to send?
  bool Due(int64_t head, absl::Time now) const {
    return cursor_ < head || ProgressDue(now);
  }
  void set_reading() { state_ = State::kReading; }  // holds mu()

  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override {
    hub_->Closed();
    delete this;
  }

 private:
  enum class State { kReading, kWriting, kParked, kDone };

  absl::Status ShuttingDown() const {
    return absl::UnavailableError(absl::StrCat(
        "server is shutting down; resume with after_sequence=", reported_));
  }
  // Progress over filtered-out events at most once per poll interval, so a
  // filtering client can store its cursor without being flooded.
  bool ProgressDue(absl::Time now) const {
    return cursor_ > reported_ &&
           now - last_write_ >= hub_->options().poll_interval;
  }
  // Holds mu(); returns true when the stream must end with *why.
  bool MustEndLocked(absl::Status* why) const {
    if (cancelled_) {
      *why = absl::CancelledError("client cancelled the stream");
    } else if (hub_->shutting_down()) {
      *why = ShuttingDown();
    } else {
      return false;
    }
    return true;
  }
  // Holds mu(): parks, unless a batch was sequenced since `generation` was read
  // before the batch (then reads again: the wake-up is not lost).
  void ParkLocked(uint64_t generation) {
    if (hub_->outbox().sequenced_generation() != generation) {
      hub_->ScheduleLocked(this);
      return;
    }
    state_ = State::kParked;
    hub_->ParkLocked(this);
  }
  // Without mu(): logs, counts and finishes the call.
  void End(const absl::Status& status) {
    Finish(hub_->runtime().End(started_, status));
  }
  absl::Status ReadRows(std::vector<Row>* rows);

  Hub* const hub_;
  RpcRuntime::Started started_;
  int batch_ = 1;
  std::unordered_set<std::string> types_;
  // cursor: highest sequence looked at; reported: highest sequence the
  // client has been told about (its safe resume point).
  int64_t cursor_ = 0;
  int64_t reported_ = 0;
  absl::Time last_write_ = absl::Now();
  State state_ = State::kReading;
  bool cancelled_ = false;
  // Of the write in flight.
  StreamEventsResponse response_;
  bool caught_up_after_write_ = false;
  uint64_t generation_of_write_ = 0;
};

}  // namespace event_stream_internal
}  // namespace csm

#endif  // CSM_COMMON_EVENT_STREAM_INTERNAL_H_
