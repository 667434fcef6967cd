// ComplaintService through real gRPC, with BOTH services and the real
// MariaDB (complaint_api_fixture.h): the lifecycle, the timeline, the
// escalation sweep, the same-matter rule, errors.

#include <atomic>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "common/business_time.h"
#include "complaint-svc/testing/complaint_api_fixture.h"
#include "google/protobuf/util/message_differencer.h"

namespace csm::complaint {
namespace {

namespace ev = ::csm::events::v1;
using fixture::At;
using fixture::ComplaintApiFixture;
using fixture::Describe;
using fixture::TimeOf;
using fixture::ViolationFields;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsSupersetOf;
using ::testing::UnorderedElementsAre;

class ComplaintApiTest : public ComplaintApiFixture {};

TEST_F(ComplaintApiTest, FullPathWithTransferTimelineAndDepartmentTimes) {
  v1::Complaint c = MustRegister("投诉客服响应慢");
  EXPECT_TRUE(
      std::regex_match(c.complaint_number(), std::regex("TS202611-[0-9]{6}")))
      << c.complaint_number();
  EXPECT_EQ(c.state(), v1::COMPLAINT_STATE_REGISTERED);
  EXPECT_EQ(c.customer(), customer_);
  EXPECT_EQ(c.customer_display_name(), "杭州云帆科技有限公司");
  EXPECT_EQ(c.customer_grade(), "C");
  EXPECT_EQ(c.customer_owner_id(), "li.na");
  EXPECT_EQ(c.first_responder_id(), "li.na");
  EXPECT_EQ(c.first_responder_department(), "客服部");
  EXPECT_EQ(c.handling_department(), "客服部");
  EXPECT_EQ(c.handler_id(), "");
  EXPECT_EQ(c.repeat_contacts(), 0);  // nobody called about it again yet
  // Normal: acknowledge within 240 working minutes, opinion by the end of
  // the 2nd working day.
  EXPECT_EQ(TimeOf(DeadlineOf(c, v1::DEADLINE_KIND_ACKNOWLEDGE).due_time()),
            At(2026, 11, 2, 14, 30));
  EXPECT_EQ(
      TimeOf(DeadlineOf(c, v1::DEADLINE_KIND_HANDLING_OPINION).due_time()),
      At(2026, 11, 4, 17, 30));

  v1::Complaint out;
  clock_.Advance(absl::Minutes(30));
  CX_ASSERT_OK(Accept("li.na", c.name(), &out, c.etag()));
  EXPECT_EQ(out.state(), v1::COMPLAINT_STATE_ACCEPTED);
  EXPECT_EQ(out.handler_id(), "li.na");
  EXPECT_EQ(TimeOf(DeadlineOf(out, v1::DEADLINE_KIND_ACKNOWLEDGE).met_time()),
            At(2026, 11, 2, 9, 30));

  // 客服部 held it 2 working hours, then 技术服务部 takes over.
  clock_.Set(At(2026, 11, 2, 11, 0));
  CX_ASSERT_OK(Transfer("sup", c.name(), "技术服务部", &out));
  EXPECT_EQ(out.state(), v1::COMPLAINT_STATE_TRANSFERRED);
  EXPECT_EQ(out.handling_department(), "技术服务部");
  ASSERT_NE(DeptTime(out, "客服部"), nullptr);
  EXPECT_EQ(DeptTime(out, "客服部")->working_minutes(), 120);
  EXPECT_EQ(DeptTime(out, "技术服务部")->working_minutes(), 0);

  // The receiving department accepts; an agent of another department may
  // not.
  CX_EXPECT_CODE(Accept("wang.fang", c.name(), &out),
                 grpc::StatusCode::PERMISSION_DENIED);
  clock_.Set(At(2026, 11, 2, 14, 0));
  CX_ASSERT_OK(Accept("tech.zhou", c.name(), &out));
  EXPECT_EQ(out.handler_id(), "tech.zhou");
  CX_ASSERT_OK(Start("tech.zhou", c.name(), &out));
  EXPECT_EQ(out.state(), v1::COMPLAINT_STATE_IN_PROGRESS);
  clock_.Set(At(2026, 11, 2, 16, 0));
  CX_ASSERT_OK(Resolve("tech.zhou", c.name(), &out));
  EXPECT_EQ(out.state(), v1::COMPLAINT_STATE_RESOLVED);
  EXPECT_EQ(out.resolution().resolver_id(), "tech.zhou");
  EXPECT_FALSE(DeadlineOf(out, v1::DEADLINE_KIND_HANDLING_OPINION).breached());
  // 11:00–16:00 is 60 + 150 working minutes.
  EXPECT_EQ(DeptTime(out, "技术服务部")->working_minutes(), 210);
  CX_ASSERT_OK(Confirm("li.na", c.name(),
                       csm::common::v1::SATISFACTION_SATISFIED, &out));
  EXPECT_EQ(out.state(), v1::COMPLAINT_STATE_CONFIRMED);
  CX_ASSERT_OK(Close("li.na", c.name(), &out));
  EXPECT_EQ(out.state(), v1::COMPLAINT_STATE_CLOSED);
  EXPECT_EQ(out.return_visit().staff_id(), "li.na");
  EXPECT_TRUE(out.has_close_time());

  EXPECT_THAT(StepActions(c.name()),
              ElementsAre("register", "accept", "transfer", "accept", "start",
                          "resolve", "confirm", "close"));

  // Reopen after close.
  CX_ASSERT_OK(Reopen("li.na", c.name(), &out));
  EXPECT_EQ(out.state(), v1::COMPLAINT_STATE_REOPENED);
  EXPECT_EQ(out.reopen_count(), 1);
  EXPECT_FALSE(out.has_close_time());

  std::vector<std::string> types = EventTypes(c.name());
  EXPECT_THAT(types, IsSupersetOf({"csm.events.v1.ComplaintRegistered",
                                   "csm.events.v1.ComplaintTransferred",
                                   "csm.events.v1.ComplaintResolved",
                                   "csm.events.v1.ComplaintConfirmed",
                                   "csm.events.v1.ComplaintClosed",
                                   "csm.events.v1.ComplaintStateChanged"}));
  for (const ev::Event& e : AllEvents()) {
    if (e.event_type() != "csm.events.v1.ComplaintResolved") continue;
    ev::ComplaintResolved resolved;
    ASSERT_TRUE(e.payload().UnpackTo(&resolved));
    EXPECT_EQ(resolved.notify_first_responder_id(), "li.na");
    EXPECT_TRUE(resolved.handling_opinion_on_time());
    EXPECT_EQ(resolved.complaint().state(), "COMPLAINT_STATE_RESOLVED");
  }
}

TEST_F(ComplaintApiTest, DissatisfiedConfirmationReopensAndIllegalMoves) {
  v1::Complaint c = MustRegister("服务态度差");
  v1::Complaint out;
  const grpc::Status illegal = Resolve("li.na", c.name(), &out);
  EXPECT_EQ(illegal.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(illegal.error_message(),
            "cannot resolve a complaint in state REGISTERED; allowed: accept, "
            "transfer, reject, reclassify, reassign");
  CX_ASSERT_OK(Accept("li.na", c.name(), &out));
  CX_ASSERT_OK(Start("li.na", c.name(), &out));
  CX_ASSERT_OK(Resolve("li.na", c.name(), &out));
  CX_EXPECT_CODE(Close("li.na", c.name(), &out),
                 grpc::StatusCode::FAILED_PRECONDITION);
  CX_ASSERT_OK(Confirm("li.na", c.name(),
                       csm::common::v1::SATISFACTION_VERY_DISSATISFIED, &out));
  EXPECT_EQ(out.state(), v1::COMPLAINT_STATE_REOPENED);
  EXPECT_EQ(out.reopen_count(), 1);
  EXPECT_EQ(out.satisfaction(),
            csm::common::v1::SATISFACTION_VERY_DISSATISFIED);
  CX_ASSERT_OK(Start("li.na", c.name(), &out));
  EXPECT_EQ(out.state(), v1::COMPLAINT_STATE_IN_PROGRESS);
}

TEST_F(ComplaintApiTest, EscalationLadderExactlyOnceAcrossSweepersAndRestart) {
  v1::Complaint c = MustRegister("安装延误");
  auto a = NewSweeper();
  auto b = NewSweeper();
  // Nothing due yet.
  EXPECT_EQ(*a->sweep->RunOnce(clock_.Now()), 0);
  // 13:42 is 80 % of the 240 working minutes: the warning, once.
  clock_.Set(At(2026, 11, 2, 13, 42));
  EXPECT_EQ(*a->sweep->RunOnce(clock_.Now()), 1);
  EXPECT_EQ(*a->sweep->RunOnce(clock_.Now()), 0);
  // Past the acknowledge deadline: breach and level 1, once.
  clock_.Set(At(2026, 11, 2, 14, 31));
  EXPECT_EQ(*a->sweep->RunOnce(clock_.Now()), 1);
  v1::Complaint got = Get(c.name());
  EXPECT_EQ(got.escalation_level(), v1::ESCALATION_LEVEL_SUPERVISOR);
  EXPECT_TRUE(DeadlineOf(got, v1::DEADLINE_KIND_ACKNOWLEDGE).breached());
  EXPECT_TRUE(DeptTime(got, "客服部")->breached_acknowledge());
  EXPECT_EQ(*b->sweep->RunOnce(clock_.Now()), 0);
  EXPECT_EQ(*a->sweep->RunOnce(clock_.Now()), 0);

  // One step (240 working minutes) later: level 2, from both sweepers
  // running at once, exactly once.
  clock_.Set(At(2026, 11, 3, 10, 0));
  std::atomic<int> total{0};
  std::thread t1([&] { total += *a->sweep->RunOnce(clock_.Now()); });
  std::thread t2([&] { total += *b->sweep->RunOnce(clock_.Now()); });
  t1.join();
  t2.join();
  EXPECT_EQ(total.load(), 1);
  EXPECT_EQ(Get(c.name()).escalation_level(),
            v1::ESCALATION_LEVEL_DEPARTMENT_MANAGER);

  // "Restart": new objects see the stored level and do nothing.
  a.reset();
  b.reset();
  auto restarted = NewSweeper();
  EXPECT_EQ(*restarted->sweep->RunOnce(clock_.Now()), 0);
  clock_.Set(At(2026, 11, 3, 15, 30));
  EXPECT_EQ(*restarted->sweep->RunOnce(clock_.Now()), 1);
  got = Get(c.name());
  EXPECT_EQ(got.escalation_level(), v1::ESCALATION_LEVEL_GENERAL_MANAGER);
  ASSERT_EQ(got.escalations_size(), 3);
  EXPECT_EQ(got.escalations(0).level(), v1::ESCALATION_LEVEL_SUPERVISOR);
  EXPECT_EQ(got.escalations(2).level(), v1::ESCALATION_LEVEL_GENERAL_MANAGER);
  EXPECT_EQ(got.escalations(0).department(), "客服部");
  EXPECT_EQ(*restarted->sweep->RunOnce(clock_.Now()), 0);

  int escalated = 0;
  int warned = 0;
  for (const ev::Event& e : AllEvents()) {
    escalated += e.event_type() == "csm.events.v1.ComplaintEscalated";
    warned += e.event_type() == "csm.events.v1.ComplaintDeadlineWarning";
    if (e.event_type() == "csm.events.v1.ComplaintEscalated") {
      EXPECT_EQ(e.actor(), "system");
    }
  }
  EXPECT_EQ(escalated, 3);
  EXPECT_EQ(warned, 1);
  std::vector<std::string> steps = StepActions(c.name());
  EXPECT_EQ(std::count(steps.begin(), steps.end(), "escalate"), 3);
}

TEST_F(ComplaintApiTest, ManyComplaintsTwoConcurrentSweepersEachLevelOnce) {
  std::vector<v1::Complaint> all;
  for (int i = 0; i < 12; ++i) {
    all.push_back(MustRegister(absl::StrCat("批量问题 ", i)));
  }
  auto a = NewSweeper();
  auto b = NewSweeper();
  clock_.Set(At(2026, 11, 2, 14, 31));
  std::atomic<int> total{0};
  std::thread t1([&] { total += *a->sweep->RunOnce(clock_.Now()); });
  std::thread t2([&] { total += *b->sweep->RunOnce(clock_.Now()); });
  t1.join();
  t2.join();
  EXPECT_EQ(total.load(), 12);
  for (const v1::Complaint& c : all) {
    v1::Complaint got = Get(c.name());
    EXPECT_EQ(got.escalations_size(), 1) << c.name();
  }
}

TEST_F(ComplaintApiTest, MajorComplaintNotifiesGeneralManagerAtRegistration) {
  v1::Complaint c = MustRegister("设备起火", "quality", v1::SEVERITY_MAJOR);
  EXPECT_EQ(c.handling_department(), "技术服务部");
  EXPECT_EQ(TimeOf(DeadlineOf(c, v1::DEADLINE_KIND_ACKNOWLEDGE).due_time()),
            At(2026, 11, 2, 10, 0));
  EXPECT_THAT(StepActions(c.name()),
              ElementsAre("register", "notify_general_manager"));
  EXPECT_THAT(EventTypes(c.name()),
              ElementsAre("csm.events.v1.ComplaintRegistered",
                          "csm.events.v1.GeneralManagerNotified"));
  v1::Complaint normal = MustRegister("小问题");
  EXPECT_THAT(StepActions(normal.name()), ElementsAre("register"));
}

TEST_F(ComplaintApiTest, WaitingOnCustomerStopsTheClock) {
  v1::Complaint c = MustRegister("需要客户提供照片");
  v1::Complaint out;
  CX_ASSERT_OK(Accept("li.na", c.name(), &out));
  CX_ASSERT_OK(Start("li.na", c.name(), &out));
  clock_.Set(At(2026, 11, 2, 10, 0));
  v1::WaitForCustomerRequest wait;
  wait.set_name(c.name());
  wait.set_reason("等待客户提供现场照片");
  CX_ASSERT_OK(Call(&Stub::WaitForCustomer, "li.na", wait, &out));
  EXPECT_TRUE(out.sla_paused());
  // A whole working day passes; the sweep does nothing while paused.
  clock_.Set(At(2026, 11, 3, 10, 0));
  auto sweeper = NewSweeper();
  EXPECT_EQ(*sweeper->sweep->RunOnce(clock_.Now()), 0);
  v1::ResumeHandlingRequest resume;
  resume.set_name(c.name());
  CX_ASSERT_OK(Call(&Stub::ResumeHandling, "li.na", resume, &out));
  EXPECT_FALSE(out.sla_paused());
  EXPECT_EQ(out.paused_working_minutes(), 420);
  EXPECT_EQ(
      TimeOf(DeadlineOf(out, v1::DEADLINE_KIND_HANDLING_OPINION).due_time()),
      At(2026, 11, 5, 17, 30));
  EXPECT_FALSE(DeadlineOf(out, v1::DEADLINE_KIND_HANDLING_OPINION).breached());
}

TEST_F(ComplaintApiTest, SameMatterIsLinkedNotOpenedTwice) {
  v1::RegisterComplaintResponse first;
  CX_ASSERT_OK(
      Register("li.na", NewComplaint("包装破损", "packaging"), &first));
  v1::RegisterComplaintResponse again;
  CX_ASSERT_OK(
      Register("wang.fang", NewComplaint("包装 破损！", "packaging"), &again));
  EXPECT_TRUE(again.linked_to_open_complaint());
  EXPECT_THAT(again.link_reason(), HasSubstr("same category"));
  EXPECT_EQ(again.complaint().name(), first.complaint().name());
  EXPECT_EQ(again.complaint().repeat_contacts(), 1);
  EXPECT_EQ(again.complaint().first_responder_id(), "li.na");
  EXPECT_THAT(StepActions(first.complaint().name()),
              ElementsAre("register", "link"));
  EXPECT_THAT(EventTypes(first.complaint().name()),
              Contains("csm.events.v1.ComplaintLinked"));

  v1::RegisterComplaintResponse other;
  CX_ASSERT_OK(
      Register("li.na", NewComplaint("配送延迟", "packaging"), &other));
  EXPECT_FALSE(other.linked_to_open_complaint());
  EXPECT_NE(other.complaint().name(), first.complaint().name());

  // By reference, whatever the subject.
  v1::RegisterComplaintResponse ref1, ref2;
  CX_ASSERT_OK(Register(
      "li.na", NewComplaint("发票错误", "sales", v1::SEVERITY_NORMAL, "SO-1"),
      &ref1));
  CX_ASSERT_OK(Register(
      "li.na",
      NewComplaint("合同金额不对", "service", v1::SEVERITY_NORMAL, " so-1 "),
      &ref2));
  EXPECT_TRUE(ref2.linked_to_open_complaint());
  EXPECT_EQ(ref2.complaint().name(), ref1.complaint().name());
}

TEST_F(ComplaintApiTest, ConcurrentRegistrationsOfOneMatterOpenOnce) {
  std::vector<std::string> names(4);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      v1::RegisterComplaintResponse resp;
      const grpc::Status s =
          Register("li.na", NewComplaint("同时来电的问题"), &resp);
      EXPECT_TRUE(s.ok()) << Describe(s);
      names[i] = resp.complaint().name();
    });
  }
  for (auto& t : threads) t.join();
  for (const std::string& n : names) EXPECT_EQ(n, names[0]);
  EXPECT_EQ(Get(names[0]).repeat_contacts(), 3);
}

