#include "customer-svc/src/store/column_limits.h"

#include "customer-svc/src/domain/text_limits.h"

namespace csm::customer {
namespace {

// What the service writes itself, never taken from a request as text.
constexpr size_t kArchiveNumber = 32;   // "KH202611-000042"
constexpr size_t kArchivePeriod = 6;    // "202611"
constexpr size_t kMethodName = 64;      // "ListCustomerChanges"
constexpr size_t kHistoryField = 128;   // "contacts/7.display_name"
constexpr size_t kRequestId = 128;      // common/rpc.cc, common/idempotency
constexpr size_t kScheduleNote = 1000;  // visit_schedule.cc's notes
// A whole contact on one line (history before 003): name, title, phones,
// email.
constexpr size_t kContactSummary =
    kMaxContactNameLength + kMaxContactTitleLength +
    kMaxPhonesPerContact * (kMaxPhoneLength + 2) + kMaxEmailLength + 3;
// The longest value a history row records.
constexpr size_t kHistoryValue = kMaxBusinessScopeLength > kContactSummary
                                     ? kMaxBusinessScopeLength
                                     : kContactSummary;

}  // namespace

const std::vector<ColumnLimit>& TextColumnLimits() {
  static const auto* kColumns = new std::vector<ColumnLimit>{
      {"teams", "team_id", kMaxTeamIdLength},
      {"teams", "display_name", kMaxDisplayNameLength},
      {"teams", "department", kMaxDepartmentLength},
      {"team_members", "team_id", kMaxTeamIdLength},
      {"team_members", "staff_id", kMaxStaffIdLength},
      {"archive_number_counters", "period", kArchivePeriod},
      {"customers", "archive_number", kArchiveNumber},
      {"customers", "display_name", kMaxDisplayNameLength},
      // NormalizeName only drops and folds characters.
      {"customers", "normalized_name", kMaxDisplayNameLength},
      {"customers", "credit_code", kMaxCreditCodeLength},
      {"customers", "province", kMaxRegionLength},
      {"customers", "city", kMaxRegionLength},
      {"customers", "industry", kMaxTextLength},
      {"customers", "address", kMaxAddressLength},
      {"customers", "legal_representative", kMaxTextLength},
      {"customers", "business_scope", kMaxBusinessScopeLength},
      {"customers", "company_size", kMaxTextLength},
      {"customers", "owner_id", kMaxStaffIdLength},
      {"customers", "team_id", kMaxTeamIdLength},
      {"customers", "department", kMaxDepartmentLength},
      {"customers", "close_reason", kMaxReasonLength},
      {"customers", "creator_id", kMaxStaffIdLength},
      {"contacts", "display_name", kMaxContactNameLength},
      {"contacts", "title", kMaxContactTitleLength},
      {"contacts", "email", kMaxEmailLength},
      {"contact_phones", "phone", kMaxPhoneLength},
      // Its digits only.
      {"contact_phones", "normalized_phone", kMaxPhoneLength},
      {"grade_changes", "reason", kMaxReasonLength},
      {"grade_changes", "actor_id", kMaxStaffIdLength},
      {"grade_changes", "actor_department", kMaxDepartmentLength},
      {"credit_rating_changes", "reason", kMaxReasonLength},
      {"credit_rating_changes", "payment_behaviour", kMaxAssessmentTextLength},
      {"credit_rating_changes", "capital", kMaxAssessmentTextLength},
      {"credit_rating_changes", "operating_status", kMaxAssessmentTextLength},
      {"credit_rating_changes", "actor_id", kMaxStaffIdLength},
      {"credit_rating_changes", "actor_department", kMaxDepartmentLength},
      {"owner_changes", "from_owner_id", kMaxStaffIdLength},
      {"owner_changes", "to_owner_id", kMaxStaffIdLength},
      {"owner_open_archives", "owner_id", kMaxStaffIdLength},
      {"owner_changes", "from_team_id", kMaxTeamIdLength},
      {"owner_changes", "to_team_id", kMaxTeamIdLength},
      {"owner_changes", "reason", kMaxReasonLength},
      {"owner_changes", "actor_id", kMaxStaffIdLength},
      {"owner_changes", "actor_department", kMaxDepartmentLength},
      {"dealings", "note", kMaxDealingNoteLength},
      {"dealings", "recorder_id", kMaxStaffIdLength},
      {"dealings", "recorder_department", kMaxDepartmentLength},
      {"customer_changes", "method", kMethodName},
      {"customer_changes", "actor_id", kMaxStaffIdLength},
      {"customer_changes", "actor_department", kMaxDepartmentLength},
      {"customer_changes", "request_id", kRequestId},
      {"customer_field_changes", "field", kHistoryField},
      {"customer_field_changes", "old_value", kHistoryValue},
      {"customer_field_changes", "new_value", kHistoryValue},
      {"access_records", "reader_id", kMaxStaffIdLength},
      {"access_records", "reader_department", kMaxDepartmentLength},
      {"access_records", "purpose", kMaxAccessPurposeLength},
      {"access_records", "method", kMethodName},
      {"communications", "staff_id", kMaxStaffIdLength},
      {"communications", "summary", kMaxRecordTextLength},
      {"communications", "customer_requests", kMaxRecordTextLength},
      {"communications", "promise_description", kMaxRecordTextLength},
      {"communications", "kept_note", kMaxRecordTextLength},
      {"communications", "recorder_id", kMaxStaffIdLength},
      {"communications", "recorder_department", kMaxDepartmentLength},
      {"visit_plans", "project", kMaxProjectLength},
      {"visit_plans", "status_note", kScheduleNote},
      {"visit_plans", "close_reason", kMaxReasonLength},
      {"visit_plans", "closed_by", kMaxStaffIdLength},
      {"visits", "staff_id", kMaxStaffIdLength},
      {"visits", "staff_department", kMaxDepartmentLength},
      {"visits", "customer_opinions", kMaxRecordTextLength},
      {"visits", "customer_requests", kMaxRecordTextLength},
      {"visits", "countermeasures", kMaxRecordTextLength},
      {"visits", "next_action", kMaxRecordTextLength},
      {"visits", "not_counted_reason", kScheduleNote},
      {"grading_policy", "updated_by", kMaxStaffIdLength},
      {"grading_policy", "updated_by_department", kMaxDepartmentLength},
  };
  return *kColumns;
}

}  // namespace csm::customer
