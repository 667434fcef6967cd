#include "common/outbox.h"

#include <cstdint>
#include <sstream>
#include <string>
#include <utility>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/sql_values.h"
#include "common/status.h"
#include "common/text.h"
#include "cppconn/connection.h"
#include "cppconn/prepared_statement.h"

namespace csm {
namespace {

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
  if (aggregate.empty() || CountCodePoints(aggregate) > kMaxAggregate) {
    return absl::InternalError(absl::StrCat("outbox: aggregate must be 1..",
                                            kMaxAggregate, " characters"));
  }
  if (CountCodePoints(actor) > kMaxActor) {
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
  insert.setString(6, std::string(PrefixBytes(request_id, kMaxRequestId)));
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

}  // namespace csm
