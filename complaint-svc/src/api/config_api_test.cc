// ComplaintConfigService through real gRPC against the fixture's MariaDB:
// the seeded categories, policies and calendar; validation; etags; the
// calendar cache.
#include "complaint-svc/src/api/config_api.h"

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
#include "complaint-svc/src/api/config_api_test_fixture.h"
#include "complaint-svc/src/complaint_migrations.h"
#include "complaint-svc/src/store/config_store.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "tests/testing/test_database.h"

namespace csm::complaint::config_api_test {
namespace {

// ---------------------------------------------------------------- categories

TEST_F(ConfigApiTest, DocumentCategoriesAreSeededWithTheirDepartments) {
  const std::vector<v1::Category> all = AllCategories();
  ASSERT_EQ(all.size(), 6u);
  std::map<std::string, std::pair<std::string, std::string>> by_name;
  for (const auto& c : all) {
    by_name[c.name()] = {c.display_name(), c.handling_department()};
    EXPECT_TRUE(c.active());
    EXPECT_EQ(c.etag(), "1");
  }
  EXPECT_EQ(by_name["categories/quality"].second, "技术服务部");
  EXPECT_EQ(by_name["categories/packaging"],
            std::make_pair(std::string("外观类包装"), std::string("仓储物流")));
  EXPECT_EQ(by_name["categories/logistics"].second, "仓储物流");
  EXPECT_EQ(by_name["categories/service"].second, "客服部");
  EXPECT_EQ(by_name["categories/sales"].second, "销售部");
  EXPECT_EQ(by_name["categories/attitude"],
            std::make_pair(std::string("抱怨类"), std::string("客服部")));
  // Pages of 4 cover the same six, in id order.
  const std::vector<v1::Category> paged = AllCategories(4);
  ASSERT_EQ(paged.size(), 6u);
  EXPECT_EQ(paged.front().name(), "categories/attitude");
  EXPECT_EQ(paged.back().name(), "categories/service");
}

TEST_F(ConfigApiTest, ArchivistsCreateCategoriesOthersMayNot) {
  v1::CreateCategoryRequest req;
  req.set_category_id("installation");
  req.mutable_category()->set_display_name("安装类");
  req.mutable_category()->set_handling_department("技术服务部");
  req.set_request_id("create-installation-1");
  v1::Category c;
  grpc::Status s = Call(&Stub::CreateCategory, "li.na", req, &c);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);

  EXPECT_GRPC_OK(Call(&Stub::CreateCategory, "arch", req, &c));
  EXPECT_EQ(c.name(), "categories/installation");
  EXPECT_TRUE(c.active());
  EXPECT_EQ(c.etag(), "1");
  // The same request again: the first answer, nothing new.
  v1::Category again;
  EXPECT_GRPC_OK(Call(&Stub::CreateCategory, "arch", req, &again));
  EXPECT_EQ(again.SerializeAsString(), c.SerializeAsString());
  // Another request for the same id.
  req.set_request_id("create-installation-2");
  s = Call(&Stub::CreateCategory, "arch", req, &again);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(AllCategories().size(), 7u);
}

TEST_F(ConfigApiTest, CreateCategoryValidates) {
  v1::CreateCategoryRequest req;
  req.set_category_id("Bad_Id");
  req.mutable_category()->set_display_name("  ");
  v1::Category c;
  const grpc::Status s = Call(&Stub::CreateCategory, "arch", req, &c);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  const std::vector<std::string> fields = ViolationFields(s);
  EXPECT_THAT(fields, Contains("category_id"));
  EXPECT_THAT(fields, Contains("category.display_name"));
  EXPECT_THAT(fields, Contains("category.handling_department"));
}

TEST_F(ConfigApiTest, UpdateCategoryWithMaskAndEtag) {
  v1::UpdateCategoryRequest req;
  req.mutable_category()->set_name("categories/packaging");
  req.mutable_category()->set_handling_department("质量管理部");
  req.mutable_category()->set_display_name("ignored: not in the mask");
  req.mutable_category()->set_etag("1");
  req.mutable_update_mask()->add_paths("handling_department");
  v1::Category c;
  EXPECT_GRPC_OK(Call(&Stub::UpdateCategory, "arch", req, &c));
  EXPECT_EQ(c.handling_department(), "质量管理部");
  EXPECT_EQ(c.display_name(), "外观类包装");
  EXPECT_EQ(c.etag(), "2");

  // Stale etag: ABORTED, nothing overwritten.
  req.mutable_category()->set_handling_department("仓储物流");
  grpc::Status s = Call(&Stub::UpdateCategory, "arch", req, &c);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ABORTED);

  // Retire it.
  v1::UpdateCategoryRequest retire;
  retire.mutable_category()->set_name("categories/packaging");
  retire.mutable_category()->set_active(false);
  retire.mutable_update_mask()->add_paths("active");
  EXPECT_GRPC_OK(Call(&Stub::UpdateCategory, "arch", retire, &c));
  EXPECT_FALSE(c.active());
  EXPECT_EQ(c.handling_department(), "质量管理部");

  // No mask, unknown path, unknown category, agent.
  v1::UpdateCategoryRequest bad = retire;
  bad.clear_update_mask();
  s = Call(&Stub::UpdateCategory, "arch", bad, &c);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolationFields(s), Contains("update_mask"));
  bad.mutable_update_mask()->add_paths("name");
  s = Call(&Stub::UpdateCategory, "arch", bad, &c);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  bad = retire;
  bad.mutable_category()->set_name("categories/nope");
  s = Call(&Stub::UpdateCategory, "arch", bad, &c);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  s = Call(&Stub::UpdateCategory, "li.na", retire, &c);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);

  // The store sees it.
  absl::Status st =
      RunWithConnection(*pool_, absl::Now() + absl::Seconds(5),
                        [&](MysqlConnection& conn) -> absl::Status {
                          auto got = config_.GetCategory(conn, "packaging");
                          EXPECT_TRUE(got.ok() && got->has_value());
                          if (got.ok() && got->has_value()) {
                            EXPECT_FALSE((*got)->active());
                          }
                          auto none = config_.GetCategory(conn, "nope");
                          EXPECT_TRUE(none.ok() && !none->has_value());
                          return absl::OkStatus();
                        });
  EXPECT_TRUE(st.ok()) << st;
}

