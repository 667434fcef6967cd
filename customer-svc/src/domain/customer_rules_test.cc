#include "customer-svc/src/domain/customer_rules.h"

#include <gmock/gmock.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace csm::customer {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;
using ::testing::UnorderedElementsAreArray;

std::vector<std::string> Fields(const FieldViolations& v) {
  std::vector<std::string> out;
  for (const auto& [field, description] : v.items()) out.push_back(field);
  return out;
}

std::vector<std::string> Fields(const absl::Status& s) {
  std::vector<std::string> out;
  for (const auto& [field, description] : ViolationsOf(s)) {
    out.push_back(field);
  }
  return out;
}

std::string Description(const FieldViolations& v, absl::string_view field) {
  for (const auto& [f, description] : v.items()) {
    if (f == field) return description;
  }
  return "";
}

std::string Repeat(absl::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out.append(s.data(), s.size());
  return out;
}

csm::common::v1::Date MakeDate(int y, int m, int d) {
  csm::common::v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

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

// ---------------------------------------------------------------------------
// ValidateNewCustomer.

v1::Customer ValidEnterprise() {
  v1::Customer c;
  c.set_display_name("华为技术有限公司");
  c.set_kind(v1::CUSTOMER_KIND_ENTERPRISE);
  c.set_credit_code("914403001922038216");
  c.set_province("广东省");
  c.set_city("深圳市");
  c.set_industry("通信设备");
  c.set_address("广东省深圳市龙岗区坂田华为基地");
  c.set_legal_representative("赵明路");
  c.set_business_scope("通信设备研发、生产、销售");
  c.set_company_size("10000人以上");
  c.set_acquisition_channel(v1::ACQUISITION_CHANNEL_VISIT);
  c.set_team("team-sz");
  v1::Contact* contact = c.add_contacts();
  contact->set_display_name("张三");
  contact->set_title("采购经理");
  contact->add_phones("13812345678");
  contact->set_email("zhang.san@example.com");
  contact->set_primary(true);
  return c;
}

v1::Customer ValidIndividual() {
  v1::Customer c;
  c.set_display_name("王五");
  c.set_kind(v1::CUSTOMER_KIND_INDIVIDUAL);
  c.set_team("team-sz");
  v1::Contact* contact = c.add_contacts();
  contact->set_display_name("王五");
  contact->add_phones("+86 139 8765 4321");
  return c;
}

TEST(CustomerRulesTest, ValidateNewCustomerAcceptsValid) {
  EXPECT_THAT(Fields(ValidateNewCustomer(ValidEnterprise())), IsEmpty());
  EXPECT_THAT(Fields(ValidateNewCustomer(ValidIndividual())), IsEmpty());

  v1::Customer with_id = ValidIndividual();
  with_id.set_credit_code("11010519491231002x");
  EXPECT_THAT(Fields(ValidateNewCustomer(with_id)), IsEmpty());

  v1::Customer institution = ValidEnterprise();
  institution.set_kind(v1::CUSTOMER_KIND_INSTITUTION);
  institution.set_credit_code("12100000400000624D");
  EXPECT_THAT(Fields(ValidateNewCustomer(institution)), IsEmpty());

  // Exactly at the limits, counted in characters, not bytes.
  v1::Customer limits = ValidEnterprise();
  limits.set_display_name(Repeat("华", 200));
  limits.set_province(Repeat("省", 32));
  limits.set_address(Repeat("路", 500));
  limits.set_business_scope(Repeat("营", 2000));
  limits.mutable_contacts(0)->set_display_name(Repeat("张", 100));
  EXPECT_THAT(Fields(ValidateNewCustomer(limits)), IsEmpty());
}

TEST(CustomerRulesTest, ValidateNewCustomerIgnoresOutputOnlyFields) {
  v1::Customer c = ValidEnterprise();
  c.set_name("customers/1");
  c.set_archive_number("KH202611-000001");
  c.set_department("客服部");
  c.set_state(v1::ARCHIVE_STATE_CLOSED);
  c.mutable_create_time()->set_seconds(1);
  c.mutable_update_time()->set_seconds(2);
  c.set_creator_id("u9");
  c.set_etag("abc");
  c.set_masked(true);
  c.set_close_reason("x");
  c.mutable_contacts(0)->set_name("customers/1/contacts/1");
  c.mutable_contacts(0)->set_etag("def");
  EXPECT_THAT(Fields(ValidateNewCustomer(c)), IsEmpty());

  ClearOutputOnlyFields(&c);
  v1::Customer want = ValidEnterprise();
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(c, want))
      << c.DebugString();
}

