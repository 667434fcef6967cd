// csm.customer.v1.CommunicationService through real gRPC against MariaDB:
// recording and listing contacts (沟通记录), promises (承诺在N天内解决) kept,
// overdue, broken by the sweep and kept late.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/business_time.h"
#include "customer-svc/testing/visit_test_support.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace csm::customer::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const absl::TimeZone kShanghai = csm::BusinessTimeZone();

class CommunicationApiTest : public VisitApiFixture {
 protected:
  void SetUp() override {
    VisitApiFixture::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_NO_FATAL_FAILURE(CreateStandardTeam());
    customer_ = MustCreateCustomer("杭州沟通科技有限公司", 31, "li.na");
  }

  static v1::Communication Contact(v1::CommunicationChannel channel,
                                   absl::Time when,
                                   const std::string& summary) {
    v1::Communication c;
    c.set_channel(channel);
    c.mutable_contact_time()->set_seconds(absl::ToUnixSeconds(when));
    c.set_summary(summary);
    c.set_customer_requests("希望尽快安排工程师");
    return c;
  }

  grpc::Status Record(const std::string& staff, const v1::Communication& c,
                      v1::Communication* out, const std::string& parent = "") {
    v1::RecordCommunicationRequest req;
    req.set_parent(parent.empty() ? customer_.name() : parent);
    *req.mutable_communication() = c;
    return Call(communications_, &CommunicationStub::RecordCommunication, staff,
                req, out);
  }

  v1::Communication MustRecord(const std::string& staff,
                               const v1::Communication& c) {
    v1::Communication out;
    const grpc::Status s = Record(staff, c, &out);
    EXPECT_TRUE(s.ok()) << Describe(s);
    return out;
  }

  // Names of every page.
  grpc::Status List(const std::string& parent, const std::string& filter,
                    std::vector<std::string>* names, int page_size = 2) {
    names->clear();
    v1::ListCommunicationsRequest req;
    req.set_parent(parent);
    req.set_filter(filter);
    req.set_page_size(page_size);
    for (int i = 0; i < 20; ++i) {
      v1::ListCommunicationsResponse resp;
      const grpc::Status s =
          Call(communications_, &CommunicationStub::ListCommunications,
               "zhao.lei", req, &resp);
      if (!s.ok()) return s;
      for (const auto& c : resp.communications()) names->push_back(c.name());
      if (resp.next_page_token().empty()) break;
      req.set_page_token(resp.next_page_token());
    }
    return grpc::Status::OK;
  }

  grpc::Status Keep(const std::string& staff, const std::string& name,
                    v1::Communication* out) {
    v1::KeepPromiseRequest req;
    req.set_name(name);
    req.set_note("已上门更换配件，客户确认");
    return Call(communications_, &CommunicationStub::KeepPromise, staff, req,
                out);
  }

  grpc::Status Overdue(const std::string& staff, const std::string& of,
                       std::vector<std::string>* names) {
    names->clear();
    v1::ListOverduePromisesRequest req;
    req.set_staff_id(of);
    v1::ListOverduePromisesResponse resp;
    const grpc::Status s =
        Call(communications_, &CommunicationStub::ListOverduePromises, staff,
             req, &resp);
    for (const auto& c : resp.communications()) names->push_back(c.name());
    return s;
  }

  v1::Customer customer_;
};

