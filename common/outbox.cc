#include "common/outbox.h"

#include <cstdint>
#include <sstream>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/sql_values.h"
#include "common/status.h"
#include "common/text.h"
#include "common/uuid.h"
#include "cppconn/connection.h"
#include "cppconn/prepared_statement.h"

namespace csm {
namespace {

// Column limits of outbox_events (001_outbox.sql).
constexpr size_t kMaxAggregate = 255;
constexpr size_t kMaxActor = 128;
constexpr size_t kMaxActorDepartment = 100;
constexpr size_t kMaxRequestId = 128;

}  // namespace

// ---------------------------------------------------------------------------
// Outbox

Outbox::Outbox(std::string source, const Clock* clock)
    : source_(std::move(source)), clock_(clock) {}

absl::string_view Outbox::ActorDepartment(const Principal& principal) {
  const bool service_only =
      principal.roles.Has(Role::kService) &&
      !principal.roles.Intersects({Role::kAgent, Role::kSupervisor,
                                   Role::kManager, Role::kGeneralManager,
                                   Role::kArchivist});
  return service_only ? absl::string_view() : principal.department;
}

absl::Status Outbox::AppendRow(MysqlConnection& conn, absl::string_view actor,
                               absl::string_view actor_department,
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
  // Verified tokens bound the claim to the column (principal.h).
  if (CountCodePoints(actor_department) > kMaxActorDepartment) {
    return absl::InternalError(
        absl::StrCat("outbox: actor department longer than ",
                     kMaxActorDepartment, " characters"));
  }
  std::string bytes;
  if (!payload.SerializeToString(&bytes)) {
    return absl::InternalError(absl::StrCat(
        "outbox: cannot serialize ", payload.GetDescriptor()->full_name()));
  }

  // Unsequenced (sequence NULL): the sequencer numbers it once committed;
  // until then the row's own lock hides it from the sequencer (outbox.h).
  sql::PreparedStatement& insert = conn.Prepare(
      "INSERT INTO outbox_events (event_id, aggregate, event_type, "
      "occur_time, actor, actor_department, request_id, payload) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  insert.setString(1, NewUuidV4());
  insert.setString(2, std::string(aggregate));
  insert.setString(3, payload.GetDescriptor()->full_name());
  insert.setString(4, ToSqlTime(clock_->Now()));
  insert.setString(5, std::string(actor));
  insert.setString(6, std::string(actor_department));
  // The request id is a client-supplied tracing aid: shorten, never fail.
  insert.setString(7, std::string(PrefixBytes(request_id, kMaxRequestId)));
  // A blob stream, not a string: the bytes must reach the column untouched
  // by character-set conversion.
  std::istringstream blob(bytes);
  insert.setBlob(8, &blob);
  insert.executeUpdate();
  return absl::OkStatus();
}

void Outbox::Signal::Notify() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    generation_.fetch_add(1);
  }
  cv_.notify_all();
}

uint64_t Outbox::Signal::Wait(uint64_t seen_generation,
                              absl::Duration timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, absl::ToChronoNanoseconds(timeout),
               [&] { return generation_.load() != seen_generation; });
  return generation_.load();
}

}  // namespace csm
