#include <algorithm>
#include <mutex>
#include <string>
#include <thread>

#include "common/event_stream_internal.h"
#include "common/log.h"

// The threads the open streams share: readers that step ready streams, and
// one watcher that wakes parked streams when events past their cursor exist.

namespace csm {

using event_stream_internal::ReadHead;
using event_stream_internal::Stream;

EventStreamService::Hub::Hub(MysqlPool* pool, Outbox* outbox,
                             RpcRuntime* runtime, EventStreamOptions options)
    : pool_(pool),
      outbox_(outbox),
      runtime_(runtime),
      options_(options),
      sequencer_(pool, outbox, options.sequencer) {
  sequencer_.Start();
  for (int i = 0; i < std::max(1, options_.reader_threads); ++i) {
    readers_.emplace_back([this] { Read(); });
  }
  watcher_ = std::thread([this] { Watch(); });
}

EventStreamService::Hub::~Hub() {
  sequencer_.Stop();
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  ready_cv_.notify_all();
  parked_cv_.notify_all();
  outbox_->NotifySequenced();  // the watcher may be waiting
  for (std::thread& t : readers_) t.join();
  watcher_.join();
}

void EventStreamService::Hub::ScheduleLocked(Stream* stream) {
  stream->set_reading();
  ready_.push_back(stream);
  ready_cv_.notify_one();
}

void EventStreamService::Hub::ParkLocked(Stream* stream) {
  parked_.insert(stream);
  if (parked_.size() == 1) parked_cv_.notify_one();
}

void EventStreamService::Hub::Opened() {
  std::lock_guard<std::mutex> lock(mu_);
  ++open_;
}

void EventStreamService::Hub::Closed() {
  std::lock_guard<std::mutex> lock(mu_);
  --open_;
}

int EventStreamService::Hub::open() const {
  std::lock_guard<std::mutex> lock(mu_);
  return open_;
}

void EventStreamService::Hub::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    shutting_down_ = true;
    for (Stream* stream : parked_) ScheduleLocked(stream);
    parked_.clear();
  }
  outbox_->NotifySequenced();
}

void EventStreamService::Hub::Read() {
  while (true) {
    Stream* stream;
    {
      std::unique_lock<std::mutex> lock(mu_);
      ready_cv_.wait(lock, [&] { return stopping_ || !ready_.empty(); });
      if (stopping_) return;
      stream = ready_.front();
      ready_.pop_front();
    }
    stream->Step();
  }
}

void EventStreamService::Hub::Watch() {
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      parked_cv_.wait(lock, [&] { return stopping_ || !parked_.empty(); });
      if (stopping_) return;
    }
    const uint64_t seen = outbox_->sequenced_generation();
    int64_t head = 0;
    const absl::Status read = ReadHead(*pool_, &head);
    if (!read.ok()) {
      // Every waiting stream reads and ends with the error (its client
      // resumes), as a stream reading by itself would.
      log::Warning(
          "event stream: reading the newest sequence failed",
          {{"code", std::string(absl::StatusCodeToString(read.code()))}});
    }
    const absl::Time now = absl::Now();
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (auto it = parked_.begin(); it != parked_.end();) {
        if (!read.ok() || (*it)->Due(head, now)) {
          ScheduleLocked(*it);
          it = parked_.erase(it);
        } else {
          ++it;
        }
      }
    }
    outbox_->WaitForSequenced(seen, options_.poll_interval);
  }
}

}  // namespace csm
