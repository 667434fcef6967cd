#include "common/event_stream.h"

#include <google/protobuf/wrappers.pb.h>
#include <grpcpp/grpcpp.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/auth.h"
#include "common/migrations.h"
#include "common/outbox.h"
#include "common/outbox_sequencer.h"
#include "common/outbox_test_fixture.h"
#include "common/rpc.h"
#include "common/status.h"
#include "cppconn/connection.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"
#include "cppconn/statement.h"
#include "csm/events/v1/customer_events.pb.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "tests/testing/test_database.h"

namespace csm::outbox_test {
namespace {

// ---------------------------------------------------------------------------
// EventStreamService through a real gRPC server.

// One replica: its own Outbox object, service and gRPC server on a free
// port, sharing the test's database.
class Replica {
 public:
  Replica(MysqlPool* pool, EventStreamOptions options)
      : verifier_(testing::kTestJwtSecret, testing::kTestIssuer),
        runtime_(RpcRuntimeOptions{"test-svc"}, &verifier_, nullptr,
                 &Clock::Real()),
        outbox_("test-svc", &Clock::Real()),
        service_(pool, &outbox_, &runtime_, options) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &port_);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
  }
  ~Replica() { Stop(); }

  // As ServiceHost does: end the streams, then the server.
  void Stop() {
    if (server_ == nullptr) return;
    service_.Shutdown();
    server_->Shutdown(std::chrono::system_clock::now() +
                      std::chrono::seconds(5));
    server_.reset();
  }

  std::unique_ptr<EventService::Stub> NewStub() {
    return EventService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", port_), grpc::InsecureChannelCredentials()));
  }

  Outbox& outbox() { return outbox_; }
  EventStreamService& service() { return service_; }
  int port() const { return port_; }

 private:
  TokenVerifier verifier_;
  RpcRuntime runtime_;
  Outbox outbox_;
  EventStreamService service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

// Reads a stream on a thread of its own.
class Follower {
 public:
  Follower(EventService::Stub* stub, const StreamEventsRequest& request,
           const std::string& token) {
    if (!token.empty())
      context_.AddMetadata("authorization", "Bearer " + token);
    context_.set_deadline(std::chrono::system_clock::now() +
                          std::chrono::seconds(60));
    reader_ = stub->StreamEvents(&context_, request);
    thread_ = std::thread([this] {
      StreamEventsResponse response;
      while (reader_->Read(&response)) {
        std::lock_guard<std::mutex> lock(mu_);
        responses_.push_back(response);
        for (const Event& e : response.events()) events_.push_back(e);
        cv_.notify_all();
      }
      grpc::Status status = reader_->Finish();
      std::lock_guard<std::mutex> lock(mu_);
      status_ = status;
      done_ = true;
      cv_.notify_all();
    });
  }
  ~Follower() {
    context_.TryCancel();
    thread_.join();
  }

  bool WaitFor(const std::function<bool()>& ready,
               absl::Duration timeout = absl::Seconds(10)) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, absl::ToChronoNanoseconds(timeout), ready);
  }
  bool WaitForEvents(size_t n) {
    return WaitFor([&] { return events_.size() >= n; });
  }
  grpc::Status WaitDone() {
    EXPECT_TRUE(WaitFor([&] { return done_; }));
    std::lock_guard<std::mutex> lock(mu_);
    return status_;
  }
  void Cancel() { context_.TryCancel(); }

  std::vector<Event> events() {
    std::lock_guard<std::mutex> lock(mu_);
    return events_;
  }
  std::vector<StreamEventsResponse> responses() {
    std::lock_guard<std::mutex> lock(mu_);
    return responses_;
  }
  // Must hold mu_ (used inside WaitFor predicates).
  const std::vector<StreamEventsResponse>& responses_locked() const {
    return responses_;
  }

 private:
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReader<StreamEventsResponse>> reader_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<StreamEventsResponse> responses_;
  std::vector<Event> events_;
  grpc::Status status_;
  bool done_ = false;
};

std::vector<int64_t> SequencesOf(const std::vector<Event>& events) {
  std::vector<int64_t> out;
  for (const Event& e : events) out.push_back(e.sequence());
  return out;
}

std::string ServiceToken() {
  return testing::TestToken("reporting-svc", {Role::kService});
}

