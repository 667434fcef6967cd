#include "common/event_stream.h"

#include <google/protobuf/any.pb.h>

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/business_time.h"
#include "common/log.h"
#include "common/status.h"
#include "cppconn/exception.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"

namespace csm {
namespace {

using csm::events::v1::Event;
using csm::events::v1::StreamEventsRequest;
using csm::events::v1::StreamEventsResponse;

constexpr char kTypeUrlPrefix[] = "type.googleapis.com/";

// Each read of the outbox gets its own short bound: the stream itself lives
// for hours, but no single query (or pool wait) should.
constexpr absl::Duration kReadTimeout = absl::Seconds(5);

// Keeps a response well under gRPC's default 4 MiB receive limit however
// large the payloads; at least one event always goes out.
constexpr size_t kMaxResponseBytes = 1 << 20;

struct Row {
  Event event;
  bool wanted = true;
};

// Reads up to `limit` events after `after`. Rows the filter does not want
// are returned without their payload.
absl::Status ReadBatch(MysqlPool& pool, const std::string& source,
                       int64_t after, int limit,
                       const std::unordered_set<std::string>& types,
                       std::vector<Row>* rows) {
  rows->clear();
  return RunWithConnection(
      pool, absl::Now() + kReadTimeout,
      [&](MysqlConnection& conn) -> absl::Status {
        // Microseconds since the epoch straight from the server:
        // independent of the session time zone, no text parsing.
        sql::PreparedStatement& stmt = conn.Prepare(
            "SELECT sequence, event_id, aggregate, event_type, "
            "TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', occur_time), "
            "actor, request_id, payload, actor_department FROM outbox_events "
            "WHERE sequence > ? ORDER BY sequence LIMIT ?");
        stmt.setInt64(1, after);
        stmt.setInt(2, limit);
        std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
        while (rs->next()) {
          Row& row = rows->emplace_back();
          Event& e = row.event;
          e.set_sequence(rs->getInt64(1));
          e.set_event_type(rs->getString(4));
          row.wanted = types.empty() || types.count(e.event_type()) > 0;
          if (!row.wanted) continue;
          e.set_event_id(rs->getString(2));
          e.set_source(source);
          e.set_aggregate(rs->getString(3));
          ToProtoTimestamp(absl::FromUnixMicros(rs->getInt64(5)),
                           e.mutable_occur_time());
          e.set_actor(rs->getString(6));
          e.set_request_id(rs->getString(7));
          e.set_actor_department(rs->getString(9));
          google::protobuf::Any* any = e.mutable_payload();
          any->set_type_url(absl::StrCat(kTypeUrlPrefix, e.event_type()));
          any->set_value(rs->getString(8));
        }
        return absl::OkStatus();
      });
}

// The newest sequence in the outbox: one index probe, whatever the number of
// streams waiting.
absl::Status ReadHead(MysqlPool& pool, int64_t* head) {
  return RunWithConnection(
      pool, absl::Now() + kReadTimeout,
      [&](MysqlConnection& conn) -> absl::Status {
        sql::PreparedStatement& stmt = conn.Prepare(
            "SELECT COALESCE(MAX(sequence), 0) "
            "FROM outbox_events");
        std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
        *head = rs->next() ? rs->getInt64(1) : 0;
        return absl::OkStatus();
      });
}

// Not the database's message: it may quote stored values. The MySQL error
// number travels on as a payload for the log line.
absl::Status ReadFailed(const absl::Status& read, int64_t reported) {
  absl::Status failed(read.code(),
                      absl::StrCat("reading events failed (",
                                   absl::StatusCodeToString(read.code()),
                                   "); resume with after_sequence=", reported));
  read.ForEachPayload(
      [&](absl::string_view type_url, const absl::Cord& payload) {
        failed.SetPayload(type_url, payload);
      });
  return failed;
}

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

class Stream;

}  // namespace

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
  void ScheduleLocked(Stream* stream);
  void ParkLocked(Stream* stream);
  void UnparkLocked(Stream* stream) { parked_.erase(stream); }
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
  std::deque<Stream*> ready_;
  std::unordered_set<Stream*> parked_;
  int open_ = 0;
  bool shutting_down_ = false;
  bool stopping_ = false;
  std::vector<std::thread> readers_;
  std::thread watcher_;
  OutboxSequencer sequencer_;
};

namespace {

// One open stream. States: reading (queued for or inside Step on a reader
// thread), writing (a response in flight), parked (caught up, waiting for
// the watcher), done (Finish called; OnDone deletes it).
class Stream final : public grpc::ServerWriteReactor<StreamEventsResponse> {
 public:
  using Hub = EventStreamService::Hub;

  Stream(Hub* hub, grpc::CallbackServerContext* context,
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

}  // namespace

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

// ---------------------------------------------------------------------------
// EventStreamService

EventStreamService::EventStreamService(MysqlPool* pool, Outbox* outbox,
                                       RpcRuntime* runtime,
                                       EventStreamOptions options)
    : hub_(std::make_unique<Hub>(pool, outbox, runtime, options)) {}

EventStreamService::~EventStreamService() = default;

void EventStreamService::Shutdown() { hub_->Shutdown(); }

int EventStreamService::open_streams() const { return hub_->open(); }

grpc::ServerWriteReactor<StreamEventsResponse>*
EventStreamService::StreamEvents(grpc::CallbackServerContext* context,
                                 const StreamEventsRequest* request) {
  return new Stream(hub_.get(), context, *request);
}

}  // namespace csm
