#include "common/event_follower.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log.h"
#include "common/status.h"
#include "csm/events/v1/events.grpc.pb.h"

namespace csm {

using csm::events::v1::EventService;
using csm::events::v1::StreamEventsRequest;
using csm::events::v1::StreamEventsResponse;

struct EventFollower::Metrics {
  explicit Metrics(prometheus::Registry* registry, const std::string& source)
      : own(registry == nullptr ? std::make_shared<prometheus::Registry>()
                                : nullptr) {
    prometheus::Registry& r = registry != nullptr ? *registry : *own;
    const prometheus::Labels labels{{"source", source}};
    applied = &prometheus::BuildCounter()
                   .Name("csm_events_applied_total")
                   .Help("Events applied from a source")
                   .Register(r)
                   .Add(labels);
    skipped = &prometheus::BuildCounter()
                   .Name("csm_events_skipped_unknown_total")
                   .Help("Events of unknown types skipped")
                   .Register(r)
                   .Add(labels);
    dead_letters = &prometheus::BuildCounter()
                        .Name("csm_events_dead_letters_total")
                        .Help("Events that did not parse (follower stopped)")
                        .Register(r)
                        .Add(labels);
    reconnects = &prometheus::BuildCounter()
                      .Name("csm_event_follower_reconnects_total")
                      .Help("Stream connections made to a source")
                      .Register(r)
                      .Add(labels);
    stopped = &prometheus::BuildGauge()
                   .Name("csm_event_follower_stopped")
                   .Help(
                       "1 while the follower of a source waits for an "
                       "operator (dead letter, diverged source)")
                   .Register(r)
                   .Add(labels);
    last_sequence = &prometheus::BuildGauge()
                         .Name("csm_event_follower_last_sequence")
                         .Help("Last applied sequence of a source")
                         .Register(r)
                         .Add(labels);
  }
  std::shared_ptr<prometheus::Registry> own;
  prometheus::Counter* applied;
  prometheus::Counter* skipped;
  prometheus::Counter* dead_letters;
  prometheus::Counter* reconnects;
  prometheus::Gauge* stopped;
  prometheus::Gauge* last_sequence;
};

EventFollower::EventFollower(EventFollowerOptions options,
                             ServiceClient* client, MysqlPool* pool,
                             const EventHandlers* handlers,
                             prometheus::Registry* registry)
    : options_(std::move(options)),
      client_(client),
      pool_(pool),
      handlers_(handlers),
      metrics_(std::make_unique<Metrics>(registry, options_.source)),
      backoff_(options_.min_backoff) {
  state_.source = options_.source;
}

EventFollower::~EventFollower() { Stop(); }

void EventFollower::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { Loop(); });
}

void EventFollower::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    if (stream_context_ != nullptr) stream_context_->TryCancel();
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void EventFollower::Pause() {
  std::unique_lock<std::mutex> lock(mu_);
  paused_ = true;
  if (stream_context_ != nullptr) stream_context_->TryCancel();
  cv_.wait(lock, [this] { return !applying_; });
}

void EventFollower::Resume() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    paused_ = false;
  }
  cv_.notify_all();
}

FollowerState EventFollower::Status() const {
  std::lock_guard<std::mutex> lock(mu_);
  FollowerState state = state_;
  // A stream that delivers nothing: the source has nothing after the cursor.
  if (stream_context_ != nullptr && !applying_ &&
      absl::Now() - last_read_ >= options_.caught_up_quiet) {
    state.caught_up = true;
  }
  return state;
}

bool EventFollower::SleepFor(absl::Duration d) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, absl::ToChronoNanoseconds(d),
               [this] { return stopping_; });
  return !stopping_;
}

absl::Duration EventFollower::NextBackoff() {
  // Full jitter over [backoff/2, backoff], then double up to the cap: many
  // consumers of one restarted source do not reconnect in step.
  const double factor = absl::Uniform(bitgen_, 0.5, 1.0);
  const absl::Duration wait = backoff_ * factor;
  backoff_ = std::min(backoff_ * 2, options_.max_backoff);
  return wait;
}

void EventFollower::StopSource(std::string reason,
                               int64_t dead_letter_sequence) {
  log::Error("event follower stopped; waiting for an operator",
             {{"source", options_.source},
              {"reason", reason},
              {"sequence", absl::StrCat(dead_letter_sequence)}});
  metrics_->stopped->Set(1);
  std::lock_guard<std::mutex> lock(mu_);
  state_.stopped = true;
  state_.stop_reason = std::move(reason);
  state_.dead_letter_sequence = dead_letter_sequence;
}

