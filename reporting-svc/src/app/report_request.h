// What every report request goes through before a figure is read: who may
// read what (the caller's department or staff id filled in or enforced),
// the period decoded, the filter checked against what the report accepts
// and against the departments and categories the events have named; bad
// input is one INVALID_ARGUMENT with a field violation per problem.
#ifndef CSM_REPORTING_SVC_APP_REPORT_REQUEST_H_
#define CSM_REPORTING_SVC_APP_REPORT_REQUEST_H_

#include "absl/status/statusor.h"
#include "common/call_context.h"
#include "common/mysql_pool.h"
#include "csm/reporting/v1/report_common.pb.h"
#include "reporting-svc/src/domain/period.h"
#include "reporting-svc/src/domain/report_filter.h"
#include "reporting-svc/src/store/figure_queries.h"

namespace csm::reporting {

struct ReportRequest {
  ReportPeriod period;
  // The filter as applied (a supervisor's own department filled in).
  rv1::ReportFilter applied;
  FigureScope scope;
};

// PERMISSION_DENIED for a filter the caller may not read; INVALID_ARGUMENT
// with violations on "period.*" and "filter.*".
absl::StatusOr<ReportRequest> PrepareReport(MysqlPool& pool,
                                            const CallContext& call,
                                            const rv1::Period& period,
                                            const rv1::ReportFilter& filter,
                                            const FilterPolicy& policy);

// The filters each report takes (docs/reports.md, one section a report):
// the same for a request and for a schedule of the report.
FilterPolicy FilterPolicyOf(rv1::ReportKind kind);

// The scope of `period` with the filter's values.
FigureScope ScopeOf(const ReportPeriod& period,
                    const rv1::ReportFilter& filter);

}  // namespace csm::reporting

#endif  // CSM_REPORTING_SVC_APP_REPORT_REQUEST_H_
