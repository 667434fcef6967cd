#include "customer-svc/src/app/archive_mutation.h"

#include <map>
#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/business_time.h"
#include "common/etag.h"
#include "common/idempotency.h"
#include "common/status.h"
#include "customer-svc/src/domain/customer_rules.h"
#include "customer-svc/src/domain/masking.h"

namespace csm::customer {
namespace {

namespace ev = ::csm::events::v1;

int64_t VersionOf(const v1::Customer& c) {
  int64_t v = 0;
  (void)absl::SimpleAtoi(c.etag(), &v);
  return v;
}

// Sets the event's `customer` snapshot unless the change set it already.
void AttachSnapshot(const ev::CustomerSnapshot& snapshot,
                    google::protobuf::Message* event) {
  const google::protobuf::FieldDescriptor* field =
      event->GetDescriptor()->FindFieldByName("customer");
  const google::protobuf::Reflection* r = event->GetReflection();
  if (field == nullptr || r->HasField(*event, field)) return;
  r->MutableMessage(event, field)->CopyFrom(snapshot);
}

absl::Status Guard(const CallContext& call, const ArchiveMutation& m,
                   const v1::Customer& c) {
  CSM_RETURN_IF_ERROR(m.right == ArchiveRight::kSupervise
                          ? RequireSupervisor(call, c)
                          : RequireMaintainer(call, c));
  if (m.open_only) CSM_RETURN_IF_ERROR(RequireOpen(c));
  if (m.etag.has_value()) {
    CSM_RETURN_IF_ERROR(CheckEtag(c.name(), c.etag(), *m.etag));
  }
  return absl::OkStatus();
}

}  // namespace

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

absl::Status MutateArchive(
    Backend& b, const CallContext& call, const google::protobuf::Message& req,
    absl::string_view request_id, int64_t id, const ArchiveMutation& m,
    google::protobuf::Message* resp,
    const std::function<absl::Status(ArchiveScope&)>& apply,
    const std::function<void(const v1::Customer&)>& respond) {
  return RunMutation(
      b.pool, b.outbox, call, request_id, req, resp,
      [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(v1::Customer c,
                             b.customers.GetCustomer(conn, id, /*lock=*/true));
        CSM_RETURN_IF_ERROR(Guard(call, m, c));
        const int64_t version = VersionOf(c);
        const CustomerStore::OpenHolder before{
            c.owner_id(), c.state() == v1::ARCHIVE_STATE_OPEN};
        ArchiveScope scope{conn, call, b, id, c, {}, false, {}, nullptr};
        CSM_RETURN_IF_ERROR(apply(scope));
        if (scope.changes.empty()) {
          respond(c);
          return absl::OkStatus();
        }
        CSM_RETURN_IF_ERROR(
            scope.touch_only ? b.customers.TouchCustomer(conn, id, call.start)
                             : b.customers.UpdateCustomer(
                                   conn, c, NormalizeName(c.display_name()),
                                   version, before, call.start));
        CSM_RETURN_IF_ERROR(b.customers.InsertChange(
            conn, id, m.method, call.principal, call.request_id, scope.changes,
            call.start));
        CSM_ASSIGN_OR_RETURN(v1::Customer written,
                             b.customers.GetCustomer(conn, id, false));
        const ev::CustomerSnapshot snapshot = Snapshot(written);
        for (auto& event : scope.events) {
          AttachSnapshot(snapshot, event.get());
          CSM_RETURN_IF_ERROR(
              b.outbox.Append(conn, call, written.name(), *event));
        }
        if (scope.then) CSM_RETURN_IF_ERROR(scope.then());
        respond(written);
        return absl::OkStatus();
      });
}

absl::Status MutateArchive(
    Backend& b, const CallContext& call, const google::protobuf::Message& req,
    absl::string_view request_id, int64_t id, const ArchiveMutation& m,
    v1::Customer* resp,
    const std::function<absl::Status(ArchiveScope&)>& apply) {
  return MutateArchive(b, call, req, request_id, id, m, resp, apply,
                       [resp](const v1::Customer& c) {
                         *resp = c;
                         MaskCustomer(resp);
                       });
}

}  // namespace csm::customer
