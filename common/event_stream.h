// csm.events.v1.EventService for one service's outbox: what consumers
// (reporting-svc) follow. Replays the events after the client's sequence,
// then follows new ones: woken at once by this process's commits
// (Outbox::NotifyCommitted), polling for other replicas' events.
#ifndef CSM_COMMON_EVENT_STREAM_H_
#define CSM_COMMON_EVENT_STREAM_H_

#include <atomic>

#include "absl/time/time.h"
#include "common/mysql_pool.h"
#include "common/outbox.h"
#include "common/rpc.h"
#include "csm/events/v1/events.grpc.pb.h"

namespace csm {

struct EventStreamOptions {
  int default_batch_size = 100;
  int max_batch_size = 1000;
  // How often a follower looks for other replicas' events.
  absl::Duration poll_interval = absl::Milliseconds(200);
};

// csm.events.v1.EventService for one service's outbox: replays events after
// the client's sequence, then follows new ones until the client cancels or
// the server shuts down (then UNAVAILABLE, telling the client to resume
// from its last sequence).
class EventStreamService final : public csm::events::v1::EventService::Service {
 public:
  EventStreamService(MysqlPool* pool, Outbox* outbox, RpcRuntime* runtime,
                     EventStreamOptions options = {});

  grpc::Status StreamEvents(
      grpc::ServerContext* context,
      const csm::events::v1::StreamEventsRequest* request,
      grpc::ServerWriter<csm::events::v1::StreamEventsResponse>* writer)
      override;

  // Ends every open stream promptly (called before server shutdown).
  void Shutdown();

 private:
  MysqlPool* pool_;
  Outbox* outbox_;
  RpcRuntime* runtime_;
  EventStreamOptions options_;
  std::atomic<bool> shutting_down_{false};
};

}  // namespace csm

#endif  // CSM_COMMON_EVENT_STREAM_H_
