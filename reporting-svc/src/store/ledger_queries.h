// The complaint ledger (docs/reports.md, section 11): one row per
// complaint with every time and figure the reports use, from the complaint
// tables (complaints, complaint_deadlines, complaint_facts,
// complaint_holdings) and complaint_ledger for the snapshot columns the
// others do not keep. Prepared statements only.
#ifndef CSM_REPORTING_SVC_STORE_LEDGER_QUERIES_H_
#define CSM_REPORTING_SVC_STORE_LEDGER_QUERIES_H_

#include <cstdint>
#include <optional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/mysql_pool.h"
#include "common/paging.h"
#include "csm/events/v1/complaint_events.pb.h"
#include "csm/reporting/v1/complaint_reports.pb.h"
#include "reporting-svc/src/store/figure_queries.h"

namespace csm::reporting {

namespace ev = ::csm::events::v1;
namespace rv1 = ::csm::reporting::v1;

// Registered in the period, or with any fact of the period (`touched`);
// departments filter the latest handling department, staff ids the first
// responder or the latest handler.
struct LedgerQuery {
  FigureScope scope;
  bool touched = false;
};

// One page by register time, then complaint name, after `after`.
absl::StatusOr<Page<rv1::ComplaintLedgerRow>> LedgerPage(
    MysqlConnection& conn, const LedgerQuery& query,
    const std::optional<PageCursor>& after, int limit);
// Rows of the whole ledger.
absl::StatusOr<int64_t> LedgerSize(MysqlConnection& conn,
                                   const LedgerQuery& query);

}  // namespace csm::reporting

#endif  // CSM_REPORTING_SVC_STORE_LEDGER_QUERIES_H_
