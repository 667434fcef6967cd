#ifndef CSM_REPORTING_SVC_DOMAIN_REPORT_FILTER_H_
#define CSM_REPORTING_SVC_DOMAIN_REPORT_FILTER_H_

// The filters of a report request (csm.reporting.v1.ReportFilter): which a
// report accepts, their limits, unknown departments and categories, and a
// supervisor's or manager's restriction to their own department.

#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/status.h"
#include "csm/reporting/v1/report_common.pb.h"

namespace csm::reporting {

namespace rv1 = ::csm::reporting::v1;

inline constexpr int kMaxFilterValues = 100;

// Which filters a report takes; the others are INVALID_ARGUMENT.
struct FilterPolicy {
  // e.g. "the customer analysis", for the messages.
  std::string report;
  bool departments = true;
  bool staff_ids = true;
  bool categories = true;
  bool severities = true;
  bool customer_grades = true;
};

// The departments and categories some applied event has named.
struct KnownValues {
  std::set<std::string> departments;
  std::set<std::string> categories;
};

// One violation per problem, field paths under `field` (e.g. "filter"):
// a filter the report does not take, more than kMaxFilterValues values, an
// empty value, an unknown department or category, an UNSPECIFIED or unknown
// enum value.
void ValidateFilter(const rv1::ReportFilter& filter, const FilterPolicy& policy,
                    const KnownValues& known, absl::string_view field,
                    FieldViolations* violations);

// Supervisors and managers read their own department only: an empty
// department list becomes theirs; naming another is PERMISSION_DENIED. A
// caller without a department (no `dept` claim) is PERMISSION_DENIED.
absl::StatusOr<rv1::ReportFilter> RestrictToDepartment(
    rv1::ReportFilter filter, absl::string_view caller_department);

// Agents read only reports filtered to themselves: an empty staff list
// becomes theirs; naming anyone else is PERMISSION_DENIED.
absl::StatusOr<rv1::ReportFilter> RestrictToStaff(rv1::ReportFilter filter,
                                                  absl::string_view staff_id);

}  // namespace csm::reporting

#endif  // CSM_REPORTING_SVC_DOMAIN_REPORT_FILTER_H_
