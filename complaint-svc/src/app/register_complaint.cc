// RegisterComplaint: a complaint comes in (see complaint_handling.h for the
// customer-svc decisions). The customer lock serialises one customer's
// registrations; a registration about an open complaint's matter
// (domain/linking.h) is linked to it instead of opening a second one.

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/resource_id.h"
#include "common/status.h"
#include "complaint-svc/src/app/complaint_handling.h"
#include "complaint-svc/src/domain/complaint_number.h"
#include "complaint-svc/src/domain/complaint_snapshot.h"
#include "complaint-svc/src/domain/linking.h"
#include "complaint-svc/src/domain/text_fields.h"
#include "csm/events/v1/complaint_events.pb.h"

namespace csm::complaint {
namespace {

namespace ev = ::csm::events::v1;

// The customer-svc answer mapped to this service's errors (see the header).
absl::Status CustomerLookupError(const absl::Status& s,
                                 absl::string_view customer) {
  switch (s.code()) {
    case absl::StatusCode::kNotFound:
      return absl::FailedPreconditionError(
          absl::StrCat("customer ", customer,
                       " does not exist in customer-svc; create the archive "
                       "first; nothing was registered"));
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kResourceExhausted:
      return absl::UnavailableError(absl::StrCat(
          "customer-svc is unavailable; nothing was registered; retry (",
          s.message(), ")"));
    default:
      return absl::InternalError(
          absl::StrCat("customer-svc refused the lookup of ", customer,
                       "; nothing was registered: ", s.message()));
  }
}

void ValidateChannel(const v1::Complaint& c, const CallContext& call,
                     FieldViolations& v) {
  if (!v1::ComplaintChannel_IsValid(c.channel()) ||
      c.channel() == v1::COMPLAINT_CHANNEL_UNSPECIFIED) {
    v.Add("complaint.channel", "required: how the complaint came in");
    return;
  }
  const bool service_only = call.principal.roles.Has(Role::kService) &&
                            !call.principal.roles.Intersects(kComplaintStaff);
  if (service_only && c.channel() != v1::COMPLAINT_CHANNEL_SERVICE) {
    v.Add("complaint.channel",
          "a service account registers with COMPLAINT_CHANNEL_SERVICE");
  } else if (!service_only && c.channel() == v1::COMPLAINT_CHANNEL_SERVICE) {
    v.Add("complaint.channel",
          "COMPLAINT_CHANNEL_SERVICE is for service accounts; staff give "
          "the channel the customer used");
  }
}

FieldViolations ValidateNewComplaint(const v1::Complaint& c,
                                     const CallContext& call) {
  FieldViolations v;
  absl::string_view customer = c.customer();
  int64_t id = 0;
  if (!absl::ConsumePrefix(&customer, "customers/") ||
      !absl::SimpleAtoi(customer, &id) || id <= 0) {
    v.Add("complaint.customer", "required: customers/{id} of customer-svc");
  }
  if (!IsValidResourceId(c.category())) {
    v.Add("complaint.category",
          "required: a category id of [a-z0-9-]{1,63}, e.g. quality");
  }
  if (!v1::Severity_IsValid(c.severity()) ||
      c.severity() == v1::SEVERITY_UNSPECIFIED) {
    v.Add("complaint.severity",
          "required: SEVERITY_NORMAL, SEVERITY_MAJOR or SEVERITY_CRITICAL");
  }
  ValidateChannel(c, call, v);
  RequireText(v, "complaint.subject", c.subject(), limits::kSubject);
  RequireText(v, "complaint.description", c.description(),
              limits::kDescription);
  OptionalText(v, "complaint.customer_request", c.customer_request(),
               limits::kCustomerRequest);
  OptionalText(v, "complaint.matter_reference", c.matter_reference(),
               limits::kMatterReference);
  return v;
}

// The category exists and takes new complaints.
absl::Status CheckCategoryOpen(ConfigStore& config, MysqlConnection& conn,
                               const std::string& id) {
  CSM_ASSIGN_OR_RETURN(auto category, config.GetCategory(conn, id));
  if (!category.has_value()) {
    return InvalidField(
        "complaint.category",
        absl::StrCat("no category '", id, "'; see ListCategories"));
  }
  if (!category->active()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "category ", id, " is not active; choose another or ask an archivist"));
  }
  return absl::OkStatus();
}

