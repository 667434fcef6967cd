// The server model under many open calls (issue 11): idle StreamEvents
// streams hold no thread, so unary calls beyond the running slots queue
// and are all served, and health keeps telling the truth.

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/mysql_pool.h"
#include "cppconn/resultset.h"
#include "customer-svc/testing/customer_test_support.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/health.h"

namespace csm::customer::testing {
namespace {

constexpr int kStreams = 500;
constexpr int kUnaryCalls = 200;

// One idle stream held through the async API (no client thread each).
struct HeldStream {
  std::unique_ptr<grpc::ClientContext> context;
  std::unique_ptr<grpc::ClientAsyncReader<ev::StreamEventsResponse>> reader;
  grpc::Status status;
};

// One unary call in flight through the async API.
struct PendingGet {
  std::unique_ptr<grpc::ClientContext> context;
  std::unique_ptr<grpc::ClientAsyncResponseReader<v1::Customer>> reader;
  v1::Customer customer;
  grpc::Status status;
};

class ServerModelTest : public CustomerApiFixture {};

TEST_F(ServerModelTest, IdleStreamsHoldNoThreadAndUnaryCallsQueueToBeServed) {
  CreateStandardTeam();
  const v1::Customer customer = MustCreate("空闲流客户", 1);
  ASSERT_FALSE(HasFailure());

  // Far past the newest event: each stream waits, with nothing to send.
  grpc::CompletionQueue cq;
  const std::string service_token = Token("reporting-svc");
  std::vector<HeldStream> streams(kStreams);
  for (int i = 0; i < kStreams; ++i) {
    HeldStream& s = streams[i];
    s.context = Ctx(service_token, std::chrono::seconds(120));
    ev::StreamEventsRequest req;
    req.set_after_sequence(1'000'000);
    s.reader = events_->PrepareAsyncStreamEvents(s.context.get(), req, &cq);
    s.reader->StartCall(reinterpret_cast<void*>(2 * i));
  }
  // Started, then open on the server (it sends initial metadata once it
  // has accepted the stream).
  int open = 0;
  void* tag;
  bool ok;
  while (open < kStreams && cq.Next(&tag, &ok)) {
    const intptr_t t = reinterpret_cast<intptr_t>(tag);
    ASSERT_TRUE(ok) << "stream " << t / 2 << " failed to "
                    << (t % 2 == 0 ? "start" : "open");
    if (t % 2 == 0) {
      streams[t / 2].reader->ReadInitialMetadata(
          reinterpret_cast<void*>(t + 1));
    } else {
      ++open;
    }
  }
  ASSERT_EQ(open, kStreams);

  // 200 GetCustomer calls at once, more than the running slots (64): the
  // rest queue within their deadline instead of being refused.
  grpc::CompletionQueue unary_cq;
  std::vector<PendingGet> gets(kUnaryCalls);
  v1::GetCustomerRequest get;
  get.set_name(customer.name());
  const std::string agent_token = Token("li.na");
  for (int i = 0; i < kUnaryCalls; ++i) {
    PendingGet& g = gets[i];
    g.context = Ctx(agent_token, std::chrono::seconds(30));
    g.reader = stub_->AsyncGetCustomer(g.context.get(), get, &unary_cq);
    g.reader->Finish(&g.customer, &g.status, reinterpret_cast<void*>(i));
  }
  std::map<grpc::StatusCode, int> codes;
  for (int done = 0; done < kUnaryCalls; ++done) {
    ASSERT_TRUE(unary_cq.Next(&tag, &ok));
    const PendingGet& g = gets[reinterpret_cast<intptr_t>(tag)];
    ++codes[g.status.error_code()];
    if (g.status.ok()) {
      EXPECT_EQ(g.customer.name(), customer.name());
    }
  }
  EXPECT_THAT(codes, ::testing::ElementsAre(
                         ::testing::Pair(grpc::StatusCode::OK, kUnaryCalls)));

  const csm::testing::HealthResult health =
      csm::testing::CheckHealth(server_->address(), "");
  EXPECT_TRUE(health.status.ok()) << health.status.error_message();
  EXPECT_EQ(health.serving_status, 1);  // SERVING, and it is

  // The streams are still open; a cancel ends each one.
  for (HeldStream& s : streams) s.context->TryCancel();
  for (int i = 0; i < kStreams; ++i) {
    streams[i].reader->Finish(&streams[i].status,
                              reinterpret_cast<void*>(2 * i));
  }
  int finished = 0;
  while (finished < kStreams && cq.Next(&tag, &ok)) {
    const HeldStream& s = streams[reinterpret_cast<intptr_t>(tag) / 2];
    EXPECT_EQ(s.status.error_code(), grpc::StatusCode::CANCELLED);
    ++finished;
  }
  EXPECT_EQ(finished, kStreams);
  cq.Shutdown();
  unary_cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  while (unary_cq.Next(&tag, &ok)) {
  }
}

// Shutdown under load: writers keep creating archives while the server
// shuts down. Every call that had started finishes (OK, never CANCELLED:
// the grace period covers them), later ones are UNAVAILABLE, and nothing
// is lost or doubled: every acknowledged archive is in the database, every
// archive has exactly one creation event, and after a restart the events
// are numbered 1..N without a gap.
TEST_F(ServerModelTest, ShutdownUnderLoadFinishesInFlightWritesAndLosesNone) {
  CreateStandardTeam();
  ASSERT_FALSE(HasFailure());
  constexpr int kWriters = 8;
  std::mutex mu;
  std::set<std::string> acked;
  std::map<grpc::StatusCode, int> codes;
  std::atomic<int> next{1000};
  std::atomic<int> started_ok{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&] {
      while (true) {
        const int n = next.fetch_add(1);
        v1::CreateCustomerResponse resp;
        const grpc::Status s =
            Create(NewCustomer(absl::StrCat("停机客户", n), n), "arch", &resp);
        std::lock_guard<std::mutex> lock(mu);
        ++codes[s.error_code()];
        if (!s.ok()) return;
        acked.insert(resp.customer().name());
        started_ok.fetch_add(1);
      }
    });
  }
  while (started_ok.load() < 40) absl::SleepFor(absl::Milliseconds(10));
  server_->Shutdown();
  for (std::thread& t : writers) t.join();

