#include "common/outbox.h"

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
#include "common/event_stream.h"
#include "common/migrations.h"
#include "common/outbox_sequencer.h"
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
    if (s.ok()) {
      outbox.NotifyCommitted();
      SequenceAll();
    }
    return s;
  }

  // Numbers what has committed, as a service's sequencer does: here, or by
  // the sequencer that leads (a replica's) within 10 s.
  void SequenceAll() {
    const absl::Time give_up = absl::Now() + absl::Seconds(10);
    while (absl::Now() < give_up) {
      {
        OutboxSequencer sequencer(pool_.get(), outbox_.get());
        if (sequencer.RunOnce().ok()) return;
      }
      if (Count("sequence IS NULL") == 0) return;
      absl::SleepFor(absl::Milliseconds(10));
    }
    ADD_FAILURE() << "committed events stayed unsequenced";
  }

  int64_t Count(const std::string& where) {
    int64_t n = -1;
    EXPECT_TRUE(
        RunWithConnection(
            *pool_, Deadline(),
            [&](MysqlConnection& c) -> absl::Status {
              std::unique_ptr<sql::Statement> stmt(c.raw().createStatement());
              std::unique_ptr<sql::ResultSet> rs(
                  stmt->executeQuery(absl::StrCat("SELECT COUNT(*) FROM "
                                                  "outbox_events WHERE ",
                                                  where)));
              if (rs->next()) n = rs->getInt64(1);
              return absl::OkStatus();
            })
            .ok());
    return n;
  }

  std::vector<std::string> AggregatesInSequenceOrder() {
    std::vector<std::string> out;
    EXPECT_TRUE(RunWithConnection(
                    *pool_, Deadline(),
                    [&](MysqlConnection& c) -> absl::Status {
                      std::unique_ptr<sql::Statement> stmt(
                          c.raw().createStatement());
                      std::unique_ptr<sql::ResultSet> rs(
                          stmt->executeQuery("SELECT aggregate FROM "
                                             "outbox_events WHERE sequence IS "
                                             "NOT NULL ORDER BY sequence"));
                      while (rs->next()) {
                        out.push_back(rs->getString(1));
                      }
                      return absl::OkStatus();
                    })
                    .ok());
    return out;
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
  // The service's sequencer numbers commits as they land.
  OutboxSequencer sequencer(pool_.get(), outbox_.get(),
                            {.poll_interval = absl::Milliseconds(5)});
  sequencer.Start();

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
  sequencer.Stop();
  SequenceAll();  // what committed after its last round
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

TEST_F(OutboxTest, OneSequencerLeadsAndAnotherTakesOverWhenItStops) {
  auto other_pool = MysqlPool::Create(db_->options());
  ASSERT_TRUE(other_pool.ok()) << other_pool.status();
  Outbox other_outbox("test-svc", &clock_);
  OutboxSequencer first(pool_.get(), outbox_.get());
  OutboxSequencer second(other_pool->get(), &other_outbox);

  ASSERT_TRUE(RunInTransaction(*pool_, Deadline(), [&](MysqlConnection& c) {
                return outbox_->Append(c, "staff-7", "r", "customers/1",
                                       Created(1));
              }).ok());
  absl::StatusOr<int> n = first.RunOnce();
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 1);
  EXPECT_TRUE(first.leading());
  // Two replicas never both sequence.
  EXPECT_EQ(second.RunOnce().status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_FALSE(second.leading());

  first.Stop();
  ASSERT_TRUE(RunInTransaction(*pool_, Deadline(), [&](MysqlConnection& c) {
                return outbox_->Append(c, "staff-7", "r", "customers/2",
                                       Created(2));
              }).ok());
  n = second.RunOnce();
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 1);
  EXPECT_THAT(Sequences(), ElementsAre(1, 2));
}

TEST_F(OutboxTest, ARowCommittedLateGetsTheNextSequenceNotAGap) {
  // A transaction holds its append open while a later one commits: the
  // sequencer numbers the committed one without waiting, and the slow one
  // gets the next sequence when it commits (commit order, no gap).
  std::mutex mu;
  std::condition_variable cv;
  bool appended = false, release = false;
  std::thread slow([&] {
    absl::Status s = RunInTransaction(
        *pool_, Deadline(), [&](MysqlConnection& c) -> absl::Status {
          CSM_RETURN_IF_ERROR(
              outbox_->Append(c, "staff-7", "r", "slow/1", Created(1)));
          std::unique_lock<std::mutex> lock(mu);
          appended = true;
          cv.notify_all();
          cv.wait(lock, [&] { return release; });
          return absl::OkStatus();
        });
    EXPECT_TRUE(s.ok()) << s;
  });
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return appended; });
  }
  ASSERT_TRUE(RunInTransaction(*pool_, Deadline(), [&](MysqlConnection& c) {
                return outbox_->Append(c, "staff-7", "r", "fast/2", Created(2));
              }).ok());
  OutboxSequencer sequencer(pool_.get(), outbox_.get());
  const absl::Time started = absl::Now();
  absl::StatusOr<int> n = sequencer.RunOnce();
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 1);
  EXPECT_LT(absl::Now() - started, absl::Milliseconds(500))
      << "the sequencer waited for the open transaction";
  EXPECT_THAT(AggregatesInSequenceOrder(), ElementsAre("fast/2"));
  {
    std::lock_guard<std::mutex> lock(mu);
    release = true;
  }
  cv.notify_all();
  slow.join();
  n = sequencer.RunOnce();
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 1);
  EXPECT_THAT(AggregatesInSequenceOrder(), ElementsAre("fast/2", "slow/1"));
  EXPECT_THAT(Sequences(), ElementsAre(1, 2));
}

