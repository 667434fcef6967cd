#include <gmock/gmock.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <regex>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/business_time.h"
#include "tools/demo_data_lib.h"

namespace csm::demo {
namespace {

namespace v1 = ::csm::customer::v1;
using ::testing::StartsWith;

const absl::CivilDay kToday(2026, 11, 24);

TEST(UsccTest, KnownCodesAreValid) {
  // Published codes of well-known companies and the standard's example.
  for (const char* code :
       {"91350100M000100Y43", "91330100716105852F", "9144030071526726XG"}) {
    EXPECT_TRUE(IsValidUscc(code)) << code;
  }
  EXPECT_FALSE(IsValidUscc("91350100M000100Y44"));
  EXPECT_FALSE(IsValidUscc("91350100M000100Y4"));
  EXPECT_FALSE(IsValidUscc("91350100M000100I43"));  // I is not in the charset
}

TEST(UsccTest, MadeCodesAreValidWithAValidOrganisationCode) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 1000; ++i) {
    const std::string code = MakeUscc('9', '1', "330106", rng);
    ASSERT_EQ(code.size(), 18u);
    EXPECT_TRUE(IsValidUscc(code)) << code;
    EXPECT_EQ(code.substr(0, 8), "91330106");
    EXPECT_EQ(OrgCodeCheckChar(code.substr(8, 8)), code[16]) << code;
  }
}

TEST(OrgCodeTest, KnownCheckCharacters) {
  // Organisation codes inside the known credit codes above.
  EXPECT_EQ(OrgCodeCheckChar("71610585"), '2');
  EXPECT_EQ(OrgCodeCheckChar("71526726"), 'X');
}

TEST(ResidentIdTest, StandardExampleAndMadeIds) {
  EXPECT_TRUE(IsValidResidentId("11010519491231002X"));
  EXPECT_TRUE(IsValidResidentId("440524188001010014"));
  EXPECT_FALSE(IsValidResidentId("110105194912310021"));
  EXPECT_EQ(MakeResidentId("110105", absl::CivilDay(1949, 12, 31), 2),
            "11010519491231002X");
  const std::string id =
      MakeResidentId("330106", absl::CivilDay(1968, 3, 15), 37);
  EXPECT_EQ(id.substr(0, 17), "33010619680315037");
  EXPECT_TRUE(IsValidResidentId(id));
}

TEST(MobileTest, MadeNumbersAreValid) {
  std::mt19937_64 rng(3);
  for (int i = 0; i < 1000; ++i) {
    const std::string m = MakeMobile(rng);
    EXPECT_TRUE(IsValidMobile(m)) << m;
  }
  EXPECT_FALSE(IsValidMobile("12012345678"));
  EXPECT_FALSE(IsValidMobile("1381234567"));
}

TEST(DemoPlanTest, SameSeedSamePlan) {
  const DemoPlan a = BuildDemoPlan(1, kToday);
  const DemoPlan b = BuildDemoPlan(1, kToday);
  ASSERT_EQ(a.customers.size(), b.customers.size());
  for (size_t i = 0; i < a.customers.size(); ++i) {
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(
        a.customers[i].create, b.customers[i].create));
    ASSERT_EQ(a.customers[i].dealings.size(), b.customers[i].dealings.size());
  }
  const DemoPlan c = BuildDemoPlan(2, kToday);
  EXPECT_NE(a.customers[0].create.customer().credit_code(),
            c.customers[0].create.customer().credit_code());
  EXPECT_EQ(c.customers[0].create.request_id(), "demo-2-cust-01");
}

TEST(DemoPlanTest, TeamsAsSpecified) {
  const DemoPlan plan = BuildDemoPlan(1, kToday);
  ASSERT_EQ(plan.teams.size(), 3u);
  std::set<std::string> ids;
  for (const auto& t : plan.teams) {
    ids.insert(t.team_id());
    EXPECT_GE(t.team().member_ids_size(), 3);
    EXPECT_LE(t.team().member_ids_size(), 5);
    EXPECT_EQ(t.request_id(), "demo-1-team-" + t.team_id());
  }
  EXPECT_EQ(ids, (std::set<std::string>{"east-sales", "key-accounts",
                                        "north-service"}));
}

