#include "reporting-svc/src/store/contributions_sql.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"

namespace csm::reporting {
namespace {

// Beijing time is UTC+8 all year since 1991 (domain/period.h), so this is
// BusinessDate of the stored UTC time.
std::string DayOf(const char* time_col) {
  return absl::StrCat("DATE(", time_col, " + INTERVAL 8 HOUR)");
}

// The figures that read one FROM clause: one pass over its rows serves
// them all (a statement per figure read the same rows once per figure).
using SourceFigures = std::vector<const AggregateFigure*>;

std::vector<SourceFigures> BySource(absl::Span<const AggregateFigure> figures) {
  std::vector<SourceFigures> sources;
  for (const AggregateFigure& f : figures) {
    auto same = std::find_if(
        sources.begin(), sources.end(), [&](const SourceFigures& s) {
          return std::string_view(s.front()->sql.from) == f.sql.from;
        });
    if (same == sources.end()) {
      sources.push_back({&f});
    } else {
      same->push_back(&f);
    }
  }
  return sources;
}

// One column of the contributions: the figures' common expression, or a
// CASE on the figure number (fig.f) when they differ.
template <typename Expression>
std::string PerFigure(const SourceFigures& figures, Expression expression) {
  const std::string first = expression(*figures.front());
  std::string cases = "CASE fig.f";
  bool same = true;
  for (size_t i = 0; i < figures.size(); ++i) {
    const std::string e = expression(*figures[i]);
    same = same && e == first;
    absl::StrAppend(&cases, " WHEN ", i, " THEN ", e);
  }
  return same ? first : absl::StrCat(cases, " END");
}

// The figures as rows (number, id, kind) that each source row is joined
// with: a row per figure it may count in.
std::string FigureRows(const SourceFigures& figures) {
  std::string rows = "(";
  for (size_t i = 0; i < figures.size(); ++i) {
    absl::StrAppend(&rows, i ? " UNION ALL SELECT " : "SELECT ", i,
                    i ? "" : " AS f", ", '", figures[i]->id, "'",
                    i ? "" : " AS figure", ", ", KindOf(*figures[i]),
                    i ? "" : " AS kind");
  }
  return absl::StrCat(rows, ") AS fig");
}

// Which source rows each figure counts: its time set and its condition.
std::string FigureConditions(const SourceFigures& figures) {
  std::string sql = "(";
  for (size_t i = 0; i < figures.size(); ++i) {
    const FigureSql& s = figures[i]->sql;
    absl::StrAppend(&sql, i ? " OR " : "", "(fig.f = ", i, " AND ", s.time_col,
                    " IS NOT NULL");
    if (*s.where != '\0') absl::StrAppend(&sql, " AND (", s.where, ")");
    absl::StrAppend(&sql, ")");
  }
  return absl::StrCat(sql, ")");
}

// The contributions of one source's figures for the complaints in the IN
// list. STRAIGHT_JOIN: the source rows are read
// first (by the IN list's index), then paired with the figure rows;
// otherwise the few figure rows could be read first and the source rows
// once per figure.
std::string ContributionSelect(const SourceFigures& figures,
                               const std::string& in) {
  const FigureSql& s = figures.front()->sql;
  std::string sql = absl::StrCat(
      "SELECT c.name, fig.figure, fig.kind, ",
      PerFigure(figures,
                [](const AggregateFigure& f) { return DayOf(f.sql.time_col); }),
      ", ",
      PerFigure(figures,
                [](const AggregateFigure& f) {
                  return std::string(f.staff ? f.sql.staff_col
                                             : f.sql.department_col);
                }),
      ", ",
      PerFigure(figures,
                [](const AggregateFigure& f) {
                  return f.hit == nullptr
                             ? std::string("0")
                             : absl::StrCat("IF(", f.hit, ", 1, 0)");
                }),
      ", ",
      PerFigure(figures,
                [](const AggregateFigure& f) {
                  return std::string(f.minutes == nullptr ? "-1" : f.minutes);
                }),
      ", COUNT(*) FROM (", s.from, ") STRAIGHT_JOIN ", FigureRows(figures),
      " WHERE c.name IN (", in, ") AND ");
  absl::StrAppend(&sql, FigureConditions(figures),
                  " GROUP BY 1, 2, 3, 4, 5, 6, 7");
  return sql;
}

// The columns of complaint_contributions, in the order of its rows.
constexpr char kColumns[] =
    " (complaint, figure, kind, day, credited, hit, minutes, n) ";

}  // namespace

ContributionKind KindOf(const AggregateFigure& f) {
  if (f.staff) return kStaffCount;
  return f.minutes == nullptr ? kDepartmentCount : kDepartmentMinutes;
}

ContributionsStatement ContributionsInsert(
    const char* table, absl::Span<const AggregateFigure> figures,
    const std::string& in) {
  ContributionsStatement out;
  out.sql = absl::StrCat("INSERT INTO ", table, kColumns);
  for (const SourceFigures& source : BySource(figures)) {
    absl::StrAppend(&out.sql, out.lists++ ? " UNION ALL " : "",
                    ContributionSelect(source, in));
  }
  return out;
}

std::string FigureContributionsSelect(const AggregateFigure& f) {
  const FigureSql& s = f.sql;
  std::string sql =
      absl::StrCat("SELECT c.name AS complaint, '", f.id, "' AS figure, ",
                   KindOf(f), " AS kind, ", DayOf(s.time_col), " AS day, ",
                   f.staff ? s.staff_col : s.department_col, " AS credited, ",
                   f.hit == nullptr ? std::string("0")
                                    : absl::StrCat("IF(", f.hit, ", 1, 0)"),
                   " AS hit, ", f.minutes == nullptr ? "-1" : f.minutes,
                   " AS minutes, COUNT(*) AS n FROM ", s.from, " WHERE ",
                   s.time_col, " IS NOT NULL");
  if (*s.where != '\0') absl::StrAppend(&sql, " AND ", s.where);
  return absl::StrCat(sql, " GROUP BY 1, 2, 3, 4, 5, 6, 7");
}

std::string AllContributionsInsert(const char* table,
                                   absl::Span<const AggregateFigure> figures) {
  std::string sql = absl::StrCat("INSERT INTO ", table, kColumns);
  for (size_t i = 0; i < figures.size(); ++i) {
    absl::StrAppend(&sql, i ? " UNION ALL " : "",
                    FigureContributionsSelect(figures[i]));
  }
  return sql;
}

}  // namespace csm::reporting
