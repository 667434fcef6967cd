#ifndef CSM_COMPLAINT_SVC_DOMAIN_TEXT_LIMITS_H_
#define CSM_COMPLAINT_SVC_DOMAIN_TEXT_LIMITS_H_

// The longest text each field of complaint-svc takes, in ONE table.
//
// Limits count characters as a person does (Unicode code points), never
// bytes: 200 characters of 客户名称 or of "𠀀" (4 bytes each in UTF-8) are
// both 200. Validation at the edge reads these limits (FieldViolations on
// the field, INVALID_ARGUMENT, nothing written); every column that stores a
// field is utf8mb4 and holds its limit in 4-byte characters, which
// text_limits_test checks against the migrated schema (information_schema).
//
// Timeline notes (complaint_steps.note) are composed: a prefix built only
// from bounded values (staff ids, departments, category ids, states, policy
// names: at most kNotePrefixChars, the longest being a transfer's "from →
// to (colleague): ") followed by at most one text of this table. kStepNote
// holds the longest such composition, so a note is never cut.

#include <array>
#include <span>

#include "absl/strings/string_view.h"

namespace csm::complaint {

struct TextLimit {
  // What the text is, for messages and tests ("subject").
  absl::string_view what;
  // At most this many characters (code points).
  int max_chars;
  // The columns that store it ("table.column"); unused entries are empty.
  std::array<absl::string_view, 16> columns;
};

// Characters are counted as a person counts them: CountCodePoints
// (common/text.h).

// The longest prefix a timeline note puts before its one free text.
inline constexpr int kNotePrefixChars = 500;

namespace limits {

// Registration.
inline constexpr TextLimit kSubject{
    "subject", 200, {"complaints.subject", "complaints.normalized_subject"}};
inline constexpr TextLimit kDescription{
    "description", 4000, {"complaints.description"}};
inline constexpr TextLimit kCustomerRequest{
    "customer request", 2000, {"complaints.customer_request"}};
inline constexpr TextLimit kMatterReference{
    "matter reference",
    100,
    {"complaints.matter_reference", "complaints.normalized_matter_reference"}};
// As customer-svc reports it (customer-svc's own limit).
inline constexpr TextLimit kCustomerDisplayName{
    "customer display name", 200, {"complaints.customer_display_name"}};

// Who: staff ids (token subjects, named colleagues, handlers) and
// departments (token departments, transfer targets, category routing).
inline constexpr TextLimit kStaffId{
    "staff id",
    128,
    {"complaints.customer_owner_id", "complaints.first_responder_id",
     "complaints.handler_id", "complaints.resolver_id",
     "complaints.return_visit_staff_id", "complaints.investigator_id",
     "complaint_steps.actor_id", "fault_reports.reporter_id",
     // Who met each deadline, and the handler a breach was charged to.
     "complaints.ack_met_staff_id", "complaints.investigate_met_staff_id",
     "complaints.opinion_met_staff_id", "complaints.ack_breached_staff_id",
     "complaints.investigate_breached_staff_id",
     "complaints.opinion_breached_staff_id"}};
inline constexpr TextLimit kDepartment{
    "department",
    100,
    {"complaints.first_responder_department", "complaints.handling_department",
     "complaint_department_times.department",
     "complaint_escalations.department", "complaint_steps.actor_department",
     "categories.handling_department", "complaints.resolving_department",
     // The department of each deadline's meeting and of its breach.
     "complaints.ack_met_department", "complaints.investigate_met_department",
     "complaints.opinion_met_department", "complaints.ack_breached_department",
     "complaints.investigate_breached_department",
     "complaints.opinion_breached_department"}};

// Reasons of transfer, wait, reopen, reject, reclassify and reassign: kept
// in the timeline note (and a rejection's also on the complaint).
inline constexpr TextLimit kReason{
    "reason", 1000, {"complaints.rejection_reason"}};
inline constexpr TextLimit kInvestigationFindings{
    "investigation findings", 4000, {"complaints.investigation_findings"}};
inline constexpr TextLimit kResolutionText{
    "resolution text",
    4000,
    {"complaints.cause_analysis", "complaints.immediate_fix",
     "complaints.corrective_action"}};
inline constexpr TextLimit kCustomerFeedback{
    "customer feedback", 2000, {"complaints.customer_feedback"}};
inline constexpr TextLimit kReturnVisitNotes{
    "return visit notes", 2000, {"complaints.return_visit_notes"}};

// Major fault reports (故障报告制度).
inline constexpr TextLimit kFaultTitle{
    "fault title", 200, {"fault_reports.title"}};
inline constexpr TextLimit kFaultLocation{
    "fault location", 500, {"fault_reports.location"}};
inline constexpr TextLimit kFaultText{
    "fault report text",
    4000,
    {"fault_reports.symptoms", "fault_reports.plan", "fault_reports.impact",
     "fault_reports.handling", "fault_reports.cause",
     "fault_reports.corrective_measures", "fault_reports.preventive_measures"}};

// Configuration (ComplaintConfigService).
inline constexpr TextLimit kCategoryDisplayName{
    "category display name", 200, {"categories.display_name"}};
inline constexpr TextLimit kCalendarLabel{
    "calendar day label", 100, {"calendar_exceptions.label"}};
// The working hours are stored as "09:00-12:00,13:30-17:30": 11 characters
// a period and a comma between, so the number of periods is bounded.
inline constexpr int kMaxWorkingPeriods = 8;
inline constexpr TextLimit kWorkingHours{"working hours",
                                         kMaxWorkingPeriods * 12 - 1,
                                         {"calendar_settings.working_hours"}};

// A timeline note: a bounded prefix and at most one text above.
inline constexpr TextLimit kStepNote{
    "timeline note",
    kNotePrefixChars + kInvestigationFindings.max_chars,
    {"complaint_steps.note"}};

}  // namespace limits

// Every limit, for the schema test.
std::span<const TextLimit* const> AllTextLimits();

// Every text a note may carry fits after the longest prefix.
constexpr bool FitsInANote(const TextLimit& text) {
  return kNotePrefixChars + text.max_chars <= limits::kStepNote.max_chars;
}
static_assert(FitsInANote(limits::kReason));
static_assert(FitsInANote(limits::kCustomerFeedback));
static_assert(FitsInANote(limits::kInvestigationFindings));
static_assert(FitsInANote(limits::kSubject));
static_assert(FitsInANote(limits::kFaultTitle));

}  // namespace csm::complaint

#endif  // CSM_COMPLAINT_SVC_DOMAIN_TEXT_LIMITS_H_
