#include "common/admission.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace csm {

AdmissionGate::AdmissionGate(int max_running, int max_queued)
    : max_running_(max_running), max_queued_(std::max(max_queued, 0)) {}

absl::Status AdmissionGate::Enter(absl::Time deadline, Slot* slot) {
  std::unique_lock<std::mutex> lock(mu_);
  last_arrival_ = absl::Now();
  if (closed_) {
    return absl::UnavailableError(
        "the server is shutting down; the call did not run: retry");
  }
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
      if (running_ == 0 && queued_ == 0) drained_.notify_all();
      return absl::DeadlineExceededError(
          "the deadline passed while the call waited for the busy server");
    }
  }
  ++running_;
  *slot = Slot(this);
  return absl::OkStatus();
}

void AdmissionGate::Close() {
  std::lock_guard<std::mutex> lock(mu_);
  closed_ = true;
}

bool AdmissionGate::WaitDrained(absl::Time deadline, absl::Duration quiet) {
  std::unique_lock<std::mutex> lock(mu_);
  if (!drained_.wait_until(lock, absl::ToChronoTime(deadline),
                           [&] { return running_ == 0 && queued_ == 0; })) {
    return false;
  }
  // A caller that keeps sending would keep the moment from coming: give it
  // ten quiet periods. Nothing notifies when time passes, so sleep until the
  // moment would end and look again (an arrival moves it).
  const absl::Time give_up = std::min(deadline, absl::Now() + 10 * quiet);
  while (true) {
    const absl::Time quiet_end = last_arrival_ + quiet;
    const absl::Time now = absl::Now();
    if (now >= quiet_end) return true;
    if (now >= give_up) return false;
    lock.unlock();
    absl::SleepFor(std::min(quiet_end, give_up) - now);
    lock.lock();
  }
}

void AdmissionGate::Leave() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    --running_;
    if (running_ == 0 && queued_ == 0) drained_.notify_all();
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
