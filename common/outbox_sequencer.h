#ifndef CSM_COMMON_OUTBOX_SEQUENCER_H_
#define CSM_COMMON_OUTBOX_SEQUENCER_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/mysql_pool.h"
#include "common/outbox.h"

namespace csm {

struct OutboxSequencerOptions {
  // How often the leader looks for rows other replicas committed (this
  // process's commits wake it at once: Outbox::NotifyCommitted); while it
  // finds none the interval doubles, up to 250 ms, so an idle service does
  // not query its database 20 times a second.
  absl::Duration poll_interval = absl::Milliseconds(50);
  // Rounds start at least this far apart, so that under a steady stream
  // of writes one round numbers the commits of several (each round costs
  // a transaction and a log flush); an event reaches the streams at most
  // this much later.
  absl::Duration min_round_interval = absl::Milliseconds(20);
  // How often a standby tries to take the lead.
  absl::Duration standby_interval = absl::Seconds(1);
  // Tests: runs after a batch's UPDATE, before its COMMIT.
  std::function<void()> before_commit = nullptr;
};

// Numbers committed outbox rows (written unsequenced by Outbox::Append) with
// the next gap-free sequences, in batches (in id order within a batch); the
// argument that this is gap-free, in commit order and exactly once is in
// outbox.h. One leads per service: the one holding the database's named lock
// "csm_outbox_sequencer:<schema>" on the connection it sequences on; the
// others stand by and take over when that connection goes (a crash, a
// lost connection, Stop()). After each batch it wakes this process's event
// streams (Outbox::NotifySequenced).
class OutboxSequencer {
 public:
  // Rows numbered per transaction (the places of one prepared UPDATE).
  static constexpr int kBatchRows = 128;

  OutboxSequencer(MysqlPool* pool, Outbox* outbox,
                  OutboxSequencerOptions options = {});
  ~OutboxSequencer();  // Stop()
  OutboxSequencer(const OutboxSequencer&) = delete;
  OutboxSequencer& operator=(const OutboxSequencer&) = delete;

  // Runs rounds on a thread of its own until Stop().
  void Start();
  // Ends the thread and gives up the lead (its connection is closed, so
  // the named lock is free at once). Idempotent.
  void Stop();

  // One round on the caller's thread: takes the lead if it is free, then
  // numbers every row committed before the call. The number of rows
  // numbered; FAILED_PRECONDITION while another sequencer leads.
  absl::StatusOr<int> RunOnce();

  bool leading() const { return leading_.load(); }

 private:
  absl::StatusOr<int> Round();
  absl::Status Lead();
  absl::StatusOr<bool> AnyCommittedUnsequenced();
  absl::StatusOr<int> Batch();
  static const std::string& NumberStatement();
  void Resign();
  void Loop();
  void WaitForStop(absl::Duration timeout);

  MysqlPool* pool_;
  Outbox* outbox_;
  const OutboxSequencerOptions options_;
  std::mutex round_mu_;                   // one round at a time; guards conn_
  std::optional<PooledConnection> conn_;  // held while leading
  std::atomic<bool> leading_{false};
  std::mutex mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace csm

#endif  // CSM_COMMON_OUTBOX_SEQUENCER_H_
