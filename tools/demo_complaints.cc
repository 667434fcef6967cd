#include "tools/demo_complaints.h"

#include <iostream>
#include <map>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "csm/complaint/v1/complaint.grpc.pb.h"
#include "csm/customer/v1/customer.grpc.pb.h"
#include "tools/csmctl_lib.h"

namespace csm::demo {
namespace {

namespace cv1 = ::csm::customer::v1;
namespace v1 = ::csm::complaint::v1;
using Sat = ::csm::common::v1::Satisfaction;
using Stub = v1::ComplaintService::Stub;

constexpr absl::Duration kDeadline = absl::Seconds(10);

enum class Step {
  kAccept,
  kTransfer,
  kStart,
  kInvestigate,
  kWait,
  kResume,
  kResolve,
  kConfirmSatisfied,
  kClose,
  kReopen,
  kReject,
};

struct ComplaintPlan {
  int customer;  // index into the open demo archives
  const char* category;
  v1::Severity severity;
  v1::ComplaintChannel channel;
  const char* subject;
  const char* description;
  const char* request;
  const char* matter;
  std::vector<Step> steps;
};

// The walk of each complaint; the state it ends in is in the comment.
const std::vector<ComplaintPlan>& Plans() {
  using enum Step;
  static const auto* kPlans = new std::vector<ComplaintPlan>{
      // registered
      {0,
       "quality",
       v1::SEVERITY_NORMAL,
       v1::COMPLAINT_CHANNEL_PHONE_HOTLINE,
       "控制器偶发死机",
       "设备运行两周后控制器偶发死机，需断电重启。",
       "派工程师上门检查并更换控制器",
       "SO-2026-0101",
       {}},
      // accepted
      {1,
       "logistics",
       v1::SEVERITY_MAJOR,
       v1::COMPLAINT_CHANNEL_EMAIL,
       "整批货物延迟到货五天",
       "合同约定3月10日到货，实际3月15日到货，影响客户产线。",
       "说明原因并承担停线损失",
       "SO-2026-0102",
       {kAccept}},
      // transferred (registered by customer service, moved to warehousing)
      {2,
       "service",
       v1::SEVERITY_NORMAL,
       v1::COMPLAINT_CHANNEL_VISIT,
       "包装破损导致外观划伤",
       "开箱发现外包装破损，设备外壳多处划伤。",
       "更换外壳",
       "SO-2026-0103",
       {kTransfer}},
      // in progress
      {3,
       "service",
       v1::SEVERITY_NORMAL,
       v1::COMPLAINT_CHANNEL_PHONE_HOTLINE,
       "热线长时间无人接听",
       "连续三天拨打服务热线均无人接听。",
       "给出明确答复时间",
       "",
       {kAccept, kStart}},
      // waiting on customer (SLA clock paused)
      {4,
       "quality",
       v1::SEVERITY_MAJOR,
       v1::COMPLAINT_CHANNEL_WEB,
       "检测数据与出厂报告不符",
       "客户复检三项指标超出出厂报告范围。",
       "重新检测并出具报告",
       "LOT-2026-0331",
       {kAccept, kInvestigate, kStart, kWait}},
      // resolved
      {5,
       "sales",
       v1::SEVERITY_NORMAL,
       v1::COMPLAINT_CHANNEL_LETTER,
       "发票金额与合同不一致",
       "发票金额比合同少开运费部分。",
       "补开发票",
       "HT-2026-0042",
       {kAccept, kInvestigate, kStart, kResolve}},
      // confirmed
      {6,
       "attitude",
       v1::SEVERITY_NORMAL,
       v1::COMPLAINT_CHANNEL_PHONE_HOTLINE,
       "客服人员态度生硬",
       "客户反映客服在电话中语气生硬、多次打断。",
       "道歉",
       "",
       {kAccept, kInvestigate, kStart, kResolve, kConfirmSatisfied}},
      // closed after the complaint return visit (投诉回访)
      {7,
       "logistics",
       v1::SEVERITY_NORMAL,
       v1::COMPLAINT_CHANNEL_EMAIL,
       "送货地址错误",
       "货物送至客户旧仓库地址。",
       "改送新仓库",
       "SO-2026-0107",
       {kAccept, kInvestigate, kStart, kResolve, kConfirmSatisfied, kClose}},
      // reopened: the fix did not hold
      {8,
       "quality",
       v1::SEVERITY_NORMAL,
       v1::COMPLAINT_CHANNEL_PHONE_HOTLINE,
       "传感器读数漂移",
       "更换后的传感器一周后再次漂移。",
       "彻底解决",
       "SN-88231",
       {kAccept, kStart, kResolve, kReopen}},
      // rejected as invalid
      {9,
       "sales",
       v1::SEVERITY_NORMAL,
       v1::COMPLAINT_CHANNEL_WEB,
       "要求退还已使用两年的设备",
       "客户要求全额退还已使用两年的设备款。",
       "全额退款",
       "",
       {kReject}},
      // the whole road: registered as a service matter, found to be a
      // packaging one and transferred; wait, resume, resolve, confirm, close
      {10,
       "service",
       v1::SEVERITY_NORMAL,
       v1::COMPLAINT_CHANNEL_VISIT,
       "包装受潮",
       "雨季运输包装受潮，纸箱变形。",
       "改进防潮包装",
       "SO-2026-0111",
       {kTransfer, kAccept, kInvestigate, kStart, kWait, kResume, kResolve,
        kConfirmSatisfied, kClose}},
      // major, accepted: the general manager was notified at registration
      {11,
       "service",
       v1::SEVERITY_MAJOR,
       v1::COMPLAINT_CHANNEL_PHONE_HOTLINE,
       "上门服务多次爽约",
       "工程师三次约定上门均未到场。",
       "指定专人负责",
       "",
       {kAccept}},
      // critical and left unaccepted: escalated by the sweep once the
      // 15-working-minute acknowledge deadline passes
      {12,
       "quality",
       v1::SEVERITY_CRITICAL,
       v1::COMPLAINT_CHANNEL_PHONE_HOTLINE,
       "设备冒烟停机",
       "设备运行中冒烟并自动停机，现场已断电。",
       "立即派人到场",
       "SN-90017",
       {}},
      {13,
       "logistics",
       v1::SEVERITY_CRITICAL,
       v1::COMPLAINT_CHANNEL_EMAIL,
       "危险品运输泄漏",
       "到货时发现一桶试剂泄漏。",
       "立即处理并说明",
       "SO-2026-0114",
       {}},
      {14,
       "service",
       v1::SEVERITY_CRITICAL,
       v1::COMPLAINT_CHANNEL_VISIT,
       "系统宕机影响营业",
       "客户收银系统全面宕机两小时。",
       "立即恢复",
       "",
       {}},
  };
  return *kPlans;
}

class ComplaintLoader {
 public:
  ComplaintLoader(std::shared_ptr<grpc::Channel> customers,
                  std::shared_ptr<grpc::Channel> complaints, std::string token,
                  DepartmentTokens staff_of, uint64_t seed)
      : customers_(cv1::CustomerService::NewStub(std::move(customers))),
        complaints_(v1::ComplaintService::NewStub(std::move(complaints))),
        token_(std::move(token)),
        staff_of_(std::move(staff_of)),
        seed_(seed) {}

