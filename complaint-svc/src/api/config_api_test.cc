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
#include "complaint-svc/src/complaint_migrations.h"
#include "complaint-svc/src/store/config_store.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "tests/testing/test_database.h"

namespace csm::complaint {
namespace {

using ::testing::Contains;
using Stub = v1::ComplaintConfigService::Stub;

std::vector<std::string> ViolationFields(const grpc::Status& status) {
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

// ------------------------------------------------------------------ calendar

TEST_F(ConfigApiTest, ShippedCalendarIsSeededOnce) {
  const v1::BusinessCalendar cal = GetCalendar();
  EXPECT_EQ(cal.name(), "calendars/china");
  ASSERT_EQ(cal.working_hours_size(), 2);
  EXPECT_EQ(cal.working_hours(0).start(), "09:00");
  EXPECT_EQ(cal.working_hours(0).end(), "12:00");
  EXPECT_EQ(cal.working_hours(1).start(), "13:30");
  EXPECT_EQ(cal.working_hours(1).end(), "17:30");
  auto seed = ParseCalendarSeed(ChinaCalendarSeed());
  ASSERT_TRUE(seed.ok());
  EXPECT_EQ(cal.exceptions_size(), static_cast<int>(seed->size()));
  bool spring_festival = false;
  for (const auto& e : cal.exceptions()) {
    if (e.date().year() == 2026 && e.date().month() == 2 &&
        e.date().day() == 16) {
      spring_festival = e.holiday() && e.label() == "春节";
    }
  }
  EXPECT_TRUE(spring_festival);

  // Seeding again changes nothing (a restart, another replica).
  auto again = SeedBusinessCalendar(*pool_, config_, outbox_, absl::Now());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_FALSE(*again);
  const v1::BusinessCalendar after = GetCalendar();
  EXPECT_EQ(after.SerializeAsString(), cal.SerializeAsString());

  // The year filter.
  const v1::BusinessCalendar only2027 = GetCalendar(2027);
  EXPECT_GT(only2027.exceptions_size(), 0);
  for (const auto& e : only2027.exceptions()) {
    EXPECT_EQ(e.date().year(), 2027);
  }

  // The calendar as the domain uses it: 2026-02-16 is 春节, 2026-02-14 a
  // make-up Saturday.
  auto calendar = CachedCalendar();
  ASSERT_NE(calendar, nullptr);
  EXPECT_FALSE(calendar->IsWorkingDay(absl::CivilDay(2026, 2, 16)));
  EXPECT_TRUE(calendar->IsWorkingDay(absl::CivilDay(2026, 2, 14)));
}

TEST_F(ConfigApiTest, CalendarNamesAndRoles) {
  v1::GetBusinessCalendarRequest req;
  req.set_name("calendars/japan");
  v1::BusinessCalendar cal;
  EXPECT_EQ(Call(&Stub::GetBusinessCalendar, "li.na", req, &cal).error_code(),
            grpc::StatusCode::NOT_FOUND);
  req.set_name("china");
  EXPECT_EQ(Call(&Stub::GetBusinessCalendar, "li.na", req, &cal).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  v1::UpdateBusinessCalendarRequest update;
  update.mutable_calendar()->set_name("calendars/china");
  auto* p = update.mutable_calendar()->add_working_hours();
  p->set_start("08:30");
  p->set_end("17:00");
  EXPECT_EQ(
      Call(&Stub::UpdateBusinessCalendar, "li.na", update, &cal).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(ConfigApiTest, UpdatingWorkingHoursInvalidatesTheCache) {
  auto before = CachedCalendar();
  ASSERT_NE(before, nullptr);
  EXPECT_EQ(CachedCalendar(), before);  // cached: the same instance
  EXPECT_EQ(before->WorkingTimePerDay(), absl::Minutes(420));

  const v1::BusinessCalendar current = GetCalendar();
  v1::UpdateBusinessCalendarRequest req;
  req.mutable_calendar()->set_name("calendars/china");
  req.mutable_calendar()->set_etag(current.etag());
  auto* morning = req.mutable_calendar()->add_working_hours();
  morning->set_start("08:30");
  morning->set_end("12:00");
  auto* afternoon = req.mutable_calendar()->add_working_hours();
  afternoon->set_start("13:00");
  afternoon->set_end("17:30");
  req.mutable_update_mask()->add_paths("working_hours");
  v1::BusinessCalendar cal;
  EXPECT_GRPC_OK(Call(&Stub::UpdateBusinessCalendar, "arch", req, &cal));
  EXPECT_NE(cal.etag(), current.etag());
  EXPECT_EQ(cal.exceptions_size(), current.exceptions_size());

  auto after = CachedCalendar();
  ASSERT_NE(after, nullptr);
  EXPECT_NE(after, before);
  EXPECT_EQ(after->WorkingTimePerDay(), absl::Minutes(480));

  // The same etag again is stale now.
  EXPECT_EQ(Call(&Stub::UpdateBusinessCalendar, "arch", req, &cal).error_code(),
            grpc::StatusCode::ABORTED);
}

TEST_F(ConfigApiTest, UpdatingExceptionsReplacesOnlyTheirYears) {
  const int before2027 = GetCalendar(2027).exceptions_size();
  v1::UpdateBusinessCalendarRequest req;
  req.mutable_calendar()->set_name("calendars/china");
  auto* national = req.mutable_calendar()->add_exceptions();
  national->mutable_date()->set_year(2026);
  national->mutable_date()->set_month(10);
  national->mutable_date()->set_day(1);
  national->set_holiday(true);
  national->set_label("国庆节");
  auto* makeup = req.mutable_calendar()->add_exceptions();
  makeup->mutable_date()->set_year(2026);
  makeup->mutable_date()->set_month(10);
  makeup->mutable_date()->set_day(10);  // a Saturday
  makeup->set_holiday(false);
  makeup->set_label("国庆节调休上班");
  v1::BusinessCalendar cal;
  EXPECT_GRPC_OK(Call(&Stub::UpdateBusinessCalendar, "arch", req, &cal));
  EXPECT_EQ(GetCalendar(2026).exceptions_size(), 2);
  EXPECT_EQ(GetCalendar(2027).exceptions_size(), before2027);
  auto calendar = CachedCalendar();
  ASSERT_NE(calendar, nullptr);
  EXPECT_TRUE(calendar->IsWorkingDay(absl::CivilDay(2026, 2, 16)));  // gone
  EXPECT_TRUE(calendar->IsWorkingDay(absl::CivilDay(2026, 10, 10)));
  EXPECT_FALSE(calendar->IsWorkingDay(absl::CivilDay(2026, 10, 1)));
}

TEST_F(ConfigApiTest, InvalidCalendarUpdatesAreRefusedAndChangeNothing) {
  const v1::BusinessCalendar before = GetCalendar();
  v1::UpdateBusinessCalendarRequest req;
  req.mutable_calendar()->set_name("calendars/china");
  auto* weekday_makeup = req.mutable_calendar()->add_exceptions();
  weekday_makeup->mutable_date()->set_year(2026);
  weekday_makeup->mutable_date()->set_month(3);
  weekday_makeup->mutable_date()->set_day(4);  // a Wednesday
  weekday_makeup->set_holiday(false);
  auto* bad_date = req.mutable_calendar()->add_exceptions();
  bad_date->mutable_date()->set_year(2026);
  bad_date->mutable_date()->set_month(2);
  bad_date->mutable_date()->set_day(30);
  bad_date->set_holiday(true);
  auto* twice = req.mutable_calendar()->add_exceptions();
  *twice = *weekday_makeup;
  v1::BusinessCalendar cal;
  grpc::Status s = Call(&Stub::UpdateBusinessCalendar, "arch", req, &cal);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  std::vector<std::string> fields = ViolationFields(s);
  EXPECT_THAT(fields, Contains("calendar.exceptions[0].holiday"));
  EXPECT_THAT(fields, Contains("calendar.exceptions[1].date"));
  EXPECT_THAT(fields, Contains("calendar.exceptions[2].date"));

  v1::UpdateBusinessCalendarRequest hours;
  hours.mutable_calendar()->set_name("calendars/china");
  auto* a = hours.mutable_calendar()->add_working_hours();
  a->set_start("09:00");
  a->set_end("12:00");
  auto* b = hours.mutable_calendar()->add_working_hours();
  b->set_start("11:00");  // overlaps
  b->set_end("17:00");
  s = Call(&Stub::UpdateBusinessCalendar, "arch", hours, &cal);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolationFields(s), Contains("calendar.working_hours"));
  b->set_start("1pm");
  s = Call(&Stub::UpdateBusinessCalendar, "arch", hours, &cal);
  EXPECT_THAT(ViolationFields(s), Contains("calendar.working_hours[1]"));

  v1::UpdateBusinessCalendarRequest empty;
  empty.mutable_calendar()->set_name("calendars/china");
  s = Call(&Stub::UpdateBusinessCalendar, "arch", empty, &cal);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  EXPECT_EQ(GetCalendar().SerializeAsString(), before.SerializeAsString());
}

}  // namespace
}  // namespace csm::complaint
