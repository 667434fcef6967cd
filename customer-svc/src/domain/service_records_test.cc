#include "customer-svc/src/domain/service_records.h"

#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/business_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace csm::customer {
namespace {

namespace v1 = ::csm::customer::v1;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

const absl::TimeZone kShanghai = csm::BusinessTimeZone();

absl::Time At(int y, int m, int d, int hh, int mm) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, 0), kShanghai);
}

std::vector<std::string> Fields(const FieldViolations& v) {
  std::vector<std::string> out;
  for (const auto& [field, description] : v.items()) out.push_back(field);
  return out;
}

void SetTs(absl::Time t, google::protobuf::Timestamp* ts) {
  ts->set_seconds(absl::ToUnixSeconds(t));
}

// 2026-11-24 10:00 in Shanghai.
const absl::Time kNow = At(2026, 11, 24, 10, 0);

v1::Communication Valid() {
  v1::Communication c;
  c.set_channel(v1::COMMUNICATION_CHANNEL_PHONE);
  SetTs(kNow - absl::Hours(1), c.mutable_contact_time());
  c.set_summary("客户来电咨询设备保养周期");
  return c;
}

TEST(CommunicationViolationsTest, ValidRecordHasNone) {
  EXPECT_THAT(Fields(CommunicationViolations(Valid(), kNow)), IsEmpty());
  v1::Communication c = Valid();
  c.mutable_promise()->set_description("三天内上门检修");
  c.mutable_promise()->set_within_days(3);
  EXPECT_THAT(Fields(CommunicationViolations(c, kNow)), IsEmpty());
}

TEST(CommunicationViolationsTest, RequiredFields) {
  v1::Communication c;
  c.set_summary(" \u3000 ");  // ideographic space: still blank
  EXPECT_THAT(Fields(CommunicationViolations(c, kNow)),
              ElementsAre("communication.channel", "communication.contact_time",
                          "communication.summary"));
}

TEST(CommunicationViolationsTest, ContactTimeAllowsClockSkewOnly) {
  v1::Communication c = Valid();
  SetTs(kNow + absl::Minutes(4), c.mutable_contact_time());
  EXPECT_THAT(Fields(CommunicationViolations(c, kNow)), IsEmpty());
  SetTs(kNow + absl::Minutes(6), c.mutable_contact_time());
  EXPECT_THAT(Fields(CommunicationViolations(c, kNow)),
              ElementsAre("communication.contact_time"));
  SetTs(At(2020, 1, 1, 10, 0), c.mutable_contact_time());
  EXPECT_THAT(Fields(CommunicationViolations(c, kNow)),
              ElementsAre("communication.contact_time"));
}

TEST(CommunicationViolationsTest, TextLimitsCountCodePoints) {
  v1::Communication c = Valid();
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "字";
  c.set_summary(text);
  c.set_customer_requests(text);
  EXPECT_THAT(Fields(CommunicationViolations(c, kNow)), IsEmpty());
  c.set_customer_requests(text + "字");
  EXPECT_THAT(Fields(CommunicationViolations(c, kNow)),
              ElementsAre("communication.customer_requests"));
}

TEST(CommunicationViolationsTest, PromiseNeedsExactlyOneWhen) {
  v1::Communication c = Valid();
  v1::CommunicationPromise* p = c.mutable_promise();
  p->set_description("尽快处理");
  EXPECT_THAT(Fields(CommunicationViolations(c, kNow)),
              ElementsAre("communication.promise"));
  p->set_within_days(3);
  p->mutable_due_date()->set_year(2026);
  p->mutable_due_date()->set_month(11);
  p->mutable_due_date()->set_day(30);
  EXPECT_THAT(Fields(CommunicationViolations(c, kNow)),
              ElementsAre("communication.promise"));
  p->clear_due_date();
  p->set_within_days(366);
  EXPECT_THAT(Fields(CommunicationViolations(c, kNow)),
              ElementsAre("communication.promise.within_days"));
  p->set_within_days(-1);
  EXPECT_THAT(Fields(CommunicationViolations(c, kNow)),
              ElementsAre("communication.promise.within_days"));
  p->set_within_days(1);
  p->set_description("");
  EXPECT_THAT(Fields(CommunicationViolations(c, kNow)),
              ElementsAre("communication.promise.description"));
}

