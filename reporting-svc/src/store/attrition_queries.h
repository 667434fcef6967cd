// The attrition warning's facts (docs/reports.md, section 9): each
// archive's latest contacts (archive_contacts, kept by the customer event
// appliers), and what the report reads of them, of the complaint facts and
// of the broken promises. Prepared statements only.
#ifndef CSM_REPORTING_SVC_STORE_ATTRITION_QUERIES_H_
#define CSM_REPORTING_SVC_STORE_ATTRITION_QUERIES_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "common/mysql_pool.h"
#include "csm/reporting/v1/customer_reports.pb.h"
#include "reporting-svc/src/domain/attrition.h"
#include "reporting-svc/src/store/figure_queries.h"

namespace csm::reporting {

// The writes (archive_contacts) are gathered per batch: store/batch_rows.h.

// ---- reads

// An open archive in the filter (its department, owner and grade now),
// with its latest contacts; the window facts are added by the caller.
struct WatchedArchive {
  rv1::ArchiveAtRisk archive;  // no reasons yet
  ArchiveFacts facts;
};
absl::StatusOr<std::vector<WatchedArchive>> OpenArchives(
    MysqlConnection& conn, const FigureScope& scope);

// customer -> reopenings / escalation rungs of its complaints dated from
// `from` on (by the time the reports attribute them), the complaint as
// reference.
struct ComplaintSignals {
  std::vector<DatedFact> reopens;
  std::vector<DatedFact> escalations;
};
absl::StatusOr<std::map<std::string, ComplaintSignals>> ComplaintSignalsSince(
    MysqlConnection& conn, absl::CivilDay from);

// customer -> promises broken with a due date from `from` on, the
// communication as reference.
absl::StatusOr<std::map<std::string, std::vector<DatedFact>>>
BrokenPromisesSince(MysqlConnection& conn, absl::CivilDay from);

}  // namespace csm::reporting

#endif  // CSM_REPORTING_SVC_STORE_ATTRITION_QUERIES_H_
