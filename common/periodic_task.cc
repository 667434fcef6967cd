#include "common/periodic_task.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/status.h"

namespace csm {

PeriodicTask::PeriodicTask(std::string name, absl::Duration interval, Body body)
    : name_(std::move(name)), interval_(interval), body_(std::move(body)) {}

PeriodicTask::~PeriodicTask() { Stop(); }

void PeriodicTask::Start() {
  if (interval_ <= absl::ZeroDuration()) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_ || thread_.joinable()) return;
  thread_ = std::thread([this] { Loop(); });
}

void PeriodicTask::Stop() {
  std::thread thread;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    thread = std::move(thread_);
  }
  cv_.notify_all();
  if (thread.joinable()) thread.join();
}

absl::StatusOr<int> PeriodicTask::RunOnce() { return RunAndLog(); }

absl::StatusOr<int> PeriodicTask::RunAndLog() {
  std::lock_guard<std::mutex> run(run_mu_);
  absl::StatusOr<int> handled = body_();
  if (!handled.ok()) {
    const std::string code = LoggableStatus(handled.status());
    const std::string error_class = ErrorClassOf(handled.status());
    log::FieldList fields = {{"task", name_}, {"code", code}};
    if (!error_class.empty()) fields.emplace_back("error_class", error_class);
    log::Write(log::Level::kError,
               "periodic task failed; retrying at the next interval", fields);
  } else if (*handled > 0) {
    const std::string n = absl::StrCat(*handled);
    log::Info("periodic task", {{"task", name_}, {"handled", n}});
  }
  return handled;
}

void PeriodicTask::Loop() {
  while (true) {
    // The first run is not skipped by a Stop() that follows Start() at once:
    // Stop() waits for it instead.
    (void)RunAndLog();
    std::unique_lock<std::mutex> lock(mu_);
    if (cv_.wait_for(lock, absl::ToChronoNanoseconds(interval_),
                     [this] { return stopping_; })) {
      return;
    }
  }
}

}  // namespace csm
