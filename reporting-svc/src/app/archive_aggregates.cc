#include "reporting-svc/src/app/archive_aggregates.h"

#include "reporting-svc/src/app/figure_sql.h"

namespace csm::reporting {
namespace {

namespace a = aggregates;
namespace f = figures;

// Counted visits of one satisfaction level (figure_sql.h kVisitsValid).
#define CSM_LEVEL(level)        \
  f::WithWhere(f::kVisitsValid, \
               "v.counted = 1 AND v.satisfaction = '" level "'")

constexpr AggregateFigure kFigures[] = {
    {a::kVisitsDue, f::kVisitsDue, f::kAnswered},
    {a::kVisitsDueOnTime, f::kVisitsDue, f::kAnsweredOnTime},
    {a::kVisitsDueOverdue, f::kVisitsDue, f::kOccurrenceOverdue},
    {a::kVisitsDone, f::kVisitsDone, f::kCounted},
    {a::kValidSatisfied, CSM_LEVEL("SATISFACTION_SATISFIED")},
    {a::kValidFairly, CSM_LEVEL("SATISFACTION_FAIRLY_SATISFIED")},
    {a::kValidNeutral, CSM_LEVEL("SATISFACTION_NEUTRAL")},
    {a::kValidDissatisfied, CSM_LEVEL("SATISFACTION_DISSATISFIED")},
    {a::kValidVery, CSM_LEVEL("SATISFACTION_VERY_DISSATISFIED")},
    {a::kPromisesMade, f::kPromisesMade},
    {a::kPromisesKept, f::kPromisesKept},
    {a::kPromisesOnTime, f::kPromisesDue, f::kKeptOnTime},
    {a::kPromisesBroken, f::kPromisesDue, f::kPromiseBroken},
    {a::kPromisesSettled, f::kPromisesDue, f::kPromiseSettled},
    {a::kStaffVisitsDue, f::kVisitsDue, f::kAnswered, nullptr, true},
    {a::kStaffVisitsValid, f::kVisitsValid, nullptr, nullptr, true},
    {a::kStaffPromisesOnTime, f::kPromisesDue, f::kKeptOnTime, nullptr, true},
    {a::kStaffPromisesSettled, f::kPromisesDue, f::kPromiseSettled, nullptr,
     true},
};
#undef CSM_LEVEL

constexpr LevelFigure kLevels[] = {
    {"SATISFACTION_SATISFIED", a::kValidSatisfied},
    {"SATISFACTION_FAIRLY_SATISFIED", a::kValidFairly},
    {"SATISFACTION_NEUTRAL", a::kValidNeutral},
    {"SATISFACTION_DISSATISFIED", a::kValidDissatisfied},
    {"SATISFACTION_VERY_DISSATISFIED", a::kValidVery},
};

}  // namespace

absl::Span<const AggregateFigure> ArchiveAggregateFigures() { return kFigures; }

absl::Span<const LevelFigure> ValidVisitLevels() { return kLevels; }

}  // namespace csm::reporting