class DemoPlanSeedTest : public ::testing::TestWithParam<uint64_t> {};

INSTANTIATE_TEST_SUITE_P(Seeds, DemoPlanSeedTest,
                         ::testing::Values(1, 2, 3, 42, 2026));

TEST_P(DemoPlanSeedTest, EveryArchiveIsValidAndUnowned) {
  const DemoPlan plan = BuildDemoPlan(GetParam(), kToday);
  ASSERT_GE(plan.customers.size(), 30u);
  std::set<std::string> teams;
  for (const auto& t : plan.teams) teams.insert(t.team_id());
  std::set<std::string> codes;
  std::set<std::string> request_ids;
  std::map<v1::CustomerKind, int> kinds;
  std::map<v1::LifecycleStatus, int> lifecycles;
  std::set<v1::AcquisitionChannel> channels;
  const std::regex email(R"([a-z0-9.]+@[a-z0-9.-]+\.[a-z]+)");
  const std::regex landline(R"(0\d{2,3}-\d{7,8})");
  for (const CustomerPlan& p : plan.customers) {
    const v1::Customer& c = p.create.customer();
    SCOPED_TRACE(c.display_name());
    EXPECT_TRUE(request_ids.insert(p.create.request_id()).second);
    EXPECT_TRUE(codes.insert(c.credit_code()).second);
    if (c.kind() == v1::CUSTOMER_KIND_INDIVIDUAL) {
      EXPECT_TRUE(IsValidResidentId(c.credit_code())) << c.credit_code();
      EXPECT_EQ(c.contacts_size(), 1);
    } else {
      EXPECT_TRUE(IsValidUscc(c.credit_code())) << c.credit_code();
      EXPECT_EQ(c.credit_code()[0], c.kind() == v1::CUSTOMER_KIND_ENTERPRISE
                                        ? '9'
                                        : c.credit_code()[0]);
      EXPECT_FALSE(c.legal_representative().empty());
      EXPECT_GE(c.contacts_size(), 1);
      EXPECT_LE(c.contacts_size(), 3);
    }
    EXPECT_TRUE(c.owner_id().empty());
    EXPECT_EQ(teams.count(c.team()), 1u) << c.team();
    EXPECT_FALSE(c.province().empty());
    EXPECT_FALSE(c.city().empty());
    EXPECT_FALSE(c.address().empty());
    int primaries = 0;
    for (const v1::Contact& contact : c.contacts()) {
      primaries += contact.primary() ? 1 : 0;
      ASSERT_GE(contact.phones_size(), 1);
      EXPECT_TRUE(IsValidMobile(contact.phones(0))) << contact.phones(0);
      for (int i = 1; i < contact.phones_size(); ++i) {
        EXPECT_TRUE(std::regex_match(contact.phones(i), landline))
            << contact.phones(i);
      }
      EXPECT_TRUE(std::regex_match(contact.email(), email)) << contact.email();
    }
    EXPECT_EQ(primaries, 1);
    ++kinds[c.kind()];
    ++lifecycles[c.lifecycle_status()];
    channels.insert(c.acquisition_channel());
  }
  EXPECT_GE(kinds[v1::CUSTOMER_KIND_ENTERPRISE], 20);
  EXPECT_GE(kinds[v1::CUSTOMER_KIND_INSTITUTION], 3);
  EXPECT_GE(kinds[v1::CUSTOMER_KIND_INDIVIDUAL], 3);
  EXPECT_EQ(lifecycles.size(), 4u);
  EXPECT_GE(channels.size(), 4u);
}

