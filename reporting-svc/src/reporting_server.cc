#include "reporting-svc/src/reporting_server.h"

#include <memory>
#include <string>
#include <utility>

#include "absl/time/clock.h"
#include "common/status.h"
#include "reporting-svc/src/api/report_api.h"
#include "reporting-svc/src/app/aggregate_backfill.h"
#include "reporting-svc/src/app/event_appliers.h"
#include "reporting-svc/src/app/refresh_queue.h"
#include "reporting-svc/src/app/snapshots.h"
#include "reporting-svc/src/jobs/snapshot_job.h"
#include "reporting-svc/src/store/report_tables.h"

namespace csm {
const std::vector<Migration>& reporting_schema_migrations();
}  // namespace csm

namespace csm::reporting {
namespace {

// A replay of a whole history within one rebuild: generous.
constexpr absl::Duration kReplayTimeout = absl::Hours(1);

ServiceClientOptions ClientOptions(const ReportingServerConfig& config,
                                   std::string target, std::string peer) {
  ServiceClientOptions o;
  o.target = std::move(target);
  o.peer = std::move(peer);
  o.self = "reporting-svc";
  o.jwt_secret = config.jwt_secret;
  o.jwt_issuer = config.jwt_issuer;
  return o;
}

EventFollowerOptions FollowerOptions(const ReportingServerConfig& config,
                                     const char* source, MysqlPool* pool) {
  EventFollowerOptions options{.source = source,
                               .min_backoff = config.min_backoff,
                               .max_backoff = config.max_backoff,
                               .recheck_interval = config.recheck_interval};
  // The names a catch-up's batches of this source queued
  // (app/refresh_queue.h).
  const std::string queue_of = source;
  auto watch = std::make_shared<BacklogWatch>();
  options.after_apply = [pool, queue_of, watch](bool at_head,
                                                const auto& stopping) {
    DrainAfterBatch(*pool, queue_of, at_head, stopping, *watch);
  };
  return options;
}

}  // namespace

const std::vector<Migration>& ReportingMigrations() {
  return reporting_schema_migrations();
}

absl::Status ResetReports(MysqlPool& pool) {
  return RunInTransaction(
      pool, absl::Now() + absl::Minutes(10),
      [](MysqlConnection& conn) -> absl::Status {
        CSM_RETURN_IF_ERROR(ClearReportTables(conn));
        conn.Prepare("DELETE FROM event_cursors").executeUpdate();
        return absl::OkStatus();
      });
}

absl::StatusOr<std::unique_ptr<ReportingServer>> ReportingServer::Start(
    ReportingServerConfig config, const TokenVerifier* verifier,
    const Clock* clock) {
  std::unique_ptr<ReportingServer> s(new ReportingServer);
  CSM_ASSIGN_OR_RETURN(s->assembly_, ServiceAssembly::Create(
                                         config.service, ReportingMigrations(),
                                         verifier, clock));
  ServiceAssembly& a = *s->assembly_;
  // Before anything applies events or reads the day tables.
  CSM_RETURN_IF_ERROR(BackfillAggregates(a.pool()));
  CSM_RETURN_IF_ERROR(FillSnapshotColumns(a.pool()));
  std::vector<ReplaySource> replays;
  for (const auto& [source, address] :
       {std::pair{kCustomerSource, config.customer_address},
        std::pair{kComplaintSource, config.complaint_address}}) {
    auto& client =
        a.Make<ServiceClient>(ClientOptions(config, address, source));
    auto& handlers = a.Make<EventHandlers>(HandlersOf(source));
    auto& follower =
        a.Make<EventFollower>(FollowerOptions(config, source, &a.pool()),
                              &client, &a.pool(), &handlers, &a.registry());
    s->followers_.push_back(&follower);
    ReplaySource replay;
    replay.source = source;
    replay.handlers = &handlers;
    replay.replay = [&client](int64_t upto, const auto& apply) {
      return ReplayEvents(client, 0, upto, kReplayTimeout, apply);
    };
    replay.pause = [&follower] { follower.Pause(); };
    replay.resume = [&follower] { follower.Resume(); };
    replays.push_back(std::move(replay));
  }
  s->rebuild_ = &a.Make<ReportRebuild>(&a.pool(), std::move(replays));
  ReportingServer* self = s.get();
  ReportContext context{&a.pool(), [self] { return self->Followers(); }};
  a.AddService<ReportApi>(context, &a.runtime());
  a.AddService<ComplaintReportApi>(context, &a.runtime());
  a.AddService<CustomerReportApi>(context, &a.runtime());
  a.AddService<ReportConfigApi>(context, s->rebuild_, &a.runtime());
  a.AddService<ReportSnapshotApi>(context, &a.runtime());
  auto& snapshots = a.Make<SnapshotJob>(context, &a.outbox(), &a.clock());
  s->snapshot_job_ = &a.AddJob("report-snapshots", config.snapshot_interval,
                               [&snapshots] { return snapshots.RunOnce(); });
  a.OnShutdown([self] {
    for (EventFollower* f : self->followers_) f->Stop();
  });
  CSM_RETURN_IF_ERROR(a.Start());
  s->follow_ = config.follow;
  if (config.follow) {
    for (EventFollower* f : s->followers_) f->Start();
  }
  return s;
}

ReportingServer::~ReportingServer() {
  // The shutdown hook reads followers_: run it while they are alive.
  if (assembly_ != nullptr) assembly_->Shutdown();
  for (EventFollower* f : followers_) f->Stop();
  assembly_.reset();
}

std::vector<FollowerStatus> ReportingServer::Followers() const {
  std::vector<FollowerStatus> out;
  for (const EventFollower* f : followers_) {
    const FollowerState state = f->Status();
    out.push_back({state.source, state.stopped, state.stop_reason,
                   !follow_ || state.caught_up});
  }
  return out;
}

}  // namespace csm::reporting
