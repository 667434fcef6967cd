// RpcRuntime's calls counted and logged (one JSON line a call, no request
// values), RpcMetrics, and the JSON-lines logger.
#include <cppconn/exception.h>
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/auth.h"
#include "common/clock.h"
#include "common/grpc_status.h"
#include "common/log.h"
#include "common/rpc.h"
#include "common/rpc_test_fixture.h"
#include "common/server.h"
#include "common/status.h"
#include "csm/events/v1/events.grpc.pb.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace csm::rpc_test {
namespace {

TEST_F(RpcRuntimeTest, CountsCallsByCode) {
  const double ok_before = Handled("OK");
  Call({});
  Call({});
  Call({.authorization = ""});
  Call({.mode = "throw"});
  EXPECT_EQ(Handled("OK") - ok_before, 2);
  EXPECT_EQ(Handled("Unauthenticated"), 1);
  EXPECT_EQ(Handled("Internal"), 1);
  EXPECT_EQ(Handled("PermissionDenied"), 0);

  bool found_histogram = false;
  for (const auto& family : host_->registry().Collect()) {
    if (family.name != "grpc_server_handling_seconds") continue;
    for (const auto& metric : family.metric) {
      found_histogram = true;
      EXPECT_EQ(metric.histogram.sample_count, 4u);
      EXPECT_EQ(metric.histogram.bucket.front().upper_bound, 0.0005);
    }
  }
  EXPECT_TRUE(found_histogram);
}

TEST_F(RpcRuntimeTest, LogsOneLinePerCall) {
  ::testing::internal::CaptureStderr();
  Call({.request_id = "log-test-1"});
  Call({.authorization = "", .request_id = "log-test-2"});
  const std::string logs = ::testing::internal::GetCapturedStderr();
  std::vector<nlohmann::json> lines;
  for (absl::string_view line : absl::StrSplit(logs, '\n', absl::SkipEmpty())) {
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << line;
    if (j.value("msg", "") == "rpc") lines.push_back(j);
  }
  ASSERT_EQ(lines.size(), 2u) << logs;
  EXPECT_EQ(lines[0]["request_id"], "log-test-1");
  EXPECT_EQ(lines[0]["method"], "StreamEvents");
  EXPECT_EQ(lines[0]["code"], "OK");
  EXPECT_EQ(lines[0]["staff_id"], "u100");
  EXPECT_EQ(lines[0]["level"], "info");
  EXPECT_TRUE(lines[0].contains("duration_ms"));
  EXPECT_EQ(lines[1]["request_id"], "log-test-2");
  EXPECT_EQ(lines[1]["code"], "UNAUTHENTICATED");
  EXPECT_EQ(lines[1]["error_class"], "no_token");
  EXPECT_FALSE(lines[1].contains("error")) << "messages never reach the log";
}

TEST_F(RpcRuntimeTest, LogLinesCarryNoRequestValues) {
  ::testing::internal::CaptureStderr();
  Call({.mode = "echo_personal_data", .request_id = "log-pd-1"});
  Call({.mode = "throw_personal_data", .request_id = "log-pd-2"});
  Call({.authorization = "Bearer 13900001111", .request_id = "log-pd-3"});
  const std::string logs = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(logs, ::testing::Not(HasSubstr("13900001111")));
  EXPECT_THAT(logs, ::testing::Not(HasSubstr("110101195302202098")));
  std::map<std::string, nlohmann::json> by_request;
  for (absl::string_view line : absl::StrSplit(logs, '\n', absl::SkipEmpty())) {
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << line;
    if (j.value("msg", "") == "rpc") by_request[j["request_id"]] = j;
  }
  ASSERT_EQ(by_request.size(), 3u) << logs;
  // What went wrong is still there: code, class, field paths.
  EXPECT_EQ(by_request["log-pd-1"]["code"], "INVALID_ARGUMENT");
  EXPECT_EQ(by_request["log-pd-1"]["error_class"], "field_violations");
  EXPECT_EQ(by_request["log-pd-1"]["fields"], "filter,customer.contacts[0]");
  EXPECT_EQ(by_request["log-pd-2"]["code"], "INTERNAL");
  EXPECT_EQ(by_request["log-pd-2"]["error_class"], "unhandled_exception");
  EXPECT_EQ(by_request["log-pd-3"]["error_class"], "token_malformed");
}

TEST(RpcMetricsTest, ObservesCountsAndLatency) {
  prometheus::Registry registry;
  RpcMetrics metrics(registry, "svc");
  metrics.Observe("Get", grpc::StatusCode::OK, 0.001);
  metrics.Observe("Get", grpc::StatusCode::OK, 0.002);
  metrics.Observe("Get", grpc::StatusCode::NOT_FOUND, 0.003);
  metrics.Observe("List", grpc::StatusCode::OK, 20.0);
  std::map<std::string, double> counts;
  for (const auto& family : registry.Collect()) {
    for (const auto& metric : family.metric) {
      std::string key = family.name;
      for (const auto& l : metric.label) key += "|" + l.value;
      counts[key] = family.name == "grpc_server_handled_total"
                        ? metric.counter.value
                        : metric.histogram.sample_count;
    }
  }
  EXPECT_EQ(counts["grpc_server_handled_total|OK|Get|svc"], 2);
  EXPECT_EQ(counts["grpc_server_handled_total|NotFound|Get|svc"], 1);
  EXPECT_EQ(counts["grpc_server_handled_total|OK|List|svc"], 1);
  EXPECT_EQ(counts["grpc_server_handling_seconds|Get|svc"], 3);
  EXPECT_EQ(counts["grpc_server_handling_seconds|List|svc"], 1);
}

TEST(LogTest, WritesValidJsonWithEscapesAndUtf8) {
  log::SetService("log-test");
  ::testing::internal::CaptureStderr();
  {
    log::RequestIdScope scope("rid-1");
    log::Info("hello \"world\"\n", {{"name", "华为"},
                                    {"ctl", "a\tb\x01"},
                                    {"bad", "x\xff\xfey"},
                                    {"back\\slash", "\\"}});
  }
  log::Info("after scope");
  log::Debug("hidden at info level");
  const std::string out = ::testing::internal::GetCapturedStderr();
  std::vector<std::string> lines = absl::StrSplit(out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 2u) << out;

  const nlohmann::json first = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(first["msg"], "hello \"world\"\n");
  EXPECT_EQ(first["svc"], "log-test");
  EXPECT_EQ(first["level"], "info");
  EXPECT_EQ(first["request_id"], "rid-1");
  EXPECT_EQ(first["name"], "华为");
  EXPECT_EQ(first["ctl"], "a\tb\x01");
  EXPECT_EQ(first["bad"], "x\xEF\xBF\xBD\xEF\xBF\xBDy");  // U+FFFD twice
  EXPECT_EQ(first["back\\slash"], "\\");
  EXPECT_THAT(lines[0], HasSubstr("\"name\":\"华为\""));  // not \u escaped
  EXPECT_THAT(first["ts"].get<std::string>(),
              MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\.[0-9]{3}Z"));

  const nlohmann::json second = nlohmann::json::parse(lines[1]);
  EXPECT_FALSE(second.contains("request_id"));
  EXPECT_EQ(log::CurrentRequestId(), "");
}

TEST(LogTest, MinLevelFilters) {
  log::SetMinLevel(log::Level::kWarning);
  ::testing::internal::CaptureStderr();
  log::Info("dropped");
  log::Warning("kept");
  log::Error("kept too");
  const std::string out = ::testing::internal::GetCapturedStderr();
  log::SetMinLevel(log::Level::kInfo);
  EXPECT_THAT(out, ::testing::Not(HasSubstr("dropped")));
  EXPECT_THAT(out, HasSubstr("\"level\":\"warning\""));
  EXPECT_THAT(out, HasSubstr("\"level\":\"error\""));
}

TEST(LogTest, EnabledFollowsTheMinimumLevel) {
  log::SetMinLevel(log::Level::kWarning);
  const bool info = log::Enabled(log::Level::kInfo);
  const bool warning = log::Enabled(log::Level::kWarning);
  log::SetMinLevel(log::Level::kInfo);
  EXPECT_FALSE(info);
  EXPECT_TRUE(warning);
  EXPECT_TRUE(log::Enabled(log::Level::kInfo));
  EXPECT_FALSE(log::Enabled(log::Level::kDebug));
}

TEST(LogTest, RequestIdScopesNest) {
  log::RequestIdScope outer("outer");
  {
    log::RequestIdScope inner("inner");
    EXPECT_EQ(log::CurrentRequestId(), "inner");
  }
  EXPECT_EQ(log::CurrentRequestId(), "outer");
}

}  // namespace
}  // namespace csm::rpc_test
