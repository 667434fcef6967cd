#include "tools/load_streams.h"

#include <chrono>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "csm/events/v1/events.grpc.pb.h"

namespace csm::load {

namespace ev = ::csm::events::v1;

// No service writes this type: the stream never has an event to send.
constexpr char kNoSuchEventType[] = "csm.load.v1.NoSuchEvent";

std::string StreamCounts::Fields() const {
  std::vector<std::string> codes;
  for (size_t c = 0; c < ended.size(); ++c) {
    if (ended[c] == 0) continue;
    codes.push_back(
        absl::StrCat(absl::StatusCodeToString(static_cast<absl::StatusCode>(c)),
                     ":", ended[c]));
  }
  return absl::StrCat("streams=", requested, " streams_live=", live,
                      " streams_pending=", pending, " streams_ended=",
                      codes.empty() ? "0" : absl::StrJoin(codes, ","));
}

struct StreamHolder::Stream {
  grpc::ClientContext ctx;
  ev::StreamEventsResponse response;
  std::unique_ptr<grpc::ClientAsyncReader<ev::StreamEventsResponse>> reader;
  grpc::Status status;
  bool live = false;
  Tag start{this, Op::kStart};
  Tag read{this, Op::kRead};
  Tag finish{this, Op::kFinish};
};

StreamHolder::StreamHolder(std::vector<std::shared_ptr<grpc::Channel>> channels,
                           std::string token, absl::Time deadline)
    : channels_(std::move(channels)),
      token_(std::move(token)),
      deadline_(deadline) {}

StreamHolder::~StreamHolder() { Close(); }

void StreamHolder::Open(int n) {
  std::vector<std::unique_ptr<ev::EventService::Stub>> stubs;
  for (const auto& channel : channels_) {
    stubs.push_back(ev::EventService::NewStub(channel));
  }
  ev::StreamEventsRequest request;
  request.set_after_sequence(0);
  request.add_event_types(kNoSuchEventType);
  for (int i = 0; i < n; ++i) {
    auto s = std::make_unique<Stream>();
    s->ctx.set_deadline(absl::ToChronoTime(deadline_));
    if (!token_.empty()) {
      s->ctx.AddMetadata("authorization", absl::StrCat("Bearer ", token_));
    }
    s->reader = stubs[i % stubs.size()]->PrepareAsyncStreamEvents(
        &s->ctx, request, &cq_);
    streams_.push_back(std::move(s));
  }
  driver_ = std::thread([this] { Drive(); });
  for (auto& s : streams_) s->reader->StartCall(&s->start);
}

void StreamHolder::Drive() {
  void* tag = nullptr;
  bool ok = false;
  while (cq_.Next(&tag, &ok)) OnEvent(static_cast<Tag*>(tag), ok);
}

void StreamHolder::OnEvent(Tag* tag, bool ok) {
  Stream& s = *tag->stream;
  switch (tag->op) {
    case Op::kStart:
    case Op::kRead:
      if (!ok) {
        s.reader->Finish(&s.status, &s.finish);
        return;
      }
      if (tag->op == Op::kRead && !s.live) {
        s.live = true;
        std::lock_guard<std::mutex> lock(mu_);
        ++live_;
        changed_.notify_all();
      }
      s.reader->Read(&s.response, &s.read);
      return;
    case Op::kFinish: {
      std::lock_guard<std::mutex> lock(mu_);
      if (s.live) --live_;
      ++ended_;
      int code = static_cast<int>(s.status.error_code());
      if (code < 0 || code >= static_cast<int>(ended_by_code_.size())) {
        code = grpc::StatusCode::UNKNOWN;
      }
      ended_by_code_[code]++;
      changed_.notify_all();
      return;
    }
  }
}

void StreamHolder::WaitSettled(absl::Duration timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait_for(lock, absl::ToChronoNanoseconds(timeout), [&] {
    return live_ + ended_ == static_cast<int>(streams_.size());
  });
}

StreamCounts StreamHolder::Counts() {
  std::lock_guard<std::mutex> lock(mu_);
  StreamCounts c;
  c.requested = static_cast<int>(streams_.size());
  c.live = live_;
  c.pending = c.requested - live_ - ended_;
  c.ended = ended_by_code_;
  return c;
}

void StreamHolder::Close() {
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (closed_) return;
    closed_ = true;
  }
  if (!driver_.joinable()) return;
  for (auto& s : streams_) s->ctx.TryCancel();
  {
    // A cancelled call always completes; the bound is for a broken one.
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait_for(lock, std::chrono::seconds(30), [&] {
      return ended_ == static_cast<int>(streams_.size());
    });
  }
  cq_.Shutdown();
  driver_.join();
}

}  // namespace csm::load