TEST(DemoPlanTest, FollowUpsAsSpecified) {
  const DemoPlan plan = BuildDemoPlan(1, kToday);
  int graded = 0, credit = 0, transfers = 0, closes = 0, dealings = 0;
  std::set<std::string> request_ids;
  for (const CustomerPlan& p : plan.customers) {
    graded += p.grade_changes.empty() ? 0 : 1;
    credit += p.credit_change ? 1 : 0;
    transfers += p.transfer ? 1 : 0;
    closes += p.close ? 1 : 0;
    for (const auto& g : p.grade_changes) {
      EXPECT_FALSE(g.reason().empty());
      EXPECT_NE(g.grade(), v1::GRADE_UNSPECIFIED);
      EXPECT_TRUE(request_ids.insert(g.request_id()).second);
      EXPECT_THAT(g.request_id(), StartsWith("demo-1-" + p.key + "-grade-"));
    }
    for (const auto& d : p.dealings) {
      ++dealings;
      EXPECT_TRUE(request_ids.insert(d.request_id()).second);
      const auto& date = d.dealing().deal_date();
      const absl::CivilDay day(date.year(), date.month(), date.day());
      EXPECT_EQ(day.year(), 2026);
      EXPECT_LE(day, kToday);
      EXPECT_EQ(day.month(), date.month());  // a real calendar date
      EXPECT_EQ(day.day(), date.day());
      EXPECT_GE(d.dealing().amount_fen(), 0);
      EXPECT_EQ(d.dealing().amount_fen() % 100, 0);
      if (d.dealing().kind() != v1::DEALING_KIND_CONSULTATION) {
        EXPECT_GT(d.dealing().amount_fen(), 0);
      }
    }
  }
  const int n = static_cast<int>(plan.customers.size());
  EXPECT_GE(graded, n / 4);
  EXPECT_LE(graded, n / 2);
  EXPECT_GE(credit, 3);
  EXPECT_EQ(transfers, 1);
  EXPECT_EQ(closes, 1);
  EXPECT_GE(dealings, n);
}

TEST(DemoPlanTest, DatesStayInThePastEarlyInTheYear) {
  for (absl::CivilDay today :
       {absl::CivilDay(2026, 1, 5), absl::CivilDay(2026, 3, 1)}) {
    const DemoPlan plan = BuildDemoPlan(1, today);
    for (const CustomerPlan& p : plan.customers) {
      for (const auto& d : p.dealings) {
        const auto& date = d.dealing().deal_date();
        EXPECT_LE(absl::CivilDay(date.year(), date.month(), date.day()), today);
      }
    }
  }
}

TEST_P(DemoPlanSeedTest, ContainsLikelyDuplicates) {
  const DemoPlan plan = BuildDemoPlan(GetParam(), kToday);
  std::map<std::string, std::string> phone_owner;
  int shared_phones = 0;
  std::set<std::string> names;
  for (const CustomerPlan& p : plan.customers) {
    names.insert(p.create.customer().display_name());
    const std::string& phone = p.create.customer().contacts(0).phones(0);
    if (!phone_owner.emplace(phone, p.key).second) ++shared_phones;
  }
  EXPECT_EQ(shared_phones, 1);
  EXPECT_TRUE(names.count("杭州云帆科技") &&
              names.count("杭州云帆科技有限公司"));
  EXPECT_TRUE(names.count("明达（深圳）供应链管理有限公司") &&
              names.count("明达(深圳)供应链管理有限公司"));
}

