#include "common/outbox.h"

#include <google/protobuf/wrappers.pb.h>
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/auth.h"
#include "common/event_stream.h"
#include "common/migrations.h"
#include "common/rpc.h"
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

namespace csm {
namespace {

using csm::events::v1::CustomerClosed;
using csm::events::v1::CustomerCreated;
using csm::events::v1::Event;
using csm::events::v1::EventService;
using csm::events::v1::StreamEventsRequest;
using csm::events::v1::StreamEventsResponse;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

absl::Time Deadline() { return absl::Now() + absl::Seconds(10); }

CustomerCreated Created(int id) {
  CustomerCreated c;
  c.mutable_customer()->set_name(absl::StrCat("customers/", id));
  c.mutable_customer()->set_display_name("上海某某贸易有限公司");
  return c;
}

class OutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = testing::TestDatabase::Create();
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    MysqlOptions options = db_->options();
    options.pool_size = 8;
    auto pool = MysqlPool::Create(options);
    ASSERT_TRUE(pool.ok()) << pool.status();
    pool_ = *std::move(pool);
    absl::Status migrated =
        ApplyMigrations(*pool_, csm_common_schema_migrations());
    ASSERT_TRUE(migrated.ok()) << migrated;
    outbox_ = std::make_unique<Outbox>("test-svc", &clock_);
  }

  // Appends one event in a transaction of its own; `commit` false rolls it
  // back after the append.
  absl::Status Append(Outbox& outbox, const google::protobuf::Message& payload,
                      const std::string& aggregate, bool commit = true) {
    absl::Status s = RunInTransaction(
        *pool_, Deadline(), [&](MysqlConnection& c) -> absl::Status {
          absl::Status appended =
              outbox.Append(c, "staff-7", "req-1", aggregate, payload);
          if (!appended.ok()) return appended;
          return commit ? absl::OkStatus()
                        : absl::FailedPreconditionError("rolled back");
        });
    if (s.ok()) outbox.NotifyCommitted();
    return s;
  }

  void AppendCreated(int n, int first_id = 1) {
    for (int i = 0; i < n; ++i) {
      ASSERT_TRUE(Append(*outbox_, Created(first_id + i),
                         absl::StrCat("customers/", first_id + i))
                      .ok());
    }
  }

  std::vector<int64_t> Sequences() {
    std::vector<int64_t> out;
    EXPECT_TRUE(
        RunWithConnection(
            *pool_, Deadline(),
            [&](MysqlConnection& c) -> absl::Status {
              std::unique_ptr<sql::Statement> stmt(c.raw().createStatement());
              std::unique_ptr<sql::ResultSet> rs(
                  stmt->executeQuery("SELECT sequence FROM "
                                     "outbox_events ORDER BY sequence"));
              while (rs->next()) {
                out.push_back(rs->getInt64(1));
              }
              return absl::OkStatus();
            })
            .ok());
    return out;
  }

  ManualClock clock_{absl::FromUnixMicros(1795939200123456)};
  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<MysqlPool> pool_;
  std::unique_ptr<Outbox> outbox_;
};

TEST_F(OutboxTest, AppendWritesTheEventRow) {
  ASSERT_TRUE(Append(*outbox_, Created(42), "customers/42").ok());
  absl::Status s = RunWithConnection(
      *pool_, Deadline(), [&](MysqlConnection& c) -> absl::Status {
        std::unique_ptr<sql::Statement> stmt(c.raw().createStatement());
        std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery(
            "SELECT sequence, event_id, aggregate, event_type, "
            "occur_time, actor, request_id, payload FROM outbox_events"));
        EXPECT_TRUE(rs->next());
        EXPECT_EQ(rs->getInt64(1), 1);
        EXPECT_THAT(std::string(rs->getString(2)),
                    MatchesRegex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-"
                                 "[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
        EXPECT_EQ(rs->getString(3), "customers/42");
        EXPECT_EQ(rs->getString(4), "csm.events.v1.CustomerCreated");
        // UTC, microseconds, from the injected clock.
        EXPECT_EQ(rs->getString(5), "2026-11-29 08:00:00.123456");
        EXPECT_EQ(rs->getString(6), "staff-7");
        EXPECT_EQ(rs->getString(7), "req-1");
        CustomerCreated payload;
        EXPECT_TRUE(payload.ParseFromString(rs->getString(8)));
        EXPECT_EQ(payload.customer().name(), "customers/42");
        EXPECT_EQ(payload.customer().display_name(), "上海某某贸易有限公司");
        EXPECT_FALSE(rs->next());
        return absl::OkStatus();
      });
  EXPECT_TRUE(s.ok()) << s;
}

TEST_F(OutboxTest, RolledBackTransactionLeavesNoEvent) {
  EXPECT_FALSE(Append(*outbox_, Created(1), "customers/1", false).ok());
  EXPECT_TRUE(Sequences().empty());
  // The rolled-back sequence is reused: no gap.
  ASSERT_TRUE(Append(*outbox_, Created(2), "customers/2").ok());
  EXPECT_FALSE(Append(*outbox_, Created(3), "customers/3", false).ok());
  ASSERT_TRUE(Append(*outbox_, Created(4), "customers/4").ok());
  EXPECT_THAT(Sequences(), ElementsAre(1, 2));
}