  bool Load() {
    std::vector<std::string> names;
    if (!OpenCustomers(&names)) return false;
    if (names.empty()) {
      std::cerr << "demo complaints: no open customer archives to complain "
                   "about; load the customer demo data first\n";
      return false;
    }
    std::map<std::string, int> by_state;
    for (size_t i = 0; i < Plans().size(); ++i) {
      const ComplaintPlan& plan = Plans()[i];
      v1::Complaint c;
      if (!Walk(static_cast<int>(i), plan, names[plan.customer % names.size()],
                &c)) {
        return false;
      }
      ++by_state[v1::ComplaintState_Name(c.state())];
      std::cout << absl::StrCat("complaint ", c.complaint_number(), "  ",
                                c.name(), "  ", c.category(), "/",
                                v1::Severity_Name(c.severity()), "  ",
                                v1::ComplaintState_Name(c.state()), "  ",
                                c.handling_department(), "\n");
    }
    // The customer calls again about the same matter: linked, not opened
    // twice (不应让客户打第二次电话).
    v1::RegisterComplaintResponse linked;
    if (!Register(99, Plans()[0], names[0], &linked)) return false;
    std::cout << "\nDemo complaints loaded: " << Plans().size();
    for (const auto& [state, n] : by_state)
      std::cout << ", " << state << " " << n;
    std::cout << "\n  repeat call about " << linked.complaint().name()
              << (linked.linked_to_open_complaint() ? " linked to it" : "")
              << "\n  3 critical complaints are not accepted: during working "
                 "hours the escalation sweep escalates them 15 working "
                 "minutes after registration\n";
    return true;
  }

