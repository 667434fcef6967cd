#ifndef CSM_COMMON_OUTBOX_H_
#define CSM_COMMON_OUTBOX_H_

#include <google/protobuf/message.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/call_context.h"
#include "common/clock.h"
#include "common/mysql_pool.h"

namespace csm {

// The transactional outbox, the writer side (the reader side, the
// StreamEvents service, is common/event_stream.h). Append() writes an event row
// inside the caller's transaction, so an event exists if and only if its state
// change committed. Sequences are gap-free and commit in order: Append takes
// the single outbox_counter row lock, which is held until the transaction ends,
// so a reader never sees sequence n+1 before n is visible. Callers append
// their events last, just before commit, to keep that lock short.
class Outbox {
 public:
  Outbox(std::string source, const Clock* clock);

  // An event no staff member caused (a sweep: actor "system"): its
  // actor_department is "".
  absl::Status Append(MysqlConnection& conn, absl::string_view actor,
                      absl::string_view request_id, absl::string_view aggregate,
                      const google::protobuf::Message& payload) {
    return AppendRow(conn, actor, "", request_id, aggregate, payload);
  }

  // The same, with the call's staff id, department (ActorDepartment) and
  // request id.
  absl::Status Append(MysqlConnection& conn, const CallContext& call,
                      absl::string_view aggregate,
                      const google::protobuf::Message& payload) {
    return AppendRow(conn, call.principal.staff_id,
                     ActorDepartment(call.principal), call.request_id,
                     aggregate, payload);
  }

  // Event.actor_department of a call: the token's `dept` claim, "" for a
  // service account (a service belongs to no department of the company).
  static absl::string_view ActorDepartment(const Principal& principal);

  // Wakes followers in this process after a commit that appended. Other
  // replicas' events are found by polling.
  void NotifyCommitted();
  // Blocks until NotifyCommitted() or `timeout`; returns the generation.
  uint64_t WaitForCommit(uint64_t seen_generation, absl::Duration timeout);
  uint64_t generation() const { return generation_.load(); }

  const std::string& source() const { return source_; }

 private:
  absl::Status AppendRow(MysqlConnection& conn, absl::string_view actor,
                         absl::string_view actor_department,
                         absl::string_view request_id,
                         absl::string_view aggregate,
                         const google::protobuf::Message& payload);

  std::string source_;
  const Clock* clock_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<uint64_t> generation_{0};
};

}  // namespace csm

#endif  // CSM_COMMON_OUTBOX_H_