  for (const auto& [code, count] : codes) {
    EXPECT_TRUE(code == grpc::StatusCode::OK ||
                code == grpc::StatusCode::UNAVAILABLE)
        << count << " calls ended " << code;
  }
  ASSERT_GE(acked.size(), 40u);

  auto pool = MysqlPool::Create(db_->options());
  ASSERT_TRUE(pool.ok()) << pool.status();
  std::set<std::string> stored;
  std::map<std::string, int> created_events;
  int64_t unsequenced = -1;
  auto read = [&]() {
    stored.clear();
    created_events.clear();
    ASSERT_TRUE(
        RunWithConnection(
            **pool, absl::Now() + absl::Seconds(10),
            [&](MysqlConnection& c) -> absl::Status {
              std::unique_ptr<sql::ResultSet> rs(
                  c.Prepare("SELECT id FROM customers").executeQuery());
              while (rs->next()) {
                stored.insert(absl::StrCat("customers/", rs->getInt64(1)));
              }
              rs.reset(c.Prepare("SELECT aggregate FROM outbox_events WHERE "
                                 "event_type = 'csm.events.v1."
                                 "CustomerCreated'")
                           .executeQuery());
              while (rs->next()) ++created_events[rs->getString(1)];
              rs.reset(c.Prepare("SELECT COUNT(*) FROM outbox_events WHERE "
                                 "sequence IS NULL")
                           .executeQuery());
              unsequenced = rs->next() ? rs->getInt64(1) : -1;
              return absl::OkStatus();
            })
            .ok());
  };
  read();
  for (const std::string& name : acked) {
    EXPECT_TRUE(stored.count(name)) << name << " was acknowledged, not stored";
  }
  for (const std::string& name : stored) {
    EXPECT_EQ(created_events[name], 1) << name;
  }
  EXPECT_EQ(created_events.size(), stored.size());

  // A restart numbers whatever the stopped sequencer had not.
  ASSERT_NO_FATAL_FAILURE(StartServer());
  const absl::Time until = absl::Now() + absl::Seconds(10);
  do {
    absl::SleepFor(absl::Milliseconds(50));
    read();
  } while (unsequenced != 0 && absl::Now() < until);
  EXPECT_EQ(unsequenced, 0);
  ASSERT_TRUE(
      RunWithConnection(**pool, absl::Now() + absl::Seconds(10),
                        [&](MysqlConnection& c) -> absl::Status {
                          std::unique_ptr<sql::ResultSet> rs(
                              c.Prepare("SELECT COUNT(*), MIN(sequence), "
                                        "MAX(sequence) FROM outbox_events")
                                  .executeQuery());
                          EXPECT_TRUE(rs->next());
                          EXPECT_EQ(rs->getInt64(2), 1);
                          EXPECT_EQ(rs->getInt64(3), rs->getInt64(1))
                              << "the sequences have a gap";
                          return absl::OkStatus();
                        })
          .ok());
}

}  // namespace
}  // namespace csm::customer::testing
