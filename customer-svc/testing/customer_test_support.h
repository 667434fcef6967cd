// Shared fixture of the customer-svc API tests: a fresh MariaDB database and
// a real CustomerServer on loopback per test, typed gRPC stubs, tokens for
// the staff the tests use, and builders for valid customers.
//
// Everything goes through real gRPC calls with a bearer token and a deadline:
// no mocks.

#ifndef CSM_CUSTOMER_SVC_TESTING_CUSTOMER_TEST_SUPPORT_H_
#define CSM_CUSTOMER_SVC_TESTING_CUSTOMER_TEST_SUPPORT_H_

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/auth.h"
#include "common/clock.h"
#include "csm/customer/v1/customer.grpc.pb.h"
#include "csm/events/v1/events.grpc.pb.h"
#include "customer-svc/src/customer_server.h"
#include "google/rpc/code.pb.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "tests/testing/test_database.h"
#include "tests/testing/test_service.h"

namespace csm::customer::testing {

namespace v1 = ::csm::customer::v1;
namespace ev = ::csm::events::v1;

// "INVALID_ARGUMENT: customer.display_name is required" for failure output.
inline std::string Describe(const grpc::Status& status) {
  // google.rpc.Code numbers are gRPC's status codes.
  const auto code = static_cast<google::rpc::Code>(status.error_code());
  const std::string name =
      google::rpc::Code_IsValid(code) ? google::rpc::Code_Name(code) : "?";
  return absl::StrCat(name, ": ", status.error_message());
}

#define CSM_ASSERT_OK(expr)                                                 \
  do {                                                                      \
    const ::grpc::Status _csm_s = (expr);                                   \
    ASSERT_TRUE(_csm_s.ok()) << ::csm::customer::testing::Describe(_csm_s); \
  } while (0)

#define CSM_EXPECT_OK(expr)                                                 \
  do {                                                                      \
    const ::grpc::Status _csm_s = (expr);                                   \
    EXPECT_TRUE(_csm_s.ok()) << ::csm::customer::testing::Describe(_csm_s); \
  } while (0)

#define CSM_EXPECT_CODE(expr, code)                    \
  do {                                                 \
    const ::grpc::Status _csm_s = (expr);              \
    EXPECT_EQ(_csm_s.error_code(), (code))             \
        << ::csm::customer::testing::Describe(_csm_s); \
  } while (0)

// Field paths of the google.rpc.BadRequest carried in the status details.
inline std::vector<std::string> ViolationFields(const grpc::Status& status) {
  std::vector<std::string> fields;
  google::rpc::Status rich;
  if (status.error_details().empty() ||
      !rich.ParseFromString(status.error_details())) {
    return fields;
  }
  for (const google::protobuf::Any& any : rich.details()) {
    google::rpc::BadRequest bad_request;
    if (!any.UnpackTo(&bad_request)) continue;
    for (const auto& v : bad_request.field_violations()) {
      fields.push_back(v.field());
    }
  }
  return fields;
}

// A valid unified social credit code (GB 32100-2015): "91" (enterprise),
// "330100" (Hangzhou), "MA" + 7 characters derived from `n`, check char.
// Distinct n give distinct codes; the letters make lower case differ.
inline std::string ValidUscc(int64_t n) {
  static constexpr char kCharset[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  static constexpr int kWeights[17] = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                       29, 25, 13, 8,  24, 10, 30, 28};
  std::string body7(7, '0');
  int64_t v = n;
  for (int i = 6; i >= 0; --i) {
    body7[i] = kCharset[v % 31];
    v /= 31;
  }
  std::string code = absl::StrCat("91330100MA", body7);
  int sum = 0;
  for (int i = 0; i < 17; ++i) {
    const char* p = std::char_traits<char>::find(kCharset, 31, code[i]);
    sum += static_cast<int>(p - kCharset) * kWeights[i];
  }
  code.push_back(kCharset[(31 - sum % 31) % 31]);
  return code;
}

// The same code with a wrong check character.
inline std::string WithWrongCheckChar(std::string code) {
  code.back() = code.back() == '0' ? '1' : '0';
  return code;
}

// A distinct valid mobile per n: "1380000" + 4 digits, "13800001234".
inline std::string MobileFor(int64_t n) {
  return absl::StrFormat("138%08d", static_cast<int>(n % 100000000));
}

struct StaffMember {
  std::string id;
  RoleSet roles;
  std::string department;
};

// The staff every test uses.
inline const std::map<std::string, StaffMember>& Staff() {
  static const auto* kStaff = new std::map<std::string, StaffMember>{
      {"arch", {"arch", {Role::kArchivist}, "档案室"}},
      {"sup", {"sup", {Role::kSupervisor}, "客服部"}},
      {"sup2", {"sup2", {Role::kSupervisor}, "销售部"}},
      {"li.na", {"li.na", {Role::kAgent}, "客服部"}},
      {"wang.fang", {"wang.fang", {Role::kAgent}, "客服部"}},
      {"zhao.lei", {"zhao.lei", {Role::kAgent}, "客服部"}},
      // An agent of another department.
      {"chen.gang", {"chen.gang", {Role::kAgent}, "销售部"}},
      {"gm", {"gm", {Role::kGeneralManager}, "总经办"}},
      {"reporting-svc", {"reporting-svc", {Role::kService}, ""}},
  };
  return *kStaff;
}

inline constexpr char kTeam[] = "kf-east";
inline const std::vector<std::string>& TeamMembers() {
  static const auto* kMembers =
      new std::vector<std::string>{"li.na", "wang.fang", "zhao.lei"};
  return *kMembers;
}

class CustomerApiFixture : public ::testing::Test {
 protected:
  using Stub = v1::CustomerService::Stub;

