#include "reporting-svc/src/app/report_request.h"

#include <optional>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status.h"
#include "csm/complaint/v1/complaint.pb.h"
#include "csm/customer/v1/customer.pb.h"
#include "reporting-svc/src/domain/period_request.h"

namespace csm::reporting {
namespace {

constexpr absl::Duration kReadTimeout = absl::Seconds(10);

// Who reads which departments (ReportFilter's comment in the contract).
absl::StatusOr<rv1::ReportFilter> Authorize(const CallContext& call,
                                            const FilterPolicy& policy,
                                            rv1::ReportFilter filter) {
  const RoleSet roles = call.principal.roles;
  if (roles.Intersects(
          {Role::kGeneralManager, Role::kArchivist, Role::kService})) {
    return filter;
  }
  if (roles.Intersects({Role::kSupervisor, Role::kManager})) {
    return RestrictToDepartment(std::move(filter), call.principal.department);
  }
  if (!policy.staff_ids) {
    return absl::PermissionDeniedError(
        absl::StrCat("agents read reports filtered to their own staff id; ",
                     policy.report, " is per department"));
  }
  return RestrictToStaff(std::move(filter), call.principal.staff_id);
}

}  // namespace

FilterPolicy FilterPolicyOf(rv1::ReportKind kind) {
  // Customer reports: no complaint classification.
  auto customer = [](const char* report) {
    return FilterPolicy{
        .report = report, .categories = false, .severities = false};
  };
  switch (kind) {
    case rv1::REPORT_KIND_WEEKLY:
      return FilterPolicy{.report = "the weekly report"};
    case rv1::REPORT_KIND_SUPERVISION:
      return FilterPolicy{.report = "the supervision report",
                          .staff_ids = false};
    case rv1::REPORT_KIND_COMPLAINT_ANALYSIS:
      return FilterPolicy{.report = "the complaint analysis"};
    case rv1::REPORT_KIND_SLA_ACCOUNTABILITY:
      return FilterPolicy{.report = "the SLA accountability"};
    case rv1::REPORT_KIND_SATISFACTION:
      return FilterPolicy{.report = "the satisfaction report"};
    case rv1::REPORT_KIND_CUSTOMER_ANALYSIS:
      return customer("the customer analysis");
    case rv1::REPORT_KIND_RETURN_VISITS:
      return customer("the return-visit report");
    case rv1::REPORT_KIND_ATTRITION_WARNING:
      return customer("the attrition warning");
    case rv1::REPORT_KIND_STAFF_RANKING:
      return FilterPolicy{.report = "the staff ranking",
                          .categories = false,
                          .severities = false,
                          .customer_grades = false};
    case rv1::REPORT_KIND_COMPLAINT_LEDGER:
      return FilterPolicy{.report = "the complaint ledger"};
    default:
      return FilterPolicy{.report = "scheduled reports"};
  }
}

FigureScope ScopeOf(const ReportPeriod& period,
                    const rv1::ReportFilter& filter) {
  FigureScope s;
  s.start = period.start_time();
  s.end = period.end_time();
  s.first = period.first();
  s.last = period.last();
  s.departments.assign(filter.departments().begin(),
                       filter.departments().end());
  s.staff_ids.assign(filter.staff_ids().begin(), filter.staff_ids().end());
  s.categories.assign(filter.categories().begin(), filter.categories().end());
  for (int severity : filter.severities()) {
    s.severities.push_back(csm::complaint::v1::Severity_Name(
        static_cast<csm::complaint::v1::Severity>(severity)));
  }
  for (int grade : filter.customer_grades()) {
    std::string name = csm::customer::v1::Grade_Name(
        static_cast<csm::customer::v1::Grade>(grade));
    // Complaints carry the letter ("A"), archives the enum name.
    if (absl::StartsWith(name, "GRADE_")) s.grades.push_back(name.substr(6));
    s.grades.push_back(std::move(name));
  }
  return s;
}

absl::StatusOr<ReportRequest> PrepareReport(MysqlPool& pool,
                                            const CallContext& call,
                                            const rv1::Period& period,
                                            const rv1::ReportFilter& filter,
                                            const FilterPolicy& policy) {
  CSM_ASSIGN_OR_RETURN(rv1::ReportFilter applied,
                       Authorize(call, policy, filter));
  KnownValues known;
  CSM_RETURN_IF_ERROR(RunWithConnection(
      pool, std::min(call.deadline, absl::Now() + kReadTimeout),
      [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(known.departments,
                             KnownValuesOf(conn, "department"));
        CSM_ASSIGN_OR_RETURN(known.categories, KnownValuesOf(conn, "category"));
        return absl::OkStatus();
      }));
  FieldViolations violations;
  std::optional<ReportPeriod> decoded =
      DecodePeriod(period, "period", &violations);
  // The caller's filter is validated (their own department added by
  // Authorize is known or simply matches nothing).
  ValidateFilter(filter, policy, known, "filter", &violations);
  CSM_RETURN_IF_ERROR(violations.ToStatus());
  ReportRequest r{*decoded, applied, ScopeOf(*decoded, applied)};
  return r;
}

}  // namespace csm::reporting
