#include "reporting-svc/src/store/complaint_aggregates.h"

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "common/business_time.h"
#include "common/sql_rows.h"
#include "common/status.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"
#include "reporting-svc/src/store/contributions_sql.h"
#include "reporting-svc/src/store/sql_bind.h"

namespace csm::reporting {
namespace {

using ResultSetPtr = std::unique_ptr<sql::ResultSet>;

// Names per statement: the largest padded IN list (sql_rows::PaddedSize),
// and a drain chunk (app/refresh_queue.cc says why so many).
constexpr size_t kChunk = 2048;

// A table the contributions of one kind add up into: its key columns and
// what each is in complaint_contributions.
struct DayTable {
  const char* table;
  std::vector<const char*> keys;
  std::vector<const char*> sources;
  ContributionKind kind;
};
const std::vector<DayTable>& DayTables() {
  static const auto* kTables = new std::vector<DayTable>{
      {"complaint_day_counts",
       {"day", "department", "figure"},
       {"day", "credited", "figure"},
       kDepartmentCount},
      {"complaint_day_minutes",
       {"day", "department", "figure", "minutes"},
       {"day", "credited", "figure", "minutes"},
       kDepartmentMinutes},
      // The same per month (its first day): a month reads one row per
      // department and figure.
      {"complaint_department_months",
       {"month", "department", "figure"},
       {"DATE_FORMAT(day, '%Y-%m-01')", "credited", "figure"},
       kDepartmentCount},
      {"complaint_staff_days",
       {"day", "staff_id", "figure"},
       {"day", "credited", "figure"},
       kStaffCount},
      {"complaint_staff_months",
       {"month", "staff_id", "figure"},
       {"DATE_FORMAT(day, '%Y-%m-01')", "credited", "figure"},
       kStaffCount},
  };
  return *kTables;
}

// "<source> AS k0, ..." of a contribution table's rows of the kind.
std::string KeysOf(const DayTable& t, const char* table, const char* extra,
                   const std::string& where) {
  std::string sql = "SELECT ";
  for (size_t i = 0; i < t.sources.size(); ++i) {
    absl::StrAppend(&sql, i ? ", " : "", t.sources[i], " AS k", i);
  }
  return absl::StrCat(sql, extra, " FROM ", table, " WHERE kind = ", t.kind,
                      where);
}

std::string KeyList(const DayTable& t) {
  std::string out;
  for (size_t i = 0; i < t.keys.size(); ++i) {
    absl::StrAppend(&out, i ? ", " : "", "k", i);
  }
  return out;
}

// The difference between the chunk's stored contributions (IN list) and
// their recomputed ones (new_contributions) per key, into
// contribution_moves: once a chunk, where each day table used to group both
// again. Rows that did not change cancel out here.
std::string Difference(const std::string& in) {
  constexpr char kKeys[] = "kind, day, credited, figure, minutes";
  return absl::StrCat(
      "INSERT INTO contribution_moves (", kKeys, ", n, h) SELECT ", kKeys,
      ", SUM(n), SUM(h) FROM (SELECT ", kKeys,
      ", -n AS n, -n * hit AS h FROM complaint_contributions WHERE complaint "
      "IN (",
      in, ") UNION ALL SELECT ", kKeys,
      ", n, n * hit FROM new_contributions) x GROUP BY ", kKeys,
      " HAVING SUM(n) <> 0 OR SUM(h) <> 0");
}

// Moves one day table by the chunk's difference: only the rows whose
// figures changed are written.
std::string MoveByDifference(const DayTable& t) {
  const bool hits = t.kind != kDepartmentMinutes;
  std::string columns;
  for (const char* k : t.keys) absl::StrAppend(&columns, k, ", ");
  return absl::StrCat(
      "INSERT INTO ", t.table, " (", columns, hits ? "n, hits) " : "n) ",
      KeysOf(t, "contribution_moves", hits ? ", SUM(n), SUM(h)" : ", SUM(n)",
             ""),
      " GROUP BY ", KeyList(t), " HAVING SUM(n) <> 0",
      hits ? " OR SUM(h) <> 0" : "", " ON DUPLICATE KEY UPDATE n = ", t.table,
      ".n + VALUES(n)",
      hits ? absl::StrCat(", hits = ", t.table, ".hits + VALUES(hits)") : "");
}

// Fills one (empty) day table with the sums of the stored contributions.
std::string AddUp(const DayTable& t) {
  const bool hits = t.kind != kDepartmentMinutes;
  std::string columns;
  for (const char* k : t.keys) absl::StrAppend(&columns, k, ", ");
  return absl::StrCat("INSERT INTO ", t.table, " (", columns,
                      hits ? "n, hits) " : "n) ",
                      KeysOf(t, "complaint_contributions",
                             hits ? ", SUM(n), SUM(n * hit)" : ", SUM(n)", ""),
                      " GROUP BY ", KeyList(t));
}

// Deletes the rows the chunk's difference left at zero (a row reaches zero
// only by a move, and rows at zero are never kept).
std::string DeleteEmptied(const DayTable& t) {
  std::string on;
  for (size_t i = 0; i < t.keys.size(); ++i) {
    absl::StrAppend(&on, i ? " AND " : "", "t.", t.keys[i], " = o.k", i);
  }
  return absl::StrCat("DELETE t FROM ", t.table, " t JOIN (",
                      KeysOf(t, "contribution_moves", "", ""), ") o ON ", on,
                      " WHERE t.n = 0");
}

void Run(MysqlConnection& conn, const std::string& sql, int lists,
         const std::vector<std::string>& names) {
  sql::PreparedStatement& st = conn.Prepare(sql);
  Binder b(st);
  for (int i = 0; i < lists; ++i) {
    for (const std::string& name : names) b.Str(name);
  }
  st.executeUpdate();
}

// The chunk's scratch tables, per connection and empty. Dropped and made
// again, not emptied by DELETE: an InnoDB DELETE of the last chunk's rows
// cost more than the recompute (docs/benchmarks.md, "A year of
// complaints"). TEMPORARY: no implicit commit.
void FreshScratchTables(MysqlConnection& conn) {
  for (const char* sql : {
           "DROP TEMPORARY TABLE IF EXISTS new_contributions",
           "CREATE TEMPORARY TABLE new_contributions LIKE "
           "complaint_contributions",
           "DROP TEMPORARY TABLE IF EXISTS contribution_moves",
           "CREATE TEMPORARY TABLE contribution_moves (kind TINYINT NOT NULL, "
           "day DATE NOT NULL, credited VARCHAR(128) NOT NULL, figure "
           "VARCHAR(24) NOT NULL, minutes BIGINT NOT NULL, n BIGINT NOT NULL, "
           "h BIGINT NOT NULL) ENGINE=InnoDB",
       }) {
    conn.Prepare(sql).executeUpdate();
  }
}

void RefreshChunk(MysqlConnection& conn,
                  absl::Span<const AggregateFigure> figures,
                  const std::vector<std::string>& names,
                  const std::function<void()>& before_moves) {
  const std::string in = sql_rows::Placeholders(names.size());
  FreshScratchTables(conn);
  const ContributionsStatement insert =
      ContributionsInsert("new_contributions", figures, in);
  Run(conn, insert.sql, insert.lists, names);
  Run(conn, Difference(in), 1, names);
  if (before_moves) before_moves();
  for (const DayTable& t : DayTables()) {
    Run(conn, MoveByDifference(t), 0, names);
    Run(conn, DeleteEmptied(t), 0, names);
  }
  Run(conn,
      absl::StrCat("DELETE FROM complaint_contributions WHERE complaint IN (",
                   in, ")"),
      1, names);
  conn.Prepare(
          "INSERT INTO complaint_contributions SELECT * FROM "
          "new_contributions")
      .executeUpdate();
}

}  // namespace

absl::Status RefreshContributions(MysqlConnection& conn,
                                  absl::Span<const AggregateFigure> figures,
                                  const std::vector<std::string>& complaints,
                                  const std::function<void()>& before_moves) {
  for (size_t next = 0; next < complaints.size(); next += kChunk) {
    const size_t end = std::min(complaints.size(), next + kChunk);
    std::vector<std::string> names(complaints.begin() + next,
                                   complaints.begin() + end);
    // Padded with the last name, so that few statement texts are cached.
    names.resize(sql_rows::PaddedSize(names.size()), names.back());
    RefreshChunk(conn, figures, names, before_moves);
  }
  return absl::OkStatus();
}

absl::Status RecomputeAllContributions(
    MysqlConnection& conn, absl::Span<const AggregateFigure> figures) {
  conn.Prepare("DELETE FROM complaint_contributions").executeUpdate();
  for (const DayTable& t : DayTables()) {
    conn.Prepare(absl::StrCat("DELETE FROM ", t.table)).executeUpdate();
  }
  // A SELECT per figure, not the drain's pass per source table: without an
  // IN list each figure's rows are read by its time index
  // (contributions_sql.h).
  conn.Prepare(AllContributionsInsert("complaint_contributions", figures))
      .executeUpdate();
  for (const DayTable& t : DayTables()) conn.Prepare(AddUp(t)).executeUpdate();
  return absl::OkStatus();
}

bool AggregatesBackfilled(MysqlConnection& conn) {
  ResultSetPtr rs(
      conn.Prepare("SELECT done_time IS NOT NULL FROM aggregate_backfills "
                   "WHERE id = 1")
          .executeQuery());
  return !rs->next() || rs->getBoolean(1);
}

void MarkAggregatesBackfilled(MysqlConnection& conn) {
  conn.Prepare(
          "UPDATE aggregate_backfills SET done_time = UTC_TIMESTAMP(6) "
          "WHERE id = 1")
      .executeUpdate();
}

namespace {

std::vector<std::string> NamesAfter(MysqlConnection& conn, const char* table,
                                    const std::string& after, int limit) {
  sql::PreparedStatement& st = conn.Prepare(absl::StrCat(
      "SELECT name FROM ", table, " WHERE name > ? ORDER BY name LIMIT ?"));
  st.setString(1, after);
  st.setInt(2, limit);
  ResultSetPtr rs(st.executeQuery());
  std::vector<std::string> out;
  while (rs->next()) out.push_back(rs->getString(1));
  return out;
}

}  // namespace

std::vector<std::string> ComplaintNamesAfter(MysqlConnection& conn,
                                             const std::string& after,
                                             int limit) {
  return NamesAfter(conn, "complaints", after, limit);
}

std::vector<std::string> ArchiveNamesAfter(MysqlConnection& conn,
                                           const std::string& after,
                                           int limit) {
  return NamesAfter(conn, "customers", after, limit);
}

bool DayTablesCover(const FigureScope& scope) {
  return scope.staff_ids.empty() && scope.categories.empty() &&
         scope.severities.empty() && scope.grades.empty() &&
         scope.start == StartOfBusinessDay(scope.first) &&
         scope.end == StartOfBusinessDay(scope.last + 1);
}

namespace {

// The rows of a period added up per figure and key: hashed while adding,
// ordered once at the end. A quarter's staff rows are 18,000 (1,000 staff,
// 6 figures, 3 months): looked up in ordered maps they cost the ranking
// more CPU than MariaDB spent reading them (docs/benchmarks.md).
template <typename V>
class FigureSums {
 public:
  V& At(const std::string& figure, const std::string& key) {
    return sums_[figure][key];
  }

