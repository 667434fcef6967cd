#include "reporting-svc/src/app/snapshots.h"

#include <optional>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/filter.h"
#include "common/log.h"
#include "common/paging.h"
#include "common/status.h"
#include "reporting-svc/src/store/snapshot_store.h"

namespace csm::reporting {
namespace {

// The filter the snapshot's report was computed with.
const rv1::ReportFilter* FilterOf(const rv1::ReportSnapshot& s) {
  switch (s.content_case()) {
    case rv1::ReportSnapshot::kWeeklyReport:
      return &s.weekly_report().applied_filter();
    case rv1::ReportSnapshot::kSupervisionReport:
      return &s.supervision_report().applied_filter();
    case rv1::ReportSnapshot::kComplaintAnalysis:
      return &s.complaint_analysis().applied_filter();
    case rv1::ReportSnapshot::kSlaAccountability:
      return &s.sla_accountability().applied_filter();
    case rv1::ReportSnapshot::kStaffRanking:
      return &s.staff_ranking().applied_filter();
    case rv1::ReportSnapshot::kSatisfactionReport:
      return &s.satisfaction_report().applied_filter();
    case rv1::ReportSnapshot::kReturnVisitReport:
      return &s.return_visit_report().applied_filter();
    case rv1::ReportSnapshot::kCustomerAnalysis:
      return &s.customer_analysis().applied_filter();
    case rv1::ReportSnapshot::kAttritionWarning:
      return &s.attrition_warning().applied_filter();
    default:
      return nullptr;
  }
}

bool MayRead(const CallContext& call, const rv1::ReportSnapshot& s) {
  const RoleSet roles = call.principal.roles;
  if (roles.Intersects(
          {Role::kGeneralManager, Role::kArchivist, Role::kService})) {
    return true;
  }
  if (!roles.Intersects({Role::kSupervisor, Role::kManager})) return false;
  const rv1::ReportFilter* f = FilterOf(s);
  return f != nullptr && f->departments_size() == 1 &&
         f->departments(0) == call.principal.department;
}

void SetCsv(rv1::ReportSnapshot& s) {
  switch (s.content_case()) {
    case rv1::ReportSnapshot::kWeeklyReport:
      *s.mutable_csv() = WeeklyCsv(s.weekly_report());
      break;
    case rv1::ReportSnapshot::kSupervisionReport:
      *s.mutable_csv() = SupervisionCsv(s.supervision_report());
      break;
    case rv1::ReportSnapshot::kComplaintAnalysis:
      *s.mutable_csv() = AnalysisCsv(s.complaint_analysis());
      break;
    case rv1::ReportSnapshot::kSlaAccountability:
      *s.mutable_csv() = AccountabilityCsv(s.sla_accountability());
      break;
    case rv1::ReportSnapshot::kStaffRanking:
      *s.mutable_csv() = RankingCsv(s.staff_ranking());
      break;
    case rv1::ReportSnapshot::kSatisfactionReport:
      *s.mutable_csv() = SatisfactionCsv(s.satisfaction_report());
      break;
    case rv1::ReportSnapshot::kReturnVisitReport:
      *s.mutable_csv() = ReturnVisitCsv(s.return_visit_report());
      break;
    case rv1::ReportSnapshot::kCustomerAnalysis:
      *s.mutable_csv() = CustomerAnalysisCsv(s.customer_analysis());
      break;
    case rv1::ReportSnapshot::kAttritionWarning:
      *s.mutable_csv() = AttritionCsv(s.attrition_warning(), true);
      break;
    default:
      break;
  }
}

}  // namespace

absl::StatusOr<rv1::ListReportSnapshotsResponse> ListReportSnapshots(
    const ReportContext& ctx, const CallContext& call,
    const rv1::ListReportSnapshotsRequest& request) {
  FieldViolations v;
  absl::StatusOr<int> size = ResolvePageSize(request.page_size());
  if (!size.ok()) v.Add("page_size", "must be between 0 (50) and 500");
  const std::string& order = request.order_by();
  if (!order.empty() && order != "scheduled_time desc" &&
      order != "scheduled_time") {
    v.Add("order_by", "must be \"scheduled_time desc\" or \"scheduled_time\"");
  }
  absl::StatusOr<std::vector<FilterTerm>> filter =
      ParseFilter(request.filter(), SnapshotFilterFields());
  if (!filter.ok()) return filter.status();
  CSM_RETURN_IF_ERROR(v.ToStatus());
  const std::string fingerprint =
      absl::StrCat("snapshots|", order, "|", request.filter());
  CSM_ASSIGN_OR_RETURN(std::optional<PageCursor> after,
                       DecodeToken(request.page_token(), fingerprint));
  rv1::ListReportSnapshotsResponse out;
  CSM_RETURN_IF_ERROR(
      ReadSnapshot(ctx, call, [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(
            Page<rv1::ReportSnapshot> page,
            ListSnapshots(conn, *filter, order == "scheduled_time", after,
                          *size));
        for (rv1::ReportSnapshot& s : page.items) {
          if (!MayRead(call, s)) continue;
          s.clear_content();
          *out.add_report_snapshots() = std::move(s);
        }
        out.set_next_page_token(EncodeToken(page.next, fingerprint));
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<rv1::ReportSnapshot> GetReportSnapshot(
    const ReportContext& ctx, const CallContext& call,
    const rv1::GetReportSnapshotRequest& request) {
  absl::string_view name = request.name();
  int64_t id = 0;
  if (!absl::ConsumePrefix(&name, "reportSnapshots/") ||
      !absl::SimpleAtoi(name, &id) || id <= 0) {
    return InvalidField("name", "must be reportSnapshots/{id}");
  }
  rv1::ReportSnapshot out;
  CSM_RETURN_IF_ERROR(
      ReadSnapshot(ctx, call, [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(out, LoadSnapshot(conn, id));
        return absl::OkStatus();
      }));
  if (!MayRead(call, out)) {
    return absl::PermissionDeniedError(
        absl::StrCat(request.name(), " is not a report of your department"));
  }
  if (request.format() == rv1::REPORT_FORMAT_CSV) SetCsv(out);
  return out;
}

absl::Status FillSnapshotColumns(MysqlPool& pool) {
  int64_t after = 0;
  int64_t filled = 0;  // chunks
  for (bool more = true; more;) {
    int64_t last = after;
    // A retried transaction starts again from `after`: a chunk moves it
    // only once committed.
    CSM_RETURN_IF_ERROR(RunInTransaction(
        pool, absl::Now() + absl::Minutes(1),
        [&](MysqlConnection& conn) -> absl::Status {
          last = after;
          CSM_ASSIGN_OR_RETURN(more,
                               FillSnapshotColumnsAfter(conn, &last, 200));
          return absl::OkStatus();
        }));
    after = last;
    filled += more ? 1 : 0;
  }
  if (filled > 0) {
    log::Info("filled the filter columns of the stored snapshots",
              {{"chunks", absl::StrCat(filled)}});
  }
  return absl::OkStatus();
}

}  // namespace csm::reporting
