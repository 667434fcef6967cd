// Lists of one kind of record kept under an archive (grade, credit and owner
// history, dealings): the archive must exist; keyset pages bound to parent.
#ifndef CSM_CUSTOMER_SVC_APP_LIST_OF_ARCHIVE_H_
#define CSM_CUSTOMER_SVC_APP_LIST_OF_ARCHIVE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/call_context.h"
#include "common/paging.h"
#include "common/status.h"
#include "customer-svc/src/app/backend.h"

namespace csm::customer {

template <typename Item>
using ArchiveRecords = std::function<absl::StatusOr<Page<Item>>(
    MysqlConnection&, int64_t, std::optional<PageCursor>, int)>;

template <typename Item, typename Request, typename Response>
absl::Status ListOfArchive(Backend& b, const CallContext& call,
                           const Request& req, absl::string_view kind,
                           const ArchiveRecords<Item>& list,
                           google::protobuf::RepeatedPtrField<Item>* out,
                           Response* resp) {
  CSM_ASSIGN_OR_RETURN(
      int64_t id, CustomerStore::ParseCustomerName(req.parent(), "parent"));
  CSM_ASSIGN_OR_RETURN(int limit, ResolvePageSize(req.page_size()));
  const std::string fp = absl::StrCat(kind, "|", req.parent());
  CSM_ASSIGN_OR_RETURN(auto after, DecodeToken(req.page_token(), fp));
  return RunWithConnection(
      b.pool, call.deadline, [&](MysqlConnection& conn) -> absl::Status {
        CSM_RETURN_IF_ERROR(b.customers.GetCustomer(conn, id, false).status());
        CSM_ASSIGN_OR_RETURN(Page<Item> page, list(conn, id, after, limit));
        resp->Clear();
        for (Item& item : page.items) *out->Add() = std::move(item);
        resp->set_next_page_token(EncodeToken(page.next, fp));
        return absl::OkStatus();
      });
}

}  // namespace csm::customer

#endif  // CSM_CUSTOMER_SVC_APP_LIST_OF_ARCHIVE_H_
