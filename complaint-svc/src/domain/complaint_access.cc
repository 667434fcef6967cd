#include "complaint-svc/src/domain/complaint_access.h"

#include "absl/strings/str_cat.h"

namespace csm::complaint {
namespace {

using D = ComplaintDuty;

// THE table: for each role and duty, the relations that allow it. A role or
// duty not listed allows nothing.
struct Rule {
  Role role;
  ComplaintDuty duty;
  ComplaintRelations when;
};

constexpr ComplaintRelations kHandlingSide = kHandler | kHandlingDepartment;

constexpr Rule kRules[] = {
    {Role::kAgent, D::kHandle, kHandlingSide},
    {Role::kAgent, D::kFollowUp, kHandlingSide | kFirstResponder},
    {Role::kSupervisor, D::kHandle, kHandlingSide},
    {Role::kSupervisor, D::kFollowUp,
     kHandlingSide | kFirstResponder | kFirstResponderDepartment},
    {Role::kSupervisor, D::kDecide, kHandlingDepartment},
    {Role::kManager, D::kHandle, kHandlingSide},
    {Role::kManager, D::kFollowUp,
     kHandlingSide | kFirstResponder | kFirstResponderDepartment},
    {Role::kManager, D::kDecide, kHandlingDepartment},
};

constexpr Role kAllRoles[] = {Role::kAgent,     Role::kSupervisor,
                              Role::kManager,   Role::kGeneralManager,
                              Role::kArchivist, Role::kService};

// Who may, in words, for the refusal.
std::string WhoMay(const ComplaintParties& c, ComplaintDuty duty) {
  const std::string handling = absl::StrCat(
      c.handler_id.empty() ? ""
                           : absl::StrCat("its handler ", c.handler_id, ", "),
      "agents, supervisors and managers of its handling department ",
      c.handling_department);
  switch (duty) {
    case D::kHandle:
      return handling;
    case D::kFollowUp:
      return absl::StrCat(
          "its first responder ", c.first_responder_id, ", ", handling,
          c.first_responder_department.empty()
              ? ""
              : absl::StrCat(", or supervisors and managers of ",
                             c.first_responder_department));
    case D::kDecide:
      return absl::StrCat(
          "supervisors and managers of its handling "
          "department ",
          c.handling_department);
  }
  return "";
}

}  // namespace

ComplaintDuty DutyOf(ComplaintAction action) {
  switch (action) {
    case ComplaintAction::kConfirm:
    case ComplaintAction::kClose:
    case ComplaintAction::kReopen:
      return D::kFollowUp;
    case ComplaintAction::kTransfer:
    case ComplaintAction::kReject:
    case ComplaintAction::kReclassify:
    case ComplaintAction::kReassign:
      return D::kDecide;
    case ComplaintAction::kRegister:
    case ComplaintAction::kAccept:
    case ComplaintAction::kStart:
    case ComplaintAction::kWaitForCustomer:
    case ComplaintAction::kResume:
    case ComplaintAction::kInvestigate:
    case ComplaintAction::kResolve:
      return D::kHandle;
  }
  return D::kHandle;
}

ComplaintParties ComplaintParties::Of(const v1::Complaint& c) {
  return ComplaintParties{c.first_responder_id(),
                          c.first_responder_department(),
                          c.handling_department(), c.handler_id()};
}

ComplaintRelations RelationsOf(const Principal& caller,
                               const ComplaintParties& c) {
  ComplaintRelations r = kNoRelation;
  const std::string& me = caller.staff_id;
  const std::string& dept = caller.department;
  if (!me.empty() && me == c.first_responder_id) r |= kFirstResponder;
  if (!me.empty() && me == c.handler_id) r |= kHandler;
  if (!dept.empty() && dept == c.handling_department) r |= kHandlingDepartment;
  if (!dept.empty() && dept == c.first_responder_department) {
    r |= kFirstResponderDepartment;
  }
  return r;
}

bool MayTakeDuty(RoleSet roles, ComplaintRelations relations,
                 ComplaintDuty duty) {
  for (const Rule& rule : kRules) {
    if (rule.duty == duty && roles.Has(rule.role) &&
        (rule.when & relations) != 0) {
      return true;
    }
  }
  return false;
}

RoleSet RolesFor(ComplaintDuty duty) {
  RoleSet out;
  for (Role role : kAllRoles) {
    if (MayTakeDuty(RoleSet{role}, ~0u, duty)) out.Add(role);
  }
  return out;
}

absl::Status CheckMayAct(const Principal& caller,
                         const ComplaintParties& complaint,
                         absl::string_view complaint_name,
                         absl::string_view action, ComplaintDuty duty) {
  if (MayTakeDuty(caller.roles, RelationsOf(caller, complaint), duty)) {
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError(absl::StrCat(
      caller.staff_id, " (",
      caller.department.empty() ? "no department" : caller.department,
      ") may not ", action, " ", complaint_name, "; that is for ",
      WhoMay(complaint, duty), " (ask a supervisor of ",
      complaint.handling_department, " to transfer or reassign it)"));
}

}  // namespace csm::complaint
