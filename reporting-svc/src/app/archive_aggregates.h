// The return-visit and promise figures kept pre-aggregated like the
// complaint figures (complaint_aggregates.h, migrations/027): what each
// archive contributes per business day and the archive's department, and
// per day and month and staff member for the ranking, refreshed at the end
// of every batch that changed the archive, its visits, due occurrences or
// promises. Archives' names ("customers/…") never equal complaints'
// ("complaints/…"), so both share complaint_contributions.
#ifndef CSM_REPORTING_SVC_APP_ARCHIVE_AGGREGATES_H_
#define CSM_REPORTING_SVC_APP_ARCHIVE_AGGREGATES_H_

#include "absl/types/span.h"
#include "reporting-svc/src/store/complaint_aggregates.h"

namespace csm::reporting {

namespace aggregates {
// Due occurrences (hits: answered; answered on time; overdue).
inline constexpr char kVisitsDue[] = "visits_due";
inline constexpr char kVisitsDueOnTime[] = "visits_due_on_time";
inline constexpr char kVisitsDueOverdue[] = "visits_due_overdue";
// Visits made (hit: counted), and the counted ones per satisfaction level.
inline constexpr char kVisitsDone[] = "visits_done";
inline constexpr char kValidSatisfied[] = "valid_satisfied";
inline constexpr char kValidFairly[] = "valid_fairly_satisfied";
inline constexpr char kValidNeutral[] = "valid_neutral";
inline constexpr char kValidDissatisfied[] = "valid_dissatisfied";
inline constexpr char kValidVery[] = "valid_very_dissatisfied";
// Promises made, kept, and due (hits: kept on time; broken; settled).
inline constexpr char kPromisesMade[] = "promises_made";
inline constexpr char kPromisesKept[] = "promises_kept";
inline constexpr char kPromisesOnTime[] = "promises_due_on_time";
inline constexpr char kPromisesBroken[] = "promises_due_broken";
inline constexpr char kPromisesSettled[] = "promises_due_settled";
// Per staff member (the ranking).
inline constexpr char kStaffVisitsDue[] = "staff_visits_due";
inline constexpr char kStaffVisitsValid[] = "staff_visits_valid";
inline constexpr char kStaffPromisesOnTime[] = "staff_promises_on_time";
inline constexpr char kStaffPromisesSettled[] = "staff_promises_settled";
}  // namespace aggregates

// The figures above, for AggregatedComplaintFigures.
absl::Span<const AggregateFigure> ArchiveAggregateFigures();

// Satisfaction level name -> the figure of its counted visits.
struct LevelFigure {
  const char* level;
  const char* figure;
};
absl::Span<const LevelFigure> ValidVisitLevels();

}  // namespace csm::reporting

#endif  // CSM_REPORTING_SVC_APP_ARCHIVE_AGGREGATES_H_
