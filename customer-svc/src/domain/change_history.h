// What an archive's change history (ListCustomerChanges) records: one
// FieldChangeRecord per changed field, each saying which kind of personal
// data (客户信息保密) its values hold, so that masking on read follows the
// record and never guesses from a field's name.
//
// Pure: no I/O.

#ifndef CSM_CUSTOMER_SVC_SRC_DOMAIN_CHANGE_HISTORY_H_
#define CSM_CUSTOMER_SVC_SRC_DOMAIN_CHANGE_HISTORY_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "csm/customer/v1/customer.pb.h"

namespace csm::customer {

namespace v1 = ::csm::customer::v1;

// One field's change. Values are strings; enums are their names
// ("LIFECYCLE_STATUS_ACTIVE"), dates "2026-12-01", flags "true"/"false".
// Personal values are recorded as they are, with their kind, and masked on
// read (MaskFieldChange in masking.h): whoever records a personal field says
// so here.
struct FieldChangeRecord {
  std::string field;
  std::string old_value;
  std::string new_value;
  v1::PersonalDataKind personal = v1::PERSONAL_DATA_KIND_UNSPECIFIED;

  friend bool operator==(const FieldChangeRecord&,
                         const FieldChangeRecord&) = default;
};

// A contact added as history: one record per field it has, named
// "<history_prefix>.display_name", ".title", ".phones" (JoinPhones),
// ".email" and ".primary", from "" to its value; phones and email as
// personal data. Empty fields (no title, no email) are left out.
std::vector<FieldChangeRecord> ContactAddedChanges(
    const v1::Contact& contact, absl::string_view history_prefix);

// The same records for a removed contact: from its values to "".
std::vector<FieldChangeRecord> ContactRemovedChanges(
    const v1::Contact& contact, absl::string_view history_prefix);

}  // namespace csm::customer

#endif  // CSM_CUSTOMER_SVC_SRC_DOMAIN_CHANGE_HISTORY_H_
