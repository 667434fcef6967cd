// The text-limit tests' fixture (text_limits_test.cc: customers, contacts
// and the schema; text_limits_records_test.cc: ratings, teams,
// communications and visits): texts of n characters, a team and a member
// with the longest ids, and Check, which proves a refusal wrote nothing.
#ifndef CSM_CUSTOMER_SVC_SRC_API_TEXT_LIMITS_TEST_FIXTURE_H_
#define CSM_CUSTOMER_SVC_SRC_API_TEXT_LIMITS_TEST_FIXTURE_H_

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/migrations.h"
#include "common/mysql_pool.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"
#include "customer-svc/src/domain/text_limits.h"
#include "customer-svc/src/store/column_limits.h"
#include "customer-svc/testing/visit_test_support.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace csm::customer::testing {

using ::testing::Contains;

// n characters of four bytes each.
inline std::string Wide(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += "𠀀";
  return out;
}

inline std::string Ascii(size_t n) { return std::string(n, 'a'); }

// A valid mobile padded with spaces (allowed anywhere) to n characters.
inline std::string PhoneOf(size_t n) {
  std::string phone = "139 0000 1111";
  phone.resize(n, ' ');
  return phone;
}

// A valid address of n characters for 193 < n < 260 (local part 64, labels
// of at most 63).
inline std::string EmailOf(size_t n) {
  return absl::StrCat(std::string(64, 'x'), "@", std::string(63, 'b'), ".",
                      std::string(63, 'c'), ".", std::string(n - 197, 'd'),
                      ".com");
}

struct LimitCase {
  std::string field;  // the violation's field path
  size_t limit;
  std::function<grpc::Status(const std::string& value)> call;
  std::function<std::string(size_t)> text = Wide;
};

class TextLimitsTest : public VisitApiFixture {
 protected:
  void SetUp() override {
    VisitApiFixture::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_NO_FATAL_FAILURE(CreateStandardTeam());
    // A team with the longest id and a member with the longest staff id.
    v1::CreateTeamRequest team;
    team.set_team_id(kLongTeam);
    team.mutable_team()->set_display_name("最长的团队");
    team.mutable_team()->set_department("客服部");
    team.mutable_team()->add_member_ids("li.na");
    team.mutable_team()->add_member_ids(Wide(kMaxStaffIdLength));
    v1::Team out;
    const grpc::Status s =
        Call(customers_, &CustomerStub::CreateTeam, "arch", team, &out);
    ASSERT_TRUE(s.ok()) << Describe(s);
    customer_ = MustCreateCustomer("限长客户", 1, "li.na");
    ASSERT_FALSE(HasFailure());
  }

  // Rows of every table of the test database: "nothing written" exactly.
  std::map<std::string, int64_t> RowCounts() {
    std::map<std::string, int64_t> out;
    const absl::Status s = RunWithConnection(
        *pool_, absl::Now() + absl::Seconds(10),
        [&](MysqlConnection& conn) -> absl::Status {
          std::unique_ptr<sql::ResultSet> tables(
              conn.Prepare("SELECT table_name FROM information_schema.tables "
                           "WHERE table_schema = DATABASE()")
                  .executeQuery());
          std::vector<std::string> names;
          while (tables->next()) names.push_back(tables->getString(1));
          tables.reset();
          for (const std::string& t : names) {
            std::unique_ptr<sql::ResultSet> rs(
                conn.Prepare(absl::StrCat("SELECT COUNT(*) FROM `", t, "`"))
                    .executeQuery());
            rs->next();
            out[t] = rs->getInt64(1);
          }
          return absl::OkStatus();
        });
    EXPECT_TRUE(s.ok()) << s;
    return out;
  }

  void Check(const std::vector<LimitCase>& cases) {
    for (const LimitCase& c : cases) {
      SCOPED_TRACE(absl::StrCat(c.field, " (limit ", c.limit, ")"));
      const std::map<std::string, int64_t> before = RowCounts();
      const grpc::Status over = c.call(c.text(c.limit + 1));
      EXPECT_EQ(over.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
          << Describe(over);
      EXPECT_THAT(ViolationFields(over), Contains(c.field)) << Describe(over);
      EXPECT_EQ(RowCounts(), before) << "a refused call wrote something";
      const grpc::Status at = c.call(c.text(c.limit));
      EXPECT_TRUE(at.ok()) << Describe(at);
    }
  }

  static constexpr char kLongTeam[] =
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  static_assert(sizeof(kLongTeam) - 1 == kMaxTeamIdLength);

  v1::Customer customer_;
  int next_ = 100;  // credit codes, team ids: unique per call
};

}  // namespace csm::customer::testing

#endif  // CSM_CUSTOMER_SVC_SRC_API_TEXT_LIMITS_TEST_FIXTURE_H_
