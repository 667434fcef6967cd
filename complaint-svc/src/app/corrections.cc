// Corrections of a registration: reject (invalid, or a duplicate of another
// complaint) and reclassify (category and/or severity: routing, SLA terms
// and the general-manager notice follow).

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/resource_id.h"
#include "common/status.h"
#include "complaint-svc/src/app/complaint_handling.h"
#include "complaint-svc/src/domain/text_fields.h"
#include "csm/events/v1/complaint_events.pb.h"

namespace csm::complaint {
namespace {

namespace ev = ::csm::events::v1;

// The request's fields; `duplicate_of` gets the id a duplicate names.
FieldViolations ValidateRejection(const v1::RejectComplaintRequest& req,
                                  int64_t* duplicate_of) {
  FieldViolations v;
  if (!v1::RejectionKind_IsValid(req.kind()) ||
      req.kind() == v1::REJECTION_KIND_UNSPECIFIED) {
    v.Add("kind",
          "required: REJECTION_KIND_INVALID or REJECTION_KIND_DUPLICATE");
  }
  RequireText(v, "reason", req.reason(), limits::kReason);
  if (req.kind() == v1::REJECTION_KIND_DUPLICATE) {
    auto id =
        ComplaintStore::ParseComplaintName(req.duplicate_of(), "duplicate_of");
    if (!id.ok()) {
      v.Add("duplicate_of",
            "required for duplicates: complaints/{id} of the complaint it "
            "duplicates");
    } else {
      *duplicate_of = *id;
    }
  } else if (!req.duplicate_of().empty()) {
    v.Add("duplicate_of", "only for REJECTION_KIND_DUPLICATE");
  }
  return v;
}

FieldViolations ValidateReclassification(
    const v1::ReclassifyComplaintRequest& req) {
  FieldViolations v;
  if (req.category().empty() && req.severity() == v1::SEVERITY_UNSPECIFIED) {
    v.Add("category", "give a new category, a new severity, or both");
  }
  if (!req.category().empty() && !IsValidResourceId(req.category())) {
    v.Add("category", "a category id of [a-z0-9-]{1,63}");
  }
  if (!v1::Severity_IsValid(req.severity())) {
    v.Add("severity", "unknown severity");
  }
  RequireText(v, "reason", req.reason(), limits::kReason);
  return v;
}

}  // namespace

absl::Status ComplaintHandling::Reject(const CallContext& call,
                                       const v1::RejectComplaintRequest& req,
                                       v1::Complaint* resp) {
  int64_t duplicate_of = 0;
  CSM_RETURN_IF_ERROR(ValidateRejection(req, &duplicate_of).ToStatus());
  return mutation_.Transition(
      call, req, ComplaintAction::kReject, resp,
      [&](TransitionScope& s) -> absl::Status {
        v1::Complaint& c = s.record.complaint;
        if (duplicate_of != 0) {
          if (duplicate_of == s.record.id) {
            return InvalidField("duplicate_of",
                                "a complaint cannot duplicate itself");
          }
          CSM_ASSIGN_OR_RETURN(bool exists,
                               store_.ComplaintExists(s.conn, duplicate_of));
          if (!exists) {
            return InvalidField(
                "duplicate_of",
                absl::StrCat(req.duplicate_of(), " does not exist"));
          }
          s.record.duplicate_of_id = duplicate_of;
          c.set_duplicate_of(req.duplicate_of());
        }
        c.set_rejection_kind(req.kind());
        c.set_rejection_reason(req.reason());
        s.note = absl::StrCat(v1::RejectionKind_Name(req.kind()), ": ",
                              req.reason());
        auto* e = AddEvent<ev::ComplaintRejected>(s);
        e->set_kind(v1::RejectionKind_Name(req.kind()));
        e->set_duplicate_of(req.duplicate_of());
        return absl::OkStatus();
      });
}

absl::Status ComplaintHandling::ChangeCategory(TransitionScope& s,
                                               const std::string& category_id) {
  v1::Complaint& c = s.record.complaint;
  const absl::Time now = s.call.start;
  CSM_ASSIGN_OR_RETURN(auto category,
                       config_->GetCategory(s.conn, category_id));
  if (!category.has_value()) {
    return InvalidField("category",
                        absl::StrCat("no category '", category_id, "'"));
  }
  if (!category->active()) {
    return absl::FailedPreconditionError(
        absl::StrCat("category ", category_id, " is not active"));
  }
  c.set_category(category_id);
  if (category->handling_department() == c.handling_department()) {
    return absl::OkStatus();
  }
  // The new category's process: routed to its department.
  DepartmentCharge held;
  held.held = s.clock.EndHolding(&s.record.sla, now);
  CSM_RETURN_IF_ERROR(store_.ChargeDepartment(
      s.conn, s.record.id, c.handling_department(), held, now));
  CSM_RETURN_IF_ERROR(store_.ChargeDepartment(s.conn, s.record.id,
                                              category->handling_department(),
                                              DepartmentCharge{}, now));
  c.set_handling_department(category->handling_department());
  c.clear_handler_id();
  return absl::OkStatus();
}

absl::Status ComplaintHandling::Reclassify(
    const CallContext& call, const v1::ReclassifyComplaintRequest& req,
    v1::Complaint* resp) {
  CSM_RETURN_IF_ERROR(ValidateReclassification(req).ToStatus());
  return mutation_.Transition(
      call, req, ComplaintAction::kReclassify, resp,
      [&](TransitionScope& s) -> absl::Status {
        v1::Complaint& c = s.record.complaint;
        const std::string old_category = c.category();
        const v1::Severity old_severity = c.severity();
        if (!req.category().empty()) {
          CSM_RETURN_IF_ERROR(ChangeCategory(s, req.category()));
        }
        if (req.severity() != v1::SEVERITY_UNSPECIFIED) {
          c.set_severity(req.severity());
        }
        CSM_ASSIGN_OR_RETURN(std::vector<v1::SlaPolicy> policies,
                             config_->ListSlaPolicies(s.conn));
        s.clock.Reclassify(&s.record.sla,
                           ResolveSlaTerms(policies, c.category(), c.severity(),
                                           c.customer_grade()));
        s.note = absl::StrCat(old_category, "/", SeverityWord(old_severity),
                              " → ", c.category(), "/",
                              SeverityWord(c.severity()), "; SLA ",
                              s.record.sla.terms.policy, ": ", req.reason());
        AddStateChanged(s, ComplaintAction::kReclassify);
        // Raised to a severity the general manager hears of at once.
        if (!EscalationLadder::NotifiesGeneralManagerAtRegistration(
                old_severity) &&
            EscalationLadder::NotifiesGeneralManagerAtRegistration(
                c.severity())) {
          auto* gm = AddEvent<ev::GeneralManagerNotified>(s);
          gm->set_reason(
              absl::StrCat("reclassified as ", SeverityWord(c.severity())));
        }
        return absl::OkStatus();
      });
}

}  // namespace csm::complaint
