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

TEST(CustomerRulesTest, Phones) {
  struct Case {
    std::string phone;
    bool valid;
  };
  const std::vector<Case> cases = {
      {"13812345678", true},
      {"19912345678", true},
      {"+8613812345678", true},
      {"+86 138 1234 5678", true},
      {"86-138-1234-5678", true},
      {"008613812345678", true},
      {"138-1234-5678", true},
      {"010-88886666", true},
      {"01088886666", true},
      {"021-6888 8888", true},
      {"0755-1234567", true},
      {"0755-12345678", true},
      {"075512345678", true},
      {"010-88886666-8001", true},
      {"01088886666-12", true},
      {"", false},
      {"   ", false},
      {"12812345678", false},   // no mobile range 12x
      {"1381234567", false},    // 10 digits
      {"138123456789", false},  // 12 digits
      {"+8612812345678", false},
      {"+1 4155550100", false},
      {"010-888866", false},     // 6-digit number
      {"010-888866661", false},  // 9-digit number
      {"0108-8886666", false},   // 010 is a 3-digit area code
      {"013-88886666", false},   // no such area code
      {"0010-88886666", false},  // 00 is the international prefix
      {"010-08886666", false},   // a doubled trunk prefix
      {"010--88886666", false},
      {"-13812345678", false},
      {"13812345678-", false},
      {"138 1234 567a", false},
      {"010-88886666-1234567", false},  // extension too long
      {"(010)88886666", false},
      {"phone", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.phone);
    EXPECT_EQ(IsValidPhone(c.phone), c.valid);
  }
}

TEST(CustomerRulesTest, ParsePhoneSplitsLandline) {
  std::optional<ParsedPhone> p = ParsePhone("0755-12345678-801");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->kind, ParsedPhone::Kind::kLandline);
  EXPECT_EQ(p->area_code, "0755");
  EXPECT_EQ(p->number, "12345678");
  EXPECT_EQ(p->extension, "801");

  p = ParsePhone("+86 138 1234 5678");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->kind, ParsedPhone::Kind::kMobile);
  EXPECT_EQ(p->area_code, "");
  EXPECT_EQ(p->number, "13812345678");
}

TEST(CustomerRulesTest, NormalizePhone) {
  struct Case {
    std::string phone;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"13812345678", "13812345678"},
      {"+86 138-1234-5678", "13812345678"},
      {"8613812345678", "13812345678"},
      {"0086 138 1234 5678", "13812345678"},
      {"010-88886666", "01088886666"},
      {"010-88886666-801", "01088886666"},
      {"(0755) 1234 5678", "075512345678"},
      {"", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.phone);
    EXPECT_EQ(NormalizePhone(c.phone), c.want);
  }
}

// What the store writes beside each phone: the one normalisation duplicate
// detection searches with, so one number written two ways is one number.
TEST(CustomerRulesTest, NormalizedPhonesOfAContact) {
  v1::Contact c;
  c.add_phones("010-12345678-123");
  c.add_phones("+86 13900002222");
  c.add_phones("0086 13900003333");
  c.add_phones("139 0000 4444");
  EXPECT_THAT(NormalizedPhones(c), ElementsAre("01012345678", "13900002222",
                                               "13900003333", "13900004444"));
  EXPECT_EQ(NormalizedPhones(c)[0], NormalizePhone("010-12345678"));
  EXPECT_THAT(NormalizedPhones(v1::Contact()), IsEmpty());
}

}  // namespace
}  // namespace csm::customer
