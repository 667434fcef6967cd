// CreateCustomer (建档): defaults, fair owner allocation within the team,
// the archive number, the duplicate checks, history and events.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/business_time.h"
#include "common/idempotency.h"
#include "common/status.h"
#include "csm/events/v1/customer_events.pb.h"
#include "customer-svc/src/app/archive_mutation.h"
#include "customer-svc/src/app/customer_use_cases.h"
#include "customer-svc/src/domain/allocation.h"
#include "customer-svc/src/domain/archive_access.h"
#include "customer-svc/src/domain/customer_rules.h"
#include "customer-svc/src/domain/masking.h"

namespace csm::customer::app {
namespace {

namespace ev = ::csm::events::v1;

// The archive as it will be written: output-only fields cleared, grade C
// and prospect by default, open, the first contact primary when none is.
v1::Customer NewArchive(const CallContext& call, const v1::Customer& in) {
  v1::Customer c = in;
  ClearOutputOnlyFields(&c);
  if (c.grade() == v1::GRADE_UNSPECIFIED) c.set_grade(v1::GRADE_C);
  if (c.lifecycle_status() == v1::LIFECYCLE_STATUS_UNSPECIFIED) {
    c.set_lifecycle_status(v1::LIFECYCLE_STATUS_PROSPECT);
  }
  c.set_state(v1::ARCHIVE_STATE_OPEN);
  c.set_creator_id(call.principal.staff_id);
  c.set_credit_code(NormalizeCreditCode(c.credit_code()));
  bool has_primary = false;
  for (const v1::Contact& contact : c.contacts()) {
    has_primary |= contact.primary();
  }
  if (!has_primary) c.mutable_contacts(0)->set_primary(true);
  return c;
}

// The owner: the least-loaded member (round-robin on ties) when none was
// chosen, else the chosen one, who must be a member. Sets the department.
absl::Status PlaceInTeam(Backend& b, MysqlConnection& conn, bool allocate,
                         v1::Customer& c) {
  // Lock order for every create: team, archive counter, outbox counter.
  // The team row lock serialises allocations within a team, so two
  // simultaneous creates never both pick the same least-loaded member.
  CSM_ASSIGN_OR_RETURN(TeamRecord team,
                       b.customers.GetTeam(conn, c.team(), /*lock=*/allocate));
  std::vector<std::string> members(team.team.member_ids().begin(),
                                   team.team.member_ids().end());
  if (allocate) {
    CSM_ASSIGN_OR_RETURN(auto counts,
                         b.customers.OpenArchiveCounts(conn, members));
    CSM_ASSIGN_OR_RETURN(
        AllocationResult choice,
        ChooseOwner(c.team(), members, counts, team.rr_cursor));
    c.set_owner_id(choice.owner_id);
    CSM_RETURN_IF_ERROR(
        b.customers.SetTeamCursor(conn, c.team(), choice.next_cursor));
  } else if (std::find(members.begin(), members.end(), c.owner_id()) ==
             members.end()) {
    return absl::FailedPreconditionError(
        absl::StrCat(c.owner_id(), " is not a member of teams/", c.team(),
                     "; add them to the team or choose a member"));
  }
  c.set_department(team.team.department());
  return absl::OkStatus();
}

absl::Status AssignArchiveNumber(Backend& b, MysqlConnection& conn,
                                 absl::Time now, v1::Customer& c) {
  const absl::CivilSecond local = absl::ToCivilSecond(now, BusinessTimeZone());
  CSM_ASSIGN_OR_RETURN(
      int64_t seq,
      b.customers.NextArchiveSequence(
          conn, absl::StrFormat("%04d%02d", local.year(), local.month())));
  c.set_archive_number(
      FormatArchiveNumber(static_cast<int>(local.year()), local.month(), seq));
  return absl::OkStatus();
}

// ALREADY_EXISTS when another archive of the kind holds the code. Names the
// archive, never the code or the customer's name: the caller learns where
// the duplicate is, and reads it (masked or registered) like any other.
absl::Status RefuseSameCode(Backend& b, MysqlConnection& conn,
                            const v1::Customer& c) {
  if (c.credit_code().empty()) return absl::OkStatus();
  CSM_ASSIGN_OR_RETURN(auto existing, b.customers.FindByCreditCode(
                                          conn, c.kind(), c.credit_code()));
  if (!existing.has_value()) return absl::OkStatus();
  return absl::AlreadyExistsError(absl::StrCat(
      "an archive for this ",
      c.kind() == v1::CUSTOMER_KIND_INDIVIDUAL ? "ID number" : "credit code",
      " already exists: ", existing->name(), " (", existing->archive_number(),
      existing->state() == v1::ARCHIVE_STATE_CLOSED
          ? ", closed: reopen it instead"
          : "",
      ")"));
}

// The owner history entry, change record and events of a new archive.
absl::Status RecordCreation(Backend& b, MysqlConnection& conn,
                            const CallContext& call, bool allocated,
                            const v1::Customer& c) {
  CSM_ASSIGN_OR_RETURN(int64_t id,
                       CustomerStore::ParseCustomerName(c.name(), "name"));
  v1::OwnerChange owner;
  owner.set_to_owner_id(c.owner_id());
  owner.set_to_team(c.team());
  owner.set_allocated(allocated);
  owner.set_reason(allocated ? "fair allocation at creation (least loaded, "
                               "round-robin on ties)"
                             : "assigned at creation");
  CSM_RETURN_IF_ERROR(b.customers.InsertOwnerChange(
      conn, id, owner, call.principal, call.start));
  CSM_RETURN_IF_ERROR(b.customers.InsertChange(
      conn, id, "CreateCustomer", call.principal, call.request_id,
      {{"state", "", v1::ArchiveState_Name(c.state())},
       {"owner_id", "", c.owner_id()}},
      call.start));
  ev::CustomerCreated created;
  *created.mutable_customer() = Snapshot(c);
  CSM_RETURN_IF_ERROR(b.outbox.Append(conn, call, c.name(), created));
  ev::CustomerOwnerChanged owned;
  *owned.mutable_customer() = Snapshot(c);
  owned.set_to_owner_id(c.owner_id());
  owned.set_reason(owner.reason());
  owned.set_allocated(allocated);
  return b.outbox.Append(conn, call, c.name(), owned);
}

}  // namespace

absl::Status CreateCustomer(Backend& b, const CallContext& call,
                            const v1::CreateCustomerRequest& req,
                            v1::CreateCustomerResponse* resp) {
  CSM_RETURN_IF_ERROR(ValidateNewCustomer(req.customer()).ToStatus());
  const v1::Customer customer = NewArchive(call, req.customer());
  const bool allocate = customer.owner_id().empty();
  if (!allocate && !MayAssignOwner(call.principal)) {
    return absl::PermissionDeniedError(
        "agents cannot choose an archive's owner: new archives are allocated "
        "fairly within the team (抢客 is not allowed); leave owner_id empty");
  }
  const std::string normalized_name = NormalizeName(customer.display_name());
  // Normalised once: the store writes these and duplicate detection looks
  // them up.
  std::vector<std::vector<std::string>> contact_phones;
  std::vector<std::string> phones;
  for (const v1::Contact& c : customer.contacts()) {
    contact_phones.push_back(NormalizedPhones(c));
    phones.insert(phones.end(), contact_phones.back().begin(),
                  contact_phones.back().end());
  }
  return RunMutation(
      b.pool, b.outbox, call, req.request_id(), req, resp,
      [&](MysqlConnection& conn) -> absl::Status {
        v1::Customer c = customer;
        resp->Clear();
        CSM_RETURN_IF_ERROR(PlaceInTeam(b, conn, allocate, c));
        CSM_RETURN_IF_ERROR(AssignArchiveNumber(b, conn, call.start, c));
        CSM_RETURN_IF_ERROR(RefuseSameCode(b, conn, c));
        CSM_ASSIGN_OR_RETURN(auto warnings, b.customers.FindLikelyDuplicates(
                                                conn, normalized_name, phones));
        CSM_RETURN_IF_ERROR(b.customers.InsertCustomer(
            conn, &c, normalized_name, contact_phones, call.start));
        CSM_RETURN_IF_ERROR(RecordCreation(b, conn, call, allocate, c));
        MaskCustomer(&c);
        *resp->mutable_customer() = std::move(c);
        for (v1::DuplicateWarning& w : warnings) {
          *resp->add_duplicate_warnings() = std::move(w);
        }
        return absl::OkStatus();
      });
}

}  // namespace csm::customer::app
