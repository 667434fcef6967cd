// Satisfaction credited correctly (docs/reports.md, section 4): each
// confirmation to the resolver and department of the resolution it rates,
// each return visit at closing likewise; the first responders' figures kept
// apart (the complaints they registered, whoever resolved them).
#include <map>
#include <string>

#include "common/status.h"
#include "reporting-svc/src/app/figure_csv.h"
#include "reporting-svc/src/app/figure_sql.h"
#include "reporting-svc/src/app/reports.h"
#include "reporting-svc/src/app/visit_figures.h"
#include "reporting-svc/src/domain/rates.h"

namespace csm::reporting {
namespace {

namespace f = figures;
using Rows = std::map<std::string, rv1::SatisfactionFigures>;

absl::Status SetShare(int64_t numerator, int64_t denominator, rv1::Ratio* out) {
  CSM_ASSIGN_OR_RETURN(Ratio r, Ratio::Of(numerator, denominator));
  return ToProto(r, out);
}

// Confirmations and return visits of `confirmed` / `returned` per `key`.
absl::StatusOr<Rows> SatisfactionRows(MysqlConnection& conn,
                                      const FigureScope& scope, GroupKey key,
                                      const FigureSql& confirmed,
                                      const FigureSql& returned) {
  CSM_ASSIGN_OR_RETURN(auto levels,
                       CountByDetail(conn, confirmed, scope, key, "f.detail"));
  CSM_ASSIGN_OR_RETURN(auto reopened,
                       ShareGroups(conn, confirmed, scope, key, "f.reopened"));
  CSM_ASSIGN_OR_RETURN(auto visits,
                       CountByDetail(conn, returned, scope, key, "f.detail"));
  Rows rows;
  if (key.all) rows[""];
  for (const auto& [k, v] : levels) rows[k];
  for (const auto& [k, v] : visits) rows[k];
  for (auto& [k, s] : rows) {
    const auto& l = levels[k];
    const int64_t rated = RatedCount(l);
    s.set_confirmations(static_cast<int32_t>(rated));
    SetDistribution(l, s.mutable_distribution());
    CSM_RETURN_IF_ERROR(
        SetShare(SatisfiedCount(l), rated, s.mutable_satisfaction_rate()));
    s.set_reopened(static_cast<int32_t>(reopened[k].numerator));
    const auto& v = visits[k];
    SetDistribution(v, s.mutable_return_visit_distribution());
    CSM_RETURN_IF_ERROR(SetShare(SatisfiedCount(v), RatedCount(v),
                                 s.mutable_return_visit_satisfaction_rate()));
  }
  return rows;
}

// Per staff member, with their own department.
absl::Status AddStaff(
    MysqlConnection& conn, const FigureScope& scope, const FigureSql& confirmed,
    const FigureSql& returned,
    const std::map<std::string, std::string>& departments,
    google::protobuf::RepeatedPtrField<rv1::StaffSatisfaction>* out) {
  CSM_ASSIGN_OR_RETURN(Rows rows, SatisfactionRows(conn, scope, GroupByStaff(),
                                                   confirmed, returned));
  for (auto& [staff, figures] : rows) {
    if (staff.empty()) continue;
    rv1::StaffSatisfaction* s = out->Add();
    s->set_staff_id(staff);
    auto it = departments.find(staff);
    if (it != departments.end()) s->set_department(it->second);
    *s->mutable_figures() = std::move(figures);
  }
  return absl::OkStatus();
}

absl::Status FillSatisfaction(MysqlConnection& conn, const ReportRequest& r,
                              rv1::SatisfactionReport* out) {
  CSM_ASSIGN_OR_RETURN(
      Rows total, SatisfactionRows(conn, r.scope, GroupAll(), f::kConfirmed,
                                   f::kReturnVisit));
  *out->mutable_total() = std::move(total[""]);
  CSM_ASSIGN_OR_RETURN(Rows by_department,
                       SatisfactionRows(conn, r.scope, GroupByDepartment(),
                                        f::kConfirmed, f::kReturnVisit));
  for (auto& [department, figures] : by_department) {
    rv1::DepartmentSatisfaction* d = out->add_departments();
    d->set_department(department);
    *d->mutable_figures() = std::move(figures);
  }
  CSM_ASSIGN_OR_RETURN(auto departments,
                       StaffDepartmentsBefore(conn, r.scope.end));
  CSM_RETURN_IF_ERROR(AddStaff(conn, r.scope, f::kConfirmed, f::kReturnVisit,
                               departments, out->mutable_resolvers()));
  return AddStaff(conn, r.scope, f::kFirstResponderConfirmed,
                  f::kFirstResponderReturnVisit, departments,
                  out->mutable_first_responders());
}

}  // namespace

rv1::CsvExport SatisfactionCsv(const rv1::SatisfactionReport& r) {
  FigureCsv csv(r.period());
  csv.AddFigures("total", "", "", r.total());
  for (const rv1::DepartmentSatisfaction& d : r.departments()) {
    csv.AddFigures("departments", "department", d.department(), d.figures());
  }
  for (const rv1::StaffSatisfaction& s : r.resolvers()) {
    csv.AddFigures("resolvers", "staff", s.staff_id(), s.figures());
  }
  for (const rv1::StaffSatisfaction& s : r.first_responders()) {
    csv.AddFigures("first_responders", "staff", s.staff_id(), s.figures());
  }
  return csv.Finish("satisfaction-report");
}

absl::StatusOr<rv1::SatisfactionReport> GetSatisfactionReport(
    const ReportContext& ctx, const CallContext& call,
    const rv1::GetSatisfactionReportRequest& request) {
  return ComputeReport<rv1::SatisfactionReport>(
      ctx, call, request, FilterPolicyOf(rv1::REPORT_KIND_SATISFACTION),
      FillSatisfaction, SatisfactionCsv);
}

}  // namespace csm::reporting
