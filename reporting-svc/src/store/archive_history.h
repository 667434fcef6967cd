// Each archive's values over time (archive_versions): written by the
// customer event appliers, read by the customer analysis (docs/reports.md,
// section 7). Prepared statements only.
#ifndef CSM_REPORTING_SVC_STORE_ARCHIVE_HISTORY_H_
#define CSM_REPORTING_SVC_STORE_ARCHIVE_HISTORY_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/mysql_pool.h"
#include "csm/events/v1/customer_events.pb.h"
#include "csm/reporting/v1/customer_reports.pb.h"
#include "reporting-svc/src/domain/archive_movement.h"
#include "reporting-svc/src/store/figure_queries.h"

namespace csm::reporting {

namespace ev = ::csm::events::v1;
namespace rv1 = ::csm::reporting::v1;

// A new version of the archive from `at` when `snapshot` differs from its
// latest in what the analysis reads. A time before the latest version's is
// taken as that version's (versions never go back in time).
absl::Status TrackArchiveVersion(MysqlConnection& conn, int64_t event_sequence,
                                 absl::Time at,
                                 const ev::CustomerSnapshot& snapshot);

// The whole (CUSTOMER_DIMENSION_UNSPECIFIED) or one dimension's groups.
// key -> open archives in the scope's filter just before `at`.
absl::StatusOr<std::map<std::string, int64_t>> OpenArchivesAt(
    MysqlConnection& conn, const FigureScope& scope,
    rv1::CustomerDimension dimension, absl::Time at);

// The versions that began in [scope.start, scope.end), each with the one
// before it, grouped: how many changes went from (before) to (after).
absl::StatusOr<std::vector<ArchiveTransition>> ArchiveTransitionsIn(
    MysqlConnection& conn, const FigureScope& scope,
    rv1::CustomerDimension dimension);

// The archives open in the filter just before `at`, per key, grouped by
// kind and filled fields (the completeness rule is applied by the caller).
struct ArchiveFillGroup {
  std::string kind;
  std::vector<std::string> filled_fields;
  int64_t archives = 0;
};
absl::StatusOr<std::map<std::string, std::vector<ArchiveFillGroup>>>
ArchiveFillsAt(MysqlConnection& conn, const FigureScope& scope,
               rv1::CustomerDimension dimension, absl::Time at);

}  // namespace csm::reporting

#endif  // CSM_REPORTING_SVC_STORE_ARCHIVE_HISTORY_H_