class EventStreamTest : public OutboxTest {
 protected:
  void SetUp() override {
    OutboxTest::SetUp();
    options_.poll_interval = absl::Milliseconds(50);
    replica_ = std::make_unique<Replica>(pool_.get(), options_);
    stub_ = replica_->NewStub();
  }
  void TearDown() override {
    replica_.reset();
    OutboxTest::TearDown();
  }

  StreamEventsRequest After(int64_t seq, int batch = 0) {
    StreamEventsRequest r;
    r.set_after_sequence(seq);
    r.set_max_batch_size(batch);
    return r;
  }

  EventStreamOptions options_;
  std::unique_ptr<Replica> replica_;
  std::unique_ptr<EventService::Stub> stub_;
};

TEST_F(EventStreamTest, ReplaysFromZeroInBatches) {
  AppendCreated(5);
  Follower f(stub_.get(), After(0, 2), ServiceToken());
  ASSERT_TRUE(f.WaitForEvents(5));
  std::vector<Event> events = f.events();
  EXPECT_THAT(SequencesOf(events), ElementsAre(1, 2, 3, 4, 5));
  for (const StreamEventsResponse& r : f.responses()) {
    EXPECT_LE(r.events_size(), 2);
    ASSERT_GT(r.events_size(), 0);
    EXPECT_EQ(r.last_sequence(), r.events(r.events_size() - 1).sequence());
  }
  const Event& e = events[2];
  EXPECT_EQ(e.source(), "test-svc");
  EXPECT_EQ(e.aggregate(), "customers/3");
  EXPECT_EQ(e.event_type(), "csm.events.v1.CustomerCreated");
  EXPECT_EQ(e.actor(), "staff-7");
  EXPECT_EQ(e.request_id(), "req-1");
  EXPECT_EQ(e.occur_time().seconds(), 1795939200);
  EXPECT_EQ(e.occur_time().nanos(), 123456000);
  EXPECT_EQ(e.payload().type_url(),
            "type.googleapis.com/csm.events.v1.CustomerCreated");
  CustomerCreated payload;
  ASSERT_TRUE(e.payload().UnpackTo(&payload));
  EXPECT_EQ(payload.customer().name(), "customers/3");

  f.Cancel();
  EXPECT_EQ(f.WaitDone().error_code(), grpc::StatusCode::CANCELLED);
}

TEST_F(EventStreamTest, ReplaysFromAMiddleSequence) {
  AppendCreated(6);
  Follower f(stub_.get(), After(4), ServiceToken());
  ASSERT_TRUE(f.WaitForEvents(2));
  absl::SleepFor(absl::Milliseconds(150));  // nothing more comes
  EXPECT_THAT(SequencesOf(f.events()), ElementsAre(5, 6));
}

TEST_F(EventStreamTest, FollowsEventsAppendedLater) {
  AppendCreated(2);
  Follower f(stub_.get(), After(0), ServiceToken());
  ASSERT_TRUE(f.WaitForEvents(2));
  // Appended here and announced: delivered promptly.
  ASSERT_TRUE(Append(replica_->outbox(), Created(3), "customers/3").ok());
  ASSERT_TRUE(f.WaitForEvents(3));
  // Appended by "another replica" (no notification in this process):
  // found by polling.
  ASSERT_TRUE(RunInTransaction(*pool_, Deadline(), [&](MysqlConnection& c) {
                return outbox_->Append(c, "staff-9", "req-9", "customers/4",
                                       Created(4));
              }).ok());
  ASSERT_TRUE(f.WaitForEvents(4));
  EXPECT_THAT(SequencesOf(f.events()), ElementsAre(1, 2, 3, 4));
}

