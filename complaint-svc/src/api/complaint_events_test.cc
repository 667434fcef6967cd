// What complaint-svc's events carry for reporting-svc (docs/reports.md
// section 14), read back through the real StreamEvents after driving the
// real ComplaintService on a manual clock: the complaint snapshot as written
// (deadlines with who met them when and after how many working minutes,
// department clocks, the latest resolution, the masked subject ...), the
// breach events (once per deadline, from a sweep or a transition), the
// envelope's actor department and the business calendar.
//
// Working hours 09:00-12:00 and 13:30-17:30; kStart is Monday 2026-11-02
// 09:00 Beijing time.

#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "common/personal_text.h"
#include "common/text.h"
#include "complaint-svc/testing/complaint_api_fixture.h"

namespace csm::complaint {
namespace {

namespace ev = ::csm::events::v1;
using fixture::At;
using fixture::ComplaintApiFixture;
using fixture::Ctx;
using fixture::Describe;
using fixture::TimeOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr char kAck[] = "DEADLINE_KIND_ACKNOWLEDGE";
constexpr char kInvestigated[] = "DEADLINE_KIND_INVESTIGATED";
constexpr char kOpinion[] = "DEADLINE_KIND_HANDLING_OPINION";

const ev::DeadlineState& DeadlineIn(const ev::ComplaintSnapshot& s,
                                    const std::string& kind) {
  for (const ev::DeadlineState& d : s.deadlines()) {
    if (d.kind() == kind) return d;
  }
  ADD_FAILURE() << "no deadline " << kind << " in " << s.ShortDebugString();
  static const ev::DeadlineState kNone;
  return kNone;
}

const ev::DepartmentClock* ClockOf(const ev::ComplaintSnapshot& s,
                                   const std::string& department) {
  for (const ev::DepartmentClock& d : s.department_times()) {
    if (d.department() == department) return &d;
  }
  return nullptr;
}

// An event's envelope and its payload.
template <typename T>
struct Published {
  ev::Event envelope;
  T payload;
};

class ComplaintEventsTest : public ComplaintApiFixture {
 protected:
  template <typename T>
  std::vector<Published<T>> Events(const std::string& aggregate) {
    std::vector<Published<T>> out;
    for (const ev::Event& e : AllEvents()) {
      T payload;
      if (e.aggregate() == aggregate && e.payload().UnpackTo(&payload)) {
        out.push_back({e, std::move(payload)});
      }
    }
    return out;
  }
  // The payload of the last event of type T about `aggregate`.
  template <typename T>
  T Last(const std::string& aggregate) {
    std::vector<Published<T>> all = Events<T>(aggregate);
    if (all.empty()) {
      ADD_FAILURE() << "no " << T::descriptor()->full_name() << " of "
                    << aggregate;
      return T();
    }
    return all.back().payload;
  }
  int Sweep() {
    auto swept = sweeper_->sweep->RunOnce(clock_.Now());
    EXPECT_TRUE(swept.ok()) << swept.status();
    return swept.ok() ? *swept : -1;
  }
  std::vector<std::string> BreachedKinds(const std::string& aggregate) {
    std::vector<std::string> out;
    for (const auto& b : Events<ev::ComplaintDeadlineBreached>(aggregate)) {
      out.push_back(b.payload.deadline());
    }
    return out;
  }

  void SetUp() override {
    ComplaintApiFixture::SetUp();
    sweeper_ = NewSweeper();
  }
  void TearDown() override {
    sweeper_.reset();
    ComplaintApiFixture::TearDown();
  }

