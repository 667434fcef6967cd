// What a scheduled snapshot holds: the report of its kind for its period,
// computed as a service (every department) or with the schedule's filter,
// through the same use case a live request calls.
#ifndef CSM_REPORTING_SVC_APP_SNAPSHOT_CONTENT_H_
#define CSM_REPORTING_SVC_APP_SNAPSHOT_CONTENT_H_

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/business_calendar.h"
#include "common/call_context.h"
#include "common/mysql_pool.h"
#include "csm/reporting/v1/snapshots.pb.h"
#include "reporting-svc/src/app/reports.h"
#include "reporting-svc/src/domain/period.h"

namespace csm::reporting {

// The most archives an attrition-warning snapshot keeps (its first page at
// the largest page size); its counts stay whole.
inline constexpr int kSnapshotArchivesAtRisk = 1000;

// Fills the snapshot's content and period with the report of `kind` over
// `period`, filtered by `filter`. An attrition warning is as of the business
// date of `call` (the warning has no period; the snapshot keeps the
// schedule's). INVALID_ARGUMENT for the ledger, which is exported, not
// snapshotted (schedules of it are refused when created).
absl::Status ComputeSnapshotContent(const ReportContext& ctx,
                                    const CallContext& call,
                                    rv1::ReportKind kind,
                                    const ReportPeriod& period,
                                    const rv1::ReportFilter& filter,
                                    rv1::ReportSnapshot* out);

// The calendar complaint-svc last announced (the shipped seed before the
// first announcement).
absl::StatusOr<BusinessCalendar> ReadBusinessCalendar(MysqlConnection& conn);

}  // namespace csm::reporting

#endif  // CSM_REPORTING_SVC_APP_SNAPSHOT_CONTENT_H_