TEST_F(OutboxTest, EventIdsAreUnique) {
  AppendCreated(20);
  std::set<std::string> ids;
  ASSERT_TRUE(
      RunWithConnection(
          *pool_, Deadline(),
          [&](MysqlConnection& c) -> absl::Status {
            std::unique_ptr<sql::Statement> stmt(c.raw().createStatement());
            std::unique_ptr<sql::ResultSet> rs(
                stmt->executeQuery("SELECT event_id FROM outbox_events"));
            while (rs->next()) {
              ids.insert(rs->getString(1));
            }
            return absl::OkStatus();
          })
          .ok());
  EXPECT_EQ(ids.size(), 20u);
}

TEST_F(OutboxTest, OversizedAggregateIsRefused) {
  absl::Status s = Append(*outbox_, Created(1), std::string(256, 'x'));
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal);
  // A long client request id is shortened, never a failure.
  s = RunInTransaction(*pool_, Deadline(), [&](MysqlConnection& c) {
    return outbox_->Append(c, "staff-7", std::string(300, 'r'), "customers/1",
                           Created(1));
  });
  EXPECT_TRUE(s.ok()) << s;
}

TEST_F(OutboxTest, ConcurrentWritersAreGapFreeAndVisibleInOrder) {
  constexpr int kWriters = 4;
  constexpr int kPerWriter = 50;
  std::atomic<int> committed{0};
  std::atomic<bool> writers_done{false};
  std::atomic<int> gaps{0};
  std::atomic<int64_t> reader_cursor{0};

  // A reader polling like the event stream: it must never see sequence n+1
  // before n.
  std::thread reader([&] {
    int64_t cursor = 0;
    while (true) {
      const bool last_pass = writers_done.load();
      absl::Status s = RunWithConnection(
          *pool_, Deadline(), [&](MysqlConnection& c) -> absl::Status {
            sql::PreparedStatement& stmt = c.Prepare(
                "SELECT sequence FROM outbox_events WHERE sequence > ? "
                "ORDER BY sequence");
            stmt.setInt64(1, cursor);
            std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
            while (rs->next()) {
              const int64_t seq = rs->getInt64(1);
              if (seq != cursor + 1) ++gaps;
              cursor = seq;
            }
            return absl::OkStatus();
          });
      EXPECT_TRUE(s.ok()) << s;
      if (last_pass) break;
    }
    reader_cursor = cursor;
  });

  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < kPerWriter; ++i) {
        const bool commit = (i % 5) != 3;  // every fifth rolls back
        absl::Status s = RunInTransaction(
            *pool_, Deadline(), [&](MysqlConnection& c) -> absl::Status {
              // Some business write first, as a real handler would.
              std::unique_ptr<sql::Statement> stmt(c.raw().createStatement());
              stmt->execute("DO 1");
              absl::Status a = outbox_->Append(
                  c, absl::StrCat("writer-", w), "req",
                  absl::StrCat("things/", w, "-", i), Created(w * 1000 + i));
              if (!a.ok()) return a;
              return commit ? absl::OkStatus()
                            : absl::CancelledError("changed my mind");
            });
        if (commit) {
          EXPECT_TRUE(s.ok()) << s;
          if (s.ok()) ++committed;
        } else {
          EXPECT_EQ(s.code(), absl::StatusCode::kCancelled);
        }
      }
    });
  }
  for (auto& t : writers) t.join();
  writers_done = true;
  reader.join();

  EXPECT_EQ(gaps, 0);
  const std::vector<int64_t> seqs = Sequences();
  ASSERT_EQ(static_cast<int>(seqs.size()), committed.load());
  for (size_t i = 0; i < seqs.size(); ++i) {
    ASSERT_EQ(seqs[i], static_cast<int64_t>(i + 1));
  }
  EXPECT_EQ(reader_cursor.load(), committed.load());
  EXPECT_EQ(committed.load(), kWriters * kPerWriter * 4 / 5);
}

TEST_F(OutboxTest, WaitForCommitWakesOnNotifyAndTimesOut) {
  const uint64_t g0 = outbox_->generation();
  absl::Time start = absl::Now();
  EXPECT_EQ(outbox_->WaitForCommit(g0, absl::Milliseconds(100)), g0);
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(100));

  std::thread notifier([&] {
    absl::SleepFor(absl::Milliseconds(50));
    outbox_->NotifyCommitted();
  });
  start = absl::Now();
  EXPECT_EQ(outbox_->WaitForCommit(g0, absl::Seconds(10)), g0 + 1);
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  notifier.join();
  // Already past the generation: returns at once.
  start = absl::Now();
  EXPECT_EQ(outbox_->WaitForCommit(g0, absl::Seconds(10)), g0 + 1);
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(50));
}

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

TEST_F(EventStreamTest, NewStreamsAfterShutdownAreUnavailable) {
  replica_->service().Shutdown();
  Follower f(stub_.get(), After(0), ServiceToken());
  grpc::Status s = f.WaitDone();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(s.error_message(), HasSubstr("after_sequence=0"));
}

}  // namespace
}  // namespace csm
