// csm.events.v1.EventService for one service's outbox: what consumers
// (reporting-svc) follow. Replays the events after the client's sequence,
// then follows new ones: woken at once by this process's commits
// (Outbox::NotifyCommitted), polling for other replicas' events.
#ifndef CSM_COMMON_EVENT_STREAM_H_
#define CSM_COMMON_EVENT_STREAM_H_

#include <memory>

#include "absl/time/time.h"
#include "common/mysql_pool.h"
#include "common/outbox.h"
#include "common/outbox_sequencer.h"
#include "common/rpc.h"
#include "csm/events/v1/events.grpc.pb.h"

namespace csm {

struct EventStreamOptions {
  int default_batch_size = 100;
  int max_batch_size = 1000;
  // How often a follower looks for other replicas' events.
  absl::Duration poll_interval = absl::Milliseconds(200);
  // Threads that read batches for all streams (each read borrows a pool
  // connection for one query).
  int reader_threads = 2;
  // The outbox's sequencer runs with the stream service (it numbers what
  // the streams serve): leads or stands by from construction on.
  OutboxSequencerOptions sequencer = {};
};

// csm.events.v1.EventService for one service's outbox: replays events after
// the client's sequence, then follows new ones until the client cancels or
// the server shuts down (then UNAVAILABLE, telling the client to resume
// from its last sequence).
//
// A callback-API server stream: an open stream holds no thread. Its batches
// are read on `reader_threads` threads; a caught-up stream waits, costing
// only its state, until one watcher (one thread, one query of the newest
// sequence per commit notification or poll interval, however many streams
// are open) sees events past its cursor, or progress over filtered-out
// events is due. Only sequenced events are served: the service runs the
// outbox's OutboxSequencer (common/outbox_sequencer.h), which wakes the
// watcher after each batch; the sequencer stops when the service is
// destroyed (after the server's drain), not at Shutdown().
class EventStreamService final
    : public csm::events::v1::EventService::CallbackService {
 public:
  EventStreamService(MysqlPool* pool, Outbox* outbox, RpcRuntime* runtime,
                     EventStreamOptions options = {});
  // After the server has shut down (every stream is finished then).
  ~EventStreamService() override;

  grpc::ServerWriteReactor<csm::events::v1::StreamEventsResponse>* StreamEvents(
      grpc::CallbackServerContext* context,
      const csm::events::v1::StreamEventsRequest* request) override;

  // Ends every open stream promptly (called before server shutdown).
  void Shutdown();

  // Streams open now (tests, metrics).
  int open_streams() const;

  class Hub;  // common/event_stream.cc

 private:
  std::unique_ptr<Hub> hub_;
};

}  // namespace csm

#endif  // CSM_COMMON_EVENT_STREAM_H_
