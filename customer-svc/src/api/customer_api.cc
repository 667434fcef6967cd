#include "customer-svc/src/api/customer_api.h"

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "common/business_time.h"
#include "common/etag.h"
#include "common/filter.h"
#include "common/idempotency.h"
#include "common/paging.h"
#include "common/status.h"
#include "csm/events/v1/customer_events.pb.h"
#include "customer-svc/src/api/api_common.h"
#include "customer-svc/src/domain/allocation.h"
#include "customer-svc/src/domain/archive_access.h"
#include "customer-svc/src/domain/customer_rules.h"
#include "customer-svc/src/domain/masking.h"
#include "customer-svc/src/store/visit_store.h"

namespace csm::customer {
namespace {

namespace ev = ::csm::events::v1;

int64_t VersionOf(const v1::Customer& c) {
  int64_t v = 0;
  (void)absl::SimpleAtoi(c.etag(), &v);
  return v;
}

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

// Whether a call asks for unmasked data; FULL needs a stated purpose.
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

v1::Contact MaskedContact(const v1::Contact& contact) {
  v1::Customer holder;
  *holder.add_contacts() = contact;
  MaskCustomer(&holder);
  return holder.contacts(0);
}

const v1::Contact* FindContact(const v1::Customer& c, absl::string_view name) {
  for (const v1::Contact& contact : c.contacts()) {
    if (contact.name() == name) return &contact;
  }
  return nullptr;
}

absl::CivilDay Today(const CallContext& call) {
  return absl::ToCivilDay(call.start, BusinessTimeZone());
}

absl::StatusOr<std::string> ParseTeamName(absl::string_view name,
                                          absl::string_view field) {
  if (!absl::ConsumePrefix(&name, "teams/") || !IsValidResourceId(name)) {
    return InvalidField(std::string(field),
                        "expected teams/{team} with team of [a-z0-9-]{1,63}");
  }
  return std::string(name);
}

FieldViolations ValidateTeam(const v1::Team& team, absl::string_view prefix,
                             const std::set<std::string>& only) {
  FieldViolations v;
  auto wants = [&](const char* f) { return only.empty() || only.contains(f); };
  if (wants("display_name")) {
    CheckRequiredText(absl::StrCat(prefix, "display_name"), team.display_name(),
                      kMaxDisplayNameLength, &v);
  }
  if (wants("department")) {
    CheckRequiredText(absl::StrCat(prefix, "department"), team.department(),
                      kMaxDepartmentLength, &v);
  }
  if (wants("member_ids")) {
    std::map<std::string, int> seen;
    for (int i = 0; i < team.member_ids_size(); ++i) {
      const std::string& m = team.member_ids(i);
      const std::string field = absl::StrCat(prefix, "member_ids[", i, "]");
      if (!IsValidStaffId(m)) {
        v.Add(field, absl::StrCat("a staff id of 1 to ", kMaxStaffIdLength,
                                  " characters"));
      } else if (auto [it, fresh] = seen.emplace(m, i); !fresh) {
        v.Add(field, absl::StrCat("is listed twice (also member_ids[",
                                  it->second, "])"));
      }
    }
  }
  return v;
}

}  // namespace

CustomerApi::CustomerApi(MysqlPool* pool, Outbox* outbox, RpcRuntime* runtime)
    : pool_(pool), outbox_(outbox), runtime_(runtime) {}

// ---------------------------------------------------------------- archives

grpc::Status CustomerApi::CreateCustomer(grpc::ServerContext* ctx,
                                         const v1::CreateCustomerRequest* req,
                                         v1::CreateCustomerResponse* resp) {
  return runtime_->Handle(ctx, "CreateCustomer", kCreators,
                          [&](const CallContext& call) {
                            return DoCreateCustomer(call, *req, resp);
                          });
}

absl::Status CustomerApi::DoCreateCustomer(const CallContext& call,
                                           const v1::CreateCustomerRequest& req,
                                           v1::CreateCustomerResponse* resp) {
  CSM_RETURN_IF_ERROR(ValidateNewCustomer(req.customer()).ToStatus());
  v1::Customer customer = req.customer();
  ClearOutputOnlyFields(&customer);
  const bool allocate = customer.owner_id().empty();
  if (!allocate && !MayAssignOwner(call.principal)) {
    return absl::PermissionDeniedError(
        "agents cannot choose an archive's owner: new archives are allocated "
        "fairly within the team (抢客 is not allowed); leave owner_id empty");
  }
  if (customer.grade() == v1::GRADE_UNSPECIFIED) {
    customer.set_grade(v1::GRADE_C);
  }
  if (customer.lifecycle_status() == v1::LIFECYCLE_STATUS_UNSPECIFIED) {
    customer.set_lifecycle_status(v1::LIFECYCLE_STATUS_PROSPECT);
  }
  customer.set_state(v1::ARCHIVE_STATE_OPEN);
  customer.set_creator_id(call.principal.staff_id);
  customer.set_credit_code(NormalizeCreditCode(customer.credit_code()));
  bool has_primary = false;
  for (const v1::Contact& c : customer.contacts()) has_primary |= c.primary();
  if (!has_primary) customer.mutable_contacts(0)->set_primary(true);
  const std::string normalized_name = NormalizeName(customer.display_name());
  std::vector<std::string> phones;
  for (const v1::Contact& c : customer.contacts()) {
    for (const std::string& p : c.phones()) phones.push_back(NormalizePhone(p));
  }

  return RunMutation(
      *pool_, *outbox_, call, req.request_id(), req, resp,
      [&](MysqlConnection& conn) -> absl::Status {
        v1::Customer c = customer;
        resp->Clear();
        // Lock order for every create: team, archive counter, outbox counter.
        // The team row lock serialises allocations within a team, so two
        // simultaneous creates never both pick the same least-loaded member.
        CSM_ASSIGN_OR_RETURN(TeamRecord team,
                             store_.GetTeam(conn, c.team(), /*lock=*/allocate));
        if (allocate) {
          std::vector<std::string> members(team.team.member_ids().begin(),
                                           team.team.member_ids().end());
          CSM_ASSIGN_OR_RETURN(auto counts,
                               store_.OpenArchiveCounts(conn, members));
          auto choice = ChooseOwner(c.team(), members, counts, team.rr_cursor);
          if (!choice.ok()) {
            return choice.status();
          }
          c.set_owner_id(choice->owner_id);
          CSM_RETURN_IF_ERROR(
              store_.SetTeamCursor(conn, c.team(), choice->next_cursor));
        } else {
          bool member = false;
          for (const std::string& m : team.team.member_ids()) {
            member |= m == c.owner_id();
          }
          if (!member) {
            return absl::FailedPreconditionError(absl::StrCat(
                c.owner_id(), " is not a member of teams/", c.team(),
                "; add them to the team or choose a member"));
          }
        }
        c.set_department(team.team.department());

        const absl::CivilSecond local =
            absl::ToCivilSecond(call.start, BusinessTimeZone());
        CSM_ASSIGN_OR_RETURN(int64_t seq,
                             store_.NextArchiveSequence(
                                 conn, absl::StrFormat("%04d%02d", local.year(),
                                                       local.month())));
        c.set_archive_number(FormatArchiveNumber(static_cast<int>(local.year()),
                                                 local.month(), seq));

        if (!c.credit_code().empty()) {
          CSM_ASSIGN_OR_RETURN(
              auto existing,
              store_.FindByCreditCode(conn, c.kind(), c.credit_code()));
          if (existing.has_value()) {
            // Names the archive, never the code or the customer's name: the
            // caller learns where the duplicate is, and reads it (masked or
            // registered) like any other archive.
            return absl::AlreadyExistsError(absl::StrCat(
                "an archive for this ",
                c.kind() == v1::CUSTOMER_KIND_INDIVIDUAL ? "ID number"
                                                         : "credit code",
                " already exists: ", existing->name(), " (",
                existing->archive_number(),
                existing->state() == v1::ARCHIVE_STATE_CLOSED
                    ? ", closed: reopen it instead"
                    : "",
                ")"));
          }
        }
        CSM_ASSIGN_OR_RETURN(auto warnings, store_.FindLikelyDuplicates(
                                                conn, normalized_name, phones));
        CSM_RETURN_IF_ERROR(
            store_.InsertCustomer(conn, &c, normalized_name, call.start));
        CSM_ASSIGN_OR_RETURN(
            int64_t id, CustomerStore::ParseCustomerName(c.name(), "name"));

        v1::OwnerChange owner;
        owner.set_to_owner_id(c.owner_id());
        owner.set_to_team(c.team());
        owner.set_allocated(allocate);
        owner.set_reason(allocate
                             ? "fair allocation at creation (least loaded, "
                               "round-robin on ties)"
                             : "assigned at creation");
        CSM_RETURN_IF_ERROR(store_.InsertOwnerChange(
            conn, id, owner, call.principal, call.start));
        CSM_RETURN_IF_ERROR(store_.InsertChange(
            conn, id, "CreateCustomer", call.principal, call.request_id,
            {{"state", "", v1::ArchiveState_Name(c.state())},
             {"owner_id", "", c.owner_id()}},
            call.start));

        ev::CustomerCreated created;
        *created.mutable_customer() = Snapshot(c);
        CSM_RETURN_IF_ERROR(outbox_->Append(conn, call, c.name(), created));
        ev::CustomerOwnerChanged owned;
        *owned.mutable_customer() = Snapshot(c);
        owned.set_to_owner_id(c.owner_id());
        owned.set_reason(owner.reason());
        owned.set_allocated(allocate);
        CSM_RETURN_IF_ERROR(outbox_->Append(conn, call, c.name(), owned));

        MaskCustomer(&c);
        *resp->mutable_customer() = std::move(c);
        for (v1::DuplicateWarning& w : warnings) {
          *resp->add_duplicate_warnings() = std::move(w);
        }
        return absl::OkStatus();
      });
}

grpc::Status CustomerApi::GetCustomer(grpc::ServerContext* ctx,
                                      const v1::GetCustomerRequest* req,
                                      v1::Customer* resp) {
  return runtime_->Handle(
      ctx, "GetCustomer", kReaders,
      [&](const CallContext& call) { return DoGetCustomer(call, *req, resp); });
}

absl::Status CustomerApi::DoGetCustomer(const CallContext& call,
                                        const v1::GetCustomerRequest& req,
                                        v1::Customer* resp) {
  CSM_ASSIGN_OR_RETURN(int64_t id,
                       CustomerStore::ParseCustomerName(req.name(), "name"));
  CSM_ASSIGN_OR_RETURN(bool full,
                       WantsFullView(req.view(), req.access_purpose()));
  if (!full) {
    return RunWithConnection(
        *pool_, call.deadline, [&](MysqlConnection& conn) -> absl::Status {
          CSM_ASSIGN_OR_RETURN(*resp, store_.GetCustomer(conn, id, false));
          MaskCustomer(resp);
          return absl::OkStatus();
        });
  }
  // The unmasked read and its register entry commit together: no read
  // without a record.
  return RunInTransaction(
      *pool_, call.deadline, [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(*resp, store_.GetCustomer(conn, id, false));
        if (!MayViewUnmasked(call.principal, AccessOf(*resp))) {
          return absl::PermissionDeniedError(absl::StrCat(
              call.principal.staff_id, " may not read ", req.name(),
              " unmasked: only its owner, a supervisor or manager of "
              "department ",
              resp->department(), ", or an archivist may"));
        }
        return store_.InsertAccessRecord(conn, id, call.principal,
                                         req.access_purpose(), "GetCustomer",
                                         call.start);
      });
}

grpc::Status CustomerApi::ListCustomers(grpc::ServerContext* ctx,
                                        const v1::ListCustomersRequest* req,
                                        v1::ListCustomersResponse* resp) {
  return runtime_->Handle(ctx, "ListCustomers", kReaders,
                          [&](const CallContext& call) {
                            return DoListCustomers(call, *req, resp);
                          });
}

absl::Status CustomerApi::DoListCustomers(const CallContext& call,
                                          const v1::ListCustomersRequest& req,
                                          v1::ListCustomersResponse* resp) {
  static const std::set<std::string> kFilterFields = {"owner_id",
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
  CustomerListQuery query;
  CSM_ASSIGN_OR_RETURN(query.limit, ResolvePageSize(req.page_size()));
  CSM_ASSIGN_OR_RETURN(query.filter, ParseFilter(req.filter(), kFilterFields));
  CSM_ASSIGN_OR_RETURN(query.order, ParseCustomerOrder(req.order_by()));
  CSM_ASSIGN_OR_RETURN(bool full,
                       WantsFullView(req.view(), req.access_purpose()));
  const std::string fingerprint =
      absl::StrCat("customers|", req.filter(), "|", req.order_by());
  CSM_ASSIGN_OR_RETURN(query.after, DecodeToken(req.page_token(), fingerprint));

  auto body = [&](MysqlConnection& conn) -> absl::Status {
    resp->Clear();
    CSM_ASSIGN_OR_RETURN(Page<v1::Customer> page,
                         store_.ListCustomers(conn, query));
    for (v1::Customer& c : page.items) {
      if (full && MayViewUnmasked(call.principal, AccessOf(c))) {
        CSM_ASSIGN_OR_RETURN(
            int64_t id, CustomerStore::ParseCustomerName(c.name(), "name"));
        CSM_RETURN_IF_ERROR(store_.InsertAccessRecord(
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
  return full ? RunInTransaction(*pool_, call.deadline, body)
              : RunWithConnection(*pool_, call.deadline, body);
}

grpc::Status CustomerApi::UpdateCustomer(grpc::ServerContext* ctx,
                                         const v1::UpdateCustomerRequest* req,
                                         v1::Customer* resp) {
  return runtime_->Handle(ctx, "UpdateCustomer", kMaintainers,
                          [&](const CallContext& call) {
                            return DoUpdateCustomer(call, *req, resp);
                          });
}

absl::Status CustomerApi::DoUpdateCustomer(const CallContext& call,
                                           const v1::UpdateCustomerRequest& req,
                                           v1::Customer* resp) {
  CSM_ASSIGN_OR_RETURN(int64_t id, CustomerStore::ParseCustomerName(
                                       req.customer().name(), "customer.name"));
  const std::vector<std::string> paths(req.update_mask().paths().begin(),
                                       req.update_mask().paths().end());
  CSM_RETURN_IF_ERROR(ValidateCustomerUpdate(req.customer(), paths).ToStatus());
  CSM_ASSIGN_OR_RETURN(const int64_t expected,
                       ParseEtag(req.customer().etag(), "customer.etag"));

  return RunMutation(
      *pool_, *outbox_, call, req.request_id(), req, resp,
      [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(v1::Customer current,
                             store_.GetCustomer(conn, id, /*lock=*/true));
        CSM_RETURN_IF_ERROR(RequireMaintainer(call, current));
        CSM_RETURN_IF_ERROR(RequireOpen(current));
        CSM_RETURN_IF_ERROR(
            CheckEtag(current.name(), current.etag(), expected));
        const int64_t version = VersionOf(current);
        const std::string old_code = current.credit_code();
        std::vector<FieldChangeRecord> changes;
        CSM_RETURN_IF_ERROR(
            ApplyCustomerUpdate(req.customer(), paths, &current, &changes));
        if (changes.empty()) {
          *resp = std::move(current);
          MaskCustomer(resp);
          return absl::OkStatus();
        }
        if (current.credit_code() != old_code &&
            !current.credit_code().empty()) {
          CSM_ASSIGN_OR_RETURN(auto existing,
                               store_.FindByCreditCode(conn, current.kind(),
                                                       current.credit_code()));
          if (existing.has_value() && existing->name() != current.name()) {
            return absl::AlreadyExistsError(absl::StrCat(
                "another archive already has this code: ", existing->name(),
                " (", existing->archive_number(), ")"));
          }
        }
        CSM_RETURN_IF_ERROR(store_.UpdateCustomer(
            conn, current, NormalizeName(current.display_name()), version,
            call.start));
        CSM_RETURN_IF_ERROR(store_.InsertChange(conn, id, "UpdateCustomer",
                                                call.principal, call.request_id,
                                                changes, call.start));
        CSM_ASSIGN_OR_RETURN(*resp, store_.GetCustomer(conn, id, false));
        ev::CustomerUpdated updated;
        *updated.mutable_customer() = Snapshot(*resp);
        for (const FieldChangeRecord& f : changes)
          updated.add_changed_fields(f.field);
        CSM_RETURN_IF_ERROR(outbox_->Append(conn, call, resp->name(), updated));
        MaskCustomer(resp);
        return absl::OkStatus();
      });
}

grpc::Status CustomerApi::CloseCustomer(grpc::ServerContext* ctx,
                                        const v1::CloseCustomerRequest* req,
                                        v1::Customer* resp) {
  return runtime_->Handle(
      ctx, "CloseCustomer", kSupervisors, [&](const CallContext& call) {
        return DoSetArchiveState(call, *req, req->name(), req->reason(),
                                 req->etag(), req->request_id(), true, resp);
      });
}

grpc::Status CustomerApi::ReopenCustomer(grpc::ServerContext* ctx,
                                         const v1::ReopenCustomerRequest* req,
                                         v1::Customer* resp) {
  return runtime_->Handle(
      ctx, "ReopenCustomer", kSupervisors, [&](const CallContext& call) {
        return DoSetArchiveState(call, *req, req->name(), req->reason(),
                                 req->etag(), req->request_id(), false, resp);
      });
}

absl::Status CustomerApi::DoSetArchiveState(
    const CallContext& call, const google::protobuf::Message& req,
    absl::string_view name, absl::string_view reason, absl::string_view etag,
    absl::string_view request_id, bool close, v1::Customer* resp) {
  CSM_ASSIGN_OR_RETURN(int64_t id,
                       CustomerStore::ParseCustomerName(name, "name"));
  CSM_RETURN_IF_ERROR(ValidateReason("reason", std::string(reason)));
  CSM_ASSIGN_OR_RETURN(const int64_t expected, ParseEtag(etag, "etag"));
  return RunMutation(
      *pool_, *outbox_, call, request_id, req, resp,
      [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(v1::Customer c,
                             store_.GetCustomer(conn, id, true));
        CSM_RETURN_IF_ERROR(RequireSupervisor(call, c));
        CSM_RETURN_IF_ERROR(CheckEtag(c.name(), c.etag(), expected));
        const v1::ArchiveState target =
            close ? v1::ARCHIVE_STATE_CLOSED : v1::ARCHIVE_STATE_OPEN;
        if (c.state() == target) {
          return absl::FailedPreconditionError(absl::StrCat(
              c.name(), " is already ", close ? "closed" : "open"));
        }
        const int64_t version = VersionOf(c);
        std::vector<FieldChangeRecord> changes = {
            {"state", v1::ArchiveState_Name(c.state()),
             v1::ArchiveState_Name(target)},
            {"close_reason", c.close_reason(),
             close ? std::string(reason) : std::string()}};
        c.set_state(target);
        c.set_close_reason(close ? std::string(reason) : std::string());
        CSM_RETURN_IF_ERROR(store_.UpdateCustomer(
            conn, c, NormalizeName(c.display_name()), version, call.start));
        CSM_RETURN_IF_ERROR(store_.InsertChange(
            conn, id, close ? "CloseCustomer" : "ReopenCustomer",
            call.principal, call.request_id, changes, call.start));
        CSM_ASSIGN_OR_RETURN(*resp, store_.GetCustomer(conn, id, false));
        if (close) {
          ev::CustomerClosed event;
          *event.mutable_customer() = Snapshot(*resp);
          event.set_reason(std::string(reason));
          CSM_RETURN_IF_ERROR(outbox_->Append(conn, call, resp->name(), event));
        } else {
          ev::CustomerReopened event;
          *event.mutable_customer() = Snapshot(*resp);
          event.set_reason(std::string(reason));
          CSM_RETURN_IF_ERROR(outbox_->Append(conn, call, resp->name(), event));
        }
        MaskCustomer(resp);
        return absl::OkStatus();
      });
}

// ---------------------------------------------------------------- contacts

grpc::Status CustomerApi::AddContact(grpc::ServerContext* ctx,
                                     const v1::AddContactRequest* req,
                                     v1::Contact* resp) {
  return runtime_->Handle(
      ctx, "AddContact", kMaintainers,
      [&](const CallContext& call) { return DoAddContact(call, *req, resp); });
}

absl::Status CustomerApi::DoAddContact(const CallContext& call,
                                       const v1::AddContactRequest& req,
                                       v1::Contact* resp) {
  CSM_ASSIGN_OR_RETURN(
      int64_t id, CustomerStore::ParseCustomerName(req.parent(), "parent"));
  CSM_RETURN_IF_ERROR(ValidateContact(req.contact(), "contact").ToStatus());
  return RunMutation(
      *pool_, *outbox_, call, req.request_id(), req, resp,
      [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(v1::Customer c,
                             store_.GetCustomer(conn, id, true));
        CSM_RETURN_IF_ERROR(RequireMaintainer(call, c));
        CSM_RETURN_IF_ERROR(RequireOpen(c));
        v1::Contact contact = req.contact();
        contact.clear_name();
        contact.clear_etag();
        contact.clear_create_time();
        bool has_primary = false;
        for (const v1::Contact& existing : c.contacts()) {
          has_primary |= existing.primary();
        }
        if (!has_primary) contact.set_primary(true);
        if (contact.primary() && has_primary) {
          CSM_RETURN_IF_ERROR(store_.ClearPrimary(conn, id, 0));
        }
        CSM_RETURN_IF_ERROR(
            store_.InsertContact(conn, id, &contact, call.start));
        CSM_RETURN_IF_ERROR(store_.TouchCustomer(conn, id, call.start));
        const std::string field =
            std::string(absl::StripPrefix(contact.name(), c.name() + "/"));
        CSM_RETURN_IF_ERROR(store_.InsertChange(
            conn, id, "AddContact", call.principal, call.request_id,
            ContactAddedChanges(contact, field), call.start));
        ev::CustomerUpdated updated;
        *updated.mutable_customer() = Snapshot(c);
        updated.add_changed_fields("contacts");
        CSM_RETURN_IF_ERROR(outbox_->Append(conn, call, c.name(), updated));
        *resp = MaskedContact(contact);
        return absl::OkStatus();
      });
}

grpc::Status CustomerApi::UpdateContact(grpc::ServerContext* ctx,
                                        const v1::UpdateContactRequest* req,
                                        v1::Contact* resp) {
  return runtime_->Handle(ctx, "UpdateContact", kMaintainers,
                          [&](const CallContext& call) {
                            return DoUpdateContact(call, *req, resp);
                          });
}

absl::Status CustomerApi::DoUpdateContact(const CallContext& call,
                                          const v1::UpdateContactRequest& req,
                                          v1::Contact* resp) {
  CSM_ASSIGN_OR_RETURN(auto ids, CustomerStore::ParseContactName(
                                     req.contact().name(), "contact.name"));
  const std::vector<std::string> paths(req.update_mask().paths().begin(),
                                       req.update_mask().paths().end());
  CSM_RETURN_IF_ERROR(ValidateContactUpdate(req.contact(), paths).ToStatus());
  CSM_ASSIGN_OR_RETURN(int64_t expected,
                       ParseEtag(req.contact().etag(), "contact.etag"));
  return RunMutation(
      *pool_, *outbox_, call, req.request_id(), req, resp,
      [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(v1::Customer c,
                             store_.GetCustomer(conn, ids.first, true));
        CSM_RETURN_IF_ERROR(RequireMaintainer(call, c));
        CSM_RETURN_IF_ERROR(RequireOpen(c));
        const v1::Contact* found = FindContact(c, req.contact().name());
        if (found == nullptr) {
          return absl::NotFoundError(absl::StrCat(
              "contact ", req.contact().name(), " does not exist"));
        }
        CSM_RETURN_IF_ERROR(CheckEtag(found->name(), found->etag(), expected));
        v1::Contact contact = *found;
        const bool was_primary = contact.primary();
        std::vector<FieldChangeRecord> changes;
        const std::string prefix =
            std::string(absl::StripPrefix(contact.name(), c.name() + "/"));
        CSM_RETURN_IF_ERROR(ApplyContactUpdate(req.contact(), paths, prefix,
                                               &contact, &changes));
        if (was_primary && !contact.primary()) {
          return absl::FailedPreconditionError(
              "an archive keeps one primary contact: mark another contact "
              "primary instead of unmarking this one");
        }
        if (changes.empty()) {
          *resp = MaskedContact(contact);
          return absl::OkStatus();
        }
        if (contact.primary() && !was_primary) {
          CSM_RETURN_IF_ERROR(store_.ClearPrimary(conn, ids.first, ids.second));
        }
        CSM_RETURN_IF_ERROR(store_.UpdateContact(conn, ids.second, contact));
        CSM_RETURN_IF_ERROR(store_.TouchCustomer(conn, ids.first, call.start));
        CSM_RETURN_IF_ERROR(store_.InsertChange(
            conn, ids.first, "UpdateContact", call.principal, call.request_id,
            changes, call.start));
        ev::CustomerUpdated updated;
        *updated.mutable_customer() = Snapshot(c);
        updated.add_changed_fields("contacts");
        CSM_RETURN_IF_ERROR(outbox_->Append(conn, call, c.name(), updated));
        CSM_ASSIGN_OR_RETURN(v1::Customer after,
                             store_.GetCustomer(conn, ids.first, false));
        const v1::Contact* stored = FindContact(after, contact.name());
        *resp = MaskedContact(stored != nullptr ? *stored : contact);
        return absl::OkStatus();
      });
}

grpc::Status CustomerApi::RemoveContact(grpc::ServerContext* ctx,
                                        const v1::RemoveContactRequest* req,
                                        v1::Customer* resp) {
  return runtime_->Handle(ctx, "RemoveContact", kMaintainers,
                          [&](const CallContext& call) {
                            return DoRemoveContact(call, *req, resp);
                          });
}

absl::Status CustomerApi::DoRemoveContact(const CallContext& call,
                                          const v1::RemoveContactRequest& req,
                                          v1::Customer* resp) {
  CSM_ASSIGN_OR_RETURN(auto ids,
                       CustomerStore::ParseContactName(req.name(), "name"));
  return RunMutation(
      *pool_, *outbox_, call, req.request_id(), req, resp,
      [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(v1::Customer c,
                             store_.GetCustomer(conn, ids.first, true));
        CSM_RETURN_IF_ERROR(RequireMaintainer(call, c));
        CSM_RETURN_IF_ERROR(RequireOpen(c));
        const v1::Contact* found = FindContact(c, req.name());
        if (found == nullptr) {
          return absl::NotFoundError(
              absl::StrCat("contact ", req.name(), " does not exist"));
        }
        if (c.contacts_size() == 1) {
          return absl::FailedPreconditionError(
              "an archive keeps at least one contact: add another before "
              "removing this one");
        }
        CSM_RETURN_IF_ERROR(store_.RemoveContact(conn, ids.second, call.start));
        if (found->primary()) {
          // The oldest remaining contact becomes primary.
          for (const v1::Contact& other : c.contacts()) {
            if (other.name() == found->name()) continue;
            v1::Contact promoted = other;
            promoted.set_primary(true);
            CSM_ASSIGN_OR_RETURN(
                auto other_ids,
                CustomerStore::ParseContactName(other.name(), "name"));
            CSM_RETURN_IF_ERROR(
                store_.UpdateContact(conn, other_ids.second, promoted));
            break;
          }
        }
        CSM_RETURN_IF_ERROR(store_.TouchCustomer(conn, ids.first, call.start));
        const std::string field =
            std::string(absl::StripPrefix(found->name(), c.name() + "/"));
        CSM_RETURN_IF_ERROR(store_.InsertChange(
            conn, ids.first, "RemoveContact", call.principal, call.request_id,
            ContactRemovedChanges(*found, field), call.start));
        CSM_ASSIGN_OR_RETURN(*resp, store_.GetCustomer(conn, ids.first, false));
        ev::CustomerUpdated updated;
        *updated.mutable_customer() = Snapshot(*resp);
        updated.add_changed_fields("contacts");
        CSM_RETURN_IF_ERROR(outbox_->Append(conn, call, resp->name(), updated));
        MaskCustomer(resp);
        return absl::OkStatus();
      });
}

// Lists one kind of record kept under an archive (grade, credit and owner
// history, dealings): the archive must exist; keyset pages bound to parent.
template <typename Item, typename Request, typename Response>
absl::Status CustomerApi::ListOfArchive(
    const CallContext& call, const Request& req, absl::string_view kind,
    const std::function<absl::StatusOr<Page<Item>>(
        MysqlConnection&, int64_t, std::optional<PageCursor>, int)>& list,
    google::protobuf::RepeatedPtrField<Item>* out, Response* resp) {
  CSM_ASSIGN_OR_RETURN(
      int64_t id, CustomerStore::ParseCustomerName(req.parent(), "parent"));
  CSM_ASSIGN_OR_RETURN(int limit, ResolvePageSize(req.page_size()));
  const std::string fp = absl::StrCat(kind, "|", req.parent());
  CSM_ASSIGN_OR_RETURN(auto after, DecodeToken(req.page_token(), fp));
  return RunWithConnection(
      *pool_, call.deadline, [&](MysqlConnection& conn) -> absl::Status {
        CSM_RETURN_IF_ERROR(store_.GetCustomer(conn, id, false).status());
        CSM_ASSIGN_OR_RETURN(Page<Item> page, list(conn, id, after, limit));
        resp->Clear();
        for (Item& item : page.items) *out->Add() = std::move(item);
        resp->set_next_page_token(EncodeToken(page.next, fp));
        return absl::OkStatus();
      });
}

// ------------------------------------------------------ grade, credit, owner

grpc::Status CustomerApi::ChangeGrade(grpc::ServerContext* ctx,
                                      const v1::ChangeGradeRequest* req,
                                      v1::Customer* resp) {
  return runtime_->Handle(
      ctx, "ChangeGrade", kMaintainers,
      [&](const CallContext& call) { return DoChangeGrade(call, *req, resp); });
}

absl::Status CustomerApi::DoChangeGrade(const CallContext& call,
                                        const v1::ChangeGradeRequest& req,
                                        v1::Customer* resp) {
  CSM_ASSIGN_OR_RETURN(int64_t id,
                       CustomerStore::ParseCustomerName(req.name(), "name"));
  CSM_ASSIGN_OR_RETURN(const int64_t expected, ParseEtag(req.etag(), "etag"));
  // Input errors first, before any lookup (from == to is checked below).
  {
    absl::Status input =
        CheckGradeChange(v1::GRADE_UNSPECIFIED, req.grade(), req.reason());
    if (!input.ok() && absl::IsInvalidArgument(input)) return input;
  }
  return RunMutation(
      *pool_, *outbox_, call, req.request_id(), req, resp,
      [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(v1::Customer c,
                             store_.GetCustomer(conn, id, true));
        CSM_RETURN_IF_ERROR(RequireMaintainer(call, c));
        CSM_RETURN_IF_ERROR(RequireOpen(c));
        CSM_RETURN_IF_ERROR(CheckEtag(c.name(), c.etag(), expected));
        const v1::Grade from = c.grade();
        CSM_RETURN_IF_ERROR(CheckGradeChange(from, req.grade(), req.reason()));
        const int64_t version = VersionOf(c);
        c.set_grade(req.grade());
        CSM_RETURN_IF_ERROR(store_.UpdateCustomer(
            conn, c, NormalizeName(c.display_name()), version, call.start));
        CSM_RETURN_IF_ERROR(
            store_.InsertGradeChange(conn, id, from, req.grade(), req.reason(),
                                     call.principal, call.start));
        CSM_RETURN_IF_ERROR(store_.InsertChange(
            conn, id, "ChangeGrade", call.principal, call.request_id,
            {{"grade", v1::Grade_Name(from), v1::Grade_Name(req.grade())}},
            call.start));
        // A grade may tighten the visit schedule (客户分级): the open visit
        // plans follow the new grade in the same transaction.
        CSM_ASSIGN_OR_RETURN(std::vector<PlanMove> moves,
                             VisitStore().RescheduleCustomerPlans(conn, id));
        CSM_ASSIGN_OR_RETURN(*resp, store_.GetCustomer(conn, id, false));
        ev::CustomerGradeChanged event;
        *event.mutable_customer() = Snapshot(*resp);
        event.set_from_grade(v1::Grade_Name(from));
        event.set_to_grade(v1::Grade_Name(req.grade()));
        event.set_reason(req.reason());
        CSM_RETURN_IF_ERROR(outbox_->Append(conn, call, resp->name(), event));
        CSM_RETURN_IF_ERROR(
            AppendPlanMoves(conn, *outbox_, call, moves, "grade"));
        MaskCustomer(resp);
        return absl::OkStatus();
      });
}

grpc::Status CustomerApi::ListGradeChanges(
    grpc::ServerContext* ctx, const v1::ListGradeChangesRequest* req,
    v1::ListGradeChangesResponse* resp) {
  return runtime_->Handle(
      ctx, "ListGradeChanges", kReaders, [&](const CallContext& call) {
        return ListOfArchive<v1::GradeChange>(
            call, *req, "grades",
            [&](MysqlConnection& conn, int64_t id,
                std::optional<PageCursor> after, int limit) {
              return store_.ListGradeChanges(conn, id, after, limit);
            },
            resp->mutable_grade_changes(), resp);
      });
}

grpc::Status CustomerApi::ChangeCreditRating(
    grpc::ServerContext* ctx, const v1::ChangeCreditRatingRequest* req,
    v1::Customer* resp) {
  return runtime_->Handle(ctx, "ChangeCreditRating", kSupervisors,
                          [&](const CallContext& call) {
                            return DoChangeCreditRating(call, *req, resp);
                          });
}

absl::Status CustomerApi::DoChangeCreditRating(
    const CallContext& call, const v1::ChangeCreditRatingRequest& req,
    v1::Customer* resp) {
  CSM_ASSIGN_OR_RETURN(int64_t id,
                       CustomerStore::ParseCustomerName(req.name(), "name"));
  CSM_ASSIGN_OR_RETURN(const int64_t expected, ParseEtag(req.etag(), "etag"));
  {
    absl::Status input = CheckCreditRatingChange(
        v1::CREDIT_RATING_UNSPECIFIED, req.credit_rating(), req.reason());
    if (!input.ok() && absl::IsInvalidArgument(input)) return input;
    FieldViolations v;
    const auto& a = req.assessment();
    for (const auto& [field, value] :
         {std::pair<const char*, const std::string*>{
              "assessment.payment_behaviour", &a.payment_behaviour()},
          {"assessment.capital", &a.capital()},
          {"assessment.operating_status", &a.operating_status()}}) {
      CheckMaxLength(field, *value, kMaxAssessmentTextLength, &v);
    }
    CSM_RETURN_IF_ERROR(v.ToStatus());
  }
  return RunMutation(
      *pool_, *outbox_, call, req.request_id(), req, resp,
      [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(v1::Customer c,
                             store_.GetCustomer(conn, id, true));
        CSM_RETURN_IF_ERROR(RequireSupervisor(call, c));
        CSM_RETURN_IF_ERROR(RequireOpen(c));
        CSM_RETURN_IF_ERROR(CheckEtag(c.name(), c.etag(), expected));
        const v1::CreditRating from = c.credit_rating();
        CSM_RETURN_IF_ERROR(
            CheckCreditRatingChange(from, req.credit_rating(), req.reason()));
        const int64_t version = VersionOf(c);
        c.set_credit_rating(req.credit_rating());
        CSM_RETURN_IF_ERROR(store_.UpdateCustomer(
            conn, c, NormalizeName(c.display_name()), version, call.start));
        CSM_RETURN_IF_ERROR(store_.InsertCreditRatingChange(
            conn, id, from, req.credit_rating(), req.reason(), req.assessment(),
            call.principal, call.start));
        CSM_RETURN_IF_ERROR(store_.InsertChange(
            conn, id, "ChangeCreditRating", call.principal, call.request_id,
            {{"credit_rating", v1::CreditRating_Name(from),
              v1::CreditRating_Name(req.credit_rating())}},
            call.start));
        CSM_ASSIGN_OR_RETURN(*resp, store_.GetCustomer(conn, id, false));
        ev::CustomerCreditRatingChanged event;
        *event.mutable_customer() = Snapshot(*resp);
        event.set_from_rating(v1::CreditRating_Name(from));
        event.set_to_rating(v1::CreditRating_Name(req.credit_rating()));
        event.set_reason(req.reason());
        CSM_RETURN_IF_ERROR(outbox_->Append(conn, call, resp->name(), event));
        MaskCustomer(resp);
        return absl::OkStatus();
      });
}

grpc::Status CustomerApi::ListCreditRatingChanges(
    grpc::ServerContext* ctx, const v1::ListCreditRatingChangesRequest* req,
    v1::ListCreditRatingChangesResponse* resp) {
  return runtime_->Handle(
      ctx, "ListCreditRatingChanges", kReaders, [&](const CallContext& call) {
        return ListOfArchive<v1::CreditRatingChange>(
            call, *req, "credit",
            [&](MysqlConnection& conn, int64_t id,
                std::optional<PageCursor> after, int limit) {
              return store_.ListCreditRatingChanges(conn, id, after, limit);
            },
            resp->mutable_credit_rating_changes(), resp);
      });
}

grpc::Status CustomerApi::TransferOwnership(
    grpc::ServerContext* ctx, const v1::TransferOwnershipRequest* req,
    v1::Customer* resp) {
  return runtime_->Handle(ctx, "TransferOwnership", kSupervisors,
                          [&](const CallContext& call) {
                            return DoTransferOwnership(call, *req, resp);
                          });
}

absl::Status CustomerApi::DoTransferOwnership(
    const CallContext& call, const v1::TransferOwnershipRequest& req,
    v1::Customer* resp) {
  CSM_ASSIGN_OR_RETURN(int64_t id,
                       CustomerStore::ParseCustomerName(req.name(), "name"));
  {
    FieldViolations v;
    if (!IsValidStaffId(req.new_owner_id())) {
      v.Add("new_owner_id",
            absl::StrCat("required: the staff id of the new owner, at most ",
                         kMaxStaffIdLength, " characters"));
    }
    if (!req.team().empty() && !IsValidResourceId(req.team())) {
      v.Add("team", "a team id of [a-z0-9-]{1,63}");
    }
    absl::Status reason = ValidateReason("reason", req.reason());
    if (!reason.ok()) v.Add("reason", std::string(reason.message()));
    CSM_RETURN_IF_ERROR(v.ToStatus());
  }
  CSM_ASSIGN_OR_RETURN(const int64_t expected, ParseEtag(req.etag(), "etag"));
  return RunMutation(
      *pool_, *outbox_, call, req.request_id(), req, resp,
      [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(v1::Customer c,
                             store_.GetCustomer(conn, id, true));
        CSM_RETURN_IF_ERROR(RequireSupervisor(call, c));
        CSM_RETURN_IF_ERROR(RequireOpen(c));
        CSM_RETURN_IF_ERROR(CheckEtag(c.name(), c.etag(), expected));
        const std::string team_id = req.team().empty() ? c.team() : req.team();
        CSM_ASSIGN_OR_RETURN(TeamRecord team,
                             store_.GetTeam(conn, team_id, false));
        if (std::find(team.team.member_ids().begin(),
                      team.team.member_ids().end(),
                      req.new_owner_id()) == team.team.member_ids().end()) {
          return absl::FailedPreconditionError(absl::StrCat(
              req.new_owner_id(), " is not a member of teams/", team_id));
        }
        if (req.new_owner_id() == c.owner_id() && team_id == c.team()) {
          return absl::FailedPreconditionError(
              absl::StrCat(c.name(), " is already owned by ", c.owner_id(),
                           " in teams/", team_id));
        }
        v1::OwnerChange change;
        change.set_from_owner_id(c.owner_id());
        change.set_to_owner_id(req.new_owner_id());
        change.set_from_team(c.team());
        change.set_to_team(team_id);
        change.set_reason(req.reason());
        std::vector<FieldChangeRecord> changes = {
            {"owner_id", c.owner_id(), req.new_owner_id()}};
        if (team_id != c.team()) changes.push_back({"team", c.team(), team_id});
        if (team.team.department() != c.department()) {
          changes.push_back(
              {"department", c.department(), team.team.department()});
        }
        const int64_t version = VersionOf(c);
        c.set_owner_id(req.new_owner_id());
        c.set_team(team_id);
        c.set_department(team.team.department());
        CSM_RETURN_IF_ERROR(store_.UpdateCustomer(
            conn, c, NormalizeName(c.display_name()), version, call.start));
        CSM_RETURN_IF_ERROR(store_.InsertOwnerChange(
            conn, id, change, call.principal, call.start));
        CSM_RETURN_IF_ERROR(store_.InsertChange(conn, id, "TransferOwnership",
                                                call.principal, call.request_id,
                                                changes, call.start));
        CSM_ASSIGN_OR_RETURN(*resp, store_.GetCustomer(conn, id, false));
        ev::CustomerOwnerChanged event;
        *event.mutable_customer() = Snapshot(*resp);
        event.set_from_owner_id(change.from_owner_id());
        event.set_to_owner_id(change.to_owner_id());
        event.set_reason(req.reason());
        CSM_RETURN_IF_ERROR(outbox_->Append(conn, call, resp->name(), event));
        MaskCustomer(resp);
        return absl::OkStatus();
      });
}

grpc::Status CustomerApi::ListOwnerChanges(
    grpc::ServerContext* ctx, const v1::ListOwnerChangesRequest* req,
    v1::ListOwnerChangesResponse* resp) {
  return runtime_->Handle(
      ctx, "ListOwnerChanges", kReaders, [&](const CallContext& call) {
        return ListOfArchive<v1::OwnerChange>(
            call, *req, "owners",
            [&](MysqlConnection& conn, int64_t id,
                std::optional<PageCursor> after, int limit) {
              return store_.ListOwnerChanges(conn, id, after, limit);
            },
            resp->mutable_owner_changes(), resp);
      });
}

// ---------------------------------------------------------------- dealings

grpc::Status CustomerApi::RecordDealing(grpc::ServerContext* ctx,
                                        const v1::RecordDealingRequest* req,
                                        v1::Dealing* resp) {
  return runtime_->Handle(ctx, "RecordDealing", kDealingRecorders,
                          [&](const CallContext& call) {
                            return DoRecordDealing(call, *req, resp);
                          });
}

absl::Status CustomerApi::DoRecordDealing(const CallContext& call,
                                          const v1::RecordDealingRequest& req,
                                          v1::Dealing* resp) {
  CSM_ASSIGN_OR_RETURN(
      int64_t id, CustomerStore::ParseCustomerName(req.parent(), "parent"));
  csm::common::v1::Date today;
  ToProtoDate(Today(call), &today);
  CSM_RETURN_IF_ERROR(ValidateDealing(req.dealing(), today).ToStatus());
  return RunMutation(
      *pool_, *outbox_, call, req.request_id(), req, resp,
      [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(v1::Customer c,
                             store_.GetCustomer(conn, id, false));
        if (!call.principal.roles.Has(Role::kService)) {
          CSM_RETURN_IF_ERROR(RequireMaintainer(call, c));
        }
        CSM_RETURN_IF_ERROR(RequireOpen(c));
        v1::Dealing dealing = req.dealing();
        dealing.clear_name();
        dealing.clear_recorder();
        dealing.clear_create_time();
        CSM_RETURN_IF_ERROR(store_.InsertDealing(conn, id, &dealing,
                                                 call.principal, call.start));
        ev::DealingRecorded event;
        *event.mutable_customer() = Snapshot(c);
        event.set_dealing(dealing.name());
        event.set_kind(v1::DealingKind_Name(dealing.kind()));
        *event.mutable_deal_date() = dealing.deal_date();
        event.set_amount_fen(dealing.amount_fen());
        CSM_RETURN_IF_ERROR(outbox_->Append(conn, call, c.name(), event));
        *resp = std::move(dealing);
        return absl::OkStatus();
      });
}

grpc::Status CustomerApi::ListDealings(grpc::ServerContext* ctx,
                                       const v1::ListDealingsRequest* req,
                                       v1::ListDealingsResponse* resp) {
  return runtime_->Handle(
      ctx, "ListDealings", kReaders, [&](const CallContext& call) {
        return ListOfArchive<v1::Dealing>(
            call, *req, "dealings",
            [&](MysqlConnection& conn, int64_t id,
                std::optional<PageCursor> after, int limit) {
              return store_.ListDealings(conn, id, after, limit);
            },
            resp->mutable_dealings(), resp);
      });
}

// ---------------------------------------------------- history and register

grpc::Status CustomerApi::ListCustomerChanges(
    grpc::ServerContext* ctx, const v1::ListCustomerChangesRequest* req,
    v1::ListCustomerChangesResponse* resp) {
  return runtime_->Handle(ctx, "ListCustomerChanges", kReaders,
                          [&](const CallContext& call) {
                            return DoListCustomerChanges(call, *req, resp);
                          });
}

absl::Status CustomerApi::DoListCustomerChanges(
    const CallContext& call, const v1::ListCustomerChangesRequest& req,
    v1::ListCustomerChangesResponse* resp) {
  CSM_ASSIGN_OR_RETURN(
      int64_t id, CustomerStore::ParseCustomerName(req.parent(), "parent"));
  CSM_ASSIGN_OR_RETURN(int limit, ResolvePageSize(req.page_size()));
  CSM_ASSIGN_OR_RETURN(bool full,
                       WantsFullView(req.view(), req.access_purpose()));
  const std::string fp = absl::StrCat("changes|", req.parent());
  CSM_ASSIGN_OR_RETURN(auto after, DecodeToken(req.page_token(), fp));
  auto body = [&](MysqlConnection& conn) -> absl::Status {
    CSM_ASSIGN_OR_RETURN(v1::Customer c, store_.GetCustomer(conn, id, false));
    if (full) {
      if (!MayViewUnmasked(call.principal, AccessOf(c))) {
        return absl::PermissionDeniedError(absl::StrCat(
            call.principal.staff_id, " may not read the history of ", c.name(),
            " unmasked"));
      }
      CSM_RETURN_IF_ERROR(store_.InsertAccessRecord(
          conn, id, call.principal, req.access_purpose(), "ListCustomerChanges",
          call.start));
    }
    CSM_ASSIGN_OR_RETURN(auto page, store_.ListChanges(conn, id, after, limit));
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
  return full ? RunInTransaction(*pool_, call.deadline, body)
              : RunWithConnection(*pool_, call.deadline, body);
}

grpc::Status CustomerApi::ListAccessRecords(
    grpc::ServerContext* ctx, const v1::ListAccessRecordsRequest* req,
    v1::ListAccessRecordsResponse* resp) {
  return runtime_->Handle(ctx, "ListAccessRecords", kArchivists,
                          [&](const CallContext& call) {
                            return DoListAccessRecords(call, *req, resp);
                          });
}

absl::Status CustomerApi::DoListAccessRecords(
    const CallContext& call, const v1::ListAccessRecordsRequest& req,
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
      *pool_, call.deadline, [&](MysqlConnection& conn) -> absl::Status {
        if (id != 0) {
          CSM_RETURN_IF_ERROR(store_.GetCustomer(conn, id, false).status());
        }
        CSM_ASSIGN_OR_RETURN(auto page, store_.ListAccessRecords(
                                            conn, id, reader, after, limit));
        resp->Clear();
        for (auto& item : page.items) {
          *resp->add_access_records() = std::move(item);
        }
        resp->set_next_page_token(EncodeToken(page.next, fp));
        return absl::OkStatus();
      });
}

// ------------------------------------------------------------------- teams

grpc::Status CustomerApi::CreateTeam(grpc::ServerContext* ctx,
                                     const v1::CreateTeamRequest* req,
                                     v1::Team* resp) {
  return runtime_->Handle(
      ctx, "CreateTeam", kTeamAdmins,
      [&](const CallContext& call) { return DoCreateTeam(call, *req, resp); });
}

absl::Status CustomerApi::DoCreateTeam(const CallContext& call,
                                       const v1::CreateTeamRequest& req,
                                       v1::Team* resp) {
  FieldViolations v = ValidateTeam(req.team(), "team.", {});
  if (!IsValidResourceId(req.team_id())) {
    v.Add("team_id", "required: 1 to 63 characters of [a-z0-9-]");
  }
  CSM_RETURN_IF_ERROR(v.ToStatus());
  return RunMutation(*pool_, *outbox_, call, req.request_id(), req, resp,
                     [&](MysqlConnection& conn) -> absl::Status {
                       if (store_.GetTeam(conn, req.team_id(), true).ok()) {
                         return absl::AlreadyExistsError(absl::StrCat(
                             "team teams/", req.team_id(), " already exists"));
                       }
                       v1::Team team = req.team();
                       CSM_RETURN_IF_ERROR(store_.InsertTeam(
                           conn, req.team_id(), &team, call.start));
                       *resp = std::move(team);
                       return absl::OkStatus();
                     });
}

grpc::Status CustomerApi::UpdateTeam(grpc::ServerContext* ctx,
                                     const v1::UpdateTeamRequest* req,
                                     v1::Team* resp) {
  return runtime_->Handle(
      ctx, "UpdateTeam", kTeamAdmins,
      [&](const CallContext& call) { return DoUpdateTeam(call, *req, resp); });
}

absl::Status CustomerApi::DoUpdateTeam(const CallContext& call,
                                       const v1::UpdateTeamRequest& req,
                                       v1::Team* resp) {
  CSM_ASSIGN_OR_RETURN(std::string team_id,
                       ParseTeamName(req.team().name(), "team.name"));
  static const std::set<std::string> kUpdatable = {"display_name", "department",
                                                   "member_ids"};
  std::set<std::string> paths;
  FieldViolations v;
  if (req.update_mask().paths().empty()) {
    v.Add("update_mask", "required: display_name, department, member_ids");
  }
  for (const std::string& p : req.update_mask().paths()) {
    if (!kUpdatable.contains(p)) {
      v.Add("update_mask",
            absl::StrCat(QuotedPath(p),
                         " is not updatable; use "
                         "display_name, department, member_ids"));
    }
    paths.insert(p);
  }
  if (v.empty()) v = ValidateTeam(req.team(), "team.", paths);
  CSM_RETURN_IF_ERROR(v.ToStatus());
  CSM_ASSIGN_OR_RETURN(int64_t expected,
                       ParseEtag(req.team().etag(), "team.etag"));
  return RunMutation(*pool_, *outbox_, call, req.request_id(), req, resp,
                     [&](MysqlConnection& conn) -> absl::Status {
                       CSM_ASSIGN_OR_RETURN(
                           TeamRecord rec, store_.GetTeam(conn, team_id, true));
                       CSM_RETURN_IF_ERROR(
                           CheckEtag(req.team().name(), rec.version, expected));
                       v1::Team team = rec.team;
                       if (paths.contains("display_name")) {
                         team.set_display_name(req.team().display_name());
                       }
                       if (paths.contains("department")) {
                         team.set_department(req.team().department());
                       }
                       if (paths.contains("member_ids")) {
                         *team.mutable_member_ids() = req.team().member_ids();
                       }
                       CSM_RETURN_IF_ERROR(store_.UpdateTeam(
                           conn, team_id, &team, rec.version, call.start));
                       *resp = std::move(team);
                       return absl::OkStatus();
                     });
}

grpc::Status CustomerApi::GetTeam(grpc::ServerContext* ctx,
                                  const v1::GetTeamRequest* req,
                                  v1::Team* resp) {
  return runtime_->Handle(
      ctx, "GetTeam", kReaders, [&](const CallContext& call) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(std::string team_id,
                             ParseTeamName(req->name(), "name"));
        return RunWithConnection(
            *pool_, call.deadline, [&](MysqlConnection& conn) -> absl::Status {
              CSM_ASSIGN_OR_RETURN(TeamRecord rec,
                                   store_.GetTeam(conn, team_id, false));
              *resp = std::move(rec.team);
              return absl::OkStatus();
            });
      });
}

grpc::Status CustomerApi::ListTeams(grpc::ServerContext* ctx,
                                    const v1::ListTeamsRequest* req,
                                    v1::ListTeamsResponse* resp) {
  return runtime_->Handle(
      ctx, "ListTeams", kReaders, [&](const CallContext& call) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(int limit, ResolvePageSize(req->page_size()));
        CSM_ASSIGN_OR_RETURN(auto after,
                             DecodeToken(req->page_token(), "teams"));
        return RunWithConnection(
            *pool_, call.deadline, [&](MysqlConnection& conn) -> absl::Status {
              CSM_ASSIGN_OR_RETURN(auto page,
                                   store_.ListTeams(conn, after, limit));
              resp->Clear();
              for (auto& item : page.items)
                *resp->add_teams() = std::move(item);
              resp->set_next_page_token(EncodeToken(page.next, "teams"));
              return absl::OkStatus();
            });
      });
}

}  // namespace csm::customer
