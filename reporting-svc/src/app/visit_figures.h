// Return-visit figures (docs/reports.md, section 8) and promise figures
// (section 5) of a period, from the visit, occurrence and promise tables.
#ifndef CSM_REPORTING_SVC_APP_VISIT_FIGURES_H_
#define CSM_REPORTING_SVC_APP_VISIT_FIGURES_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "common/mysql_pool.h"
#include "csm/reporting/v1/customer_reports.pb.h"
#include "csm/reporting/v1/reports.pb.h"
#include "reporting-svc/src/store/complaint_aggregates.h"
#include "reporting-svc/src/store/figure_queries.h"

namespace csm::reporting {

namespace rv1 = ::csm::reporting::v1;

// By the archive's department (GroupByDepartment), whole (GroupAll), by
// staff member or team. The whole or by department from the day tables
// when they serve the scope (DayTablesServe): `days` when given (the day
// rows of the same scope and key a caller read already), else read; the
// rest from the visit and occurrence tables.
absl::StatusOr<std::map<std::string, rv1::VisitFigures>> VisitFiguresBy(
    MysqlConnection& conn, const FigureScope& scope, GroupKey key,
    const DayShares* days = nullptr);

// The same, always from the visit and occurrence tables (the reference the
// day tables are tested against).
absl::StatusOr<std::map<std::string, rv1::VisitFigures>>
VisitFiguresFromVisitTables(MysqlConnection& conn, const FigureScope& scope,
                            GroupKey key);

// The same way: `days` are the whole's day rows (GroupAll).
absl::StatusOr<rv1::PromiseFigures> PromiseTotals(
    MysqlConnection& conn, const FigureScope& scope,
    const DayShares* days = nullptr);
absl::StatusOr<rv1::PromiseFigures> PromiseTotalsFromTables(
    MysqlConnection& conn, const FigureScope& scope);

// 满意 + 比较满意 of a level name -> count map; and every level but
// UNSPECIFIED.
int64_t SatisfiedCount(const std::map<std::string, int64_t>& counts);
int64_t RatedCount(const std::map<std::string, int64_t>& counts);

// Every satisfaction level but UNSPECIFIED, in order, from a name -> count
// map (missing levels 0).
void SetDistribution(
    const std::map<std::string, int64_t>& counts,
    google::protobuf::RepeatedPtrField<rv1::SatisfactionCount>* out);

}  // namespace csm::reporting

#endif  // CSM_REPORTING_SVC_APP_VISIT_FIGURES_H_
