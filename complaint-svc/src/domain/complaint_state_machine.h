#ifndef CSM_COMPLAINT_SVC_DOMAIN_COMPLAINT_STATE_MACHINE_H_
#define CSM_COMPLAINT_SVC_DOMAIN_COMPLAINT_STATE_MACHINE_H_

// The complaint lifecycle (登记 → 受理 → 移交 → 处理中 → 已处理 → 已确认 →
// 结案, reopened, rejected) as ONE transition table. Every verb of
// ComplaintService goes through Apply(); an illegal move is
// FAILED_PRECONDITION "cannot <action> a complaint in state <STATE>;
// allowed: <actions>".

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "csm/complaint/v1/complaint.pb.h"

namespace csm::complaint {

namespace v1 = ::csm::complaint::v1;

enum class ComplaintAction {
  kRegister,
  kAccept,
  kTransfer,
  kStart,
  kWaitForCustomer,
  kResume,
  // Records the investigation (调查、核实); no state change.
  kInvestigate,
  kResolve,
  // Satisfied (满意, 比较满意, 一般) → CONFIRMED; dissatisfied (不满意,
  // 非常不满意) → REOPENED.
  kConfirm,
  kClose,
  kReopen,
  kReject,
  // No state change: any open state.
  kReclassify,
  kReassign,
};

// Every action, in the table's order (tests iterate it).
const std::vector<ComplaintAction>& AllComplaintActions();
// Every state a complaint can be in (UNSPECIFIED is "not yet registered").
const std::vector<v1::ComplaintState>& AllComplaintStates();

// "register", "accept", "transfer", "start", "wait_for_customer", "resume",
// "investigate", "resolve", "confirm", "close", "reopen", "reject",
// "reclassify", "reassign": the step verbs of the timeline.
absl::string_view ActionName(ComplaintAction action);

// "REGISTERED" for COMPLAINT_STATE_REGISTERED.
std::string ShortStateName(v1::ComplaintState state);

class ComplaintStateMachine {
 public:
  // The state after `action`, or FAILED_PRECONDITION naming the state and the
  // allowed actions. `dissatisfied` only matters for kConfirm.
  static absl::StatusOr<v1::ComplaintState> Apply(v1::ComplaintState from,
                                                  ComplaintAction action,
                                                  bool dissatisfied = false);
  // The actions the table allows from `from`, in table order.
  static std::vector<ComplaintAction> Allowed(v1::ComplaintState from);
  // Not CLOSED, not REJECTED (and registered at all).
  static bool IsOpen(v1::ComplaintState state);
  // Whether the SLA clock runs: open, not waiting on the customer, and not
  // yet handled (RESOLVED and CONFIRMED have met their deadlines).
  static bool SlaRunning(v1::ComplaintState state);
  // The states SlaRunning holds for, in AllComplaintStates() order (the
  // store binds them in SQL).
  static const std::vector<v1::ComplaintState>& SlaRunningStates();
};

// Satisfaction at which a confirmation reopens the complaint.
bool IsDissatisfied(csm::common::v1::Satisfaction s);

}  // namespace csm::complaint

#endif  // CSM_COMPLAINT_SVC_DOMAIN_COMPLAINT_STATE_MACHINE_H_
