// Upgrading a schema that already holds complaints (applied before
// migrations/024): their contributions to the day tables are computed once,
// at the start, before the followers apply anything and before the service
// serves, so that no report reads half-filled day tables.
#ifndef CSM_REPORTING_SVC_APP_AGGREGATE_BACKFILL_H_
#define CSM_REPORTING_SVC_APP_AGGREGATE_BACKFILL_H_

#include "absl/status/status.h"
#include "common/mysql_pool.h"

namespace csm::reporting {

// Refreshes every complaint's contributions in chunks, each its own
// transaction, then marks the backfill done; nothing when it is done. A
// refresh moves the day tables by the difference to what is stored, so a
// chunk done twice (a crash between chunks) changes nothing. A second
// replica starting at the same time waits on a named lock, then finds it
// done.
absl::Status BackfillAggregates(MysqlPool& pool);

}  // namespace csm::reporting

#endif  // CSM_REPORTING_SVC_APP_AGGREGATE_BACKFILL_H_
