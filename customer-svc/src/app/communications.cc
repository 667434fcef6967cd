// Communication records (沟通记录) and the promises they carry (承诺).
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "common/business_time.h"
#include "common/etag.h"
#include "common/filter.h"
#include "common/idempotency.h"
#include "common/paging.h"
#include "common/status.h"
#include "csm/events/v1/customer_events.pb.h"
#include "customer-svc/src/app/archive_mutation.h"
#include "customer-svc/src/app/communication_use_cases.h"
#include "customer-svc/src/app/roles.h"
#include "customer-svc/src/domain/archive_access.h"
#include "customer-svc/src/domain/customer_rules.h"
#include "customer-svc/src/domain/service_records.h"
#include "customer-svc/src/domain/visit_schedule.h"

namespace csm::customer::app {

namespace ev = ::csm::events::v1;

absl::Status RecordCommunication(Backend& b, const CallContext& call,
                                 const v1::RecordCommunicationRequest& req,
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
      b.pool, b.outbox, call, req.request_id(), req, resp,
      [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(v1::Customer c,
                             b.customers.GetCustomer(conn, id, false));
        CSM_RETURN_IF_ERROR(RequireOpen(c));
        v1::Communication record = communication;
        CSM_RETURN_IF_ERROR(b.visits.InsertCommunication(
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
        CSM_RETURN_IF_ERROR(b.outbox.Append(conn, call, c.name(), event));
        *resp = std::move(record);
        return absl::OkStatus();
      });
}

absl::Status ListCommunications(Backend& b, const CallContext& call,
                                const v1::ListCommunicationsRequest& req,
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
      b.pool, call.deadline, [&](MysqlConnection& conn) -> absl::Status {
        if (query.customer_id != 0) {
          CSM_RETURN_IF_ERROR(
              b.customers.GetCustomer(conn, query.customer_id, false).status());
        }
        CSM_ASSIGN_OR_RETURN(auto page,
                             b.visits.ListCommunications(conn, query));
        resp->Clear();
        for (auto& item : page.items) {
          *resp->add_communications() = std::move(item);
        }
        resp->set_next_page_token(EncodeToken(page.next, fp));
        return absl::OkStatus();
      });
}

absl::Status KeepPromise(Backend& b, const CallContext& call,
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
      b.pool, b.outbox, call, req.request_id(), req, resp,
      [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(v1::Customer c,
                             b.customers.GetCustomer(conn, ids.first, false));
        CSM_ASSIGN_OR_RETURN(
            v1::Communication m,
            b.visits.GetCommunication(conn, ids.first, ids.second, true));
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
        CSM_RETURN_IF_ERROR(b.visits.KeepPromise(conn, ids.second, req.note(),
                                                 late, call.start));
        CSM_ASSIGN_OR_RETURN(*resp, b.visits.GetCommunication(
                                        conn, ids.first, ids.second, false));
        ev::PromiseKept event;
        *event.mutable_customer() = Snapshot(c);
        event.set_communication(m.name());
        event.set_staff_id(m.staff_id());
        event.set_late(late);
        *event.mutable_due_date() = m.promise().due_date();
        return b.outbox.Append(conn, call, c.name(), event);
      });
}

absl::Status ListOverduePromises(Backend& b, const CallContext& call,
                                 const v1::ListOverduePromisesRequest& req,
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
      b.pool, call.deadline, [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(auto page, b.visits.ListOverduePromises(
                                            conn, staff, today, after, limit));
        resp->Clear();
        for (auto& item : page.items) {
          *resp->add_communications() = std::move(item);
        }
        resp->set_next_page_token(EncodeToken(page.next, fp));
        return absl::OkStatus();
      });
}

}  // namespace csm::customer::app
