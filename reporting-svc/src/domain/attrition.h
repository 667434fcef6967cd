#ifndef CSM_REPORTING_SVC_DOMAIN_ATTRITION_H_
#define CSM_REPORTING_SVC_DOMAIN_ATTRITION_H_

// The attrition warning (客户流失预警, docs/reports.md "Attrition
// warning"): which open archives are at risk of being lost as of a business
// date, and the reasons. Pure: the app layer gathers each archive's facts
// from the pre-aggregated tables and passes the date in.
//
// Days are calendar days in Asia/Shanghai. "Silence" reasons hold when the
// latest such date (else the archive's creation date) is at least N days
// before as_of. Window reasons count facts dated in [as_of - N + 1, as_of].
// A threshold of 0 turns its reason off.

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "common/status.h"
#include "csm/common/v1/common.pb.h"
#include "csm/customer/v1/customer.pb.h"
#include "csm/reporting/v1/customer_reports.pb.h"
#include "csm/reporting/v1/report_config.pb.h"

namespace csm::reporting {

namespace rv1 = ::csm::reporting::v1;
namespace cv1 = ::csm::customer::v1;

struct AttritionRule {
  int no_dealing_days = 90;
  int no_communication_days = 60;
  int complaint_lookback_days = 90;
  int promise_lookback_days = 90;
  int min_broken_promises = 1;
  bool dissatisfied_last_visit = true;
  std::vector<cv1::LifecycleStatus> monitored_statuses = {
      cv1::LIFECYCLE_STATUS_ACTIVE, cv1::LIFECYCLE_STATUS_DORMANT};
};

// Field paths under `field` (e.g. "attrition_rule"): every day count
// 0..3660, min_broken_promises 1..1000, monitored_statuses non-empty, valid,
// not UNSPECIFIED, each once.
void ValidateAttritionRule(const AttritionRule& rule, absl::string_view field,
                           FieldViolations* violations);
AttritionRule FromProto(const rv1::AttritionRule& proto);
// Fills the thresholds only.
void ToProto(const AttritionRule& rule, rv1::AttritionRule* out);

// A dated fact with the resource behind it ("complaints/12").
struct DatedFact {
  absl::CivilDay day;
  std::string reference;
};

// What the warning needs to know about one archive.
struct ArchiveFacts {
  bool open = true;
  cv1::LifecycleStatus lifecycle_status = cv1::LIFECYCLE_STATUS_ACTIVE;
  absl::CivilDay created;
  // Latest dealing date (DealingRecorded.deal_date).
  std::optional<absl::CivilDay> last_dealing;
  // Latest communication contact date or return-visit actual date.
  std::optional<absl::CivilDay> last_contact;
  // The latest return visit (by actual date; on one date, the later event).
  struct Visit {
    absl::CivilDay day;
    csm::common::v1::Satisfaction satisfaction =
        csm::common::v1::SATISFACTION_UNSPECIFIED;
    std::string reference;
  };
  std::optional<Visit> last_visit;
  // Reopenings and escalation rungs of the customer's complaints (by the
  // time the reports attribute them), and broken promises (by due date).
  std::vector<DatedFact> complaint_reopens;
  std::vector<DatedFact> complaint_escalations;
  std::vector<DatedFact> broken_promises;
};

struct RiskReason {
  rv1::AttritionReason reason = rv1::ATTRITION_REASON_UNSPECIFIED;
  // The latest relevant date; nullopt for a silence never broken.
  std::optional<absl::CivilDay> since;
  // Days from `since` (or creation) to as_of.
  int64_t days = 0;
  // Distinct resources in the window (complaints, promises).
  int count = 0;
  // Up to 10, sorted.
  std::vector<std::string> references;
};

// Open and in a monitored lifecycle status.
bool IsMonitored(const AttritionRule& rule, const ArchiveFacts& facts);

// The reasons that hold as of `as_of`, in enum order; empty when the archive
// is not at risk or not monitored.
std::vector<RiskReason> RiskReasons(const AttritionRule& rule,
                                    const ArchiveFacts& facts,
                                    absl::CivilDay as_of);

void ToProto(const RiskReason& reason, rv1::RiskReason* out);

}  // namespace csm::reporting

#endif  // CSM_REPORTING_SVC_DOMAIN_ATTRITION_H_
