#include "reporting-svc/src/app/snapshot_content.h"

#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "reporting-svc/src/domain/period_request.h"
#include "reporting-svc/src/store/schedule_store.h"

namespace csm::reporting {
namespace {

// One report use case into the snapshot's oneof.
template <typename Request, typename Report, typename Get>
absl::Status Fill(const ReportContext& ctx, const CallContext& call,
                  const rv1::Period& period, const rv1::ReportFilter& filter,
                  Get get, Report* content, rv1::ReportSnapshot* out) {
  Request request;
  *request.mutable_period() = period;
  *request.mutable_filter() = filter;
  CSM_ASSIGN_OR_RETURN(*content, get(ctx, call, request));
  *out->mutable_period() = content->period();
  return absl::OkStatus();
}

// The warning as of the call's business date, its first archives only: a
// page token would page the live warning, not the snapshot, so none is kept.
absl::Status FillAttrition(const ReportContext& ctx, const CallContext& call,
                           const ReportPeriod& period,
                           const rv1::ReportFilter& filter,
                           rv1::ReportSnapshot* out) {
  rv1::GetAttritionWarningRequest request;
  *request.mutable_filter() = filter;
  request.set_page_size(kSnapshotArchivesAtRisk);
  rv1::AttritionWarning* content = out->mutable_attrition_warning();
  CSM_ASSIGN_OR_RETURN(*content, GetAttritionWarning(ctx, call, request));
  content->clear_next_page_token();
  ToProto(period, out->mutable_period());
  return absl::OkStatus();
}

}  // namespace

absl::Status ComputeSnapshotContent(const ReportContext& ctx,
                                    const CallContext& call,
                                    rv1::ReportKind kind,
                                    const ReportPeriod& period,
                                    const rv1::ReportFilter& filter,
                                    rv1::ReportSnapshot* out) {
  const rv1::Period p = ToProto(period);
  out->set_report(kind);
  switch (kind) {
    case rv1::REPORT_KIND_WEEKLY:
      return Fill<rv1::GetWeeklyReportRequest>(
          ctx, call, p, filter, GetWeeklyReport, out->mutable_weekly_report(),
          out);
    case rv1::REPORT_KIND_SUPERVISION:
      return Fill<rv1::GetSupervisionReportRequest>(
          ctx, call, p, filter, GetSupervisionReport,
          out->mutable_supervision_report(), out);
    case rv1::REPORT_KIND_COMPLAINT_ANALYSIS:
      return Fill<rv1::GetComplaintAnalysisRequest>(
          ctx, call, p, filter, GetComplaintAnalysis,
          out->mutable_complaint_analysis(), out);
    case rv1::REPORT_KIND_SLA_ACCOUNTABILITY:
      return Fill<rv1::GetSlaAccountabilityRequest>(
          ctx, call, p, filter, GetSlaAccountability,
          out->mutable_sla_accountability(), out);
    case rv1::REPORT_KIND_SATISFACTION:
      return Fill<rv1::GetSatisfactionReportRequest>(
          ctx, call, p, filter, GetSatisfactionReport,
          out->mutable_satisfaction_report(), out);
    case rv1::REPORT_KIND_RETURN_VISITS:
      return Fill<rv1::GetReturnVisitReportRequest>(
          ctx, call, p, filter, GetReturnVisitReport,
          out->mutable_return_visit_report(), out);
    case rv1::REPORT_KIND_STAFF_RANKING:
      return Fill<rv1::GetStaffRankingRequest>(
          ctx, call, p, filter, GetStaffRanking, out->mutable_staff_ranking(),
          out);
    case rv1::REPORT_KIND_CUSTOMER_ANALYSIS:
      return Fill<rv1::GetCustomerAnalysisRequest>(
          ctx, call, p, filter, GetCustomerAnalysis,
          out->mutable_customer_analysis(), out);
    case rv1::REPORT_KIND_ATTRITION_WARNING:
      return FillAttrition(ctx, call, period, filter, out);
    default:
      return absl::InvalidArgumentError(
          absl::StrCat(rv1::ReportKind_Name(kind),
                       " has no snapshots (the ledger is exported)"));
  }
}

absl::StatusOr<BusinessCalendar> ReadBusinessCalendar(MysqlConnection& conn) {
  CSM_ASSIGN_OR_RETURN(auto announced, LoadCalendar(conn));
  if (!announced.has_value()) return ChinaBusinessCalendar();
  CSM_ASSIGN_OR_RETURN(std::vector<WorkingInterval> hours,
                       ParseWorkingHours(announced->working_hours()));
  std::vector<CalendarDay> days;
  for (const auto& e : announced->exceptions()) {
    days.push_back(CalendarDay{
        absl::CivilDay(e.date().year(), e.date().month(), e.date().day()),
        e.holiday() ? DayKind::kHoliday : DayKind::kMakeupWorkday, e.label()});
  }
  return BusinessCalendar::Create(std::move(hours), std::move(days));
}

}  // namespace csm::reporting
