#include "tools/load_requests.h"

#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "csm/complaint/v1/complaint.pb.h"
#include "csm/customer/v1/customer.pb.h"
#include "csm/reporting/v1/reports.pb.h"
#include "tools/csmctl_lib.h"
#include "tools/demo_data_lib.h"

namespace csm::load {
namespace {

namespace cv1 = ::csm::customer::v1;
namespace pv1 = ::csm::complaint::v1;
namespace rv1 = ::csm::reporting::v1;

const std::vector<std::pair<std::string, Method>>& Methods() {
  static const auto* kMethods = new std::vector<std::pair<std::string, Method>>{
      {"health", Method::kHealth},
      {"get_customer", Method::kGetCustomer},
      {"list_customers", Method::kListCustomers},
      {"create_customer", Method::kCreateCustomer},
      {"update_customer", Method::kUpdateCustomer},
      {"record_dealing", Method::kRecordDealing},
      {"register_complaint", Method::kRegisterComplaint},
      {"accept_complaint", Method::kAcceptComplaint},
      {"investigate_complaint", Method::kInvestigateComplaint},
      {"weekly_report", Method::kWeeklyReport},
      {"supervision_report", Method::kSupervisionReport},
      {"staff_ranking", Method::kStaffRanking}};
  return *kMethods;
}

grpc::ByteBuffer ToByteBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

// The three requests share their shape: a period and no filter.
std::string ReportRequest(const RequestOptions& options) {
  rv1::Period period;
  period.set_year(options.report_year);
  period.set_number(options.report_number);
  switch (options.method) {
    case Method::kWeeklyReport: {
      period.set_kind(rv1::PERIOD_KIND_WEEK);
      rv1::GetWeeklyReportRequest req;
      *req.mutable_period() = period;
      return req.SerializeAsString();
    }
    case Method::kSupervisionReport: {
      period.set_kind(rv1::PERIOD_KIND_MONTH);
      rv1::GetSupervisionReportRequest req;
      *req.mutable_period() = period;
      return req.SerializeAsString();
    }
    default: {
      period.set_kind(rv1::PERIOD_KIND_QUARTER);
      rv1::GetStaffRankingRequest req;
      *req.mutable_period() = period;
      return req.SerializeAsString();
    }
  }
}

}  // namespace

std::optional<Method> MethodFromName(absl::string_view name) {
  for (const auto& [n, m] : Methods()) {
    if (n == name) return m;
  }
  return std::nullopt;
}

std::string MethodNames() {
  std::vector<std::string> names;
  for (const auto& [n, m] : Methods()) names.push_back(n);
  return absl::StrJoin(names, ", ");
}

std::string GrpcPathOf(Method method) {
  switch (method) {
    case Method::kHealth:
      return "/grpc.health.v1.Health/Check";
    case Method::kGetCustomer:
      return "/csm.customer.v1.CustomerService/GetCustomer";
    case Method::kListCustomers:
      return "/csm.customer.v1.CustomerService/ListCustomers";
    case Method::kCreateCustomer:
      return "/csm.customer.v1.CustomerService/CreateCustomer";
    case Method::kUpdateCustomer:
      return "/csm.customer.v1.CustomerService/UpdateCustomer";
    case Method::kRecordDealing:
      return "/csm.customer.v1.CustomerService/RecordDealing";
    case Method::kRegisterComplaint:
      return "/csm.complaint.v1.ComplaintService/RegisterComplaint";
    case Method::kAcceptComplaint:
      return "/csm.complaint.v1.ComplaintService/AcceptComplaint";
    case Method::kInvestigateComplaint:
      return "/csm.complaint.v1.ComplaintService/RecordInvestigation";
    case Method::kWeeklyReport:
      return "/csm.reporting.v1.ReportService/GetWeeklyReport";
    case Method::kSupervisionReport:
      return "/csm.reporting.v1.ReportService/GetSupervisionReport";
    case Method::kStaffRanking:
      return "/csm.reporting.v1.ReportService/GetStaffRanking";
  }
  return "";
}

bool IsReport(Method method) {
  return method == Method::kWeeklyReport ||
         method == Method::kSupervisionReport ||
         method == Method::kStaffRanking;
}

bool NeedsTargets(Method method) {
  return method != Method::kHealth && method != Method::kListCustomers &&
         method != Method::kCreateCustomer && !IsReport(method);
}

bool Writes(Method method) {
  return method != Method::kHealth && method != Method::kGetCustomer &&
         method != Method::kListCustomers && !IsReport(method);
}

RequestSource::RequestSource(const RequestOptions& options, int worker,
                             const std::vector<std::string>* targets)
    : options_(options),
      worker_(worker),
      names_(targets),
      rng_(options.seed * 1000003u + static_cast<uint64_t>(worker)) {
  if (options.method == Method::kHealth) {
    fixed_ = ToByteBuffer(csmctl::EncodeHealthCheckRequest(""));
  } else if (options.method == Method::kListCustomers) {
    cv1::ListCustomersRequest req;
    req.set_page_size(options.page_size);
    fixed_ = ToByteBuffer(req.SerializeAsString());
  } else if (IsReport(options.method)) {
    fixed_ = ToByteBuffer(ReportRequest(options));
  } else if (options.method == Method::kGetCustomer) {
    // Encoded once: a read's request costs the client nothing per call.
    for (const std::string& name : *names_) {
      cv1::GetCustomerRequest req;
      req.set_name(name);
      gets_.push_back(ToByteBuffer(req.SerializeAsString()));
    }
  }
}

grpc::ByteBuffer RequestSource::Next(int64_t i) {
  switch (options_.method) {
    case Method::kHealth:
    case Method::kListCustomers:
    case Method::kWeeklyReport:
    case Method::kSupervisionReport:
    case Method::kStaffRanking:
      return fixed_;
    case Method::kGetCustomer:
      return gets_[TargetIndex(i)];
    case Method::kCreateCustomer:
      return ToByteBuffer(NewCustomer(i));
    case Method::kUpdateCustomer:
      return ToByteBuffer(UpdateCustomer(i));
    case Method::kRecordDealing:
      return ToByteBuffer(RecordDealing(i));
    case Method::kRegisterComplaint:
      return ToByteBuffer(RegisterComplaint(i));
    case Method::kAcceptComplaint:
      return ToByteBuffer(AcceptComplaint(i));
    case Method::kInvestigateComplaint:
      return ToByteBuffer(InvestigateComplaint(i));
  }
  return fixed_;
}

// Workers start at different targets and walk through all of them, so
// concurrent calls rarely meet on one row; one worker addresses each target
// once in its first N calls (accept_complaint relies on that).
size_t RequestSource::TargetIndex(int64_t i) const {
  return (static_cast<uint64_t>(worker_) * 7919u + static_cast<uint64_t>(i) +
          options_.seed) %
         names_->size();
}

const std::string& RequestSource::TargetAt(int64_t i) const {
  return (*names_)[TargetIndex(i)];
}

// Unique per seed, worker and call; letters between the numbers keep keys
// distinct after the complaint subject's normalisation drops punctuation.
std::string RequestSource::Key(int64_t i) const {
  return absl::StrCat("s", options_.seed, "w", worker_, "n", i);
}

std::string RequestSource::NewCustomer(int64_t i) {
  static constexpr const char* kRegions[] = {"110105", "310115", "440300",
                                             "330106", "510107", "420106"};
  static constexpr const char* kProvinces[] = {"北京市", "上海市", "广东省",
                                               "浙江省", "四川省", "湖北省"};
  static constexpr const char* kCities[] = {"北京市", "上海市", "深圳市",
                                            "杭州市", "成都市", "武汉市"};
  const size_t r = static_cast<size_t>(rng_() % 6);
  // The key format of earlier runs: seeds of old runs stay distinct.
  const std::string key = absl::StrCat(options_.seed, "-", worker_, "-", i);
  cv1::CreateCustomerRequest req;
  req.set_request_id(absl::StrCat("load-", key));
  cv1::Customer& c = *req.mutable_customer();
  c.set_display_name(absl::StrCat("压测客户", key, "科技有限公司"));
  c.set_kind(cv1::CUSTOMER_KIND_ENTERPRISE);
  c.set_credit_code(demo::MakeUscc('9', '1', kRegions[r], rng_));
  c.set_province(kProvinces[r]);
  c.set_city(kCities[r]);
  c.set_industry("软件和信息技术服务业");
  c.set_address(absl::StrCat(kCities[r], "科技园路", i % 997 + 1, "号"));
  c.set_legal_representative("李压测");
  c.set_business_scope("软件开发、技术服务");
  c.set_company_size("50-99人");
  c.set_acquisition_channel(cv1::ACQUISITION_CHANNEL_WEB);
  c.set_team(options_.team);
  cv1::Contact& contact = *c.add_contacts();
  contact.set_display_name("王测试");
  contact.set_title("采购经理");
  contact.add_phones(demo::MakeMobile(rng_));
  contact.set_email(absl::StrCat("buyer-", key, "@example.com"));
  contact.set_primary(true);
  return req.SerializeAsString();
}

std::string RequestSource::UpdateCustomer(int64_t i) {
  cv1::UpdateCustomerRequest req;
  req.set_request_id(absl::StrCat("load-upd-", Key(i)));
  req.mutable_customer()->set_name(TargetAt(i));
  // A new value every call, so every call writes (an unchanged field is
  // answered without a write).
  req.mutable_customer()->set_address(
      absl::StrCat("上海市浦东新区压测路", Key(i), "号"));
  req.mutable_update_mask()->add_paths("address");
  return req.SerializeAsString();
}

std::string RequestSource::RecordDealing(int64_t i) {
  cv1::RecordDealingRequest req;
  req.set_request_id(absl::StrCat("load-deal-", Key(i)));
  req.set_parent(TargetAt(i));
  cv1::Dealing& d = *req.mutable_dealing();
  d.set_kind(cv1::DEALING_KIND_SALE);
  // Two days back: never "in the future" in the service's time zone.
  const absl::CivilDay day =
      absl::ToCivilDay(absl::Now() - absl::Hours(48), absl::UTCTimeZone());
  d.mutable_deal_date()->set_year(static_cast<int32_t>(day.year()));
  d.mutable_deal_date()->set_month(day.month());
  d.mutable_deal_date()->set_day(day.day());
  d.set_amount_fen(100 * (1 + i % 10000));
  d.set_note("压测成交");
  return req.SerializeAsString();
}

std::string RequestSource::RegisterComplaint(int64_t i) {
  pv1::RegisterComplaintRequest req;
  req.set_request_id(absl::StrCat("load-cmp-", Key(i)));
  pv1::Complaint& c = *req.mutable_complaint();
  c.set_customer(TargetAt(i));
  c.set_category("quality");
  c.set_severity(pv1::SEVERITY_NORMAL);
  c.set_channel(pv1::COMPLAINT_CHANNEL_PHONE_HOTLINE);
  // A subject of its own: a new complaint each call, never a link to an
  // open one (the "same matter" rule).
  c.set_subject(absl::StrCat("压测投诉", Key(i)));
  c.set_description("压测：设备运行中偶发报警，需要检查。");
  return req.SerializeAsString();
}

std::string RequestSource::AcceptComplaint(int64_t i) {
  pv1::AcceptComplaintRequest req;
  req.set_request_id(absl::StrCat("load-acc-", Key(i)));
  req.set_name(TargetAt(i));
  return req.SerializeAsString();
}

std::string RequestSource::InvestigateComplaint(int64_t i) {
  pv1::RecordInvestigationRequest req;
  req.set_request_id(absl::StrCat("load-inv-", Key(i)));
  req.set_name(TargetAt(i));
  req.set_findings(absl::StrCat("压测核实：现场检查第", Key(i), "次"));
  return req.SerializeAsString();
}

}  // namespace csm::load