TEST(CustomerRulesTest, ValidateNewCustomerViolations) {
  struct Case {
    std::string name;
    std::function<void(v1::Customer*)> mutate;
    std::vector<std::string> want_fields;
  };
  const std::vector<Case> cases = {
      {"display_name missing",
       [](v1::Customer* c) { c->clear_display_name(); },
       {"customer.display_name"}},
      {"display_name blank",
       [](v1::Customer* c) { c->set_display_name(" \u3000 "); },
       {"customer.display_name"}},
      {"display_name 201 characters",
       [](v1::Customer* c) { c->set_display_name(Repeat("华", 201)); },
       {"customer.display_name"}},
      {"kind missing",
       [](v1::Customer* c) { c->set_kind(v1::CUSTOMER_KIND_UNSPECIFIED); },
       {"customer.kind"}},
      {"kind unknown",
       [](v1::Customer* c) { c->set_kind(static_cast<v1::CustomerKind>(99)); },
       {"customer.kind"}},
      {"enterprise without credit code",
       [](v1::Customer* c) { c->clear_credit_code(); },
       {"customer.credit_code"}},
      {"enterprise with bad check character",
       [](v1::Customer* c) { c->set_credit_code("914403001922038217"); },
       {"customer.credit_code"}},
      {"enterprise with an ID number",
       [](v1::Customer* c) { c->set_credit_code("11010519491231002X"); },
       {"customer.credit_code"}},
      {"individual with a bad ID number",
       [](v1::Customer* c) {
         c->set_kind(v1::CUSTOMER_KIND_INDIVIDUAL);
         c->set_credit_code("110101199002300014");
       },
       {"customer.credit_code"}},
      {"team missing",
       [](v1::Customer* c) { c->clear_team(); },
       {"customer.team"}},
      {"province too long",
       [](v1::Customer* c) { c->set_province(Repeat("省", 33)); },
       {"customer.province"}},
      {"city too long",
       [](v1::Customer* c) { c->set_city(Repeat("c", 33)); },
       {"customer.city"}},
      {"address too long",
       [](v1::Customer* c) { c->set_address(Repeat("路", 501)); },
       {"customer.address"}},
      {"business_scope too long",
       [](v1::Customer* c) { c->set_business_scope(Repeat("营", 2001)); },
       {"customer.business_scope"}},
      {"industry too long",
       [](v1::Customer* c) { c->set_industry(Repeat("i", 201)); },
       {"customer.industry"}},
      {"unknown enums",
       [](v1::Customer* c) {
         c->set_acquisition_channel(static_cast<v1::AcquisitionChannel>(99));
         c->set_lifecycle_status(static_cast<v1::LifecycleStatus>(99));
         c->set_grade(static_cast<v1::Grade>(99));
         c->set_credit_rating(static_cast<v1::CreditRating>(99));
       },
       {"customer.acquisition_channel", "customer.lifecycle_status",
        "customer.grade", "customer.credit_rating"}},
      {"no contacts",
       [](v1::Customer* c) { c->clear_contacts(); },
       {"customer.contacts"}},
      {"second phone invalid",
       [](v1::Customer* c) { c->mutable_contacts(0)->add_phones("12345"); },
       {"customer.contacts[0].phones[1]"}},
      {"second contact without name, phone or email",
       [](v1::Customer* c) { c->add_contacts(); },
       {"customer.contacts[1].display_name", "customer.contacts[1].phones"}},
      {"contact email invalid",
       [](v1::Customer* c) { c->mutable_contacts(0)->set_email("zhang@"); },
       {"customer.contacts[0].email"}},
      {"contact name too long",
       [](v1::Customer* c) {
         c->mutable_contacts(0)->set_display_name(Repeat("张", 101));
       },
       {"customer.contacts[0].display_name"}},
      {"two primary contacts",
       [](v1::Customer* c) {
         v1::Contact* second = c->add_contacts();
         second->set_display_name("李四");
         second->set_email("li.si@example.com");
         second->set_primary(true);
       },
       {"customer.contacts[1].primary"}},
      {"several at once",
       [](v1::Customer* c) {
         c->clear_display_name();
         c->clear_team();
         c->mutable_contacts(0)->clear_phones();
         c->mutable_contacts(0)->clear_email();
       },
       {"customer.display_name", "customer.team",
        "customer.contacts[0].phones"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    v1::Customer customer = ValidEnterprise();
    c.mutate(&customer);
    EXPECT_THAT(Fields(ValidateNewCustomer(customer)),
                UnorderedElementsAreArray(c.want_fields));
  }
}

TEST(CustomerRulesTest, ValidateNewCustomerDescriptionsAreActionable) {
  v1::Customer c = ValidEnterprise();
  c.set_display_name(Repeat("华", 201));
  c.clear_credit_code();
  const FieldViolations v = ValidateNewCustomer(c);
  EXPECT_EQ(Description(v, "customer.display_name"),
            "must be at most 200 characters");
  EXPECT_THAT(Description(v, "customer.credit_code"),
              HasSubstr("unified social credit code"));
}

// ---------------------------------------------------------------------------
// Updates.

TEST(CustomerRulesTest, ValidateCustomerUpdateMaskRules) {
  const v1::Customer patch = ValidEnterprise();
  EXPECT_THAT(Fields(ValidateCustomerUpdate(patch, {})),
              ElementsAre("update_mask"));

  const FieldViolations kind = ValidateCustomerUpdate(patch, {"kind"});
  EXPECT_THAT(Fields(kind), ElementsAre("update_mask"));
  EXPECT_THAT(Description(kind, "update_mask"),
              AllOf(HasSubstr("immutable"),
                    HasSubstr("display_name, credit_code, province, city, "
                              "industry, address, legal_representative, "
                              "business_scope, company_size, "
                              "acquisition_channel, lifecycle_status")));
  EXPECT_THAT(
      Description(ValidateCustomerUpdate(patch, {"grade"}), "update_mask"),
      HasSubstr("ChangeGrade"));
  EXPECT_THAT(
      Description(ValidateCustomerUpdate(patch, {"owner_id"}), "update_mask"),
      HasSubstr("TransferOwnership"));
  EXPECT_THAT(Fields(ValidateCustomerUpdate(patch, {"address", "bogus", "*"})),
              ElementsAre("update_mask", "update_mask"));
  EXPECT_THAT(Fields(ValidateCustomerUpdate(patch, UpdatableCustomerFields())),
              IsEmpty());
}

TEST(CustomerRulesTest, ValidateCustomerUpdateChecksMaskedValuesOnly) {
  v1::Customer patch;
  patch.set_province(Repeat("省", 33));  // not masked: not checked
  patch.set_acquisition_channel(static_cast<v1::AcquisitionChannel>(99));
  EXPECT_THAT(Fields(ValidateCustomerUpdate(patch, {"industry"})), IsEmpty());
  EXPECT_THAT(Fields(ValidateCustomerUpdate(
                  patch, {"display_name", "province", "acquisition_channel"})),
              UnorderedElementsAre("customer.display_name", "customer.province",
                                   "customer.acquisition_channel"));
  // Clearing an optional field is fine; clearing the name is not.
  EXPECT_THAT(Fields(ValidateCustomerUpdate(v1::Customer(), {"address"})),
              IsEmpty());
}

TEST(CustomerRulesTest, ValidateCustomerUpdateCreditCodeWithoutKind) {
  v1::Customer patch;
  patch.set_credit_code("91350100M000100Y43");
  EXPECT_THAT(Fields(ValidateCustomerUpdate(patch, {"credit_code"})),
              IsEmpty());
  patch.set_credit_code("11010519491231002X");
  EXPECT_THAT(Fields(ValidateCustomerUpdate(patch, {"credit_code"})),
              IsEmpty());
  patch.set_credit_code("123");
  EXPECT_THAT(Fields(ValidateCustomerUpdate(patch, {"credit_code"})),
              ElementsAre("customer.credit_code"));
  // With the kind sent along, the kind's own rule applies.
  patch.set_kind(v1::CUSTOMER_KIND_ENTERPRISE);
  patch.set_credit_code("11010519491231002X");
  EXPECT_THAT(Fields(ValidateCustomerUpdate(patch, {"credit_code"})),
              ElementsAre("customer.credit_code"));
}

TEST(CustomerRulesTest, ApplyCustomerUpdateRecordsActualChanges) {
  v1::Customer target = ValidEnterprise();
  target.set_lifecycle_status(v1::LIFECYCLE_STATUS_PROSPECT);

  v1::Customer patch;
  patch.set_display_name("华为技术有限公司");  // unchanged
  patch.set_address("北京市海淀区中关村大街1号");
  patch.set_lifecycle_status(v1::LIFECYCLE_STATUS_ACTIVE);
  patch.set_credit_code("91440300708461136t");
  patch.set_industry("不在掩码里");  // not masked: not copied
  std::vector<FieldChangeRecord> changes = {{"earlier", "x", "y"}};
  ASSERT_TRUE(
      ApplyCustomerUpdate(patch,
                          {"display_name", "address", "lifecycle_status",
                           "credit_code", "address", "company_size"},
                          &target, &changes)
          .ok());

  EXPECT_THAT(
      changes,
      ElementsAre(
          FieldChangeRecord{"earlier", "x", "y"},
          // Personal values say which kind they are: masking follows it.
          FieldChangeRecord{"address", "广东省深圳市龙岗区坂田华为基地",
                            "北京市海淀区中关村大街1号",
                            v1::PERSONAL_DATA_KIND_ADDRESS},
          FieldChangeRecord{"lifecycle_status", "LIFECYCLE_STATUS_PROSPECT",
                            "LIFECYCLE_STATUS_ACTIVE"},
          FieldChangeRecord{"credit_code", "914403001922038216",
                            "91440300708461136T",
                            v1::PERSONAL_DATA_KIND_CREDIT_CODE},
          FieldChangeRecord{"company_size", "10000人以上", ""}));
  EXPECT_EQ(target.address(), "北京市海淀区中关村大街1号");
  EXPECT_EQ(target.lifecycle_status(), v1::LIFECYCLE_STATUS_ACTIVE);
  EXPECT_EQ(target.credit_code(), "91440300708461136T");
  EXPECT_EQ(target.company_size(), "");
  EXPECT_EQ(target.industry(), "通信设备");
  EXPECT_EQ(target.display_name(), "华为技术有限公司");
}

TEST(CustomerRulesTest, ApplyCustomerUpdateChecksStoredKind) {
  v1::Customer target = ValidEnterprise();
  const v1::Customer before = target;
  v1::Customer patch;  // kind not sent: the stored kind decides
  patch.set_credit_code("11010519491231002X");
  patch.set_address("北京市海淀区");
  std::vector<FieldChangeRecord> changes;
  const absl::Status s =
      ApplyCustomerUpdate(patch, {"address", "credit_code"}, &target, &changes);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(s), ElementsAre("customer.credit_code"));
  EXPECT_TRUE(
      google::protobuf::util::MessageDifferencer::Equals(target, before));
  EXPECT_THAT(changes, IsEmpty());

  // An enterprise cannot drop its credit code either.
  patch.clear_credit_code();
  EXPECT_EQ(
      ApplyCustomerUpdate(patch, {"credit_code"}, &target, nullptr).code(),
      absl::StatusCode::kInvalidArgument);

  // The same code is fine for an individual.
  v1::Customer individual = ValidIndividual();
  patch.set_credit_code("11010519491231002X");
  ASSERT_TRUE(
      ApplyCustomerUpdate(patch, {"credit_code"}, &individual, nullptr).ok());
  EXPECT_EQ(individual.credit_code(), "11010519491231002X");
}

TEST(CustomerRulesTest, ApplyCustomerUpdateRejectsBadMask) {
  v1::Customer target = ValidEnterprise();
  v1::Customer patch;
  patch.set_kind(v1::CUSTOMER_KIND_INDIVIDUAL);
  const absl::Status s = ApplyCustomerUpdate(patch, {"kind"}, &target, nullptr);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(s), ElementsAre("update_mask"));
  EXPECT_EQ(target.kind(), v1::CUSTOMER_KIND_ENTERPRISE);
}

