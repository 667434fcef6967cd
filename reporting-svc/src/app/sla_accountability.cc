// SLA accountability (docs/reports.md, section 3): breaches and working
// time charged to the department that held the complaint when each clock
// ran, so a transfer never moves a breach onto the last holder.
#include <map>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "common/status.h"
#include "reporting-svc/src/app/complaint_figures.h"
#include "reporting-svc/src/app/figure_csv.h"
#include "reporting-svc/src/app/figure_sql.h"
#include "reporting-svc/src/app/report_request.h"
#include "reporting-svc/src/app/reports.h"
#include "reporting-svc/src/domain/period_request.h"
#include "reporting-svc/src/domain/rates.h"
#include "reporting-svc/src/domain/working_time_stats.h"

namespace csm::reporting {
namespace {

namespace f = figures;
using Rows = std::map<std::string, rv1::DepartmentAccountability>;
using Setter = void (rv1::DepartmentAccountability::*)(int32_t);

absl::Status CountInto(MysqlConnection& conn, const FigureSql& sql,
                       const FigureScope& scope, GroupKey key,
                       const char* value, Setter set, Rows* rows) {
  CSM_ASSIGN_OR_RETURN(auto groups, CountGroups(conn, sql, scope, key, value));
  for (const auto& [k, n] : groups) ((*rows)[k].*set)(static_cast<int32_t>(n));
  return absl::OkStatus();
}

absl::StatusOr<Rows> AccountabilityRows(MysqlConnection& conn,
                                        const FigureScope& scope,
                                        GroupKey key) {
  using D = rv1::DepartmentAccountability;
  Rows rows;
  if (key.all) rows[""];
  CSM_RETURN_IF_ERROR(CountInto(conn, f::kAcknowledgeBreached, scope, key, "*",
                                &D::set_acknowledge_breaches, &rows));
  CSM_RETURN_IF_ERROR(CountInto(conn, f::kInvestigatedBreached, scope, key, "*",
                                &D::set_investigated_breaches, &rows));
  CSM_RETURN_IF_ERROR(CountInto(conn, f::kHandlingBreached, scope, key, "*",
                                &D::set_handling_opinion_breaches, &rows));
  CSM_RETURN_IF_ERROR(CountInto(conn, f::kBreached, scope, key,
                                "DISTINCT d.complaint",
                                &D::set_breached_complaints, &rows));
  CSM_RETURN_IF_ERROR(CountInto(conn, f::kTransfersIn, scope, key, "*",
                                &D::set_transfers_in, &rows));
  CSM_RETURN_IF_ERROR(CountInto(conn, f::kTransfersOut, scope, key, "*",
                                &D::set_transfers_out, &rows));
  CSM_ASSIGN_OR_RETURN(
      auto on_time, ShareGroups(conn, f::kSettled, scope, key, f::kMetOnTime));
  CSM_ASSIGN_OR_RETURN(auto held, HistogramGroups(conn, f::kHoldings, scope,
                                                  key, "h.working_minutes"));
  CSM_ASSIGN_OR_RETURN(
      auto levels, CountByDetail(conn, f::kEscalated, scope, key, "f.detail"));
  for (const auto* m : {&on_time}) {
    for (const auto& [k, v] : *m) rows[k];
  }
  for (const auto& [k, v] : held) rows[k];
  for (const auto& [k, v] : levels) rows[k];
  for (auto& [k, d] : rows) {
    d.set_department(k);
    CSM_ASSIGN_OR_RETURN(
        Ratio r, Ratio::Of(on_time[k].numerator, on_time[k].denominator));
    CSM_RETURN_IF_ERROR(ToProto(r, d.mutable_on_time()));
    const MinutesHistogram& h = held[k];
    d.set_held_working_minutes(h.total());
    d.set_holdings(static_cast<int32_t>(h.count()));
    CSM_RETURN_IF_ERROR(ToProto(Summarize(h), d.mutable_holding_time()));
    if (h.count() == 0) d.mutable_holding_time()->set_no_data(true);
    SetEscalationCounts(levels[k], d.mutable_escalations());
  }
  return rows;
}

}  // namespace

rv1::CsvExport AccountabilityCsv(const rv1::SlaAccountability& a) {
  FigureCsv csv(a.period());
  for (const rv1::DepartmentAccountability& d : a.departments()) {
    csv.AddFigures("departments", "department", d.department(), d);
  }
  csv.AddFigures("total", "", "", a.total());
  return csv.Finish("sla-accountability");
}

absl::StatusOr<rv1::SlaAccountability> GetSlaAccountability(
    const ReportContext& ctx, const CallContext& call,
    const rv1::GetSlaAccountabilityRequest& request) {
  return ComputeReport<rv1::SlaAccountability>(
      ctx, call, request, FilterPolicyOf(rv1::REPORT_KIND_SLA_ACCOUNTABILITY),
      [](MysqlConnection& conn, const ReportRequest& r,
         rv1::SlaAccountability* out) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(
            Rows by_department,
            AccountabilityRows(conn, r.scope, GroupByDepartment()));
        for (auto& [k, d] : by_department) {
          *out->add_departments() = std::move(d);
        }
        CSM_ASSIGN_OR_RETURN(Rows total,
                             AccountabilityRows(conn, r.scope, GroupAll()));
        *out->mutable_total() = std::move(total[""]);
        return absl::OkStatus();
      },
      AccountabilityCsv);
}

}  // namespace csm::reporting