// The new complaint as the caller and customer-svc describe it.
ComplaintRecord NewRecord(const v1::Complaint& in, int64_t customer_id,
                          const CustomerFacts& facts, const CallContext& call) {
  ComplaintRecord r;
  r.customer_id = customer_id;
  r.normalized_subject = NormalizeSubject(in.subject());
  r.normalized_matter_reference =
      NormalizeMatterReference(in.matter_reference());
  v1::Complaint& c = r.complaint;
  c.set_customer(in.customer());
  c.set_customer_display_name(facts.display_name);
  c.set_customer_grade(facts.grade);
  c.set_customer_owner_id(facts.owner_id);
  c.set_channel(in.channel());
  c.set_category(in.category());
  c.set_severity(in.severity());
  c.set_subject(in.subject());
  c.set_description(in.description());
  c.set_customer_request(in.customer_request());
  c.set_matter_reference(in.matter_reference());
  c.set_state(v1::COMPLAINT_STATE_REGISTERED);
  c.set_first_responder_id(call.principal.staff_id);
  c.set_first_responder_department(call.principal.department);
  return r;
}

}  // namespace

ComplaintHandling::ComplaintHandling(MysqlPool* pool, Outbox* outbox,
                                     CustomerDirectory* customers,
                                     ConfigStore* config)
    : pool_(pool),
      outbox_(outbox),
      customers_(customers),
      config_(config),
      mutation_(pool, outbox, config, &store_) {}

absl::Status ComplaintHandling::Register(
    const CallContext& call, const v1::RegisterComplaintRequest& req,
    v1::RegisterComplaintResponse* resp) {
  const v1::Complaint& in = req.complaint();
  CSM_RETURN_IF_ERROR(ValidateNewComplaint(in, call).ToStatus());
  int64_t customer_id = 0;
  (void)absl::SimpleAtoi(absl::StripPrefix(in.customer(), "customers/"),
                         &customer_id);  // validated above

  // Cheap checks first, so that bad input never waits on customer-svc.
  CSM_RETURN_IF_ERROR(
      RunWithConnection(*pool_, call.deadline, [&](MysqlConnection& conn) {
        return CheckCategoryOpen(*config_, conn, in.category());
      }));

  // The remote call, with no connection held.
  absl::StatusOr<CustomerFacts> facts =
      customers_->Lookup(in.customer(), call.deadline);
  if (!facts.ok()) return CustomerLookupError(facts.status(), in.customer());
  if (!facts->open) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the archive of customer ", in.customer(), " (", facts->display_name,
        ") is closed; reopen it in customer-svc before registering a "
        "complaint"));
  }

  return mutation_.Run(
      call, req.request_id(), req, resp,
      [&](MysqlConnection& conn) -> absl::Status {
        resp->Clear();
        // Same matter? The customer lock serialises this customer's
        // registrations; the open complaints are locked as well.
        CSM_RETURN_IF_ERROR(store_.LockCustomer(conn, customer_id));
        CSM_ASSIGN_OR_RETURN(std::vector<OpenComplaintFacts> open,
                             store_.LockOpenComplaintsOf(conn, customer_id));
        NewRegistrationFacts reg{in.category(), in.subject(),
                                 in.matter_reference()};
        std::optional<SameMatter> same = FindSameMatter(reg, open, call.start);
        if (same.has_value()) {
          return LinkToSameMatter(conn, call, in, same->id, same->reason, resp);
        }
        return OpenComplaint(conn, call, in, customer_id, *facts, resp);
      });
}

absl::Status ComplaintHandling::LinkToSameMatter(
    MysqlConnection& conn, const CallContext& call, const v1::Complaint& in,
    int64_t id, const std::string& reason,
    v1::RegisterComplaintResponse* resp) {
  const absl::Time now = call.start;
  CSM_ASSIGN_OR_RETURN(ComplaintRecord r, store_.GetComplaint(conn, id, true));
  r.complaint.set_repeat_contacts(r.complaint.repeat_contacts() + 1);
  CSM_RETURN_IF_ERROR(store_.UpdateComplaint(conn, &r, now));
  CSM_RETURN_IF_ERROR(store_.InsertStep(
      conn, r.id, "link", r.complaint.state(), r.complaint.state(),
      call.principal.staff_id, call.principal.department,
      absl::StrCat("the customer came back about the same matter (", reason,
                   ") by ", v1::ComplaintChannel_Name(in.channel()), ": ",
                   in.subject()),
      now));
  CSM_ASSIGN_OR_RETURN(ComplaintRecord fresh,
                       store_.GetComplaint(conn, r.id, false));
  ev::ComplaintLinked linked;
  *linked.mutable_complaint() = SnapshotOf(fresh.complaint);
  linked.set_reason(reason);
  CSM_RETURN_IF_ERROR(
      outbox_->Append(conn, call, fresh.complaint.name(), linked));
  *resp->mutable_complaint() = std::move(fresh.complaint);
  resp->set_linked_to_open_complaint(true);
  resp->set_link_reason(reason);
  return absl::OkStatus();
}

