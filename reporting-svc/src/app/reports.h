// The report use cases, one a file: weekly_report.cc, supervision_report.cc,
// complaint_analysis.cc, sla_accountability.cc, satisfaction_report.cc,
// return_visit_report.cc, customer_analysis.cc, attrition_warning.cc,
// complaint_ledger.cc, staff_ranking.cc,
// freshness.cc. Each reads the report tables and the
// cursors in one consistent snapshot (one read transaction), so the
// freshness block says exactly which events the figures contain.
#ifndef CSM_REPORTING_SVC_APP_REPORTS_H_
#define CSM_REPORTING_SVC_APP_REPORTS_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "common/call_context.h"
#include "common/mysql_pool.h"
#include "common/status.h"
#include "csm/reporting/v1/complaint_reports.pb.h"
#include "csm/reporting/v1/customer_reports.pb.h"
#include "csm/reporting/v1/report_common.pb.h"
#include "csm/reporting/v1/reports.pb.h"
#include "reporting-svc/src/app/report_request.h"
#include "reporting-svc/src/domain/period_request.h"

namespace csm::reporting {

namespace rv1 = ::csm::reporting::v1;

// What this process knows about its followers (the cursor rows say the
// rest).
struct FollowerStatus {
  std::string source;
  bool stopped = false;
  std::string stop_reason;
  // It has read its source's history up to the head once since start-up
  // (always, for a process that does not follow).
  bool caught_up = true;
};

// What every report reads with.
struct ReportContext {
  MysqlPool* pool;
  // The sources reported on, and their followers' live state.
  std::function<std::vector<FollowerStatus>()> followers;
};

// Freshness of every source from the cursors, on `conn` (the report's
// snapshot), computed at `now`.
absl::StatusOr<rv1::Freshness> ReadFreshness(
    MysqlConnection& conn, const std::vector<FollowerStatus>& followers,
    absl::Time now);

absl::StatusOr<rv1::Freshness> GetFreshness(const ReportContext& ctx,
                                            const CallContext& call);
absl::StatusOr<rv1::WeeklyReport> GetWeeklyReport(
    const ReportContext& ctx, const CallContext& call,
    const rv1::GetWeeklyReportRequest& request);
absl::StatusOr<rv1::SupervisionReport> GetSupervisionReport(
    const ReportContext& ctx, const CallContext& call,
    const rv1::GetSupervisionReportRequest& request);
absl::StatusOr<rv1::ComplaintAnalysis> GetComplaintAnalysis(
    const ReportContext& ctx, const CallContext& call,
    const rv1::GetComplaintAnalysisRequest& request);

absl::StatusOr<rv1::SlaAccountability> GetSlaAccountability(
    const ReportContext& ctx, const CallContext& call,
    const rv1::GetSlaAccountabilityRequest& request);
absl::StatusOr<rv1::SatisfactionReport> GetSatisfactionReport(
    const ReportContext& ctx, const CallContext& call,
    const rv1::GetSatisfactionReportRequest& request);
// Paged (page_size 0 means 1000); with REPORT_FORMAT_CSV the header on the
// first page only.
absl::StatusOr<rv1::ListComplaintLedgerResponse> ListComplaintLedger(
    const ReportContext& ctx, const CallContext& call,
    const rv1::ListComplaintLedgerRequest& request);
absl::StatusOr<rv1::ReturnVisitReport> GetReturnVisitReport(
    const ReportContext& ctx, const CallContext& call,
    const rv1::GetReturnVisitReportRequest& request);
absl::StatusOr<rv1::CustomerAnalysis> GetCustomerAnalysis(
    const ReportContext& ctx, const CallContext& call,
    const rv1::GetCustomerAnalysisRequest& request);
// As of the business date of the call; paged (page_size 0 means 100).
absl::StatusOr<rv1::AttritionWarning> GetAttritionWarning(
    const ReportContext& ctx, const CallContext& call,
    const rv1::GetAttritionWarningRequest& request);
absl::StatusOr<rv1::StaffRanking> GetStaffRanking(
    const ReportContext& ctx, const CallContext& call,
    const rv1::GetStaffRankingRequest& request);

// The CSV forms (docs/reports.md, section 12), also of stored snapshots.
rv1::CsvExport WeeklyCsv(const rv1::WeeklyReport& report);
rv1::CsvExport SupervisionCsv(const rv1::SupervisionReport& report);
rv1::CsvExport AnalysisCsv(const rv1::ComplaintAnalysis& report);
rv1::CsvExport AccountabilityCsv(const rv1::SlaAccountability& report);
rv1::CsvExport RankingCsv(const rv1::StaffRanking& report);
rv1::CsvExport SatisfactionCsv(const rv1::SatisfactionReport& report);
rv1::CsvExport ReturnVisitCsv(const rv1::ReturnVisitReport& report);
rv1::CsvExport CustomerAnalysisCsv(const rv1::CustomerAnalysis& report);
// One page's archives; the header only on the first page, so that pages
// concatenate into one file.
rv1::CsvExport AttritionCsv(const rv1::AttritionWarning& warning,
                            bool first_page);

// Runs `read` in one read-only transaction (a consistent snapshot) within
// the call's deadline.
absl::Status ReadSnapshot(
    const ReportContext& ctx, const CallContext& call,
    const std::function<absl::Status(MysqlConnection&)>& read);

// The shape every report shares: the request prepared (roles, period,
// filter), then in one snapshot its figures (`fill`) and the freshness,
// then the CSV when the request asks for it.
template <typename Report, typename Request>
absl::StatusOr<Report> ComputeReport(
    const ReportContext& ctx, const CallContext& call, const Request& request,
    const FilterPolicy& policy,
    const std::function<absl::Status(MysqlConnection&, const ReportRequest&,
                                     Report*)>& fill,
    rv1::CsvExport (*csv)(const Report&)) {
  CSM_ASSIGN_OR_RETURN(ReportRequest r,
                       PrepareReport(*ctx.pool, call, request.period(),
                                     request.filter(), policy));
  Report out;
  ToProto(r.period, out.mutable_period());
  *out.mutable_applied_filter() = r.applied;
  const std::vector<FollowerStatus> followers = ctx.followers();
  CSM_RETURN_IF_ERROR(
      ReadSnapshot(ctx, call, [&](MysqlConnection& conn) -> absl::Status {
        CSM_RETURN_IF_ERROR(fill(conn, r, &out));
        CSM_ASSIGN_OR_RETURN(*out.mutable_freshness(),
                             ReadFreshness(conn, followers, absl::Now()));
        return absl::OkStatus();
      }));
  if (request.format() == rv1::REPORT_FORMAT_CSV) *out.mutable_csv() = csv(out);
  return out;
}

}  // namespace csm::reporting

#endif  // CSM_REPORTING_SVC_APP_REPORTS_H_