bool EventFollower::OperatorDecided() {
  int64_t sequence;
  {
    std::lock_guard<std::mutex> lock(mu_);
    sequence = state_.dead_letter_sequence;
  }
  // A diverged source waits for the reports to be reset (a restart after
  // `--reset_reports`, docs/operations.md): nothing to poll for.
  if (sequence == 0) return false;
  absl::StatusOr<std::string> resolution =
      DeadLetterResolution(*pool_, options_.source, sequence);
  if (!resolution.ok() || resolution->empty()) return false;
  log::Info("event follower resumes after an operator's decision",
            {{"source", options_.source},
             {"sequence", absl::StrCat(sequence)},
             {"resolution", *resolution}});
  metrics_->stopped->Set(0);
  std::lock_guard<std::mutex> lock(mu_);
  state_.stopped = false;
  state_.stop_reason.clear();
  state_.dead_letter_sequence = 0;
  return true;
}

void EventFollower::Loop() {
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !paused_; });
      if (stopping_) return;
    }
    if (Status().stopped) {
      if (!OperatorDecided() && !SleepFor(options_.recheck_interval)) return;
      continue;
    }
    if (FollowOnce()) backoff_ = options_.min_backoff;
    if (Status().stopped) continue;
    if (!SleepFor(NextBackoff())) return;
  }
}

absl::Status EventFollower::ApplyBatch(const std::vector<Event>& events) {
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (stopping_ || paused_) return absl::CancelledError("paused");
    applying_ = true;
  }
  ApplyOutcome outcome;
  absl::Status s = RunInTransaction(
      *pool_, absl::Now() + options_.apply_timeout,
      [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(
            outcome, ApplyEvents(conn, options_.source, *handlers_, events));
        return absl::OkStatus();
      });
  {
    std::lock_guard<std::mutex> lock(mu_);
    applying_ = false;
  }
  cv_.notify_all();
  if (!s.ok()) {
    log::Warning("applying events failed; retrying after a backoff",
                 {{"source", options_.source},
                  {"code", absl::StatusCodeToString(s.code())},
                  {"first_sequence", absl::StrCat(events.front().sequence())}});
    return s;
  }
  // Counted after the commit: a rolled-back batch is applied again later.
  metrics_->applied->Increment(outcome.applied);
  metrics_->skipped->Increment(outcome.skipped_unknown);
  metrics_->last_sequence->Set(
      static_cast<double>(outcome.cursor.last_sequence));
  for (const auto& [type, sequence] : outcome.skipped) {
    log::Warning("skipped an event of an unknown type",
                 {{"source", options_.source},
                  {"event_type", type},
                  {"sequence", absl::StrCat(sequence)}});
  }
  if (outcome.dead_letter.has_value()) {
    metrics_->dead_letters->Increment();
    const DeadLetter& d = *outcome.dead_letter;
    StopSource(absl::StrCat("event ", d.sequence, " (", d.event_type,
                            ") does not parse; recorded as a dead letter"),
               d.sequence);
    return absl::DataLossError(d.error);
  }
  return absl::OkStatus();
}

void EventFollower::AfterApply(bool at_head) {
  if (!options_.after_apply) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ || paused_) return;
    applying_ = true;
  }
  options_.after_apply(at_head, [this] {
    std::lock_guard<std::mutex> lock(mu_);
    return stopping_ || paused_;
  });
  {
    std::lock_guard<std::mutex> lock(mu_);
    applying_ = false;
  }
  cv_.notify_all();
}

// Where a stream is: the last sequence read, and the event at the cursor,
// which the stream delivers first, to check against what was applied.
struct EventFollower::StreamPosition {
  int64_t previous = 0;
  int64_t check = 0;
  std::string check_event_id;
  bool verified = false;
};

std::optional<EventCursor> EventFollower::ReadCursor() {
  absl::StatusOr<EventCursor> cursor = absl::UnknownError("not read");
  absl::Status read =
      RunInTransaction(*pool_, absl::Now() + options_.apply_timeout,
                       [&](MysqlConnection& conn) -> absl::Status {
                         cursor = LockEventCursor(conn, options_.source);
                         return cursor.status();
                       });
  if (!read.ok()) {
    log::Warning("reading the event cursor failed",
                 {{"source", options_.source},
                  {"code", absl::StatusCodeToString(read.code())}});
    return std::nullopt;
  }
  return *std::move(cursor);
}

bool EventFollower::BeginStream(grpc::ClientContext* context) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ || paused_) return false;
    stream_context_ = context;
    last_read_ = absl::Now();
    ++state_.reconnects;
  }
  metrics_->reconnects->Increment();
  return true;
}

