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
// - Append inserts the row (sequence NULL, the next auto-increment id) and
//   nothing else: writers take no shared lock, so they never wait for each
//   other or for the sequencer, and their commits share group commit.
// - Until its transaction commits, a row is locked by its writer (the
//   insert's own record lock). The sequencer's batch picks the unsequenced
//   rows with SELECT ... FOR UPDATE SKIP LOCKED in id order: only committed
//   rows, never waiting for a writer; a row committed later is numbered by
//   a later batch. Rows rolled back are gone for good.
// - The batch numbers the rows it picked from MAX(sequence) + 1, in id
//   order, with one UPDATE, in one transaction: gap-free, and readers see a
//   batch all at once or not at all, so never n+1 before n.
// - Commit order: a row is numbered only once it is committed, and each
//   batch comes after the one before, so a transaction that committed
//   before another began (the only pairs whose order anyone can observe;
//   two writes of one aggregate are ordered by its row lock) has the lower
//   id and is numbered in the same batch or an earlier one. Transactions
//   that overlapped are numbered in the order the sequencer saw them
//   committed.
// - Exactly once across crashes: a batch is one transaction; a sequencer
//   killed mid-batch leaves its rows NULL (rolled back with its
//   connection), and whoever sequences next numbers them from the
//   committed MAX(sequence). One sequencer per service: it holds the
//   database's named lock (GET_LOCK) on the connection it sequences on, so
//   losing the connection loses both; a second one that ran anyway would
//   find the rows it could pick locked, or fail on the unique key of
//   sequence, never number a row twice.
// - A transaction that appends early and then runs long delays only its
//   own event, never the others' (the counter row of old made every writer
//   of the service wait for it).
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