TEST_F(CommunicationApiTest, RecordedContactsAreListedNewestFirst) {
  const absl::Time now = clock_.Now();
  const v1::Communication call = MustRecord(
      "li.na", Contact(v1::COMMUNICATION_CHANNEL_PHONE, now - absl::Hours(5),
                       "客户来电咨询保养周期"));
  EXPECT_EQ(call.staff_id(), "li.na");  // defaults to the caller
  EXPECT_EQ(call.recorder().staff_id(), "li.na");
  EXPECT_EQ(call.recorder().department(), "客服部");
  EXPECT_FALSE(call.has_promise());
  EXPECT_TRUE(call.has_create_time());

  // Whoever took the contact records it: another agent, a service, the GM.
  v1::Communication visit =
      Contact(v1::COMMUNICATION_CHANNEL_VISIT, now - absl::Hours(30),
              "上门拜访，了解二期需求");
  visit.set_staff_id("wang.fang");
  const v1::Communication on_site = MustRecord("sup", visit);
  EXPECT_EQ(on_site.staff_id(), "wang.fang");
  EXPECT_EQ(on_site.recorder().staff_id(), "sup");
  const v1::Communication mail = MustRecord(
      "reporting-svc", Contact(v1::COMMUNICATION_CHANNEL_EMAIL,
                               now - absl::Hours(2), "邮件确认报价"));
  const v1::Communication sms =
      MustRecord("gm", Contact(v1::COMMUNICATION_CHANNEL_SMS,
                               now - absl::Hours(50), "短信通知到货"));
  // Within the clock skew allowed: two minutes "ahead" is now.
  const v1::Communication skew =
      MustRecord("li.na", Contact(v1::COMMUNICATION_CHANNEL_PHONE,
                                  now + absl::Minutes(2), "客户回电"));
  const v1::Customer other = MustCreateCustomer("另一家公司", 32, "wang.fang");
  v1::Communication elsewhere;
  CSM_ASSERT_OK(Record("wang.fang",
                       Contact(v1::COMMUNICATION_CHANNEL_PHONE,
                               now - absl::Hours(1), "另一客户来电"),
                       &elsewhere, other.name()));

  std::vector<std::string> names;
  CSM_ASSERT_OK(List(customer_.name(), "", &names));
  EXPECT_THAT(names, ElementsAre(skew.name(), mail.name(), call.name(),
                                 on_site.name(), sms.name()));
  CSM_ASSERT_OK(List("customers/-", "", &names, 4));
  EXPECT_THAT(names, ElementsAre(skew.name(), elsewhere.name(), mail.name(),
                                 call.name(), on_site.name(), sms.name()));
  CSM_ASSERT_OK(
      List("customers/-", "channel = COMMUNICATION_CHANNEL_PHONE", &names));
  EXPECT_THAT(names, ElementsAre(skew.name(), elsewhere.name(), call.name()));
  CSM_ASSERT_OK(List(customer_.name(), "staff_id = \"wang.fang\"", &names));
  EXPECT_THAT(names, ElementsAre(on_site.name()));
  const std::string since =
      absl::FormatTime(absl::RFC3339_sec, now - absl::Hours(6), kShanghai);
  CSM_ASSERT_OK(
      List(customer_.name(),
           absl::StrCat("contact_time >= \"", since,
                        "\" AND channel != COMMUNICATION_CHANNEL_EMAIL"),
           &names));
  EXPECT_THAT(names, ElementsAre(skew.name(), call.name()));

  grpc::Status s = List(customer_.name(), "summary = \"x\"", &names);
  EXPECT_THAT(ViolationFields(s), ElementsAre("filter"));
  s = List(customer_.name(), "contact_time > \"yesterday\"", &names);
  EXPECT_THAT(ViolationFields(s), ElementsAre("filter"));
  CSM_EXPECT_CODE(List("customers/999999", "", &names),
                  grpc::StatusCode::NOT_FOUND);

  const auto events = OutboxEvents<ev::CommunicationRecorded>();
  ASSERT_EQ(events.size(), 6u);
  EXPECT_EQ(events[0].communication(), call.name());
  EXPECT_EQ(events[0].channel(), "COMMUNICATION_CHANNEL_PHONE");
  EXPECT_EQ(events[0].staff_id(), "li.na");
  EXPECT_FALSE(events[0].has_promise());
  EXPECT_EQ(events[0].customer().name(), customer_.name());
  // When the contact happened, not when it was recorded.
  EXPECT_EQ(FromProtoTimestamp(events[0].contact_time()),
            FromProtoTimestamp(call.contact_time()));
  EXPECT_EQ(FromProtoTimestamp(events[3].contact_time()),
            FromProtoTimestamp(sms.contact_time()));
  // The archive's completeness fields (names, never values) and creation.
  EXPECT_THAT(events[0].customer().filled_fields(),
              ElementsAre("acquisition_channel", "city", "contact_email",
                          "contact_phone", "contact_title", "credit_code",
                          "display_name", "industry", "kind", "province"));
  EXPECT_EQ(FromProtoTimestamp(events[0].customer().create_time()),
            FromProtoTimestamp(customer_.create_time()));
}

