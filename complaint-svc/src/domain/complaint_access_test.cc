#include "complaint-svc/src/domain/complaint_access.h"

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace csm::complaint {
namespace {

using A = ComplaintAction;
using ::testing::HasSubstr;

// A complaint registered by fr (客服部), routed to 技术服务部, handled by a
// colleague named from another department (h1 of 仓储物流).
ComplaintParties TheComplaint() {
  return ComplaintParties{"fr", "客服部", "技术服务部", "h1"};
}

// The relations, as callers who stand in exactly one of them.
enum class Rel {
  kFirstResponder,
  kHandler,
  kHandlingDepartment,
  kFirstResponderDepartment,
  kOtherDepartment,
};
const char* RelName(Rel r) {
  switch (r) {
    case Rel::kFirstResponder:
      return "first responder";
    case Rel::kHandler:
      return "handler";
    case Rel::kHandlingDepartment:
      return "handling department member";
    case Rel::kFirstResponderDepartment:
      return "first responder's department member";
    case Rel::kOtherDepartment:
      return "other department";
  }
  return "?";
}
Principal Caller(Rel r, Role role) {
  switch (r) {
    case Rel::kFirstResponder:
      return Principal{"fr", "客服部", RoleSet{role}};
    case Rel::kHandler:
      return Principal{"h1", "仓储物流", RoleSet{role}};
    case Rel::kHandlingDepartment:
      return Principal{"x", "技术服务部", RoleSet{role}};
    case Rel::kFirstResponderDepartment:
      return Principal{"y", "客服部", RoleSet{role}};
    case Rel::kOtherDepartment:
      return Principal{"z", "销售部", RoleSet{role}};
  }
  return {};
}

// The expected table, written out independently of the implementation:
// (role, relation) -> the actions allowed. Everything else is refused.
std::set<A> Expected(Role role, Rel rel) {
  const std::set<A> handle = {A::kAccept, A::kStart,       A::kWaitForCustomer,
                              A::kResume, A::kInvestigate, A::kResolve};
  const std::set<A> follow_up = {A::kConfirm, A::kClose, A::kReopen};
  const std::set<A> decide = {A::kTransfer, A::kReject, A::kReclassify,
                              A::kReassign};
  auto join = [](std::initializer_list<std::set<A>> sets) {
    std::set<A> out;
    for (const auto& s : sets) out.insert(s.begin(), s.end());
    return out;
  };
  const bool staff = role == Role::kAgent || role == Role::kSupervisor ||
                     role == Role::kManager;
  if (!staff) return {};  // general manager, archivist, service: read only
  const bool supervises = role != Role::kAgent;
  switch (rel) {
    case Rel::kFirstResponder:
      return follow_up;
    case Rel::kHandler:
      return join({handle, follow_up});
    case Rel::kHandlingDepartment:
      return supervises ? join({handle, follow_up, decide})
                        : join({handle, follow_up});
    case Rel::kFirstResponderDepartment:
      return supervises ? follow_up : std::set<A>{};
    case Rel::kOtherDepartment:
      return {};
  }
  return {};
}

TEST(ComplaintAccessTest, RoleTimesRelationTimesAction) {
  const Role roles[] = {Role::kAgent,     Role::kSupervisor,
                        Role::kManager,   Role::kGeneralManager,
                        Role::kArchivist, Role::kService};
  const Rel rels[] = {Rel::kFirstResponder, Rel::kHandler,
                      Rel::kHandlingDepartment, Rel::kFirstResponderDepartment,
                      Rel::kOtherDepartment};
  int allowed = 0;
  int cases = 0;
  for (Role role : roles) {
    for (Rel rel : rels) {
      const Principal caller = Caller(rel, role);
      const std::set<A> want = Expected(role, rel);
      for (A action : AllComplaintActions()) {
        if (action == A::kRegister) continue;  // no complaint yet
        SCOPED_TRACE(testing::Message()
                     << RoleName(role) << " x " << RelName(rel) << " x "
                     << ActionName(action));
        const absl::Status s =
            CheckMayAct(caller, TheComplaint(), "complaints/1",
                        ActionName(action), DutyOf(action));
        ++cases;
        if (want.contains(action)) {
          EXPECT_TRUE(s.ok()) << s;
          ++allowed;
        } else {
          EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
        }
      }
    }
  }
  EXPECT_EQ(cases, 6 * 5 * 13);
  // agent: 3 + 9 + 9; supervisor and manager: 3 + 9 + 13 + 3 each.
  EXPECT_EQ(allowed, 21 + 2 * 28);
}

// The case: an agent of 销售部 who is neither first responder nor
// in the handling department may not confirm, close or reopen.
TEST(ComplaintAccessTest, OtherDepartmentAgentMayNotFollowUp) {
  const ComplaintParties c{"li.na", "客服部", "客服部", "li.na"};
  const Principal sales{"zhao.lei", "销售部", RoleSet{Role::kAgent}};
  for (A action : {A::kConfirm, A::kClose, A::kReopen}) {
    const absl::Status s = CheckMayAct(sales, c, "complaints/1",
                                       ActionName(action), DutyOf(action));
    EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
    EXPECT_THAT(s.message(),
                HasSubstr(absl::StrCat("zhao.lei (销售部) may not ",
                                       ActionName(action), " complaints/1")));
    EXPECT_THAT(s.message(), HasSubstr("first responder li.na"));
    EXPECT_THAT(s.message(), HasSubstr("客服部"));
  }
}

TEST(ComplaintAccessTest, RelationsHoldTogetherAndNeedANonEmptyDepartment) {
  const ComplaintParties c = TheComplaint();
  EXPECT_EQ(RelationsOf(Principal{"fr", "客服部", {}}, c),
            kFirstResponder | kFirstResponderDepartment);
  EXPECT_EQ(RelationsOf(Principal{"h1", "技术服务部", {}}, c),
            kHandler | kHandlingDepartment);
  EXPECT_EQ(RelationsOf(Principal{"z", "销售部", {}}, c), kNoRelation);
  // Registered by a service account: no department, no handler yet.
  const ComplaintParties by_service{"order-svc", "", "仓储物流", ""};
  EXPECT_EQ(RelationsOf(Principal{"nobody", "", {}}, by_service), kNoRelation);
  EXPECT_EQ(RelationsOf(Principal{"", "", {}}, by_service), kNoRelation);
  // One of several roles suffices.
  const Principal both{"z", "技术服务部",
                       RoleSet{Role::kArchivist, Role::kSupervisor}};
  EXPECT_TRUE(
      CheckMayAct(both, c, "complaints/1", "reject", ComplaintDuty::kDecide)
          .ok());
}

TEST(ComplaintAccessTest, DutiesAndTheRoleGatesDerivedFromTheTable) {
  EXPECT_EQ(DutyOf(A::kInvestigate), ComplaintDuty::kHandle);
  EXPECT_EQ(DutyOf(A::kReopen), ComplaintDuty::kFollowUp);
  EXPECT_EQ(DutyOf(A::kReassign), ComplaintDuty::kDecide);
  auto roles = [](ComplaintDuty duty) {
    const RoleSet set = RolesFor(duty);
    std::string out;
    for (Role r : {Role::kAgent, Role::kSupervisor, Role::kManager,
                   Role::kGeneralManager, Role::kArchivist, Role::kService}) {
      if (set.Has(r))
        out += std::string(out.empty() ? "" : ",") + std::string(RoleName(r));
    }
    return out;
  };
  EXPECT_EQ(roles(ComplaintDuty::kHandle), "agent,supervisor,manager");
  EXPECT_EQ(roles(ComplaintDuty::kFollowUp), "agent,supervisor,manager");
  EXPECT_EQ(roles(ComplaintDuty::kDecide), "supervisor,manager");
}

}  // namespace
}  // namespace csm::complaint
