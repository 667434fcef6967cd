// The shared edge (common/) as callers meet it, through real gRPC against a
// real customer-svc and complaint-svc on the fixture's MariaDB: bad input
// never echoes into the log, filters and errors are bounded, identity claims
// fit the columns that store them, undecodable requests are INVALID_ARGUMENT.
// Issue 8, items 3, 5 (token part), 6, 7 and 8.
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/auth.h"
#include "common/filter.h"
#include "common/mysql_pool.h"
#include "common/status.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "tests/service_pair.h"

namespace csm {
namespace {

namespace cv1 = ::csm::customer::v1;
namespace pv1 = ::csm::complaint::v1;
using ::csm::customer::testing::Describe;
using ::csm::customer::testing::ViolationFields;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

// What the acceptance test typed: a phone number and an ID-card number.
constexpr char kPhone[] = "13900001111";
constexpr char kIdCard[] = "110101195302202098";

std::vector<google::rpc::BadRequest::FieldViolation> Violations(
    const grpc::Status& status) {
  std::vector<google::rpc::BadRequest::FieldViolation> out;
  google::rpc::Status rich;
  if (!rich.ParseFromString(status.error_details())) return out;
  for (const auto& any : rich.details()) {
    google::rpc::BadRequest bad_request;
    if (!any.UnpackTo(&bad_request)) continue;
    for (const auto& v : bad_request.field_violations()) out.push_back(v);
  }
  return out;
}

std::string Repeat(const std::string& s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

class EdgeTest : public testing::ServicePairFixture {
 protected:
  grpc::Status ListCustomers(const std::string& filter,
                             const std::string& token) {
    cv1::ListCustomersRequest req;
    req.set_filter(filter);
    cv1::ListCustomersResponse resp;
    return CallWithToken(&Stub::ListCustomers, token, req, &resp);
  }

  grpc::Status ListComplaints(const std::string& filter) {
    pv1::ListComplaintsRequest req;
    req.set_filter(filter);
    pv1::ListComplaintsResponse resp;
    auto ctx = Ctx(Token("sup"));
    return complaints_->ListComplaints(ctx.get(), req, &resp);
  }
};

// Item 3: personal data typed into a bad request never reaches the log; the
// caller still learns what was wrong.
TEST_F(EdgeTest, PersonalDataInABadFilterStaysOutOfTheLog) {
  const std::string filter =
      absl::StrCat("display_name = \"", kPhone, "\" AND grade = ", kIdCard);
  ::testing::internal::CaptureStderr();
  const grpc::Status customers = ListCustomers(filter, Token("sup"));
  const grpc::Status complaints = ListComplaints(
      absl::StrCat("handler_id = \"", kPhone, "\" AND severity = ", kIdCard));
  const std::string logs = ::testing::internal::GetCapturedStderr();

  EXPECT_EQ(customers.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << Describe(customers);
  EXPECT_THAT(customers.error_message(),
              HasSubstr(absl::StrCat("\"", kIdCard, "\" is not a value of")));
  EXPECT_EQ(complaints.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << Describe(complaints);
  EXPECT_THAT(complaints.error_message(), HasSubstr(kIdCard));

  EXPECT_THAT(logs, AllOf(Not(HasSubstr(kPhone)), Not(HasSubstr(kIdCard))));
  // The lines still say what happened.
  EXPECT_THAT(logs, HasSubstr("\"method\":\"ListCustomers\""));
  EXPECT_THAT(logs, HasSubstr("\"method\":\"ListComplaints\""));
  EXPECT_THAT(logs, HasSubstr("\"error_class\":\"field_violations\""));
  EXPECT_THAT(logs, HasSubstr("\"fields\":\"filter\""));
}

// Item 6: 70,000 AND terms used to reach MySQL as 70,000 placeholders.
TEST_F(EdgeTest, HugeFiltersAreInvalidArgumentOnFilter) {
  std::string huge = "grade = GRADE_A";
  for (int i = 1; i < 70'000; ++i) huge += " AND grade = GRADE_A";
  for (const grpc::Status& s :
       {ListCustomers(huge, Token("sup")),
        ListComplaints(Repeat("severity = SEVERITY_MAJOR AND ", 69'999) +
                       "severity = SEVERITY_MAJOR")}) {
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << Describe(s);
    EXPECT_THAT(s.error_message(), HasSubstr("at most 4096 are allowed"));
    EXPECT_EQ(ViolationFields(s), std::vector<std::string>{"filter"});
  }
  std::string many = "grade = GRADE_A";
  for (size_t i = 1; i <= kMaxFilterTerms; ++i) many += " AND grade = GRADE_A";
  const grpc::Status s = ListCustomers(many, Token("sup"));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("at most 32 are allowed"));
  // At the bound it is a filter like any other.
  many.resize(many.size() - std::string(" AND grade = GRADE_A").size());
  CSM_EXPECT_OK(ListCustomers(many, Token("sup")));
}

// Item 7: a megabyte echoed back used to overflow the trailer, and the caller
// saw RESOURCE_EXHAUSTED.
TEST_F(EdgeTest, HugeEchoesAreCutAndStayInvalidArgument) {
  const grpc::Status s =
      ListCustomers(std::string(1 << 20, 'f') + " = 1", Token("sup"));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(s);
  EXPECT_LE(s.error_message().size(), kMaxStatusMessageBytes);

  // 50,000 invalid contacts (within the 4 MiB message limit): every one a
  // violation.
  CreateStandardTeam();
  cv1::Customer customer = NewCustomer("杭州示例科技有限公司", 7);
  for (int i = 0; i < 50'000; ++i) {
    cv1::Contact* c = customer.add_contacts();
    c->set_display_name("张");
    c->add_phones("1");
  }
  ::testing::internal::CaptureStderr();
  cv1::CreateCustomerResponse created;
  const grpc::Status bad = Create(customer, "arch", &created);
  const std::string logs = ::testing::internal::GetCapturedStderr();
  ASSERT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << Describe(bad);
  EXPECT_LE(bad.error_message().size(), kMaxStatusMessageBytes);
  const auto violations = Violations(bad);
  ASSERT_GE(violations.size(), 2u);
  EXPECT_LE(violations.size(), kMaxListedViolations + 1);
  EXPECT_THAT(violations.back().description(),
              HasSubstr("more violations, from this field on, not listed"));
  EXPECT_LT(logs.size(), 4096u) << "the log line is bounded too";
  EXPECT_TRUE(ListAll().empty()) << "nothing written";
}

// Item 5 (tokens): the longest staff id and department a token may carry,
// in 4-byte characters, fit every column that stores them; one more
// character is UNAUTHENTICATED, not an INTERNAL on every write.
TEST_F(EdgeTest, IdentityClaimsAtTheirBoundsCanWrite) {
  CreateStandardTeam();
  const std::string four = "\xF0\xA0\x9C\x8E";  // U+2070E
  const std::string sub = Repeat(four, kMaxStaffIdChars);
  const std::string dept = Repeat(four, kMaxDepartmentChars);
  const std::string archivist =
      csm::testing::TestToken(sub, {Role::kArchivist}, dept);
  cv1::CreateCustomerRequest create;
  *create.mutable_customer() = NewCustomer("杭州长名科技有限公司", 11);
  create.set_request_id("long-sub-create");
  cv1::CreateCustomerResponse created;
  CSM_ASSERT_OK(
      CallWithToken(&Stub::CreateCustomer, archivist, create, &created));
  cv1::ChangeGradeRequest grade;
  grade.set_name(created.customer().name());
  grade.set_grade(cv1::GRADE_A);
  grade.set_reason("年度框架合同已签");
  cv1::Customer graded;
  CSM_EXPECT_OK(CallWithToken(&Stub::ChangeGrade, archivist, grade, &graded));

  // complaint-svc stores the first responder and department.
  pv1::RegisterComplaintRequest reg;
  pv1::Complaint* c = reg.mutable_complaint();
  c->set_customer(created.customer().name());
  c->set_channel(pv1::COMPLAINT_CHANNEL_PHONE_HOTLINE);
  c->set_category("packaging");
  c->set_severity(pv1::SEVERITY_NORMAL);
  c->set_subject("外箱破损");
  c->set_description("收到的三箱货物外箱均有破损。");
  reg.set_request_id("long-sub-register");
  pv1::RegisterComplaintResponse registered;
  auto ctx = Ctx(csm::testing::TestToken(sub, {Role::kAgent}, dept));
  CSM_EXPECT_OK(complaints_->RegisterComplaint(ctx.get(), reg, &registered));

  const grpc::Status too_long = ListCustomers(
      "", csm::testing::TestToken(sub + "x", {Role::kArchivist}, dept));
  EXPECT_EQ(too_long.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(too_long.error_message(), HasSubstr("at most 128"));
  const grpc::Status dept_too_long = ListCustomers(
      "", csm::testing::TestToken("u1", {Role::kArchivist}, dept + "x"));
  EXPECT_EQ(dept_too_long.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(dept_too_long.error_message(), HasSubstr("at most 100"));
}

// Name, width of the varchar columns of the database behind `options`.
std::vector<std::pair<std::string, int64_t>> VarcharColumns(
    const MysqlOptions& options) {
  std::vector<std::pair<std::string, int64_t>> out;
  auto pool = MysqlPool::Create(options);
  EXPECT_TRUE(pool.ok()) << pool.status();
  if (!pool.ok()) return out;
  const absl::Status s = RunWithConnection(
      **pool, absl::Now() + absl::Seconds(30),
      [&](MysqlConnection& conn) -> absl::Status {
        std::unique_ptr<sql::Statement> stmt(conn.raw().createStatement());
        std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery(
            "SELECT TABLE_NAME, COLUMN_NAME, CHARACTER_MAXIMUM_LENGTH "
            "FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() "
            "AND DATA_TYPE IN ('varchar', 'char')"));
        while (rs->next()) {
          out.emplace_back(absl::StrCat(std::string(rs->getString(1)), ".",
                                        std::string(rs->getString(2))),
                           rs->getInt64(3));
        }
        return absl::OkStatus();
      });
  EXPECT_TRUE(s.ok()) << s;
  return out;
}

// One source of truth: the claim bounds are the widths of the columns.
TEST_F(EdgeTest, EveryStaffAndDepartmentColumnHoldsTheClaimBounds) {
  const std::regex staff(
      "(^|\\.)(actor|caller|closed_by)$|(^|_|\\.)(staff|owner|creator|actor|"
      "recorder|reader|responder|handler|resolver|reporter|member)_id$");
  const std::regex department("department$");
  int staff_columns = 0, department_columns = 0;
  for (const MysqlOptions& options :
       {db_->options(), complaint_db_->options()}) {
    for (const auto& [column, width] : VarcharColumns(options)) {
      if (std::regex_search(column, staff)) {
        ++staff_columns;
        EXPECT_GE(width, static_cast<int64_t>(kMaxStaffIdChars)) << column;
      } else if (std::regex_search(column, department)) {
        ++department_columns;
        EXPECT_GE(width, static_cast<int64_t>(kMaxDepartmentChars)) << column;
      }
    }
  }
  // The patterns still find the columns (renames would hide them).
  EXPECT_GE(staff_columns, 20);
  EXPECT_GE(department_columns, 12);
}

// Item 8: invalid UTF-8 in a string field, through the typed stub.
TEST_F(EdgeTest, InvalidUtf8IsInvalidArgumentNamingTheField) {
  CreateStandardTeam();
  cv1::Customer customer = NewCustomer("x", 3);
  customer.set_display_name("\xff");
  for (const std::string& token : {Token("arch"), std::string()}) {
    cv1::CreateCustomerResponse created;
    cv1::CreateCustomerRequest req;
    *req.mutable_customer() = customer;
    const grpc::Status s =
        CallWithToken(&Stub::CreateCustomer, token, req, &created);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << Describe(s);
    EXPECT_EQ(ViolationFields(s),
              std::vector<std::string>{"customer.display_name"});
    EXPECT_THAT(s.error_message(),
                HasSubstr("csm.customer.v1.CreateCustomerRequest"));
  }
  // A contact's name, one message further down.
  cv1::Customer bad_contact = NewCustomer("杭州示例科技有限公司", 4);
  bad_contact.mutable_contacts(0)->set_display_name("张\xc3");
  cv1::CreateCustomerResponse created;
  const grpc::Status s = Create(bad_contact, "arch", &created);
  EXPECT_EQ(ViolationFields(s),
            std::vector<std::string>{"customer.contacts.display_name"});
  EXPECT_TRUE(ListAll().empty()) << "nothing written";
}

}  // namespace
}  // namespace csm
