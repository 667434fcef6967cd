#include "reporting-svc/src/domain/attrition.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"

namespace csm::reporting {
namespace {

using absl::CivilDay;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;

constexpr CivilDay kAsOf(2026, 11, 30);

// An archive that is not at risk as of kAsOf.
ArchiveFacts Healthy() {
  ArchiveFacts f;
  f.created = CivilDay(2025, 1, 1);
  f.last_dealing = CivilDay(2026, 11, 1);
  f.last_contact = CivilDay(2026, 11, 20);
  return f;
}

std::vector<rv1::AttritionReason> Kinds(const std::vector<RiskReason>& rs) {
  std::vector<rv1::AttritionReason> out;
  for (const RiskReason& r : rs) out.push_back(r.reason);
  return out;
}

TEST(AttritionRuleTest, DefaultsAndValidation) {
  const AttritionRule d;
  EXPECT_EQ(d.no_dealing_days, 90);
  EXPECT_EQ(d.no_communication_days, 60);
  FieldViolations ok;
  ValidateAttritionRule(d, "attrition_rule", &ok);
  EXPECT_THAT(ok.items(), IsEmpty());

  AttritionRule bad;
  bad.no_dealing_days = -1;
  bad.promise_lookback_days = 4000;
  bad.min_broken_promises = 0;
  bad.monitored_statuses = {cv1::LIFECYCLE_STATUS_ACTIVE,
                            cv1::LIFECYCLE_STATUS_ACTIVE,
                            cv1::LIFECYCLE_STATUS_UNSPECIFIED};
  FieldViolations v;
  ValidateAttritionRule(bad, "attrition_rule", &v);
  EXPECT_THAT(
      v.items(),
      ElementsAre(
          Pair("attrition_rule.no_dealing_days", HasSubstr("0 (off)")),
          Pair("attrition_rule.promise_lookback_days", HasSubstr("3660")),
          Pair("attrition_rule.min_broken_promises", HasSubstr("1..1000")),
          Pair("attrition_rule.monitored_statuses[1]", HasSubstr("twice")),
          Pair("attrition_rule.monitored_statuses[2]",
               HasSubstr("LIFECYCLE_STATUS_"))));
  AttritionRule empty;
  empty.monitored_statuses.clear();
  FieldViolations e;
  ValidateAttritionRule(empty, "r", &e);
  EXPECT_THAT(e.items(),
              ElementsAre(Pair("r.monitored_statuses", HasSubstr("one"))));
}

TEST(AttritionRuleTest, ProtoRoundTrip) {
  AttritionRule r;
  r.no_dealing_days = 30;
  r.dissatisfied_last_visit = false;
  r.monitored_statuses = {cv1::LIFECYCLE_STATUS_DORMANT};
  rv1::AttritionRule proto;
  ToProto(r, &proto);
  const AttritionRule back = FromProto(proto);
  EXPECT_EQ(back.no_dealing_days, 30);
  EXPECT_FALSE(back.dissatisfied_last_visit);
  EXPECT_EQ(back.monitored_statuses,
            std::vector<cv1::LifecycleStatus>{cv1::LIFECYCLE_STATUS_DORMANT});
}

TEST(AttritionTest, HealthyArchiveHasNoReason) {
  EXPECT_THAT(RiskReasons(AttritionRule(), Healthy(), kAsOf), IsEmpty());
}

TEST(AttritionTest, NoDealingAtTheThreshold) {
  ArchiveFacts f = Healthy();
  f.last_dealing = CivilDay(2026, 9, 1);  // 90 days before 30 November
  std::vector<RiskReason> r = RiskReasons(AttritionRule(), f, kAsOf);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].reason, rv1::ATTRITION_REASON_NO_DEALING);
  EXPECT_EQ(r[0].days, 90);
  EXPECT_EQ(r[0].since, CivilDay(2026, 9, 1));
  f.last_dealing = CivilDay(2026, 9, 2);  // 89 days
  EXPECT_THAT(RiskReasons(AttritionRule(), f, kAsOf), IsEmpty());
}