// ---------------------------------------------------------------------------
// Contacts.

TEST(CustomerRulesTest, ValidateContact) {
  v1::Contact c;
  c.set_display_name("张三");
  c.add_phones("13812345678");
  EXPECT_THAT(Fields(ValidateContact(c, "contact")), IsEmpty());

  c.add_phones("bad");
  c.set_email("bad");
  c.set_title(Repeat("t", 201));
  EXPECT_THAT(Fields(ValidateContact(c, "contact")),
              UnorderedElementsAre("contact.phones[1]", "contact.email",
                                   "contact.title"));

  v1::Contact many;
  many.set_display_name("张三");
  for (int i = 0; i < 11; ++i) many.add_phones("13812345678");
  EXPECT_THAT(Fields(ValidateContact(many, "contact")),
              ElementsAre("contact.phones"));

  v1::Contact email_only;
  email_only.set_display_name("李四");
  email_only.set_email("li.si@example.com");
  EXPECT_THAT(Fields(ValidateContact(email_only, "contact")), IsEmpty());
}

TEST(CustomerRulesTest, ValidateContactUpdate) {
  v1::Contact patch;
  patch.add_phones("12345");
  patch.set_email("nope");
  EXPECT_THAT(Fields(ValidateContactUpdate(patch, {})),
              ElementsAre("update_mask"));
  EXPECT_THAT(Fields(ValidateContactUpdate(patch, {"name"})),
              ElementsAre("update_mask"));
  EXPECT_THAT(Fields(ValidateContactUpdate(patch, {"title", "primary"})),
              IsEmpty());
  EXPECT_THAT(
      Fields(ValidateContactUpdate(patch, {"display_name", "phones", "email"})),
      UnorderedElementsAre("contact.display_name", "contact.phones[0]",
                           "contact.email"));
}

