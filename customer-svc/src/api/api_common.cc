#include "customer-svc/src/api/api_common.h"

#include <map>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/business_time.h"
#include "common/status.h"
#include "customer-svc/src/domain/archive_access.h"
#include "customer-svc/src/domain/customer_rules.h"
#include "customer-svc/src/store/customer_store.h"

namespace csm::customer {

namespace ev = ::csm::events::v1;

ArchiveAccess AccessOf(const v1::Customer& c) {
  return ArchiveAccess{c.owner_id(), c.department()};
}

absl::Status RequireOpen(const v1::Customer& c) {
  if (c.state() == v1::ARCHIVE_STATE_CLOSED) {
    return absl::FailedPreconditionError(
        absl::StrCat(c.name(), " (", c.archive_number(),
                     ") is closed; reopen it before changing it"));
  }
  return absl::OkStatus();
}

absl::Status RequireMaintainer(const CallContext& call, const v1::Customer& c) {
  if (!MayMaintain(call.principal, AccessOf(c))) {
    return absl::PermissionDeniedError(
        absl::StrCat(call.principal.staff_id, " may not change ", c.name(),
                     ": only its owner, a supervisor or manager of department ",
                     c.department(), ", or an archivist may"));
  }
  return absl::OkStatus();
}

absl::Status RequireSupervisor(const CallContext& call, const v1::Customer& c) {
  if (!MaySupervise(call.principal, AccessOf(c))) {
    return absl::PermissionDeniedError(
        absl::StrCat(call.principal.staff_id, " may not do this to ", c.name(),
                     ": only a supervisor or manager of department ",
                     c.department(), ", or an archivist may"));
  }
  return absl::OkStatus();
}

ev::CustomerSnapshot Snapshot(const v1::Customer& c) {
  ev::CustomerSnapshot s;
  s.set_name(c.name());
  s.set_archive_number(c.archive_number());
  s.set_display_name(c.display_name());
  s.set_kind(v1::CustomerKind_Name(c.kind()));
  s.set_grade(v1::Grade_Name(c.grade()));
  s.set_credit_rating(v1::CreditRating_Name(c.credit_rating()));
  s.set_lifecycle_status(v1::LifecycleStatus_Name(c.lifecycle_status()));
  s.set_state(v1::ArchiveState_Name(c.state()));
  s.set_province(c.province());
  s.set_city(c.city());
  s.set_industry(c.industry());
  s.set_acquisition_channel(
      v1::AcquisitionChannel_Name(c.acquisition_channel()));
  s.set_owner_id(c.owner_id());
  s.set_team(c.team());
  s.set_department(c.department());
  const Completeness completeness = ArchiveCompleteness(c);
  s.set_required_fields_filled(completeness.filled);
  s.set_required_fields_total(completeness.total);
  for (std::string& field : FilledCompletenessFields(c)) {
    s.add_filled_fields(std::move(field));
  }
  *s.mutable_create_time() = c.create_time();
  return s;
}

absl::Status AppendPlanMoves(MysqlConnection& conn, Outbox& outbox,
                             const CallContext& call,
                             const std::vector<PlanMove>& moves,
                             absl::string_view reason) {
  CustomerStore customers;
  std::map<int64_t, ev::CustomerSnapshot> snapshots;
  for (const PlanMove& m : moves) {
    auto it = snapshots.find(m.customer_id);
    if (it == snapshots.end()) {
      CSM_ASSIGN_OR_RETURN(v1::Customer c,
                           customers.GetCustomer(conn, m.customer_id, false));
      it = snapshots.emplace(m.customer_id, Snapshot(c)).first;
    }
    ev::VisitPlanRescheduled event;
    *event.mutable_customer() = it->second;
    event.set_visit_plan(VisitStore::PlanName(m.customer_id, m.plan_id));
    ToProtoDate(m.from, event.mutable_from_due_date());
    ToProtoDate(m.to, event.mutable_to_due_date());
    event.set_reason(std::string(reason));
    CSM_RETURN_IF_ERROR(outbox.Append(conn, call, it->second.name(), event));
  }
  return absl::OkStatus();
}

}  // namespace csm::customer
