// SLA policies (时限): the working-time terms of a category, severity and
// customer grade ("*" for any).

#include <set>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/paging.h"
#include "common/resource_id.h"
#include "common/status.h"
#include "complaint-svc/src/app/complaint_configuration.h"

namespace csm::complaint {
namespace {

constexpr char kSlaPoliciesQuery[] = "slaPolicies";

// `value` within [low, high], else a violation `range` on `field`.
void InRange(FieldViolations& v, const char* field, int64_t value, int64_t low,
             int64_t high, const char* range) {
  if (value < low || value > high) v.Add(field, range);
}

FieldViolations ValidatePolicy(const v1::SlaPolicy& p) {
  FieldViolations v;
  if (p.category() != "*" && !IsValidResourceId(p.category())) {
    v.Add("sla_policy.category", "a category id, or \"*\" for any category");
  }
  if (p.severity() != v1::SEVERITY_NORMAL &&
      p.severity() != v1::SEVERITY_MAJOR &&
      p.severity() != v1::SEVERITY_CRITICAL) {
    v.Add("sla_policy.severity",
          "SEVERITY_NORMAL, SEVERITY_MAJOR or SEVERITY_CRITICAL");
  }
  static const std::set<std::string> kGrades = {"A", "B", "C", "*"};
  if (!kGrades.contains(p.customer_grade())) {
    v.Add("sla_policy.customer_grade", "\"A\", \"B\", \"C\" or \"*\"");
  }
  InRange(v, "sla_policy.acknowledge_working_minutes",
          p.acknowledge_working_minutes(), 1, 10080, "1 to 10080");
  InRange(v, "sla_policy.handling_opinion_working_days",
          p.handling_opinion_working_days(), 0, 30,
          "0 (the same working day) to 30");
  InRange(v, "sla_policy.investigation_working_days",
          p.investigation_working_days(), 0, 30,
          "0 (the registration's working day) to 30");
  InRange(v, "sla_policy.warning_percent", p.warning_percent(), 1, 99,
          "1 to 99");
  InRange(v, "sla_policy.escalation_step_working_minutes",
          p.escalation_step_working_minutes(), 1, 10080, "1 to 10080");
  return v;
}

}  // namespace

absl::Status ComplaintConfiguration::ListSlaPolicies(
    const CallContext& call, const v1::ListSlaPoliciesRequest& req,
    v1::ListSlaPoliciesResponse* resp) {
  CSM_ASSIGN_OR_RETURN(int limit, ResolvePageSize(req.page_size()));
  CSM_ASSIGN_OR_RETURN(auto after,
                       DecodeToken(req.page_token(), kSlaPoliciesQuery));
  return RunWithConnection(
      *pool_, call.deadline, [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(auto page,
                             config_->ListSlaPoliciesPage(conn, after, limit));
        resp->Clear();
        for (auto& p : page.items) *resp->add_sla_policies() = std::move(p);
        resp->set_next_page_token(EncodeToken(page.next, kSlaPoliciesQuery));
        return absl::OkStatus();
      });
}

absl::Status ComplaintConfiguration::SetSlaPolicy(
    const CallContext& call, const v1::SetSlaPolicyRequest& req,
    v1::SlaPolicy* resp) {
  CSM_RETURN_IF_ERROR(ValidatePolicy(req.sla_policy()).ToStatus());
  return mutation_.Run(
      call, req.request_id(), req, resp,
      [&](MysqlConnection& conn) -> absl::Status {
        v1::SlaPolicy p = req.sla_policy();
        if (p.category() != "*") {
          CSM_ASSIGN_OR_RETURN(auto category,
                               config_->GetCategory(conn, p.category()));
          if (!category.has_value()) {
            return InvalidField("sla_policy.category",
                                absl::StrCat("categories/", p.category(),
                                             " does not exist; create it first "
                                             "or use \"*\""));
          }
        }
        CSM_RETURN_IF_ERROR(config_->UpsertSlaPolicy(conn, &p, call.start));
        *resp = std::move(p);
        return absl::OkStatus();
      });
}

}  // namespace csm::complaint
