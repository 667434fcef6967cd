// UpdateCustomer: the field mask applied to an open archive, the code still
// unique, each changed field in the history.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/etag.h"
#include "common/status.h"
#include "csm/events/v1/customer_events.pb.h"
#include "customer-svc/src/app/archive_mutation.h"
#include "customer-svc/src/app/customer_use_cases.h"
#include "customer-svc/src/domain/customer_rules.h"

namespace csm::customer::app {

namespace ev = ::csm::events::v1;

absl::Status UpdateCustomer(Backend& b, const CallContext& call,
                            const v1::UpdateCustomerRequest& req,
                            v1::Customer* resp) {
  CSM_ASSIGN_OR_RETURN(int64_t id, CustomerStore::ParseCustomerName(
                                       req.customer().name(), "customer.name"));
  const std::vector<std::string> paths(req.update_mask().paths().begin(),
                                       req.update_mask().paths().end());
  CSM_RETURN_IF_ERROR(ValidateCustomerUpdate(req.customer(), paths).ToStatus());
  CSM_ASSIGN_OR_RETURN(const int64_t expected,
                       ParseEtag(req.customer().etag(), "customer.etag"));
  const ArchiveMutation m{"UpdateCustomer", ArchiveRight::kMaintain, true,
                          expected};
  return MutateArchive(
      b, call, req, req.request_id(), id, m, resp,
      [&](ArchiveScope& s) -> absl::Status {
        v1::Customer& c = s.customer;
        const std::string old_code = c.credit_code();
        CSM_RETURN_IF_ERROR(
            ApplyCustomerUpdate(req.customer(), paths, &c, &s.changes));
        if (s.changes.empty()) return absl::OkStatus();
        if (c.credit_code() != old_code && !c.credit_code().empty()) {
          CSM_ASSIGN_OR_RETURN(
              auto existing,
              b.customers.FindByCreditCode(s.conn, c.kind(), c.credit_code()));
          if (existing.has_value() && existing->name() != c.name()) {
            return absl::AlreadyExistsError(absl::StrCat(
                "another archive already has this code: ", existing->name(),
                " (", existing->archive_number(), ")"));
          }
        }
        auto* updated = AddEvent<ev::CustomerUpdated>(s);
        for (const FieldChangeRecord& f : s.changes) {
          updated->add_changed_fields(f.field);
        }
        return absl::OkStatus();
      });
}

}  // namespace csm::customer::app