  CustomerApiFixture()
      : verifier_(csm::testing::kTestJwtSecret, csm::testing::kTestIssuer) {}

  void SetUp() override {
    auto db = csm::testing::TestDatabase::Create();
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    ASSERT_NO_FATAL_FAILURE(StartServer());
  }

  void TearDown() override {
    stub_.reset();
    events_.reset();
    channel_.reset();
    server_.reset();
    db_.reset();
  }

  // Starts a CustomerServer on the test database (again, after a restart)
  // and points the stubs at it.
  void StartServer() {
    CustomerServerConfig config;
    csm::testing::ConfigureTestService(&config, "customer-svc", db_->options());
    auto server = CustomerServer::Start(config, &verifier_, &Clock::Real());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    channel_ = grpc::CreateChannel(server_->address(),
                                   grpc::InsecureChannelCredentials());
    stub_ = v1::CustomerService::NewStub(channel_);
    events_ = ev::EventService::NewStub(channel_);
  }

  static std::string Token(const std::string& staff_id) {
    const auto it = Staff().find(staff_id);
    EXPECT_NE(it, Staff().end()) << "unknown test staff " << staff_id;
    if (it == Staff().end()) return "";
    return csm::testing::TestToken(it->second.id, it->second.roles,
                                   it->second.department);
  }

  // A client context with the bearer token (none if empty) and a deadline.
  static std::unique_ptr<grpc::ClientContext> Ctx(
      const std::string& token,
      std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    auto ctx = std::make_unique<grpc::ClientContext>();
    if (!token.empty()) {
      ctx->AddMetadata("authorization", absl::StrCat("Bearer ", token));
    }
    ctx->set_deadline(std::chrono::system_clock::now() + timeout);
    return ctx;
  }

  // One unary call as `staff` (a key of Staff()).
  template <typename Req, typename Resp>
  grpc::Status Call(grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                 const Req&, Resp*),
                    const std::string& staff, const Req& req, Resp* resp) {
    return CallWithToken(method, Token(staff), req, resp);
  }

