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

 private:
  void Leave();

  const int max_running_;
  const int max_queued_;
  mutable std::mutex mu_;
  std::condition_variable freed_;
  int running_ = 0;
  int queued_ = 0;
};

}  // namespace csm

#endif  // CSM_COMMON_ADMISSION_H_