TEST_F(CommunicationApiTest, BadContactsAreRefused) {
  const absl::Time now = clock_.Now();
  v1::Communication out;
  grpc::Status s = Record("li.na", v1::Communication(), &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(s);
  EXPECT_THAT(ViolationFields(s),
              ElementsAre("communication.channel", "communication.contact_time",
                          "communication.summary"));

  s = Record("li.na",
             Contact(v1::COMMUNICATION_CHANNEL_PHONE, now + absl::Minutes(10),
                     "未来的来电"),
             &out);
  EXPECT_THAT(ViolationFields(s), ElementsAre("communication.contact_time"));

  v1::Communication c =
      Contact(v1::COMMUNICATION_CHANNEL_PHONE, now, "承诺上门");
  c.mutable_promise()->set_description("三天内上门检修");
  c.mutable_promise()->set_within_days(3);
  *c.mutable_promise()->mutable_due_date() = ProtoDay(Today() + 3);
  s = Record("li.na", c, &out);
  EXPECT_THAT(ViolationFields(s), ElementsAre("communication.promise"));
  c.mutable_promise()->clear_due_date();
  c.mutable_promise()->set_within_days(400);
  s = Record("li.na", c, &out);
  EXPECT_THAT(ViolationFields(s),
              ElementsAre("communication.promise.within_days"));
  c.mutable_promise()->set_within_days(0);
  *c.mutable_promise()->mutable_due_date() = ProtoDay(Today() - 1);
  s = Record("li.na", c, &out);
  EXPECT_THAT(ViolationFields(s),
              ElementsAre("communication.promise.due_date"));
  c.set_summary(std::string(2001, 'x'));
  *c.mutable_promise()->mutable_due_date() = ProtoDay(Today());
  s = Record("li.na", c, &out);
  EXPECT_THAT(ViolationFields(s), ElementsAre("communication.summary"));

  CSM_EXPECT_CODE(
      Record("li.na", Contact(v1::COMMUNICATION_CHANNEL_PHONE, now, "来电"),
             &out, "customers/999999"),
      grpc::StatusCode::NOT_FOUND);

  // A closed archive takes no new records.
  v1::CloseCustomerRequest close;
  close.set_name(customer_.name());
  close.set_reason("客户已注销");
  v1::Customer closed;
  CSM_ASSERT_OK(
      Call(customers_, &CustomerStub::CloseCustomer, "sup", close, &closed));
  CSM_EXPECT_CODE(
      Record("li.na", Contact(v1::COMMUNICATION_CHANNEL_PHONE, now, "来电"),
             &out),
      grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(OutboxEvents<ev::CommunicationRecorded>(), IsEmpty());
}

TEST_F(CommunicationApiTest, PromiseDueDateCountsFromTheContactsShanghaiDate) {
  // 07:00 in Shanghai yesterday is still the day before in UTC.
  const absl::CivilDay yesterday = Today() - 1;
  const absl::Time contact =
      absl::FromCivil(absl::CivilSecond(yesterday.year(), yesterday.month(),
                                        yesterday.day(), 7, 0, 0),
                      kShanghai);
  v1::Communication c =
      Contact(v1::COMMUNICATION_CHANNEL_PHONE, contact, "设备异响");
  c.mutable_promise()->set_description("承诺3天内派工程师上门");
  c.mutable_promise()->set_within_days(3);
  const v1::Communication m = MustRecord("li.na", c);
  ASSERT_TRUE(m.has_promise());
  EXPECT_EQ(DayOf(m.promise().due_date()), yesterday + 3);
  EXPECT_EQ(m.promise().state(), v1::PROMISE_STATE_OPEN);
  EXPECT_EQ(m.promise().within_days(), 0);
  EXPECT_FALSE(m.promise().kept_late());

  const auto events = OutboxEvents<ev::CommunicationRecorded>();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(events[0].has_promise());
  EXPECT_EQ(DayOf(events[0].promise_due_date()), yesterday + 3);
}

TEST_F(CommunicationApiTest, PromisesKeptOverdueBrokenAndKeptLate) {
  const absl::Time now = clock_.Now();
  auto promise = [&](int within_days, const std::string& what) {
    v1::Communication c =
        Contact(v1::COMMUNICATION_CHANNEL_PHONE, now, "客户报修");
    c.mutable_promise()->set_description(what);
    c.mutable_promise()->set_within_days(within_days);
    return MustRecord("li.na", c);
  };
  const v1::Communication soon = promise(2, "两天内上门");
  const v1::Communication later = promise(5, "五天内寄送配件");
  const v1::Communication kept = promise(1, "明天回电");
  const v1::Communication plain = MustRecord(
      "li.na", Contact(v1::COMMUNICATION_CHANNEL_PHONE, now, "普通来电"));

  // Kept in time by the one who promised.
  v1::Communication out;
  CSM_EXPECT_CODE(Keep("wang.fang", kept.name(), &out),
                  grpc::StatusCode::PERMISSION_DENIED);
  CSM_ASSERT_OK(Keep("li.na", kept.name(), &out));
  EXPECT_EQ(out.promise().state(), v1::PROMISE_STATE_KEPT);
  EXPECT_FALSE(out.promise().kept_late());
  EXPECT_EQ(out.promise().kept_note(), "已上门更换配件，客户确认");
  EXPECT_TRUE(out.promise().has_kept_time());
  CSM_EXPECT_CODE(Keep("li.na", kept.name(), &out),
                  grpc::StatusCode::FAILED_PRECONDITION);
  CSM_EXPECT_CODE(Keep("li.na", plain.name(), &out),
                  grpc::StatusCode::FAILED_PRECONDITION);

  std::vector<std::string> names;
  CSM_ASSERT_OK(Overdue("li.na", "", &names));
  EXPECT_THAT(names, IsEmpty());

  // Three days on, the two-day promise is overdue even before the sweep.
  clock_.Advance(absl::Hours(72));
  CSM_ASSERT_OK(Overdue("li.na", "", &names));
  EXPECT_THAT(names, ElementsAre(soon.name()));
  CSM_EXPECT_CODE(Overdue("wang.fang", "li.na", &names),
                  grpc::StatusCode::PERMISSION_DENIED);
  CSM_ASSERT_OK(Overdue("sup", "li.na", &names));
  EXPECT_THAT(names, ElementsAre(soon.name()));

  // The sweep marks it broken, once.
  auto swept = server_->RunSweepOnce();
  ASSERT_TRUE(swept.ok()) << swept.status();
  EXPECT_EQ(*swept, 1);
  swept = server_->RunSweepOnce();
  ASSERT_TRUE(swept.ok()) << swept.status();
  EXPECT_EQ(*swept, 0);
  auto broken = OutboxEvents<ev::PromiseBroken>();
  ASSERT_EQ(broken.size(), 1u);
  EXPECT_EQ(broken[0].communication(), soon.name());
  EXPECT_EQ(broken[0].staff_id(), "li.na");
  EXPECT_EQ(DayOf(broken[0].due_date()), DayOf(soon.promise().due_date()));

  // Oldest due first once the five-day one is overdue too.
  clock_.Advance(absl::Hours(72));
  CSM_ASSERT_OK(Overdue("li.na", "", &names));
  EXPECT_THAT(names, ElementsAre(soon.name(), later.name()));

  // Kept after it broke: late. The archive's owner's supervisor may mark it.
  CSM_ASSERT_OK(Keep("sup", soon.name(), &out));
  EXPECT_EQ(out.promise().state(), v1::PROMISE_STATE_KEPT);
  EXPECT_TRUE(out.promise().kept_late());
  // Past due but not swept yet: late all the same.
  CSM_ASSERT_OK(Keep("li.na", later.name(), &out));
  EXPECT_TRUE(out.promise().kept_late());
  CSM_ASSERT_OK(Overdue("li.na", "", &names));
  EXPECT_THAT(names, IsEmpty());

  const auto kept_events = OutboxEvents<ev::PromiseKept>();
  ASSERT_EQ(kept_events.size(), 3u);
  EXPECT_EQ(kept_events[0].communication(), kept.name());
  EXPECT_FALSE(kept_events[0].late());
  EXPECT_EQ(kept_events[1].communication(), soon.name());
  EXPECT_TRUE(kept_events[1].late());
  EXPECT_EQ(kept_events[1].staff_id(), "li.na");
  // The due date the promise-kept rate counts by.
  EXPECT_EQ(DayOf(kept_events[0].due_date()), DayOf(kept.promise().due_date()));
  EXPECT_EQ(DayOf(kept_events[1].due_date()), DayOf(soon.promise().due_date()));
  // Kept promises are never broken afterwards.
  swept = server_->RunSweepOnce();
  ASSERT_TRUE(swept.ok()) << swept.status();
  EXPECT_EQ(*swept, 0);
  EXPECT_EQ(OutboxEvents<ev::PromiseBroken>().size(), 1u);
}

}  // namespace
}  // namespace csm::customer::testing