TEST(AttritionTest, NeverADealingCountsFromCreation) {
  ArchiveFacts f = Healthy();
  f.last_dealing.reset();
  f.created = CivilDay(2026, 11, 1);  // 29 days: too young to warn
  EXPECT_THAT(RiskReasons(AttritionRule(), f, kAsOf), IsEmpty());
  f.created = CivilDay(2026, 8, 1);  // 121 days
  std::vector<RiskReason> r = RiskReasons(AttritionRule(), f, kAsOf);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].reason, rv1::ATTRITION_REASON_NO_DEALING);
  EXPECT_FALSE(r[0].since.has_value());
  EXPECT_EQ(r[0].days, 121);
}

TEST(AttritionTest, NoCommunication) {
  ArchiveFacts f = Healthy();
  f.last_contact = CivilDay(2026, 10, 1);  // 60 days
  EXPECT_THAT(Kinds(RiskReasons(AttritionRule(), f, kAsOf)),
              ElementsAre(rv1::ATTRITION_REASON_NO_COMMUNICATION));
  AttritionRule off;
  off.no_communication_days = 0;
  EXPECT_THAT(RiskReasons(off, f, kAsOf), IsEmpty());
}

TEST(AttritionTest, DissatisfiedLastVisit) {
  ArchiveFacts f = Healthy();
  f.last_visit = ArchiveFacts::Visit{CivilDay(2026, 11, 10),
                                     csm::common::v1::SATISFACTION_DISSATISFIED,
                                     "customers/3/visitPlans/4/visits/9"};
  std::vector<RiskReason> r = RiskReasons(AttritionRule(), f, kAsOf);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].reason, rv1::ATTRITION_REASON_DISSATISFIED_VISIT);
  EXPECT_EQ(r[0].days, 20);
  EXPECT_THAT(r[0].references,
              ElementsAre("customers/3/visitPlans/4/visits/9"));
  f.last_visit->satisfaction = csm::common::v1::SATISFACTION_VERY_DISSATISFIED;
  EXPECT_EQ(RiskReasons(AttritionRule(), f, kAsOf).size(), 1u);
  f.last_visit->satisfaction = csm::common::v1::SATISFACTION_NEUTRAL;
  EXPECT_THAT(RiskReasons(AttritionRule(), f, kAsOf), IsEmpty());
  f.last_visit->satisfaction = csm::common::v1::SATISFACTION_DISSATISFIED;
  AttritionRule off;
  off.dissatisfied_last_visit = false;
  EXPECT_THAT(RiskReasons(off, f, kAsOf), IsEmpty());
}

TEST(AttritionTest, ComplaintWindowIsInclusiveOfItsFirstDay) {
  // 90 days ending 30 November start on 2 September.
  ArchiveFacts f = Healthy();
  f.complaint_reopens = {{CivilDay(2026, 9, 1), "complaints/1"}};
  EXPECT_THAT(RiskReasons(AttritionRule(), f, kAsOf), IsEmpty());
  f.complaint_reopens.push_back({CivilDay(2026, 9, 2), "complaints/2"});
  f.complaint_reopens.push_back({CivilDay(2026, 10, 2), "complaints/2"});
  f.complaint_reopens.push_back({CivilDay(2026, 12, 1), "complaints/3"});
  std::vector<RiskReason> r = RiskReasons(AttritionRule(), f, kAsOf);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].reason, rv1::ATTRITION_REASON_REOPENED_COMPLAINT);
  EXPECT_EQ(r[0].count, 1);  // one complaint, reopened twice
  EXPECT_EQ(r[0].since, CivilDay(2026, 10, 2));
  EXPECT_EQ(r[0].days, 59);
  EXPECT_THAT(r[0].references, ElementsAre("complaints/2"));
}