  // The sums `keep` keeps, by figure and key; figures left without a key
  // are dropped.
  template <typename Keep>
  std::map<std::string, std::map<std::string, V>> Take(Keep keep) {
    std::map<std::string, std::map<std::string, V>> out;
    for (auto& [figure, groups] : sums_) {
      std::vector<std::pair<std::string, V>> sorted;
      sorted.reserve(groups.size());
      for (auto& [key, value] : groups) {
        if (keep(value)) sorted.emplace_back(key, std::move(value));
      }
      if (sorted.empty()) continue;
      std::sort(sorted.begin(), sorted.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      out.emplace(figure, std::map<std::string, V>(
                              std::make_move_iterator(sorted.begin()),
                              std::make_move_iterator(sorted.end())));
    }
    sums_.clear();
    return out;
  }

 private:
  absl::flat_hash_map<std::string, absl::flat_hash_map<std::string, V>> sums_;
};

// Adds the figure, key, hits, count rows of `st` to `sums`.
void AddShares(sql::PreparedStatement& st, FigureSums<Share>& sums) {
  ResultSetPtr rs(st.executeQuery());
  while (rs->next()) {
    Share& s = sums.At(rs->getString(1), rs->getString(2));
    s.numerator += rs->getInt64(3);
    s.denominator += rs->getInt64(4);
  }
}

// Groups with a count only (day rows hold n > 0: none is dropped).
DayShares Counted(FigureSums<Share>& sums) {
  return sums.Take([](const Share& s) { return s.denominator > 0; });
}

// SELECT figure, k, <columns> FROM <table> of the scope's days and
// departments, each row handed to `row`; k is the department, or '' for
// the whole. Not grouped: the caller adds the rows up (StaffCounts says
// why).
template <typename Row>
void ReadDays(MysqlConnection& conn, const FigureScope& scope,
              bool by_department, const char* columns, const char* table,
              Row row) {
  const char* k = by_department ? "department" : "''";
  SqlCondition w;
  w.sql = " WHERE day >= ? AND day <= ?";
  AppendIn("department", scope.departments, &w);
  sql::PreparedStatement& st = conn.Prepare(absl::StrCat(
      "SELECT figure, ", k, " AS k, ", columns, " FROM ", table, w.sql));
  Binder b(st);
  b.Date(scope.first).Date(scope.last);
  for (const std::string& v : w.values) b.Str(v);
  ResultSetPtr rs(st.executeQuery());
  while (rs->next()) row(rs);
}

}  // namespace

absl::StatusOr<DayHistograms> DayMinutes(MysqlConnection& conn,
                                         const FigureScope& scope,
                                         bool by_department) {
  FigureSums<MinutesHistogram> sums;
  absl::Status bad;
  ReadDays(conn, scope, by_department, "minutes, n", "complaint_day_minutes",
           [&](const ResultSetPtr& rs) {
             absl::Status added = sums.At(rs->getString(1), rs->getString(2))
                                      .Add(rs->getInt64(3), rs->getInt64(4));
             if (!added.ok() && bad.ok()) bad = added;
           });
  if (!bad.ok()) {
    return absl::InternalError(
        absl::StrCat("bad working minutes: ", bad.message()));
  }
  return sums.Take([](const MinutesHistogram&) { return true; });
}

namespace {

// The whole months of [first, last] and the days outside them: a quarter
// is three month rows per staff member.
struct MonthSplit {
  absl::CivilDay months_from, months_to;  // first days; empty when from > to
  absl::CivilDay days_from1, days_to1, days_from2, days_to2;
};

MonthSplit SplitByMonth(absl::CivilDay first, absl::CivilDay last) {
  absl::CivilMonth lo(first);
  if (absl::CivilDay(lo) != first) ++lo;
  absl::CivilMonth hi(last);
  if (absl::CivilDay(hi + 1) != last + 1) --hi;
  if (lo > hi)
    return {
        absl::CivilDay(lo), absl::CivilDay(hi), first, last, last + 1, last};
  return {absl::CivilDay(lo),     absl::CivilDay(hi),     first,
          absl::CivilDay(lo) - 1, absl::CivilDay(hi + 1), last};
}

}  // namespace

absl::StatusOr<DayShares> DayCounts(MysqlConnection& conn,
                                    const FigureScope& scope,
                                    bool by_department) {
  const MonthSplit m = SplitByMonth(scope.first, scope.last);
  SqlCondition w;
  AppendIn("department", scope.departments, &w);
  const std::string columns =
      absl::StrCat("SELECT figure, ", by_department ? "department" : "''",
                   ", hits, n FROM ");
  FigureSums<Share> sums;
  if (m.months_from <= m.months_to) {
    sql::PreparedStatement& st = conn.Prepare(
        absl::StrCat(columns,
                     "complaint_department_months WHERE month >= ? AND "
                     "month <= ?",
                     w.sql));
    Binder b(st);
    b.Date(m.months_from).Date(m.months_to);
    for (const std::string& v : w.values) b.Str(v);
    AddShares(st, sums);
  }
  if (m.days_from1 <= m.days_to1 || m.days_from2 <= m.days_to2) {
    sql::PreparedStatement& st = conn.Prepare(absl::StrCat(
        columns,
        "complaint_day_counts WHERE ((day >= ? AND day <= ?) OR (day >= ? "
        "AND day <= ?))",
        w.sql));
    Binder b(st);
    b.Date(m.days_from1).Date(m.days_to1).Date(m.days_from2).Date(m.days_to2);
    for (const std::string& v : w.values) b.Str(v);
    AddShares(st, sums);
  }
  return Counted(sums);
}

absl::StatusOr<DayShares> StaffCounts(MysqlConnection& conn,
                                      const FigureScope& scope) {
  const MonthSplit m = SplitByMonth(scope.first, scope.last);
  // The rows are summed here, not by GROUP BY: grouping a quarter's
  // staff x figure x 3 month rows in a temporary table cost ten times
  // reading them in key order (docs/benchmarks.md, "The staff ranking's
  // reads").
  FigureSums<Share> sums;
  if (m.months_from <= m.months_to) {
    sql::PreparedStatement& st = conn.Prepare(
        "SELECT figure, staff_id, hits, n FROM complaint_staff_months "
        "WHERE month >= ? AND month <= ?");
    Binder(st).Date(m.months_from).Date(m.months_to);
    AddShares(st, sums);
  }
  if (m.days_from1 <= m.days_to1 || m.days_from2 <= m.days_to2) {
    sql::PreparedStatement& st = conn.Prepare(
        "SELECT figure, staff_id, hits, n FROM complaint_staff_days "
        "WHERE (day >= ? AND day <= ?) OR (day >= ? AND day <= ?)");
    Binder(st)
        .Date(m.days_from1)
        .Date(m.days_to1)
        .Date(m.days_from2)
        .Date(m.days_to2);
    AddShares(st, sums);
  }
  return Counted(sums);
}

}  // namespace csm::reporting
