// 服务监督报告 (docs/reports.md, section 6): per handling department and for
// the company, the complaint figures the general manager reads, return
// visits to the department's archives, escalations per level and major
// faults.
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status.h"
#include "csm/complaint/v1/complaint.pb.h"
#include "reporting-svc/src/app/complaint_aggregates.h"
#include "reporting-svc/src/app/complaint_figures.h"
#include "reporting-svc/src/app/figure_csv.h"
#include "reporting-svc/src/app/figure_sql.h"
#include "reporting-svc/src/app/report_request.h"
#include "reporting-svc/src/app/reports.h"
#include "reporting-svc/src/app/visit_figures.h"
#include "reporting-svc/src/domain/period_request.h"
#include "reporting-svc/src/domain/rates.h"
#include "reporting-svc/src/store/highlight_queries.h"

namespace csm::reporting {
namespace {

namespace f = figures;
using Rows = std::map<std::string, rv1::DepartmentSupervision>;

void CopyComplaintFigures(const rv1::ComplaintFigures& c,
                          rv1::DepartmentSupervision* d) {
  d->set_complaints_accepted(c.accepted());
  *d->mutable_on_time_handling() = c.handling_on_time();
  *d->mutable_resolution_rate() = c.resolution_rate();
  *d->mutable_satisfaction_rate() = c.satisfaction_rate();
  d->set_complaints_received(c.received());
  d->set_complaints_resolved(c.resolved());
  d->set_complaints_overdue(c.overdue());
}

// The rows by department (key) or the company ("" with GroupAll).
absl::StatusOr<Rows> SupervisionRows(MysqlConnection& conn,
                                     const FigureScope& scope, GroupKey key) {
  CSM_ASSIGN_OR_RETURN(
      auto complaints,
      ComplaintFiguresBy(conn, scope,
                         key.all ? rv1::COMPLAINT_DIMENSION_UNSPECIFIED
                                 : rv1::COMPLAINT_DIMENSION_DEPARTMENT));
  FigureScope customers = scope;
  customers.categories.clear();
  customers.severities.clear();
  CSM_ASSIGN_OR_RETURN(auto visits, VisitFiguresBy(conn, customers, key));
  CSM_ASSIGN_OR_RETURN(auto kept, AggregatedShares(conn, scope, key,
                                                   aggregates::kConfirmedKept));
  CSM_ASSIGN_OR_RETURN(
      auto levels, CountByDetail(conn, f::kEscalated, scope, key, "f.detail"));
  CSM_ASSIGN_OR_RETURN(auto faults, CountGroups(conn, f::kFaults, customers,
                                                key, "DISTINCT fa.name"));
  Rows rows;
  if (key.all) rows[""];
  for (const auto& [k, v] : complaints) rows[k];
  for (const auto& [k, v] : visits) {
    if (v.due() + v.done() > 0) rows[k];
  }
  for (const auto& [k, v] : faults) rows[k];
  for (auto& [k, d] : rows) {
    d.set_department(k);
    rv1::ComplaintFigures c = complaints[k];
    CopyComplaintFigures(c, &d);
    CSM_ASSIGN_OR_RETURN(Ratio r,
                         Ratio::Of(kept[k].numerator, kept[k].denominator));
    CSM_RETURN_IF_ERROR(ToProto(r, d.mutable_return_visit_rate()));
    for (rv1::Ratio* ratio :
         {d.mutable_on_time_handling(), d.mutable_resolution_rate(),
          d.mutable_satisfaction_rate()}) {
      if (ratio->denominator() == 0) ratio->set_no_data(true);
    }
    const rv1::VisitFigures& v = visits[k];
    *d.mutable_customer_visit_rate() = v.visit_rate();
    if (v.due() == 0) d.mutable_customer_visit_rate()->set_no_data(true);
    d.set_proactive_visits(v.done());
    SetEscalationCounts(levels[k], d.mutable_escalations());
    d.set_major_faults(static_cast<int32_t>(faults[k]));
  }
  return rows;
}

}  // namespace

rv1::CsvExport SupervisionCsv(const rv1::SupervisionReport& r) {
  FigureCsv csv(r.period());
  for (const rv1::DepartmentSupervision& d : r.departments()) {
    csv.AddFigures("departments", "department", d.department(), d);
  }
  csv.AddFigures("total", "", "", r.total());
  for (const rv1::MajorFault& f : r.major_faults()) {
    const std::string& key = f.fault_report();
    csv.AddText("major_faults", "faultReports", key, "title", f.title());
    csv.AddText("major_faults", "faultReports", key, "fault_time",
                CsvTime(f.fault_time()));
    csv.AddText("major_faults", "faultReports", key, "create_time",
                CsvTime(f.create_time()));
    csv.AddText("major_faults", "faultReports", key, "complaints",
                absl::StrCat(f.complaints()));
    csv.AddText("major_faults", "faultReports", key, "analysis_submitted",
                f.analysis_submitted() ? "true" : "false");
  }
  return csv.Finish("supervision-report");
}

absl::StatusOr<rv1::SupervisionReport> GetSupervisionReport(
    const ReportContext& ctx, const CallContext& call,
    const rv1::GetSupervisionReportRequest& request) {
  return ComputeReport<rv1::SupervisionReport>(
      ctx, call, request, FilterPolicyOf(rv1::REPORT_KIND_SUPERVISION),
      [](MysqlConnection& conn, const ReportRequest& r,
         rv1::SupervisionReport* out) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(
            Rows by_department,
            SupervisionRows(conn, r.scope, GroupByDepartment()));
        for (auto& [k, d] : by_department) {
          *out->add_departments() = std::move(d);
        }
        CSM_ASSIGN_OR_RETURN(Rows total,
                             SupervisionRows(conn, r.scope, GroupAll()));
        *out->mutable_total() = std::move(total[""]);
        CSM_ASSIGN_OR_RETURN(std::vector<rv1::MajorFault> faults,
                             MajorFaultsIn(conn, r.scope));
        for (auto& fault : faults) *out->add_major_faults() = std::move(fault);
        return absl::OkStatus();
      },
      SupervisionCsv);
}

}  // namespace csm::reporting
