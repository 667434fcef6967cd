#include "common/event_cursor.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/business_time.h"
#include "common/sql_values.h"
#include "common/status.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"

namespace csm {
namespace {

using ResultSetPtr = std::unique_ptr<sql::ResultSet>;

constexpr char kTypeUrlPrefix[] = "type.googleapis.com/";
constexpr absl::Duration kOperatorTimeout = absl::Seconds(10);

absl::Time TimeOrPast(const ResultSetPtr& rs, const char* column) {
  if (rs->isNull(column)) return absl::InfinitePast();
  absl::StatusOr<absl::Time> t =
      FromSqlTime(std::string(rs->getString(column)));
  return t.ok() ? *t : absl::InfinitePast();
}

EventCursor CursorOf(const ResultSetPtr& rs) {
  EventCursor c;
  c.source = rs->getString("source");
  c.last_sequence = rs->getInt64("last_sequence");
  c.last_event_id = rs->getString("last_event_id");
  c.last_event_time = TimeOrPast(rs, "last_event_time");
  c.apply_time = TimeOrPast(rs, "apply_time");
  c.skipped_unknown = rs->getInt64("skipped_unknown");
  return c;
}

constexpr char kCursorColumns[] =
    "source, last_sequence, last_event_id, last_event_time, apply_time, "
    "skipped_unknown";

absl::Status SaveCursor(MysqlConnection& conn, const EventCursor& c) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "UPDATE event_cursors SET last_sequence = ?, last_event_id = ?, "
      "last_event_time = ?, apply_time = ?, skipped_unknown = ? "
      "WHERE source = ?");
  stmt.setInt64(1, c.last_sequence);
  stmt.setString(2, c.last_event_id);
  if (c.last_event_time == absl::InfinitePast()) {
    stmt.setNull(3, 0);
  } else {
    stmt.setString(3, ToSqlTime(c.last_event_time));
  }
  stmt.setString(4, ToSqlTime(c.apply_time));
  stmt.setInt64(5, c.skipped_unknown);
  stmt.setString(6, c.source);
  stmt.executeUpdate();
  return absl::OkStatus();
}

// Payload text is never logged; only its type and sequence. The error names
// the type, not the protobuf parser's message.
absl::Status RecordDeadLetter(MysqlConnection& conn, absl::string_view source,
                              const Event& event, const DeadLetter& dead) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "INSERT INTO event_dead_letters (source, sequence, event_type, "
      "event_id, error, payload, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
      "ON DUPLICATE KEY UPDATE attempts = attempts + 1, resolution = NULL, "
      "resolved_by = NULL, resolved_at = NULL, error = VALUES(error), "
      "recorded_at = VALUES(recorded_at)");
  stmt.setString(1, std::string(source));
  stmt.setInt64(2, event.sequence());
  stmt.setString(3, event.event_type().substr(0, 255));
  stmt.setString(4, event.event_id().substr(0, 64));
  stmt.setString(5, dead.error.substr(0, 512));
  stmt.setString(6, event.payload().value());
  stmt.setString(7, ToSqlTime(dead.recorded_at));
  stmt.executeUpdate();
  return absl::OkStatus();
}

void Advance(EventCursor& cursor, const Event& event, absl::Time now) {
  cursor.last_sequence = event.sequence();
  cursor.last_event_id = event.event_id();
  cursor.last_event_time = FromProtoTimestamp(event.occur_time());
  cursor.apply_time = now;
}

}  // namespace

absl::Status EventHandlers::Apply(MysqlConnection& conn,
                                  const Event& event) const {
  auto it = entries_.find(event.event_type());
  if (it == entries_.end()) {
    return absl::NotFoundError(
        absl::StrCat("no handler for event type ", event.event_type()));
  }
  const std::string& url = event.payload().type_url();
  if (!absl::StartsWith(url, kTypeUrlPrefix) ||
      absl::string_view(url).substr(sizeof(kTypeUrlPrefix) - 1) !=
          event.event_type()) {
    return absl::DataLossError(absl::StrCat(
        "payload type does not match event type ", event.event_type()));
  }
  std::unique_ptr<google::protobuf::Message> payload = it->second.make();
  if (!payload->ParseFromString(event.payload().value())) {
    return absl::DataLossError(
        absl::StrCat("payload does not parse as ", event.event_type()));
  }
  for (const EnvelopeHandler& handler : every_) {
    CSM_RETURN_IF_ERROR(handler(conn, event));
  }
  return it->second.apply(conn, event, *payload);
}

void EventHandlers::BeginBatch(MysqlConnection& conn) const {
  for (const BatchHook& begin : batch_begin_) begin(conn);
}

