// A scripted week of customer service driven through the gRPC APIs of a
// running customer-svc and complaint-svc, on the test business clock: the
// archives of one team, then complaints walked through their lifecycle
// (accepted, handled, resolved, confirmed, closed, some reopened, some
// transferred, some left open). It counts by hand what it did, for the
// reports to be checked against. Each step is one call that must succeed;
// a kill between steps (tests/reporting_crash_test.cc) loses nothing.
#ifndef CSM_TESTS_REPORTING_SCENARIO_H_
#define CSM_TESTS_REPORTING_SCENARIO_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "csm/complaint/v1/complaint.grpc.pb.h"
#include "csm/customer/v1/customer.grpc.pb.h"
#include "customer-svc/testing/customer_test_support.h"
#include "gtest/gtest.h"
#include "tests/testing/csm_processes.h"

namespace csm::testing {

namespace cv1 = ::csm::customer::v1;
namespace pv1 = ::csm::complaint::v1;

// The test customers' builder (a protected static of the customer fixture).
struct ArchiveBuilder : customer::testing::CustomerApiFixture {
  using CustomerApiFixture::NewCustomer;
};

inline std::unique_ptr<grpc::ClientContext> StaffContext(
    const std::string& staff, RoleSet roles, const std::string& department) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->AddMetadata(
      "authorization",
      absl::StrCat("Bearer ", TestToken(staff, roles, department)));
  ctx->set_deadline(std::chrono::system_clock::now() +
                    std::chrono::seconds(30));
  return ctx;
}

class ServiceWeek {
 public:
  // What the scenario did, counted by hand.
  struct Counts {
    int archives = 0;
    int regraded = 0;
    int received = 0;
    int accepted = 0;
    int resolved = 0;
    int closed = 0;
    int reopened = 0;
    int transferred = 0;
  };

  ServiceWeek(CsmProcess* customers, CsmProcess* complaints,
              TestClockFile* clock)
      : customers_(customers), complaints_(complaints), clock_(clock) {}

  void CreateTeam() {
    cv1::CreateTeamRequest req;
    req.set_team_id(customer::testing::kTeam);
    req.mutable_team()->set_display_name("客服一组");
    req.mutable_team()->set_department("客服部");
    for (const std::string& m : customer::testing::TeamMembers()) {
      req.mutable_team()->add_member_ids(m);
    }
    cv1::Team team;
    Check(CustomerStub()->CreateTeam(Archivist().get(), req, &team), "team");
  }

  // Archives n = from..to, every third one regraded to A.
  void CreateArchives(int from, int to) {
    for (int n = from; n <= to && !::testing::Test::HasFailure(); ++n) {
      clock_->Advance(absl::Minutes(5));
      cv1::CreateCustomerRequest req;
      *req.mutable_customer() = ArchiveBuilder::NewCustomer(
          absl::StrCat("杭州示例科技有限公司", n), n);
      req.set_request_id(absl::StrCat("week-archive-", n));
      cv1::CreateCustomerResponse created;
      Check(CustomerStub()->CreateCustomer(Archivist().get(), req, &created),
            absl::StrCat("archive ", n));
      archives_.push_back(created.customer().name());
      ++counts_.archives;
      if (n % 3 != 0) continue;
      clock_->Advance(absl::Minutes(5));
      cv1::ChangeGradeRequest grade;
      grade.set_name(created.customer().name());
      grade.set_grade(cv1::GRADE_A);
      grade.set_reason("业务量大，重要客户");
      cv1::Customer out;
      Check(CustomerStub()->ChangeGrade(Archivist().get(), grade, &out),
            absl::StrCat("grade ", n));
      ++counts_.regraded;
    }
  }

  // Complaints i = from..to in four categories (four handling departments),
  // ten minutes between steps: one in six transferred to 技术服务部, one in
  // six left registered, the others accepted by an agent of their
  // department; of those two in three handled to close, one in seven of the
  // closed reopened.
  void HandleComplaints(int from, int to) {
    for (int i = from; i <= to && !::testing::Test::HasFailure(); ++i) {
      HandleComplaint(i);
    }
  }

  const Counts& counts() const { return counts_; }

 private:
  // A category, the department complaint-svc routes it to, and an agent
  // and a supervisor of that department.
  struct Handler {
    const char* category;
    const char* department;
    const char* agent;
    const char* supervisor;
  };
  static const Handler& HandlerOf(int i) {
    static const Handler kHandlers[] = {
        {"service", "客服部", "li.na", "sup"},
        {"packaging", "仓储物流", "wh.liu", "wh.sup"},
        {"quality", "技术服务部", "tech.zhou", "tech.sup"},
        {"logistics", "仓储物流", "wh.chen", "wh.sup"}};
    return kHandlers[i % 4];
  }