TEST_F(ComplaintApiTest, CustomerServiceDownNothingWritten) {
  // Unknown and closed customers first, while it is up.
  v1::RegisterComplaintResponse resp;
  v1::Complaint unknown = NewComplaint("无此客户");
  unknown.set_customer("customers/999999");
  const grpc::Status nf = Register("li.na", unknown, &resp);
  EXPECT_EQ(nf.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << Describe(nf);
  EXPECT_THAT(nf.error_message(), HasSubstr("does not exist in customer-svc"));

  customer_server_->Shutdown();
  const grpc::Status down =
      Register("li.na", NewComplaint("客户服务不可用时"), &resp, "req-down-1");
  EXPECT_EQ(down.error_code(), grpc::StatusCode::UNAVAILABLE) << Describe(down);
  EXPECT_THAT(down.error_message(),
              HasSubstr("customer-svc is unavailable; nothing was registered; "
                        "retry"));
  v1::ListComplaintsRequest list;
  v1::ListComplaintsResponse listed;
  CX_ASSERT_OK(Call(&Stub::ListComplaints, "gm", list, &listed));
  EXPECT_EQ(listed.complaints_size(), 0);
  // Only the calendar seed's announcement, from the start-up.
  std::vector<std::string> types;
  for (const ev::Event& e : AllEvents()) types.push_back(e.event_type());
  EXPECT_THAT(types, ElementsAre("csm.events.v1.BusinessCalendarChanged"));
}

TEST_F(ComplaintApiTest, BadInputIsInvalidArgumentWithFieldViolations) {
  v1::RegisterComplaintResponse resp;
  v1::Complaint empty;
  const grpc::Status s = Register("li.na", empty, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(
      ViolationFields(s),
      UnorderedElementsAre("complaint.customer", "complaint.category",
                           "complaint.severity", "complaint.channel",
                           "complaint.subject", "complaint.description"));
  v1::Complaint too_long = NewComplaint(std::string(201, 'x'));
  too_long.set_matter_reference(std::string(101, 'r'));
  too_long.set_customer_request(std::string(2001, 'q'));
  too_long.set_description(std::string(4001, 'd'));
  EXPECT_THAT(ViolationFields(Register("li.na", too_long, &resp)),
              UnorderedElementsAre("complaint.subject", "complaint.description",
                                   "complaint.customer_request",
                                   "complaint.matter_reference"));
  EXPECT_THAT(
      ViolationFields(Register("li.na", NewComplaint("x", "no-such"), &resp)),
      ElementsAre("complaint.category"));
  v1::Complaint service_channel = NewComplaint("由服务登记");
  service_channel.set_channel(v1::COMPLAINT_CHANNEL_SERVICE);
  EXPECT_THAT(ViolationFields(Register("li.na", service_channel, &resp)),
              ElementsAre("complaint.channel"));
  CX_ASSERT_OK(Register("order-svc", service_channel, &resp));

  v1::Complaint c = MustRegister("缺字段");
  v1::Complaint out;
  CX_ASSERT_OK(Accept("li.na", c.name(), &out));
  CX_ASSERT_OK(Start("li.na", c.name(), &out));
  v1::ResolveComplaintRequest resolve;
  resolve.set_name(c.name());
  const grpc::Status r = Call(&Stub::ResolveComplaint, "li.na", resolve, &out);
  EXPECT_EQ(r.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolationFields(r),
              UnorderedElementsAre(
                  "resolution.cause_analysis", "resolution.immediate_fix",
                  "resolution.corrective_action", "resolution.responsibility"));
  v1::ConfirmComplaintRequest confirm;
  confirm.set_name(c.name());
  EXPECT_THAT(
      ViolationFields(Call(&Stub::ConfirmComplaint, "li.na", confirm, &out)),
      ElementsAre("satisfaction"));
  v1::CloseComplaintRequest close;
  close.set_name(c.name());
  EXPECT_THAT(
      ViolationFields(Call(&Stub::CloseComplaint, "li.na", close, &out)),
      UnorderedElementsAre("return_visit.method", "return_visit.satisfaction"));
  v1::RejectComplaintRequest reject;
  reject.set_name(c.name());
  reject.set_kind(v1::REJECTION_KIND_DUPLICATE);
  reject.set_reason("重复登记");
  EXPECT_THAT(
      ViolationFields(Call(&Stub::RejectComplaint, "sup", reject, &out)),
      ElementsAre("duplicate_of"));
  v1::GetComplaintRequest get;
  get.set_name("complaint/1");
  EXPECT_THAT(ViolationFields(Call(&Stub::GetComplaint, "gm", get, &out)),
              ElementsAre("name"));
}

TEST_F(ComplaintApiTest, RetryStaleEtagPermissionsAndReject) {
  v1::RegisterComplaintResponse first, retry;
  CX_ASSERT_OK(Register("li.na", NewComplaint("重试"), &first, "req-1"));
  CX_ASSERT_OK(Register("li.na", NewComplaint("重试"), &retry, "req-1"));
  EXPECT_EQ(retry.complaint().name(), first.complaint().name());
  EXPECT_FALSE(retry.linked_to_open_complaint());
  EXPECT_EQ(Get(first.complaint().name()).repeat_contacts(), 0);

  v1::Complaint out;
  CX_EXPECT_CODE(Accept("li.na", first.complaint().name(), &out, "99"),
                 grpc::StatusCode::ABORTED);
  CX_EXPECT_CODE(
      Transfer("li.na", first.complaint().name(), "技术服务部", &out),
      grpc::StatusCode::PERMISSION_DENIED);
  CX_EXPECT_CODE(Accept("gm", first.complaint().name(), &out),
                 grpc::StatusCode::PERMISSION_DENIED);

  v1::Complaint dup = MustRegister("另一件事");
  v1::RejectComplaintRequest reject;
  reject.set_name(dup.name());
  reject.set_kind(v1::REJECTION_KIND_DUPLICATE);
  reject.set_reason("与已有投诉重复");
  reject.set_duplicate_of(first.complaint().name());
  CX_ASSERT_OK(Call(&Stub::RejectComplaint, "sup", reject, &out));
  EXPECT_EQ(out.state(), v1::COMPLAINT_STATE_REJECTED);
  EXPECT_EQ(out.duplicate_of(), first.complaint().name());
  CX_EXPECT_CODE(Accept("li.na", dup.name(), &out),
                 grpc::StatusCode::FAILED_PRECONDITION);

  v1::ListComplaintsRequest list;
  list.set_filter(
      "state = COMPLAINT_STATE_REGISTERED AND handling_department = "
      "\"客服部\"");
  v1::ListComplaintsResponse listed;
  CX_ASSERT_OK(Call(&Stub::ListComplaints, "gm", list, &listed));
  ASSERT_EQ(listed.complaints_size(), 1);
  EXPECT_EQ(listed.complaints(0).name(), first.complaint().name());
  clock_.Set(At(2026, 11, 2, 15, 0));
  list.set_filter("overdue = true");
  CX_ASSERT_OK(Call(&Stub::ListComplaints, "gm", list, &listed));
  EXPECT_EQ(listed.complaints_size(), 1);
}

// ListComplaints reads the children of a whole page in one statement: each
// listed complaint carries the department times and escalations that
// GetComplaint gives it, in the same order, and none of another's. The
// three differ (two departments or one; escalated in 技术服务部, in 客服部,
// or not at all), so children put on the wrong complaint fail.
TEST_F(ComplaintApiTest, AListedComplaintHasTheChildrenGetGives) {
  const v1::Complaint moved = MustRegister("转技术服务部的投诉");
  const v1::Complaint stayed = MustRegister("留在客服部的投诉");
  const v1::Complaint accepted = MustRegister("按时受理的投诉");
  v1::Complaint out;
  clock_.Set(At(2026, 11, 2, 11, 0));
  CX_ASSERT_OK(Transfer("sup", moved.name(), "技术服务部", &out));
  CX_ASSERT_OK(Accept("li.na", accepted.name(), &out));
  // Past the acknowledge deadline: the two unacknowledged ones escalate.
  clock_.Set(At(2026, 11, 2, 14, 31));
  EXPECT_EQ(*NewSweeper()->sweep->RunOnce(clock_.Now()), 2);

  const v1::Complaint got_moved = Get(moved.name());
  const v1::Complaint got_stayed = Get(stayed.name());
  const v1::Complaint got_accepted = Get(accepted.name());
  ASSERT_EQ(got_moved.department_times_size(), 2);
  EXPECT_EQ(got_moved.department_times(0).department(), "客服部");
  EXPECT_EQ(got_moved.department_times(1).department(), "技术服务部");
  ASSERT_EQ(got_moved.escalations_size(), 1);
  EXPECT_EQ(got_moved.escalations(0).department(), "技术服务部");
  ASSERT_EQ(got_stayed.department_times_size(), 1);
  ASSERT_EQ(got_stayed.escalations_size(), 1);
  EXPECT_EQ(got_stayed.escalations(0).department(), "客服部");
  ASSERT_EQ(got_accepted.department_times_size(), 1);
  EXPECT_EQ(got_accepted.escalations_size(), 0);

  // One page of all three, and pages of two and one (another IN list).
  for (const int page_size : {10, 2}) {
    v1::ListComplaintsRequest list;
    list.set_page_size(page_size);
    std::vector<v1::Complaint> listed;
    do {
      v1::ListComplaintsResponse page;
      CX_ASSERT_OK(Call(&Stub::ListComplaints, "gm", list, &page));
      listed.insert(listed.end(), page.complaints().begin(),
                    page.complaints().end());
      list.set_page_token(page.next_page_token());
    } while (!list.page_token().empty());
    ASSERT_EQ(listed.size(), 3u) << "page size " << page_size;
    const v1::Complaint* by_get[] = {&got_moved, &got_stayed, &got_accepted};
    for (size_t i = 0; i < listed.size(); ++i) {
      EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(
          listed[i], *by_get[i]))
          << "page size " << page_size << "\nlisted:\n"
          << listed[i].DebugString() << "\ngot:\n"
          << by_get[i]->DebugString();
    }
  }
}

// Department times come in the order the complaint reached the departments,
// not in the table's key order: 产品部 sorts before 客服部 and 技术服务部 in
// the key (utf8mb4_unicode_ci) but was reached last; a read and a listing
// that took the key's order would fail.
TEST_F(ComplaintApiTest, DepartmentTimesComeInTheOrderTheyWereReached) {
  const v1::Complaint c = MustRegister("两次移交的投诉");
  v1::Complaint out;
  clock_.Set(At(2026, 11, 2, 11, 0));
  CX_ASSERT_OK(Transfer("sup", c.name(), "技术服务部", &out));
  clock_.Set(At(2026, 11, 2, 11, 30));
  CX_ASSERT_OK(Transfer("tech.sup", c.name(), "产品部", &out));
  const std::vector<std::string> reached = {"客服部", "技术服务部", "产品部"};
  auto departments = [](const v1::Complaint& got) {
    std::vector<std::string> out;
    for (const auto& d : got.department_times()) out.push_back(d.department());
    return out;
  };
  EXPECT_EQ(departments(Get(c.name())), reached);
  v1::ListComplaintsRequest list;
  v1::ListComplaintsResponse page;
  CX_ASSERT_OK(Call(&Stub::ListComplaints, "gm", list, &page));
  ASSERT_EQ(page.complaints_size(), 1);
  EXPECT_EQ(departments(page.complaints(0)), reached);
}

TEST_F(ComplaintApiTest, FaultReportsLinkBothWays) {
  v1::Complaint c =
      MustRegister("停电导致故障", "quality", v1::SEVERITY_CRITICAL);
  v1::CreateFaultReportRequest req;
  v1::FaultReport* f = req.mutable_fault_report();
  f->set_title("机房停电");
  ToProtoTimestamp(At(2026, 11, 2, 8, 30), f->mutable_fault_time());
  f->set_location("杭州数据中心");
  f->set_symptoms("服务中断");
  f->set_plan("切换备用电源");
  f->add_complaints(c.name());
  v1::FaultReport report;
  CX_ASSERT_OK(Call(&Stub::CreateFaultReport, "sup", req, &report));
  EXPECT_THAT(report.complaints(), ElementsAre(c.name()));
  EXPECT_EQ(Get(c.name()).fault_report(), report.name());

  v1::SubmitFaultAnalysisRequest analysis;
  analysis.set_name(report.name());
  EXPECT_EQ(ViolationFields(
                Call(&Stub::SubmitFaultAnalysis, "sup", analysis, &report))
                .size(),
            5u);
  analysis.set_impact("2小时中断");
  analysis.set_handling("切换电源");
  analysis.set_cause("市电故障");
  analysis.set_corrective_measures("UPS扩容");
  analysis.set_preventive_measures("定期演练");
  CX_ASSERT_OK(Call(&Stub::SubmitFaultAnalysis, "sup", analysis, &report));
  EXPECT_TRUE(report.has_analysis_time());
  CX_EXPECT_CODE(Call(&Stub::SubmitFaultAnalysis, "sup", analysis, &report),
                 grpc::StatusCode::FAILED_PRECONDITION);
}

}  // namespace
}  // namespace csm::complaint