  std::unique_ptr<Sweeper> sweeper_;
};

TEST_F(ComplaintEventsTest, AcceptRecordsWhoMetTheAcknowledgeDeadlineAndWhen) {
  const v1::Complaint c = MustRegister("包装破损");
  const ev::ComplaintSnapshot registered =
      Last<ev::ComplaintRegistered>(c.name()).complaint();
  EXPECT_EQ(registered.first_responder_department(), "客服部");
  EXPECT_EQ(registered.repeat_contacts(), 0);
  EXPECT_EQ(registered.subject(), "包装破损");
  ASSERT_EQ(registered.deadlines_size(), 3);
  EXPECT_FALSE(DeadlineIn(registered, kAck).has_met_time());
  EXPECT_EQ(TimeOf(DeadlineIn(registered, kAck).due_time()),
            At(2026, 11, 2, 14, 30));
  ASSERT_NE(ClockOf(registered, "客服部"), nullptr);

  // 90 working minutes after registration, by wang.fang of 客服部.
  clock_.Set(At(2026, 11, 2, 10, 30));
  v1::Complaint out;
  CX_ASSERT_OK(Accept("wang.fang", c.name(), &out));
  const auto changed = Events<ev::ComplaintStateChanged>(c.name());
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0].envelope.actor(), "wang.fang");
  EXPECT_EQ(changed[0].envelope.actor_department(), "客服部");
  const ev::DeadlineState& ack =
      DeadlineIn(changed[0].payload.complaint(), kAck);
  EXPECT_EQ(TimeOf(ack.met_time()), At(2026, 11, 2, 10, 30));
  EXPECT_EQ(ack.met_working_minutes(), 90);
  EXPECT_EQ(ack.met_by_staff_id(), "wang.fang");
  EXPECT_EQ(ack.met_department(), "客服部");
  EXPECT_FALSE(ack.breached());
  const ev::DeadlineState& opinion =
      DeadlineIn(changed[0].payload.complaint(), kOpinion);
  EXPECT_FALSE(opinion.has_met_time());
  EXPECT_EQ(opinion.met_working_minutes(), 0);
  EXPECT_EQ(opinion.met_by_staff_id(), "");

  // Stored when it happened: the complaint shows it too.
  const v1::Complaint now = Get(c.name());
  const v1::Deadline& stored = DeadlineOf(now, v1::DEADLINE_KIND_ACKNOWLEDGE);
  EXPECT_EQ(stored.met_working_minutes(), 90);
  EXPECT_EQ(stored.met_by_staff_id(), "wang.fang");
  EXPECT_EQ(stored.met_department(), "客服部");
  EXPECT_THAT(BreachedKinds(c.name()), IsEmpty());
}