TEST(CommunicationViolationsTest, PromiseDueDateNotBeforeTheContactsDate) {
  v1::Communication c = Valid();
  // 07:00 on the 24th in Shanghai is still the 23rd in UTC.
  SetTs(At(2026, 11, 24, 7, 0), c.mutable_contact_time());
  v1::CommunicationPromise* p = c.mutable_promise();
  p->set_description("当天回复");
  p->mutable_due_date()->set_year(2026);
  p->mutable_due_date()->set_month(11);
  p->mutable_due_date()->set_day(23);
  EXPECT_THAT(Fields(CommunicationViolations(c, kNow)),
              ElementsAre("communication.promise.due_date"));
  p->mutable_due_date()->set_day(24);
  EXPECT_THAT(Fields(CommunicationViolations(c, kNow)), IsEmpty());
  p->mutable_due_date()->set_month(2);
  p->mutable_due_date()->set_day(30);
  EXPECT_THAT(Fields(CommunicationViolations(c, kNow)),
              ElementsAre("communication.promise.due_date"));
}

TEST(PromiseDueDateTest, WithinDaysCountsFromTheShanghaiDate) {
  v1::CommunicationPromise p;
  p.set_within_days(3);
  // 2026-11-23T23:30Z is 07:30 on the 24th in Shanghai.
  const absl::Time contact = At(2026, 11, 24, 7, 30);
  EXPECT_EQ(PromiseDueDate(p, contact), absl::CivilDay(2026, 11, 27));
  p.set_within_days(0);
  p.mutable_due_date()->set_year(2026);
  p.mutable_due_date()->set_month(12);
  p.mutable_due_date()->set_day(1);
  EXPECT_EQ(PromiseDueDate(p, contact), absl::CivilDay(2026, 12, 1));
}

TEST(PromiseKeptLateTest, BrokenOrPastDueIsLate) {
  const absl::CivilDay due(2026, 11, 24);
  EXPECT_FALSE(PromiseKeptLate(v1::PROMISE_STATE_OPEN, due, due));
  EXPECT_TRUE(PromiseKeptLate(v1::PROMISE_STATE_OPEN, due, due + 1));
  EXPECT_TRUE(PromiseKeptLate(v1::PROMISE_STATE_BROKEN, due, due + 1));
}

v1::Visit ValidVisit() {
  v1::Visit v;
  v.set_method(v1::VISIT_METHOD_PHONE);
  v.set_satisfaction(csm::common::v1::SATISFACTION_SATISFIED);
  v.mutable_actual_date()->set_year(2026);
  v.mutable_actual_date()->set_month(11);
  v.mutable_actual_date()->set_day(20);
  return v;
}

TEST(VisitViolationsTest, ValidVisitHasNone) {
  const absl::CivilDay today(2026, 11, 24);
  EXPECT_THAT(Fields(VisitViolations(ValidVisit(), today)), IsEmpty());
  v1::Visit v = ValidVisit();
  v.clear_actual_date();  // today
  EXPECT_THAT(Fields(VisitViolations(v, today)), IsEmpty());
}

TEST(VisitViolationsTest, MethodAndSatisfactionWithinTheirEnums) {
  const absl::CivilDay today(2026, 11, 24);
  v1::Visit v = ValidVisit();
  v.set_method(v1::VISIT_METHOD_UNSPECIFIED);
  v.set_satisfaction(static_cast<csm::common::v1::Satisfaction>(9));
  EXPECT_THAT(Fields(VisitViolations(v, today)),
              ElementsAre("visit.method", "visit.satisfaction"));
  v = ValidVisit();
  v.set_satisfaction(csm::common::v1::SATISFACTION_UNSPECIFIED);
  EXPECT_THAT(Fields(VisitViolations(v, today)),
              ElementsAre("visit.satisfaction"));
}

TEST(VisitViolationsTest, DatesFollowTheScheduleRule) {
  const absl::CivilDay today(2026, 11, 24);
  v1::Visit v = ValidVisit();
  v.mutable_actual_date()->set_day(25);
  EXPECT_THAT(Fields(VisitViolations(v, today)),
              ElementsAre("visit.actual_date"));
  v = ValidVisit();
  v.mutable_planned_date()->set_year(2010);
  v.mutable_planned_date()->set_month(1);
  v.mutable_planned_date()->set_day(1);
  EXPECT_THAT(Fields(VisitViolations(v, today)),
              ElementsAre("visit.planned_date"));
  v = ValidVisit();
  v.mutable_actual_date()->set_month(13);
  EXPECT_THAT(Fields(VisitViolations(v, today)),
              ElementsAre("visit.actual_date"));
}

}  // namespace
}  // namespace csm::customer