  void HandleComplaint(int i) {
    const std::string name = Register(i);
    if (name.empty()) return;
    if (i % 6 == 5) {
      pv1::TransferComplaintRequest req;
      req.set_name(name);
      req.set_to_department("技术服务部");
      req.set_reason("质量问题，移交技术服务部");
      Step(&pv1::ComplaintService::Stub::TransferComplaint,
           HandlerOf(i).supervisor, Role::kSupervisor, req, i);
      ++counts_.transferred;
      return;
    }
    if (i % 6 == 4) return;
    pv1::AcceptComplaintRequest accept;
    accept.set_name(name);
    Step(&pv1::ComplaintService::Stub::AcceptComplaint, HandlerOf(i).agent,
         Role::kAgent, accept, i);
    ++counts_.accepted;
    if (i % 3 == 0) return;
    HandleToClose(name, i);
  }

  void HandleToClose(const std::string& name, int i) {
    using Stub = pv1::ComplaintService::Stub;
    pv1::StartHandlingRequest start;
    start.set_name(name);
    Step(&Stub::StartHandling, HandlerOf(i).agent, Role::kAgent, start, i);
    pv1::ResolveComplaintRequest resolve;
    resolve.set_name(name);
    resolve.mutable_resolution()->set_cause_analysis("批次来料不良");
    resolve.mutable_resolution()->set_immediate_fix("更换同型号新品");
    resolve.mutable_resolution()->set_corrective_action("加严来料检验");
    resolve.mutable_resolution()->set_responsibility(
        pv1::RESPONSIBILITY_COMPANY);
    Step(&Stub::ResolveComplaint, HandlerOf(i).agent, Role::kAgent, resolve, i);
    ++counts_.resolved;
    const auto satisfaction = static_cast<common::v1::Satisfaction>(
        common::v1::SATISFACTION_SATISFIED + i % 3);
    pv1::ConfirmComplaintRequest confirm;
    confirm.set_name(name);
    confirm.set_satisfaction(satisfaction);
    Step(&Stub::ConfirmComplaint, HandlerOf(i).agent, Role::kAgent, confirm, i);
    pv1::CloseComplaintRequest close;
    close.set_name(name);
    close.mutable_return_visit()->set_method("phone");
    close.mutable_return_visit()->set_satisfaction(satisfaction);
    Step(&Stub::CloseComplaint, HandlerOf(i).agent, Role::kAgent, close, i);
    ++counts_.closed;
    if (i % 7 != 0) return;
    pv1::ReopenComplaintRequest reopen;
    reopen.set_name(name);
    reopen.set_reason("客户再次来电，问题复发");
    Step(&Stub::ReopenComplaint, HandlerOf(i).agent, Role::kAgent, reopen, i);
    ++counts_.reopened;
  }

  std::string Register(int i) {
    clock_->Advance(absl::Minutes(10));
    pv1::RegisterComplaintRequest req;
    pv1::Complaint* c = req.mutable_complaint();
    c->set_customer(archives_.at(i % archives_.size()));
    c->set_channel(pv1::COMPLAINT_CHANNEL_PHONE_HOTLINE);
    c->set_category(HandlerOf(i).category);
    c->set_severity(i % 5 == 0 ? pv1::SEVERITY_MAJOR : pv1::SEVERITY_NORMAL);
    c->set_subject(absl::StrCat("投诉事项 ", i));
    c->set_description(absl::StrCat("客户来电反映第 ", i, " 号问题。"));
    c->set_customer_request("尽快处理并回复");
    req.set_request_id(absl::StrCat("week-register-", i));
    pv1::RegisterComplaintResponse out;
    auto ctx = StaffContext("li.na", {Role::kAgent}, "客服部");
    if (!Check(ComplaintStub()->RegisterComplaint(ctx.get(), req, &out),
               absl::StrCat("register ", i))) {
      return "";
    }
    EXPECT_FALSE(out.linked_to_open_complaint()) << i;
    ++counts_.received;
    return out.complaint().name();
  }

  template <typename Req>
  void Step(grpc::Status (pv1::ComplaintService::Stub::*method)(
                grpc::ClientContext*, const Req&, pv1::Complaint*),
            const std::string& staff, Role role, const Req& req, int i) {
    clock_->Advance(absl::Minutes(10));
    auto ctx = StaffContext(staff, {role}, HandlerOf(i).department);
    pv1::Complaint out;
    Check(((*ComplaintStub()).*method)(ctx.get(), req, &out),
          absl::StrCat(Req::descriptor()->name(), " ", i));
  }

  static bool Check(const grpc::Status& s, const std::string& what) {
    EXPECT_TRUE(s.ok()) << what << ": " << customer::testing::Describe(s);
    return s.ok();
  }

  std::unique_ptr<grpc::ClientContext> Archivist() {
    return StaffContext("arch", {Role::kArchivist}, "档案室");
  }
  std::unique_ptr<cv1::CustomerService::Stub> CustomerStub() {
    return cv1::CustomerService::NewStub(customers_->channel());
  }
  std::unique_ptr<pv1::ComplaintService::Stub> ComplaintStub() {
    return pv1::ComplaintService::NewStub(complaints_->channel());
  }

  CsmProcess* customers_;
  CsmProcess* complaints_;
  TestClockFile* clock_;
  std::vector<std::string> archives_;
  Counts counts_;
};

}  // namespace csm::testing

#endif  // CSM_TESTS_REPORTING_SCENARIO_H_
