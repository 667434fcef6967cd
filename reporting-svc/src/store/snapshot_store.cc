#include "reporting-svc/src/store/snapshot_store.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/business_time.h"
#include "common/sql_rows.h"
#include "common/sql_values.h"
#include "common/status.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"
#include "reporting-svc/src/store/sql_bind.h"

namespace csm::reporting {
namespace {

using ResultSetPtr = std::unique_ptr<sql::ResultSet>;

absl::StatusOr<rv1::ReportSnapshot> Parse(const ResultSetPtr& rs) {
  rv1::ReportSnapshot s;
  if (!s.ParseFromString(std::string(rs->getString("snapshot")))) {
    return absl::DataLossError("a stored snapshot does not parse");
  }
  s.set_name(absl::StrCat("reportSnapshots/", rs->getInt64("id")));
  return s;
}

}  // namespace

absl::StatusOr<int64_t> InsertSnapshot(MysqlConnection& conn,
                                       rv1::ReportSnapshot snapshot) {
  snapshot.clear_name();
  sql::PreparedStatement& st = conn.Prepare(
      "INSERT INTO report_snapshots (schedule, period_label, scheduled_time, "
      "snapshot) VALUES (?,?,?,?)");
  Binder b(st);
  b.Str(snapshot.schedule()).Str(snapshot.period().label());
  b.Time(FromProtoTimestamp(snapshot.scheduled_time()));
  b.Str(snapshot.SerializeAsString());
  st.executeUpdate();
  return sql_rows::LastInsertId(conn);
}

absl::StatusOr<bool> SnapshotExists(MysqlConnection& conn,
                                    absl::string_view schedule,
                                    absl::string_view period_label) {
  sql::PreparedStatement& st = conn.Prepare(
      "SELECT 1 FROM report_snapshots WHERE schedule = ? AND period_label = ?");
  Binder(st).Str(schedule).Str(period_label);
  ResultSetPtr rs(st.executeQuery());
  return rs->next();
}

absl::StatusOr<rv1::ReportSnapshot> LoadSnapshot(MysqlConnection& conn,
                                                 int64_t id) {
  sql::PreparedStatement& st =
      conn.Prepare("SELECT id, snapshot FROM report_snapshots WHERE id = ?");
  st.setInt64(1, id);
  ResultSetPtr rs(st.executeQuery());
  if (!rs->next()) {
    return absl::NotFoundError(
        absl::StrCat("reportSnapshots/", id, " does not exist"));
  }
  return Parse(rs);
}

absl::StatusOr<Page<rv1::ReportSnapshot>> ListSnapshots(
    MysqlConnection& conn, bool ascending,
    const std::optional<PageCursor>& after, int limit) {
  // Keyset over (scheduled_time, id); the cursor key is the time in
  // microseconds.
  int64_t micros = 0;
  if (after.has_value() && !absl::SimpleAtoi(after->key, &micros)) {
    return absl::InvalidArgumentError("page_token is not one of this list");
  }
  const char* op = ascending ? ">" : "<";
  const char* dir = ascending ? "ASC" : "DESC";
  std::string sql = absl::StrCat(
      "SELECT id, snapshot, TIMESTAMPDIFF(MICROSECOND, '1970-01-01', "
      "scheduled_time) AS t FROM report_snapshots");
  if (after.has_value()) {
    absl::StrAppend(&sql, " WHERE (scheduled_time, id) ", op, " (?, ?)");
  }
  absl::StrAppend(&sql, " ORDER BY scheduled_time ", dir, ", id ", dir,
                  " LIMIT ?");
  sql::PreparedStatement& st = conn.Prepare(sql);
  int i = 0;
  if (after.has_value()) {
    st.setString(++i, ToSqlTime(absl::FromUnixMicros(micros)));
    st.setInt64(++i, after->id);
  }
  st.setInt(++i, limit + 1);
  ResultSetPtr rs(st.executeQuery());
  std::vector<rv1::ReportSnapshot> items;
  std::vector<PageCursor> cursors;
  while (rs->next()) {
    CSM_ASSIGN_OR_RETURN(rv1::ReportSnapshot s, Parse(rs));
    items.push_back(std::move(s));
    cursors.push_back({absl::StrCat(rs->getInt64("t")), rs->getInt64("id")});
  }
  return sql_rows::MakePage(std::move(items), std::move(cursors), limit);
}

}  // namespace csm::reporting
