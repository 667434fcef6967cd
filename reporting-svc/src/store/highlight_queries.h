// The lists of the weekly report: archives opened and changed in the
// period, and dissatisfied customer feedback.
#ifndef CSM_REPORTING_SVC_STORE_HIGHLIGHT_QUERIES_H_
#define CSM_REPORTING_SVC_STORE_HIGHLIGHT_QUERIES_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/mysql_pool.h"
#include "csm/reporting/v1/reports.pb.h"
#include "reporting-svc/src/store/figure_queries.h"

namespace csm::reporting {

namespace rv1 = ::csm::reporting::v1;

// Every creation or change row of the period, newest first, with the
// archive's current facts; filtered by the archive's department, owner and
// grade.
struct ArchiveChangeRow {
  rv1::ArchiveHighlight archive;  // changed_fields of this row only
  bool created = false;
};
absl::StatusOr<std::vector<ArchiveChangeRow>> ArchiveChangesIn(
    MysqlConnection& conn, const FigureScope& scope);

// Dissatisfied feedback of the period, newest first, at most `limit`, and
// how many there are. Categories and severities narrow complaint feedback
// only.
absl::StatusOr<int> FeedbackIn(MysqlConnection& conn, const FigureScope& scope,
                               int limit,
                               std::vector<rv1::FeedbackHighlight>* out);

// Major fault reports created in the period, by creation time; with a
// department filter, those with a complaint of one of the departments.
absl::StatusOr<std::vector<rv1::MajorFault>> MajorFaultsIn(
    MysqlConnection& conn, const FigureScope& scope);

}  // namespace csm::reporting

#endif  // CSM_REPORTING_SVC_STORE_HIGHLIGHT_QUERIES_H_
