#include "common/outbox.h"

#include <google/protobuf/any.pb.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <sstream>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/sql_values.h"
#include "common/status.h"
#include "cppconn/connection.h"
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

// Column limits of outbox_events (001_outbox.sql).
constexpr size_t kMaxAggregate = 255;
constexpr size_t kMaxActor = 128;
constexpr size_t kMaxRequestId = 128;

// Random (version 4) UUID, lower-case 8-4-4-4-12.
std::string NewUuid() {
  thread_local absl::BitGen gen;
  const uint64_t hi = absl::Uniform<uint64_t>(gen);
  const uint64_t lo = absl::Uniform<uint64_t>(gen);
  // Version 4 in the high nibble of byte 6, variant 10xx in byte 8.
  const uint64_t h = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;
  const uint64_t l = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  return absl::StrFormat("%08x-%04x-%04x-%04x-%012x", h >> 32,
                         (h >> 16) & 0xffff, h & 0xffff, l >> 48,
                         l & 0xffffffffffffULL);
}

// At most `max_bytes` of `s`, never splitting a UTF-8 sequence (the column
// is utf8mb4 and strict mode rejects a broken one).
absl::string_view TruncateUtf8(absl::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  size_t n = max_bytes;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xc0) == 0x80) --n;
  return s.substr(0, n);
}

size_t Utf8Length(absl::string_view s) {
  size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xc0) != 0x80) ++n;
  }
  return n;
}

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
            "actor, request_id, payload FROM outbox_events "
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
          google::protobuf::Any* any = e.mutable_payload();
          any->set_type_url(absl::StrCat(kTypeUrlPrefix, e.event_type()));
          any->set_value(rs->getString(8));
        }
        return absl::OkStatus();
      });
}

}  // namespace

// ---------------------------------------------------------------------------
// Outbox

Outbox::Outbox(std::string source, const Clock* clock)
    : source_(std::move(source)), clock_(clock) {}

absl::Status Outbox::Append(MysqlConnection& conn, absl::string_view actor,
                            absl::string_view request_id,
                            absl::string_view aggregate,
                            const google::protobuf::Message& payload) {
  // These come from our own code (resource names, token subjects): a value
  // that does not fit is a bug, not something to cut silently.
  if (aggregate.empty() || Utf8Length(aggregate) > kMaxAggregate) {
    return absl::InternalError(absl::StrCat("outbox: aggregate must be 1..",
                                            kMaxAggregate, " characters"));
  }
  if (Utf8Length(actor) > kMaxActor) {
    return absl::InternalError(
        absl::StrCat("outbox: actor longer than ", kMaxActor, " characters"));
  }
  std::string bytes;
  if (!payload.SerializeToString(&bytes)) {
    return absl::InternalError(absl::StrCat(
        "outbox: cannot serialize ", payload.GetDescriptor()->full_name()));
  }

  // Takes the counter row's lock until the caller's transaction ends: that
  // is what makes sequences gap-free and visible in order. LAST_INSERT_ID(x)
  // hands the new value to the INSERT below without another round trip.
  sql::PreparedStatement& next = conn.Prepare(
      "UPDATE outbox_counter SET last_sequence = "
      "LAST_INSERT_ID(last_sequence + 1) WHERE id = 1");
  if (next.executeUpdate() != 1) {
    return absl::FailedPreconditionError(
        "outbox_counter has no row 1: the common migrations were not applied");
  }

  sql::PreparedStatement& insert = conn.Prepare(
      "INSERT INTO outbox_events (sequence, event_id, aggregate, event_type, "
      "occur_time, actor, request_id, payload) "
      "VALUES (LAST_INSERT_ID(), ?, ?, ?, ?, ?, ?, ?)");
  insert.setString(1, NewUuid());
  insert.setString(2, std::string(aggregate));
  insert.setString(3, payload.GetDescriptor()->full_name());
  insert.setString(4, ToSqlTime(clock_->Now()));
  insert.setString(5, std::string(actor));
  // The request id is a client-supplied tracing aid: shorten, never fail.
  insert.setString(6, std::string(TruncateUtf8(request_id, kMaxRequestId)));
  // A blob stream, not a string: the bytes must reach the column untouched
  // by character-set conversion.
  std::istringstream blob(bytes);
  insert.setBlob(7, &blob);
  insert.executeUpdate();
  return absl::OkStatus();
}

void Outbox::NotifyCommitted() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    generation_.fetch_add(1);
  }
  cv_.notify_all();
}

uint64_t Outbox::WaitForCommit(uint64_t seen_generation,
                               absl::Duration timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, absl::ToChronoNanoseconds(timeout),
               [&] { return generation_.load() != seen_generation; });
  return generation_.load();
}

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
            return absl::Status(
                read.code(),
                absl::StrCat("reading events: ", read.message(),
                             "; resume with after_sequence=", reported));
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
