#include "reporting-svc/src/store/refresh_queue.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/event_cursor.h"
#include "common/sql_rows.h"
#include "common/status.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"
#include "reporting-svc/src/store/multi_row.h"
#include "reporting-svc/src/store/sql_bind.h"

namespace csm::reporting {
namespace {

using ResultSetPtr = std::unique_ptr<sql::ResultSet>;

// Names per statement: the largest padded list (sql_rows::PaddedSize).
constexpr size_t kChunk = 512;

// `names[from, from + kChunk)` padded with its last name, so that few
// statement texts are cached.
std::vector<std::string> PaddedPart(const std::vector<std::string>& names,
                                    size_t from) {
  std::vector<std::string> part(
      names.begin() + from,
      names.begin() + std::min(names.size(), from + kChunk));
  part.resize(sql_rows::PaddedSize(part.size()), part.back());
  return part;
}

void QueuePart(MysqlConnection& conn, const std::vector<std::string>& names,
               const std::string& source, int64_t sequence,
               std::optional<absl::Time> time) {
  std::string sql =
      "INSERT INTO aggregate_refresh_queue (name, source, after_sequence, "
      "after_event_time) VALUES ";
  for (size_t i = 0; i < names.size(); ++i) {
    absl::StrAppend(&sql, i ? ", " : "", "(?, ?, ?, ?)");
  }
  // A queued name keeps its older position (the padding repeats one).
  absl::StrAppend(&sql,
                  " ON DUPLICATE KEY UPDATE after_sequence = after_sequence");
  sql::PreparedStatement& st = conn.Prepare(sql);
  Binder b(st);
  for (const std::string& name : names) {
    b.Str(name).Str(source).Int(sequence).Time(time);
  }
  st.executeUpdate();
}

}  // namespace

absl::Status QueueNames(MysqlConnection& conn, absl::string_view source,
                        const std::vector<std::string>& names) {
  if (names.empty()) return absl::OkStatus();
  // The batch's transaction holds the row already (ApplyEvents): this
  // reads it again under that lock, a missing one created at 0.
  CSM_ASSIGN_OR_RETURN(EventCursor cursor, LockEventCursor(conn, source));
  const int64_t sequence = cursor.last_sequence;
  std::optional<absl::Time> time;
  if (cursor.last_event_time != absl::InfinitePast()) {
    time = cursor.last_event_time;
  }
  for (size_t next = 0; next < names.size(); next += kChunk) {
    QueuePart(conn, PaddedPart(names, next), std::string(source), sequence,
              time);
  }
  return absl::OkStatus();
}

std::vector<std::string> LockOldestQueued(MysqlConnection& conn,
                                          absl::string_view source, int limit) {
  sql::PreparedStatement& st = conn.Prepare(
      "SELECT name FROM aggregate_refresh_queue WHERE source = ? ORDER BY "
      "after_sequence, name LIMIT ? FOR UPDATE SKIP LOCKED");
  st.setString(1, std::string(source));
  st.setInt(2, limit);
  ResultSetPtr rs(st.executeQuery());
  std::vector<std::string> out;
  while (rs->next()) out.push_back(rs->getString(1));
  std::sort(out.begin(), out.end());
  return out;
}

// The names go into a scratch table first and the queue is joined to it
// by its primary key: `DELETE ... WHERE name IN (...)` is read whole when
// the list is long against the queue, and a scan waits on every row another
// drain holds while that drain waits for this one's turn
// (app/refresh_queue.cc). DELETE has no SKIP LOCKED and no index hints.
void Dequeue(MysqlConnection& conn, const std::vector<std::string>& names) {
  for (const char* sql :
       {"DROP TEMPORARY TABLE IF EXISTS dequeued_names",
        "CREATE TEMPORARY TABLE dequeued_names (name VARCHAR(64) NOT NULL "
        "PRIMARY KEY) ENGINE=MEMORY"}) {
    conn.Prepare(sql).executeUpdate();
  }
  for (size_t next = 0; next < names.size(); next += kChunk) {
    const std::vector<std::string> part = PaddedPart(names, next);
    sql::PreparedStatement& st = conn.Prepare(
        // Padded with the last name: IGNORE drops the repeats.
        MultiRow("INSERT IGNORE INTO dequeued_names (name) VALUES ", "(?)", "",
                 part.size()));
    Binder b(st);
    for (const std::string& name : part) b.Str(name);
    st.executeUpdate();
  }
  conn.Prepare(
          "DELETE q FROM dequeued_names d STRAIGHT_JOIN "
          "aggregate_refresh_queue q ON q.name = d.name")
      .executeUpdate();
}

void ClearQueue(MysqlConnection& conn) {
  conn.Prepare("DELETE FROM aggregate_refresh_queue").executeUpdate();
}

int64_t QueuedCount(MysqlConnection& conn, absl::string_view source) {
  sql::PreparedStatement& st = conn.Prepare(
      "SELECT COUNT(*) FROM aggregate_refresh_queue WHERE source = ?");
  st.setString(1, std::string(source));
  ResultSetPtr rs(st.executeQuery());
  return rs->next() ? rs->getInt64(1) : 0;
}

bool AnyQueued(MysqlConnection& conn, absl::string_view source) {
  sql::PreparedStatement& st = conn.Prepare(
      "SELECT 1 FROM aggregate_refresh_queue WHERE source = ? LIMIT 1");
  st.setString(1, std::string(source));
  ResultSetPtr rs(st.executeQuery());
  return rs->next();
}

std::optional<QueuedSince> OldestQueuedPosition(MysqlConnection& conn,
                                                absl::string_view source) {
  sql::PreparedStatement& st = conn.Prepare(
      "SELECT after_sequence, TIMESTAMPDIFF(MICROSECOND, "
      "'1970-01-01', after_event_time) FROM "
      "aggregate_refresh_queue WHERE source = ? ORDER BY "
      "after_sequence LIMIT 1");
  st.setString(1, std::string(source));
  ResultSetPtr rs(st.executeQuery());
  if (!rs->next()) return std::nullopt;
  QueuedSince out;
  out.sequence = rs->getInt64(1);
  if (!rs->isNull(2)) out.event_time = absl::FromUnixMicros(rs->getInt64(2));
  return out;
}

}  // namespace csm::reporting