TEST(AttritionTest, EscalationsAndBrokenPromises) {
  ArchiveFacts f = Healthy();
  f.complaint_escalations = {{CivilDay(2026, 11, 29), "complaints/7"}};
  f.broken_promises = {{CivilDay(2026, 11, 2), "customers/1/communications/4"}};
  AttritionRule two;
  two.min_broken_promises = 2;
  EXPECT_THAT(Kinds(RiskReasons(two, f, kAsOf)),
              ElementsAre(rv1::ATTRITION_REASON_ESCALATED_COMPLAINT));
  f.broken_promises.push_back(
      {CivilDay(2026, 11, 3), "customers/1/communications/5"});
  std::vector<RiskReason> r = RiskReasons(two, f, kAsOf);
  EXPECT_THAT(Kinds(r), ElementsAre(rv1::ATTRITION_REASON_ESCALATED_COMPLAINT,
                                    rv1::ATTRITION_REASON_BROKEN_PROMISE));
  EXPECT_EQ(r[1].count, 2);
}

TEST(AttritionTest, EveryReasonInEnumOrderAndReferencesCapped) {
  ArchiveFacts f;
  f.created = CivilDay(2020, 1, 1);
  f.last_visit = ArchiveFacts::Visit{
      CivilDay(2026, 1, 5), csm::common::v1::SATISFACTION_DISSATISFIED, "v"};
  for (int i = 0; i < 12; ++i) {
    const std::string ref = absl::StrCat("complaints/", 10 + i);
    f.complaint_reopens.push_back({CivilDay(2026, 11, 1 + i), ref});
    f.complaint_escalations.push_back({CivilDay(2026, 11, 1 + i), ref});
  }
  f.broken_promises = {
      {CivilDay(2026, 11, 30), "customers/1/communications/1"}};
  std::vector<RiskReason> r = RiskReasons(AttritionRule(), f, kAsOf);
  EXPECT_THAT(Kinds(r), ElementsAre(rv1::ATTRITION_REASON_NO_DEALING,
                                    rv1::ATTRITION_REASON_NO_COMMUNICATION,
                                    rv1::ATTRITION_REASON_DISSATISFIED_VISIT,
                                    rv1::ATTRITION_REASON_REOPENED_COMPLAINT,
                                    rv1::ATTRITION_REASON_ESCALATED_COMPLAINT,
                                    rv1::ATTRITION_REASON_BROKEN_PROMISE));
  EXPECT_EQ(r[3].count, 12);
  EXPECT_EQ(r[3].references.size(), 10u);
  EXPECT_EQ(r[3].references.front(), "complaints/10");
}

TEST(AttritionTest, OnlyOpenArchivesInMonitoredStatuses) {
  ArchiveFacts f = Healthy();
  f.last_dealing.reset();
  f.created = CivilDay(2020, 1, 1);
  EXPECT_FALSE(RiskReasons(AttritionRule(), f, kAsOf).empty());
  for (cv1::LifecycleStatus s :
       {cv1::LIFECYCLE_STATUS_PROSPECT, cv1::LIFECYCLE_STATUS_LOST}) {
    f.lifecycle_status = s;
    EXPECT_FALSE(IsMonitored(AttritionRule(), f));
    EXPECT_THAT(RiskReasons(AttritionRule(), f, kAsOf), IsEmpty());
  }
  f.lifecycle_status = cv1::LIFECYCLE_STATUS_DORMANT;
  EXPECT_TRUE(IsMonitored(AttritionRule(), f));
  f.open = false;
  EXPECT_THAT(RiskReasons(AttritionRule(), f, kAsOf), IsEmpty());
}

TEST(AttritionTest, ToProto) {
  ArchiveFacts f = Healthy();
  f.last_dealing.reset();
  f.created = CivilDay(2026, 8, 1);
  rv1::RiskReason proto;
  ToProto(RiskReasons(AttritionRule(), f, kAsOf).at(0), &proto);
  EXPECT_EQ(proto.reason(), rv1::ATTRITION_REASON_NO_DEALING);
  EXPECT_FALSE(proto.has_since());
  EXPECT_EQ(proto.days(), 121);
}

}  // namespace
}  // namespace csm::reporting