 private:
  template <typename Req, typename Resp>
  grpc::Status Invoke(grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                   const Req&, Resp*),
                      const Req& req, Resp* resp,
                      const std::string& token = "") {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + kDeadline));
    ctx.AddMetadata("authorization",
                    "Bearer " + (token.empty() ? token_ : token));
    return ((*complaints_).*method)(&ctx, req, resp);
  }

  // Handling and decisions are the handling department's; following up
  // with the customer is the first responder's (the loader's).
  std::string TokenFor(Step step, const v1::Complaint& c) const {
    switch (step) {
      case Step::kConfirmSatisfied:
      case Step::kClose:
      case Step::kReopen:
        return token_;
      default:
        return staff_of_ ? staff_of_(c.handling_department()) : token_;
    }
  }

  static bool Fail(const std::string& step, const grpc::Status& s) {
    std::cerr << csmctl::FormatRpcError(s) << "  while " << step << "\n";
    return false;
  }

  std::string Rid(int i, absl::string_view what) const {
    return absl::StrCat("demo-", seed_, "-complaint-", i, "-", what);
  }

  bool OpenCustomers(std::vector<std::string>* names) {
    cv1::ListCustomersRequest req;
    req.set_filter("state = ARCHIVE_STATE_OPEN");
    req.set_page_size(50);
    cv1::ListCustomersResponse resp;
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + kDeadline));
    ctx.AddMetadata("authorization", "Bearer " + token_);
    const grpc::Status s = customers_->ListCustomers(&ctx, req, &resp);
    if (!s.ok()) return Fail("listing demo customers", s);
    for (const cv1::Customer& c : resp.customers()) names->push_back(c.name());
    return true;
  }

  bool Register(int i, const ComplaintPlan& plan, const std::string& customer,
                v1::RegisterComplaintResponse* resp) {
    v1::RegisterComplaintRequest req;
    v1::Complaint* c = req.mutable_complaint();
    c->set_customer(customer);
    c->set_channel(plan.channel);
    c->set_category(plan.category);
    c->set_severity(plan.severity);
    c->set_subject(plan.subject);
    c->set_description(plan.description);
    c->set_customer_request(plan.request);
    c->set_matter_reference(plan.matter);
    req.set_request_id(Rid(i, "register"));
    const grpc::Status s = Invoke(&Stub::RegisterComplaint, req, resp);
    if (!s.ok()) return Fail(absl::StrCat("registering ", plan.subject), s);
    return true;
  }

  // Registers the complaint and applies its steps; no etags, so a rerun
  // sends identical requests and gets the stored answers.
  bool Walk(int i, const ComplaintPlan& plan, const std::string& customer,
            v1::Complaint* c) {
    v1::RegisterComplaintResponse registered;
    if (!Register(i, plan, customer, &registered)) return false;
    *c = registered.complaint();
    const std::string name = c->name();
    int n = 0;
    for (Step step : plan.steps) {
      const std::string rid = Rid(i, absl::StrCat("step", ++n));
      const std::string token = TokenFor(step, *c);
      grpc::Status s;
      switch (step) {
        case Step::kAccept: {
          v1::AcceptComplaintRequest r;
          r.set_name(name);
          r.set_request_id(rid);
          s = Invoke(&Stub::AcceptComplaint, r, c, token);
          break;
        }
        case Step::kTransfer: {
          v1::TransferComplaintRequest r;
          r.set_name(name);
          r.set_to_department("仓储物流");
          r.set_reason("包装与运输问题由仓储物流负责");
          r.set_request_id(rid);
          s = Invoke(&Stub::TransferComplaint, r, c, token);
          break;
        }
        case Step::kInvestigate: {
          v1::RecordInvestigationRequest r;
          r.set_name(name);
          r.set_findings("当天现场核实：问题属实，已拍照取证");
          r.set_request_id(rid);
          s = Invoke(&Stub::RecordInvestigation, r, c, token);
          break;
        }
        case Step::kStart: {
          v1::StartHandlingRequest r;
          r.set_name(name);
          r.set_request_id(rid);
          s = Invoke(&Stub::StartHandling, r, c, token);
          break;
        }
        case Step::kWait: {
          v1::WaitForCustomerRequest r;
          r.set_name(name);
          r.set_reason("等待客户寄回样品");
          r.set_request_id(rid);
          s = Invoke(&Stub::WaitForCustomer, r, c, token);
          break;
        }
        case Step::kResume: {
          v1::ResumeHandlingRequest r;
          r.set_name(name);
          r.set_request_id(rid);
          s = Invoke(&Stub::ResumeHandling, r, c, token);
          break;
        }
        case Step::kResolve: {
          v1::ResolveComplaintRequest r;
          r.set_name(name);
          v1::Resolution* res = r.mutable_resolution();
          res->set_cause_analysis("出厂检验漏检，批次质量控制不到位");
          res->set_immediate_fix("当天派人处理并更换问题部件");
          res->set_corrective_action("增加出厂检验项目并培训检验人员");
          res->set_responsibility(v1::RESPONSIBILITY_COMPANY);
          r.set_request_id(rid);
          s = Invoke(&Stub::ResolveComplaint, r, c, token);
          break;
        }
        case Step::kConfirmSatisfied: {
          v1::ConfirmComplaintRequest r;
          r.set_name(name);
          r.set_satisfaction(Sat::SATISFACTION_SATISFIED);
          r.set_customer_feedback("处理及时，满意");
          r.set_request_id(rid);
          s = Invoke(&Stub::ConfirmComplaint, r, c, token);
          break;
        }
        case Step::kClose: {
          v1::CloseComplaintRequest r;
          r.set_name(name);
          r.mutable_return_visit()->set_method("phone");
          r.mutable_return_visit()->set_satisfaction(
              Sat::SATISFACTION_SATISFIED);
          r.mutable_return_visit()->set_notes("回访确认问题已解决");
          r.set_request_id(rid);
          s = Invoke(&Stub::CloseComplaint, r, c, token);
          break;
        }
        case Step::kReopen: {
          v1::ReopenComplaintRequest r;
          r.set_name(name);
          r.set_reason("客户反映问题再次出现");
          r.set_request_id(rid);
          s = Invoke(&Stub::ReopenComplaint, r, c, token);
          break;
        }
        case Step::kReject: {
          v1::RejectComplaintRequest r;
          r.set_name(name);
          r.set_kind(v1::REJECTION_KIND_INVALID);
          r.set_reason("超出保修期且非质量问题");
          r.set_request_id(rid);
          s = Invoke(&Stub::RejectComplaint, r, c, token);
          break;
        }
      }
      if (!s.ok() && !staff_of_ &&
          s.error_code() == grpc::StatusCode::PERMISSION_DENIED) {
        std::cout << "  " << c->name() << " stays "
                  << v1::ComplaintState_Name(c->state()) << ": "
                  << s.error_message()
                  << " (give --jwt_secret_file to act as its staff)\n";
        return true;
      }
      if (!s.ok()) {
        return Fail(absl::StrCat("step ", n, " of complaint ", i, " (",
                                 plan.subject, ")"),
                    s);
      }
    }
    return true;
  }

  std::unique_ptr<cv1::CustomerService::Stub> customers_;
  std::unique_ptr<Stub> complaints_;
  std::string token_;
  DepartmentTokens staff_of_;
  uint64_t seed_;
};

}  // namespace

bool LoadDemoComplaints(std::shared_ptr<grpc::Channel> customers,
                        std::shared_ptr<grpc::Channel> complaints,
                        const std::string& token,
                        const DepartmentTokens& staff_of, uint64_t seed) {
  ComplaintLoader loader(std::move(customers), std::move(complaints), token,
                         staff_of, seed);
  return loader.Load();
}

}  // namespace csm::demo
