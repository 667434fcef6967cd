#ifndef CSM_COMMON_ADMISSION_H_
#define CSM_COMMON_ADMISSION_H_

#include <condition_variable>
#include <mutex>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace csm {

// Explicit admission for unary calls: at most `max_running` run at once;
// up to `max_queued` more wait for a slot until their deadline. A call that
// finds the queue full is refused at once with RESOURCE_EXHAUSTED; a call
// still waiting at its deadline gets DEADLINE_EXCEEDED. Either way it has
// done nothing, so the caller may retry. max_running <= 0 admits all.
//
// On shutdown the gate closes before gRPC's server does: gRPC 1.51 ends a
// call that reaches it after Server::Shutdown began, before a handler took
// it, with CANCELLED, which tells the caller nothing about whether it ran.
// A closed gate answers UNAVAILABLE ("did not run") from the handler, and
// the server stops once the calls already admitted have finished and no
// new one has arrived for a quiet moment.
class AdmissionGate {
 public:
  AdmissionGate(int max_running, int max_queued);
  AdmissionGate(const AdmissionGate&) = delete;
  AdmissionGate& operator=(const AdmissionGate&) = delete;

  // Holds a slot until destroyed.
  class Slot {
   public:
    Slot() = default;
    explicit Slot(AdmissionGate* gate) : gate_(gate) {}
    Slot(Slot&& other) noexcept : gate_(other.gate_) { other.gate_ = nullptr; }
    Slot& operator=(Slot&& other) noexcept {
      if (this != &other) {
        if (gate_ != nullptr) gate_->Leave();
        gate_ = other.gate_;
        other.gate_ = nullptr;
      }
      return *this;
    }
    ~Slot() {
      if (gate_ != nullptr) gate_->Leave();
    }

   private:
    AdmissionGate* gate_ = nullptr;
  };

  // Waits for a slot until `deadline`. On success `*slot` holds it.
  absl::Status Enter(absl::Time deadline, Slot* slot);

  int running() const;
  int queued() const;

  // From now on Enter refuses with UNAVAILABLE; calls already running or
  // queued go on. Idempotent.
  void Close();
  // After Close(): waits until no call runs or waits for a slot, then until
  // none has arrived for `quiet` (refused ones count: their callers may
  // still be sending), for at most ten times `quiet`; gives up at
  // `deadline`. True if both happened.
  bool WaitDrained(absl::Time deadline, absl::Duration quiet);

 private:
  void Leave();

  const int max_running_;
  const int max_queued_;
  mutable std::mutex mu_;
  std::condition_variable freed_;
  std::condition_variable drained_;  // running and queued both 0
  int running_ = 0;
  int queued_ = 0;
  bool closed_ = false;
  absl::Time last_arrival_ = absl::InfinitePast();
};

}  // namespace csm

#endif  // CSM_COMMON_ADMISSION_H_
