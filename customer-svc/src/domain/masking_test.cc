#include "customer-svc/src/domain/masking.h"

#include <gmock/gmock.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "customer-svc/src/domain/customer_rules.h"

namespace csm::customer {
namespace {

struct MaskCase {
  std::string input;
  std::string want;
};

// True if `s` is well-formed UTF-8: masks must never cut a character.
bool IsWellFormedUtf8(absl::string_view s) {
  for (const CodePoint& cp : DecodeUtf8(s)) {
    if (cp.value == 0xFFFD && cp.bytes.size() == 1) return false;
  }
  return true;
}

void ExpectMasks(std::string (*mask)(absl::string_view),
                 const std::vector<MaskCase>& cases) {
  for (const MaskCase& c : cases) {
    SCOPED_TRACE(c.input);
    const std::string got = mask(c.input);
    EXPECT_EQ(got, c.want);
    EXPECT_TRUE(IsWellFormedUtf8(got));
  }
}

TEST(MaskingTest, MaskPhone) {
  ExpectMasks(&MaskPhone,
              {
                  // Mobiles: prefix 3 and last 4, whatever the formatting.
                  {"13812345678", "138****5678"},
                  {"+86 138 1234 5678", "138****5678"},
                  {"+86-138-1234-5678", "138****5678"},
                  {"8613812345678", "138****5678"},
                  {"0086 13812345678", "138****5678"},
                  {" 19987654321 ", "199****4321"},
                  // Landlines: area code kept, number but its last four.
                  {"010-88886666", "010-****6666"},
                  {"01088886666", "010-****6666"},
                  {"021 6888 8888", "021-****8888"},
                  {"0755-1234567", "0755-***4567"},
                  {"0755-12345678-801", "0755-****5678-801"},
                  // Anything else: first 3 and last 2 from 7 characters.
                  {"", ""},
                  {"12345", "*****"},
                  {"123456", "******"},
                  {"1234567", "123**67"},
                  {"12812345678", "128******78"},
                  {"+1 415 555 0100", "+1 **********00"},
                  {"电话号码未知的", "电话号**知的"},
                  {"分机未知", "****"},
              });
}

TEST(MaskingTest, MaskCreditCode) {
  ExpectMasks(&MaskCreditCode,
              {
                  {"91350100M000100Y43", "9135**********0Y43"},
                  {"11010519491231002X", "1101**********002X"},
                  {" 914403001922038216 ", "9144**********8216"},
                  // A first-generation 15-digit ID number.
                  {"110105491231002", "1101*******1002"},
                  {"12345678901", "123******01"},
                  {"short", "*****"},
                  {"", ""},
              });
}

TEST(MaskingTest, MaskAddress) {
  ExpectMasks(
      &MaskAddress,
      {
          {"广东省深圳市南山区科技园南区深南大道10000号", "广东省深圳市****"},
          {"北京市海淀区中关村大街1号", "北京市海淀区****"},
          {"上海浦东新区世纪大道100号", "上海浦东新区****"},
          {"重庆市渝中区解放碑", "重庆市渝中区****"},
          {"广西壮族自治区南宁市青秀区民族大道1号", "广西壮族自治区南宁市****"},
          {"新疆维吾尔自治区乌鲁木齐市天山区",
           "新疆维吾尔自治区乌鲁木齐市****"},
          {"香港特别行政区中西区皇后大道中1号", "香港特别行政区中西区****"},
          {"浙江省德清县武康镇英溪南路1号", "浙江省德清县****"},
          {"黑龙江省哈尔滨市南岗区", "黑龙江省哈尔滨市****"},
          {"深圳市南山区科技园", "深圳市****"},
          // The 市 of 市场 deep in the street is not a city: province only.
          {"江苏省某某路123号某某大厦3楼近农贸市场", "江苏省****"},
          // Nothing recognisable: the first 6, at most half.
          {"Room 1208, 88 Century Avenue", "Room 1****"},
          {"某某路1号", "某某****"},
          {"路", "****"},
          {"", ""},
      });
}

TEST(MaskingTest, MaskEmail) {
  ExpectMasks(&MaskEmail, {
                              {"zhang.san@example.com", "z***@example.com"},
                              {"a@b.cn", "a***@b.cn"},
                              {"张三@例子.中国", "张***@例子.中国"},
                              {"not-an-email", "not*******il"},
                              {"@example.com", "@ex*******om"},
                              {"", ""},
                          });
}

TEST(MaskingTest, MayViewUnmaskedMatrix) {
  const ArchiveAccess archive{"u1", "客服部"};
  struct Case {
    std::string name;
    Principal caller;
    bool want;
  };
  const std::vector<Case> cases = {
      {"owner agent", {"u1", "销售部", {Role::kAgent}}, true},
      {"other agent same department", {"u2", "客服部", {Role::kAgent}}, false},
      {"supervisor same department",
       {"u3", "客服部", {Role::kSupervisor}},
       true},
      {"supervisor other department",
       {"u3", "销售部", {Role::kSupervisor}},
       false},
      {"manager same department", {"u4", "客服部", {Role::kManager}}, true},
      {"manager other department", {"u4", "业务部", {Role::kManager}}, false},
      {"general manager", {"u5", "客服部", {Role::kGeneralManager}}, false},
      {"archivist any department",
       {"u6", "仓储物流", {Role::kArchivist}},
       true},
      {"service account", {"complaint-svc", "", {Role::kService}}, true},
      {"agent and supervisor elsewhere",
       {"u7", "销售部", {Role::kAgent, Role::kSupervisor}},
       false},
      {"no roles, not owner", {"u8", "客服部", {}}, false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(MayViewUnmasked(c.caller, archive), c.want);
  }
}

TEST(MaskingTest, MayViewUnmaskedEmptyIdsNeverMatch) {
  const ArchiveAccess unowned{"", ""};
  EXPECT_FALSE(MayViewUnmasked({"", "", {Role::kAgent}}, unowned));
  EXPECT_FALSE(MayViewUnmasked({"u1", "", {Role::kSupervisor}}, unowned));
  EXPECT_FALSE(MayViewUnmasked({"u1", "", {Role::kManager}}, unowned));
  EXPECT_TRUE(MayViewUnmasked({"u1", "", {Role::kArchivist}}, unowned));
}

v1::Customer FullCustomer() {
  v1::Customer c;
  c.set_name("customers/42");
  c.set_archive_number("KH202611-000042");
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
  c.set_lifecycle_status(v1::LIFECYCLE_STATUS_ACTIVE);
  c.set_grade(v1::GRADE_A);
  c.set_owner_id("u1");
  c.set_team("team-sz");
  c.set_department("客服部");
  v1::Contact* first = c.add_contacts();
  first->set_name("customers/42/contacts/1");
  first->set_display_name("张三");
  first->set_title("采购经理");
  first->add_phones("13812345678");
  first->add_phones("0755-28780808-8001");
  first->set_email("zhang.san@example.com");
  first->set_primary(true);
  v1::Contact* second = c.add_contacts();
  second->set_display_name("李四");
  second->add_phones("+86 139 8765 4321");
  return c;
}

TEST(MaskingTest, MaskCustomerMasksPersonalFieldsOnly) {
  v1::Customer got = FullCustomer();
  MaskCustomer(&got);

  v1::Customer want = FullCustomer();
  want.set_credit_code("9144**********8216");
  want.set_address("广东省深圳市****");
  want.mutable_contacts(0)->set_phones(0, "138****5678");
  want.mutable_contacts(0)->set_phones(1, "0755-****0808-8001");
  want.mutable_contacts(0)->set_email("z***@example.com");
  want.mutable_contacts(1)->set_phones(0, "139****4321");
  want.set_masked(true);
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(got, want))
      << "got:\n"
      << got.DebugString() << "want:\n"
      << want.DebugString();
}

TEST(MaskingTest, MaskCustomerLeavesEmptyFieldsEmpty) {
  v1::Customer c;
  c.set_display_name("个人客户");
  c.add_contacts()->set_display_name("王五");
  MaskCustomer(&c);
  EXPECT_EQ(c.credit_code(), "");
  EXPECT_EQ(c.address(), "");
  EXPECT_EQ(c.contacts(0).email(), "");
  EXPECT_TRUE(c.masked());
}

TEST(MaskingTest, MaskPersonalValueByKind) {
  struct Case {
    v1::PersonalDataKind kind;
    std::string value;
    std::string want;
  };
  const std::vector<Case> cases = {
      {v1::PERSONAL_DATA_KIND_CREDIT_CODE, "91350100M000100Y43",
       "9135**********0Y43"},
      {v1::PERSONAL_DATA_KIND_CREDIT_CODE, "11010519491231002X",
       "1101**********002X"},
      {v1::PERSONAL_DATA_KIND_ADDRESS, "北京市海淀区中关村大街1号",
       "北京市海淀区****"},
      {v1::PERSONAL_DATA_KIND_PHONES, "13812345678, 010-88886666",
       "138****5678, 010-****6666"},
      {v1::PERSONAL_DATA_KIND_PHONES, "13812345678", "138****5678"},
      {v1::PERSONAL_DATA_KIND_EMAIL, "zhang.san@example.com",
       "z***@example.com"},
      {v1::PERSONAL_DATA_KIND_ADDRESS, "", ""},
      // A whole contact on one line: nothing of it shows.
      {v1::PERSONAL_DATA_KIND_CONTACT_SUMMARY,
       "李四 13900001111 li.si@example.com", "****"},
      // A kind this build does not know is withheld, not shown.
      {static_cast<v1::PersonalDataKind>(99), "13900001111", "****"},
      {v1::PERSONAL_DATA_KIND_UNSPECIFIED, "华为技术有限公司",
       "华为技术有限公司"},
      {v1::PERSONAL_DATA_KIND_UNSPECIFIED, "LIFECYCLE_STATUS_ACTIVE",
       "LIFECYCLE_STATUS_ACTIVE"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.value);
    EXPECT_EQ(MaskPersonalValue(c.kind, c.value), c.want);
  }
}

TEST(MaskingTest, MaskPersonalValueMatchesJoinPhones) {
  v1::Contact contact;
  contact.add_phones("13812345678");
  contact.add_phones("+86 139 8765 4321");
  EXPECT_EQ(MaskPersonalValue(v1::PERSONAL_DATA_KIND_PHONES,
                              JoinPhones(contact.phones())),
            "138****5678, 139****4321");
}

// The kind decides, not the field's name: a phone under a name the old
// name-based rule did not know ("contacts/2") is masked, and a value of a
// field called "phones" that holds no personal data is left alone.
TEST(MaskingTest, MaskFieldChangeFollowsTheRecordedKind) {
  v1::FieldChange contact;
  contact.set_field("contacts/2");
  contact.set_new_value("李四 13900001111 li.si@example.com");
  contact.set_personal_data(v1::PERSONAL_DATA_KIND_CONTACT_SUMMARY);
  MaskFieldChange(&contact);
  EXPECT_EQ(contact.new_value(), "****");
  EXPECT_EQ(contact.old_value(), "");
  EXPECT_TRUE(contact.masked());

  v1::FieldChange phones;
  phones.set_field("contacts/2.phones");
  phones.set_old_value("13900001111");
  phones.set_new_value("13812345678, 010-88886666");
  phones.set_personal_data(v1::PERSONAL_DATA_KIND_PHONES);
  MaskFieldChange(&phones);
  EXPECT_EQ(phones.old_value(), "139****1111");
  EXPECT_EQ(phones.new_value(), "138****5678, 010-****6666");
  EXPECT_TRUE(phones.masked());

  v1::FieldChange plain;
  plain.set_field("phones");
  plain.set_new_value("3");
  MaskFieldChange(&plain);
  EXPECT_EQ(plain.new_value(), "3");
  EXPECT_FALSE(plain.masked());
}

}  // namespace
}  // namespace csm::customer
