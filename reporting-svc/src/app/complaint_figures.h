// The complaint figures (docs/reports.md, section 2) of a period, whole or
// broken down by one dimension, from the complaint tables; and the
// per-department extras of the supervision report (section 6).
#ifndef CSM_REPORTING_SVC_APP_COMPLAINT_FIGURES_H_
#define CSM_REPORTING_SVC_APP_COMPLAINT_FIGURES_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "common/mysql_pool.h"
#include "csm/reporting/v1/complaint_reports.pb.h"
#include "reporting-svc/src/store/complaint_aggregates.h"
#include "reporting-svc/src/store/figure_queries.h"

namespace csm::reporting {

namespace rv1 = ::csm::reporting::v1;

// COMPLAINT_DIMENSION_UNSPECIFIED: the whole, one group "". From the day
// tables when they serve the scope and dimension (DayTablesServe: the
// whole or by department, no staff, category, severity or grade filter);
// then `days_read` (when given) gets the day rows read, for the caller's
// other figures of them, and `minutes` false leaves the working-minute
// statistics out (no data; their day rows grow with the distinct values).
absl::StatusOr<std::map<std::string, rv1::ComplaintFigures>> ComplaintFiguresBy(
    MysqlConnection& conn, const FigureScope& scope,
    rv1::ComplaintDimension dimension, DayShares* days_read = nullptr,
    bool minutes = true);

// The same, always from the complaint tables, never the day tables
// (complaint_aggregates.h): the path of breakdowns and filters those do not
// carry, and the reference they are tested against.
absl::StatusOr<std::map<std::string, rv1::ComplaintFigures>>
ComplaintFiguresFromComplaintTables(MysqlConnection& conn,
                                    const FigureScope& scope,
                                    rv1::ComplaintDimension dimension);

// The whole (the "" group of the above, zero figures when empty).
absl::StatusOr<rv1::ComplaintFigures> ComplaintTotals(
    MysqlConnection& conn, const FigureScope& scope,
    DayShares* days_read = nullptr);

// The company's distinct overdue complaints (section 2 `overdue` of the
// whole): from `days`, the day rows a by-department ComplaintFiguresBy
// read, when they answer it (distinct_figures.h), else from the complaint
// tables.
absl::StatusOr<int64_t> CompanyOverdue(MysqlConnection& conn,
                                       const FigureScope& scope,
                                       DayShares& days);

// Escalation rungs per level, all three levels present, from level name ->
// count.
void SetEscalationCounts(
    const std::map<std::string, int64_t>& levels,
    google::protobuf::RepeatedPtrField<rv1::EscalationCount>* out);

}  // namespace csm::reporting

#endif  // CSM_REPORTING_SVC_APP_COMPLAINT_FIGURES_H_
