// Same-day investigation (当天进行调查、核实) through real gRPC against the
// real MariaDB on a manual clock: the investigated deadline is shown on the
// complaint, met by RecordInvestigation (or at the latest by the
// resolution), warned, breached (charged to the department holding the
// complaint) and escalated like the other two; configurable per SLA policy;
// absent on complaints registered before it existed.

#include <string>
#include <vector>

#include "complaint-svc/testing/complaint_api_fixture.h"

namespace csm::complaint {
namespace {

namespace ev = ::csm::events::v1;
using fixture::At;
using fixture::ComplaintApiFixture;
using fixture::Describe;
using fixture::TimeOf;
using fixture::ViolationFields;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using S = v1::ComplaintState;

class ComplaintInvestigationTest : public ComplaintApiFixture {
 protected:
  grpc::Status Investigate(const std::string& staff, const std::string& name,
                           const std::string& findings, v1::Complaint* out) {
    v1::RecordInvestigationRequest req;
    req.set_name(name);
    req.set_findings(findings);
    return Call(&Stub::RecordInvestigation, staff, req, out);
  }
  template <typename T>
  std::vector<T> Events(const std::string& aggregate) {
    std::vector<T> out;
    for (const ev::Event& e : AllEvents()) {
      T payload;
      if (e.aggregate() == aggregate && e.payload().UnpackTo(&payload)) {
        out.push_back(payload);
      }
    }
    return out;
  }
  static bool Has(const v1::Complaint& c, v1::DeadlineKind kind) {
    for (const v1::Deadline& d : c.deadlines()) {
      if (d.kind() == kind) return true;
    }
    return false;
  }
};

TEST_F(ComplaintInvestigationTest, RecordedFindingsMeetTheDeadlineOnTime) {
  v1::Complaint c = MustRegister("安装后设备无法启动");
  // Registered Monday 09:00: investigated by the end of that working day.
  EXPECT_EQ(TimeOf(DeadlineOf(c, v1::DEADLINE_KIND_INVESTIGATED).due_time()),
            At(2026, 11, 2, 17, 30));
  v1::Complaint out;
  // Investigation comes after acceptance (受理).
  const grpc::Status early = Investigate("li.na", c.name(), "现场核实", &out);
  EXPECT_EQ(early.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << Describe(early);
  EXPECT_THAT(early.error_message(),
              HasSubstr("cannot investigate a complaint in state REGISTERED"));
  clock_.Set(At(2026, 11, 2, 9, 30));
  CX_ASSERT_OK(Accept("li.na", c.name(), &out));
  EXPECT_THAT(ViolationFields(Investigate("li.na", c.name(), "  ", &out)),
              ElementsAre("findings"));

  clock_.Set(At(2026, 11, 2, 11, 0));
  CX_ASSERT_OK(
      Investigate("li.na", c.name(), "电源模块接线松动，已核实", &out));
  EXPECT_EQ(out.state(), S::COMPLAINT_STATE_ACCEPTED);
  const v1::Deadline& met = DeadlineOf(out, v1::DEADLINE_KIND_INVESTIGATED);
  EXPECT_EQ(TimeOf(met.met_time()), At(2026, 11, 2, 11, 0));
  EXPECT_FALSE(met.breached());
  EXPECT_EQ(out.investigation().findings(), "电源模块接线松动，已核实");
  EXPECT_EQ(out.investigation().investigator_id(), "li.na");
  EXPECT_EQ(TimeOf(out.investigation().investigate_time()),
            At(2026, 11, 2, 11, 0));

  // A later investigation replaces the findings; the deadline keeps its
  // first meeting; the timeline keeps both.
  clock_.Set(At(2026, 11, 2, 14, 0));
  CX_ASSERT_OK(Start("li.na", c.name(), &out));
  CX_ASSERT_OK(Investigate("li.na", c.name(), "复核：接线端子批次问题", &out));
  EXPECT_EQ(out.investigation().findings(), "复核：接线端子批次问题");
  EXPECT_EQ(TimeOf(DeadlineOf(out, v1::DEADLINE_KIND_INVESTIGATED).met_time()),
            At(2026, 11, 2, 11, 0));
  EXPECT_THAT(
      StepActions(c.name()),
      ElementsAre("register", "accept", "investigate", "start", "investigate"));

  const auto investigated = Events<ev::ComplaintInvestigated>(c.name());
  ASSERT_EQ(investigated.size(), 2u);
  EXPECT_TRUE(investigated[0].first());
  EXPECT_TRUE(investigated[0].on_time());
  EXPECT_FALSE(investigated[1].first());
  EXPECT_EQ(TimeOf(investigated[0].complaint().investigated_due_time()),
            At(2026, 11, 2, 17, 30));
  // Findings are free text: they stay in complaint-svc.
  for (const ev::Event& e : AllEvents()) {
    EXPECT_EQ(e.payload().value().find("电源模块"), std::string::npos);
  }
}

TEST_F(ComplaintInvestigationTest, UninvestigatedWarnsBreachesAndEscalates) {
  v1::Complaint c = MustRegister("客服承诺回电未兑现");
  v1::Complaint out;
  clock_.Set(At(2026, 11, 2, 9, 10));
  CX_ASSERT_OK(Accept("li.na", c.name(), &out));  // acknowledged in time
  auto sweeper = NewSweeper();
  // 80 % of the day's 420 working minutes is 16:06.
  clock_.Set(At(2026, 11, 2, 16, 5));
  EXPECT_EQ(*sweeper->sweep->RunOnce(clock_.Now()), 0);
  clock_.Set(At(2026, 11, 2, 16, 6));
  EXPECT_EQ(*sweeper->sweep->RunOnce(clock_.Now()), 1);
  const auto warnings = Events<ev::ComplaintDeadlineWarning>(c.name());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].deadline(), "DEADLINE_KIND_INVESTIGATED");
  EXPECT_EQ(TimeOf(warnings[0].due_time()), At(2026, 11, 2, 17, 30));