TEST(CustomerRulesTest, ApplyContactUpdate) {
  v1::Contact target;
  target.set_display_name("张三");
  target.add_phones("13812345678");
  target.set_email("zhang.san@example.com");

  v1::Contact patch;
  patch.add_phones("13812345678");
  patch.add_phones("010-88886666");
  patch.set_primary(true);
  patch.set_title("经理");
  std::vector<FieldChangeRecord> changes;
  ASSERT_TRUE(ApplyContactUpdate(patch, {"phones", "primary", "email"},
                                 "contacts/7", &target, &changes)
                  .ok());
  EXPECT_THAT(
      changes,
      ElementsAre(FieldChangeRecord{"contacts/7.phones", "13812345678",
                                    "13812345678, 010-88886666",
                                    v1::PERSONAL_DATA_KIND_PHONES},
                  FieldChangeRecord{"contacts/7.primary", "false", "true"},
                  FieldChangeRecord{"contacts/7.email", "zhang.san@example.com",
                                    "", v1::PERSONAL_DATA_KIND_EMAIL}));
  EXPECT_THAT(target.phones(), ElementsAre("13812345678", "010-88886666"));
  EXPECT_TRUE(target.primary());
  EXPECT_EQ(target.title(), "");  // title was not in the mask
  EXPECT_EQ(target.email(), "");

  // Removing the last phone of a contact without email is refused.
  v1::Contact before = target;
  changes.clear();
  const absl::Status s = ApplyContactUpdate(v1::Contact(), {"phones"},
                                            "contacts/7", &target, &changes);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(s), ElementsAre("contact.phones"));
  EXPECT_TRUE(
      google::protobuf::util::MessageDifferencer::Equals(target, before));
  EXPECT_THAT(changes, IsEmpty());
}

