#ifndef CSM_REPORTING_SVC_DOMAIN_COMPLETENESS_H_
#define CSM_REPORTING_SVC_DOMAIN_COMPLETENESS_H_

// Archive completeness (客户档案完备率, docs/reports.md "Archive
// completeness"). customer-svc reports which completeness fields of an
// archive are filled (CustomerSnapshot.filled_fields, names only); the
// required-field list is reporting-svc's configuration (CompletenessRule),
// applied when a report is read.
//
// For one archive: applicable = the required fields not exempt for its
// kind; filled = those of them it has filled. Over archives:
//   field completeness (完备率) = Σ filled / Σ applicable
//   complete archives          = archives with filled == applicable / archives
// An archive for which no required field applies is complete and adds 0/0.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "common/status.h"
#include "csm/customer/v1/customer.pb.h"
#include "csm/reporting/v1/report_config.pb.h"
#include "reporting-svc/src/domain/rates.h"

namespace csm::reporting {

namespace rv1 = ::csm::reporting::v1;
namespace cv1 = ::csm::customer::v1;

// The names customer-svc reports in CustomerSnapshot.filled_fields.
const std::vector<std::string>& CompletenessFieldNames();
bool IsCompletenessField(absl::string_view name);

struct RequiredField {
  std::string field;
  std::vector<cv1::CustomerKind> exempt_kinds;
};

// customer-svc's own list when the rule was introduced (ArchiveCompleteness
// in customer_rules.cc): display_name, kind, credit_code, province, city,
// industry, address, legal_representative, business_scope, company_size
// (those three exempt for individuals), acquisition_channel, contact_phone.
std::vector<RequiredField> DefaultRequiredFields();

// Field paths under `field` (e.g. "completeness_rule.required_fields"):
// 1..30 fields, each a known name and at most once; exempt kinds valid, not
// UNSPECIFIED.
void ValidateRequiredFields(const std::vector<RequiredField>& fields,
                            absl::string_view field,
                            FieldViolations* violations);

std::vector<RequiredField> FromProto(const rv1::CompletenessRule& proto);
void ToProto(const std::vector<RequiredField>& fields,
             rv1::CompletenessRule* out);

struct ArchiveFill {
  int filled = 0;
  int applicable = 0;
  bool complete() const { return filled == applicable; }
};

// `filled_fields` as the event carries it (any order; unknown names are
// ignored: a newer customer-svc may report more).
ArchiveFill EvaluateArchive(const std::vector<RequiredField>& required,
                            cv1::CustomerKind kind,
                            const std::vector<std::string>& filled_fields);

// Sums archives (or groups of identical archives: the tables keep a count
// per distinct combination of kind and filled fields).
class CompletenessTally {
 public:
  explicit CompletenessTally(std::vector<RequiredField> required);

  void Add(cv1::CustomerKind kind,
           const std::vector<std::string>& filled_fields, int64_t archives = 1);

  int64_t archives() const { return archives_; }
  Ratio complete_archives() const;
  Ratio field_completeness() const;
  // Per required field, in the rule's order: archives with it filled /
  // archives it applies to.
  std::vector<Ratio> per_field() const;
  const std::vector<RequiredField>& required() const { return required_; }

 private:
  std::vector<RequiredField> required_;
  int64_t archives_ = 0;
  int64_t complete_ = 0;
  int64_t filled_ = 0;
  int64_t applicable_ = 0;
  std::vector<int64_t> field_filled_;
  std::vector<int64_t> field_applicable_;
};

}  // namespace csm::reporting

#endif  // CSM_REPORTING_SVC_DOMAIN_COMPLETENESS_H_