  // One unary call with a raw bearer token (none if empty).
  template <typename Req, typename Resp>
  grpc::Status CallWithToken(grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                          const Req&, Resp*),
                             const std::string& token, const Req& req,
                             Resp* resp) {
    auto ctx = Ctx(token);
    return ((*stub_).*method)(ctx.get(), req, resp);
  }

  // ------------------------------------------------------------ builders

  grpc::Status CreateTeam(const std::string& team_id,
                          const std::vector<std::string>& members,
                          const std::string& department = "客服部") {
    v1::CreateTeamRequest req;
    req.set_team_id(team_id);
    req.mutable_team()->set_display_name(absl::StrCat("团队 ", team_id));
    req.mutable_team()->set_department(department);
    for (const std::string& m : members) req.mutable_team()->add_member_ids(m);
    v1::Team team;
    return Call(&Stub::CreateTeam, "arch", req, &team);
  }

  // The standard team: kf-east of 客服部 with the three agents.
  void CreateStandardTeam() { CSM_ASSERT_OK(CreateTeam(kTeam, TeamMembers())); }

  // A valid enterprise of team kf-east: credit code ValidUscc(n), one
  // contact with mobile MobileFor(n) and an email.
  static v1::Customer NewCustomer(const std::string& display_name, int64_t n,
                                  const std::string& team = kTeam) {
    v1::Customer c;
    c.set_display_name(display_name);
    c.set_kind(v1::CUSTOMER_KIND_ENTERPRISE);
    c.set_credit_code(ValidUscc(n));
    c.set_province("浙江省");
    c.set_city("杭州市");
    c.set_industry("软件和信息技术服务业");
    c.set_acquisition_channel(v1::ACQUISITION_CHANNEL_EXHIBITION);
    c.set_team(team);
    v1::Contact* contact = c.add_contacts();
    contact->set_display_name("张伟");
    contact->set_title("采购经理");
    contact->add_phones(MobileFor(n));
    contact->set_email(absl::StrCat("zhang.wei", n, "@example.com"));
    return c;
  }

  grpc::Status Create(const v1::Customer& customer, const std::string& staff,
                      v1::CreateCustomerResponse* resp,
                      const std::string& request_id = "") {
    v1::CreateCustomerRequest req;
    *req.mutable_customer() = customer;
    req.set_request_id(request_id);
    return Call(&Stub::CreateCustomer, staff, req, resp);
  }

  // Creates NewCustomer(display_name, n) as the archivist; fails the test
  // (fatally) if that fails.
  v1::Customer MustCreate(const std::string& display_name, int64_t n) {
    v1::CreateCustomerResponse resp;
    const grpc::Status s = Create(NewCustomer(display_name, n), "arch", &resp);
    EXPECT_TRUE(s.ok()) << "creating " << display_name << ": " << Describe(s);
    return resp.customer();
  }

  grpc::Status Get(const std::string& name, const std::string& staff,
                   v1::Customer* out,
                   v1::CustomerView view = v1::CUSTOMER_VIEW_UNSPECIFIED,
                   const std::string& purpose = "") {
    v1::GetCustomerRequest req;
    req.set_name(name);
    req.set_view(view);
    req.set_access_purpose(purpose);
    return Call(&Stub::GetCustomer, staff, req, out);
  }

  grpc::Status List(const std::string& staff, v1::ListCustomersResponse* out,
                    const std::string& filter = "", int32_t page_size = 0,
                    const std::string& page_token = "",
                    const std::string& order_by = "") {
    v1::ListCustomersRequest req;
    req.set_filter(filter);
    req.set_page_size(page_size);
    req.set_page_token(page_token);
    req.set_order_by(order_by);
    return Call(&Stub::ListCustomers, staff, req, out);
  }

  // Every archive (all pages), as the archivist, with `filter`.
  std::vector<v1::Customer> ListAll(const std::string& filter = "") {
    std::vector<v1::Customer> all;
    std::string token;
    for (int page = 0; page < 100; ++page) {
      v1::ListCustomersResponse resp;
      const grpc::Status s = List("arch", &resp, filter, 500, token);
      EXPECT_TRUE(s.ok()) << Describe(s);
      if (!s.ok()) break;
      for (const v1::Customer& c : resp.customers()) all.push_back(c);
      token = resp.next_page_token();
      if (token.empty()) break;
    }
    return all;
  }

  grpc::Status AccessRecords(const std::string& staff,
                             const std::string& parent,
                             v1::ListAccessRecordsResponse* out,
                             const std::string& filter = "") {
    v1::ListAccessRecordsRequest req;
    req.set_parent(parent);
    req.set_filter(filter);
    req.set_page_size(500);
    return Call(&Stub::ListAccessRecords, staff, req, out);
  }

  // A staff member of the standard team other than `owner`.
  static std::string OtherMember(const std::string& owner) {
    for (const std::string& m : TeamMembers()) {
      if (m != owner) return m;
    }
    return "";
  }

  TokenVerifier verifier_;
  std::unique_ptr<csm::testing::TestDatabase> db_;
  std::unique_ptr<CustomerServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<Stub> stub_;
  std::unique_ptr<ev::EventService::Stub> events_;
};

}  // namespace csm::customer::testing

#endif  // CSM_CUSTOMER_SVC_TESTING_CUSTOMER_TEST_SUPPORT_H_
