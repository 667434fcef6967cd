// The pre-aggregated complaint figures (migrations/024): what each
// complaint contributes per figure, business day and department, and the
// day tables the company's and departments' reports read. The figures are
// those of figure_sql.h, aggregated by the same SQL, so a report reads the
// same numbers from either side (docs/reports.md, "Pre-aggregated
// figures").
#ifndef CSM_REPORTING_SVC_STORE_COMPLAINT_AGGREGATES_H_
#define CSM_REPORTING_SVC_STORE_COMPLAINT_AGGREGATES_H_

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "common/mysql_pool.h"
#include "reporting-svc/src/domain/working_time_stats.h"
#include "reporting-svc/src/store/figure_queries.h"

namespace csm::reporting {

// One aggregated figure: its id in the day tables, where its rows are (a
// complaint figure: `sql.from` names the complaint `c`), and either the 0/1
// `hit` of a rate (nullptr: a count) or the working `minutes` of a
// histogram.
struct AggregateFigure {
  const char* id;
  FigureSql sql;
  const char* hit = nullptr;
  const char* minutes = nullptr;
  // Credited to the figure's staff column (the staff day and month tables)
  // instead of its department column.
  bool staff = false;
};

// Recomputes the contributions of `complaints` from the complaint tables
// and moves the day tables by the difference to the stored ones (old
// subtracted, new added; unchanged rows are not written): after the
// complaints' rows changed, inside the same transaction. Day rows left
// without a contribution are deleted, so live and rebuilt tables are equal.
// `before_moves`, when set, runs after the recompute (which writes only the
// connection's scratch tables) and before the first write of a row another
// transaction may write too (the day tables, the stored contributions).
absl::Status RefreshContributions(
    MysqlConnection& conn, absl::Span<const AggregateFigure> figures,
    const std::vector<std::string>& complaints,
    const std::function<void()>& before_moves = nullptr);

// Every complaint's contributions and the day tables, computed whole from
// the complaint tables (a rebuild's end: no difference moved, each day row
// written once).
absl::Status RecomputeAllContributions(
    MysqlConnection& conn, absl::Span<const AggregateFigure> figures);

// The backfill of the complaints applied before the aggregates existed
// (migrations/025): whether it is done, marking it done, and the
// complaints in name order after `after` (all when empty), at most `limit`.
bool AggregatesBackfilled(MysqlConnection& conn);
void MarkAggregatesBackfilled(MysqlConnection& conn);
std::vector<std::string> ComplaintNamesAfter(MysqlConnection& conn,
                                             const std::string& after,
                                             int limit);
// The same for the archives (their visit and promise figures, 027).
std::vector<std::string> ArchiveNamesAfter(MysqlConnection& conn,
                                           const std::string& after, int limit);

// Whether the day tables answer `scope`: whole business days, and no
// filter but departments (they are not keyed by staff, category, severity
// or grade).
bool DayTablesCover(const FigureScope& scope);

// figure id -> department (or "" for the whole) -> (hits, count), groups
// with a count only: the department month rows of the scope's whole months
// and the day rows of the rest.
using DayShares = std::map<std::string, std::map<std::string, Share>>;
absl::StatusOr<DayShares> DayCounts(MysqlConnection& conn,
                                    const FigureScope& scope,
                                    bool by_department);

// figure id -> department (or "") -> histogram of the working minutes.
using DayHistograms =
    std::map<std::string, std::map<std::string, MinutesHistogram>>;
absl::StatusOr<DayHistograms> DayMinutes(MysqlConnection& conn,
                                         const FigureScope& scope,
                                         bool by_department);

// figure id -> staff id -> (hits, count) of the staff figures, from the
// staff month rows of the scope's whole months and the day rows of the
// rest; the scope's filters are not applied (DayTablesCover first).
absl::StatusOr<DayShares> StaffCounts(MysqlConnection& conn,
                                      const FigureScope& scope);

}  // namespace csm::reporting

#endif  // CSM_REPORTING_SVC_STORE_COMPLAINT_AGGREGATES_H_
