// Who may act on a complaint (domain/complaint_access.h) through real gRPC
// against the real MariaDB: every transition refuses staff of other
// departments with PERMISSION_DENIED and writes nothing (every table's
// checksum is unchanged), while the rightful caller succeeds from the same
// state; the first responder follows a transferred complaint through but
// does not handle it.

#include <functional>
#include <string>
#include <vector>

#include "complaint-svc/testing/complaint_api_fixture.h"

namespace csm::complaint {
namespace {

using fixture::ComplaintApiFixture;
using fixture::Describe;
using ::testing::HasSubstr;
using S = v1::ComplaintState;

class ComplaintAccessApiTest : public ComplaintApiFixture {
 protected:
  // Refused for each of `callers`: PERMISSION_DENIED, nothing written.
  void ExpectRefused(
      const std::vector<std::string>& callers,
      const std::function<grpc::Status(const std::string&)>& call,
      const std::string& what) {
    for (const std::string& caller : callers) {
      SCOPED_TRACE(what + " by " + caller);
      const std::string before = DatabaseFingerprint();
      const grpc::Status s = call(caller);
      EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED)
          << Describe(s);
      EXPECT_EQ(DatabaseFingerprint(), before) << "a refused call wrote";
    }
  }
};

// The issue: an agent of 销售部, neither first responder nor of the
// handling department, confirmed, closed and reopened complaints/1.
TEST_F(ComplaintAccessApiTest, OtherDepartmentAgentMayNotConfirmCloseReopen) {
  v1::Complaint c = Walk("服务人员未按约定上门", S::COMPLAINT_STATE_RESOLVED);
  ASSERT_EQ(c.state(), S::COMPLAINT_STATE_RESOLVED);
  v1::Complaint out;
  const std::string before = DatabaseFingerprint();
  const grpc::Status confirm = Confirm(
      "sales.zhao", c.name(), csm::common::v1::SATISFACTION_SATISFIED, &out);
  EXPECT_EQ(confirm.error_code(), grpc::StatusCode::PERMISSION_DENIED)
      << Describe(confirm);
  EXPECT_THAT(confirm.error_message(),
              HasSubstr("sales.zhao (销售部) may not confirm " + c.name()));
  EXPECT_THAT(confirm.error_message(), HasSubstr("first responder li.na"));
  const grpc::Status reopen = Reopen("sales.zhao", c.name(), &out);
  EXPECT_EQ(reopen.error_code(), grpc::StatusCode::PERMISSION_DENIED)
      << Describe(reopen);
  EXPECT_EQ(DatabaseFingerprint(), before);

  // The first responder confirms; 销售部 may not close it.
  CX_ASSERT_OK(Confirm("li.na", c.name(),
                       csm::common::v1::SATISFACTION_SATISFIED, &out));
  const std::string confirmed = DatabaseFingerprint();
  const grpc::Status close = Close("sales.zhao", c.name(), &out);
  EXPECT_EQ(close.error_code(), grpc::StatusCode::PERMISSION_DENIED)
      << Describe(close);
  EXPECT_EQ(DatabaseFingerprint(), confirmed);
  CX_ASSERT_OK(Close("li.na", c.name(), &out));
  const std::string closed = DatabaseFingerprint();
  EXPECT_EQ(Reopen("sales.zhao", c.name(), &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(DatabaseFingerprint(), closed);
  EXPECT_EQ(Get(c.name()).state(), S::COMPLAINT_STATE_CLOSED);
  EXPECT_THAT(StepActions(c.name()),
              ::testing::ElementsAre("register", "accept", "start", "resolve",
                                     "confirm", "close"));
}

// Every transition and mutation, each from a state where it is legal:
// agents, supervisors and managers of another department are refused and
// nothing is written; then the rightful caller does it.
TEST_F(ComplaintAccessApiTest, EveryTransitionRefusesOtherDepartments) {
  const std::vector<std::string> outsiders = {"sales.zhao", "sales.sup",
                                              "sales.mgr"};
  struct Case {
    const char* what;
    S state;
    const char* rightful;
    std::function<grpc::Status(const std::string&, const std::string&)> call;
  };
  v1::Complaint out;
  auto by = [&](auto method, auto req) {
    return [this, method, req, &out](const std::string& staff,
                                     const std::string& name) mutable {
      req.set_name(name);
      return Call(method, staff, req, &out);
    };
  };
  v1::WaitForCustomerRequest wait;
  wait.set_reason("等待客户寄回样品");
  v1::RecordInvestigationRequest investigate;
  investigate.set_findings("现场核实：服务人员迟到两小时");
  v1::ResolveComplaintRequest resolve;
  resolve.mutable_resolution()->set_cause_analysis("排班错误");
  resolve.mutable_resolution()->set_immediate_fix("当天补派人员");
  resolve.mutable_resolution()->set_corrective_action("排班双人复核");
  resolve.mutable_resolution()->set_responsibility(v1::RESPONSIBILITY_COMPANY);
  v1::ConfirmComplaintRequest confirm;
  confirm.set_satisfaction(csm::common::v1::SATISFACTION_SATISFIED);
  v1::CloseComplaintRequest close;
  close.mutable_return_visit()->set_method("phone");
  close.mutable_return_visit()->set_satisfaction(
      csm::common::v1::SATISFACTION_SATISFIED);
  v1::ReopenComplaintRequest reopen;
  reopen.set_reason("问题复发");
  v1::TransferComplaintRequest transfer;
  transfer.set_to_department("技术服务部");
  transfer.set_reason("需要技术人员处理");
  v1::RejectComplaintRequest reject;
  reject.set_kind(v1::REJECTION_KIND_INVALID);
  reject.set_reason("非本公司产品");
  v1::ReclassifyComplaintRequest reclassify;
  reclassify.set_severity(v1::SEVERITY_MAJOR);
  reclassify.set_reason("影响客户生产");
  v1::ReassignComplaintRequest reassign;
  reassign.set_handler_id("wang.fang");
  const std::vector<Case> cases = {
      {"accept", S::COMPLAINT_STATE_REGISTERED, "li.na",
       by(&Stub::AcceptComplaint, v1::AcceptComplaintRequest())},
      {"start", S::COMPLAINT_STATE_ACCEPTED, "li.na",
       by(&Stub::StartHandling, v1::StartHandlingRequest())},
      {"investigate", S::COMPLAINT_STATE_ACCEPTED, "li.na",
       by(&Stub::RecordInvestigation, investigate)},
      {"wait", S::COMPLAINT_STATE_IN_PROGRESS, "li.na",
       by(&Stub::WaitForCustomer, wait)},
      {"resume", S::COMPLAINT_STATE_WAITING_ON_CUSTOMER, "li.na",
       by(&Stub::ResumeHandling, v1::ResumeHandlingRequest())},
      {"resolve", S::COMPLAINT_STATE_IN_PROGRESS, "li.na",
       by(&Stub::ResolveComplaint, resolve)},
      {"confirm", S::COMPLAINT_STATE_RESOLVED, "li.na",
       by(&Stub::ConfirmComplaint, confirm)},
      {"close", S::COMPLAINT_STATE_CONFIRMED, "li.na",
       by(&Stub::CloseComplaint, close)},
      {"reopen", S::COMPLAINT_STATE_CLOSED, "li.na",
       by(&Stub::ReopenComplaint, reopen)},
      {"transfer", S::COMPLAINT_STATE_REGISTERED, "sup",
       by(&Stub::TransferComplaint, transfer)},
      {"reject", S::COMPLAINT_STATE_REGISTERED, "sup",
       by(&Stub::RejectComplaint, reject)},
      {"reclassify", S::COMPLAINT_STATE_IN_PROGRESS, "kf.mgr",
       by(&Stub::ReclassifyComplaint, reclassify)},
      {"reassign", S::COMPLAINT_STATE_ACCEPTED, "sup",
       by(&Stub::ReassignComplaint, reassign)},
  };
  int n = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    const v1::Complaint complaint =
        Walk(absl::StrCat("第", ++n, "件：", c.what), c.state);
    ASSERT_EQ(complaint.state(), c.state);
    ExpectRefused(
        outsiders,
        [&](const std::string& staff) {
          return c.call(staff, complaint.name());
        },
        c.what);
    const grpc::Status ok = c.call(c.rightful, complaint.name());
    EXPECT_TRUE(ok.ok()) << c.rightful << ": " << Describe(ok);
  }

  // Linking a complaint to a major fault report is a change of it too.
  const v1::Complaint linked =
      Walk("停电导致无法服务", S::COMPLAINT_STATE_ACCEPTED);
  v1::CreateFaultReportRequest report = FaultReportRequest();
  report.mutable_fault_report()->add_complaints(linked.name());
  v1::FaultReport created;
  ExpectRefused(
      outsiders,
      [&](const std::string& staff) {
        return Call(&Stub::CreateFaultReport, staff, report, &created);
      },
      "link to a fault report");
  CX_ASSERT_OK(Call(&Stub::CreateFaultReport, "li.na", report, &created));
  EXPECT_EQ(Get(linked.name()).fault_report(), created.name());

  // The general manager, archivists and services read: refused by role.
  const v1::Complaint registered =
      Walk("只读角色", S::COMPLAINT_STATE_REGISTERED);
  ExpectRefused(
      {"gm", "arch", "order-svc"},
      [&](const std::string& staff) {
        return Accept(staff, registered.name(), &out);
      },
      "accept");
}

// 首问负责制: the first responder stays responsible for the outcome after a
// transfer (confirm, close, reopen) but the handling is the handling
// department's; decisions are its supervisors'.
TEST_F(ComplaintAccessApiTest, FirstResponderFollowsThroughButDoesNotHandle) {
  v1::Complaint c = MustRegister("设备异响", "quality");
  ASSERT_EQ(c.handling_department(), "技术服务部");
  ASSERT_EQ(c.first_responder_id(), "li.na");
  v1::Complaint out;
  ExpectRefused(
      {"li.na", "wang.fang", "sup"},
      [&](const std::string& staff) { return Accept(staff, c.name(), &out); },
      "accept");
  CX_ASSERT_OK(Accept("tech.zhou", c.name(), &out));
  CX_ASSERT_OK(Start("tech.zhou", c.name(), &out));
  ExpectRefused(
      {"li.na", "sup"},
      [&](const std::string& staff) { return Resolve(staff, c.name(), &out); },
      "resolve");
  // Reassigning is the handling department's supervisors' decision.
  v1::ReassignComplaintRequest reassign;
  reassign.set_name(c.name());
  reassign.set_handler_id("tech.wu");
  reassign.set_reason("周工更熟悉该型号");
  ExpectRefused(
      {"sup", "kf.mgr", "tech.zhou"},
      [&](const std::string& staff) {
        return Call(&Stub::ReassignComplaint, staff, reassign, &out);
      },
      "reassign");
  CX_ASSERT_OK(Call(&Stub::ReassignComplaint, "tech.sup", reassign, &out));
  EXPECT_EQ(out.handler_id(), "tech.wu");
  CX_ASSERT_OK(Resolve("tech.sup", c.name(), &out));

  // The first responder tells the customer and records the outcome; a
  // colleague of the first responder who is not a supervisor may not.
  ExpectRefused(
      {"wang.fang", "sales.sup"},
      [&](const std::string& staff) {
        return Confirm(staff, c.name(), csm::common::v1::SATISFACTION_SATISFIED,
                       &out);
      },
      "confirm");
  CX_ASSERT_OK(Confirm("li.na", c.name(),
                       csm::common::v1::SATISFACTION_SATISFIED, &out));
  // A supervisor of the first responder's department may close the loop.
  CX_ASSERT_OK(Close("sup", c.name(), &out));
  EXPECT_EQ(out.state(), S::COMPLAINT_STATE_CLOSED);
  CX_ASSERT_OK(Reopen("li.na", c.name(), &out));
  EXPECT_EQ(out.state(), S::COMPLAINT_STATE_REOPENED);
}

}  // namespace
}  // namespace csm::complaint