bool EventFollower::TakeCheckedEvents(StreamEventsResponse& response,
                                      StreamPosition* at,
                                      std::vector<Event>* batch) {
  batch->clear();
  for (Event& e : *response.mutable_events()) {
    if (e.sequence() <= at->previous) {
      StopSource(
          absl::StrCat("the source's sequence went backwards: ", e.sequence(),
                       " after ", at->previous, " (a restored database?)"),
          0);
      return false;
    }
    at->previous = e.sequence();
    if (at->verified) {
      batch->push_back(std::move(e));
      continue;
    }
    if (e.sequence() != at->check || e.event_id() != at->check_event_id) {
      StopSource(
          absl::StrCat("the source's history changed: event ", at->check,
                       " was ", at->check_event_id,
                       " when applied, the source now has ", e.sequence(), " ",
                       e.event_id(), " (a restored database?)"),
          0);
      return false;
    }
    at->verified = true;
  }
  return true;
}

void EventFollower::MarkRead(bool connected, bool at_head) {
  std::lock_guard<std::mutex> lock(mu_);
  if (connected) state_.connected = true;
  last_read_ = absl::Now();
  if (at_head) state_.caught_up = true;
}

void EventFollower::EndStream(const grpc::Status& finished) {
  bool stopping;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stream_context_ = nullptr;
    state_.connected = false;
    stopping = stopping_;
  }
  if (!stopping && !finished.ok() &&
      finished.error_code() != grpc::StatusCode::CANCELLED) {
    log::Info("event stream ended; reconnecting after a backoff",
              {{"source", options_.source},
               {"code", absl::StrCat(finished.error_code())}});
  }
}

bool EventFollower::FollowOnce() {
  const std::optional<EventCursor> cursor = ReadCursor();
  if (!cursor.has_value()) return false;
  absl::StatusOr<std::unique_ptr<grpc::ClientContext>> context =
      client_->NewContext(absl::InfiniteFuture());
  if (!context.ok()) return false;
  auto stub = EventService::NewStub(client_->channel());
  StreamEventsRequest request;
  // The event at the cursor again, to check the source's history.
  request.set_after_sequence(std::max<int64_t>(0, cursor->last_sequence - 1));
  request.set_max_batch_size(options_.max_batch_size);
  if (!BeginStream(context->get())) return false;
  auto reader = stub->StreamEvents(context->get(), request);

  StreamPosition at{request.after_sequence(), cursor->last_sequence,
                    cursor->last_event_id, cursor->last_sequence == 0};
  bool progressed = false;
  StreamEventsResponse response;
  std::vector<Event> batch;
  while (reader->Read(&response)) {
    MarkRead(/*connected=*/true, /*at_head=*/false);
    if (!TakeCheckedEvents(response, &at, &batch) || Status().stopped) break;
    if (!batch.empty()) {
      if (!ApplyBatch(batch).ok()) break;
      progressed = true;
    }
    // Quiet is counted from the end of the last apply; a response with
    // fewer events than asked for, now applied, was the source's head.
    const bool at_head = response.events_size() < request.max_batch_size();
    if (!batch.empty() || at_head) AfterApply(at_head);
    MarkRead(/*connected=*/false, at_head);
  }
  context->get()->TryCancel();
  EndStream(reader->Finish());
  return progressed;
}

absl::Status ReplayEvents(
    ServiceClient& client, int64_t after, int64_t upto, absl::Duration timeout,
    const std::function<absl::Status(const Event&)>& apply) {
  if (upto <= after) return absl::OkStatus();
  CSM_ASSIGN_OR_RETURN(std::unique_ptr<grpc::ClientContext> context,
                       client.NewContext(absl::Now() + timeout));
  auto stub = EventService::NewStub(client.channel());
  StreamEventsRequest request;
  request.set_after_sequence(after);
  request.set_max_batch_size(500);
  auto reader = stub->StreamEvents(context.get(), request);
  int64_t previous = after;
  absl::Status result = absl::FailedPreconditionError(absl::StrCat(
      client.options().peer, " ended its stream before sequence ", upto));
  StreamEventsResponse response;
  bool done = false;
  while (!done && reader->Read(&response)) {
    for (const Event& e : response.events()) {
      if (e.sequence() <= previous) {
        result = absl::FailedPreconditionError(absl::StrCat(
            client.options().peer, "'s sequence went backwards: ", e.sequence(),
            " after ", previous));
        done = true;
        break;
      }
      previous = e.sequence();
      if (absl::Status s = apply(e); !s.ok()) {
        result = s;
        done = true;
        break;
      }
      if (e.sequence() >= upto) {
        result = absl::OkStatus();
        done = true;
        break;
      }
    }
  }
  context->TryCancel();
  const grpc::Status finished = reader->Finish();
  if (!done && finished.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    result = absl::DeadlineExceededError(
        absl::StrCat("replaying ", client.options().peer, " reached sequence ",
                     previous, " of ", upto, " before the deadline"));
  }
  return result;
}

}  // namespace csm
