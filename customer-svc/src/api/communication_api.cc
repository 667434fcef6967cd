#include "customer-svc/src/api/communication_api.h"

#include <set>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/business_time.h"
#include "common/filter.h"
#include "common/idempotency.h"
#include "common/paging.h"
#include "common/status.h"
#include "csm/events/v1/customer_events.pb.h"
#include "customer-svc/src/api/api_common.h"
#include "customer-svc/src/domain/archive_access.h"
#include "customer-svc/src/domain/customer_rules.h"
#include "customer-svc/src/domain/service_records.h"
#include "customer-svc/src/domain/visit_schedule.h"

namespace csm::customer {
namespace {

namespace ev = ::csm::events::v1;

// Whoever took the call writes it down (接待记录): every staff role, and
// services recording contacts on a person's behalf.
constexpr RoleSet kRecorders = RoleSet::All();

}  // namespace

CommunicationApi::CommunicationApi(MysqlPool* pool, Outbox* outbox,
                                   RpcRuntime* runtime)
    : pool_(pool), outbox_(outbox), runtime_(runtime) {}

// ---------------------------------------------------------------- record

grpc::Status CommunicationApi::RecordCommunication(
    grpc::ServerContext* ctx, const v1::RecordCommunicationRequest* req,
    v1::Communication* resp) {
  return runtime_->Handle(ctx, "RecordCommunication", kRecorders,
                          [&](const CallContext& call) {
                            return DoRecordCommunication(call, *req, resp);
                          });
}

absl::Status CommunicationApi::DoRecordCommunication(
    const CallContext& call, const v1::RecordCommunicationRequest& req,
    v1::Communication* resp) {
  CSM_ASSIGN_OR_RETURN(
      int64_t id, CustomerStore::ParseCustomerName(req.parent(), "parent"));
  CSM_RETURN_IF_ERROR(
      CommunicationViolations(req.communication(), call.start).ToStatus());
  v1::Communication communication = req.communication();
  communication.clear_name();
  communication.clear_recorder();
  communication.clear_create_time();
  if (communication.staff_id().empty()) {
    communication.set_staff_id(call.principal.staff_id);
  }
  if (communication.has_promise()) {
    v1::CommunicationPromise* p = communication.mutable_promise();
    ToProtoDate(
        PromiseDueDate(*p, FromProtoTimestamp(communication.contact_time())),
        p->mutable_due_date());
    // Output only, or given as due_date now.
    p->set_within_days(0);
    p->set_state(v1::PROMISE_STATE_OPEN);
    p->clear_kept_time();
    p->set_kept_late(false);
    p->clear_kept_note();
  }

  return RunMutation(
      *pool_, *outbox_, call, req.request_id(), req, resp,
      [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(v1::Customer c,
                             customers_.GetCustomer(conn, id, false));
        CSM_RETURN_IF_ERROR(RequireOpen(c));
        v1::Communication record = communication;
        CSM_RETURN_IF_ERROR(store_.InsertCommunication(
            conn, id, &record, call.principal, call.start));
        ev::CommunicationRecorded event;
        *event.mutable_customer() = Snapshot(c);
        event.set_communication(record.name());
        event.set_channel(v1::CommunicationChannel_Name(record.channel()));
        event.set_staff_id(record.staff_id());
        event.set_has_promise(record.has_promise());
        if (record.has_promise()) {
          *event.mutable_promise_due_date() = record.promise().due_date();
        }
        *event.mutable_contact_time() = record.contact_time();
        CSM_RETURN_IF_ERROR(outbox_->Append(conn, call, c.name(), event));
        *resp = std::move(record);
        return absl::OkStatus();
      });
}

// ---------------------------------------------------------------- list

grpc::Status CommunicationApi::ListCommunications(
    grpc::ServerContext* ctx, const v1::ListCommunicationsRequest* req,
    v1::ListCommunicationsResponse* resp) {
  return runtime_->Handle(ctx, "ListCommunications", kReaders,
                          [&](const CallContext& call) {
                            return DoListCommunications(call, *req, resp);
                          });
}

absl::Status CommunicationApi::DoListCommunications(
    const CallContext& call, const v1::ListCommunicationsRequest& req,
    v1::ListCommunicationsResponse* resp) {
  CommunicationQuery query;
  if (req.parent() != "customers/-") {
    CSM_ASSIGN_OR_RETURN(query.customer_id, CustomerStore::ParseCustomerName(
                                                req.parent(), "parent"));
  }
  CSM_ASSIGN_OR_RETURN(query.limit, ResolvePageSize(req.page_size()));
  CSM_ASSIGN_OR_RETURN(
      query.filter,
      ParseFilter(req.filter(), {"channel", "staff_id", "contact_time"}));
  const std::string fp =
      absl::StrCat("communications|", req.parent(), "|", req.filter());
  CSM_ASSIGN_OR_RETURN(query.after, DecodeToken(req.page_token(), fp));
  return RunWithConnection(
      *pool_, call.deadline, [&](MysqlConnection& conn) -> absl::Status {
        if (query.customer_id != 0) {
          CSM_RETURN_IF_ERROR(
              customers_.GetCustomer(conn, query.customer_id, false).status());
        }
        CSM_ASSIGN_OR_RETURN(auto page, store_.ListCommunications(conn, query));
        resp->Clear();
        for (auto& item : page.items) {
          *resp->add_communications() = std::move(item);
        }
        resp->set_next_page_token(EncodeToken(page.next, fp));
        return absl::OkStatus();
      });
}

// ---------------------------------------------------------------- promises

grpc::Status CommunicationApi::KeepPromise(grpc::ServerContext* ctx,
                                           const v1::KeepPromiseRequest* req,
                                           v1::Communication* resp) {
  return runtime_->Handle(
      ctx, "KeepPromise", kStaff,
      [&](const CallContext& call) { return DoKeepPromise(call, *req, resp); });
}

absl::Status CommunicationApi::DoKeepPromise(const CallContext& call,
                                             const v1::KeepPromiseRequest& req,
                                             v1::Communication* resp) {
  CSM_ASSIGN_OR_RETURN(auto ids,
                       VisitStore::ParseCommunicationName(req.name(), "name"));
  if (CountCodePoints(req.note()) > kMaxRecordTextLength) {
    return InvalidField(
        "note",
        absl::StrCat("must be at most ", kMaxRecordTextLength, " characters"));
  }
  const absl::CivilDay today = BusinessDate(call.start);
  return RunMutation(
      *pool_, *outbox_, call, req.request_id(), req, resp,
      [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(v1::Customer c,
                             customers_.GetCustomer(conn, ids.first, false));
        CSM_ASSIGN_OR_RETURN(
            v1::Communication m,
            store_.GetCommunication(conn, ids.first, ids.second, true));
        // The staff member who promised, or whoever maintains the archive.
        if (m.staff_id() != call.principal.staff_id &&
            !MayMaintain(call.principal, AccessOf(c))) {
          return absl::PermissionDeniedError(absl::StrCat(
              call.principal.staff_id, " may not mark ", m.name(),
              " kept: only ", m.staff_id(),
              " who made the promise, the archive's owner, a supervisor or "
              "manager of department ",
              c.department(), ", or an archivist may"));
        }
        CSM_RETURN_IF_ERROR(RequireOpen(c));
        if (!m.has_promise()) {
          return absl::FailedPreconditionError(
              absl::StrCat(m.name(), " holds no promise to keep"));
        }
        if (m.promise().state() == v1::PROMISE_STATE_KEPT) {
          return absl::FailedPreconditionError(
              absl::StrCat("the promise of ", m.name(), " is already kept"));
        }
        CSM_ASSIGN_OR_RETURN(absl::CivilDay due,
                             FromProtoDate(m.promise().due_date()));
        const bool late = PromiseKeptLate(m.promise().state(), due, today);
        CSM_RETURN_IF_ERROR(
            store_.KeepPromise(conn, ids.second, req.note(), late, call.start));
        CSM_ASSIGN_OR_RETURN(
            *resp, store_.GetCommunication(conn, ids.first, ids.second, false));
        ev::PromiseKept event;
        *event.mutable_customer() = Snapshot(c);
        event.set_communication(m.name());
        event.set_staff_id(m.staff_id());
        event.set_late(late);
        *event.mutable_due_date() = m.promise().due_date();
        return outbox_->Append(conn, call, c.name(), event);
      });
}

grpc::Status CommunicationApi::ListOverduePromises(
    grpc::ServerContext* ctx, const v1::ListOverduePromisesRequest* req,
    v1::ListOverduePromisesResponse* resp) {
  return runtime_->Handle(ctx, "ListOverduePromises", kStaff,
                          [&](const CallContext& call) {
                            return DoListOverduePromises(call, *req, resp);
                          });
}

absl::Status CommunicationApi::DoListOverduePromises(
    const CallContext& call, const v1::ListOverduePromisesRequest& req,
    v1::ListOverduePromisesResponse* resp) {
  const std::string staff =
      req.staff_id().empty() ? call.principal.staff_id : req.staff_id();
  if (CountCodePoints(staff) > kMaxStaffIdLength) {
    return InvalidField(
        "staff_id",
        absl::StrCat("must be at most ", kMaxStaffIdLength, " characters"));
  }
  if (staff != call.principal.staff_id &&
      !call.principal.roles.Intersects(kSupervisors)) {
    return absl::PermissionDeniedError(absl::StrCat(
        call.principal.staff_id, " may list only their own overdue promises; ",
        "another staff member's list needs a supervisor, manager or "
        "archivist"));
  }
  CSM_ASSIGN_OR_RETURN(int limit, ResolvePageSize(req.page_size()));
  const std::string fp = absl::StrCat("overduePromises|", staff);
  CSM_ASSIGN_OR_RETURN(auto after, DecodeToken(req.page_token(), fp));
  const absl::CivilDay today = BusinessDate(call.start);
  return RunWithConnection(
      *pool_, call.deadline, [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(auto page, store_.ListOverduePromises(
                                            conn, staff, today, after, limit));
        resp->Clear();
        for (auto& item : page.items) {
          *resp->add_communications() = std::move(item);
        }
        resp->set_next_page_token(EncodeToken(page.next, fp));
        return absl::OkStatus();
      });
}

}  // namespace csm::customer
