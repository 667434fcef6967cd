#include "common/admission.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace csm {

AdmissionGate::AdmissionGate(int max_running, int max_queued)
    : max_running_(max_running), max_queued_(std::max(max_queued, 0)) {}

absl::Status AdmissionGate::Enter(absl::Time deadline, Slot* slot) {
  std::unique_lock<std::mutex> lock(mu_);
  if (max_running_ > 0 && running_ >= max_running_) {
    if (queued_ >= max_queued_) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "the server is busy: ", running_, " calls running and ", queued_,
          " queued (the most it queues); retry with backoff"));
    }
    ++queued_;
    const bool admitted =
        freed_.wait_until(lock, absl::ToChronoTime(deadline),
                          [&] { return running_ < max_running_; });
    --queued_;
    if (!admitted) {
      return absl::DeadlineExceededError(
          "the deadline passed while the call waited for the busy server");
    }
  }
  ++running_;
  *slot = Slot(this);
  return absl::OkStatus();
}

void AdmissionGate::Leave() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    --running_;
  }
  freed_.notify_one();
}

int AdmissionGate::running() const {
  std::lock_guard<std::mutex> lock(mu_);
  return running_;
}

int AdmissionGate::queued() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queued_;
}

}  // namespace csm
