// The report services over gRPC: decode, call the use case
// (src/app/reports.h), encode. Readers: every role; what each reads is
// decided by PrepareReport (a supervisor's department, an agent's own
// figures).
#ifndef CSM_REPORTING_SVC_API_REPORT_API_H_
#define CSM_REPORTING_SVC_API_REPORT_API_H_

#include "common/rpc.h"
#include "csm/reporting/v1/complaint_reports.grpc.pb.h"
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

 private:
  ReportContext context_;
  RpcRuntime* runtime_;
};

// Freshness (every reader) and the rebuild (archivists).
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

 private:
  ReportContext context_;
  ReportRebuild* rebuild_;
  RpcRuntime* runtime_;
};

// Stored snapshots (reads). Schedules are not served by this version.
class ReportSnapshotApi final : public rv1::ReportSnapshotService::Service {
 public:
  ReportSnapshotApi(ReportContext context, RpcRuntime* runtime)
      : context_(std::move(context)), runtime_(runtime) {}

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
