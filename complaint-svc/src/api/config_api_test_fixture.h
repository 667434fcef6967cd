// The ComplaintConfigService tests' fixture (config_api_test.cc: categories
// and SLA policies; config_calendar_api_test.cc: the calendar): a
// ConfigApi on a ServiceHost over a fresh, migrated and seeded database.
#ifndef CSM_COMPLAINT_SVC_SRC_API_CONFIG_API_TEST_FIXTURE_H_
#define CSM_COMPLAINT_SVC_SRC_API_CONFIG_API_TEST_FIXTURE_H_

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "common/migrations.h"
#include "common/server.h"
#include "complaint-svc/src/api/config_api.h"
#include "complaint-svc/src/complaint_migrations.h"
#include "complaint-svc/src/store/config_store.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "tests/testing/test_database.h"

namespace csm::complaint::config_api_test {

using ::testing::Contains;
using Stub = v1::ComplaintConfigService::Stub;

inline std::vector<std::string> ViolationFields(const grpc::Status& status) {
  std::vector<std::string> fields;
  google::rpc::Status rich;
  if (!rich.ParseFromString(status.error_details())) return fields;
  for (const google::protobuf::Any& any : rich.details()) {
    google::rpc::BadRequest bad;
    if (!any.UnpackTo(&bad)) continue;
    for (const auto& v : bad.field_violations()) fields.push_back(v.field());
  }
  return fields;
}

#define EXPECT_GRPC_OK(expr)                                              \
  do {                                                                    \
    const ::grpc::Status _s = (expr);                                     \
    EXPECT_TRUE(_s.ok()) << _s.error_code() << " " << _s.error_message(); \
  } while (0)

class ConfigApiTest : public ::testing::Test {
 protected:
  ConfigApiTest()
      : verifier_(csm::testing::kTestJwtSecret, csm::testing::kTestIssuer) {}

  void SetUp() override {
    auto db = csm::testing::TestDatabase::Create();
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    auto pool = MysqlPool::Create(db_->options());
    ASSERT_TRUE(pool.ok()) << pool.status();
    pool_ = std::move(*pool);
    ASSERT_TRUE(ApplyMigrations(*pool_, ComplaintMigrations()).ok());
    auto seeded = SeedBusinessCalendar(*pool_, config_, outbox_, absl::Now());
    ASSERT_TRUE(seeded.ok()) << seeded.status();
    ASSERT_TRUE(*seeded);
    runtime_ = std::make_unique<RpcRuntime>(
        RpcRuntimeOptions{.service = "complaint-svc"}, &verifier_, nullptr,
        &Clock::Real());
    api_ = std::make_unique<ConfigApi>(pool_.get(), &outbox_, runtime_.get(),
                                       &config_);
    host_ = std::make_unique<ServiceHost>(
        ServerOptions{.service_name = "complaint-svc",
                      .listen_address = "127.0.0.1:0",
                      .metrics_address = ""});
    host_->AddService(api_.get());
    ASSERT_TRUE(host_->Start().ok());
    stub_ = v1::ComplaintConfigService::NewStub(grpc::CreateChannel(
        host_->address(), grpc::InsecureChannelCredentials()));
  }

  void TearDown() override {
    stub_.reset();
    host_.reset();
    api_.reset();
    pool_.reset();
    db_.reset();
  }

  static std::string Token(const std::string& who) {
    if (who == "arch") {
      return csm::testing::TestToken("arch", {Role::kArchivist}, "档案室");
    }
    if (who == "svc") {
      return csm::testing::TestToken("reporting-svc", {Role::kService}, "");
    }
    return csm::testing::TestToken(who, {Role::kAgent}, "客服部");
  }

  template <typename Req, typename Resp>
  grpc::Status Call(grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                 const Req&, Resp*),
                    const std::string& who, const Req& req, Resp* resp) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", absl::StrCat("Bearer ", Token(who)));
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(10));
    return ((*stub_).*method)(&ctx, req, resp);
  }

  std::vector<v1::Category> AllCategories(int page_size = 0) {
    std::vector<v1::Category> all;
    v1::ListCategoriesRequest req;
    req.set_page_size(page_size);
    for (int i = 0; i < 20; ++i) {
      v1::ListCategoriesResponse resp;
      const grpc::Status s = Call(&Stub::ListCategories, "li.na", req, &resp);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok()) break;
      for (const auto& c : resp.categories()) all.push_back(c);
      if (resp.next_page_token().empty()) break;
      req.set_page_token(resp.next_page_token());
    }
    return all;
  }

  std::vector<v1::SlaPolicy> AllPolicies(int page_size = 0) {
    std::vector<v1::SlaPolicy> all;
    v1::ListSlaPoliciesRequest req;
    req.set_page_size(page_size);
    for (int i = 0; i < 20; ++i) {
      v1::ListSlaPoliciesResponse resp;
      const grpc::Status s = Call(&Stub::ListSlaPolicies, "svc", req, &resp);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok()) break;
      for (const auto& p : resp.sla_policies()) all.push_back(p);
      if (resp.next_page_token().empty()) break;
      req.set_page_token(resp.next_page_token());
    }
    return all;
  }

  v1::BusinessCalendar GetCalendar(int year = 0) {
    v1::GetBusinessCalendarRequest req;
    req.set_name("calendars/china");
    req.set_year(year);
    v1::BusinessCalendar cal;
    EXPECT_GRPC_OK(Call(&Stub::GetBusinessCalendar, "li.na", req, &cal));
    return cal;
  }

  std::shared_ptr<const BusinessCalendar> CachedCalendar() {
    std::shared_ptr<const BusinessCalendar> out;
    absl::Status s =
        RunWithConnection(*pool_, absl::Now() + absl::Seconds(5),
                          [&](MysqlConnection& conn) -> absl::Status {
                            auto cal = config_.Calendar(conn);
                            if (!cal.ok()) return cal.status();
                            out = *cal;
                            return absl::OkStatus();
                          });
    EXPECT_TRUE(s.ok()) << s;
    return out;
  }

  static v1::SlaPolicy Policy(const std::string& category, v1::Severity sev,
                              const std::string& grade, int ack, int days) {
    v1::SlaPolicy p;
    p.set_category(category);
    p.set_severity(sev);
    p.set_customer_grade(grade);
    p.set_acknowledge_working_minutes(ack);
    p.set_handling_opinion_working_days(days);
    p.set_warning_percent(80);
    p.set_escalation_step_working_minutes(240);
    return p;
  }

  TokenVerifier verifier_;
  std::unique_ptr<csm::testing::TestDatabase> db_;
  std::unique_ptr<MysqlPool> pool_;
  ConfigStore config_;
  Outbox outbox_{"complaint-svc", &Clock::Real()};
  std::unique_ptr<RpcRuntime> runtime_;
  std::unique_ptr<ConfigApi> api_;
  std::unique_ptr<ServiceHost> host_;
  std::unique_ptr<Stub> stub_;
};

}  // namespace csm::complaint::config_api_test

#endif  // CSM_COMPLAINT_SVC_SRC_API_CONFIG_API_TEST_FIXTURE_H_
