// TransferOwnership (客户移交): to a member of the target team, with its
// reason, in the owner history.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/etag.h"
#include "common/resource_id.h"
#include "common/status.h"
#include "csm/events/v1/customer_events.pb.h"
#include "customer-svc/src/app/archive_mutation.h"
#include "customer-svc/src/app/customer_use_cases.h"
#include "customer-svc/src/domain/customer_rules.h"
#include "customer-svc/src/domain/text_limits.h"

namespace csm::customer::app {
namespace {

namespace ev = ::csm::events::v1;

absl::Status ValidateTransfer(const v1::TransferOwnershipRequest& req) {
  FieldViolations v;
  if (!IsValidStaffId(req.new_owner_id())) {
    v.Add("new_owner_id",
          absl::StrCat("required: the staff id of the new owner, at most ",
                       kMaxStaffIdLength, " characters"));
  }
  if (!req.team().empty() && !IsValidResourceId(req.team())) {
    v.Add("team", "a team id of [a-z0-9-]{1,63}");
  }
  absl::Status reason = ValidateReason("reason", req.reason());
  if (!reason.ok()) v.Add("reason", std::string(reason.message()));
  return v.ToStatus();
}

// The new owner must be a member of the team the archive moves to, and the
// transfer must change something.
absl::Status CheckNewOwner(const v1::Customer& c, const v1::Team& team,
                           absl::string_view team_id,
                           absl::string_view new_owner) {
  if (std::find(team.member_ids().begin(), team.member_ids().end(),
                new_owner) == team.member_ids().end()) {
    return absl::FailedPreconditionError(
        absl::StrCat(new_owner, " is not a member of teams/", team_id));
  }
  if (new_owner == c.owner_id() && team_id == c.team()) {
    return absl::FailedPreconditionError(
        absl::StrCat(c.name(), " is already owned by ", c.owner_id(),
                     " in teams/", team_id));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status TransferOwnership(Backend& b, const CallContext& call,
                               const v1::TransferOwnershipRequest& req,
                               v1::Customer* resp) {
  CSM_ASSIGN_OR_RETURN(int64_t id,
                       CustomerStore::ParseCustomerName(req.name(), "name"));
  CSM_RETURN_IF_ERROR(ValidateTransfer(req));
  CSM_ASSIGN_OR_RETURN(const int64_t expected, ParseEtag(req.etag(), "etag"));
  const ArchiveMutation m{"TransferOwnership", ArchiveRight::kSupervise, true,
                          expected};
  return MutateArchive(
      b, call, req, req.request_id(), id, m, resp,
      [&](ArchiveScope& s) -> absl::Status {
        v1::Customer& c = s.customer;
        const std::string team_id = req.team().empty() ? c.team() : req.team();
        CSM_ASSIGN_OR_RETURN(TeamRecord team,
                             b.customers.GetTeam(s.conn, team_id, false));
        CSM_RETURN_IF_ERROR(
            CheckNewOwner(c, team.team, team_id, req.new_owner_id()));
        v1::OwnerChange change;
        change.set_from_owner_id(c.owner_id());
        change.set_to_owner_id(req.new_owner_id());
        change.set_from_team(c.team());
        change.set_to_team(team_id);
        change.set_reason(req.reason());
        s.changes = {{"owner_id", c.owner_id(), req.new_owner_id()}};
        if (team_id != c.team())
          s.changes.push_back({"team", c.team(), team_id});
        if (team.team.department() != c.department()) {
          s.changes.push_back(
              {"department", c.department(), team.team.department()});
        }
        c.set_owner_id(req.new_owner_id());
        c.set_team(team_id);
        c.set_department(team.team.department());
        CSM_RETURN_IF_ERROR(b.customers.InsertOwnerChange(
            s.conn, id, change, call.principal, call.start));
        auto* event = AddEvent<ev::CustomerOwnerChanged>(s);
        event->set_from_owner_id(change.from_owner_id());
        event->set_to_owner_id(change.to_owner_id());
        event->set_reason(req.reason());
        return absl::OkStatus();
      });
}

}  // namespace csm::customer::app
