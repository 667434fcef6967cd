// The guard of the contributions' two SQL forms (store/contributions_sql.h):
// the drain's chunks read each source table once for all its figures, the
// whole recompute runs a SELECT per figure. The refreshed contributions are
// compared with each figure's SELECT run alone: a figure whose rows the
// shared pass lost, or credited to another figure's day, department or hit,
// shows as a row of difference.
#ifndef CSM_REPORTING_SVC_TESTING_PER_FIGURE_CONTRIBUTIONS_H_
#define CSM_REPORTING_SVC_TESTING_PER_FIGURE_CONTRIBUTIONS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "common/mysql_pool.h"
#include "reporting-svc/src/store/complaint_aggregates.h"

namespace csm::reporting::testing {

// Every complaint's and archive's contributions to `figures`, each
// figure's FigureContributionsSelect run alone, as
// "complaint|figure|kind|day|credited|hit|minutes|n", sorted.
std::vector<std::string> PerFigureContributions(
    MysqlConnection& conn, absl::Span<const AggregateFigure> figures);

// complaint_contributions's rows, in the same form.
std::vector<std::string> StoredContributions(MysqlConnection& conn);

// Expects the stored contributions (those the events' chunked refreshes
// left) to equal the per-figure ones, and those RecomputeAllContributions
// writes to equal the stored ones; returns how many figures have rows (a
// test says that is not vacuous).
absl::StatusOr<int> ExpectContributionsPerFigure(
    MysqlPool& pool, absl::Span<const AggregateFigure> figures);

}  // namespace csm::reporting::testing

#endif  // CSM_REPORTING_SVC_TESTING_PER_FIGURE_CONTRIBUTIONS_H_
