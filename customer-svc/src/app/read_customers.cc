// GetCustomer and ListCustomers: masked by default; the unmasked view needs
// a right and a purpose, and is registered in the same transaction.
#include <set>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/filter.h"
#include "common/paging.h"
#include "common/status.h"
#include "common/text.h"
#include "customer-svc/src/app/archive_mutation.h"
#include "customer-svc/src/app/customer_use_cases.h"
#include "customer-svc/src/domain/customer_rules.h"
#include "customer-svc/src/domain/masking.h"
#include "customer-svc/src/domain/text_limits.h"

namespace csm::customer::app {
namespace {

// Order names accepted by ListCustomers.
absl::StatusOr<CustomerOrder> ParseCustomerOrder(absl::string_view order_by) {
  if (order_by.empty() || order_by == "create_time") {
    return CustomerOrder::kCreateTime;
  }
  if (order_by == "create_time desc") return CustomerOrder::kCreateTimeDesc;
  if (order_by == "display_name") return CustomerOrder::kDisplayName;
  if (order_by == "update_time desc") return CustomerOrder::kUpdateTimeDesc;
  return InvalidField("order_by",
                      "is not supported; use one of: create_time, "
                      "create_time desc, display_name, update_time desc");
}

const std::set<std::string>& CustomerFilterFields() {
  static const std::set<std::string> kFields = {"owner_id",
                                                "team",
                                                "department",
                                                "grade",
                                                "kind",
                                                "lifecycle_status",
                                                "state",
                                                "province",
                                                "city",
                                                "industry",
                                                "acquisition_channel",
                                                "credit_rating",
                                                "importance",
                                                "display_name",
                                                "archive_number",
                                                "create_time",
                                                "update_time"};
  return kFields;
}

}  // namespace

absl::StatusOr<bool> WantsFullView(v1::CustomerView view,
                                   absl::string_view purpose) {
  if (!v1::CustomerView_IsValid(view)) {
    return InvalidField("view", "unknown view");
  }
  if (view != v1::CUSTOMER_VIEW_FULL) return false;
  if (purpose.find_first_not_of(" \t") == absl::string_view::npos) {
    return InvalidField("access_purpose",
                        "required with CUSTOMER_VIEW_FULL: say why you need "
                        "the unmasked data (it is registered)");
  }
  if (CountCodePoints(purpose) > kMaxAccessPurposeLength) {
    return InvalidField("access_purpose",
                        absl::StrCat("must be at most ",
                                     kMaxAccessPurposeLength, " characters"));
  }
  return true;
}

absl::Status GetCustomer(Backend& b, const CallContext& call,
                         const v1::GetCustomerRequest& req,
                         v1::Customer* resp) {
  CSM_ASSIGN_OR_RETURN(int64_t id,
                       CustomerStore::ParseCustomerName(req.name(), "name"));
  CSM_ASSIGN_OR_RETURN(bool full,
                       WantsFullView(req.view(), req.access_purpose()));
  if (!full) {
    return RunWithConnection(
        b.pool, call.deadline, [&](MysqlConnection& conn) -> absl::Status {
          CSM_ASSIGN_OR_RETURN(*resp, b.customers.GetCustomer(conn, id, false));
          MaskCustomer(resp);
          return absl::OkStatus();
        });
  }
  // The unmasked read and its register entry commit together: no read
  // without a record.
  return RunInTransaction(
      b.pool, call.deadline, [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(*resp, b.customers.GetCustomer(conn, id, false));
        if (!MayViewUnmasked(call.principal, AccessOf(*resp))) {
          return absl::PermissionDeniedError(absl::StrCat(
              call.principal.staff_id, " may not read ", req.name(),
              " unmasked: only its owner, a supervisor or manager of "
              "department ",
              resp->department(), ", or an archivist may"));
        }
        return b.customers.InsertAccessRecord(conn, id, call.principal,
                                              req.access_purpose(),
                                              "GetCustomer", call.start);
      });
}

absl::Status ListCustomers(Backend& b, const CallContext& call,
                           const v1::ListCustomersRequest& req,
                           v1::ListCustomersResponse* resp) {
  CustomerListQuery query;
  CSM_ASSIGN_OR_RETURN(query.limit, ResolvePageSize(req.page_size()));
  CSM_ASSIGN_OR_RETURN(query.filter,
                       ParseFilter(req.filter(), CustomerFilterFields()));
  CSM_ASSIGN_OR_RETURN(query.order, ParseCustomerOrder(req.order_by()));
  CSM_ASSIGN_OR_RETURN(bool full,
                       WantsFullView(req.view(), req.access_purpose()));
  const std::string fingerprint =
      absl::StrCat("customers|", req.filter(), "|", req.order_by());
  CSM_ASSIGN_OR_RETURN(query.after, DecodeToken(req.page_token(), fingerprint));

  auto body = [&](MysqlConnection& conn) -> absl::Status {
    resp->Clear();
    CSM_ASSIGN_OR_RETURN(Page<v1::Customer> page,
                         b.customers.ListCustomers(conn, query));
    for (v1::Customer& c : page.items) {
      if (full && MayViewUnmasked(call.principal, AccessOf(c))) {
        CSM_ASSIGN_OR_RETURN(
            int64_t id, CustomerStore::ParseCustomerName(c.name(), "name"));
        CSM_RETURN_IF_ERROR(b.customers.InsertAccessRecord(
            conn, id, call.principal, req.access_purpose(), "ListCustomers",
            call.start));
      } else {
        MaskCustomer(&c);
      }
      *resp->add_customers() = std::move(c);
    }
    resp->set_next_page_token(EncodeToken(page.next, fingerprint));
    return absl::OkStatus();
  };
  return full ? RunInTransaction(b.pool, call.deadline, body)
              : RunWithConnection(b.pool, call.deadline, body);
}

}  // namespace csm::customer::app
