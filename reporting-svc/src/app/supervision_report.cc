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

// The customer figures ignore the complaint classification filters.
FigureScope CustomerScope(const FigureScope& scope) {
  FigureScope customers = scope;
  customers.categories.clear();
  customers.severities.clear();
  return customers;
}

// One department's row from its figures.
absl::Status FillRow(const rv1::ComplaintFigures& c, const rv1::VisitFigures& v,
                     const Share& kept,
                     const std::map<std::string, int64_t>& levels,
                     int64_t faults, rv1::DepartmentSupervision* d) {
  CopyComplaintFigures(c, d);
  CSM_ASSIGN_OR_RETURN(Ratio r, Ratio::Of(kept.numerator, kept.denominator));
  CSM_RETURN_IF_ERROR(ToProto(r, d->mutable_return_visit_rate()));
  for (rv1::Ratio* ratio :
       {d->mutable_on_time_handling(), d->mutable_resolution_rate(),
        d->mutable_satisfaction_rate()}) {
    if (ratio->denominator() == 0) ratio->set_no_data(true);
  }
  *d->mutable_customer_visit_rate() = v.visit_rate();
  if (v.due() == 0) d->mutable_customer_visit_rate()->set_no_data(true);
  d->set_proactive_visits(v.done());
  SetEscalationCounts(levels, d->mutable_escalations());
  d->set_major_faults(static_cast<int32_t>(faults));
  return absl::OkStatus();
}

using Kept = std::map<std::string, Share>;
using Levels = std::map<std::string, std::map<std::string, int64_t>>;

// The return-visit rate's shares and the escalations per level, by
// department: from `days` (the day rows read) when given, else from the
// complaint tables.
absl::Status KeptAndLevels(MysqlConnection& conn, const FigureScope& scope,
                           DayShares* days, Kept* kept, Levels* levels) {
  const GroupKey key = GroupByDepartment();
  if (days == nullptr) {
    CSM_ASSIGN_OR_RETURN(
        *kept, AggregatedShares(conn, scope, key, aggregates::kConfirmedKept));
    CSM_ASSIGN_OR_RETURN(
        *levels, CountByDetail(conn, f::kEscalated, scope, key, "f.detail"));
    return absl::OkStatus();
  }
  *kept = (*days)[aggregates::kConfirmedKept];
  for (const EscalationLevelFigure& l : EscalationLevelFigures()) {
    for (const auto& [k, share] : (*days)[l.figure]) {
      (*levels)[k][l.level] = share.denominator;
    }
  }
  return absl::OkStatus();
}

// The rows by department, and the day rows the complaint figures were read
// from (when the day tables serve the scope).
absl::StatusOr<Rows> DepartmentRows(MysqlConnection& conn,
                                    const FigureScope& scope, DayShares* days) {
  const GroupKey key = GroupByDepartment();
  CSM_ASSIGN_OR_RETURN(
      auto complaints,
      // The supervision shows no working-minute statistics.
      ComplaintFiguresBy(conn, scope, rv1::COMPLAINT_DIMENSION_DEPARTMENT, days,
                         false));
  const bool from_days = DayTablesServe(scope, key);
  CSM_ASSIGN_OR_RETURN(auto visits,
                       VisitFiguresBy(conn, CustomerScope(scope), key,
                                      from_days ? days : nullptr));
  Kept kept;
  Levels levels;
  CSM_RETURN_IF_ERROR(
      KeptAndLevels(conn, scope, from_days ? days : nullptr, &kept, &levels));
  CSM_ASSIGN_OR_RETURN(auto faults,
                       CountGroups(conn, f::kFaults, CustomerScope(scope), key,
                                   "DISTINCT fa.name"));
  Rows rows;
  for (const auto& [k, v] : complaints) rows[k];
  for (const auto& [k, v] : visits) {
    if (v.due() + v.done() > 0) rows[k];
  }
  for (const auto& [k, v] : faults) rows[k];
  for (auto& [k, d] : rows) {
    d.set_department(k);
    CSM_RETURN_IF_ERROR(
        FillRow(complaints[k], visits[k], kept[k], levels[k], faults[k], &d));
  }
  return rows;
}

