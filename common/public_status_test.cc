// What a caller sees when MySQL fails under a call: real statements on the
// fixture's MariaDB inside RpcRuntime::Handle, answered over real gRPC. The
// server's text ("Duplicate entry '91350...'", "Data truncated for
// column 'n'") never reaches the caller or the log; the code does, the MySQL
// error number reaches the log, and an INTERNAL says only "internal error"
// (the request id to quote is in the x-request-id response header).
#include <grpcpp/grpcpp.h>

#include <map>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/auth.h"
#include "common/mysql_pool.h"
#include "common/rpc.h"
#include "common/server.h"
#include "cppconn/statement.h"
#include "csm/events/v1/events.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/testing/test_database.h"

namespace csm {
namespace {

using csm::events::v1::EventService;
using csm::events::v1::StreamEventsRequest;
using csm::events::v1::StreamEventsResponse;
using ::testing::HasSubstr;
using ::testing::Not;

// A unified social credit code: what MySQL's messages would quote.
constexpr char kCode[] = "91350100M000100Y3A";

// EventService as a vehicle for RpcRuntime::Handle: the first event type
// picks the SQL the body runs.
class SqlService final : public EventService::Service {
 public:
  SqlService(RpcRuntime* runtime, MysqlPool* pool)
      : runtime_(runtime), pool_(pool) {}

  grpc::Status StreamEvents(
      grpc::ServerContext* context, const StreamEventsRequest* request,
      grpc::ServerWriter<StreamEventsResponse>*) override {
    const std::string mode = request->event_types(0);
    return runtime_->Handle(
        context, "StreamEvents", RoleSet::All(),
        [&](const CallContext& call) -> absl::Status {
          if (mode == "duplicate") {
            // As a store would: the status FromSqlException makes.
            return RunInTransaction(
                *pool_, call.deadline, [](MysqlConnection& conn) {
                  std::unique_ptr<sql::Statement> s(
                      conn.raw().createStatement());
                  s->execute(std::string("INSERT INTO codes VALUES ('") +
                             kCode + "')");
                  return absl::OkStatus();
                });
          }
          // An exception escaping the body, as the edge catches it.
          absl::StatusOr<PooledConnection> conn = pool_->Borrow(call.deadline);
          if (!conn.ok()) return conn.status();
          std::unique_ptr<sql::Statement> s((*conn)->raw().createStatement());
          s->execute(std::string("INSERT INTO numbers VALUES ('") + kCode +
                     "')");
          return absl::OkStatus();
        });
  }

 private:
  RpcRuntime* runtime_;
  MysqlPool* pool_;
};

class PublicStatusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = csm::testing::TestDatabase::Create();
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    auto pool = MysqlPool::Create(db_->options());
    ASSERT_TRUE(pool.ok()) << pool.status();
    pool_ = std::move(*pool);
    const absl::Status created = RunWithConnection(
        *pool_, absl::Now() + absl::Seconds(10), [](MysqlConnection& conn) {
          std::unique_ptr<sql::Statement> s(conn.raw().createStatement());
          s->execute("CREATE TABLE codes (code VARCHAR(18) PRIMARY KEY)");
          s->execute("CREATE TABLE numbers (n INT)");
          s->execute(std::string("INSERT INTO codes VALUES ('") + kCode + "')");
          return absl::OkStatus();
        });
    ASSERT_TRUE(created.ok()) << created;
    host_ = std::make_unique<ServiceHost>(
        ServerOptions{.service_name = "test-svc",
                      .listen_address = "127.0.0.1:0",
                      .metrics_address = ""});
    runtime_ =
        std::make_unique<RpcRuntime>(RpcRuntimeOptions{.service = "test-svc"},
                                     &verifier_, nullptr, &Clock::Real());
    service_ = std::make_unique<SqlService>(runtime_.get(), pool_.get());
    host_->AddService(service_.get());
    ASSERT_TRUE(host_->Start().ok());
    stub_ = EventService::NewStub(grpc::CreateChannel(
        host_->address(), grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    if (host_ != nullptr) host_->Shutdown();
  }

  // The status the caller gets, and the edge's log line of the call.
  std::pair<grpc::Status, nlohmann::json> Call(const std::string& mode,
                                               const std::string& request_id,
                                               std::string* all_logs) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization",
                    "Bearer " + csm::testing::TestToken(
                                    "u100", RoleSet{Role::kSupervisor}));
    ctx.AddMetadata("x-request-id", request_id);
    StreamEventsRequest req;
    req.add_event_types(mode);
    ::testing::internal::CaptureStderr();
    auto reader = stub_->StreamEvents(&ctx, req);
    StreamEventsResponse resp;
    while (reader->Read(&resp)) {
    }
    const grpc::Status status = reader->Finish();
    *all_logs = ::testing::internal::GetCapturedStderr();
    nlohmann::json line;
    for (absl::string_view l : absl::StrSplit(*all_logs, '\n')) {
      nlohmann::json j = nlohmann::json::parse(l, nullptr, false);
      if (!j.is_discarded() && j.value("msg", "") == "rpc") line = j;
    }
    return {status, line};
  }

  TokenVerifier verifier_{csm::testing::kTestJwtSecret,
                          csm::testing::kTestIssuer};
  std::unique_ptr<csm::testing::TestDatabase> db_;
  std::unique_ptr<MysqlPool> pool_;
  std::unique_ptr<ServiceHost> host_;
  std::unique_ptr<RpcRuntime> runtime_;
  std::unique_ptr<SqlService> service_;
  std::unique_ptr<EventService::Stub> stub_;
};

TEST_F(PublicStatusTest, InternalSaysNothingOfMysqlsText) {
  std::string logs;
  auto [status, line] = Call("incorrect_value", "req-internal-1", &logs);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_EQ(status.error_message(), "internal error");
  EXPECT_TRUE(status.error_details().empty());
  EXPECT_EQ(line["code"], "INTERNAL");
  EXPECT_EQ(line["mysql_error"], "1265");  // Data truncated for column
  EXPECT_EQ(line["request_id"], "req-internal-1");
  EXPECT_THAT(logs, Not(HasSubstr(kCode)));
  EXPECT_THAT(logs, Not(HasSubstr("truncated")));
}

TEST_F(PublicStatusTest, DuplicateKeyKeepsItsCodeNotMysqlsText) {
  std::string logs;
  auto [status, line] = Call("duplicate", "req-duplicate-1", &logs);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_THAT(status.error_message(), Not(HasSubstr(kCode)));
  EXPECT_THAT(status.error_message(), Not(HasSubstr("Duplicate entry")));
  EXPECT_THAT(status.error_message(), HasSubstr("req-duplicate-1"));
  EXPECT_EQ(line["code"], "ALREADY_EXISTS");
  EXPECT_EQ(line["mysql_error"], "1062");
  EXPECT_THAT(logs, Not(HasSubstr(kCode)));
}

}  // namespace
}  // namespace csm
