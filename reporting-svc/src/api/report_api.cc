#include "reporting-svc/src/api/report_api.h"

#include "common/status.h"
#include "reporting-svc/src/app/snapshots.h"

namespace csm::reporting {
namespace {

// Every role reads reports; PrepareReport narrows what each sees.
constexpr RoleSet kReaders = RoleSet::All();

// A use case's result into the response.
template <typename T>
absl::Status Into(absl::StatusOr<T> result, T* resp) {
  if (!result.ok()) return result.status();
  *resp = *std::move(result);
  return absl::OkStatus();
}

}  // namespace

grpc::Status ReportApi::GetWeeklyReport(grpc::ServerContext* ctx,
                                        const rv1::GetWeeklyReportRequest* req,
                                        rv1::WeeklyReport* resp) {
  return runtime_->Handle(
      ctx, "GetWeeklyReport", kReaders, [&](const CallContext& call) {
        return Into(reporting::GetWeeklyReport(context_, call, *req), resp);
      });
}

grpc::Status ReportApi::GetSupervisionReport(
    grpc::ServerContext* ctx, const rv1::GetSupervisionReportRequest* req,
    rv1::SupervisionReport* resp) {
  return runtime_->Handle(
      ctx, "GetSupervisionReport", kReaders, [&](const CallContext& call) {
        return Into(reporting::GetSupervisionReport(context_, call, *req),
                    resp);
      });
}

grpc::Status ComplaintReportApi::GetComplaintAnalysis(
    grpc::ServerContext* ctx, const rv1::GetComplaintAnalysisRequest* req,
    rv1::ComplaintAnalysis* resp) {
  return runtime_->Handle(
      ctx, "GetComplaintAnalysis", kReaders, [&](const CallContext& call) {
        return Into(reporting::GetComplaintAnalysis(context_, call, *req),
                    resp);
      });
}

grpc::Status ComplaintReportApi::GetSlaAccountability(
    grpc::ServerContext* ctx, const rv1::GetSlaAccountabilityRequest* req,
    rv1::SlaAccountability* resp) {
  return runtime_->Handle(
      ctx, "GetSlaAccountability", kReaders, [&](const CallContext& call) {
        return Into(reporting::GetSlaAccountability(context_, call, *req),
                    resp);
      });
}

grpc::Status ReportConfigApi::GetFreshness(grpc::ServerContext* ctx,
                                           const rv1::GetFreshnessRequest*,
                                           rv1::Freshness* resp) {
  return runtime_->Handle(
      ctx, "GetFreshness", kReaders, [&](const CallContext& call) {
        return Into(reporting::GetFreshness(context_, call), resp);
      });
}

grpc::Status ReportConfigApi::RebuildReports(grpc::ServerContext* ctx,
                                             const rv1::RebuildReportsRequest*,
                                             rv1::Rebuild* resp) {
  return runtime_->Handle(ctx, "RebuildReports", RoleSet{Role::kArchivist},
                          [&](const CallContext& call) {
                            return Into(rebuild_->Start(call), resp);
                          });
}

grpc::Status ReportConfigApi::GetRebuild(grpc::ServerContext* ctx,
                                         const rv1::GetRebuildRequest* req,
                                         rv1::Rebuild* resp) {
  return runtime_->Handle(ctx, "GetRebuild", kReaders,
                          [&](const CallContext& call) {
                            return Into(rebuild_->Get(call, req->name()), resp);
                          });
}

grpc::Status ReportSnapshotApi::ListReportSnapshots(
    grpc::ServerContext* ctx, const rv1::ListReportSnapshotsRequest* req,
    rv1::ListReportSnapshotsResponse* resp) {
  return runtime_->Handle(
      ctx, "ListReportSnapshots", kReaders, [&](const CallContext& call) {
        return Into(reporting::ListReportSnapshots(context_, call, *req), resp);
      });
}

grpc::Status ReportSnapshotApi::GetReportSnapshot(
    grpc::ServerContext* ctx, const rv1::GetReportSnapshotRequest* req,
    rv1::ReportSnapshot* resp) {
  return runtime_->Handle(
      ctx, "GetReportSnapshot", kReaders, [&](const CallContext& call) {
        return Into(reporting::GetReportSnapshot(context_, call, *req), resp);
      });
}

}  // namespace csm::reporting
