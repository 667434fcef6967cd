#include "common/server.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <prometheus/counter.h>
#include <prometheus/registry.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/auth.h"
#include "common/grpc_status.h"
#include "common/service_flags.h"
#include "common/status.h"
#include "csm/events/v1/events.grpc.pb.h"
#include "tests/testing/health.h"
#include "tests/testing/reflection.h"

ABSL_DECLARE_FLAG(std::string, jwt_secret);
ABSL_DECLARE_FLAG(std::string, jwt_secret_file);
ABSL_DECLARE_FLAG(std::string, mysql_user);
ABSL_DECLARE_FLAG(std::string, mysql_database);
ABSL_DECLARE_FLAG(std::string, mysql_password);
ABSL_DECLARE_FLAG(std::string, mysql_password_file);

namespace csm {
namespace {

using ::csm::events::v1::EventService;
using ::csm::events::v1::StreamEventsRequest;
using ::csm::events::v1::StreamEventsResponse;
using ::testing::HasSubstr;

constexpr char kEventService[] = "csm.events.v1.EventService";

// after_sequence selects the behaviour: 0 answers at once, N > 0 sleeps N ms
// then answers, -1 waits until the call is cancelled.
class SlowEventService final : public EventService::Service {
 public:
  grpc::Status StreamEvents(
      grpc::ServerContext* context, const StreamEventsRequest* request,
      grpc::ServerWriter<StreamEventsResponse>* writer) override {
    entered_.Notify();
    if (request->after_sequence() > 0) {
      absl::SleepFor(absl::Milliseconds(request->after_sequence()));
    } else if (request->after_sequence() < 0) {
      const absl::Time give_up = absl::Now() + absl::Seconds(30);
      while (!context->IsCancelled() && absl::Now() < give_up) {
        absl::SleepFor(absl::Milliseconds(10));
      }
      if (context->IsCancelled()) return grpc::Status::CANCELLED;
    }
    StreamEventsResponse response;
    response.set_last_sequence(request->after_sequence());
    writer->Write(response);
    return grpc::Status::OK;
  }

  void WaitUntilEntered() { entered_.WaitForNotification(); }
  bool Entered() const { return entered_.HasBeenNotified(); }

 private:
  absl::Notification entered_;
};

using csm::testing::CheckHealth;
using csm::testing::HealthResult;

// A port that was free a moment ago (for the metrics endpoint).
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

std::string HttpGet(int port, const std::string& path) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return "";
  }
  const std::string request =
      "GET " + path + " HTTP/1.0\r\nHost: localhost\r\n\r\n";
  EXPECT_EQ(write(fd, request.data(), request.size()),
            static_cast<ssize_t>(request.size()));
  std::string response;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) response.append(buf, n);
  close(fd);
  return response;
}

ServerOptions TestOptions() {
  ServerOptions options;
  options.service_name = "test-svc";
  options.listen_address = "127.0.0.1:0";
  options.shutdown_grace = absl::Seconds(5);
  options.max_threads = 8;
  return options;
}

grpc::Status CallEvents(const std::string& address, int64_t after_sequence,
                        StreamEventsResponse* response = nullptr) {
  auto stub = EventService::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(20));
  StreamEventsRequest request;
  request.set_after_sequence(after_sequence);
  auto reader = stub->StreamEvents(&context, request);
  StreamEventsResponse ignored;
  while (reader->Read(response != nullptr ? response : &ignored)) {
  }
  return reader->Finish();
}

// One StreamEvents call whose request is `bytes`, as they are: the C++
// stubs would not send every malformed request a client elsewhere can.
grpc::Status CallEventsRaw(const std::string& address,
                           const std::string& bytes) {
  grpc::GenericStub stub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(10));
  grpc::CompletionQueue cq;
  auto call = stub.PrepareUnaryCall(
      &context, "/csm.events.v1.EventService/StreamEvents", request, &cq);
  call->StartCall();
  grpc::ByteBuffer response;
  grpc::Status status;
  call->Finish(&response, &status, reinterpret_cast<void*>(1));
  void* tag;
  bool ok;
  EXPECT_TRUE(cq.Next(&tag, &ok));
  return status;
}

std::vector<std::string> ViolationFields(const grpc::Status& status) {
  std::vector<std::string> fields;
  for (const auto& [field, description] :
       ViolationsOf(FromGrpcStatus(status))) {
    fields.push_back(field);
  }
  return fields;
}

