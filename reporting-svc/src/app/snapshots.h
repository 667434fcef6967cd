// Reading the stored snapshots (ReportSnapshotService List and Get):
// general managers, archivists and services read all; supervisors and
// managers those whose filter is their own department; agents none.
#ifndef CSM_REPORTING_SVC_APP_SNAPSHOTS_H_
#define CSM_REPORTING_SVC_APP_SNAPSHOTS_H_

#include "absl/status/statusor.h"
#include "common/call_context.h"
#include "common/mysql_pool.h"
#include "csm/reporting/v1/snapshots.pb.h"
#include "reporting-svc/src/app/reports.h"

namespace csm::reporting {

absl::StatusOr<rv1::ListReportSnapshotsResponse> ListReportSnapshots(
    const ReportContext& ctx, const CallContext& call,
    const rv1::ListReportSnapshotsRequest& request);
absl::StatusOr<rv1::ReportSnapshot> GetReportSnapshot(
    const ReportContext& ctx, const CallContext& call,
    const rv1::GetReportSnapshotRequest& request);

// At start-up, before serving: the filter's columns (report, period_start)
// of the snapshots stored before migrations/029, from their blobs, in
// chunks of their own transactions. Nothing when none is missing; replicas
// starting together write the same values.
absl::Status FillSnapshotColumns(MysqlPool& pool);

}  // namespace csm::reporting

#endif  // CSM_REPORTING_SVC_APP_SNAPSHOTS_H_