absl::Status EventHandlers::EndBatch(MysqlConnection& conn) const {
  for (const BatchEndHook& end : batch_end_) CSM_RETURN_IF_ERROR(end(conn));
  return absl::OkStatus();
}

absl::StatusOr<EventCursor> LockEventCursor(MysqlConnection& conn,
                                            absl::string_view source) {
  sql::PreparedStatement& insert = conn.Prepare(
      "INSERT IGNORE INTO event_cursors (source, last_sequence, "
      "last_event_id) VALUES (?, 0, '')");
  insert.setString(1, std::string(source));
  insert.executeUpdate();
  sql::PreparedStatement& stmt =
      conn.Prepare(absl::StrCat("SELECT ", kCursorColumns,
                                " FROM event_cursors WHERE source = ? "
                                "FOR UPDATE"));
  stmt.setString(1, std::string(source));
  ResultSetPtr rs(stmt.executeQuery());
  if (!rs->next()) {
    return absl::InternalError("event cursor row vanished");
  }
  return CursorOf(rs);
}

absl::Status ShareEventCursor(MysqlConnection& conn, absl::string_view source) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "SELECT last_sequence FROM event_cursors WHERE source = ? "
      "LOCK IN SHARE MODE");
  stmt.setString(1, std::string(source));
  ResultSetPtr rs(stmt.executeQuery());
  return absl::OkStatus();
}

absl::StatusOr<std::vector<EventCursor>> ReadEventCursors(MysqlPool& pool) {
  std::vector<EventCursor> cursors;
  CSM_RETURN_IF_ERROR(RunWithConnection(
      pool, absl::Now() + kOperatorTimeout,
      [&](MysqlConnection& conn) -> absl::Status {
        ResultSetPtr rs(conn.Prepare(absl::StrCat("SELECT ", kCursorColumns,
                                                  " FROM event_cursors "
                                                  "ORDER BY source"))
                            .executeQuery());
        while (rs->next()) cursors.push_back(CursorOf(rs));
        return absl::OkStatus();
      }));
  return cursors;
}

absl::StatusOr<ApplyOutcome> ApplyEvents(MysqlConnection& conn,
                                         absl::string_view source,
                                         const EventHandlers& handlers,
                                         const std::vector<Event>& events) {
  ApplyOutcome out;
  CSM_ASSIGN_OR_RETURN(out.cursor, LockEventCursor(conn, source));
  handlers.BeginBatch(conn);
  const absl::Time now = absl::Now();
  for (const Event& event : events) {
    if (event.sequence() <= out.cursor.last_sequence) {
      ++out.already_applied;
      continue;
    }
    absl::Status applied = handlers.Apply(conn, event);
    if (absl::IsNotFound(applied) && !handlers.Knows(event.event_type())) {
      ++out.skipped_unknown;
      ++out.cursor.skipped_unknown;
      out.skipped.emplace_back(event.event_type(), event.sequence());
    } else if (absl::IsDataLoss(applied)) {
      DeadLetter dead;
      dead.source = std::string(source);
      dead.sequence = event.sequence();
      dead.event_type = event.event_type();
      dead.event_id = event.event_id();
      dead.error = std::string(applied.message());
      dead.recorded_at = now;
      dead.attempts = 1;
      CSM_RETURN_IF_ERROR(RecordDeadLetter(conn, source, event, dead));
      out.dead_letter = std::move(dead);
      break;
    } else if (!applied.ok()) {
      return applied;
    } else {
      ++out.applied;
    }
    Advance(out.cursor, event, now);
  }
  CSM_RETURN_IF_ERROR(handlers.EndBatch(conn));
  if (out.applied + out.skipped_unknown > 0) {
    CSM_RETURN_IF_ERROR(SaveCursor(conn, out.cursor));
  }
  return out;
}

absl::StatusOr<std::vector<DeadLetter>> ListDeadLetters(MysqlPool& pool) {
  std::vector<DeadLetter> letters;
  CSM_RETURN_IF_ERROR(RunWithConnection(
      pool, absl::Now() + kOperatorTimeout,
      [&](MysqlConnection& conn) -> absl::Status {
        ResultSetPtr rs(
            conn.Prepare("SELECT source, sequence, event_type, event_id, "
                         "error, recorded_at, attempts, "
                         "COALESCE(resolution, '') AS resolution, "
                         "COALESCE(resolved_by, '') AS resolved_by "
                         "FROM event_dead_letters ORDER BY source, sequence")
                .executeQuery());
        while (rs->next()) {
          DeadLetter d;
          d.source = rs->getString("source");
          d.sequence = rs->getInt64("sequence");
          d.event_type = rs->getString("event_type");
          d.event_id = rs->getString("event_id");
          d.error = rs->getString("error");
          d.recorded_at = TimeOrPast(rs, "recorded_at");
          d.attempts = rs->getInt("attempts");
          d.resolution = rs->getString("resolution");
          d.resolved_by = rs->getString("resolved_by");
          letters.push_back(std::move(d));
        }
        return absl::OkStatus();
      }));
  return letters;
}