TEST_F(ComplaintEventsTest, TransferThenBreachChargesTheHolderOncePerDeadline) {
  const v1::Complaint c = MustRegister("发票抬头错误");
  v1::Complaint out;
  clock_.Set(At(2026, 11, 2, 9, 10));
  CX_ASSERT_OK(Accept("li.na", c.name(), &out));
  clock_.Set(At(2026, 11, 2, 9, 30));
  v1::TransferComplaintRequest transfer;
  transfer.set_name(c.name());
  transfer.set_to_department("技术服务部");
  transfer.set_to_staff_id("tech.zhou");
  transfer.set_reason("设备故障，移交技术服务部");
  CX_ASSERT_OK(Call(&Stub::TransferComplaint, "sup", transfer, &out));
  const auto moved = Events<ev::ComplaintTransferred>(c.name());
  ASSERT_EQ(moved.size(), 1u);
  EXPECT_EQ(moved[0].payload.from_department(), "客服部");
  EXPECT_EQ(moved[0].payload.from_handler_id(), "li.na");
  EXPECT_EQ(moved[0].payload.from_department_working_minutes(), 30);
  EXPECT_EQ(moved[0].envelope.actor_department(), "客服部");
  const ev::DepartmentClock* kf =
      ClockOf(moved[0].payload.complaint(), "客服部");
  ASSERT_NE(kf, nullptr);
  EXPECT_EQ(kf->working_minutes(), 30);

  // The investigated deadline (end of the working day) passes while
  // 技术服务部 holds it: its breach, announced once, by the sweep.
  clock_.Set(At(2026, 11, 2, 17, 31));
  EXPECT_EQ(Sweep(), 1);
  auto breaches = Events<ev::ComplaintDeadlineBreached>(c.name());
  ASSERT_EQ(breaches.size(), 1u);
  const ev::ComplaintDeadlineBreached& b = breaches[0].payload;
  EXPECT_EQ(b.deadline(), kInvestigated);
  EXPECT_EQ(TimeOf(b.due_time()), At(2026, 11, 2, 17, 30));
  EXPECT_EQ(b.department(), "技术服务部");
  EXPECT_EQ(b.handler_id(), "tech.zhou");
  EXPECT_EQ(breaches[0].envelope.actor(), "system");
  EXPECT_EQ(breaches[0].envelope.actor_department(), "");
  const ev::DeadlineState& inv = DeadlineIn(b.complaint(), kInvestigated);
  EXPECT_TRUE(inv.breached());
  EXPECT_EQ(inv.breached_department(), "技术服务部");
  EXPECT_EQ(inv.breached_staff_id(), "tech.zhou");
  kf = ClockOf(b.complaint(), "客服部");
  const ev::DepartmentClock* tech = ClockOf(b.complaint(), "技术服务部");
  ASSERT_NE(kf, nullptr);
  ASSERT_NE(tech, nullptr);
  EXPECT_FALSE(kf->breached_investigated());
  EXPECT_TRUE(tech->breached_investigated());
  EXPECT_FALSE(tech->breached_acknowledge());
  // The escalation it started: due at the breach, charged to the holder.
  auto escalated = Events<ev::ComplaintEscalated>(c.name());
  ASSERT_EQ(escalated.size(), 1u);
  EXPECT_EQ(TimeOf(escalated[0].payload.due_time()), At(2026, 11, 2, 17, 30));
  EXPECT_EQ(escalated[0].payload.handler_id(), "tech.zhou");
  EXPECT_EQ(escalated[0].payload.department(), "技术服务部");

  // Later sweeps do not announce it again; the handling opinion (end of the
  // 2nd working day, Wednesday) breaches once on its own.
  clock_.Set(At(2026, 11, 3, 10, 0));
  Sweep();
  EXPECT_THAT(BreachedKinds(c.name()), ElementsAre(kInvestigated));
  const absl::Time opinion_due =
      TimeOf(DeadlineOf(c, v1::DEADLINE_KIND_HANDLING_OPINION).due_time());
  clock_.Set(opinion_due + absl::Hours(1));
  Sweep();
  Sweep();
  EXPECT_THAT(BreachedKinds(c.name()), ElementsAre(kInvestigated, kOpinion));
  breaches = Events<ev::ComplaintDeadlineBreached>(c.name());
  ASSERT_EQ(breaches.size(), 2u);
  EXPECT_EQ(TimeOf(breaches[1].payload.due_time()), opinion_due);
  EXPECT_EQ(breaches[1].payload.department(), "技术服务部");
}

TEST_F(ComplaintEventsTest, BreachSettledByATransitionIsAnnouncedInItOnce) {
  const v1::Complaint c = MustRegister("安装延误");
  // The acknowledge deadline (14:30) passed before anyone swept.
  clock_.Set(At(2026, 11, 2, 15, 0));
  v1::Complaint out;
  CX_ASSERT_OK(Accept("li.na", c.name(), &out));
  auto breaches = Events<ev::ComplaintDeadlineBreached>(c.name());
  ASSERT_EQ(breaches.size(), 1u);
  EXPECT_EQ(breaches[0].payload.deadline(), kAck);
  EXPECT_EQ(breaches[0].payload.department(), "客服部");
  EXPECT_EQ(breaches[0].payload.handler_id(), "");  // a queue then
  EXPECT_EQ(breaches[0].envelope.actor(), "li.na");
  // Before the accept event of the same transaction.
  const auto changed = Events<ev::ComplaintStateChanged>(c.name());
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_LT(breaches[0].envelope.sequence(), changed[0].envelope.sequence());
  const ev::DeadlineState& ack =
      DeadlineIn(changed[0].payload.complaint(), kAck);
  EXPECT_TRUE(ack.breached());
  EXPECT_EQ(ack.met_working_minutes(), 180 + 90);
  EXPECT_EQ(ack.met_by_staff_id(), "li.na");
  EXPECT_EQ(ack.breached_department(), "客服部");
  EXPECT_EQ(ack.breached_staff_id(), "");

  Sweep();
  EXPECT_THAT(BreachedKinds(c.name()), ElementsAre(kAck));
}

