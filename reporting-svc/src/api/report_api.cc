#include "reporting-svc/src/api/report_api.h"

#include "common/status.h"
#include "reporting-svc/src/app/report_config.h"
#include "reporting-svc/src/app/schedules.h"
#include "reporting-svc/src/app/snapshots.h"

namespace csm::reporting {
namespace {

// Every role reads reports; PrepareReport narrows what each sees.
constexpr RoleSet kReaders = RoleSet::All();

// Who changes the report configuration.
const RoleSet kArchivists{Role::kArchivist};

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

grpc::Status ReportApi::GetStaffRanking(grpc::ServerContext* ctx,
                                        const rv1::GetStaffRankingRequest* req,
                                        rv1::StaffRanking* resp) {
  return runtime_->Handle(
      ctx, "GetStaffRanking", kReaders, [&](const CallContext& call) {
        return Into(reporting::GetStaffRanking(context_, call, *req), resp);
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

grpc::Status ComplaintReportApi::GetSatisfactionReport(
    grpc::ServerContext* ctx, const rv1::GetSatisfactionReportRequest* req,
    rv1::SatisfactionReport* resp) {
  return runtime_->Handle(
      ctx, "GetSatisfactionReport", kReaders, [&](const CallContext& call) {
        return Into(reporting::GetSatisfactionReport(context_, call, *req),
                    resp);
      });
}

grpc::Status ComplaintReportApi::ListComplaintLedger(
    grpc::ServerContext* ctx, const rv1::ListComplaintLedgerRequest* req,
    rv1::ListComplaintLedgerResponse* resp) {
  return runtime_->Handle(
      ctx, "ListComplaintLedger", kReaders, [&](const CallContext& call) {
        return Into(reporting::ListComplaintLedger(context_, call, *req), resp);
      });
}

grpc::Status CustomerReportApi::GetReturnVisitReport(
    grpc::ServerContext* ctx, const rv1::GetReturnVisitReportRequest* req,
    rv1::ReturnVisitReport* resp) {
  return runtime_->Handle(
      ctx, "GetReturnVisitReport", kReaders, [&](const CallContext& call) {
        return Into(reporting::GetReturnVisitReport(context_, call, *req),
                    resp);
      });
}

grpc::Status CustomerReportApi::GetCustomerAnalysis(
    grpc::ServerContext* ctx, const rv1::GetCustomerAnalysisRequest* req,
    rv1::CustomerAnalysis* resp) {
  return runtime_->Handle(
      ctx, "GetCustomerAnalysis", kReaders, [&](const CallContext& call) {
        return Into(reporting::GetCustomerAnalysis(context_, call, *req), resp);
      });
}

grpc::Status CustomerReportApi::GetAttritionWarning(
    grpc::ServerContext* ctx, const rv1::GetAttritionWarningRequest* req,
    rv1::AttritionWarning* resp) {
  return runtime_->Handle(
      ctx, "GetAttritionWarning", kReaders, [&](const CallContext& call) {
        return Into(reporting::GetAttritionWarning(context_, call, *req), resp);
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

grpc::Status ReportConfigApi::GetScoringFormula(
    grpc::ServerContext* ctx, const rv1::GetScoringFormulaRequest*,
    rv1::ScoringFormula* resp) {
  return runtime_->Handle(
      ctx, "GetScoringFormula", kReaders, [&](const CallContext& call) {
        return Into(reporting::GetScoringFormula(context_, call), resp);
      });
}

grpc::Status ReportConfigApi::UpdateScoringFormula(
    grpc::ServerContext* ctx, const rv1::UpdateScoringFormulaRequest* req,
    rv1::ScoringFormula* resp) {
  return runtime_->Handle(
      ctx, "UpdateScoringFormula", kArchivists, [&](const CallContext& call) {
        return Into(reporting::UpdateScoringFormula(context_, call, *req),
                    resp);
      });
}

grpc::Status ReportConfigApi::GetCompletenessRule(
    grpc::ServerContext* ctx, const rv1::GetCompletenessRuleRequest*,
    rv1::CompletenessRule* resp) {
  return runtime_->Handle(
      ctx, "GetCompletenessRule", kReaders, [&](const CallContext& call) {
        return Into(reporting::GetCompletenessRule(context_, call), resp);
      });
}

grpc::Status ReportConfigApi::UpdateCompletenessRule(
    grpc::ServerContext* ctx, const rv1::UpdateCompletenessRuleRequest* req,
    rv1::CompletenessRule* resp) {
  return runtime_->Handle(
      ctx, "UpdateCompletenessRule", kArchivists, [&](const CallContext& call) {
        return Into(reporting::UpdateCompletenessRule(context_, call, *req),
                    resp);
      });
}

grpc::Status ReportConfigApi::GetAttritionRule(
    grpc::ServerContext* ctx, const rv1::GetAttritionRuleRequest*,
    rv1::AttritionRule* resp) {
  return runtime_->Handle(
      ctx, "GetAttritionRule", kReaders, [&](const CallContext& call) {
        return Into(reporting::GetAttritionRule(context_, call), resp);
      });
}

grpc::Status ReportConfigApi::UpdateAttritionRule(
    grpc::ServerContext* ctx, const rv1::UpdateAttritionRuleRequest* req,
    rv1::AttritionRule* resp) {
  return runtime_->Handle(
      ctx, "UpdateAttritionRule", kArchivists, [&](const CallContext& call) {
        return Into(reporting::UpdateAttritionRule(context_, call, *req), resp);
      });
}

grpc::Status ReportSnapshotApi::ListReportSchedules(
    grpc::ServerContext* ctx, const rv1::ListReportSchedulesRequest* req,
    rv1::ListReportSchedulesResponse* resp) {
  return runtime_->Handle(
      ctx, "ListReportSchedules", kReaders, [&](const CallContext& call) {
        return Into(reporting::ListReportSchedules(context_, call, *req), resp);
      });
}

grpc::Status ReportSnapshotApi::GetReportSchedule(
    grpc::ServerContext* ctx, const rv1::GetReportScheduleRequest* req,
    rv1::ReportSchedule* resp) {
  return runtime_->Handle(
      ctx, "GetReportSchedule", kReaders, [&](const CallContext& call) {
        return Into(reporting::GetReportSchedule(context_, call, *req), resp);
      });
}

grpc::Status ReportSnapshotApi::CreateReportSchedule(
    grpc::ServerContext* ctx, const rv1::CreateReportScheduleRequest* req,
    rv1::ReportSchedule* resp) {
  return runtime_->Handle(
      ctx, "CreateReportSchedule", kArchivists, [&](const CallContext& call) {
        return Into(reporting::CreateReportSchedule(context_, call, *req),
                    resp);
      });
}

grpc::Status ReportSnapshotApi::UpdateReportSchedule(
    grpc::ServerContext* ctx, const rv1::UpdateReportScheduleRequest* req,
    rv1::ReportSchedule* resp) {
  return runtime_->Handle(
      ctx, "UpdateReportSchedule", kArchivists, [&](const CallContext& call) {
        return Into(reporting::UpdateReportSchedule(context_, call, *req),
                    resp);
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