TEST(ServiceHostTest, InvalidUtf8IsInvalidArgumentNamingTheField) {
  SlowEventService service;
  ServiceHost host(TestOptions());
  host.AddService(&service);
  ASSERT_TRUE(host.Start().ok());
  ::testing::internal::CaptureStderr();
  // event_types (field 3, a proto3 string) = "\xff": gRPC 1.51 alone
  // answers INTERNAL with an empty message.
  const grpc::Status utf8 = CallEventsRaw(host.address(), "\x1a\x01\xff");
  const std::string logs = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(utf8.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(utf8.error_message(),
            "the request could not be decoded as "
            "csm.events.v1.StreamEventsRequest: event_types is not valid "
            "UTF-8");
  EXPECT_EQ(ViolationFields(utf8), std::vector<std::string>{"event_types"});
  EXPECT_FALSE(service.Entered()) << "refused before any handler ran";
  EXPECT_THAT(logs, HasSubstr("\"error_class\":\"undecodable_request\""));
  EXPECT_THAT(logs, HasSubstr("\"fields\":\"event_types\""));
  EXPECT_THAT(logs, ::testing::Not(HasSubstr("libprotobuf")))
      << "protobuf's own stderr line is replaced by the log line";

  // Bytes that are no protobuf at all: a length beyond the end.
  const grpc::Status malformed = CallEventsRaw(host.address(),
                                               "\x1a\x05"
                                               "ab");
  EXPECT_EQ(malformed.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(malformed.error_message(),
              HasSubstr("could not be decoded as "
                        "csm.events.v1.StreamEventsRequest"));
  EXPECT_TRUE(ViolationFields(malformed).empty());

  // Valid requests are untouched, and so are errors handlers return.
  EXPECT_TRUE(CallEventsRaw(host.address(),
                            "\x1a\x02"
                            "ok")
                  .ok());
  EXPECT_TRUE(service.Entered());
}

TEST(ServiceHostTest, ServesHealthAfterStart) {
  SlowEventService service;
  ServiceHost host(TestOptions());
  host.AddService(&service);
  ASSERT_TRUE(host.Start().ok());
  EXPECT_GT(host.port(), 0);
  EXPECT_EQ(host.address(), "127.0.0.1:" + std::to_string(host.port()));

  HealthResult overall = CheckHealth(host.address(), "");
  ASSERT_TRUE(overall.status.ok()) << overall.status.error_message();
  EXPECT_EQ(overall.serving_status, 1);
  HealthResult events = CheckHealth(host.address(), kEventService);
  ASSERT_TRUE(events.status.ok()) << events.status.error_message();
  EXPECT_EQ(events.serving_status, 1);
  EXPECT_EQ(CheckHealth(host.address(), "no.such.Service").status.error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(CallEvents(host.address(), 0).ok());
}

TEST(ServiceHostTest, NotServingDuringShutdownThenUnavailable) {
  SlowEventService service;
  ServiceHost host(TestOptions());
  host.AddService(&service);
  ASSERT_TRUE(host.Start().ok());
  const std::string address = host.address();
  std::vector<std::string> order;
  HealthResult during_shutdown, events_during_shutdown;
  host.OnShutdown([&] {
    order.push_back("first");
    // Hooks run after NOT_SERVING is set and before the listener closes.
    during_shutdown = CheckHealth(address, "");
    events_during_shutdown = CheckHealth(address, kEventService);
  });
  host.OnShutdown([&] { order.push_back("second"); });
  host.Shutdown();
  EXPECT_EQ(order, (std::vector<std::string>{"first", "second"}));
  ASSERT_TRUE(during_shutdown.status.ok())
      << during_shutdown.status.error_message();
  EXPECT_EQ(during_shutdown.serving_status, 2);
  EXPECT_EQ(events_during_shutdown.serving_status, 2);

  EXPECT_EQ(CheckHealth(address, "").status.error_code(),
            grpc::StatusCode::UNAVAILABLE);
  host.Shutdown();  // idempotent: hooks do not run twice
  EXPECT_EQ(order.size(), 2u);
}

TEST(ServiceHostTest, ReflectionListsServices) {
  SlowEventService service;
  ServiceHost host(TestOptions());
  host.AddService(&service);
  ASSERT_TRUE(host.Start().ok());
  const std::string listed =
      absl::StrJoin(csm::testing::ServicesByReflection(host.address()), ",");
  EXPECT_THAT(listed, HasSubstr(kEventService));
  EXPECT_THAT(listed, HasSubstr("grpc.health.v1.Health"));
}

TEST(ServiceHostTest, InFlightCallFinishesWithinGrace) {
  SlowEventService service;
  ServiceHost host(TestOptions());  // 5 s grace
  host.AddService(&service);
  ASSERT_TRUE(host.Start().ok());
  grpc::Status status;
  StreamEventsResponse response;
  std::thread client(
      [&] { status = CallEvents(host.address(), 700, &response); });
  service.WaitUntilEntered();
  const absl::Time start = absl::Now();
  host.Shutdown();
  const absl::Duration took = absl::Now() - start;
  client.join();
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.last_sequence(), 700);
  EXPECT_LT(took, absl::Seconds(4));
}

TEST(ServiceHostTest, CallsBeyondGraceAreCancelled) {
  SlowEventService service;
  ServerOptions options = TestOptions();
  options.shutdown_grace = absl::Milliseconds(300);
  ServiceHost host(options);
  host.AddService(&service);
  ASSERT_TRUE(host.Start().ok());
  grpc::Status status;
  std::thread client([&] { status = CallEvents(host.address(), -1); });
  service.WaitUntilEntered();
  const absl::Time start = absl::Now();
  host.Shutdown();
  const absl::Duration took = absl::Now() - start;
  client.join();
  EXPECT_FALSE(status.ok());
  EXPECT_GE(took, absl::Milliseconds(250));
  EXPECT_LT(took, absl::Seconds(10));
}

TEST(ServiceHostTest, StartFailsWhenThePortIsTaken) {
  ServiceHost first(TestOptions());
  ASSERT_TRUE(first.Start().ok());
  ServerOptions options = TestOptions();
  options.listen_address = first.address();
  ServiceHost second(options);
  absl::Status status = second.Start();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(status.message()), HasSubstr(first.address()));
  EXPECT_EQ(second.port(), 0);
}

TEST(ServiceHostTest, StartFailsOnABadAddress) {
  ServerOptions options = TestOptions();
  options.listen_address = "256.1.1.1:1";
  ServiceHost host(options);
  EXPECT_EQ(host.Start().code(), absl::StatusCode::kUnavailable);
}

TEST(ServiceHostTest, ExposesMetrics) {
  ServerOptions options = TestOptions();
  const int metrics_port = FreePort();
  options.metrics_address = "127.0.0.1:" + std::to_string(metrics_port);
  ServiceHost host(options);
  prometheus::BuildCounter()
      .Name("csm_test_things_total")
      .Help("Things.")
      .Register(host.registry())
      .Add({})
      .Increment(3);
  ASSERT_TRUE(host.Start().ok());
  const std::string page = HttpGet(metrics_port, "/metrics");
  EXPECT_THAT(page, HasSubstr("200 OK"));
  EXPECT_THAT(page, HasSubstr("csm_test_things_total 3"));
}

TEST(ServiceHostTest, StartFailsWhenTheMetricsPortIsTaken) {
  ServerOptions options = TestOptions();
  const int metrics_port = FreePort();
  options.metrics_address = "127.0.0.1:" + std::to_string(metrics_port);
  ServiceHost first(options);
  ASSERT_TRUE(first.Start().ok());
  ServiceHost second(options);
  absl::Status status = second.Start();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(status.message()), HasSubstr("metrics"));
}