TEST_F(ComplaintEventsTest, ResolutionConfirmationAndClosingFacts) {
  const v1::Complaint c = MustRegister("售后响应慢");
  v1::Complaint out;
  clock_.Set(At(2026, 11, 2, 9, 10));
  CX_ASSERT_OK(Accept("li.na", c.name(), &out));
  CX_ASSERT_OK(Start("li.na", c.name(), &out));
  clock_.Set(At(2026, 11, 2, 10, 0));
  v1::WaitForCustomerRequest wait;
  wait.set_name(c.name());
  wait.set_reason("等待客户提供照片");
  CX_ASSERT_OK(Call(&Stub::WaitForCustomer, "li.na", wait, &out));
  EXPECT_TRUE(
      Last<ev::ComplaintStateChanged>(c.name()).complaint().sla_paused());
  clock_.Set(At(2026, 11, 2, 11, 0));
  v1::ResumeHandlingRequest resume;
  resume.set_name(c.name());
  CX_ASSERT_OK(Call(&Stub::ResumeHandling, "li.na", resume, &out));
  const ev::ComplaintSnapshot resumed =
      Last<ev::ComplaintStateChanged>(c.name()).complaint();
  EXPECT_FALSE(resumed.sla_paused());
  EXPECT_EQ(resumed.paused_working_minutes(), 60);

  // 14:00: 180 + 30 working minutes since 09:00, 60 of them paused.
  clock_.Set(At(2026, 11, 2, 14, 0));
  CX_ASSERT_OK(Resolve("li.na", c.name(), &out));
  const ev::ComplaintResolved resolved = Last<ev::ComplaintResolved>(c.name());
  EXPECT_EQ(resolved.handling_working_minutes(), 150);
  EXPECT_EQ(resolved.resolving_department_working_minutes(), 150);
  const ev::ComplaintSnapshot& r = resolved.complaint();
  EXPECT_EQ(r.resolver_id(), "li.na");
  EXPECT_EQ(r.resolving_department(), "客服部");
  EXPECT_EQ(TimeOf(r.resolve_time()), At(2026, 11, 2, 14, 0));
  EXPECT_EQ(r.responsibility(), "RESPONSIBILITY_COMPANY");
  EXPECT_EQ(r.cause(), "");  // no cause codes yet (docs/reports.md 14)
  const ev::DeadlineState& opinion = DeadlineIn(r, kOpinion);
  EXPECT_EQ(opinion.met_working_minutes(), 150);
  EXPECT_EQ(opinion.met_by_staff_id(), "li.na");
  EXPECT_EQ(opinion.met_department(), "客服部");
  EXPECT_EQ(DeadlineIn(r, kInvestigated).met_working_minutes(), 150);
  EXPECT_EQ(DeadlineIn(r, kAck).met_working_minutes(), 10);

  // Dissatisfied: reopened; the feedback leaves masked and capped.
  v1::ConfirmComplaintRequest confirm;
  confirm.set_name(c.name());
  confirm.set_satisfaction(csm::common::v1::SATISFACTION_DISSATISFIED);
  std::string feedback = "还是不行，请回电13812345678；";
  for (int i = 0; i < 600; ++i) feedback += "急";
  confirm.set_customer_feedback(feedback);
  CX_ASSERT_OK(Call(&Stub::ConfirmComplaint, "li.na", confirm, &out));
  const ev::ComplaintConfirmed rated = Last<ev::ComplaintConfirmed>(c.name());
  EXPECT_THAT(rated.customer_feedback(), HasSubstr("请回电138****5678；"));
  EXPECT_THAT(rated.customer_feedback(), Not(HasSubstr("13812345678")));
  EXPECT_EQ(CountCodePoints(rated.customer_feedback()), kMaxEventTextChars);
  EXPECT_EQ(rated.complaint().satisfaction(),
            csm::common::v1::SATISFACTION_DISSATISFIED);
  EXPECT_EQ(rated.complaint().reopen_count(), 1);
  // The resolution it rated stays on the snapshot after the reopen.
  EXPECT_EQ(rated.complaint().resolver_id(), "li.na");

  clock_.Set(At(2026, 11, 2, 15, 0));
  CX_ASSERT_OK(Start("wang.fang", c.name(), &out));
  CX_ASSERT_OK(Resolve("wang.fang", c.name(), &out));
  CX_ASSERT_OK(Confirm("wang.fang", c.name(),
                       csm::common::v1::SATISFACTION_SATISFIED, &out));
  v1::CloseComplaintRequest close;
  close.set_name(c.name());
  close.mutable_return_visit()->set_method("sms");
  close.mutable_return_visit()->set_satisfaction(
      csm::common::v1::SATISFACTION_FAIRLY_SATISFIED);
  close.mutable_return_visit()->set_notes("客户留言：新号码 13912345678");
  CX_ASSERT_OK(Call(&Stub::CloseComplaint, "wang.fang", close, &out));
  const ev::ComplaintClosed closed = Last<ev::ComplaintClosed>(c.name());
  EXPECT_EQ(closed.return_visit_method(), "sms");
  EXPECT_EQ(closed.return_visit_notes(), "客户留言：新号码 139****5678");
  const ev::ComplaintSnapshot& s = closed.complaint();
  EXPECT_EQ(s.resolver_id(), "wang.fang");
  EXPECT_EQ(TimeOf(s.resolve_time()), At(2026, 11, 2, 15, 0));
  EXPECT_EQ(s.satisfaction(), csm::common::v1::SATISFACTION_SATISFIED);
  EXPECT_EQ(s.return_visit_satisfaction(),
            csm::common::v1::SATISFACTION_FAIRLY_SATISFIED);
  EXPECT_EQ(TimeOf(s.close_time()), At(2026, 11, 2, 15, 0));
  EXPECT_EQ(s.reopen_count(), 1);
  // The handling opinion was met once, by the first resolution.
  EXPECT_EQ(DeadlineIn(s, kOpinion).met_by_staff_id(), "li.na");
}

