#include "reporting-svc/src/app/distinct_figures.h"

namespace csm::reporting {
namespace {

namespace a = aggregates;

// The business week (its Monday), month and quarter of a UTC DATETIME
// column: Beijing time is UTC+8 all year (store/complaint_aggregates.cc).
#define CSM_LOCAL(x) x " + INTERVAL 8 HOUR"
#define CSM_WEEK(x) \
  "(DATE(" CSM_LOCAL(x) ") - INTERVAL WEEKDAY(" CSM_LOCAL(x) ") DAY)"
#define CSM_MONTH(x) "DATE_FORMAT(" CSM_LOCAL(x) ", '%Y%m')"
#define CSM_QUARTER(x) \
  "(YEAR(" CSM_LOCAL(x) ") * 10 + QUARTER(" CSM_LOCAL(x) "))"

// Escalation rungs (figure_sql.h kEscalated) with no earlier rung of the
// same complaint in the same unit (and department, `same`); ties at one
// time are broken by the event sequence.
#define CSM_FIRST_ESCALATION(unit, same, department)                           \
  FigureSql {                                                                  \
    .from = "complaint_facts f JOIN complaints c ON c.name = f.complaint",   \
    .time_col = "f.fact_time", .department_col = department,                 \
    .staff_col = "f.staff_id",                                               \
    .where = "f.fact = 'escalated' AND NOT EXISTS (SELECT 1 FROM "           \
             "complaint_facts e WHERE e.complaint = f.complaint AND e.fact = " \
             "'escalated'" same " AND " unit("e.fact_time") " = " unit(      \
                 "f.fact_time") " AND (e.fact_time < f.fact_time OR "        \
                                "(e.fact_time = f.fact_time AND "            \
                                "e.event_sequence < f.event_sequence)))" \
  }
#define CSM_SAME_FACT_DEPARTMENT " AND e.department = f.department"

// Breached deadlines (figure_sql.h kBreached) with no earlier breached
// deadline of the same complaint in the same unit (and charged
// department); ties at one due time are broken by the kind.
#define CSM_FIRST_BREACH(unit, same, department)                                 \
  FigureSql {                                                                    \
    .from = "complaint_deadlines d JOIN complaints c ON c.name = d.complaint", \
    .time_col = "d.due_time", .department_col = department,                   \
    .staff_col = "d.breached_staff_id",                                       \
    .where = "d.breached = 1 AND NOT EXISTS (SELECT 1 FROM "                  \
             "complaint_deadlines e WHERE e.complaint = d.complaint AND "     \
             "e.breached = 1" same " AND " unit("e.due_time") " = " unit(     \
                 "d.due_time") " AND (e.due_time < d.due_time OR "            \
                               "(e.due_time = d.due_time AND e.kind < "       \
                               "d.kind)))" \
  }
#define CSM_SAME_CHARGED " AND e.breached_department = d.breached_department"

constexpr AggregateFigure kFigures[] = {
    {a::kEscalatedWeek,
     CSM_FIRST_ESCALATION(CSM_WEEK, CSM_SAME_FACT_DEPARTMENT, "f.department")},
    {a::kEscalatedMonth,
     CSM_FIRST_ESCALATION(CSM_MONTH, CSM_SAME_FACT_DEPARTMENT, "f.department")},
    {a::kEscalatedQuarter,
     CSM_FIRST_ESCALATION(CSM_QUARTER, CSM_SAME_FACT_DEPARTMENT,
                          "f.department")},
    {a::kEscalatedWeekAll, CSM_FIRST_ESCALATION(CSM_WEEK, "", "''")},
    {a::kEscalatedMonthAll, CSM_FIRST_ESCALATION(CSM_MONTH, "", "''")},
    {a::kEscalatedQuarterAll, CSM_FIRST_ESCALATION(CSM_QUARTER, "", "''")},
    {a::kOverdueWeek,
     CSM_FIRST_BREACH(CSM_WEEK, CSM_SAME_CHARGED, "d.breached_department")},
    {a::kOverdueMonth,
     CSM_FIRST_BREACH(CSM_MONTH, CSM_SAME_CHARGED, "d.breached_department")},
    {a::kOverdueQuarter,
     CSM_FIRST_BREACH(CSM_QUARTER, CSM_SAME_CHARGED, "d.breached_department")},
    {a::kOverdueWeekAll, CSM_FIRST_BREACH(CSM_WEEK, "", "''")},
    {a::kOverdueMonthAll, CSM_FIRST_BREACH(CSM_MONTH, "", "''")},
    {a::kOverdueQuarterAll, CSM_FIRST_BREACH(CSM_QUARTER, "", "''")},
};

#undef CSM_SAME_CHARGED
#undef CSM_FIRST_BREACH
#undef CSM_SAME_FACT_DEPARTMENT
#undef CSM_FIRST_ESCALATION
#undef CSM_QUARTER
#undef CSM_MONTH
#undef CSM_WEEK
#undef CSM_LOCAL

enum class Unit { kNone, kWeek, kMonth, kQuarter };

Unit UnitOf(absl::CivilDay first, absl::CivilDay last) {
  if (absl::GetWeekday(first) == absl::Weekday::monday && last == first + 6) {
    return Unit::kWeek;
  }
  if (first.day() != 1) return Unit::kNone;
  const absl::CivilMonth month(first);
  if (last == absl::CivilDay(month + 1) - 1) return Unit::kMonth;
  if ((first.month() - 1) % 3 == 0 && last == absl::CivilDay(month + 3) - 1) {
    return Unit::kQuarter;
  }
  return Unit::kNone;
}

}  // namespace

absl::Span<const AggregateFigure> DistinctAggregateFigures() {
  return kFigures;
}

std::optional<DistinctFigureIds> DistinctDayFigures(absl::CivilDay first,
                                                    absl::CivilDay last,
                                                    bool company) {
  switch (UnitOf(first, last)) {
    case Unit::kWeek:
      return company
                 ? DistinctFigureIds{a::kEscalatedWeekAll, a::kOverdueWeekAll}
                 : DistinctFigureIds{a::kEscalatedWeek, a::kOverdueWeek};
    case Unit::kMonth:
      return company
                 ? DistinctFigureIds{a::kEscalatedMonthAll, a::kOverdueMonthAll}
                 : DistinctFigureIds{a::kEscalatedMonth, a::kOverdueMonth};
    case Unit::kQuarter:
      return company
                 ? DistinctFigureIds{a::kEscalatedQuarterAll,
                                     a::kOverdueQuarterAll}
                 : DistinctFigureIds{a::kEscalatedQuarter, a::kOverdueQuarter};
    case Unit::kNone:
      break;
  }
  return std::nullopt;
}

}  // namespace csm::reporting