// Adds `from`'s numerator and denominator to `*sum`'s.
void AddTo(const rv1::Ratio& from, Share* sum) {
  sum->numerator += from.numerator();
  sum->denominator += from.denominator();
}

// The sums of the department rows: counts into `total`, the ratios'
// numerators and denominators, the escalations per level.
struct RowSums {
  rv1::DepartmentSupervision total;
  Share ratios[5];
  int64_t levels[3] = {0, 0, 0};
};

RowSums SumOf(const Rows& rows) {
  RowSums s;
  rv1::DepartmentSupervision& t = s.total;
  for (const auto& [k, d] : rows) {
    t.set_complaints_accepted(t.complaints_accepted() +
                              d.complaints_accepted());
    t.set_complaints_received(t.complaints_received() +
                              d.complaints_received());
    t.set_complaints_resolved(t.complaints_resolved() +
                              d.complaints_resolved());
    t.set_proactive_visits(t.proactive_visits() + d.proactive_visits());
    const rv1::Ratio* ratios[5] = {
        &d.on_time_handling(), &d.resolution_rate(), &d.satisfaction_rate(),
        &d.return_visit_rate(), &d.customer_visit_rate()};
    for (int i = 0; i < 5; ++i) AddTo(*ratios[i], &s.ratios[i]);
    for (int i = 0; i < 3 && i < d.escalations_size(); ++i) {
      s.levels[i] += d.escalations(i).count();
    }
  }
  return s;
}

// The company: every figure the sum of the department rows (each fact is
// credited to exactly one department, docs/reports.md "Departments and
// staff"), but the distinct counts: overdue complaints and faults (a
// complaint or fault of two departments counts once).
absl::StatusOr<rv1::DepartmentSupervision> CompanyRow(MysqlConnection& conn,
                                                      const FigureScope& scope,
                                                      const Rows& rows,
                                                      DayShares& days) {
  RowSums s = SumOf(rows);
  rv1::DepartmentSupervision& t = s.total;
  rv1::Ratio* ratios[5] = {
      t.mutable_on_time_handling(), t.mutable_resolution_rate(),
      t.mutable_satisfaction_rate(), t.mutable_return_visit_rate(),
      t.mutable_customer_visit_rate()};
  for (int i = 0; i < 5; ++i) {
    CSM_ASSIGN_OR_RETURN(
        Ratio r, Ratio::Of(s.ratios[i].numerator, s.ratios[i].denominator));
    CSM_RETURN_IF_ERROR(ToProto(r, ratios[i]));
  }
  SetEscalationCounts({}, t.mutable_escalations());
  for (int i = 0; i < 3; ++i) {
    t.mutable_escalations(i)->set_count(static_cast<int32_t>(s.levels[i]));
  }
  CSM_ASSIGN_OR_RETURN(int64_t overdue, CompanyOverdue(conn, scope, days));
  t.set_complaints_overdue(static_cast<int32_t>(overdue));
  CSM_ASSIGN_OR_RETURN(auto faults,
                       CountGroups(conn, f::kFaults, CustomerScope(scope),
                                   GroupAll(), "DISTINCT fa.name"));
  t.set_major_faults(static_cast<int32_t>(faults[""]));
  return std::move(t);
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
        DayShares days;
        CSM_ASSIGN_OR_RETURN(Rows by_department,
                             DepartmentRows(conn, r.scope, &days));
        CSM_ASSIGN_OR_RETURN(*out->mutable_total(),
                             CompanyRow(conn, r.scope, by_department, days));
        for (auto& [k, d] : by_department) {
          *out->add_departments() = std::move(d);
        }
        CSM_ASSIGN_OR_RETURN(std::vector<rv1::MajorFault> faults,
                             MajorFaultsIn(conn, r.scope));
        for (auto& fault : faults) *out->add_major_faults() = std::move(fault);
        return absl::OkStatus();
      },
      SupervisionCsv);
}

}  // namespace csm::reporting