// A writer commits while the sequencer's batch is open (between its UPDATE
// and its COMMIT): neither waits for the other, and the writer's row is
// numbered by the next batch.
TEST_F(OutboxTest, AWriterCommitsWhileABatchIsOpen) {
  ASSERT_TRUE(RunInTransaction(*pool_, Deadline(), [&](MysqlConnection& c) {
                return outbox_->Append(c, "staff-7", "r", "first/1",
                                       Created(1));
              }).ok());
  absl::Duration writer_took;
  bool wrote = false;
  OutboxSequencerOptions options;
  options.before_commit = [&] {
    if (std::exchange(wrote, true)) return;
    const absl::Time started = absl::Now();
    EXPECT_TRUE(RunInTransaction(*pool_, Deadline(), [&](MysqlConnection& c) {
                  return outbox_->Append(c, "staff-7", "r", "second/2",
                                         Created(2));
                }).ok());
    writer_took = absl::Now() - started;
  };
  OutboxSequencer sequencer(pool_.get(), outbox_.get(), options);
  absl::StatusOr<int> n = sequencer.RunOnce();
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 1);
  EXPECT_LT(writer_took, absl::Milliseconds(500))
      << "the writer waited for the sequencer's batch";
  n = sequencer.RunOnce();
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 1);
  EXPECT_THAT(AggregatesInSequenceOrder(), ElementsAre("first/1", "second/2"));
  EXPECT_THAT(Sequences(), ElementsAre(1, 2));
}

// A sequencer killed (SIGKILL) after its batch's UPDATE, before the COMMIT:
// the batch is rolled back with its connection, the named lock is freed,
// and the next sequencer numbers every row exactly once.
TEST_F(OutboxTest, SequencerKilledMidBatchLosesNothingAndIsReplaced) {
  for (int i = 1; i <= 20; ++i) {
    ASSERT_TRUE(RunInTransaction(*pool_, Deadline(), [&](MysqlConnection& c) {
                  return outbox_->Append(c, "staff-7", "r",
                                         absl::StrCat("customers/", i),
                                         Created(i));
                }).ok());
  }
  int out[2];
  ASSERT_EQ(pipe(out), 0);
  const MysqlOptions& o = db_->options();
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    execl(CSM_SEQUENCER_CHILD, CSM_SEQUENCER_CHILD, o.unix_socket.c_str(),
          o.user.c_str(), o.password.c_str(), o.database.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  pollfd ready{out[0], POLLIN, 0};
  ASSERT_EQ(poll(&ready, 1, 20'000), 1) << "the child never numbered";
  char line[64] = {};
  ASSERT_GT(read(out[0], line, sizeof(line) - 1), 0);
  EXPECT_STREQ(line, "numbered\n");
  close(out[0]);

  // Mid-batch: its numbers are not committed, and it still leads.
  EXPECT_EQ(Count("sequence IS NOT NULL"), 0);
  OutboxSequencer next(pool_.get(), outbox_.get());
  EXPECT_EQ(next.RunOnce().status().code(),
            absl::StatusCode::kFailedPrecondition);

  ASSERT_EQ(kill(child, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFSIGNALED(status));

  // The server notices the closed connection and frees the lock.
  absl::StatusOr<int> n;
  for (int attempt = 0; attempt < 100; ++attempt) {
    n = next.RunOnce();
    if (n.ok()) break;
    absl::SleepFor(absl::Milliseconds(50));
  }
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 20);
  std::vector<int64_t> expected;
  for (int64_t i = 1; i <= 20; ++i) expected.push_back(i);
  EXPECT_EQ(Sequences(), expected);
  std::vector<std::string> aggregates;
  for (int i = 1; i <= 20; ++i)
    aggregates.push_back(absl::StrCat("customers/", i));
  EXPECT_EQ(AggregatesInSequenceOrder(), aggregates);
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
