// The read side of the report tables: grouped counts, ratios and
// working-minute histograms of one figure over a period, narrowed by the
// report filter. Every figure of docs/reports.md is one FigureSql (which
// table, which time places a fact into the period, which department and
// staff column it is credited to); the app layer names them
// (src/app/complaint_figures.cc). Reports read these tables only, never
// events. Prepared statements only: the SQL is assembled from the fixed
// fragments below, every value is bound.
#ifndef CSM_REPORTING_SVC_STORE_FIGURE_QUERIES_H_
#define CSM_REPORTING_SVC_STORE_FIGURE_QUERIES_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/mysql_pool.h"
#include "reporting-svc/src/domain/working_time_stats.h"

namespace csm::reporting {

// The period and the filter, as SQL values.
struct FigureScope {
  absl::Time start;
  absl::Time end;
  absl::CivilDay first;
  absl::CivilDay last;
  std::vector<std::string> departments;
  std::vector<std::string> staff_ids;
  std::vector<std::string> categories;
  // SEVERITY_* names.
  std::vector<std::string> severities;
  // Both spellings: "A" (complaints) and "GRADE_A" (archives).
  std::vector<std::string> grades;
};

// Where a figure's facts are and how they are placed and credited. Column
// names are fixed fragments, never request values.
struct FigureSql {
  // FROM clause, e.g. "complaint_facts f JOIN complaints c ON ...".
  const char* from;
  // The column that places a fact in the period; a DATE when `by_date`.
  const char* time_col;
  bool by_date = false;
  const char* department_col;
  const char* staff_col;
  // Fixed extra condition, e.g. "f.fact = 'resolved'"; "" for none.
  const char* where = "";
  // Classification columns (nullptr: the filter does not apply).
  const char* category_col = nullptr;
  const char* severity_col = nullptr;
  const char* grade_col = nullptr;
  // The archive's team it is credited to (visits), for GroupByTeam.
  const char* team_col = nullptr;
};

// The group key of a breakdown: a column of the figure's tables, or "" for
// the whole (GroupAll).
struct GroupKey {
  // nullptr: the figure's department column (its staff or team column when
  // `staff` or `team`).
  const char* column;
  bool all = false;
  bool staff = false;
  bool team = false;
};
inline constexpr GroupKey GroupAll() { return GroupKey{"''", true}; }
inline constexpr GroupKey GroupByDepartment() { return GroupKey{nullptr}; }
inline constexpr GroupKey GroupByStaff() {
  return GroupKey{nullptr, false, true};
}
inline constexpr GroupKey GroupByTeam() {
  return GroupKey{nullptr, false, false, true};
}
inline constexpr GroupKey GroupByColumn(const char* column) {
  return GroupKey{column};
}

// key -> COUNT(value) (value e.g. "*" or "DISTINCT f.complaint").
absl::StatusOr<std::map<std::string, int64_t>> CountGroups(
    MysqlConnection& conn, const FigureSql& figure, const FigureScope& scope,
    GroupKey key, const char* value);

// key -> (SUM(hit), COUNT(*)) with `hit` a 0/1 expression.
struct Share {
  int64_t numerator = 0;
  int64_t denominator = 0;
};
absl::StatusOr<std::map<std::string, Share>> ShareGroups(
    MysqlConnection& conn, const FigureSql& figure, const FigureScope& scope,
    GroupKey key, const char* hit);

// key -> histogram of the integer expression `minutes`.
absl::StatusOr<std::map<std::string, MinutesHistogram>> HistogramGroups(
    MysqlConnection& conn, const FigureSql& figure, const FigureScope& scope,
    GroupKey key, const char* minutes);

// key -> detail -> count (levels, satisfaction distributions).
absl::StatusOr<std::map<std::string, std::map<std::string, int64_t>>>
CountByDetail(MysqlConnection& conn, const FigureSql& figure,
              const FigureScope& scope, GroupKey key, const char* detail);

// A WHERE fragment and its values in binding order: " AND col IN (?,?)"
// padded to a few sizes (repeating the last value) so that the statements
// cached per connection stay few. Nothing for an empty list.
struct SqlCondition {
  std::string sql;
  std::vector<std::string> values;
};
void AppendIn(const char* column, const std::vector<std::string>& values,
              SqlCondition* out);

// staff id -> the department of their latest event as actor before `end`
// (staff_departments).
absl::StatusOr<std::map<std::string, std::string>> StaffDepartmentsBefore(
    MysqlConnection& conn, absl::Time end);

// owner id -> the team of the archives they own now (the first by team id
// when several); team -> the department of its archives (the first).
absl::StatusOr<std::map<std::string, std::string>> OwnerTeams(
    MysqlConnection& conn);
absl::StatusOr<std::map<std::string, std::string>> TeamDepartments(
    MysqlConnection& conn);

// The departments and categories some applied event named.
absl::StatusOr<std::set<std::string>> KnownValuesOf(MysqlConnection& conn,
                                                    const char* kind);

}  // namespace csm::reporting

#endif  // CSM_REPORTING_SVC_STORE_FIGURE_QUERIES_H_
