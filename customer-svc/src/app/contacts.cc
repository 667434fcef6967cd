// AddContact, UpdateContact, RemoveContact: an open archive keeps at least
// one contact and exactly one primary contact.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/etag.h"
#include "common/status.h"
#include "csm/events/v1/customer_events.pb.h"
#include "customer-svc/src/app/archive_mutation.h"
#include "customer-svc/src/app/customer_use_cases.h"
#include "customer-svc/src/domain/change_history.h"
#include "customer-svc/src/domain/customer_rules.h"
#include "customer-svc/src/domain/masking.h"

namespace csm::customer::app {
namespace {

namespace ev = ::csm::events::v1;

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

absl::StatusOr<const v1::Contact*> ContactOf(const v1::Customer& c,
                                             absl::string_view name) {
  const v1::Contact* found = FindContact(c, name);
  if (found == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("contact ", name, " does not exist"));
  }
  return found;
}

// "contacts/{id}", the contact's field path in the history.
std::string FieldOf(const v1::Customer& c, const v1::Contact& contact) {
  return std::string(absl::StripPrefix(contact.name(), c.name() + "/"));
}

// The archive's CustomerUpdated for a contact change. Its snapshot is the
// archive as locked, before the change (as these events have always been).
void AddContactsUpdated(ArchiveScope& s) {
  auto* updated = AddEvent<ev::CustomerUpdated>(s);
  *updated->mutable_customer() = Snapshot(s.customer);
  updated->add_changed_fields("contacts");
}

// The first contact of an archive becomes primary; a new primary contact
// takes the mark from the one holding it.
bool HasPrimary(const v1::Customer& c) {
  for (const v1::Contact& existing : c.contacts()) {
    if (existing.primary()) return true;
  }
  return false;
}

}  // namespace

absl::Status AddContact(Backend& b, const CallContext& call,
                        const v1::AddContactRequest& req, v1::Contact* resp) {
  CSM_ASSIGN_OR_RETURN(
      int64_t id, CustomerStore::ParseCustomerName(req.parent(), "parent"));
  CSM_RETURN_IF_ERROR(ValidateContact(req.contact(), "contact").ToStatus());
  v1::Contact contact;
  return MutateArchive(
      b, call, req, req.request_id(), id,
      {"AddContact", ArchiveRight::kMaintain, true, std::nullopt}, resp,
      [&](ArchiveScope& s) -> absl::Status {
        contact = req.contact();
        contact.clear_name();
        contact.clear_etag();
        contact.clear_create_time();
        const bool has_primary = HasPrimary(s.customer);
        if (!has_primary) contact.set_primary(true);
        if (contact.primary() && has_primary) {
          CSM_RETURN_IF_ERROR(b.customers.ClearPrimary(s.conn, id, 0));
        }
        CSM_RETURN_IF_ERROR(b.customers.InsertContact(
            s.conn, id, &contact, NormalizedPhones(contact), call.start));
        s.touch_only = true;
        s.changes = ContactAddedChanges(contact, FieldOf(s.customer, contact));
        AddContactsUpdated(s);
        return absl::OkStatus();
      },
      [&](const v1::Customer&) { *resp = MaskedContact(contact); });
}

absl::Status UpdateContact(Backend& b, const CallContext& call,
                           const v1::UpdateContactRequest& req,
                           v1::Contact* resp) {
  CSM_ASSIGN_OR_RETURN(auto ids, CustomerStore::ParseContactName(
                                     req.contact().name(), "contact.name"));
  const std::vector<std::string> paths(req.update_mask().paths().begin(),
                                       req.update_mask().paths().end());
  CSM_RETURN_IF_ERROR(ValidateContactUpdate(req.contact(), paths).ToStatus());
  CSM_ASSIGN_OR_RETURN(int64_t expected,
                       ParseEtag(req.contact().etag(), "contact.etag"));
  v1::Contact contact;
  return MutateArchive(
      b, call, req, req.request_id(), ids.first,
      {"UpdateContact", ArchiveRight::kMaintain, true, std::nullopt}, resp,
      [&](ArchiveScope& s) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(const v1::Contact* found,
                             ContactOf(s.customer, req.contact().name()));
        CSM_RETURN_IF_ERROR(CheckEtag(found->name(), found->etag(), expected));
        contact = *found;
        const bool was_primary = contact.primary();
        CSM_RETURN_IF_ERROR(ApplyContactUpdate(req.contact(), paths,
                                               FieldOf(s.customer, contact),
                                               &contact, &s.changes));
        if (was_primary && !contact.primary()) {
          return absl::FailedPreconditionError(
              "an archive keeps one primary contact: mark another contact "
              "primary instead of unmarking this one");
        }
        if (s.changes.empty()) return absl::OkStatus();
        if (contact.primary() && !was_primary) {
          CSM_RETURN_IF_ERROR(
              b.customers.ClearPrimary(s.conn, ids.first, ids.second));
        }
        CSM_RETURN_IF_ERROR(b.customers.UpdateContact(
            s.conn, ids.second, contact, NormalizedPhones(contact)));
        s.touch_only = true;
        AddContactsUpdated(s);
        return absl::OkStatus();
      },
      [&](const v1::Customer& written) {
        const v1::Contact* stored = FindContact(written, contact.name());
        *resp = MaskedContact(stored != nullptr ? *stored : contact);
      });
}

absl::Status RemoveContact(Backend& b, const CallContext& call,
                           const v1::RemoveContactRequest& req,
                           v1::Customer* resp) {
  CSM_ASSIGN_OR_RETURN(auto ids,
                       CustomerStore::ParseContactName(req.name(), "name"));
  return MutateArchive(
      b, call, req, req.request_id(), ids.first,
      {"RemoveContact", ArchiveRight::kMaintain, true, std::nullopt}, resp,
      [&](ArchiveScope& s) -> absl::Status {
        const v1::Customer& c = s.customer;
        CSM_ASSIGN_OR_RETURN(const v1::Contact* found,
                             ContactOf(c, req.name()));
        if (c.contacts_size() == 1) {
          return absl::FailedPreconditionError(
              "an archive keeps at least one contact: add another before "
              "removing this one");
        }
        CSM_RETURN_IF_ERROR(
            b.customers.RemoveContact(s.conn, ids.second, call.start));
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
                b.customers.UpdateContact(s.conn, other_ids.second, promoted,
                                          NormalizedPhones(promoted)));
            break;
          }
        }
        s.touch_only = true;
        s.changes = ContactRemovedChanges(*found, FieldOf(c, *found));
        AddEvent<ev::CustomerUpdated>(s)->add_changed_fields("contacts");
        return absl::OkStatus();
      });
}

}  // namespace csm::customer::app
