// The archivists' configuration of the reports (ReportConfigService): the
// scoring formula of the staff ranking, the completeness rule, the
// attrition rule. Each is one resource with an etag (its version) and the
// documented default until it is first written; reports read it in their
// own snapshot, so a change applies to every live report at once.
#ifndef CSM_REPORTING_SVC_APP_REPORT_CONFIG_H_
#define CSM_REPORTING_SVC_APP_REPORT_CONFIG_H_

#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "common/call_context.h"
#include "common/mysql_pool.h"
#include "common/status.h"
#include "csm/reporting/v1/report_config.pb.h"
#include "google/protobuf/field_mask.pb.h"
#include "reporting-svc/src/app/reports.h"

namespace csm::reporting {

// An update's mask: required, each path one of `allowed`; one violation per
// problem ("update_mask", "update_mask.paths[i]").
void CheckUpdateMask(const google::protobuf::FieldMask& mask,
                     const std::set<std::string>& allowed,
                     FieldViolations* violations);
// The fields of `change` that `mask` names into `target`, repeated and
// message fields replaced whole.
void ApplyUpdateMask(const google::protobuf::Message& change,
                     const google::protobuf::FieldMask& mask,
                     google::protobuf::Message* target);

// As stored, or the default (etag "1", no update time) when never written.
absl::StatusOr<rv1::ScoringFormula> ReadScoringFormula(MysqlConnection& conn);
absl::StatusOr<rv1::CompletenessRule> ReadCompletenessRule(
    MysqlConnection& conn);
absl::StatusOr<rv1::AttritionRule> ReadAttritionRule(MysqlConnection& conn);

absl::StatusOr<rv1::ScoringFormula> GetScoringFormula(const ReportContext& ctx,
                                                      const CallContext& call);
absl::StatusOr<rv1::CompletenessRule> GetCompletenessRule(
    const ReportContext& ctx, const CallContext& call);
absl::StatusOr<rv1::AttritionRule> GetAttritionRule(const ReportContext& ctx,
                                                    const CallContext& call);

// update_mask required (the paths the contract lists); the merged resource
// is validated whole (INVALID_ARGUMENT with field violations); a stale
// etag is ABORTED; a retry with the same request_id returns the first
// result.
absl::StatusOr<rv1::ScoringFormula> UpdateScoringFormula(
    const ReportContext& ctx, const CallContext& call,
    const rv1::UpdateScoringFormulaRequest& request);
absl::StatusOr<rv1::CompletenessRule> UpdateCompletenessRule(
    const ReportContext& ctx, const CallContext& call,
    const rv1::UpdateCompletenessRuleRequest& request);
absl::StatusOr<rv1::AttritionRule> UpdateAttritionRule(
    const ReportContext& ctx, const CallContext& call,
    const rv1::UpdateAttritionRuleRequest& request);

}  // namespace csm::reporting

#endif  // CSM_REPORTING_SVC_APP_REPORT_CONFIG_H_