TEST_F(EventStreamTest, FiltersByEventTypeButReportsProgress) {
  CustomerClosed closed;
  closed.set_reason("moved abroad");
  ASSERT_TRUE(Append(*outbox_, Created(1), "customers/1").ok());
  ASSERT_TRUE(Append(*outbox_, closed, "customers/1").ok());
  ASSERT_TRUE(Append(*outbox_, Created(2), "customers/2").ok());
  ASSERT_TRUE(Append(*outbox_, closed, "customers/2").ok());
  ASSERT_TRUE(Append(*outbox_, closed, "customers/3").ok());

  {
    // One batch covers everything: the response with events already
    // reports the filtered ones after them.
    StreamEventsRequest request = After(0);
    request.add_event_types("csm.events.v1.CustomerCreated");
    Follower f(stub_.get(), request, ServiceToken());
    ASSERT_TRUE(f.WaitForEvents(2));
    EXPECT_THAT(SequencesOf(f.events()), ElementsAre(1, 3));
    EXPECT_EQ(f.responses().back().last_sequence(), 5);
  }
  {
    // Small batches: the last one holds only filtered events, and its
    // progress still arrives, as a response without events.
    StreamEventsRequest request = After(0, 2);
    request.add_event_types("csm.events.v1.CustomerCreated");
    Follower f(stub_.get(), request, ServiceToken());
    ASSERT_TRUE(f.WaitForEvents(2));
    EXPECT_THAT(SequencesOf(f.events()), ElementsAre(1, 3));
    ASSERT_TRUE(f.WaitFor([&] {
      const auto& rs = f.responses_locked();
      return !rs.empty() && rs.back().last_sequence() == 5;
    }));
    const std::vector<StreamEventsResponse> rs = f.responses();
    EXPECT_EQ(rs.back().events_size(), 0);
    // Progress is not repeated while nothing new arrives.
    absl::SleepFor(options_.poll_interval * 4);
    EXPECT_EQ(f.responses().size(), rs.size());
  }
}

TEST_F(EventStreamTest, PayloadBytesSurviveUntouched) {
  google::protobuf::BytesValue bytes;
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  bytes.set_value(all);
  ASSERT_TRUE(Append(*outbox_, bytes, "blobs/1").ok());
  Follower f(stub_.get(), After(0), ServiceToken());
  ASSERT_TRUE(f.WaitForEvents(1));
  google::protobuf::BytesValue back;
  ASSERT_TRUE(f.events()[0].payload().UnpackTo(&back));
  EXPECT_EQ(back.value(), all);
}

TEST_F(EventStreamTest, RefusesUnauthenticatedAndWrongRole) {
  AppendCreated(1);
  {
    Follower f(stub_.get(), After(0), "");
    grpc::Status s = f.WaitDone();
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_TRUE(f.events().empty());
  }
  {
    Follower f(stub_.get(), After(0),
               testing::TestToken("agent-1", {Role::kAgent}));
    grpc::Status s = f.WaitDone();
    EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_TRUE(f.events().empty());
  }
  {
    Follower f(stub_.get(), After(0),
               testing::TestToken("archivist-1", {Role::kArchivist}));
    EXPECT_TRUE(f.WaitForEvents(1));
  }
}

TEST_F(EventStreamTest, ValidatesTheRequest) {
  struct Case {
    StreamEventsRequest request;
    std::string field;
  };
  std::vector<Case> cases = {{After(0, -1), "max_batch_size"},
                             {After(0, 1001), "max_batch_size"},
                             {After(-5), "after_sequence"}};
  for (const Case& c : cases) {
    Follower f(stub_.get(), c.request, ServiceToken());
    grpc::Status s = f.WaitDone();
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    google::rpc::Status rich;
    ASSERT_TRUE(rich.ParseFromString(s.error_details()));
    bool found = false;
    for (const auto& any : rich.details()) {
      google::rpc::BadRequest bad;
      if (!any.UnpackTo(&bad)) continue;
      for (const auto& v : bad.field_violations()) {
        found = found || v.field() == c.field;
      }
    }
    EXPECT_TRUE(found) << c.field << ": " << s.error_message();
  }
}