  // The end of the day: breach, charged to 客服部, and the supervisor.
  clock_.Set(At(2026, 11, 2, 17, 30));
  EXPECT_EQ(*sweeper->sweep->RunOnce(clock_.Now()), 1);
  v1::Complaint got = Get(c.name());
  EXPECT_TRUE(DeadlineOf(got, v1::DEADLINE_KIND_INVESTIGATED).breached());
  EXPECT_EQ(got.escalation_level(), v1::ESCALATION_LEVEL_SUPERVISOR);
  ASSERT_EQ(got.escalations_size(), 1);
  EXPECT_EQ(got.escalations(0).deadline(), v1::DEADLINE_KIND_INVESTIGATED);
  EXPECT_TRUE(DeptTime(got, "客服部")->breached_investigated());
  EXPECT_FALSE(DeptTime(got, "客服部")->breached_acknowledge());
  clock_.Set(At(2026, 11, 2, 17, 31));
  v1::ListComplaintsRequest list;
  list.set_filter("overdue = true");
  v1::ListComplaintsResponse listed;
  CX_ASSERT_OK(Call(&Stub::ListComplaints, "gm", list, &listed));
  ASSERT_EQ(listed.complaints_size(), 1);
  EXPECT_EQ(listed.complaints(0).name(), c.name());

  // Transferred the next morning: the breach stays 客服部's; the manager
  // level follows one step (240 working minutes) after the breach.
  clock_.Set(At(2026, 11, 3, 9, 30));
  CX_ASSERT_OK(Transfer("sup", c.name(), "技术服务部", &out));
  clock_.Set(At(2026, 11, 3, 14, 30));
  EXPECT_EQ(*sweeper->sweep->RunOnce(clock_.Now()), 1);
  got = Get(c.name());
  EXPECT_EQ(got.escalation_level(), v1::ESCALATION_LEVEL_DEPARTMENT_MANAGER);
  ASSERT_EQ(got.escalations_size(), 2);
  EXPECT_EQ(got.escalations(1).department(), "技术服务部");
  EXPECT_FALSE(DeptTime(got, "技术服务部")->breached_investigated());

