#include <gmock/gmock.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "customer-svc/src/domain/customer_rules.h"
#include "customer-svc/testing/customer_rules_test_support.h"

namespace csm::customer {
namespace {

// ---------------------------------------------------------------------------
// Identifiers.

TEST(CustomerRulesTest, UnifiedSocialCreditCode) {
  struct Case {
    std::string code;
    bool valid;
  };
  const std::vector<Case> cases = {
      {"91350100M000100Y43", true},  // the commonly cited example
      {"914403001922038216", true},
      {"91440300708461136T", true},
      {"91330100799655058B", true},
      {"12100000400000624D", true},    // an institution (事业单位)
      {"91440300708461136t", true},    // letters in either case
      {"91350100M000100Y44", false},   // wrong check character
      {"91350100M000100Y4", false},    // 17 characters
      {"91350100M000100Y433", false},  // 19 characters
      {"91350100M00010OY43", false},   // O is not in the charset
      {"91350100I000100Y43", false},   // nor I
      {"9135A100M000100Y4Y", false},   // check right, division not digits
      {"", false},
      {"91350100M000100Y4 ", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.code);
    EXPECT_EQ(IsValidUnifiedSocialCreditCode(c.code), c.valid);
  }
}

TEST(CustomerRulesTest, ResidentId) {
  struct Case {
    std::string id;
    bool valid;
  };
  const std::vector<Case> cases = {
      {"11010519491231002X", true},  // the standard's example, X check
      {"11010519491231002x", true},
      {"440304199001011233", true},
      {"320502198511114415", true},
      {"110101200002290018", true},   // 2000-02-29: a leap year
      {"110105194912310021", false},  // wrong check digit
      {"110105194912310039", false},  // wrong check digit
      {"110101199002300014", false},  // Feb 30 (check digit right)
      {"110101200102290015", false},  // 2001-02-29 (check digit right)
      {"110105194913310021", false},  // month 13
      {"11010519490001002X", false},  // month 00
      {"110105189912310023", false},  // born 1899
      {"110105210001010023", false},  // born 2100
      {"110105209912310029", true},   // 2099 is the last plausible year
      {"010101199001011233", false},  // first digit 0
      {"110105491231002", false},     // 15-digit first generation
      {"11010519491231002", false},   // 17 characters
      {"1101051949123100XX", false},
      {"", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.id);
    EXPECT_EQ(IsValidResidentId(c.id), c.valid);
  }
}

TEST(CustomerRulesTest, NormalizeCreditCode) {
  EXPECT_EQ(NormalizeCreditCode(" 11010519491231002x\t"), "11010519491231002X");
  EXPECT_EQ(NormalizeCreditCode("91440300708461136t"), "91440300708461136T");
}

TEST(CustomerRulesTest, Emails) {
  struct Case {
    std::string email;
    bool valid;
  };
  const std::vector<Case> cases = {
      {"zhang.san@example.com", true},
      {"a@b.cn", true},
      {"first.last+tag@sub.example.com.cn", true},
      {"x_y-z@my-company.com", true},
      {"", false},
      {"plain", false},
      {"@example.com", false},
      {"a@", false},
      {"a@localhost", false},
      {"a@b.c", false},
      {"a..b@example.com", false},
      {".a@example.com", false},
      {"a.@example.com", false},
      {"a b@example.com", false},
      {"a@-example.com", false},
      {"a@example-.com", false},
      {"a@exa_mple.com", false},
      {"a@example..com", false},
      {"a@b@example.com", false},
      {"张三@example.com", false},
      {Repeat("a", 65) + "@example.com", false},
      {"a@example.c0m", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.email);
    EXPECT_EQ(IsValidEmail(c.email), c.valid);
  }
}

TEST(CustomerRulesTest, NormalizeName) {
  struct Case {
    std::string name;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"华为技术有限公司", "华为技术"},
      {"华为技术", "华为技术"},
      {"ＨＵＡＷＥＩ 技术有限公司", "huawei技术"},
      {"Huawei技术股份有限公司", "huawei技术"},
      {"华为技术（深圳）有限公司", "华为技术深圳"},
      {"【华为】技术、有限公司。", "华为技术"},
      {"某某集团有限公司", "某某"},
      {"某某有限责任公司", "某某"},
      {"阿里巴巴集团控股有限公司", "阿里巴巴集团控股"},
      {"  Tencent\u3000Holdings  ", "tencentholdings"},
      {"爱新觉罗·某某", "爱新觉罗某某"},
      {"“引号”公司", "引号"},
      {"ABC Co., Ltd.", "abccoltd"},
      {"公司", "公司"},  // never stripped to nothing
      {"", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(NormalizeName(c.name), c.want);
  }
  // The point of it: likely duplicates compare equal, others do not.
  EXPECT_EQ(NormalizeName("华为技术有限公司"), NormalizeName("华为技术"));
  EXPECT_EQ(NormalizeName("ＨＵＡＷＥＩ 技术有限公司"),
            NormalizeName("huawei技术股份有限公司"));
  EXPECT_NE(NormalizeName("ＨＵＡＷＥＩ 技术有限公司"),
            NormalizeName("华为技术有限公司"));
}

}  // namespace
}  // namespace csm::customer