TEST_F(ComplaintEventsTest, RepeatContactsCountTheCustomersReturns) {
  const v1::Complaint c = MustRegister("屏幕闪烁");
  EXPECT_EQ(c.repeat_contacts(), 0);
  for (int i = 1; i <= 2; ++i) {
    v1::RegisterComplaintResponse again;
    CX_ASSERT_OK(Register("wang.fang", NewComplaint("屏幕闪烁"), &again));
    ASSERT_TRUE(again.linked_to_open_complaint());
    EXPECT_EQ(again.complaint().repeat_contacts(), i);
  }
  const auto linked = Events<ev::ComplaintLinked>(c.name());
  ASSERT_EQ(linked.size(), 2u);
  EXPECT_EQ(linked[0].payload.complaint().repeat_contacts(), 1);
  EXPECT_EQ(linked[1].payload.complaint().repeat_contacts(), 2);
  EXPECT_EQ(linked[1].envelope.actor(), "wang.fang");
}

TEST_F(ComplaintEventsTest,
       ServiceAccountsHaveNoDepartmentAndSubjectsAreMasked) {
  v1::RegisterComplaintRequest req;
  *req.mutable_complaint() =
      NewComplaint("客户13812345678来电：身份证110101199003071234丢失");
  req.mutable_complaint()->set_channel(v1::COMPLAINT_CHANNEL_SERVICE);
  // A service token that carries a department claim all the same.
  grpc::ClientContext ctx;
  ctx.AddMetadata(
      "authorization",
      absl::StrCat("Bearer ", csm::testing::TestToken(
                                  "order-svc", {Role::kService}, "信息部")));
  v1::RegisterComplaintResponse resp;
  const grpc::Status s = stub_->RegisterComplaint(&ctx, req, &resp);
  ASSERT_TRUE(s.ok()) << Describe(s);
  const auto registered =
      Events<ev::ComplaintRegistered>(resp.complaint().name());
  ASSERT_EQ(registered.size(), 1u);
  EXPECT_EQ(registered[0].envelope.actor(), "order-svc");
  EXPECT_EQ(registered[0].envelope.actor_department(), "");
  EXPECT_EQ(registered[0].payload.complaint().subject(),
            "客户138****5678来电：身份证1101**********1234丢失");
  EXPECT_EQ(registered[0].payload.complaint().first_responder_department(),
            "信息部");
}

