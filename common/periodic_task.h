// A job that runs again and again on its own thread: the sweeps (overdue
// visits and promises, complaint escalation) and, later, report schedules.
// Each run is one call of the body; the next starts `interval` after the
// previous one ended, so runs never overlap, and a run on the caller's
// thread (RunOnce, for tests) waits for a background run to end.
//
// A failed run is logged with its status code and error class only, never
// its message (messages may echo data: MySQL's quote the values of a
// duplicate key), and retried at the next interval.
#ifndef CSM_COMMON_PERIODIC_TASK_H_
#define CSM_COMMON_PERIODIC_TASK_H_

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace csm {

class PeriodicTask {
 public:
  // One run: how many items it handled (logged when positive), or why it
  // failed.
  using Body = std::function<absl::StatusOr<int>()>;

  // `name` names the task in log lines ("overdue-sweep"). A non-positive
  // `interval` never starts the thread: RunOnce alone drives it (tests).
  PeriodicTask(std::string name, absl::Duration interval, Body body);
  // Stops the thread.
  ~PeriodicTask();
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

  // Starts the thread: the first run at once (even when Stop() follows at
  // once: Stop() then waits for it), then one every interval. Idempotent;
  // does nothing after Stop() or with a non-positive interval.
  void Start();
  // Prompt: wakes the thread, waits for a run in progress to end and joins.
  // Idempotent, and safe when the task never started.
  void Stop();

  // One run on the caller's thread, serialised with the thread's runs.
  absl::StatusOr<int> RunOnce();

  const std::string& name() const { return name_; }
  absl::Duration interval() const { return interval_; }

 private:
  void Loop();
  // Runs the body once and logs the outcome.
  absl::StatusOr<int> RunAndLog();

  const std::string name_;
  const absl::Duration interval_;
  const Body body_;

  std::mutex run_mu_;  // held for the whole of one run
  std::mutex mu_;      // guards stopping_ and thread_
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace csm

#endif  // CSM_COMMON_PERIODIC_TASK_H_
