// The distinct counts of docs/reports.md section 2 (escalated, overdue:
// distinct complaints) kept as day rows (migrations/026): each complaint
// contributes its first escalation rung (first breached deadline) of every
// business week, month and quarter, per charged department and once for
// the company. A distinct count of a whole week, month or quarter is then
// the sum of that unit's day rows; any other range reads the complaint
// tables (complaint_figures.cc).
#ifndef CSM_REPORTING_SVC_APP_DISTINCT_FIGURES_H_
#define CSM_REPORTING_SVC_APP_DISTINCT_FIGURES_H_

#include <optional>

#include "absl/time/civil_time.h"
#include "reporting-svc/src/store/complaint_aggregates.h"

namespace csm::reporting {

namespace aggregates {
// <fact>_<unit> per department, <fact>_<unit>_all for the company.
inline constexpr char kEscalatedWeek[] = "escalated_week";
inline constexpr char kEscalatedMonth[] = "escalated_month";
inline constexpr char kEscalatedQuarter[] = "escalated_quarter";
inline constexpr char kEscalatedWeekAll[] = "escalated_week_all";
inline constexpr char kEscalatedMonthAll[] = "escalated_month_all";
inline constexpr char kEscalatedQuarterAll[] = "escalated_quarter_all";
inline constexpr char kOverdueWeek[] = "overdue_week";
inline constexpr char kOverdueMonth[] = "overdue_month";
inline constexpr char kOverdueQuarter[] = "overdue_quarter";
inline constexpr char kOverdueWeekAll[] = "overdue_week_all";
inline constexpr char kOverdueMonthAll[] = "overdue_month_all";
inline constexpr char kOverdueQuarterAll[] = "overdue_quarter_all";
}  // namespace aggregates

// The twelve figures above, for AggregatedComplaintFigures.
absl::Span<const AggregateFigure> DistinctAggregateFigures();

// The day-row figures that answer the distinct counts of [first, last]
// (a Monday-Sunday week, a calendar month or quarter), by department or
// for the company (`company`); nullopt for any other range.
struct DistinctFigureIds {
  const char* escalated;
  const char* overdue;
};
std::optional<DistinctFigureIds> DistinctDayFigures(absl::CivilDay first,
                                                    absl::CivilDay last,
                                                    bool company);

}  // namespace csm::reporting

#endif  // CSM_REPORTING_SVC_APP_DISTINCT_FIGURES_H_
