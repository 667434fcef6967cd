// The report services over gRPC: decode, call the use case
// (src/app/reports.h), encode. Readers: every role; what each reads is
// decided by PrepareReport (a supervisor's department, an agent's own
// figures).
#ifndef CSM_REPORTING_SVC_API_REPORT_API_H_
#define CSM_REPORTING_SVC_API_REPORT_API_H_

#include "common/rpc.h"
#include "csm/reporting/v1/complaint_reports.grpc.pb.h"
#include "csm/reporting/v1/customer_reports.grpc.pb.h"
#include "csm/reporting/v1/report_config.grpc.pb.h"
#include "csm/reporting/v1/reports.grpc.pb.h"
#include "csm/reporting/v1/snapshots.grpc.pb.h"
#include "reporting-svc/src/app/rebuild.h"
#include "reporting-svc/src/app/reports.h"

namespace csm::reporting {

class ReportApi final : public rv1::ReportService::Service {
 public:
  ReportApi(ReportContext context, RpcRuntime* runtime)
      : context_(std::move(context)), runtime_(runtime) {}

  grpc::Status GetWeeklyReport(grpc::ServerContext* ctx,
                               const rv1::GetWeeklyReportRequest* req,
                               rv1::WeeklyReport* resp) override;
  grpc::Status GetSupervisionReport(grpc::ServerContext* ctx,
                                    const rv1::GetSupervisionReportRequest* req,
                                    rv1::SupervisionReport* resp) override;
  grpc::Status GetStaffRanking(grpc::ServerContext* ctx,
                               const rv1::GetStaffRankingRequest* req,
                               rv1::StaffRanking* resp) override;

 private:
  ReportContext context_;
  RpcRuntime* runtime_;
};

class ComplaintReportApi final : public rv1::ComplaintReportService::Service {
 public:
  ComplaintReportApi(ReportContext context, RpcRuntime* runtime)
      : context_(std::move(context)), runtime_(runtime) {}

  grpc::Status GetComplaintAnalysis(grpc::ServerContext* ctx,
                                    const rv1::GetComplaintAnalysisRequest* req,
                                    rv1::ComplaintAnalysis* resp) override;
  grpc::Status GetSlaAccountability(grpc::ServerContext* ctx,
                                    const rv1::GetSlaAccountabilityRequest* req,
                                    rv1::SlaAccountability* resp) override;
  grpc::Status GetSatisfactionReport(
      grpc::ServerContext* ctx, const rv1::GetSatisfactionReportRequest* req,
      rv1::SatisfactionReport* resp) override;
  grpc::Status ListComplaintLedger(
      grpc::ServerContext* ctx, const rv1::ListComplaintLedgerRequest* req,
      rv1::ListComplaintLedgerResponse* resp) override;

 private:
  ReportContext context_;
  RpcRuntime* runtime_;
};

class CustomerReportApi final : public rv1::CustomerReportService::Service {
 public:
  CustomerReportApi(ReportContext context, RpcRuntime* runtime)
      : context_(std::move(context)), runtime_(runtime) {}

  grpc::Status GetReturnVisitReport(grpc::ServerContext* ctx,
                                    const rv1::GetReturnVisitReportRequest* req,
                                    rv1::ReturnVisitReport* resp) override;
  grpc::Status GetCustomerAnalysis(grpc::ServerContext* ctx,
                                   const rv1::GetCustomerAnalysisRequest* req,
                                   rv1::CustomerAnalysis* resp) override;
  grpc::Status GetAttritionWarning(grpc::ServerContext* ctx,
                                   const rv1::GetAttritionWarningRequest* req,
                                   rv1::AttritionWarning* resp) override;

 private:
  ReportContext context_;
  RpcRuntime* runtime_;
};

// Freshness and the configuration (every reader), its updates and the
// rebuild (archivists).
class ReportConfigApi final : public rv1::ReportConfigService::Service {
 public:
  ReportConfigApi(ReportContext context, ReportRebuild* rebuild,
                  RpcRuntime* runtime)
      : context_(std::move(context)), rebuild_(rebuild), runtime_(runtime) {}

  grpc::Status GetFreshness(grpc::ServerContext* ctx,
                            const rv1::GetFreshnessRequest* req,
                            rv1::Freshness* resp) override;
  grpc::Status RebuildReports(grpc::ServerContext* ctx,
                              const rv1::RebuildReportsRequest* req,
                              rv1::Rebuild* resp) override;
  grpc::Status GetRebuild(grpc::ServerContext* ctx,
                          const rv1::GetRebuildRequest* req,
                          rv1::Rebuild* resp) override;
  grpc::Status GetScoringFormula(grpc::ServerContext* ctx,
                                 const rv1::GetScoringFormulaRequest* req,
                                 rv1::ScoringFormula* resp) override;
  grpc::Status UpdateScoringFormula(grpc::ServerContext* ctx,
                                    const rv1::UpdateScoringFormulaRequest* req,
                                    rv1::ScoringFormula* resp) override;
  grpc::Status GetCompletenessRule(grpc::ServerContext* ctx,
                                   const rv1::GetCompletenessRuleRequest* req,
                                   rv1::CompletenessRule* resp) override;
  grpc::Status UpdateCompletenessRule(
      grpc::ServerContext* ctx, const rv1::UpdateCompletenessRuleRequest* req,
      rv1::CompletenessRule* resp) override;
  grpc::Status GetAttritionRule(grpc::ServerContext* ctx,
                                const rv1::GetAttritionRuleRequest* req,
                                rv1::AttritionRule* resp) override;
  grpc::Status UpdateAttritionRule(grpc::ServerContext* ctx,
                                   const rv1::UpdateAttritionRuleRequest* req,
                                   rv1::AttritionRule* resp) override;

 private:
  ReportContext context_;
  ReportRebuild* rebuild_;
  RpcRuntime* runtime_;
};

// Schedules (reads; archivists write) and the stored snapshots (reads).
class ReportSnapshotApi final : public rv1::ReportSnapshotService::Service {
 public:
  ReportSnapshotApi(ReportContext context, RpcRuntime* runtime)
      : context_(std::move(context)), runtime_(runtime) {}

  grpc::Status ListReportSchedules(
      grpc::ServerContext* ctx, const rv1::ListReportSchedulesRequest* req,
      rv1::ListReportSchedulesResponse* resp) override;
  grpc::Status GetReportSchedule(grpc::ServerContext* ctx,
                                 const rv1::GetReportScheduleRequest* req,
                                 rv1::ReportSchedule* resp) override;
  grpc::Status CreateReportSchedule(grpc::ServerContext* ctx,
                                    const rv1::CreateReportScheduleRequest* req,
                                    rv1::ReportSchedule* resp) override;
  grpc::Status UpdateReportSchedule(grpc::ServerContext* ctx,
                                    const rv1::UpdateReportScheduleRequest* req,
                                    rv1::ReportSchedule* resp) override;
  grpc::Status ListReportSnapshots(
      grpc::ServerContext* ctx, const rv1::ListReportSnapshotsRequest* req,
      rv1::ListReportSnapshotsResponse* resp) override;
  grpc::Status GetReportSnapshot(grpc::ServerContext* ctx,
                                 const rv1::GetReportSnapshotRequest* req,
                                 rv1::ReportSnapshot* resp) override;

 private:
  ReportContext context_;
  RpcRuntime* runtime_;
};

}  // namespace csm::reporting

#endif  // CSM_REPORTING_SVC_API_REPORT_API_H_
