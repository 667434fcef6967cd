// 周报 (docs/reports.md, section 5): complaint figures, return visits, new
// and changed archives, promises and dissatisfied feedback of the period.
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status.h"
#include "reporting-svc/src/app/complaint_aggregates.h"
#include "reporting-svc/src/app/complaint_figures.h"
#include "reporting-svc/src/app/figure_csv.h"
#include "reporting-svc/src/app/report_request.h"
#include "reporting-svc/src/app/reports.h"
#include "reporting-svc/src/app/visit_figures.h"
#include "reporting-svc/src/domain/period_request.h"
#include "reporting-svc/src/store/highlight_queries.h"

namespace csm::reporting {
namespace {

constexpr int kMaxArchives = 200;
constexpr int kMaxFeedback = 100;

// Categories and severities narrow the complaint figures only.
FigureScope WithoutComplaintFilters(FigureScope scope) {
  scope.categories.clear();
  scope.severities.clear();
  return scope;
}

// Opened: created in the period. Changed: not created in it, with a change
// in it; one entry per archive with the union of the period's fields.
absl::Status FillArchives(MysqlConnection& conn, const FigureScope& scope,
                          rv1::ArchiveActivity* out) {
  CSM_ASSIGN_OR_RETURN(std::vector<ArchiveChangeRow> rows,
                       ArchiveChangesIn(conn, scope));
  std::set<std::string> created;
  for (const ArchiveChangeRow& r : rows) {
    if (r.created) created.insert(r.archive.customer());
  }
  std::map<std::string, rv1::ArchiveHighlight*> changed;
  std::map<std::string, std::set<std::string>> fields;
  for (const ArchiveChangeRow& r : rows) {  // newest first
    const std::string& name = r.archive.customer();
    if (r.created) {
      out->set_opened(out->opened() + 1);
      if (out->new_archives_size() < kMaxArchives) {
        *out->add_new_archives() = r.archive;
      }
      continue;
    }
    if (created.count(name) > 0) continue;
    auto [it, first] = changed.emplace(name, nullptr);
    if (first) {
      out->set_changed(out->changed() + 1);
      if (out->changed_archives_size() < kMaxArchives) {
        it->second = out->add_changed_archives();
        *it->second = r.archive;
        it->second->clear_changed_fields();
      }
    }
    fields[name].insert(r.archive.changed_fields().begin(),
                        r.archive.changed_fields().end());
    if (it->second != nullptr)
      it->second->set_changes(it->second->changes() + 1);
  }
  for (auto& [name, highlight] : changed) {
    if (highlight == nullptr) continue;
    for (const std::string& f : fields[name]) highlight->add_changed_fields(f);
  }
  return absl::OkStatus();
}

void AddArchives(
    FigureCsv& csv, const char* figure,
    const google::protobuf::RepeatedPtrField<rv1::ArchiveHighlight>& archives) {
  for (const rv1::ArchiveHighlight& a : archives) {
    csv.AddText("archives", "customers", a.customer(), figure,
                absl::StrCat(a.archive_number(), " ", a.display_name()));
  }
}

}  // namespace

rv1::CsvExport WeeklyCsv(const rv1::WeeklyReport& w) {
  FigureCsv csv(w.period());
  csv.AddFigures("complaints", "", "", w.complaints());
  csv.AddFigures("visits", "", "", w.visits());
  csv.AddFigures("archives", "", "", w.archives());
  AddArchives(csv, "new_archive", w.archives().new_archives());
  AddArchives(csv, "changed_archive", w.archives().changed_archives());
  csv.AddFigures("promises", "", "", w.promises());
  csv.AddText("feedback", "", "", "feedback_total",
              absl::StrCat(w.feedback_total()));
  for (const rv1::FeedbackHighlight& f : w.feedback()) {
    csv.AddText("feedback", rv1::FeedbackKind_Name(f.kind()), f.resource(),
                "text", f.text());
  }
  return csv.Finish("weekly-report");
}

absl::StatusOr<rv1::WeeklyReport> GetWeeklyReport(
    const ReportContext& ctx, const CallContext& call,
    const rv1::GetWeeklyReportRequest& request) {
  return ComputeReport<rv1::WeeklyReport>(
      ctx, call, request, FilterPolicyOf(rv1::REPORT_KIND_WEEKLY),
      [](MysqlConnection& conn, const ReportRequest& r,
         rv1::WeeklyReport* out) -> absl::Status {
        DayShares read;
        CSM_ASSIGN_OR_RETURN(*out->mutable_complaints(),
                             ComplaintTotals(conn, r.scope, &read));
        // The same day rows, when they served the complaints (then the
        // scope has no complaint filter to drop).
        const DayShares* days =
            DayTablesServe(r.scope, GroupAll()) ? &read : nullptr;
        const FigureScope customers = WithoutComplaintFilters(r.scope);
        CSM_ASSIGN_OR_RETURN(auto visits,
                             VisitFiguresBy(conn, customers, GroupAll(), days));
        *out->mutable_visits() = visits[""];
        CSM_RETURN_IF_ERROR(
            FillArchives(conn, customers, out->mutable_archives()));
        CSM_ASSIGN_OR_RETURN(*out->mutable_promises(),
                             PromiseTotals(conn, customers, days));
        std::vector<rv1::FeedbackHighlight> feedback;
        CSM_ASSIGN_OR_RETURN(
            int total, FeedbackIn(conn, r.scope, kMaxFeedback, &feedback));
        out->set_feedback_total(total);
        for (auto& f : feedback) *out->add_feedback() = std::move(f);
        return absl::OkStatus();
      },
      WeeklyCsv);
}

}  // namespace csm::reporting
