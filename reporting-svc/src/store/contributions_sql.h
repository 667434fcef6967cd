// The SQL that computes contributions (complaint_contributions' rows) from
// the figures' definitions, for store/complaint_aggregates.cc. Two forms,
// for the two recomputes (docs/benchmarks.md, "One pass per source table"):
// - a drain chunk (an IN list of up to 2,048 names) reads each source table
//   once, a SELECT per FROM clause whose rows are paired with a row per
//   figure: 0.37-0.41 s for 512 complaints against 0.65-0.78 s per figure;
// - the whole recompute (a rebuild's end) runs a SELECT per figure: each
//   reads only its own rows through the figure's time index, where one pass
//   pairs every fact with the 18 figures of its group (576,138 rows:
//   15.6-20.6 s per figure against 22.5-27.7 s in one pass).
// Both give the same rows: ComplaintAggregatesTest and ArchiveAggregatesTest
// compare the refreshed contributions with FigureContributionsSelect's.
#ifndef CSM_REPORTING_SVC_STORE_CONTRIBUTIONS_SQL_H_
#define CSM_REPORTING_SVC_STORE_CONTRIBUTIONS_SQL_H_

#include <string>

#include "absl/types/span.h"
#include "reporting-svc/src/store/complaint_aggregates.h"

namespace csm::reporting {

// Which day table a contribution row goes to (complaint_contributions.kind).
enum ContributionKind {
  kDepartmentCount = 0,
  kDepartmentMinutes = 1,
  kStaffCount = 2
};

ContributionKind KindOf(const AggregateFigure& f);

// INSERT INTO `table` of every figure's contributions of the complaints and
// archives in the IN list `in` (placeholders), a SELECT per source table,
// and how many times the statement holds that list (the names are bound
// that many times).
struct ContributionsStatement {
  std::string sql;
  int lists = 0;
};
ContributionsStatement ContributionsInsert(
    const char* table, absl::Span<const AggregateFigure> figures,
    const std::string& in);

// One figure's contributions of every complaint and archive, from its
// definition alone; the columns are named as complaint_contributions'.
std::string FigureContributionsSelect(const AggregateFigure& f);

// INSERT INTO `table` of every figure's contributions of every complaint
// and archive: a UNION ALL of FigureContributionsSelect per figure.
std::string AllContributionsInsert(const char* table,
                                   absl::Span<const AggregateFigure> figures);

}  // namespace csm::reporting

#endif  // CSM_REPORTING_SVC_STORE_CONTRIBUTIONS_SQL_H_
