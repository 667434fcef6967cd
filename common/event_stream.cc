#include "common/event_stream.h"

#include <google/protobuf/any.pb.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/business_time.h"
#include "common/status.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"

namespace csm {
namespace {

using csm::events::v1::Event;
using csm::events::v1::StreamEventsRequest;
using csm::events::v1::StreamEventsResponse;

constexpr char kTypeUrlPrefix[] = "type.googleapis.com/";

// Each read of the outbox gets its own short bound: the stream itself lives
// for hours, but no single query (or pool wait) should.
constexpr absl::Duration kReadTimeout = absl::Seconds(5);

// Keeps a response well under gRPC's default 4 MiB receive limit however
// large the payloads; at least one event always goes out.
constexpr size_t kMaxResponseBytes = 1 << 20;

struct Row {
  Event event;
  bool wanted = true;
};

// Reads up to `limit` events after `after`. Rows the filter does not want
// are returned without their payload.
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

}  // namespace

// ---------------------------------------------------------------------------
// EventStreamService

EventStreamService::EventStreamService(MysqlPool* pool, Outbox* outbox,
                                       RpcRuntime* runtime,
                                       EventStreamOptions options)
    : pool_(pool), outbox_(outbox), runtime_(runtime), options_(options) {}

void EventStreamService::Shutdown() {
  shutting_down_.store(true);
  // Wakes every follower waiting for a commit, so each sees the flag now
  // rather than after its poll interval.
  outbox_->NotifyCommitted();
}

grpc::Status EventStreamService::StreamEvents(
    grpc::ServerContext* context, const StreamEventsRequest* request,
    grpc::ServerWriter<StreamEventsResponse>* writer) {
  return runtime_->Handle(
      context, "StreamEvents",
      RoleSet{Role::kService, Role::kArchivist, Role::kGeneralManager},
      [&](const CallContext&) -> absl::Status {
        FieldViolations violations;
        if (request->max_batch_size() < 0 ||
            request->max_batch_size() > options_.max_batch_size) {
          violations.Add("max_batch_size",
                         absl::StrCat("must be between 0 (server default) and ",
                                      options_.max_batch_size));
        }
        if (request->after_sequence() < 0) {
          violations.Add("after_sequence",
                         "must be 0 (from the start) or a sequence received");
        }
        CSM_RETURN_IF_ERROR(violations.ToStatus());

        const int batch = std::max(1, request->max_batch_size() > 0
                                          ? request->max_batch_size()
                                          : options_.default_batch_size);
        const std::unordered_set<std::string> types(
            request->event_types().begin(), request->event_types().end());

        // cursor: highest sequence looked at; reported: highest sequence
        // the client has been told about (its safe resume point).
        int64_t cursor = request->after_sequence();
        int64_t reported = cursor;
        absl::Time last_write = absl::Now();
        std::vector<Row> rows;

        while (true) {
          if (shutting_down_.load()) {
            return absl::UnavailableError(absl::StrCat(
                "server is shutting down; resume with after_sequence=",
                reported));
          }
          if (context->IsCancelled()) {
            return absl::CancelledError("client cancelled the stream");
          }
          // Read the generation before the rows: a commit that lands after
          // the read bumps it, so the wait below cannot miss it.
          const uint64_t generation = outbox_->generation();
          absl::Status read =
              ReadBatch(*pool_, outbox_->source(), cursor, batch, types, &rows);
          if (!read.ok()) {
            // Not the database's message: it may quote stored values. The
            // MySQL error number travels on as a payload for the log line.
            absl::Status failed(
                read.code(),
                absl::StrCat("reading events failed (",
                             absl::StatusCodeToString(read.code()),
                             "); resume with after_sequence=", reported));
            read.ForEachPayload(
                [&](absl::string_view type_url, const absl::Cord& payload) {
                  failed.SetPayload(type_url, payload);
                });
            return failed;
          }

          StreamEventsResponse response;
          size_t bytes = 0;
          bool full = false;
          for (Row& row : rows) {
            const int64_t sequence = row.event.sequence();
            if (row.wanted) {
              const size_t size = row.event.ByteSizeLong();
              if (response.events_size() > 0 &&
                  bytes + size > kMaxResponseBytes) {
                full = true;  // the rest goes in the next response
                break;
              }
              bytes += size;
              *response.add_events() = std::move(row.event);
            }
            cursor = sequence;
          }

          // Events go out at once; progress over filtered-out events at most
          // once per poll interval, so a filtering client can store its
          // cursor without being flooded.
          const bool progress_due =
              cursor > reported &&
              absl::Now() - last_write >= options_.poll_interval;
          if (response.events_size() > 0 || progress_due) {
            response.set_last_sequence(cursor);
            if (!writer->Write(response)) {
              return absl::CancelledError("client went away");
            }
            reported = cursor;
            last_write = absl::Now();
          }

          const bool caught_up =
              !full && rows.size() < static_cast<size_t>(batch);
          if (caught_up) {
            outbox_->WaitForCommit(generation, options_.poll_interval);
          }
        }
      });
}

}  // namespace csm