// -------------------------------------------------------------- SLA policies

TEST_F(ConfigApiTest, DefaultPoliciesAreSeeded) {
  const std::vector<v1::SlaPolicy> all = AllPolicies();
  ASSERT_EQ(all.size(), 5u);
  std::map<std::string, v1::SlaPolicy> by_name;
  for (const auto& p : all) by_name[p.name()] = p;
  ASSERT_TRUE(by_name.contains("slaPolicies/*~normal~*"));
  EXPECT_EQ(by_name["slaPolicies/*~normal~*"].acknowledge_working_minutes(),
            240);
  EXPECT_EQ(by_name["slaPolicies/*~normal~*"].handling_opinion_working_days(),
            2);
  EXPECT_EQ(by_name["slaPolicies/*~major~*"].acknowledge_working_minutes(), 60);
  EXPECT_EQ(by_name["slaPolicies/*~critical~*"].acknowledge_working_minutes(),
            15);
  EXPECT_EQ(by_name["slaPolicies/*~critical~*"].handling_opinion_working_days(),
            0);
  EXPECT_EQ(by_name["slaPolicies/*~normal~A"].acknowledge_working_minutes(),
            120);
  for (const auto& p : all) {
    EXPECT_EQ(p.warning_percent(), 80);
    EXPECT_EQ(p.escalation_step_working_minutes(), 240);
  }
  EXPECT_EQ(AllPolicies(2).size(), 5u);  // paged the same
}

TEST_F(ConfigApiTest, SetSlaPolicyCreatesOrReplaces) {
  v1::SetSlaPolicyRequest req;
  *req.mutable_sla_policy() =
      Policy("packaging", v1::SEVERITY_MAJOR, "B", 45, 1);
  v1::SlaPolicy p;
  EXPECT_EQ(Call(&Stub::SetSlaPolicy, "li.na", req, &p).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_GRPC_OK(Call(&Stub::SetSlaPolicy, "arch", req, &p));
  EXPECT_EQ(p.name(), "slaPolicies/packaging~major~B");
  EXPECT_EQ(AllPolicies().size(), 6u);

  req.mutable_sla_policy()->set_acknowledge_working_minutes(30);
  EXPECT_GRPC_OK(Call(&Stub::SetSlaPolicy, "arch", req, &p));
  std::vector<v1::SlaPolicy> all = AllPolicies();
  EXPECT_EQ(all.size(), 6u);
  int found = 0;
  for (const auto& q : all) {
    if (q.name() == "slaPolicies/packaging~major~B") {
      ++found;
      EXPECT_EQ(q.acknowledge_working_minutes(), 30);
    }
  }
  EXPECT_EQ(found, 1);

  // Replacing a default.
  *req.mutable_sla_policy() = Policy("*", v1::SEVERITY_NORMAL, "*", 300, 3);
  EXPECT_GRPC_OK(Call(&Stub::SetSlaPolicy, "arch", req, &p));
  EXPECT_EQ(AllPolicies().size(), 6u);
}

TEST_F(ConfigApiTest, SetSlaPolicyValidates) {
  v1::SetSlaPolicyRequest req;
  v1::SlaPolicy* bad = req.mutable_sla_policy();
  bad->set_category("Quality!");
  bad->set_severity(v1::SEVERITY_UNSPECIFIED);
  bad->set_customer_grade("D");
  bad->set_acknowledge_working_minutes(0);
  bad->set_handling_opinion_working_days(31);
  bad->set_warning_percent(100);
  bad->set_escalation_step_working_minutes(10081);
  v1::SlaPolicy p;
  grpc::Status s = Call(&Stub::SetSlaPolicy, "arch", req, &p);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  const std::vector<std::string> fields = ViolationFields(s);
  for (const char* f :
       {"sla_policy.category", "sla_policy.severity",
        "sla_policy.customer_grade", "sla_policy.acknowledge_working_minutes",
        "sla_policy.handling_opinion_working_days",
        "sla_policy.warning_percent",
        "sla_policy.escalation_step_working_minutes"}) {
    EXPECT_THAT(fields, Contains(f));
  }
  // A category that does not exist.
  *req.mutable_sla_policy() =
      Policy("no-such", v1::SEVERITY_NORMAL, "*", 60, 1);
  s = Call(&Stub::SetSlaPolicy, "arch", req, &p);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolationFields(s), Contains("sla_policy.category"));
  EXPECT_EQ(AllPolicies().size(), 5u);

  // The limits themselves are accepted.
  *req.mutable_sla_policy() =
      Policy("quality", v1::SEVERITY_CRITICAL, "C", 10080, 30);
  req.mutable_sla_policy()->set_warning_percent(99);
  req.mutable_sla_policy()->set_escalation_step_working_minutes(1);
  EXPECT_GRPC_OK(Call(&Stub::SetSlaPolicy, "arch", req, &p));
  *req.mutable_sla_policy() =
      Policy("quality", v1::SEVERITY_CRITICAL, "A", 1, 0);
  req.mutable_sla_policy()->set_warning_percent(1);
  EXPECT_GRPC_OK(Call(&Stub::SetSlaPolicy, "arch", req, &p));
}

}  // namespace
}  // namespace csm::complaint::config_api_test