  // Investigated late: met, still breached, and the ladder stops there.
  clock_.Set(At(2026, 11, 3, 15, 0));
  CX_ASSERT_OK(Accept("tech.zhou", c.name(), &out));
  CX_ASSERT_OK(Investigate("tech.zhou", c.name(), "核实：回电记录缺失", &out));
  const v1::Deadline& late = DeadlineOf(out, v1::DEADLINE_KIND_INVESTIGATED);
  EXPECT_TRUE(late.has_met_time());
  EXPECT_TRUE(late.breached());
  clock_.Set(At(2026, 11, 4, 10, 0));
  sweeper->sweep->RunOnce(clock_.Now()).IgnoreError();
  EXPECT_EQ(Get(c.name()).escalations_size(), 2);
  const auto investigated = Events<ev::ComplaintInvestigated>(c.name());
  ASSERT_EQ(investigated.size(), 1u);
  EXPECT_FALSE(investigated[0].on_time());
  int breaches = 0;
  for (const auto& step : StepActions(c.name())) breaches += step == "breach";
  EXPECT_EQ(breaches, 1);
}

TEST_F(ComplaintInvestigationTest, PolicyDaysAndRegistrationAfterHours) {
  v1::SetSlaPolicyRequest set;
  v1::SlaPolicy* p = set.mutable_sla_policy();
  p->set_category("*");
  p->set_severity(v1::SEVERITY_NORMAL);
  p->set_customer_grade("*");
  p->set_acknowledge_working_minutes(240);
  p->set_handling_opinion_working_days(2);
  p->set_warning_percent(80);
  p->set_escalation_step_working_minutes(240);
  p->set_investigation_working_days(31);
  v1::SlaPolicy saved;
  EXPECT_THAT(ViolationFields(
                  ConfigCall(&ConfigStub::SetSlaPolicy, "arch", set, &saved)),
              ElementsAre("sla_policy.investigation_working_days"));

  // Registered Monday 18:00 (after hours) with the default: Tuesday.
  clock_.Set(At(2026, 11, 2, 18, 0));
  v1::Complaint evening = MustRegister("晚间来电");
  EXPECT_EQ(
      TimeOf(DeadlineOf(evening, v1::DEADLINE_KIND_INVESTIGATED).due_time()),
      At(2026, 11, 3, 17, 30));

  // One working day more by policy: Wednesday.
  p->set_investigation_working_days(1);
  CX_ASSERT_OK(ConfigCall(&ConfigStub::SetSlaPolicy, "arch", set, &saved));
  EXPECT_EQ(saved.investigation_working_days(), 1);
  v1::ListSlaPoliciesResponse policies;
  CX_ASSERT_OK(ConfigCall(&ConfigStub::ListSlaPolicies, "gm",
                          v1::ListSlaPoliciesRequest(), &policies));
  bool listed = false;
  for (const v1::SlaPolicy& policy : policies.sla_policies()) {
    if (policy.name() == "slaPolicies/*~normal~*") {
      listed = policy.investigation_working_days() == 1;
    }
  }
  EXPECT_TRUE(listed);
  v1::Complaint later = MustRegister("晚间第二个问题");
  EXPECT_EQ(
      TimeOf(DeadlineOf(later, v1::DEADLINE_KIND_INVESTIGATED).due_time()),
      At(2026, 11, 4, 17, 30));
}

TEST_F(ComplaintInvestigationTest, ResolutionMeetsAnOpenInvestigation) {
  v1::Complaint c = Walk("当场解决的问题", S::COMPLAINT_STATE_IN_PROGRESS);
  EXPECT_FALSE(DeadlineOf(c, v1::DEADLINE_KIND_INVESTIGATED).has_met_time());
  clock_.Set(At(2026, 11, 2, 10, 0));
  v1::Complaint out;
  CX_ASSERT_OK(Resolve("li.na", c.name(), &out));
  const v1::Deadline& d = DeadlineOf(out, v1::DEADLINE_KIND_INVESTIGATED);
  EXPECT_EQ(TimeOf(d.met_time()), At(2026, 11, 2, 10, 0));
  EXPECT_FALSE(d.breached());
}

// Complaints registered before the deadline existed have none (the
// migration leaves it NULL): not shown, never warned or escalated.
TEST_F(ComplaintInvestigationTest, OlderComplaintsHaveNoInvestigatedDeadline) {
  v1::Complaint c = MustRegister("升级前登记的投诉");
  absl::Status s = RunWithConnection(
      *pool_, absl::Now() + absl::Seconds(10),
      [&](MysqlConnection& conn) -> absl::Status {
        std::unique_ptr<sql::Statement> st(conn.raw().createStatement());
        st->execute(
            "UPDATE complaints SET investigate_due = NULL, "
            "investigate_warn_at = NULL");
        return absl::OkStatus();
      });
  ASSERT_TRUE(s.ok()) << s;
  v1::Complaint out;
  clock_.Set(At(2026, 11, 2, 9, 10));
  CX_ASSERT_OK(Accept("li.na", c.name(), &out));
  EXPECT_FALSE(Has(out, v1::DEADLINE_KIND_INVESTIGATED));
  EXPECT_EQ(out.deadlines_size(), 2);
  auto sweeper = NewSweeper();
  clock_.Set(At(2026, 11, 3, 18, 0));
  EXPECT_EQ(*sweeper->sweep->RunOnce(clock_.Now()), 0);
  EXPECT_EQ(Get(c.name()).escalations_size(), 0);
  CX_ASSERT_OK(Investigate("li.na", c.name(), "补录调查结果", &out));
  EXPECT_EQ(out.investigation().findings(), "补录调查结果");
  EXPECT_FALSE(Has(out, v1::DEADLINE_KIND_INVESTIGATED));
}

}  // namespace
}  // namespace csm::complaint
