// Customer analysis (docs/reports.md, section 7): how the open archives
// moved over the period (客户增减分析) for the company and per group of each
// dimension (客户区域分析 with shares, grade, channel, lifecycle, kind,
// industry, team), the archive completeness (客户档案完备率) at the end with
// the configured rule, and the trend over consecutive periods. From the
// archive versions (archive_versions), never from events.
#include <algorithm>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "reporting-svc/src/app/figure_csv.h"
#include "reporting-svc/src/app/report_config.h"
#include "reporting-svc/src/app/reports.h"
#include "reporting-svc/src/domain/archive_movement.h"
#include "reporting-svc/src/domain/completeness.h"
#include "reporting-svc/src/domain/period_request.h"
#include "reporting-svc/src/store/archive_history.h"

namespace csm::reporting {
namespace {

constexpr rv1::CustomerDimension kWhole = rv1::CUSTOMER_DIMENSION_UNSPECIFIED;

// Every dimension when none is asked for; UNSPECIFIED or a repeat is a
// violation on dimensions[i].
std::vector<rv1::CustomerDimension> DecodeDimensions(
    const rv1::GetCustomerAnalysisRequest& request, FieldViolations* v) {
  std::vector<rv1::CustomerDimension> out;
  std::set<int> seen;
  for (int i = 0; i < request.dimensions_size(); ++i) {
    const int d = request.dimensions(i);
    const std::string field = absl::StrCat("dimensions[", i, "]");
    if (d == kWhole || !rv1::CustomerDimension_IsValid(d)) {
      v->Add(field, "must be a CUSTOMER_DIMENSION_* value");
    } else if (!seen.insert(d).second) {
      v->Add(field, "is repeated");
    } else {
      out.push_back(static_cast<rv1::CustomerDimension>(d));
    }
  }
  if (request.dimensions_size() == 0) {
    for (int d = rv1::CUSTOMER_DIMENSION_PROVINCE;
         d <= rv1::CUSTOMER_DIMENSION_TEAM; ++d) {
      out.push_back(static_cast<rv1::CustomerDimension>(d));
    }
  }
  return out;
}

absl::StatusOr<std::map<std::string, GroupMovement>> MovementsOf(
    MysqlConnection& conn, const FigureScope& scope,
    rv1::CustomerDimension dimension) {
  MovementTally tally;
  CSM_ASSIGN_OR_RETURN(auto start,
                       OpenArchivesAt(conn, scope, dimension, scope.start));
  for (const auto& [key, n] : start) tally.AtStart(key, n);
  CSM_ASSIGN_OR_RETURN(auto end,
                       OpenArchivesAt(conn, scope, dimension, scope.end));
  for (const auto& [key, n] : end) tally.AtEnd(key, n);
  CSM_ASSIGN_OR_RETURN(auto changes,
                       ArchiveTransitionsIn(conn, scope, dimension));
  for (const ArchiveTransition& t : changes) tally.Add(t);
  CSM_RETURN_IF_ERROR(tally.Check());
  return tally.groups();
}

// key -> the completeness of the group's archives open at the end.
absl::StatusOr<std::map<std::string, CompletenessTally>> FillsOf(
    MysqlConnection& conn, const FigureScope& scope,
    rv1::CustomerDimension dimension,
    const std::vector<RequiredField>& required) {
  CSM_ASSIGN_OR_RETURN(auto groups,
                       ArchiveFillsAt(conn, scope, dimension, scope.end));
  std::map<std::string, CompletenessTally> out;
  for (const auto& [key, fills] : groups) {
    CompletenessTally& tally = out.try_emplace(key, required).first->second;
    for (const ArchiveFillGroup& g : fills) {
      cv1::CustomerKind kind = cv1::CUSTOMER_KIND_UNSPECIFIED;
      cv1::CustomerKind_Parse(g.kind, &kind);
      tally.Add(kind, g.filled_fields, g.archives);
    }
  }
  return out;
}

absl::Status FillCompleteness(const CompletenessTally& tally,
                              const rv1::CompletenessRule& rule,
                              rv1::ArchiveCompleteness* out) {
  out->set_archives(static_cast<int32_t>(tally.archives()));
  CSM_RETURN_IF_ERROR(
      ToProto(tally.complete_archives(), out->mutable_complete_archives()));
  CSM_RETURN_IF_ERROR(
      ToProto(tally.field_completeness(), out->mutable_field_completeness()));
  const std::vector<Ratio> per_field = tally.per_field();
  for (size_t i = 0; i < per_field.size(); ++i) {
    rv1::FieldFill* f = out->add_fields();
    f->set_field(tally.required()[i].field);
    CSM_RETURN_IF_ERROR(ToProto(per_field[i], f->mutable_filled()));
  }
  *out->mutable_rule() = rule;
  return absl::OkStatus();
}

// The company's movement and completeness (the whole, in the filter).
struct Whole {
  GroupMovement movement;
  CompletenessTally completeness;
};

absl::StatusOr<Whole> WholeOf(MysqlConnection& conn, const FigureScope& scope,
                              const std::vector<RequiredField>& required) {
  CSM_ASSIGN_OR_RETURN(auto movements, MovementsOf(conn, scope, kWhole));
  CSM_ASSIGN_OR_RETURN(auto fills, FillsOf(conn, scope, kWhole, required));
  Whole whole{movements[""], CompletenessTally(required)};
  if (auto it = fills.find(""); it != fills.end()) {
    whole.completeness = it->second;
  }
  return whole;
}

// The groups with any figure, largest at_end first, then by key.
absl::Status FillBreakdown(MysqlConnection& conn, const FigureScope& scope,
                           const std::vector<RequiredField>& required,
                           int64_t company_at_end,
                           rv1::CustomerBreakdown* out) {
  CSM_ASSIGN_OR_RETURN(auto movements,
                       MovementsOf(conn, scope, out->dimension()));
  CSM_ASSIGN_OR_RETURN(auto fills,
                       FillsOf(conn, scope, out->dimension(), required));
  std::vector<std::pair<std::string, GroupMovement>> groups;
  for (auto& [key, m] : movements) {
    if (!m.Empty()) groups.emplace_back(key, m);
  }
  std::stable_sort(groups.begin(), groups.end(), [](auto& a, auto& b) {
    return a.second.at_end > b.second.at_end;
  });
  for (const auto& [key, m] : groups) {
    rv1::CustomerGroup* g = out->add_groups();
    g->set_key(key);
    CSM_RETURN_IF_ERROR(ToProto(m, company_at_end, g->mutable_movement()));
    auto fill = fills.find(key);
    const Ratio ratio =
        fill == fills.end() ? Ratio() : fill->second.field_completeness();
    CSM_RETURN_IF_ERROR(ToProto(ratio, g->mutable_field_completeness()));
  }
  return absl::OkStatus();
}

absl::Status FillAnalysis(MysqlConnection& conn, const ReportRequest& r,
                          const rv1::GetCustomerAnalysisRequest& request,
                          rv1::CustomerAnalysis* out) {
  FieldViolations v;
  const std::vector<rv1::CustomerDimension> dimensions =
      DecodeDimensions(request, &v);
  std::optional<std::vector<ReportPeriod>> trend =
      DecodeTrend(r.period, request.trend_periods(), "trend_periods", &v);
  CSM_RETURN_IF_ERROR(v.ToStatus());
  CSM_ASSIGN_OR_RETURN(rv1::CompletenessRule rule, ReadCompletenessRule(conn));
  const std::vector<RequiredField> required = FromProto(rule);
  CSM_ASSIGN_OR_RETURN(Whole whole, WholeOf(conn, r.scope, required));
  const int64_t at_end = whole.movement.at_end;
  CSM_RETURN_IF_ERROR(ToProto(whole.movement, at_end, out->mutable_total()));
  CSM_RETURN_IF_ERROR(
      FillCompleteness(whole.completeness, rule, out->mutable_completeness()));
  for (rv1::CustomerDimension d : dimensions) {
    rv1::CustomerBreakdown* b = out->add_breakdowns();
    b->set_dimension(d);
    CSM_RETURN_IF_ERROR(FillBreakdown(conn, r.scope, required, at_end, b));
  }
  for (const ReportPeriod& p : *trend) {
    rv1::CustomerTrendPoint* point = out->add_trend();
    ToProto(p, point->mutable_period());
    CSM_ASSIGN_OR_RETURN(Whole w,
                         WholeOf(conn, ScopeOf(p, r.applied), required));
    CSM_RETURN_IF_ERROR(
        ToProto(w.movement, w.movement.at_end, point->mutable_movement()));
    CSM_RETURN_IF_ERROR(ToProto(w.completeness.field_completeness(),
                                point->mutable_field_completeness()));
  }
  return absl::OkStatus();
}

}  // namespace

rv1::CsvExport CustomerAnalysisCsv(const rv1::CustomerAnalysis& a) {
  FigureCsv csv(a.period());
  csv.AddFigures("total", "", "", a.total());
  // The counts and rates; the rule is the report's, not a figure.
  csv.AddFigures("completeness", "", "", a.completeness());
  for (const rv1::FieldFill& f : a.completeness().fields()) {
    csv.AddFigures("completeness", "field", f.field(), f);
  }
  for (const rv1::CustomerBreakdown& b : a.breakdowns()) {
    for (const rv1::CustomerGroup& g : b.groups()) {
      csv.AddFigures("breakdown", rv1::CustomerDimension_Name(b.dimension()),
                     g.key(), g);
    }
  }
  rv1::CsvExport out = csv.Finish("customer-analysis");
  // Trend points repeat the rows with their own period columns.
  for (const rv1::CustomerTrendPoint& p : a.trend()) {
    FigureCsv point(p.period());
    point.AddFigures("trend", "", "", p);
    const rv1::CsvExport rows = point.Finish("");
    const size_t body = rows.text().find("\r\n") + 2;
    out.mutable_text()->append(rows.text().substr(body));
    out.set_row_count(out.row_count() + rows.row_count());
  }
  return out;
}

absl::StatusOr<rv1::CustomerAnalysis> GetCustomerAnalysis(
    const ReportContext& ctx, const CallContext& call,
    const rv1::GetCustomerAnalysisRequest& request) {
  return ComputeReport<rv1::CustomerAnalysis>(
      ctx, call, request, FilterPolicyOf(rv1::REPORT_KIND_CUSTOMER_ANALYSIS),
      [&request](MysqlConnection& conn, const ReportRequest& r,
                 rv1::CustomerAnalysis* out) {
        return FillAnalysis(conn, r, request, out);
      },
      CustomerAnalysisCsv);
}

}  // namespace csm::reporting