TEST(ServiceHostTest, RunUntilSignalShutsDownOnSigterm) {
  SlowEventService service;
  ServiceHost host(TestOptions());
  host.AddService(&service);
  ASSERT_TRUE(host.Start().ok());
  std::atomic<bool> returned{false};
  std::thread runner([&] {
    host.RunUntilSignal();
    returned = true;
  });
  absl::SleepFor(absl::Milliseconds(100));
  EXPECT_FALSE(returned);
  // Delivered to whichever thread the kernel picks: the handler routes it.
  ASSERT_EQ(kill(getpid(), SIGTERM), 0);
  runner.join();
  EXPECT_TRUE(returned);
  EXPECT_EQ(CheckHealth(host.address(), "").status.error_code(),
            grpc::StatusCode::UNAVAILABLE);
  // The previous disposition is back once no host runs.
  struct sigaction current {};
  sigaction(SIGTERM, nullptr, &current);
  EXPECT_EQ(current.sa_handler, SIG_DFL);
}

TEST(ServiceHostTest, RunUntilSignalReturnsWhenShutDownElsewhere) {
  ServiceHost host(TestOptions());
  ASSERT_TRUE(host.Start().ok());
  std::thread runner([&] { host.RunUntilSignal(); });
  absl::SleepFor(absl::Milliseconds(100));
  host.Shutdown();
  runner.join();  // hangs (and the test times out) if it does not return
}