absl::Status ComplaintHandling::OpenComplaint(
    MysqlConnection& conn, const CallContext& call, const v1::Complaint& in,
    int64_t customer_id, const CustomerFacts& facts,
    v1::RegisterComplaintResponse* resp) {
  const absl::Time now = call.start;
  CSM_ASSIGN_OR_RETURN(std::shared_ptr<const BusinessCalendar> cal,
                       config_->Calendar(conn));
  CSM_ASSIGN_OR_RETURN(auto category,
                       config_->GetCategory(conn, in.category()));
  if (!category.has_value() || !category->active()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "category ", in.category(), " was removed or deactivated"));
  }
  CSM_ASSIGN_OR_RETURN(std::vector<v1::SlaPolicy> policies,
                       config_->ListSlaPolicies(conn));
  ComplaintRecord r = NewRecord(in, customer_id, facts, call);
  v1::Complaint& c = r.complaint;
  c.set_handling_department(category->handling_department());
  r.sla = SlaClock(cal.get()).Start(
      now,
      ResolveSlaTerms(policies, in.category(), in.severity(), facts.grade));
  CSM_ASSIGN_OR_RETURN(int64_t seq, store_.NextComplaintSequence(
                                        conn, ComplaintNumberPeriod(now)));
  c.set_complaint_number(FormatComplaintNumber(now, seq));
  CSM_RETURN_IF_ERROR(store_.InsertComplaint(conn, &r, now));
  CSM_RETURN_IF_ERROR(store_.ChargeDepartment(
      conn, r.id, c.handling_department(), DepartmentCharge{}, now));
  CSM_RETURN_IF_ERROR(
      store_.InsertStep(conn, r.id, "register", v1::COMPLAINT_STATE_UNSPECIFIED,
                        v1::COMPLAINT_STATE_REGISTERED, call.principal.staff_id,
                        call.principal.department,
                        absl::StrCat("routed to ", c.handling_department(),
                                     "; SLA ", r.sla.terms.policy),
                        now));
  // 重大事项立即向总经理汇报: the step now, the event with the snapshot.
  const bool notify_gm =
      EscalationLadder::NotifiesGeneralManagerAtRegistration(c.severity());
  if (notify_gm) {
    CSM_RETURN_IF_ERROR(store_.InsertStep(
        conn, r.id, "notify_general_manager", v1::COMPLAINT_STATE_REGISTERED,
        v1::COMPLAINT_STATE_REGISTERED, "system", "",
        absl::StrCat(SeverityWord(c.severity()),
                     " complaint reported to the general manager at "
                     "once (重大事项立即向总经理汇报)"),
        now));
  }
  return AnnounceRegistration(conn, call, r.id, notify_gm, resp);
}

absl::Status ComplaintHandling::AnnounceRegistration(
    MysqlConnection& conn, const CallContext& call, int64_t id, bool notify_gm,
    v1::RegisterComplaintResponse* resp) {
  CSM_ASSIGN_OR_RETURN(ComplaintRecord fresh,
                       store_.GetComplaint(conn, id, false));
  const v1::Complaint& c = fresh.complaint;
  const ev::ComplaintSnapshot snapshot = SnapshotOf(c);
  ev::ComplaintRegistered registered;
  *registered.mutable_complaint() = snapshot;
  CSM_RETURN_IF_ERROR(outbox_->Append(conn, call, c.name(), registered));
  if (notify_gm) {
    ev::GeneralManagerNotified gm;
    *gm.mutable_complaint() = snapshot;
    gm.set_reason(
        absl::StrCat(SeverityWord(c.severity()), " complaint registered"));
    CSM_RETURN_IF_ERROR(outbox_->Append(conn, call, c.name(), gm));
  }
  *resp->mutable_complaint() = std::move(fresh.complaint);
  return absl::OkStatus();
}

}  // namespace csm::complaint
