// Small helpers every service's store shares for reading rows, binding
// dynamically built queries and turning filters into SQL. For store .cc
// files: not part of any store's interface.
#ifndef CSM_COMMON_SQL_ROWS_H_
#define CSM_COMMON_SQL_ROWS_H_

#include <google/protobuf/descriptor.h>
#include <google/protobuf/timestamp.pb.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/filter.h"
#include "common/mysql_pool.h"
#include "common/paging.h"
#include "common/principal.h"
#include "csm/common/v1/common.pb.h"

namespace csm::sql_rows {

using ResultSetPtr = std::unique_ptr<sql::ResultSet>;

std::string Str(const ResultSetPtr& rs, const char* column);
absl::StatusOr<absl::Time> TimeCol(const ResultSetPtr& rs, const char* column);
absl::Status SetTime(const ResultSetPtr& rs, const char* column,
                     google::protobuf::Timestamp* out);
// A DATE column; std::nullopt when NULL.
absl::StatusOr<std::optional<absl::CivilDay>> DateCol(const ResultSetPtr& rs,
                                                      const char* column);

// The same by 1-based position (ColumnOf). Connector/C++ 1.1 looks a
// column up by name with an upper-cased copy of the name and a map search
// for every value read: on a page of 50 archives that was a sixth of
// customer-svc's CPU (docs/benchmarks.md).
std::string Str(const ResultSetPtr& rs, unsigned column);
absl::Status SetTime(const ResultSetPtr& rs, unsigned column,
                     google::protobuf::Timestamp* out);
absl::StatusOr<std::optional<absl::CivilDay>> DateCol(const ResultSetPtr& rs,
                                                      unsigned column);

// The 1-based position of the column `name` in a select list such as
// "id, c.title AS contact_title, p.phone": a column is named by its alias
// when it has one (" AS "), else by what follows its table's prefix.
// Evaluated while compiling: a name the list lacks does not compile.
consteval unsigned ColumnOf(std::string_view columns, std::string_view name) {
  unsigned position = 1;
  while (true) {
    const size_t comma = columns.find(',');
    std::string_view column = columns.substr(0, comma);
    while (!column.empty() && column.front() == ' ') column.remove_prefix(1);
    if (const size_t as = column.find(" AS "); as != column.npos) {
      column.remove_prefix(as + 4);
    } else if (const size_t dot = column.find('.'); dot != column.npos) {
      column.remove_prefix(dot + 1);
    }
    if (column == name) return position;
    if (comma == columns.npos) break;
    columns.remove_prefix(comma + 1);
    ++position;
  }
  throw "ColumnOf: no such column in the select list";
}

// The number of columns of such a select list.
consteval unsigned ColumnCount(std::string_view columns) {
  unsigned n = 1;
  for (char c : columns) n += c == ',' ? 1 : 0;
  return n;
}

// Runs an INSERT ... RETURNING id (MariaDB) and reads the new row's id: the
// id comes back with the insert instead of a SELECT LAST_INSERT_ID() round
// trip after it. INTERNAL when the statement returned no row (it lacks
// RETURNING, or inserted nothing).
absl::StatusOr<int64_t> InsertedId(sql::PreparedStatement& stmt);

// Pads an id list to a few fixed sizes (1, 8, 64, 512, 2,048; longer lists
// keep their size) so that the number of distinct prepared statements
// (cached per connection) stays small.
size_t PaddedSize(size_t n);
// "?,?,?" for n placeholders.
std::string Placeholders(size_t n);

void SetActor(const Principal& p, csm::common::v1::Actor* actor);

// `items` were read with LIMIT limit + 1: a row beyond `limit` means another
// page follows, whose cursor is that of the last row kept.
template <typename T>
Page<T> MakePage(std::vector<T> items, std::vector<PageCursor> cursors,
                 int limit) {
  Page<T> page;
  if (static_cast<int>(items.size()) > limit) {
    items.resize(limit);
    page.next = cursors[limit - 1];
  }
  page.items = std::move(items);
  return page;
}

// A bound parameter of a dynamically built statement: a string, an integer
// or NULL. Times and dates travel as their SQL text (common/sql_values.h).
struct Param {
  enum Kind { kString, kInt, kNull } type = kNull;
  std::string s;
  int64_t i = 0;

  static Param String(std::string s) { return {kString, std::move(s), 0}; }
  static Param Int(int64_t i) { return {kInt, "", i}; }
  static Param Null() { return {}; }
  // UTC DATETIME(6) text.
  static Param Time(absl::Time t);
};

// Binds params[0] to placeholder 1, params[1] to 2, ...
void Bind(sql::PreparedStatement& stmt, const std::vector<Param>& params);

// The SQL comparison of a filter operator (FilterOperators in
// common/filter.h): "<>" for !=, "LIKE" for :.
absl::string_view SqlOp(FilterTerm::Op op);
// `value` with LIKE's wildcards (% and _) and the escape character escaped.
std::string EscapeLike(absl::string_view value);

// How one filter field maps to a column.
struct FilterColumn {
  const char* column;
  // kString: = != and : (a substring); kKeyword: text compared whole, = and
  // != only (codes and ids where "contains" means nothing).
  enum Kind { kString, kKeyword, kEnum, kTime } kind;
  const google::protobuf::EnumDescriptor* (*descriptor)();
  // Enums: whether the zero value (..._UNSPECIFIED) may be compared with,
  // where it means something (ESCALATION_LEVEL_UNSPECIFIED: never
  // escalated).
  bool zero_is_a_value = false;
};

// Appends the SQL condition of `term` on `col` to `where` and its values to
// `params`: strings take = != and : (contains: a substring, LIKE with the
// value escaped), enums = and != by value name, times comparisons with an
// RFC 3339 value. INVALID_ARGUMENT on "filter" otherwise; echoed input is
// quoted with Quote().
absl::Status AddFilterCondition(const FilterTerm& term, const FilterColumn& col,
                                std::vector<std::string>* where,
                                std::vector<Param>* params);

}  // namespace csm::sql_rows

#endif  // CSM_COMMON_SQL_ROWS_H_
