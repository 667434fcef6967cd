// The histories of an archive (grades, credit ratings, owners, every field
// change) and the register of unmasked reads (借阅登记).
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/filter.h"
#include "common/paging.h"
#include "common/status.h"
#include "customer-svc/src/app/archive_mutation.h"
#include "customer-svc/src/app/customer_use_cases.h"
#include "customer-svc/src/app/list_of_archive.h"
#include "customer-svc/src/domain/masking.h"

namespace csm::customer::app {

absl::Status ListGradeChanges(Backend& b, const CallContext& call,
                              const v1::ListGradeChangesRequest& req,
                              v1::ListGradeChangesResponse* resp) {
  return ListOfArchive<v1::GradeChange>(
      b, call, req, "grades",
      [&](MysqlConnection& conn, int64_t id, std::optional<PageCursor> after,
          int limit) {
        return b.customers.ListGradeChanges(conn, id, after, limit);
      },
      resp->mutable_grade_changes(), resp);
}

absl::Status ListCreditRatingChanges(
    Backend& b, const CallContext& call,
    const v1::ListCreditRatingChangesRequest& req,
    v1::ListCreditRatingChangesResponse* resp) {
  return ListOfArchive<v1::CreditRatingChange>(
      b, call, req, "credit",
      [&](MysqlConnection& conn, int64_t id, std::optional<PageCursor> after,
          int limit) {
        return b.customers.ListCreditRatingChanges(conn, id, after, limit);
      },
      resp->mutable_credit_rating_changes(), resp);
}

absl::Status ListOwnerChanges(Backend& b, const CallContext& call,
                              const v1::ListOwnerChangesRequest& req,
                              v1::ListOwnerChangesResponse* resp) {
  return ListOfArchive<v1::OwnerChange>(
      b, call, req, "owners",
      [&](MysqlConnection& conn, int64_t id, std::optional<PageCursor> after,
          int limit) {
        return b.customers.ListOwnerChanges(conn, id, after, limit);
      },
      resp->mutable_owner_changes(), resp);
}

absl::Status ListCustomerChanges(Backend& b, const CallContext& call,
                                 const v1::ListCustomerChangesRequest& req,
                                 v1::ListCustomerChangesResponse* resp) {
  CSM_ASSIGN_OR_RETURN(
      int64_t id, CustomerStore::ParseCustomerName(req.parent(), "parent"));
  CSM_ASSIGN_OR_RETURN(int limit, ResolvePageSize(req.page_size()));
  CSM_ASSIGN_OR_RETURN(bool full,
                       WantsFullView(req.view(), req.access_purpose()));
  const std::string fp = absl::StrCat("changes|", req.parent());
  CSM_ASSIGN_OR_RETURN(auto after, DecodeToken(req.page_token(), fp));
  auto body = [&](MysqlConnection& conn) -> absl::Status {
    CSM_ASSIGN_OR_RETURN(v1::Customer c,
                         b.customers.GetCustomer(conn, id, false));
    if (full) {
      if (!MayViewUnmasked(call.principal, AccessOf(c))) {
        return absl::PermissionDeniedError(absl::StrCat(
            call.principal.staff_id, " may not read the history of ", c.name(),
            " unmasked"));
      }
      CSM_RETURN_IF_ERROR(b.customers.InsertAccessRecord(
          conn, id, call.principal, req.access_purpose(), "ListCustomerChanges",
          call.start));
    }
    CSM_ASSIGN_OR_RETURN(auto page,
                         b.customers.ListChanges(conn, id, after, limit));
    resp->Clear();
    for (v1::CustomerChange& change : page.items) {
      // Masked by the kind each value was recorded with (not its name).
      if (!full) {
        for (v1::FieldChange& f : *change.mutable_field_changes()) {
          MaskFieldChange(&f);
        }
      }
      *resp->add_customer_changes() = std::move(change);
    }
    resp->set_next_page_token(EncodeToken(page.next, fp));
    return absl::OkStatus();
  };
  return full ? RunInTransaction(b.pool, call.deadline, body)
              : RunWithConnection(b.pool, call.deadline, body);
}

absl::Status ListAccessRecords(Backend& b, const CallContext& call,
                               const v1::ListAccessRecordsRequest& req,
                               v1::ListAccessRecordsResponse* resp) {
  int64_t id = 0;
  if (req.parent() != "customers/-") {
    CSM_ASSIGN_OR_RETURN(
        id, CustomerStore::ParseCustomerName(req.parent(), "parent"));
  }
  CSM_ASSIGN_OR_RETURN(int limit, ResolvePageSize(req.page_size()));
  CSM_ASSIGN_OR_RETURN(auto terms, ParseFilter(req.filter(), {"reader_id"}));
  std::string reader;
  for (const FilterTerm& t : terms) {
    if (t.op != FilterTerm::Op::kEq) {
      return InvalidField("filter", "reader_id supports = only");
    }
    reader = t.value;
  }
  const std::string fp =
      absl::StrCat("access|", req.parent(), "|", req.filter());
  CSM_ASSIGN_OR_RETURN(auto after, DecodeToken(req.page_token(), fp));
  return RunWithConnection(
      b.pool, call.deadline, [&](MysqlConnection& conn) -> absl::Status {
        if (id != 0) {
          CSM_RETURN_IF_ERROR(
              b.customers.GetCustomer(conn, id, false).status());
        }
        CSM_ASSIGN_OR_RETURN(auto page, b.customers.ListAccessRecords(
                                            conn, id, reader, after, limit));
        resp->Clear();
        for (auto& item : page.items) {
          *resp->add_access_records() = std::move(item);
        }
        resp->set_next_page_token(EncodeToken(page.next, fp));
        return absl::OkStatus();
      });
}

}  // namespace csm::customer::app
