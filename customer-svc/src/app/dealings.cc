// RecordDealing and ListDealings (业务往来): dealings of an open archive,
// recorded by its maintainers or by a service.
#include <utility>

#include "common/business_time.h"
#include "common/idempotency.h"
#include "common/status.h"
#include "csm/events/v1/customer_events.pb.h"
#include "customer-svc/src/app/archive_mutation.h"
#include "customer-svc/src/app/customer_use_cases.h"
#include "customer-svc/src/app/list_of_archive.h"
#include "customer-svc/src/domain/customer_rules.h"

namespace csm::customer::app {

namespace ev = ::csm::events::v1;

absl::Status RecordDealing(Backend& b, const CallContext& call,
                           const v1::RecordDealingRequest& req,
                           v1::Dealing* resp) {
  CSM_ASSIGN_OR_RETURN(
      int64_t id, CustomerStore::ParseCustomerName(req.parent(), "parent"));
  csm::common::v1::Date today;
  ToProtoDate(absl::ToCivilDay(call.start, BusinessTimeZone()), &today);
  CSM_RETURN_IF_ERROR(ValidateDealing(req.dealing(), today).ToStatus());
  return RunMutation(
      b.pool, b.outbox, call, req.request_id(), req, resp,
      [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(v1::Customer c,
                             b.customers.GetCustomer(conn, id, false));
        if (!call.principal.roles.Has(Role::kService)) {
          CSM_RETURN_IF_ERROR(RequireMaintainer(call, c));
        }
        CSM_RETURN_IF_ERROR(RequireOpen(c));
        v1::Dealing dealing = req.dealing();
        dealing.clear_name();
        dealing.clear_recorder();
        dealing.clear_create_time();
        CSM_RETURN_IF_ERROR(b.customers.InsertDealing(
            conn, id, &dealing, call.principal, call.start));
        ev::DealingRecorded event;
        *event.mutable_customer() = Snapshot(c);
        event.set_dealing(dealing.name());
        event.set_kind(v1::DealingKind_Name(dealing.kind()));
        *event.mutable_deal_date() = dealing.deal_date();
        event.set_amount_fen(dealing.amount_fen());
        CSM_RETURN_IF_ERROR(b.outbox.Append(conn, call, c.name(), event));
        *resp = std::move(dealing);
        return absl::OkStatus();
      });
}

absl::Status ListDealings(Backend& b, const CallContext& call,
                          const v1::ListDealingsRequest& req,
                          v1::ListDealingsResponse* resp) {
  return ListOfArchive<v1::Dealing>(
      b, call, req, "dealings",
      [&](MysqlConnection& conn, int64_t id, std::optional<PageCursor> after,
          int limit) {
        return b.customers.ListDealings(conn, id, after, limit);
      },
      resp->mutable_dealings(), resp);
}

}  // namespace csm::customer::app