TEST_F(ComplaintEventsTest, FaultReportsCarryTheFaultTime) {
  const v1::Complaint c =
      MustRegister("停电导致故障", "quality", v1::SEVERITY_CRITICAL);
  v1::CreateFaultReportRequest req = FaultReportRequest();
  ToProtoTimestamp(At(2026, 11, 2, 8, 30),
                   req.mutable_fault_report()->mutable_fault_time());
  req.mutable_fault_report()->add_complaints(c.name());
  v1::FaultReport report;
  CX_ASSERT_OK(Call(&Stub::CreateFaultReport, "sup", req, &report));
  const auto created = Events<ev::FaultReportCreated>(report.name());
  ASSERT_EQ(created.size(), 1u);
  EXPECT_EQ(TimeOf(created[0].payload.fault_time()), At(2026, 11, 2, 8, 30));
  EXPECT_THAT(created[0].payload.complaints(), ElementsAre(c.name()));
  v1::Complaint out;
  CX_ASSERT_OK(Accept("tech.zhou", c.name(), &out));
  EXPECT_EQ(
      Last<ev::ComplaintStateChanged>(c.name()).complaint().fault_report(),
      report.name());
}

TEST_F(ComplaintEventsTest, BusinessCalendarChangesAreAnnouncedWhole) {
  const std::string cal = ConfigStore::kCalendarName;
  auto changes = Events<ev::BusinessCalendarChanged>(cal);
  // The seed, loaded by the fixture's start-up.
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].envelope.actor(), "system");
  const ev::BusinessCalendarChanged seed = changes[0].payload;
  EXPECT_EQ(seed.calendar(), cal);
  EXPECT_EQ(seed.working_hours(), "09:00-12:00,13:30-17:30");
  ASSERT_GT(seed.exceptions_size(), 20);
  for (int i = 1; i < seed.exceptions_size(); ++i) {
    const auto& a = seed.exceptions(i - 1).date();
    const auto& b = seed.exceptions(i).date();
    EXPECT_LT(std::make_tuple(a.year(), a.month(), a.day()),
              std::make_tuple(b.year(), b.month(), b.day()));
  }

  v1::GetBusinessCalendarRequest get;
  get.set_name(cal);
  v1::BusinessCalendar current;
  CX_ASSERT_OK(
      ConfigCall(&ConfigStub::GetBusinessCalendar, "arch", get, &current));
  EXPECT_EQ(seed.etag(), current.etag());
  v1::UpdateBusinessCalendarRequest update;
  update.mutable_calendar()->set_name(cal);
  update.mutable_calendar()->set_etag(current.etag());
  for (auto [start, end] :
       {std::pair{"08:30", "12:00"}, std::pair{"13:00", "17:30"}}) {
    auto* p = update.mutable_calendar()->add_working_hours();
    p->set_start(start);
    p->set_end(end);
  }
  update.mutable_update_mask()->add_paths("working_hours");
  v1::BusinessCalendar updated;
  CX_ASSERT_OK(ConfigCall(&ConfigStub::UpdateBusinessCalendar, "arch", update,
                          &updated));
  changes = Events<ev::BusinessCalendarChanged>(cal);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[1].envelope.actor(), "arch");
  EXPECT_EQ(changes[1].envelope.actor_department(), "档案室");
  EXPECT_EQ(changes[1].payload.etag(), updated.etag());
  EXPECT_EQ(changes[1].payload.working_hours(), "08:30-12:00,13:00-17:30");
  EXPECT_EQ(changes[1].payload.exceptions_size(), seed.exceptions_size());

  // A refused update announces nothing (stale etag).
  CX_EXPECT_CODE(
      ConfigCall(&ConfigStub::UpdateBusinessCalendar, "arch", update, &updated),
      grpc::StatusCode::ABORTED);
  EXPECT_EQ(Events<ev::BusinessCalendarChanged>(cal).size(), 2u);
}

}  // namespace
}  // namespace csm::complaint
