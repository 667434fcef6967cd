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

}  // namespace
}  // namespace csm::customer
