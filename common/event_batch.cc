#include "common/event_batch.h"

#include <google/protobuf/any.pb.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/business_time.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"

namespace csm {
namespace event_stream_internal {
namespace {

using csm::events::v1::Event;

constexpr char kTypeUrlPrefix[] = "type.googleapis.com/";

// Each read of the outbox gets its own short bound: the stream itself lives
// for hours, but no single query (or pool wait) should.
constexpr absl::Duration kReadTimeout = absl::Seconds(5);

}  // namespace

absl::Status ReadBatch(MysqlPool& pool, const std::string& source,
                       int64_t after, int limit,
                       const std::unordered_set<std::string>& types,
                       std::vector<Row>* rows) {
  rows->clear();
  return RunWithConnection(
      pool, absl::Now() + kReadTimeout,
      [&](MysqlConnection& conn) -> absl::Status {
        // Microseconds since the epoch straight from the server:
        // independent of the session time zone, no text parsing.
        sql::PreparedStatement& stmt = conn.Prepare(
            "SELECT sequence, event_id, aggregate, event_type, "
            "TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', occur_time), "
            "actor, request_id, payload, actor_department FROM outbox_events "
            "WHERE sequence > ? ORDER BY sequence LIMIT ?");
        stmt.setInt64(1, after);
        stmt.setInt(2, limit);
        std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
        while (rs->next()) {
          Row& row = rows->emplace_back();
          Event& e = row.event;
          e.set_sequence(rs->getInt64(1));
          e.set_event_type(rs->getString(4));
          row.wanted = types.empty() || types.count(e.event_type()) > 0;
          if (!row.wanted) continue;
          e.set_event_id(rs->getString(2));
          e.set_source(source);
          e.set_aggregate(rs->getString(3));
          ToProtoTimestamp(absl::FromUnixMicros(rs->getInt64(5)),
                           e.mutable_occur_time());
          e.set_actor(rs->getString(6));
          e.set_request_id(rs->getString(7));
          e.set_actor_department(rs->getString(9));
          google::protobuf::Any* any = e.mutable_payload();
          any->set_type_url(absl::StrCat(kTypeUrlPrefix, e.event_type()));
          any->set_value(rs->getString(8));
        }
        return absl::OkStatus();
      });
}

absl::Status ReadHead(MysqlPool& pool, int64_t* head) {
  return RunWithConnection(
      pool, absl::Now() + kReadTimeout,
      [&](MysqlConnection& conn) -> absl::Status {
        sql::PreparedStatement& stmt = conn.Prepare(
            "SELECT COALESCE(MAX(sequence), 0) "
            "FROM outbox_events");
        std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
        *head = rs->next() ? rs->getInt64(1) : 0;
        return absl::OkStatus();
      });
}

absl::Status ReadFailed(const absl::Status& read, int64_t reported) {
  absl::Status failed(read.code(),
                      absl::StrCat("reading events failed (",
                                   absl::StatusCodeToString(read.code()),
                                   "); resume with after_sequence=", reported));
  read.ForEachPayload(
      [&](absl::string_view type_url, const absl::Cord& payload) {
        failed.SetPayload(type_url, payload);
      });
  return failed;
}

}  // namespace event_stream_internal
}  // namespace csm