// ParseFlags may run once per process (gtest_discover_tests runs every test
// in its own process), so one test covers the environment and the files.
TEST(ServiceFlagsTest, EnvironmentFilesAndCommandLine) {
  const std::string dir = ::testing::TempDir();
  const std::string secret_file = dir + "/jwt_secret";
  const std::string password_file = dir + "/mysql_password";
  {
    FILE* f = fopen(secret_file.c_str(), "w");
    ASSERT_NE(f, nullptr);
    fputs("file-secret-0123456789\n", f);
    fclose(f);
    f = fopen(password_file.c_str(), "w");
    ASSERT_NE(f, nullptr);
    fputs("p@ss 密码\r\n", f);
    fclose(f);
  }
  setenv("CSM_LISTEN_ADDRESS", "127.0.0.1:7000", 1);
  setenv("CSM_MAX_THREADS", "12", 1);
  setenv("CSM_SHUTDOWN_GRACE_SECONDS", "3", 1);
  setenv("CSM_DEFAULT_DEADLINE_MS", "90000", 1);  // above the maximum
  setenv("CSM_JWT_SECRET_FILE", secret_file.c_str(), 1);
  setenv("CSM_JWT_ISSUER", "env-issuer", 1);
  setenv("CSM_MYSQL_USER", "customer", 1);
  setenv("CSM_MYSQL_DATABASE", "customer_db", 1);
  setenv("CSM_MYSQL_PASSWORD_FILE", password_file.c_str(), 1);
  std::string arg0 = "svc", arg1 = "--max_threads=9",
              arg2 = "--mysql_socket=/run/mysqld.sock";
  char* argv[] = {arg0.data(), arg1.data(), arg2.data(), nullptr};
  ParseFlags(3, argv, "test");

  ServerOptions server = ServerOptionsFromFlags("svc");
  EXPECT_EQ(server.service_name, "svc");
  EXPECT_EQ(server.listen_address, "127.0.0.1:7000");
  EXPECT_EQ(server.max_threads, 9);  // the command line wins
  EXPECT_EQ(server.shutdown_grace, absl::Seconds(3));
  EXPECT_EQ(server.shutdown_quiet, absl::Milliseconds(200));
  EXPECT_EQ(server.metrics_address, "0.0.0.0:9464");

  RpcRuntimeOptions rpc = RpcRuntimeOptionsFromFlags("svc");
  EXPECT_EQ(rpc.max_deadline, absl::Seconds(60));
  EXPECT_EQ(rpc.default_deadline, absl::Seconds(60));  // capped

  absl::StatusOr<MysqlOptions> mysql = MysqlOptionsFromFlags();
  ASSERT_TRUE(mysql.ok()) << mysql.status();
  EXPECT_EQ(mysql->user, "customer");
  EXPECT_EQ(mysql->database, "customer_db");
  EXPECT_EQ(mysql->password, "p@ss 密码");  // trailing newline stripped
  EXPECT_EQ(mysql->unix_socket, "/run/mysqld.sock");
  EXPECT_EQ(mysql->pool_size, 16);

  absl::StatusOr<std::unique_ptr<TokenVerifier>> verifier =
      TokenVerifierFromFlags();
  ASSERT_TRUE(verifier.ok()) << verifier.status();
  Principal p{"u100", "", {Role::kAgent}};
  const absl::Time now = absl::Now();
  EXPECT_TRUE((*verifier)
                  ->Verify(*MintToken("file-secret-0123456789", "env-issuer", p,
                                      now, absl::Hours(1)),
                           now)
                  .ok());

  // Both a value and a file is ambiguous.
  absl::SetFlag(&FLAGS_mysql_password, "inline");
  EXPECT_EQ(MysqlOptionsFromFlags().status().code(),
            absl::StatusCode::kInvalidArgument);
  absl::SetFlag(&FLAGS_mysql_password_file, dir + "/missing");
  absl::SetFlag(&FLAGS_mysql_password, "");
  EXPECT_EQ(MysqlOptionsFromFlags().status().code(),
            absl::StatusCode::kFailedPrecondition);
  absl::SetFlag(&FLAGS_mysql_user, "");
  absl::SetFlag(&FLAGS_mysql_password_file, "");
  EXPECT_THAT(std::string(MysqlOptionsFromFlags().status().message()),
              HasSubstr("--mysql_user"));

  absl::SetFlag(&FLAGS_jwt_secret_file, "");
  verifier = TokenVerifierFromFlags();
  EXPECT_EQ(verifier.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(verifier.status().message()),
              HasSubstr("no JWT secret"));
  absl::SetFlag(&FLAGS_jwt_secret, "too-short");
  verifier = TokenVerifierFromFlags();
  EXPECT_EQ(verifier.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(verifier.status().message()), HasSubstr("16"));
}

}  // namespace
}  // namespace csm
