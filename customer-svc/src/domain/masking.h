// Confidentiality of customer information (客户信息保密): phones, credit/ID
// codes, addresses and emails are shown masked (138****5678) to anyone not
// entitled to the full archive. Pure functions; the caller registers every
// unmasked read (借阅登记).
//
// Every mask counts code points, never bytes, so a Chinese character is
// never cut in half.

#ifndef CSM_CUSTOMER_SVC_SRC_DOMAIN_MASKING_H_
#define CSM_CUSTOMER_SVC_SRC_DOMAIN_MASKING_H_

#include <string>

#include "absl/strings/string_view.h"
#include "common/principal.h"
#include "csm/customer/v1/customer.pb.h"

namespace csm::customer {

// Mobile: "13812345678", "+86 138 1234 5678" → "138****5678".
// Landline: "010-88886666" → "010-****6666" (area code kept, the number but
// its last four masked, an extension kept: it is useless without the number).
// Anything else: MaskGeneric.
std::string MaskPhone(absl::string_view phone);

// Unified social credit code or ID number: the first and last four kept,
// the middle masked: "91350100M000100Y43" → "9135**********0Y43". Codes
// shorter than 12 characters fall back to MaskGeneric (keeping 4 + 4 of
// them would show nearly everything).
std::string MaskCreditCode(absl::string_view code);

// Keeps the administrative part up to and including the first 区/县/市 after
// the province (省, 自治区, 特别行政区, or one of the four municipalities)
// and replaces the rest with "****":
//   "广东省深圳市南山区科技园" → "广东省深圳市****"
//   "北京市海淀区中关村大街1号" → "北京市海淀区****"
// The 区/县/市 must come within 12 characters of the province, so that the
// 市 of a 市场 deep in a street address is not mistaken for a city. With no
// unit, a recognised province alone is kept; with nothing recognisable, the
// first 6 characters, and never more than half of the address.
std::string MaskAddress(absl::string_view address);

// "zhang.san@example.com" → "z***@example.com": the domain stays (it says
// which organisation), the mailbox is hidden. Without a usable '@',
// MaskGeneric.
std::string MaskEmail(absl::string_view email);

// Odd strings: of 7 or more characters, the first 3 and last 2 stay; of
// fewer, every character becomes '*'. Empty stays empty.
std::string MaskGeneric(absl::string_view value);

// Who and where the archive belongs to, for the entitlement check.
struct ArchiveAccess {
  std::string owner_id;    // staff id of the archive's owner (客户经理)
  std::string department;  // department of the archive's team
};

// True if `caller` may read the archive unmasked: its owner, a supervisor or
// department manager of the archive's department, an archivist, or another
// backend service. Everyone else, the general manager included (who reads
// reports, not personal data), sees masked values. Entitlement is necessary,
// not sufficient: the API also requires an access purpose and registers it.
bool MayViewUnmasked(const Principal& caller, const ArchiveAccess& archive);

// Masks credit_code, address, and every contact's phones and email, and sets
// masked = true. Idempotent in effect (masking a masked value hides nothing
// more).
void MaskCustomer(v1::Customer* customer);

// Masks a value of the change history by the kind of personal data it holds
// (recorded with it, never guessed from the field's name): a phone list as
// JoinPhones writes it phone by phone, an email, a credit code, an address;
// a whole-contact summary (history from before contacts were recorded field
// by field) is withheld entirely ("****"). Not personal: unchanged. Empty
// stays empty.
std::string MaskPersonalValue(v1::PersonalDataKind kind,
                              absl::string_view value);

// Masks both values of a personal history entry by its personal_data kind
// and sets masked; leaves other entries as they are.
void MaskFieldChange(v1::FieldChange* change);

}  // namespace csm::customer

#endif  // CSM_CUSTOMER_SVC_SRC_DOMAIN_MASKING_H_
