// report_snapshots: immutable rows, one per schedule and period.
#ifndef CSM_REPORTING_SVC_STORE_SNAPSHOT_STORE_H_
#define CSM_REPORTING_SVC_STORE_SNAPSHOT_STORE_H_

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/filter.h"
#include "common/mysql_pool.h"
#include "common/paging.h"
#include "csm/reporting/v1/snapshots.pb.h"

namespace csm::reporting {

namespace rv1 = ::csm::reporting::v1;

// Stores `snapshot` (its name is set from the new id); ALREADY_EXISTS when
// the schedule already has a snapshot of that period.
absl::StatusOr<int64_t> InsertSnapshot(MysqlConnection& conn,
                                       rv1::ReportSnapshot snapshot);
// Whether `schedule` has a snapshot of the period labelled `period_label`.
absl::StatusOr<bool> SnapshotExists(MysqlConnection& conn,
                                    absl::string_view schedule,
                                    absl::string_view period_label);
// NOT_FOUND when there is none.
absl::StatusOr<rv1::ReportSnapshot> LoadSnapshot(MysqlConnection& conn,
                                                 int64_t id);
// The fields ListReportSnapshots' filter may name.
const std::set<std::string>& SnapshotFilterFields();
// A page by scheduled time (newest first unless `ascending`) of the
// snapshots matching every term of `filter` (parsed with
// SnapshotFilterFields()); INVALID_ARGUMENT on "filter" for an operator or
// value a field does not take.
absl::StatusOr<Page<rv1::ReportSnapshot>> ListSnapshots(
    MysqlConnection& conn, const std::vector<FilterTerm>& filter,
    bool ascending, const std::optional<PageCursor>& after, int limit);
// Sets report and period_start, from its blob, on up to `limit` snapshots
// after id `*after` stored without them (before migrations/029), advancing
// `*after`; false when none was left. Idempotent: it only fills NULLs.
absl::StatusOr<bool> FillSnapshotColumnsAfter(MysqlConnection& conn,
                                              int64_t* after, int limit);

}  // namespace csm::reporting

#endif  // CSM_REPORTING_SVC_STORE_SNAPSHOT_STORE_H_