// ---------------------------------------------------------------------------
// Completeness, archive numbers.

TEST(ArchiveCompletenessTest, CountsRequiredFields) {
  struct Case {
    std::string name;
    v1::Customer customer;
    Completeness want;
  };
  v1::Customer bare_enterprise;
  bare_enterprise.set_display_name("某某公司");
  bare_enterprise.set_kind(v1::CUSTOMER_KIND_ENTERPRISE);

  v1::Customer full_individual = ValidIndividual();
  full_individual.set_credit_code("11010519491231002X");
  full_individual.set_province("北京市");
  full_individual.set_city("北京市");
  full_individual.set_industry("个人");
  full_individual.set_address("北京市海淀区中关村大街1号");
  full_individual.set_acquisition_channel(v1::ACQUISITION_CHANNEL_REFERRAL);

  v1::Customer individual_extra = full_individual;
  individual_extra.set_legal_representative("不计入");

  v1::Customer email_only_contact = ValidEnterprise();
  email_only_contact.mutable_contacts(0)->clear_phones();

  v1::Customer blank_strings = ValidEnterprise();
  blank_strings.set_industry("   ");
  blank_strings.set_address("");

  v1::Customer no_kind = ValidEnterprise();
  no_kind.set_kind(v1::CUSTOMER_KIND_UNSPECIFIED);

  const std::vector<Case> cases = {
      {"full enterprise", ValidEnterprise(), {12, 12}},
      {"bare enterprise", bare_enterprise, {2, 12}},
      {"full individual", full_individual, {9, 9}},
      {"individual's organisation fields not counted",
       individual_extra,
       {9, 9}},
      {"bare individual", ValidIndividual(), {3, 9}},
      {"contact without phone", email_only_contact, {11, 12}},
      {"blank strings are missing", blank_strings, {10, 12}},
      {"kind unspecified counts as organisation", no_kind, {11, 12}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const Completeness got = ArchiveCompleteness(c.customer);
    EXPECT_EQ(got.filled, c.want.filled);
    EXPECT_EQ(got.total, c.want.total);
  }
}

TEST(ArchiveNumberTest, Format) {
  EXPECT_EQ(FormatArchiveNumber(2026, 11, 42), "KH202611-000042");
  EXPECT_EQ(FormatArchiveNumber(2026, 1, 1), "KH202601-000001");
  EXPECT_EQ(FormatArchiveNumber(2026, 12, 999999), "KH202612-999999");
  EXPECT_EQ(FormatArchiveNumber(2026, 12, 1000000), "KH202612-1000000");
  EXPECT_EQ(FormatArchiveNumber(2027, 3, 12345678), "KH202703-12345678");
}

// ---------------------------------------------------------------------------
// Transitions.

TEST(CustomerRulesTest, CheckGradeChange) {
  EXPECT_TRUE(CheckGradeChange(v1::GRADE_C, v1::GRADE_A, "一个月内签约").ok());
  EXPECT_TRUE(
      CheckGradeChange(v1::GRADE_UNSPECIFIED, v1::GRADE_B, "首次评级").ok());

  const absl::Status same = CheckGradeChange(v1::GRADE_A, v1::GRADE_A, "复核");
  EXPECT_EQ(same.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(same.message(), "grade is already A");

  struct Case {
    v1::Grade to;
    std::string reason;
    std::vector<std::string> want_fields;
  };
  const std::vector<Case> cases = {
      {v1::GRADE_UNSPECIFIED, "原因", {"grade"}},
      {static_cast<v1::Grade>(9), "原因", {"grade"}},
      {v1::GRADE_B, "", {"reason"}},
      {v1::GRADE_B, " \t ", {"reason"}},
      {v1::GRADE_B, Repeat("因", 501), {"reason"}},
      {v1::GRADE_UNSPECIFIED, "", {"grade", "reason"}},
      // Input errors come before the precondition.
      {v1::GRADE_A, "", {"reason"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(testing::Message() << c.to << " '" << c.reason << "'");
    const absl::Status s = CheckGradeChange(v1::GRADE_A, c.to, c.reason);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(Fields(s), UnorderedElementsAreArray(c.want_fields));
  }
  EXPECT_TRUE(
      CheckGradeChange(v1::GRADE_C, v1::GRADE_B, Repeat("因", 500)).ok());
}

TEST(CustomerRulesTest, CheckCreditRatingChange) {
  EXPECT_TRUE(CheckCreditRatingChange(v1::CREDIT_RATING_UNSPECIFIED,
                                      v1::CREDIT_RATING_AAA, "付款及时")
                  .ok());
  const absl::Status same = CheckCreditRatingChange(
      v1::CREDIT_RATING_AA, v1::CREDIT_RATING_AA, "复核");
  EXPECT_EQ(same.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(same.message(), "credit rating is already AA");

  EXPECT_THAT(Fields(CheckCreditRatingChange(
                  v1::CREDIT_RATING_A, v1::CREDIT_RATING_UNSPECIFIED, "原因")),
              ElementsAre("credit_rating"));
  EXPECT_THAT(Fields(CheckCreditRatingChange(
                  v1::CREDIT_RATING_A, static_cast<v1::CreditRating>(6), "")),
              UnorderedElementsAre("credit_rating", "reason"));
}

TEST(CustomerRulesTest, ValidateReason) {
  EXPECT_TRUE(ValidateReason("reason", "客户经理离职").ok());
  const absl::Status empty = ValidateReason("reason", "");
  EXPECT_EQ(empty.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(empty), ElementsAre("reason"));
  EXPECT_THAT(Fields(ValidateReason("close_reason", Repeat("x", 501))),
              ElementsAre("close_reason"));
}

// ---------------------------------------------------------------------------
// Dealings.

TEST(CustomerRulesTest, IsValidDate) {
  EXPECT_TRUE(IsValidDate(MakeDate(2024, 2, 29)));
  EXPECT_TRUE(IsValidDate(MakeDate(2000, 2, 29)));
  EXPECT_FALSE(IsValidDate(MakeDate(1900, 2, 29)));
  EXPECT_FALSE(IsValidDate(MakeDate(2026, 2, 29)));
  EXPECT_FALSE(IsValidDate(MakeDate(2026, 4, 31)));
  EXPECT_TRUE(IsValidDate(MakeDate(2026, 12, 31)));
  EXPECT_FALSE(IsValidDate(MakeDate(2026, 13, 1)));
  EXPECT_FALSE(IsValidDate(MakeDate(2026, 0, 1)));
  EXPECT_FALSE(IsValidDate(MakeDate(2026, 1, 0)));
  EXPECT_FALSE(IsValidDate(MakeDate(0, 0, 0)));
}

TEST(CustomerRulesTest, ValidateDealing) {
  const csm::common::v1::Date today = MakeDate(2026, 11, 15);
  auto dealing = [](v1::DealingKind kind, csm::common::v1::Date date,
                    int64_t amount, std::string note) {
    v1::Dealing d;
    d.set_kind(kind);
    *d.mutable_deal_date() = date;
    d.set_amount_fen(amount);
    d.set_note(std::move(note));
    return d;
  };
  struct Case {
    std::string name;
    v1::Dealing dealing;
    std::vector<std::string> want_fields;
  };
  const std::vector<Case> cases = {
      {"sale today",
       dealing(v1::DEALING_KIND_SALE, today, 1'000'000, "合同 A-1"),
       {}},
      {"consultation, no amount",
       dealing(v1::DEALING_KIND_CONSULTATION, MakeDate(2024, 2, 29), 0, ""),
       {}},
      {"largest amount",
       dealing(v1::DEALING_KIND_PURCHASE, today, kMaxDealingAmountFen, ""),
       {}},
      {"amount too large",
       dealing(v1::DEALING_KIND_PURCHASE, today, kMaxDealingAmountFen + 1, ""),
       {"dealing.amount_fen"}},
      {"negative amount",
       dealing(v1::DEALING_KIND_SALE, today, -1, ""),
       {"dealing.amount_fen"}},
      {"tomorrow",
       dealing(v1::DEALING_KIND_SALE, MakeDate(2026, 11, 16), 1, ""),
       {"dealing.deal_date"}},
      {"next year",
       dealing(v1::DEALING_KIND_SALE, MakeDate(2027, 1, 1), 1, ""),
       {"dealing.deal_date"}},
      {"not a date",
       dealing(v1::DEALING_KIND_SALE, MakeDate(2026, 2, 29), 1, ""),
       {"dealing.deal_date"}},
      {"no date",
       dealing(v1::DEALING_KIND_SALE, MakeDate(0, 0, 0), 1, ""),
       {"dealing.deal_date"}},
      {"no kind",
       dealing(v1::DEALING_KIND_UNSPECIFIED, today, 1, ""),
       {"dealing.kind"}},
      {"unknown kind",
       dealing(static_cast<v1::DealingKind>(42), today, 1, ""),
       {"dealing.kind"}},
      {"note too long",
       dealing(v1::DEALING_KIND_COOPERATION, today, 1, Repeat("备", 1001)),
       {"dealing.note"}},
      {"note at the limit",
       dealing(v1::DEALING_KIND_COOPERATION, today, 1, Repeat("备", 1000)),
       {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_THAT(Fields(ValidateDealing(c.dealing, today)),
                UnorderedElementsAreArray(c.want_fields));
  }
  EXPECT_THAT(
      Description(ValidateDealing(dealing(v1::DEALING_KIND_SALE,
                                          MakeDate(2026, 11, 16), 1, ""),
                                  today),
                  "dealing.deal_date"),
      HasSubstr("2026-11-15"));
}

// ---------------------------------------------------------------------------
// Limits that the columns hold, and the grading inputs of an archive.

TEST(CustomerRulesTest, LimitsAreCharactersAndMatchTheColumns) {
  v1::Customer c = ValidEnterprise();
  // A title of 200 four-byte characters passes (the column holds 200).
  c.mutable_contacts(0)->set_title(Repeat("𠀀", 200));
  EXPECT_THAT(Fields(ValidateNewCustomer(c)), IsEmpty());
  c.mutable_contacts(0)->set_title(Repeat("𠀀", 201));
  EXPECT_THAT(Fields(ValidateNewCustomer(c)),
              ElementsAre("customer.contacts[0].title"));
  c = ValidEnterprise();
  // Spaces are allowed anywhere in a phone, but not without end.
  c.mutable_contacts(0)->set_phones(0, "138 1234 5678" + std::string(27, ' '));
  EXPECT_THAT(Fields(ValidateNewCustomer(c)), IsEmpty());
  c.mutable_contacts(0)->set_phones(0, "138 1234 5678" + std::string(28, ' '));
  EXPECT_THAT(Fields(ValidateNewCustomer(c)),
              ElementsAre("customer.contacts[0].phones[0]"));
  c = ValidEnterprise();
  c.set_owner_id(Repeat("𠀀", 128));
  EXPECT_THAT(Fields(ValidateNewCustomer(c)), IsEmpty());
  c.set_owner_id(Repeat("𠀀", 129));
  EXPECT_THAT(Fields(ValidateNewCustomer(c)), ElementsAre("customer.owner_id"));
  c = ValidEnterprise();
  c.set_team(std::string(63, 'a'));
  EXPECT_THAT(Fields(ValidateNewCustomer(c)), IsEmpty());
  c.set_team(std::string(64, 'a'));
  EXPECT_THAT(Fields(ValidateNewCustomer(c)), ElementsAre("customer.team"));
  c.set_team("East Team");
  EXPECT_THAT(Fields(ValidateNewCustomer(c)), ElementsAre("customer.team"));
}

TEST(CustomerRulesTest, ExpectedSigningDateAndImportance) {
  v1::Customer c = ValidEnterprise();
  *c.mutable_expected_signing_date() = MakeDate(2026, 12, 10);
  c.set_importance(v1::IMPORTANCE_HIGH);
  EXPECT_THAT(Fields(ValidateNewCustomer(c)), IsEmpty());
  *c.mutable_expected_signing_date() = MakeDate(2026, 2, 30);
  c.set_importance(static_cast<v1::Importance>(7));
  EXPECT_THAT(
      Fields(ValidateNewCustomer(c)),
      ElementsAre("customer.expected_signing_date", "customer.importance"));

  v1::Customer target = ValidEnterprise();
  v1::Customer patch;
  *patch.mutable_expected_signing_date() = MakeDate(2026, 12, 10);
  patch.set_importance(v1::IMPORTANCE_NORMAL);
  std::vector<FieldChangeRecord> changes;
  ASSERT_TRUE(ApplyCustomerUpdate(patch,
                                  {"expected_signing_date", "importance"},
                                  &target, &changes)
                  .ok());
  EXPECT_THAT(
      changes,
      ElementsAre(FieldChangeRecord{"expected_signing_date", "", "2026-12-10"},
                  FieldChangeRecord{"importance", "IMPORTANCE_UNSPECIFIED",
                                    "IMPORTANCE_NORMAL"}));
  EXPECT_EQ(target.expected_signing_date().day(), 10);
  // An empty date in the mask clears it.
  changes.clear();
  ASSERT_TRUE(ApplyCustomerUpdate(v1::Customer(), {"expected_signing_date"},
                                  &target, &changes)
                  .ok());
  EXPECT_FALSE(target.has_expected_signing_date());
  EXPECT_THAT(changes, ElementsAre(FieldChangeRecord{"expected_signing_date",
                                                     "2026-12-10", ""}));
}

TEST(CustomerRulesTest, AddedAndRemovedContactsAreRecordedFieldByField) {
  v1::Contact c;
  c.set_display_name("李四");
  c.add_phones("13900001111");
  c.add_phones("010-88886666");
  c.set_email("li.si@example.com");
  EXPECT_THAT(
      ContactAddedChanges(c, "contacts/2"),
      ElementsAre(FieldChangeRecord{"contacts/2.display_name", "", "李四"},
                  FieldChangeRecord{"contacts/2.phones", "",
                                    "13900001111, 010-88886666",
                                    v1::PERSONAL_DATA_KIND_PHONES},
                  FieldChangeRecord{"contacts/2.email", "", "li.si@example.com",
                                    v1::PERSONAL_DATA_KIND_EMAIL},
                  FieldChangeRecord{"contacts/2.primary", "", "false"}));
  c.set_title("经理");
  c.set_primary(true);
  EXPECT_THAT(
      ContactRemovedChanges(c, "contacts/2"),
      ElementsAre(
          FieldChangeRecord{"contacts/2.display_name", "李四", ""},
          FieldChangeRecord{"contacts/2.title", "经理", ""},
          FieldChangeRecord{"contacts/2.phones", "13900001111, 010-88886666",
                            "", v1::PERSONAL_DATA_KIND_PHONES},
          FieldChangeRecord{"contacts/2.email", "li.si@example.com", "",
                            v1::PERSONAL_DATA_KIND_EMAIL},
          FieldChangeRecord{"contacts/2.primary", "true", ""}));
}

TEST(CustomerRulesTest, MessagesQuoteFieldPathsNotTypedValues) {
  EXPECT_EQ(QuotedPath("grade"), "\"grade\"");
  EXPECT_EQ(QuotedPath("grade_a.min_volume_fen"), "\"grade_a.min_volume_fen\"");
  for (const char* typed :
       {"13900001111", "li.si@example.com", "文三路", "Grade", "a b"}) {
    SCOPED_TRACE(typed);
    EXPECT_THAT(QuotedPath(typed), Not(HasSubstr(typed)));
  }
  v1::Customer patch;
  const std::string message(
      ValidateCustomerUpdate(patch, {"13900001111"}).ToStatus().message());
  EXPECT_THAT(message, Not(HasSubstr("13900001111")));
  EXPECT_THAT(message, HasSubstr("cannot be updated"));
}

}  // namespace
}  // namespace csm::customer
