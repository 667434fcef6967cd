// The SQL that computes contributions (complaint_contributions' rows) from
// the figures' definitions, for store/complaint_aggregates.cc: one SELECT
// per source table, not one per figure.
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
// archives in the IN list `in` (placeholders; all of them when empty), and
// how many times the statement holds that list (the names are bound that
// many times).
struct ContributionsStatement {
  std::string sql;
  int lists = 0;
};
ContributionsStatement ContributionsInsert(
    const char* table, absl::Span<const AggregateFigure> figures,
    const std::string& in);

}  // namespace csm::reporting

#endif  // CSM_REPORTING_SVC_STORE_CONTRIBUTIONS_SQL_H_
