#ifndef CSM_COMPLAINT_SVC_DOMAIN_COMPLAINT_ACCESS_H_
#define CSM_COMPLAINT_SVC_DOMAIN_COMPLAINT_ACCESS_H_

// Who may act on one complaint: role × relation → may act, in ONE table.
//
// The documents' rules (DOMAIN.md): the staff member who first receives a
// complaint is its first responder (首问负责制) and stays responsible for
// telling the customer the outcome even after a transfer; each category's
// complaints are handled by its handling department; supervisors (主管) and
// department managers (部门经理) review, transfer, reassign and receive the
// escalations of their department; the general manager (总经理) receives
// the top escalations and major-incident notifications and reads; archivists
// keep the configuration; services register. So a caller's relation to the
// complaint decides, per duty:
//
//   duty       actions                               who
//   handle     accept, start, wait_for_customer,     the handler; agents,
//              resume, investigate, resolve          supervisors, managers of
//                                                    the handling department
//   follow up  confirm, close, reopen, link a        the first responder; the
//              major fault report                    handler; the handling
//                                                    department; supervisors
//                                                    and managers of the first
//                                                    responder's department
//   decide     transfer, reject, reclassify,         supervisors and managers
//              reassign                              of the handling department
//
// The general manager, archivists and service accounts take none of these
// (they read; services register). Departments compare exactly; an empty
// department (a service account's) is no one's department.

#include <string>

#include "absl/status/status.h"
#include "common/principal.h"
#include "complaint-svc/src/domain/complaint_state_machine.h"
#include "csm/complaint/v1/complaint.pb.h"

namespace csm::complaint {

enum class ComplaintDuty {
  kHandle,
  kFollowUp,
  kDecide,
};

// The duty an action belongs to. kRegister has none: it acts on no existing
// complaint (RoleSet kRegistrars decides).
ComplaintDuty DutyOf(ComplaintAction action);

// How a caller stands to a complaint; several may hold at once.
enum ComplaintRelation : unsigned {
  kNoRelation = 0,
  kFirstResponder = 1u << 0,
  kHandler = 1u << 1,
  kHandlingDepartment = 1u << 2,        // a member of the department holding it
  kFirstResponderDepartment = 1u << 3,  // a member of the first responder's
};
using ComplaintRelations = unsigned;

// The people a complaint names, as the rule needs them.
struct ComplaintParties {
  std::string first_responder_id;
  std::string first_responder_department;
  std::string handling_department;
  std::string handler_id;

  static ComplaintParties Of(const v1::Complaint& c);
};

ComplaintRelations RelationsOf(const Principal& caller,
                               const ComplaintParties& complaint);

// THE rule: whether a caller with `roles` standing in `relations` to a
// complaint may take `duty`. Any one of the roles suffices.
bool MayTakeDuty(RoleSet roles, ComplaintRelations relations,
                 ComplaintDuty duty);

// The roles that may take `duty` in some relation: the role gate of the
// methods of that duty.
RoleSet RolesFor(ComplaintDuty duty);

// OK, or PERMISSION_DENIED naming the caller, the action, and who may.
absl::Status CheckMayAct(const Principal& caller,
                         const ComplaintParties& complaint,
                         absl::string_view complaint_name,
                         absl::string_view action, ComplaintDuty duty);

}  // namespace csm::complaint

#endif  // CSM_COMPLAINT_SVC_DOMAIN_COMPLAINT_ACCESS_H_