TEST_F(EventStreamTest, ClientResumesOnANewServerAndSeesEveryEventOnce) {
  std::vector<Event> seen;
  AppendCreated(5);
  int64_t resume_after = 0;
  {
    Follower f(stub_.get(), After(0, 2), ServiceToken());
    ASSERT_TRUE(f.WaitForEvents(5));
    ASSERT_TRUE(Append(replica_->outbox(), Created(6), "customers/6").ok());
    ASSERT_TRUE(f.WaitForEvents(6));

    // Graceful shutdown ends the stream with UNAVAILABLE and a resume hint.
    const absl::Time start = absl::Now();
    replica_->Stop();
    grpc::Status s = f.WaitDone();
    EXPECT_LT(absl::Now() - start, absl::Seconds(3));
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
    EXPECT_THAT(s.error_message(),
                HasSubstr("server is shutting down; resume with "
                          "after_sequence=6"));
    seen = f.events();
    resume_after = seen.back().sequence();
  }

  // Written while no server runs (say, by another replica).
  AppendCreated(4, 7);

  // A new process: new service, new outbox object, same database.
  Replica next(pool_.get(), options_);
  std::unique_ptr<EventService::Stub> stub = next.NewStub();
  Follower f(stub.get(), After(resume_after, 3), ServiceToken());
  ASSERT_TRUE(f.WaitForEvents(4));
  ASSERT_TRUE(Append(next.outbox(), Created(11), "customers/11").ok());
  ASSERT_TRUE(f.WaitForEvents(5));
  absl::SleepFor(absl::Milliseconds(150));  // no duplicates trickle in
  for (const Event& e : f.events()) seen.push_back(e);

  std::vector<int64_t> expected;
  std::set<std::string> ids;
  for (int64_t i = 1; i <= 11; ++i) expected.push_back(i);
  for (const Event& e : seen) ids.insert(e.event_id());
  EXPECT_EQ(SequencesOf(seen), expected);
  EXPECT_EQ(ids.size(), seen.size());
}

// ---------------------------------------------------------------------------
// The sequencer: unsequenced appends numbered gap-free, once, by one leader.

// Every committed event exactly once, gap-free and in order, none of the
// rolled-back ones, with many writers committing concurrently and a live
// stream following.
TEST_F(EventStreamTest, ConcurrentWritersWithRollbacksStreamEachCommittedOnce) {
  constexpr int kWriters = 8;
  constexpr int kPerWriter = 40;
  Follower f(stub_.get(), After(0, 7), ServiceToken());
  std::mutex mu;
  std::set<std::string> committed, rolled_back;
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      std::mt19937 random(1000 + w);
      for (int i = 0; i < kPerWriter; ++i) {
        const std::string aggregate = absl::StrCat("things/", w, "-", i);
        const bool commit = random() % 4 != 0;
        const int events = 1 + static_cast<int>(random() % 2);
        absl::Status s = RunInTransaction(
            *pool_, Deadline(), [&](MysqlConnection& c) -> absl::Status {
              for (int e = 0; e < events; ++e) {
                CSM_RETURN_IF_ERROR(replica_->outbox().Append(
                    c, absl::StrCat("writer-", w), "req",
                    absl::StrCat(aggregate, "/", e), Created(w * 1000 + i)));
              }
              return commit ? absl::OkStatus()
                            : absl::CancelledError("changed my mind");
            });
        std::lock_guard<std::mutex> lock(mu);
        for (int e = 0; e < events; ++e) {
          const std::string name = absl::StrCat(aggregate, "/", e);
          if (s.ok()) {
            committed.insert(name);
          } else {
            EXPECT_EQ(s.code(), absl::StatusCode::kCancelled) << s;
            rolled_back.insert(name);
          }
        }
        if (s.ok()) replica_->outbox().NotifyCommitted();
      }
    });
  }
  for (std::thread& t : writers) t.join();
  ASSERT_FALSE(committed.empty());
  ASSERT_FALSE(rolled_back.empty());
  ASSERT_TRUE(f.WaitForEvents(committed.size()));
  absl::SleepFor(absl::Milliseconds(200));  // nothing more trickles in

  const std::vector<Event> events = f.events();
  std::vector<int64_t> expected;
  for (size_t i = 1; i <= committed.size(); ++i) expected.push_back(i);
  EXPECT_EQ(SequencesOf(events), expected);
  std::set<std::string> streamed, ids;
  for (const Event& e : events) {
    streamed.insert(e.aggregate());
    ids.insert(e.event_id());
  }
  EXPECT_EQ(streamed, committed);
  EXPECT_EQ(ids.size(), events.size());
  for (const std::string& name : rolled_back) {
    EXPECT_EQ(streamed.count(name), 0u) << name;
  }
}

TEST_F(EventStreamTest, NewStreamsAfterShutdownAreUnavailable) {
  replica_->service().Shutdown();
  Follower f(stub_.get(), After(0), ServiceToken());
  grpc::Status s = f.WaitDone();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(s.error_message(), HasSubstr("after_sequence=0"));
}

}  // namespace
}  // namespace csm::outbox_test
