// Helpers of the customer-svc domain rule tests.
#ifndef CSM_CUSTOMER_SVC_TESTING_CUSTOMER_RULES_TEST_SUPPORT_H_
#define CSM_CUSTOMER_SVC_TESTING_CUSTOMER_RULES_TEST_SUPPORT_H_

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/status.h"
#include "csm/customer/v1/customer.pb.h"
#include "customer-svc/src/domain/customer_rules.h"

namespace csm::customer {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;
using ::testing::UnorderedElementsAreArray;

inline std::vector<std::string> Fields(const FieldViolations& v) {
  std::vector<std::string> out;
  for (const auto& [field, description] : v.items()) out.push_back(field);
  return out;
}

inline std::vector<std::string> Fields(const absl::Status& s) {
  std::vector<std::string> out;
  for (const auto& [field, description] : ViolationsOf(s)) {
    out.push_back(field);
  }
  return out;
}

inline std::string Description(const FieldViolations& v,
                               absl::string_view field) {
  for (const auto& [f, description] : v.items()) {
    if (f == field) return description;
  }
  return "";
}

inline std::string Repeat(absl::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out.append(s.data(), s.size());
  return out;
}

inline csm::common::v1::Date MakeDate(int y, int m, int d) {
  csm::common::v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

inline v1::Customer ValidEnterprise() {
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

inline v1::Customer ValidIndividual() {
  v1::Customer c;
  c.set_display_name("王五");
  c.set_kind(v1::CUSTOMER_KIND_INDIVIDUAL);
  c.set_team("team-sz");
  v1::Contact* contact = c.add_contacts();
  contact->set_display_name("王五");
  contact->add_phones("+86 139 8765 4321");
  return c;
}

}  // namespace csm::customer

#endif  // CSM_CUSTOMER_SVC_TESTING_CUSTOMER_RULES_TEST_SUPPORT_H_
