// CloseCustomer and ReopenCustomer (档案关闭/重新启用): one change of state
// with its reason, by a supervisor of the archive.
#include <string>

#include "absl/strings/str_cat.h"
#include "common/etag.h"
#include "common/status.h"
#include "csm/events/v1/customer_events.pb.h"
#include "customer-svc/src/app/archive_mutation.h"
#include "customer-svc/src/app/customer_use_cases.h"
#include "customer-svc/src/domain/customer_rules.h"

namespace csm::customer::app {
namespace {

namespace ev = ::csm::events::v1;

template <typename Event, typename Request>
absl::Status SetArchiveState(Backend& b, const CallContext& call,
                             const Request& req, bool close,
                             v1::Customer* resp) {
  CSM_ASSIGN_OR_RETURN(int64_t id,
                       CustomerStore::ParseCustomerName(req.name(), "name"));
  CSM_RETURN_IF_ERROR(ValidateReason("reason", req.reason()));
  CSM_ASSIGN_OR_RETURN(const int64_t expected, ParseEtag(req.etag(), "etag"));
  const ArchiveMutation m{close ? "CloseCustomer" : "ReopenCustomer",
                          ArchiveRight::kSupervise, /*open_only=*/false,
                          expected};
  return MutateArchive(
      b, call, req, req.request_id(), id, m, resp,
      [&](ArchiveScope& s) -> absl::Status {
        v1::Customer& c = s.customer;
        const v1::ArchiveState target =
            close ? v1::ARCHIVE_STATE_CLOSED : v1::ARCHIVE_STATE_OPEN;
        if (c.state() == target) {
          return absl::FailedPreconditionError(absl::StrCat(
              c.name(), " is already ", close ? "closed" : "open"));
        }
        const std::string reason = close ? req.reason() : std::string();
        s.changes = {{"state", v1::ArchiveState_Name(c.state()),
                      v1::ArchiveState_Name(target)},
                     {"close_reason", c.close_reason(), reason}};
        c.set_state(target);
        c.set_close_reason(reason);
        AddEvent<Event>(s)->set_reason(req.reason());
        return absl::OkStatus();
      });
}

}  // namespace

absl::Status CloseCustomer(Backend& b, const CallContext& call,
                           const v1::CloseCustomerRequest& req,
                           v1::Customer* resp) {
  return SetArchiveState<ev::CustomerClosed>(b, call, req, true, resp);
}

absl::Status ReopenCustomer(Backend& b, const CallContext& call,
                            const v1::ReopenCustomerRequest& req,
                            v1::Customer* resp) {
  return SetArchiveState<ev::CustomerReopened>(b, call, req, false, resp);
}

}  // namespace csm::customer::app
