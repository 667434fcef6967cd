// The report schedules (ReportSnapshotService, schedules are data): read by
// every reader, created and changed by archivists. Each carries its next run
// on the business calendar complaint-svc announced.
#ifndef CSM_REPORTING_SVC_APP_SCHEDULES_H_
#define CSM_REPORTING_SVC_APP_SCHEDULES_H_

#include "absl/status/statusor.h"
#include "common/call_context.h"
#include "csm/reporting/v1/snapshots.pb.h"
#include "reporting-svc/src/app/reports.h"

namespace csm::reporting {

absl::StatusOr<rv1::ListReportSchedulesResponse> ListReportSchedules(
    const ReportContext& ctx, const CallContext& call,
    const rv1::ListReportSchedulesRequest& request);
absl::StatusOr<rv1::ReportSchedule> GetReportSchedule(
    const ReportContext& ctx, const CallContext& call,
    const rv1::GetReportScheduleRequest& request);
// INVALID_ARGUMENT with field violations for a bad rule, a report kind this
// version does not compute, a bad filter or id; ALREADY_EXISTS for a taken
// id.
absl::StatusOr<rv1::ReportSchedule> CreateReportSchedule(
    const ReportContext& ctx, const CallContext& call,
    const rv1::CreateReportScheduleRequest& request);
// update_mask required; `report` immutable; a stale etag is ABORTED.
absl::StatusOr<rv1::ReportSchedule> UpdateReportSchedule(
    const ReportContext& ctx, const CallContext& call,
    const rv1::UpdateReportScheduleRequest& request);

}  // namespace csm::reporting

#endif  // CSM_REPORTING_SVC_APP_SCHEDULES_H_
