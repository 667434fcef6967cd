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
// StreamEvents service, is common/event_stream.h; the sequencer is
// common/outbox_sequencer.h). Append() writes an event row inside the
// caller's transaction, so an event exists if and only if its state change
// committed. The row is written unsequenced (sequence NULL, an
// auto-increment id); the service's one sequencer gives committed rows
// their gap-free sequences afterwards, and StreamEvents serves only
// sequenced rows. Writers of different aggregates therefore commit
// concurrently and share group commit; nothing is held from one writer to
// the next.
//
// Why the sequences are gap-free, in commit order, and exactly once:
// - Append takes a SHARED lock on the outbox_counter row before it inserts
//   (one statement: INSERT ... SELECT ... LOCK IN SHARE MODE), held until
//   the writer's transaction ends. Shared locks do not conflict, so
//   writers do not wait for each other.
// - The sequencer's barrier takes that row's EXCLUSIVE lock (and nothing
//   else), reads M = the largest committed id, and commits (no write, no
//   log flush). Holding the exclusive lock means no writer is between its
//   append and its commit, so every id <= M ever handed out belongs to a
//   transaction that has ended: its row is committed or gone for good. A
//   writer granted its shared lock after the barrier gets its id after M
//   was handed out, so its id is > M (auto-increment ids grow with the
//   time they are handed out, whatever order they commit in).
// - Its batch then numbers the rows with sequence NULL and id <= M, in id
//   order, from MAX(sequence) + 1, in one transaction (one UPDATE). Every
//   such row is committed, so none is skipped and later numbered below a
//   higher id: sequence order is id order, and a transaction that began
//   after another committed has the higher id, so sequences follow commit
//   order for every pair of transactions that could observe each other
//   (two writes of one aggregate are ordered by its row lock). Readers see
//   a batch all at once or not at all, so never n+1 before n.
// - Exactly once across crashes: a batch is one transaction; a sequencer
//   killed mid-batch leaves its rows NULL (rolled back with its
//   connection), and whoever sequences next numbers them from the
//   committed MAX(sequence). One sequencer per service: it holds the
//   database's named lock (GET_LOCK) on the connection it sequences on, so
//   losing the connection loses both; a second one that ran anyway would
//   fail on the unique key of sequence, not number a row twice.
// - A writer that arrives while the barrier waits queues behind it: for the
//   in-flight appends to commit, not for a batch (the barrier writes
//   nothing and commits without a log flush). Callers append their events
//   last, just before commit, so that wait is short. A transaction that
//   appends early and then runs long delays sequencing (never
//   correctness); the barrier gives up after a second and backs off, so it
//   stalls other writers for at most that second now and then (the
//   counter row lock of old stalled them for the whole transaction).
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

  // Wakes this process's sequencer after a commit that appended. Other
  // replicas' events are found by polling.
  void NotifyCommitted() { committed_.Notify(); }
  // Blocks until NotifyCommitted() or `timeout`; returns the generation.
  uint64_t WaitForCommit(uint64_t seen_generation, absl::Duration timeout) {
    return committed_.Wait(seen_generation, timeout);
  }
  uint64_t generation() const { return committed_.generation(); }

  // The same for sequenced events: the sequencer notifies after each batch
  // it committed, and this process's event streams wait for it.
  void NotifySequenced() { sequenced_.Notify(); }
  uint64_t WaitForSequenced(uint64_t seen_generation, absl::Duration timeout) {
    return sequenced_.Wait(seen_generation, timeout);
  }
  uint64_t sequenced_generation() const { return sequenced_.generation(); }

  const std::string& source() const { return source_; }

 private:
  absl::Status AppendRow(MysqlConnection& conn, absl::string_view actor,
                         absl::string_view actor_department,
                         absl::string_view request_id,
                         absl::string_view aggregate,
                         const google::protobuf::Message& payload);

  // A generation counter threads can wait on.
  class Signal {
   public:
    void Notify();
    uint64_t Wait(uint64_t seen_generation, absl::Duration timeout);
    uint64_t generation() const { return generation_.load(); }

   private:
    std::mutex mu_;
    std::condition_variable cv_;
    std::atomic<uint64_t> generation_{0};
  };

  std::string source_;
  const Clock* clock_;
  Signal committed_;
  Signal sequenced_;
};

}  // namespace csm

#endif  // CSM_COMMON_OUTBOX_H_
