// Idle csm.events.v1 StreamEvents streams held open while csm-load makes
// its unary calls (tools/load.cc, --hold_streams): what a fleet of caught-up
// event consumers costs a server.
#ifndef CSM_TOOLS_LOAD_STREAMS_H_
#define CSM_TOOLS_LOAD_STREAMS_H_

#include <grpcpp/grpcpp.h>

#include <array>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"

namespace csm::load {

struct StreamCounts {
  int requested = 0;
  // Got a first response and are still open: served, idle.
  int live = 0;
  // Open but nothing received yet (queued, or refused later).
  int pending = 0;
  // Ended, by status code (RESOURCE_EXHAUSTED: the server refused them).
  std::array<int64_t, 17> ended{};

  // "streams=N streams_live=L streams_pending=P streams_ended=CODE:n,..."
  std::string Fields() const;
};

// Each stream asks for events after sequence 0 of a type nobody writes, so
// the server reads the outbox once, reports its progress in one response
// (that marks the stream live) and then waits for new events like any
// caught-up consumer. One thread drives every stream's completion queue.
class StreamHolder {
 public:
  // Streams are spread over `channels`; every stream ends by `deadline`.
  StreamHolder(std::vector<std::shared_ptr<grpc::Channel>> channels,
               std::string token, absl::Time deadline);
  ~StreamHolder();

  // Starts `n` streams at once.
  void Open(int n);
  // Until every stream is live or ended, or `timeout`.
  void WaitSettled(absl::Duration timeout);
  StreamCounts Counts();
  // Cancels every stream and waits until all have ended.
  void Close();

 private:
  struct Stream;
  enum class Op { kStart, kRead, kFinish };
  struct Tag {
    Stream* stream;
    Op op;
  };

  void Drive();
  void OnEvent(Tag* tag, bool ok);

  std::vector<std::shared_ptr<grpc::Channel>> channels_;
  std::string token_;
  absl::Time deadline_;
  grpc::CompletionQueue cq_;
  std::vector<std::unique_ptr<Stream>> streams_;
  std::thread driver_;
  std::mutex mu_;
  std::condition_variable changed_;
  int live_ = 0;
  int ended_ = 0;
  std::array<int64_t, 17> ended_by_code_{};
  bool closed_ = false;
};

}  // namespace csm::load

#endif  // CSM_TOOLS_LOAD_STREAMS_H_