TEST_P(DemoPlanSeedTest, CommunicationsWithPromisesOneOverdue) {
  const DemoPlan plan = BuildDemoPlan(GetParam(), kToday);
  const absl::TimeZone shanghai = csm::BusinessTimeZone();
  int contacts = 0, promises = 0, overdue = 0, kept = 0;
  std::set<std::string> request_ids;
  for (const CustomerPlan& p : plan.customers) {
    if (p.close) {
      EXPECT_THAT(p.communications, ::testing::IsEmpty());
    }
    int64_t previous = 0;
    for (const CommunicationStep& step : p.communications) {
      ++contacts;
      const v1::Communication& c = step.record.communication();
      EXPECT_THAT(
          step.record.request_id(),
          StartsWith(absl::StrCat("demo-", GetParam(), "-", p.key, "-comm-")));
      EXPECT_TRUE(request_ids.insert(step.record.request_id()).second);
      EXPECT_NE(c.channel(), v1::COMMUNICATION_CHANNEL_UNSPECIFIED);
      EXPECT_FALSE(c.summary().empty());
      EXPECT_GE(c.contact_time().seconds(), previous);  // oldest first
      previous = c.contact_time().seconds();
      const absl::CivilDay day = absl::ToCivilDay(
          absl::FromUnixSeconds(c.contact_time().seconds()), shanghai);
      EXPECT_LT(day, kToday);
      EXPECT_GE(day, kToday - 60);
      if (!c.has_promise()) {
        EXPECT_FALSE(step.keep.has_value());
        continue;
      }
      ++promises;
      EXPECT_FALSE(c.promise().description().empty());
      EXPECT_GE(c.promise().within_days(), 1);
      const absl::CivilDay due = day + c.promise().within_days();
      if (due < kToday) {
        ++overdue;
        EXPECT_FALSE(step.keep.has_value());
      }
      if (step.keep) {
        ++kept;
        EXPECT_EQ(step.keep->request_id(), step.record.request_id() + "-keep");
      }
    }
  }
  EXPECT_GE(contacts, static_cast<int>(plan.customers.size()));
  EXPECT_GE(promises, 3);
  EXPECT_EQ(overdue, 1);
  EXPECT_GE(kept, 1);
}

TEST_P(DemoPlanSeedTest, VisitPlansForAboutHalfTheEnterprises) {
  const DemoPlan plan = BuildDemoPlan(GetParam(), kToday);
  int enterprises = 0, plans = 0, unvisited_long_ago = 0, sms = 0,
      sms_streak_plans = 0, visits = 0;
  for (const CustomerPlan& p : plan.customers) {
    const bool enterprise =
        p.create.customer().kind() == v1::CUSTOMER_KIND_ENTERPRISE;
    enterprises += enterprise ? 1 : 0;
    if (!enterprise || p.close) {
      EXPECT_THAT(p.visit_plans, ::testing::IsEmpty());
    }
    for (const VisitPlanStep& step : p.visit_plans) {
      ++plans;
      const auto& d = step.create.visit_plan().delivery_date();
      const absl::CivilDay delivery(d.year(), d.month(), d.day());
      EXPECT_EQ(delivery.day(), d.day());  // a real date
      const absl::CivilMonth months(kToday);
      const int64_t age = months - absl::CivilMonth(delivery);
      EXPECT_GE(age, 2);
      EXPECT_LE(age, 20);
      EXPECT_FALSE(step.create.visit_plan().project().empty());
      if (step.visits.empty() && age >= 8) ++unvisited_long_ago;
      absl::CivilDay previous = delivery;
      int in_a_row = 0;
      int longest = 0;
      for (const v1::RecordVisitRequest& v : step.visits) {
        ++visits;
        const auto& a = v.visit().actual_date();
        const absl::CivilDay actual(a.year(), a.month(), a.day());
        EXPECT_GT(actual, previous);  // recorded as they happened
        EXPECT_LT(actual, kToday);
        previous = actual;
        EXPECT_NE(v.visit().satisfaction(),
                  csm::common::v1::SATISFACTION_UNSPECIFIED);
        EXPECT_THAT(v.request_id(),
                    StartsWith(step.create.request_id() + "-visit-"));
        if (v.visit().method() == v1::VISIT_METHOD_SMS) {
          ++sms;
          longest = std::max(longest, ++in_a_row);
        } else {
          in_a_row = 0;
        }
      }
      if (longest >= 3) {
        ++sms_streak_plans;
        EXPECT_EQ(in_a_row, 3);  // the plan ends on it: it stays due
      }
    }
  }
  EXPECT_GE(plans, enterprises / 3);
  EXPECT_LE(plans, enterprises * 2 / 3);
  EXPECT_EQ(unvisited_long_ago, 3);
  EXPECT_EQ(sms_streak_plans, 1);
  EXPECT_GT(sms, 3);
  EXPECT_GE(visits, 20);
}

}  // namespace
}  // namespace csm::demo
