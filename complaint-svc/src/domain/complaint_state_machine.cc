#include "complaint-svc/src/domain/complaint_state_machine.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"

namespace csm::complaint {
namespace {

using S = v1::ComplaintState;
using A = ComplaintAction;

struct Transition {
  S from;
  A action;
  S to;  // kConfirm: the satisfied target; dissatisfied goes to REOPENED.
};

// THE transition table. A state change not listed here does not exist.
constexpr Transition kTable[] = {
    {v1::COMPLAINT_STATE_UNSPECIFIED, A::kRegister,
     v1::COMPLAINT_STATE_REGISTERED},

    {v1::COMPLAINT_STATE_REGISTERED, A::kAccept, v1::COMPLAINT_STATE_ACCEPTED},
    {v1::COMPLAINT_STATE_REGISTERED, A::kTransfer,
     v1::COMPLAINT_STATE_TRANSFERRED},
    {v1::COMPLAINT_STATE_REGISTERED, A::kReject, v1::COMPLAINT_STATE_REJECTED},
    {v1::COMPLAINT_STATE_REGISTERED, A::kReclassify,
     v1::COMPLAINT_STATE_REGISTERED},
    {v1::COMPLAINT_STATE_REGISTERED, A::kReassign,
     v1::COMPLAINT_STATE_REGISTERED},

    {v1::COMPLAINT_STATE_ACCEPTED, A::kTransfer,
     v1::COMPLAINT_STATE_TRANSFERRED},
    {v1::COMPLAINT_STATE_ACCEPTED, A::kStart, v1::COMPLAINT_STATE_IN_PROGRESS},
    // 调查、核实 once accepted (受理), while the clock runs.
    {v1::COMPLAINT_STATE_ACCEPTED, A::kInvestigate,
     v1::COMPLAINT_STATE_ACCEPTED},
    {v1::COMPLAINT_STATE_ACCEPTED, A::kReject, v1::COMPLAINT_STATE_REJECTED},
    {v1::COMPLAINT_STATE_ACCEPTED, A::kReclassify,
     v1::COMPLAINT_STATE_ACCEPTED},
    {v1::COMPLAINT_STATE_ACCEPTED, A::kReassign, v1::COMPLAINT_STATE_ACCEPTED},

    // The receiving department accepts (or passes it on again).
    {v1::COMPLAINT_STATE_TRANSFERRED, A::kAccept, v1::COMPLAINT_STATE_ACCEPTED},
    {v1::COMPLAINT_STATE_TRANSFERRED, A::kTransfer,
     v1::COMPLAINT_STATE_TRANSFERRED},
    {v1::COMPLAINT_STATE_TRANSFERRED, A::kReject, v1::COMPLAINT_STATE_REJECTED},
    {v1::COMPLAINT_STATE_TRANSFERRED, A::kReclassify,
     v1::COMPLAINT_STATE_TRANSFERRED},
    {v1::COMPLAINT_STATE_TRANSFERRED, A::kReassign,
     v1::COMPLAINT_STATE_TRANSFERRED},

    {v1::COMPLAINT_STATE_IN_PROGRESS, A::kTransfer,
     v1::COMPLAINT_STATE_TRANSFERRED},
    {v1::COMPLAINT_STATE_IN_PROGRESS, A::kWaitForCustomer,
     v1::COMPLAINT_STATE_WAITING_ON_CUSTOMER},
    {v1::COMPLAINT_STATE_IN_PROGRESS, A::kInvestigate,
     v1::COMPLAINT_STATE_IN_PROGRESS},
    {v1::COMPLAINT_STATE_IN_PROGRESS, A::kResolve,
     v1::COMPLAINT_STATE_RESOLVED},
    {v1::COMPLAINT_STATE_IN_PROGRESS, A::kReclassify,
     v1::COMPLAINT_STATE_IN_PROGRESS},
    {v1::COMPLAINT_STATE_IN_PROGRESS, A::kReassign,
     v1::COMPLAINT_STATE_IN_PROGRESS},

    {v1::COMPLAINT_STATE_WAITING_ON_CUSTOMER, A::kResume,
     v1::COMPLAINT_STATE_IN_PROGRESS},
    {v1::COMPLAINT_STATE_WAITING_ON_CUSTOMER, A::kReclassify,
     v1::COMPLAINT_STATE_WAITING_ON_CUSTOMER},
    {v1::COMPLAINT_STATE_WAITING_ON_CUSTOMER, A::kReassign,
     v1::COMPLAINT_STATE_WAITING_ON_CUSTOMER},

    {v1::COMPLAINT_STATE_RESOLVED, A::kConfirm, v1::COMPLAINT_STATE_CONFIRMED},
    {v1::COMPLAINT_STATE_RESOLVED, A::kReopen, v1::COMPLAINT_STATE_REOPENED},
    {v1::COMPLAINT_STATE_RESOLVED, A::kReclassify,
     v1::COMPLAINT_STATE_RESOLVED},
    {v1::COMPLAINT_STATE_RESOLVED, A::kReassign, v1::COMPLAINT_STATE_RESOLVED},

    // 投诉回访 closes (结案).
    {v1::COMPLAINT_STATE_CONFIRMED, A::kClose, v1::COMPLAINT_STATE_CLOSED},
    {v1::COMPLAINT_STATE_CONFIRMED, A::kReopen, v1::COMPLAINT_STATE_REOPENED},
    {v1::COMPLAINT_STATE_CONFIRMED, A::kReclassify,
     v1::COMPLAINT_STATE_CONFIRMED},
    {v1::COMPLAINT_STATE_CONFIRMED, A::kReassign,
     v1::COMPLAINT_STATE_CONFIRMED},

    {v1::COMPLAINT_STATE_CLOSED, A::kReopen, v1::COMPLAINT_STATE_REOPENED},

    // A reopened complaint goes back to handling: the handler starts again,
    // a new handler accepts it, or it is transferred.
    {v1::COMPLAINT_STATE_REOPENED, A::kAccept, v1::COMPLAINT_STATE_ACCEPTED},
    {v1::COMPLAINT_STATE_REOPENED, A::kStart, v1::COMPLAINT_STATE_IN_PROGRESS},
    {v1::COMPLAINT_STATE_REOPENED, A::kInvestigate,
     v1::COMPLAINT_STATE_REOPENED},
    {v1::COMPLAINT_STATE_REOPENED, A::kTransfer,
     v1::COMPLAINT_STATE_TRANSFERRED},
    {v1::COMPLAINT_STATE_REOPENED, A::kReclassify,
     v1::COMPLAINT_STATE_REOPENED},
    {v1::COMPLAINT_STATE_REOPENED, A::kReassign, v1::COMPLAINT_STATE_REOPENED},
    // REJECTED is final.
};

}  // namespace

const std::vector<ComplaintAction>& AllComplaintActions() {
  static const auto* kAll = new std::vector<ComplaintAction>{
      A::kRegister,        A::kAccept,  A::kTransfer,    A::kStart,
      A::kWaitForCustomer, A::kResume,  A::kInvestigate, A::kResolve,
      A::kConfirm,         A::kClose,   A::kReopen,      A::kReject,
      A::kReclassify,      A::kReassign};
  return *kAll;
}

const std::vector<v1::ComplaintState>& AllComplaintStates() {
  static const auto* kAll = new std::vector<v1::ComplaintState>{
      v1::COMPLAINT_STATE_UNSPECIFIED, v1::COMPLAINT_STATE_REGISTERED,
      v1::COMPLAINT_STATE_ACCEPTED,    v1::COMPLAINT_STATE_TRANSFERRED,
      v1::COMPLAINT_STATE_IN_PROGRESS, v1::COMPLAINT_STATE_WAITING_ON_CUSTOMER,
      v1::COMPLAINT_STATE_RESOLVED,    v1::COMPLAINT_STATE_CONFIRMED,
      v1::COMPLAINT_STATE_CLOSED,      v1::COMPLAINT_STATE_REOPENED,
      v1::COMPLAINT_STATE_REJECTED};
  return *kAll;
}

absl::string_view ActionName(ComplaintAction action) {
  switch (action) {
    case A::kRegister:
      return "register";
    case A::kAccept:
      return "accept";
    case A::kTransfer:
      return "transfer";
    case A::kStart:
      return "start";
    case A::kWaitForCustomer:
      return "wait_for_customer";
    case A::kResume:
      return "resume";
    case A::kInvestigate:
      return "investigate";
    case A::kResolve:
      return "resolve";
    case A::kConfirm:
      return "confirm";
    case A::kClose:
      return "close";
    case A::kReopen:
      return "reopen";
    case A::kReject:
      return "reject";
    case A::kReclassify:
      return "reclassify";
    case A::kReassign:
      return "reassign";
  }
  return "?";
}

std::string ShortStateName(v1::ComplaintState state) {
  absl::string_view name = v1::ComplaintState_Name(state);
  absl::ConsumePrefix(&name, "COMPLAINT_STATE_");
  return std::string(name);
}

absl::StatusOr<v1::ComplaintState> ComplaintStateMachine::Apply(
    v1::ComplaintState from, ComplaintAction action, bool dissatisfied) {
  for (const Transition& t : kTable) {
    if (t.from == from && t.action == action) {
      if (action == A::kConfirm && dissatisfied) {
        return v1::COMPLAINT_STATE_REOPENED;
      }
      return t.to;
    }
  }
  std::vector<std::string> allowed;
  for (ComplaintAction a : Allowed(from)) {
    allowed.emplace_back(ActionName(a));
  }
  return absl::FailedPreconditionError(
      absl::StrCat("cannot ", ActionName(action), " a complaint in state ",
                   ShortStateName(from), "; allowed: ",
                   allowed.empty() ? "none (the state is final)"
                                   : absl::StrJoin(allowed, ", ")));
}

std::vector<ComplaintAction> ComplaintStateMachine::Allowed(
    v1::ComplaintState from) {
  std::vector<ComplaintAction> out;
  for (const Transition& t : kTable) {
    if (t.from == from) out.push_back(t.action);
  }
  return out;
}

bool ComplaintStateMachine::IsOpen(v1::ComplaintState state) {
  return state != v1::COMPLAINT_STATE_UNSPECIFIED &&
         state != v1::COMPLAINT_STATE_CLOSED &&
         state != v1::COMPLAINT_STATE_REJECTED;
}

const std::vector<v1::ComplaintState>&
ComplaintStateMachine::SlaRunningStates() {
  static const auto* const kStates = [] {
    auto* states = new std::vector<v1::ComplaintState>;
    for (v1::ComplaintState s : AllComplaintStates()) {
      if (SlaRunning(s)) states->push_back(s);
    }
    return states;
  }();
  return *kStates;
}

bool ComplaintStateMachine::SlaRunning(v1::ComplaintState state) {
  switch (state) {
    case v1::COMPLAINT_STATE_REGISTERED:
    case v1::COMPLAINT_STATE_ACCEPTED:
    case v1::COMPLAINT_STATE_TRANSFERRED:
    case v1::COMPLAINT_STATE_IN_PROGRESS:
    case v1::COMPLAINT_STATE_REOPENED:
      return true;
    default:
      return false;
  }
}

bool IsDissatisfied(csm::common::v1::Satisfaction s) {
  return s == csm::common::v1::SATISFACTION_DISSATISFIED ||
         s == csm::common::v1::SATISFACTION_VERY_DISSATISFIED;
}

}  // namespace csm::complaint
