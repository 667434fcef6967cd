// Return visits (docs/reports.md, section 8): due occurrences, visits done
// and valid by the SMS rule, overdue, the satisfaction distribution; for
// the company, per staff member (due: the archive's owner at the due date;
// done: the visitor) and per team (the archive's team then).
#include <map>
#include <string>

#include "common/status.h"
#include "reporting-svc/src/app/figure_csv.h"
#include "reporting-svc/src/app/reports.h"
#include "reporting-svc/src/app/visit_figures.h"

namespace csm::reporting {
namespace {

template <typename V>
std::string Get(const std::map<std::string, V>& m, const std::string& k) {
  auto it = m.find(k);
  return it == m.end() ? "" : it->second;
}

absl::Status FillReturnVisits(MysqlConnection& conn, const ReportRequest& r,
                              rv1::ReturnVisitReport* out) {
  FigureScope scope = r.scope;
  CSM_ASSIGN_OR_RETURN(auto total, VisitFiguresBy(conn, scope, GroupAll()));
  *out->mutable_total() = std::move(total[""]);
  CSM_ASSIGN_OR_RETURN(auto departments,
                       StaffDepartmentsBefore(conn, scope.end));
  CSM_ASSIGN_OR_RETURN(auto owner_teams, OwnerTeams(conn));
  CSM_ASSIGN_OR_RETURN(auto team_departments, TeamDepartments(conn));
  CSM_ASSIGN_OR_RETURN(auto staff, VisitFiguresBy(conn, scope, GroupByStaff()));
  for (auto& [id, figures] : staff) {
    if (id.empty()) continue;
    rv1::StaffVisitFigures* s = out->add_staff();
    s->set_staff_id(id);
    s->set_team(Get(owner_teams, id));
    s->set_department(Get(departments, id));
    *s->mutable_figures() = std::move(figures);
  }
  CSM_ASSIGN_OR_RETURN(auto teams, VisitFiguresBy(conn, scope, GroupByTeam()));
  for (auto& [team, figures] : teams) {
    rv1::TeamVisitFigures* t = out->add_teams();
    t->set_team(team);
    t->set_department(Get(team_departments, team));
    *t->mutable_figures() = std::move(figures);
  }
  return absl::OkStatus();
}

}  // namespace

rv1::CsvExport ReturnVisitCsv(const rv1::ReturnVisitReport& r) {
  FigureCsv csv(r.period());
  csv.AddFigures("total", "", "", r.total());
  for (const rv1::StaffVisitFigures& s : r.staff()) {
    csv.AddFigures("staff", "staff", s.staff_id(), s.figures());
  }
  for (const rv1::TeamVisitFigures& t : r.teams()) {
    csv.AddFigures("teams", "team", t.team(), t.figures());
  }
  return csv.Finish("return-visit-report");
}

absl::StatusOr<rv1::ReturnVisitReport> GetReturnVisitReport(
    const ReportContext& ctx, const CallContext& call,
    const rv1::GetReturnVisitReportRequest& request) {
  return ComputeReport<rv1::ReturnVisitReport>(
      ctx, call, request, FilterPolicyOf(rv1::REPORT_KIND_RETURN_VISITS),
      FillReturnVisits, ReturnVisitCsv);
}

}  // namespace csm::reporting
