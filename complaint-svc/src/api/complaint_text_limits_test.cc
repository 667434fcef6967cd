// Text limits of complaint-svc (domain/text_limits.h) through real gRPC
// against the real MariaDB: every text field of every write RPC of
// ComplaintService and ComplaintConfigService takes its limit in 4-byte
// characters ("𠀀", U+20000) and stores it whole; one character more is
// INVALID_ARGUMENT with a violation on the field and nothing written (every
// table's checksum unchanged). And the migrated schema holds every limit:
// each column that stores a field is utf8mb4 and wide enough.
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "complaint-svc/src/api/complaint_text_limits_test_fixture.h"
#include "complaint-svc/src/domain/text_limits.h"
#include "complaint-svc/testing/complaint_api_fixture.h"

namespace csm::complaint::text_limits_test {
namespace {

// The issue: 700 Chinese characters of reason (limit 1000) failed with
// MySQL error 1366 because the note was cut at 2000 bytes, inside a
// character.
TEST_F(ComplaintTextLimitsTest, WaitForCustomerWith700ChineseCharacters) {
  const v1::Complaint c = Walk("等待客户", S::COMPLAINT_STATE_IN_PROGRESS);
  std::string reason;
  for (int i = 0; i < 700; ++i) reason += "等";
  v1::WaitForCustomerRequest req;
  req.set_name(c.name());
  req.set_reason(reason);
  v1::Complaint out;
  CX_ASSERT_OK(Call(&Stub::WaitForCustomer, "li.na", req, &out));
  EXPECT_EQ(out.state(), S::COMPLAINT_STATE_WAITING_ON_CUSTOMER);
  EXPECT_THAT(LastNote(c.name()), HasSubstr(reason));
}

TEST_F(ComplaintTextLimitsTest, RegisterComplaint) {
  auto with = [&](auto setter) {
    return [this, setter](const std::string& text) {
      v1::Complaint c = NewComplaint(NextSubject());
      (c.*setter)(text);
      v1::RegisterComplaintResponse resp;
      const grpc::Status s = Register("li.na", c, &resp);
      if (s.ok()) last_ = resp.complaint().name();
      return s;
    };
  };
  using C = v1::Complaint;
  using Setter = void (C::*)(const std::string&);
  ExpectLimit("complaint.subject", limits::kSubject,
              with(static_cast<Setter>(&C::set_subject)),
              [&] { return Get(last_).subject(); });
  ExpectLimit("complaint.description", limits::kDescription,
              with(static_cast<Setter>(&C::set_description)),
              [&] { return Get(last_).description(); });
  ExpectLimit("complaint.customer_request", limits::kCustomerRequest,
              with(static_cast<Setter>(&C::set_customer_request)),
              [&] { return Get(last_).customer_request(); });
  ExpectLimit("complaint.matter_reference", limits::kMatterReference,
              with(static_cast<Setter>(&C::set_matter_reference)),
              [&] { return Get(last_).matter_reference(); });
}

TEST_F(ComplaintTextLimitsTest, TransferComplaint) {
  v1::Complaint out;
  auto transfer = [&](const std::string& name, const std::string& to,
                      const std::string& staff, const std::string& reason) {
    v1::TransferComplaintRequest req;
    req.set_name(name);
    req.set_to_department(to);
    req.set_to_staff_id(staff);
    req.set_reason(reason);
    return Call(&Stub::TransferComplaint, "sup", req, &out);
  };
  std::string name = Walk(NextSubject(), S::COMPLAINT_STATE_REGISTERED).name();
  ExpectLimit(
      "to_department", limits::kDepartment,
      [&](const std::string& t) { return transfer(name, t, "", "移交"); },
      [&] { return Get(name).handling_department(); });
  name = Walk(NextSubject(), S::COMPLAINT_STATE_REGISTERED).name();
  ExpectLimit(
      "to_staff_id", limits::kStaffId,
      [&](const std::string& t) {
        return transfer(name, "技术服务部", t, "移交");
      },
      [&] { return Get(name).handler_id(); });
  name = Walk(NextSubject(), S::COMPLAINT_STATE_REGISTERED).name();
  ExpectLimit(
      "reason", limits::kReason,
      [&](const std::string& t) { return transfer(name, "技术服务部", "", t); },
      [&] { return LastNote(name); });
}

TEST_F(ComplaintTextLimitsTest, WaitInvestigateResolve) {
  v1::Complaint out;
  std::string name = Walk(NextSubject(), S::COMPLAINT_STATE_IN_PROGRESS).name();
  ExpectLimit(
      "reason", limits::kReason,
      [&](const std::string& t) {
        v1::WaitForCustomerRequest req;
        req.set_name(name);
        req.set_reason(t);
        return Call(&Stub::WaitForCustomer, "li.na", req, &out);
      },
      [&] { return LastNote(name); });

  name = Walk(NextSubject(), S::COMPLAINT_STATE_ACCEPTED).name();
  auto investigate = [&](const std::string& t) {
    v1::RecordInvestigationRequest req;
    req.set_name(name);
    req.set_findings(t);
    return Call(&Stub::RecordInvestigation, "li.na", req, &out);
  };
  ExpectLimit("findings", limits::kInvestigationFindings, investigate,
              [&] { return Get(name).investigation().findings(); });
  EXPECT_THAT(LastNote(name), HasSubstr(Wide(4000)));

  using Setter = void (v1::Resolution::*)(const std::string&);
  struct Field {
    const char* field;
    Setter set;
    std::string (*get)(const v1::Resolution&);
  } fields[] = {
      {"resolution.cause_analysis", &v1::Resolution::set_cause_analysis,
       [](const v1::Resolution& r) { return r.cause_analysis(); }},
      {"resolution.immediate_fix", &v1::Resolution::set_immediate_fix,
       [](const v1::Resolution& r) { return r.immediate_fix(); }},
      {"resolution.corrective_action", &v1::Resolution::set_corrective_action,
       [](const v1::Resolution& r) { return r.corrective_action(); }},
  };
  for (const Field& f : fields) {
    name = Walk(NextSubject(), S::COMPLAINT_STATE_IN_PROGRESS).name();
    ExpectLimit(
        f.field, limits::kResolutionText,
        [&](const std::string& t) {
          v1::ResolveComplaintRequest req;
          req.set_name(name);
          v1::Resolution* r = req.mutable_resolution();
          r->set_cause_analysis("原因");
          r->set_immediate_fix("对策");
          r->set_corrective_action("改善");
          r->set_responsibility(v1::RESPONSIBILITY_COMPANY);
          (r->*f.set)(t);
          return Call(&Stub::ResolveComplaint, "li.na", req, &out);
        },
        [&] { return f.get(Get(name).resolution()); });
  }
}

TEST_F(ComplaintTextLimitsTest, ConfirmCloseReopen) {
  v1::Complaint out;
  std::string name = Walk(NextSubject(), S::COMPLAINT_STATE_RESOLVED).name();
  ExpectLimit(
      "customer_feedback", limits::kCustomerFeedback,
      [&](const std::string& t) {
        v1::ConfirmComplaintRequest req;
        req.set_name(name);
        req.set_satisfaction(csm::common::v1::SATISFACTION_SATISFIED);
        req.set_customer_feedback(t);
        return Call(&Stub::ConfirmComplaint, "li.na", req, &out);
      },
      [&] { return Get(name).customer_feedback(); });
  // The note holds the feedback after its prefix too.
  EXPECT_THAT(LastNote(name), HasSubstr(Wide(2000)));

  name = Walk(NextSubject(), S::COMPLAINT_STATE_CONFIRMED).name();
  ExpectLimit(
      "return_visit.notes", limits::kReturnVisitNotes,
      [&](const std::string& t) {
        v1::CloseComplaintRequest req;
        req.set_name(name);
        req.mutable_return_visit()->set_method("phone");
        req.mutable_return_visit()->set_satisfaction(
            csm::common::v1::SATISFACTION_SATISFIED);
        req.mutable_return_visit()->set_notes(t);
        return Call(&Stub::CloseComplaint, "li.na", req, &out);
      },
      [&] { return Get(name).return_visit().notes(); });

  name = Walk(NextSubject(), S::COMPLAINT_STATE_CLOSED).name();
  ExpectLimit(
      "reason", limits::kReason,
      [&](const std::string& t) {
        v1::ReopenComplaintRequest req;
        req.set_name(name);
        req.set_reason(t);
        return Call(&Stub::ReopenComplaint, "li.na", req, &out);
      },
      [&] { return LastNote(name); });
}

TEST_F(ComplaintTextLimitsTest, RejectReclassifyReassign) {
  v1::Complaint out;
  std::string name = Walk(NextSubject(), S::COMPLAINT_STATE_REGISTERED).name();
  ExpectLimit(
      "reason", limits::kReason,
      [&](const std::string& t) {
        v1::RejectComplaintRequest req;
        req.set_name(name);
        req.set_kind(v1::REJECTION_KIND_INVALID);
        req.set_reason(t);
        return Call(&Stub::RejectComplaint, "sup", req, &out);
      },
      [&] { return Get(name).rejection_reason(); });
  EXPECT_THAT(LastNote(name), HasSubstr(Wide(1000)));

  name = Walk(NextSubject(), S::COMPLAINT_STATE_ACCEPTED).name();
  ExpectLimit(
      "reason", limits::kReason,
      [&](const std::string& t) {
        v1::ReclassifyComplaintRequest req;
        req.set_name(name);
        req.set_category("attitude");
        req.set_reason(t);
        return Call(&Stub::ReclassifyComplaint, "sup", req, &out);
      },
      [&] { return LastNote(name); });

  auto reassign = [&](const std::string& handler, const std::string& reason) {
    v1::ReassignComplaintRequest req;
    req.set_name(name);
    req.set_handler_id(handler);
    req.set_reason(reason);
    return Call(&Stub::ReassignComplaint, "sup", req, &out);
  };
  name = Walk(NextSubject(), S::COMPLAINT_STATE_ACCEPTED).name();
  ExpectLimit(
      "handler_id", limits::kStaffId,
      [&](const std::string& t) { return reassign(t, "换人"); },
      [&] { return Get(name).handler_id(); });
  name = Walk(NextSubject(), S::COMPLAINT_STATE_ACCEPTED).name();
  ExpectLimit(
      "reason", limits::kReason,
      [&](const std::string& t) { return reassign("wang.fang", t); },
      [&] { return LastNote(name); });
}

}  // namespace
}  // namespace csm::complaint::text_limits_test
