#include "reporting-svc/src/domain/completeness.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace csm::reporting {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;

Ratio R(int64_t n, int64_t d) { return Ratio::Of(n, d).value(); }

const std::vector<std::string> kAllTwelve = {"display_name",
                                             "kind",
                                             "credit_code",
                                             "province",
                                             "city",
                                             "industry",
                                             "address",
                                             "legal_representative",
                                             "business_scope",
                                             "company_size",
                                             "acquisition_channel",
                                             "contact_phone"};

TEST(CompletenessRuleTest, DefaultListIsCustomerSvcsOwn) {
  const std::vector<RequiredField> d = DefaultRequiredFields();
  ASSERT_EQ(d.size(), 12u);
  for (size_t i = 0; i < d.size(); ++i) {
    EXPECT_EQ(d[i].field, kAllTwelve[i]);
    EXPECT_TRUE(IsCompletenessField(d[i].field));
  }
  EXPECT_EQ(d[7].exempt_kinds,
            std::vector<cv1::CustomerKind>{cv1::CUSTOMER_KIND_INDIVIDUAL});
  EXPECT_TRUE(d[0].exempt_kinds.empty());
  FieldViolations v;
  ValidateRequiredFields(d, "completeness_rule.required_fields", &v);
  EXPECT_THAT(v.items(), IsEmpty());
}

TEST(CompletenessRuleTest, Validation) {
  FieldViolations v;
  ValidateRequiredFields({{"address", {}},
                          {"phone", {}},
                          {"address", {cv1::CUSTOMER_KIND_UNSPECIFIED}}},
                         "f", &v);
  EXPECT_THAT(
      v.items(),
      ElementsAre(Pair("f[1].field", HasSubstr("contact_phone")),
                  Pair("f[2].field", HasSubstr("twice")),
                  Pair("f[2].exempt_kinds[0]", HasSubstr("CUSTOMER_KIND_"))));
  FieldViolations empty;
  ValidateRequiredFields({}, "f", &empty);
  EXPECT_THAT(empty.items(), ElementsAre(Pair("f", HasSubstr("1..30"))));
}

TEST(CompletenessRuleTest, ProtoRoundTrip) {
  rv1::CompletenessRule proto;
  ToProto(DefaultRequiredFields(), &proto);
  ASSERT_EQ(proto.required_fields_size(), 12);
  EXPECT_EQ(proto.required_fields(9).field(), "company_size");
  const std::vector<RequiredField> back = FromProto(proto);
  EXPECT_EQ(back[9].exempt_kinds, DefaultRequiredFields()[9].exempt_kinds);
}

TEST(CompletenessTest, ExemptFieldsLeaveNumeratorAndDenominator) {
  const std::vector<RequiredField> d = DefaultRequiredFields();
  ArchiveFill e = EvaluateArchive(d, cv1::CUSTOMER_KIND_ENTERPRISE, kAllTwelve);
  EXPECT_EQ(e.filled, 12);
  EXPECT_EQ(e.applicable, 12);
  EXPECT_TRUE(e.complete());
  // An individual with everything but the three company fields is complete;
  // filling one of them anyway changes nothing.
  ArchiveFill i =
      EvaluateArchive(d, cv1::CUSTOMER_KIND_INDIVIDUAL,
                      {"display_name", "kind", "credit_code", "province",
                       "city", "industry", "address", "acquisition_channel",
                       "contact_phone", "legal_representative"});
  EXPECT_EQ(i.filled, 9);
  EXPECT_EQ(i.applicable, 9);
  EXPECT_TRUE(i.complete());
  // Unknown names (a newer customer-svc) are ignored.
  ArchiveFill u =
      EvaluateArchive(d, cv1::CUSTOMER_KIND_ENTERPRISE, {"wechat_id", "kind"});
  EXPECT_EQ(u.filled, 1);
  EXPECT_FALSE(u.complete());
}

// The hand-computed example of docs/reports.md.
TEST(CompletenessTest, HandComputedTally) {
  CompletenessTally t(DefaultRequiredFields());
  t.Add(cv1::CUSTOMER_KIND_ENTERPRISE, kAllTwelve);  // A: 12 / 12
  t.Add(cv1::CUSTOMER_KIND_ENTERPRISE,               // B: 6 / 12
        {"display_name", "kind", "province", "city", "industry",
         "contact_phone"});
  t.Add(cv1::CUSTOMER_KIND_INDIVIDUAL,  // C: 6 / 9
        {"display_name", "kind", "credit_code", "province", "city",
         "contact_phone"});
  t.Add(cv1::CUSTOMER_KIND_INDIVIDUAL, {});  // D: 0 / 9
  EXPECT_EQ(t.archives(), 4);
  EXPECT_EQ(t.field_completeness(), R(24, 42));
  EXPECT_EQ(t.field_completeness().PercentHundredths(), 5714);
  EXPECT_EQ(t.complete_archives(), R(1, 4));
  const std::vector<Ratio> per = t.per_field();
  ASSERT_EQ(per.size(), 12u);
  EXPECT_EQ(per[0], R(3, 4));   // display_name: A, B, C
  EXPECT_EQ(per[2], R(2, 4));   // credit_code: A, C
  EXPECT_EQ(per[7], R(1, 2));   // legal_representative: enterprises only
  EXPECT_EQ(per[11], R(3, 4));  // contact_phone
}

TEST(CompletenessTest, GroupsOfIdenticalArchivesCountLikeSingles) {
  CompletenessTally grouped(DefaultRequiredFields());
  CompletenessTally single(DefaultRequiredFields());
  grouped.Add(cv1::CUSTOMER_KIND_INSTITUTION, {"kind", "address"}, 3);
  for (int i = 0; i < 3; ++i) {
    single.Add(cv1::CUSTOMER_KIND_INSTITUTION, {"kind", "address"});
  }
  EXPECT_EQ(grouped.field_completeness(), single.field_completeness());
  EXPECT_EQ(grouped.field_completeness(), R(6, 36));
  EXPECT_EQ(grouped.per_field(), single.per_field());
}

TEST(CompletenessTest, EmptyPeriodIsNoData) {
  CompletenessTally t(DefaultRequiredFields());
  EXPECT_EQ(t.archives(), 0);
  EXPECT_TRUE(t.field_completeness().no_data());
  EXPECT_TRUE(t.complete_archives().no_data());
  EXPECT_TRUE(t.per_field()[0].no_data());
}

TEST(CompletenessTest, NoApplicableFieldIsCompleteAndAddsNothing) {
  CompletenessTally t(
      {{"legal_representative", {cv1::CUSTOMER_KIND_INDIVIDUAL}}});
  t.Add(cv1::CUSTOMER_KIND_INDIVIDUAL, {});
  EXPECT_EQ(t.complete_archives(), R(1, 1));
  EXPECT_TRUE(t.field_completeness().no_data());
}

}  // namespace
}  // namespace csm::reporting
