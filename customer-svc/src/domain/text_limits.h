// The text limits of customer-svc: the one source of truth.
//
// Every limit is in characters (Unicode code points, so that 200 Chinese
// characters are 200, not 600), checked at the edge before anything is
// written. Every column that stores such a text holds its limit in utf8mb4
// (4 bytes a character): store/column_limits.cc binds each column to its
// limit here, and schema_limits_test checks the schema against it through
// information_schema.

#ifndef CSM_CUSTOMER_SVC_SRC_DOMAIN_TEXT_LIMITS_H_
#define CSM_CUSTOMER_SVC_SRC_DOMAIN_TEXT_LIMITS_H_

#include <cstddef>

#include "common/principal.h"
#include "common/resource_id.h"

namespace csm::customer {

// Archives.
inline constexpr size_t kMaxDisplayNameLength = 200;  // also team names
inline constexpr size_t kMaxRegionLength = 32;        // province, city
inline constexpr size_t kMaxAddressLength = 500;
inline constexpr size_t kMaxBusinessScopeLength = 2000;
// industry, legal_representative, company_size
inline constexpr size_t kMaxTextLength = 200;
// Unified social credit codes and ID numbers are 18; the column has room.
inline constexpr size_t kMaxCreditCodeLength = 18;

// Contacts.
inline constexpr size_t kMaxContactNameLength = 100;
inline constexpr size_t kMaxContactTitleLength = 200;
inline constexpr size_t kMaxPhonesPerContact = 10;
// One phone as typed, spaces and dashes included ("+86 138-1234-5678").
inline constexpr size_t kMaxPhoneLength = 40;
// RFC 5321's limit of a forward path.
inline constexpr size_t kMaxEmailLength = 254;

// Who: staff ids (token subjects, owners, team members) and departments:
// what a verified token may carry (common/principal.h), so any caller can be
// written down.
inline constexpr size_t kMaxStaffIdLength = kMaxStaffIdChars;
inline constexpr size_t kMaxDepartmentLength = kMaxDepartmentChars;
// Team ids are resource ids (common/resource_id.h): [a-z0-9-]{1,63}.
inline constexpr size_t kMaxTeamIdLength = kMaxResourceIdChars;

// Why: reasons of grade, credit, ownership and state changes, closing a
// visit plan; the purpose of an unmasked read (借阅登记).
inline constexpr size_t kMaxReasonLength = 500;
inline constexpr size_t kMaxAccessPurposeLength = 500;
// 信用评估: payment behaviour, capital, operating status.
inline constexpr size_t kMaxAssessmentTextLength = 1000;

// Dealings, communications, promises, visits.
inline constexpr size_t kMaxDealingNoteLength = 1000;
// Free text of a record (summary, requests, opinions, promise, note ...).
inline constexpr size_t kMaxRecordTextLength = 2000;
// The delivered project of a visit plan.
inline constexpr size_t kMaxProjectLength = 200;

}  // namespace csm::customer

#endif  // CSM_CUSTOMER_SVC_SRC_DOMAIN_TEXT_LIMITS_H_
