// Many rows of one table in a few multi-row statements: the writes a batch
// gathers (store/batch_writes.h, store/batch_rows.h) are made at its end in
// statements of 128, 64, ... 1 rows, so a batch of 500 events costs a
// handful of round trips per table, and each table at most eight statement
// texts in a connection's cache. No row is repeated to pad a statement: a
// plain INSERT would refuse the duplicate.
#ifndef CSM_REPORTING_SVC_STORE_MULTI_ROW_H_
#define CSM_REPORTING_SVC_STORE_MULTI_ROW_H_

#include <string>

#include "absl/strings/str_cat.h"
#include "common/mysql_pool.h"
#include "reporting-svc/src/store/sql_bind.h"

namespace csm::reporting {

inline constexpr size_t kMaxRowsPerStatement = 128;

// `insert` ("INSERT INTO t (a, b) VALUES "), `rows` times `row` ("(?, ?)"),
// then `merge` (" ON DUPLICATE KEY UPDATE ..." or "").
inline std::string MultiRow(const char* insert, const char* row,
                            const char* merge, size_t rows) {
  std::string sql = insert;
  for (size_t i = 0; i < rows; ++i) absl::StrAppend(&sql, i ? ", " : "", row);
  return absl::StrCat(sql, merge);
}

// Writes `rows` (anything with size() and operator[]) in order; `bind`
// binds one row's values.
template <typename Rows, typename BindRow>
void WriteRows(MysqlConnection& conn, const Rows& rows, const char* insert,
               const char* row, const char* merge, BindRow bind) {
  size_t next = 0;
  for (size_t chunk = kMaxRowsPerStatement; chunk > 0; chunk /= 2) {
    while (rows.size() - next >= chunk) {
      sql::PreparedStatement& st =
          conn.Prepare(MultiRow(insert, row, merge, chunk));
      Binder b(st);
      for (size_t i = 0; i < chunk; ++i) bind(b, rows[next + i]);
      st.executeUpdate();
      next += chunk;
    }
  }
}

}  // namespace csm::reporting

#endif  // CSM_REPORTING_SVC_STORE_MULTI_ROW_H_
