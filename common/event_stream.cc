#include "common/event_stream.h"

#include <algorithm>
#include <exception>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/event_stream_internal.h"
#include "common/status.h"
#include "cppconn/exception.h"

// The callback streams of csm.events.v1.EventService: one reactor an open
// stream (the reader threads and the watcher: common/event_stream_hub.cc;
// the reads: common/event_batch.cc).

namespace csm {
namespace event_stream_internal {
namespace {

using csm::events::v1::StreamEventsRequest;

// Keeps a response well under gRPC's default 4 MiB receive limit however
// large the payloads; at least one event always goes out.
constexpr size_t kMaxResponseBytes = 1 << 20;

absl::Status ValidateRequest(const StreamEventsRequest& request,
                             const EventStreamOptions& options) {
  FieldViolations violations;
  if (request.max_batch_size() < 0 ||
      request.max_batch_size() > options.max_batch_size) {
    violations.Add("max_batch_size",
                   absl::StrCat("must be between 0 (server default) and ",
                                options.max_batch_size));
  }
  if (request.after_sequence() < 0) {
    violations.Add("after_sequence",
                   "must be 0 (from the start) or a sequence received");
  }
  return violations.ToStatus();
}

}  // namespace

Stream::Stream(Hub* hub, grpc::CallbackServerContext* context,
               const StreamEventsRequest& request)
    : hub_(hub) {
  hub_->Opened();
  absl::Status status = hub_->runtime().Begin(
      context, "StreamEvents",
      RoleSet{Role::kService, Role::kArchivist, Role::kGeneralManager},
      &started_);
  if (status.ok()) status = ValidateRequest(request, hub_->options());
  cursor_ = reported_ = request.after_sequence();
  batch_ = std::max(1, request.max_batch_size() > 0
                           ? request.max_batch_size()
                           : hub_->options().default_batch_size);
  types_.insert(request.event_types().begin(), request.event_types().end());
  std::unique_lock<std::mutex> lock(hub_->mu());
  if (status.ok() && hub_->shutting_down()) status = ShuttingDown();
  if (!status.ok()) {
    state_ = State::kDone;
    lock.unlock();
    End(status);
    return;
  }
  lock.unlock();
  // Tells the client the stream is open (ClientReader's initial metadata)
  // before any event exists for it. Before the first write: gRPC sends
  // initial metadata once.
  StartSendInitialMetadata();
  lock.lock();
  hub_->ScheduleLocked(this);
}

absl::Status Stream::ReadRows(std::vector<Row>* rows) {
  try {
    return ReadBatch(hub_->pool(), hub_->outbox().source(), cursor_, batch_,
                     types_, rows);
  } catch (const sql::SQLException& e) {
    return FromSqlException(e);
  } catch (const std::exception& e) {
    return absl::InternalError("reading events threw");
  }
}

void Stream::Step() {
  {
    std::unique_lock<std::mutex> lock(hub_->mu());
    absl::Status why;
    if (MustEndLocked(&why)) {
      state_ = State::kDone;
      lock.unlock();
      End(why);
      return;
    }
  }
  // Read the generation before the rows: a batch sequenced after the
  // read bumps it, so parking below cannot miss it.
  const uint64_t generation = hub_->outbox().sequenced_generation();
  std::vector<Row> rows;
  const absl::Status read = ReadRows(&rows);

  StreamEventsResponse response;
  int64_t cursor = cursor_;
  size_t bytes = 0;
  bool full = false;
  for (Row& row : rows) {
    const int64_t sequence = row.event.sequence();
    if (row.wanted) {
      const size_t size = row.event.ByteSizeLong();
      if (response.events_size() > 0 && bytes + size > kMaxResponseBytes) {
        full = true;  // the rest goes in the next response
        break;
      }
      bytes += size;
      *response.add_events() = std::move(row.event);
    }
    cursor = sequence;
  }
  const bool caught_up = !full && rows.size() < static_cast<size_t>(batch_);

  std::unique_lock<std::mutex> lock(hub_->mu());
  absl::Status why;
  if (!read.ok()) why = ReadFailed(read, reported_);
  if (!read.ok() || MustEndLocked(&why)) {
    state_ = State::kDone;
    lock.unlock();
    End(why);
    return;
  }
  cursor_ = cursor;
  if (response.events_size() > 0 || ProgressDue(absl::Now())) {
    response.set_last_sequence(cursor_);
    response_ = std::move(response);
    caught_up_after_write_ = caught_up;
    generation_of_write_ = generation;
    state_ = State::kWriting;
    lock.unlock();
    StartWrite(&response_);
    return;
  }
  if (caught_up) {
    ParkLocked(generation);
  } else {
    hub_->ScheduleLocked(this);
  }
}

void Stream::OnWriteDone(bool ok) {
  std::unique_lock<std::mutex> lock(hub_->mu());
  absl::Status why;
  if (ok) {
    // Delivered: the resume point a shutdown message names includes it.
    reported_ = response_.last_sequence();
    last_write_ = absl::Now();
  } else {
    why = absl::CancelledError("client went away");
  }
  if (!ok || MustEndLocked(&why)) {
    state_ = State::kDone;
    lock.unlock();
    End(why);
    return;
  }
  if (caught_up_after_write_) {
    ParkLocked(generation_of_write_);
  } else {
    hub_->ScheduleLocked(this);
  }
}

void Stream::OnCancel() {
  std::unique_lock<std::mutex> lock(hub_->mu());
  cancelled_ = true;
  // Reading or writing: that step sees the flag (or its write fails).
  if (state_ != State::kParked) return;
  hub_->UnparkLocked(this);
  state_ = State::kDone;
  lock.unlock();
  End(absl::CancelledError("client cancelled the stream"));
}

}  // namespace event_stream_internal

// ---------------------------------------------------------------------------
// EventStreamService

EventStreamService::EventStreamService(MysqlPool* pool, Outbox* outbox,
                                       RpcRuntime* runtime,
                                       EventStreamOptions options)
    : hub_(std::make_unique<Hub>(pool, outbox, runtime, options)) {}

EventStreamService::~EventStreamService() = default;

void EventStreamService::Shutdown() { hub_->Shutdown(); }

int EventStreamService::open_streams() const { return hub_->open(); }

grpc::ServerWriteReactor<csm::events::v1::StreamEventsResponse>*
EventStreamService::StreamEvents(
    grpc::CallbackServerContext* context,
    const csm::events::v1::StreamEventsRequest* request) {
  return new event_stream_internal::Stream(hub_.get(), context, *request);
}

}  // namespace csm
