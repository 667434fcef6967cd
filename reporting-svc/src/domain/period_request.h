#ifndef CSM_REPORTING_SVC_DOMAIN_PERIOD_REQUEST_H_
#define CSM_REPORTING_SVC_DOMAIN_PERIOD_REQUEST_H_

// The period of a report request (csm.reporting.v1.Period) decoded into a
// ReportPeriod, with one field violation per problem, and the resolved
// period of a response.

#include <optional>
#include <vector>

#include "absl/strings/string_view.h"
#include "common/status.h"
#include "csm/reporting/v1/report_common.pb.h"
#include "reporting-svc/src/domain/period.h"

namespace csm::reporting {

namespace rv1 = ::csm::reporting::v1;

// `field` is the request's field path, e.g. "period". Violations name the
// part: "period.kind", "period.year", "period.number", "period.start_date",
// "period.end_date". Returns nullopt when any was added.
std::optional<ReportPeriod> DecodePeriod(const rv1::Period& period,
                                         absl::string_view field,
                                         FieldViolations* violations);

// The consecutive periods of a trend ending with `last`; a violation on
// `field` (e.g. "trend_periods") when ConsecutivePeriods refuses.
std::optional<std::vector<ReportPeriod>> DecodeTrend(
    const ReportPeriod& last, int trend_periods, absl::string_view field,
    FieldViolations* violations);

// The canonical request form of a period (CUSTOM with its dates; the others
// with year and number).
rv1::Period ToProto(const ReportPeriod& period);
void ToProto(const ReportPeriod& period, rv1::ResolvedPeriod* out);

}  // namespace csm::reporting

#endif  // CSM_REPORTING_SVC_DOMAIN_PERIOD_REQUEST_H_
