// The periods the pre-aggregated figures' tests compare both ways
// (complaint_aggregates_test.cc, archive_aggregates_test.cc): whole
// business days, whole and by department.
#ifndef CSM_REPORTING_SVC_TESTING_AGGREGATE_SCOPES_H_
#define CSM_REPORTING_SVC_TESTING_AGGREGATE_SCOPES_H_

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/business_time.h"
#include "reporting-svc/src/store/figure_queries.h"

namespace csm::reporting::testing {

inline FigureScope WholeDays(absl::CivilDay first, absl::CivilDay last,
                             std::vector<std::string> departments = {}) {
  FigureScope scope;
  scope.first = first;
  scope.last = last;
  scope.start = StartOfBusinessDay(first);
  scope.end = StartOfBusinessDay(last + 1);
  scope.departments = std::move(departments);
  return scope;
}

inline std::string NameOf(const FigureScope& scope) {
  return absl::StrCat(absl::FormatCivilTime(scope.first), "..",
                      absl::FormatCivilTime(scope.last), " ",
                      scope.departments.size(), " departments");
}

// The months from October 2026 to `last_month` (whole, by the second of
// `departments` and by the other two), the weeks (Mondays) and one day of
// each from 2026-09-28 to `until`, a quarter, unaligned ranges and two
// years.
inline std::vector<FigureScope> EveryTestScope(
    const std::vector<std::string>& departments, absl::CivilMonth last_month,
    absl::CivilDay until) {
  using absl::CivilDay;
  std::vector<FigureScope> out;
  for (absl::CivilMonth m(2026, 10); m <= last_month; ++m) {
    const CivilDay first(m), last = CivilDay(m + 1) - 1;
    out.push_back(WholeDays(first, last));
    out.push_back(WholeDays(first, last, {departments[1]}));
    out.push_back(WholeDays(first, last, {departments[0], departments[2]}));
  }
  for (CivilDay d(2026, 9, 28); d < until; d += 7) {
    out.push_back(WholeDays(d, d + 6));
    out.push_back(WholeDays(d + 2, d + 2));
  }
  for (const auto& [first, last] : std::vector<std::pair<CivilDay, CivilDay>>{
           {CivilDay(2026, 10, 15), CivilDay(2026, 12, 15)},
           {CivilDay(2026, 10, 1), CivilDay(2026, 12, 31)},
           {CivilDay(2026, 11, 3), CivilDay(2026, 11, 29)},
           {CivilDay(2026, 10, 31), CivilDay(2027, 1, 1)},
           {CivilDay(2026, 11, 3), CivilDay(2027, 1, 29)},
           {CivilDay(2026, 1, 1), CivilDay(2027, 12, 31)}}) {
    out.push_back(WholeDays(first, last));
  }
  return out;
}

}  // namespace csm::reporting::testing

#endif  // CSM_REPORTING_SVC_TESTING_AGGREGATE_SCOPES_H_
