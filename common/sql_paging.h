// One page of rows by their id (keyset paging): what every list of a store
// whose order is insertion order shares. For store .cc files.
#ifndef CSM_COMMON_SQL_PAGING_H_
#define CSM_COMMON_SQL_PAGING_H_

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/mysql_pool.h"
#include "common/paging.h"
#include "common/sql_rows.h"
#include "common/status.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"

namespace csm::sql_rows {

// Ids grow with insertion: oldest first takes the ids after the cursor,
// newest first those before it.
enum class IdOrder { kOldestFirst, kNewestFirst };

struct IdPageQuery {
  std::string select = {};              // "SELECT ... FROM table"
  std::vector<std::string> where = {};  // conditions, joined by AND
  std::vector<Param> params = {};       // for the placeholders of `where`
  std::string id_column = "id";         // selected as "id"
  IdOrder order = IdOrder::kOldestFirst;
  std::optional<PageCursor> after = std::nullopt;
  int limit = 0;
};

// Reads limit + 1 rows; `read(rs, id, item)` fills one item from its row.
template <typename T, typename Read>
absl::StatusOr<Page<T>> ReadIdPage(MysqlConnection& conn, IdPageQuery query,
                                   Read read) {
  const bool newest = query.order == IdOrder::kNewestFirst;
  query.where.push_back(
      absl::StrCat(query.id_column, newest ? " < ?" : " > ?"));
  query.params.push_back(Param::Int(query.after.has_value() ? query.after->id
                                    : newest
                                        ? std::numeric_limits<int64_t>::max()
                                        : 0));
  sql::PreparedStatement& stmt = conn.Prepare(
      absl::StrCat(query.select, " WHERE ", absl::StrJoin(query.where, " AND "),
                   " ORDER BY ", query.id_column, newest ? " DESC" : "",
                   " LIMIT ", query.limit + 1));
  Bind(stmt, query.params);
  ResultSetPtr rs(stmt.executeQuery());
  std::vector<T> items;
  std::vector<PageCursor> cursors;
  while (rs->next()) {
    const int64_t id = rs->getInt64("id");
    CSM_RETURN_IF_ERROR(read(rs, id, items.emplace_back()));
    cursors.push_back({"", id});
  }
  return MakePage(std::move(items), std::move(cursors), query.limit);
}

}  // namespace csm::sql_rows

#endif  // CSM_COMMON_SQL_PAGING_H_
