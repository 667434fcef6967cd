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

}  // namespace
}  // namespace csm::customer
