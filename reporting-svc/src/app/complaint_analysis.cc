// Complaint KPIs and analysis (docs/reports.md, section 2): the figures of
// the period, broken down by the requested dimensions, and their trend over
// consecutive periods ending with it.
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status.h"
#include "reporting-svc/src/app/complaint_figures.h"
#include "reporting-svc/src/app/figure_csv.h"
#include "reporting-svc/src/app/report_request.h"
#include "reporting-svc/src/app/reports.h"
#include "reporting-svc/src/domain/period_request.h"

namespace csm::reporting {
namespace {

// Every dimension when none is asked for; UNSPECIFIED or a repeat is a
// violation on dimensions[i].
std::vector<rv1::ComplaintDimension> DecodeDimensions(
    const rv1::GetComplaintAnalysisRequest& request, FieldViolations* v) {
  std::vector<rv1::ComplaintDimension> out;
  std::set<int> seen;
  for (int i = 0; i < request.dimensions_size(); ++i) {
    const int d = request.dimensions(i);
    const std::string field = absl::StrCat("dimensions[", i, "]");
    if (d == rv1::COMPLAINT_DIMENSION_UNSPECIFIED ||
        !rv1::ComplaintDimension_IsValid(d)) {
      v->Add(field, "must be a COMPLAINT_DIMENSION_* value");
    } else if (!seen.insert(d).second) {
      v->Add(field, "is repeated");
    } else {
      out.push_back(static_cast<rv1::ComplaintDimension>(d));
    }
  }
  if (request.dimensions_size() == 0) {
    for (int d = rv1::COMPLAINT_DIMENSION_CATEGORY;
         d <= rv1::COMPLAINT_DIMENSION_CHANNEL; ++d) {
      out.push_back(static_cast<rv1::ComplaintDimension>(d));
    }
  }
  return out;
}

}  // namespace

rv1::CsvExport AnalysisCsv(const rv1::ComplaintAnalysis& a) {
  FigureCsv csv(a.period());
  csv.AddFigures("total", "", "", a.total());
  for (const rv1::ComplaintBreakdown& b : a.breakdowns()) {
    for (const rv1::ComplaintGroup& g : b.groups()) {
      csv.AddFigures("breakdown", rv1::ComplaintDimension_Name(b.dimension()),
                     g.key(), g.figures());
    }
  }
  rv1::CsvExport out = csv.Finish("complaint-analysis");
  // Trend points repeat the rows with their own period columns.
  for (const rv1::ComplaintTrendPoint& p : a.trend()) {
    FigureCsv point(p.period());
    point.AddFigures("trend", "", "", p.figures());
    const rv1::CsvExport rows = point.Finish("");
    const size_t body = rows.text().find("\r\n") + 2;
    out.mutable_text()->append(rows.text().substr(body));
    out.set_row_count(out.row_count() + rows.row_count());
  }
  return out;
}

absl::StatusOr<rv1::ComplaintAnalysis> GetComplaintAnalysis(
    const ReportContext& ctx, const CallContext& call,
    const rv1::GetComplaintAnalysisRequest& request) {
  return ComputeReport<rv1::ComplaintAnalysis>(
      ctx, call, request, FilterPolicyOf(rv1::REPORT_KIND_COMPLAINT_ANALYSIS),
      [&request](MysqlConnection& conn, const ReportRequest& r,
                 rv1::ComplaintAnalysis* out) -> absl::Status {
        FieldViolations v;
        const std::vector<rv1::ComplaintDimension> dimensions =
            DecodeDimensions(request, &v);
        std::optional<std::vector<ReportPeriod>> trend =
            DecodeTrend(r.period, request.trend_periods(), "trend_periods", &v);
        CSM_RETURN_IF_ERROR(v.ToStatus());
        CSM_ASSIGN_OR_RETURN(*out->mutable_total(),
                             ComplaintTotals(conn, r.scope));
        for (rv1::ComplaintDimension d : dimensions) {
          rv1::ComplaintBreakdown* b = out->add_breakdowns();
          b->set_dimension(d);
          CSM_ASSIGN_OR_RETURN(auto groups,
                               ComplaintFiguresBy(conn, r.scope, d));
          for (auto& [key, figures] : groups) {
            rv1::ComplaintGroup* g = b->add_groups();
            g->set_key(key);
            *g->mutable_figures() = std::move(figures);
          }
        }
        for (const ReportPeriod& p : *trend) {
          rv1::ComplaintTrendPoint* point = out->add_trend();
          ToProto(p, point->mutable_period());
          CSM_ASSIGN_OR_RETURN(*point->mutable_figures(),
                               ComplaintTotals(conn, ScopeOf(p, r.applied)));
        }
        return absl::OkStatus();
      },
      AnalysisCsv);
}

}  // namespace csm::reporting