namespace {

// The open dead letter at (source, sequence), locked; FAILED_PRECONDITION
// when there is none.
absl::Status LockOpenDeadLetter(MysqlConnection& conn, absl::string_view source,
                                int64_t sequence, std::string* event_id) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "SELECT event_id, resolution FROM event_dead_letters "
      "WHERE source = ? AND sequence = ? FOR UPDATE");
  stmt.setString(1, std::string(source));
  stmt.setInt64(2, sequence);
  ResultSetPtr rs(stmt.executeQuery());
  if (!rs->next()) {
    return absl::NotFoundError(
        absl::StrCat("no dead letter ", source, " #", sequence));
  }
  if (!rs->isNull("resolution")) {
    return absl::FailedPreconditionError(absl::StrCat(
        "dead letter ", source, " #", sequence, " is already resolved (",
        std::string(rs->getString("resolution")), ")"));
  }
  *event_id = rs->getString("event_id");
  return absl::OkStatus();
}

absl::Status Resolve(MysqlConnection& conn, absl::string_view source,
                     int64_t sequence, absl::string_view resolution,
                     absl::string_view operator_id) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "UPDATE event_dead_letters SET resolution = ?, resolved_by = ?, "
      "resolved_at = ? WHERE source = ? AND sequence = ?");
  stmt.setString(1, std::string(resolution));
  stmt.setString(2, std::string(operator_id.substr(0, 128)));
  stmt.setString(3, ToSqlTime(absl::Now()));
  stmt.setString(4, std::string(source));
  stmt.setInt64(5, sequence);
  stmt.executeUpdate();
  return absl::OkStatus();
}

}  // namespace

absl::Status SkipDeadLetter(MysqlPool& pool, absl::string_view source,
                            int64_t sequence, absl::string_view operator_id) {
  return RunInTransaction(
      pool, absl::Now() + kOperatorTimeout,
      [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(EventCursor cursor, LockEventCursor(conn, source));
        std::string event_id;
        CSM_RETURN_IF_ERROR(
            LockOpenDeadLetter(conn, source, sequence, &event_id));
        if (cursor.last_sequence + 1 != sequence) {
          return absl::FailedPreconditionError(
              absl::StrCat("the cursor of ", source, " is at ",
                           cursor.last_sequence, "; only the next event (",
                           cursor.last_sequence + 1, ") can be skipped"));
        }
        cursor.last_sequence = sequence;
        cursor.last_event_id = event_id;
        cursor.apply_time = absl::Now();
        CSM_RETURN_IF_ERROR(SaveCursor(conn, cursor));
        return Resolve(conn, source, sequence, "skipped", operator_id);
      });
}

absl::Status RetryDeadLetter(MysqlPool& pool, absl::string_view source,
                             int64_t sequence, absl::string_view operator_id) {
  return RunInTransaction(
      pool, absl::Now() + kOperatorTimeout,
      [&](MysqlConnection& conn) -> absl::Status {
        std::string event_id;
        CSM_RETURN_IF_ERROR(
            LockOpenDeadLetter(conn, source, sequence, &event_id));
        return Resolve(conn, source, sequence, "retry", operator_id);
      });
}

absl::StatusOr<std::string> DeadLetterResolution(MysqlPool& pool,
                                                 absl::string_view source,
                                                 int64_t sequence) {
  std::optional<std::string> resolution;
  CSM_RETURN_IF_ERROR(RunWithConnection(
      pool, absl::Now() + kOperatorTimeout,
      [&](MysqlConnection& conn) -> absl::Status {
        sql::PreparedStatement& stmt = conn.Prepare(
            "SELECT COALESCE(resolution, '') FROM event_dead_letters "
            "WHERE source = ? AND sequence = ?");
        stmt.setString(1, std::string(source));
        stmt.setInt64(2, sequence);
        ResultSetPtr rs(stmt.executeQuery());
        if (rs->next()) resolution = rs->getString(1);
        return absl::OkStatus();
      }));
  if (!resolution.has_value()) {
    return absl::NotFoundError(
        absl::StrCat("no dead letter ", source, " #", sequence));
  }
  return *resolution;
}

}  // namespace csm
