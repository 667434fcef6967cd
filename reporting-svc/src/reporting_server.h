// reporting-svc on the common ServiceAssembly: its report services, its
// schema, one EventFollower per source (customer-svc, complaint-svc) and
// the rebuild. main.cc runs one; tests run it in-process.
#ifndef CSM_REPORTING_SVC_SRC_REPORTING_SERVER_H_
#define CSM_REPORTING_SVC_SRC_REPORTING_SERVER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth.h"
#include "common/clock.h"
#include "common/event_follower.h"
#include "common/migrations.h"
#include "common/periodic_task.h"
#include "common/service_assembly.h"
#include "common/service_client.h"
#include "reporting-svc/src/app/rebuild.h"
#include "reporting-svc/src/app/reports.h"

namespace csm::reporting {

struct ReportingServerConfig {
  ServiceConfig service;
  // The sources' gRPC addresses ("host:port" or "dns:///name:port").
  std::string customer_address = "127.0.0.1:50051";
  std::string complaint_address = "127.0.0.1:50052";
  // The shared secret the followers mint their service token with.
  std::string jwt_secret;
  std::string jwt_issuer;
  // Reconnect backoff and the stopped followers' recheck.
  absl::Duration min_backoff = absl::Milliseconds(200);
  absl::Duration max_backoff = absl::Seconds(10);
  absl::Duration recheck_interval = absl::Seconds(5);
  // How often the snapshot job looks for due schedules; not positive: never
  // by itself (tests call snapshot_job().RunOnce()).
  absl::Duration snapshot_interval = absl::Minutes(1);
  // false: the followers are not started (`--rebuild` and operator
  // commands; tests that drive the tables themselves).
  bool follow = true;
};

class ReportingServer {
 public:
  // Applies the migrations and starts serving and following.
  static absl::StatusOr<std::unique_ptr<ReportingServer>> Start(
      ReportingServerConfig config, const TokenVerifier* verifier,
      const Clock* clock);
  ~ReportingServer();

  int port() const { return assembly_->port(); }
  std::string address() const { return assembly_->address(); }
  void Shutdown() { assembly_->Shutdown(); }
  void RunUntilSignal() { assembly_->RunUntilSignal(); }

  MysqlPool& pool() { return assembly_->pool(); }
  ReportRebuild& rebuild() { return *rebuild_; }
  PeriodicTask& snapshot_job() { return *snapshot_job_; }
  std::vector<FollowerStatus> Followers() const;
  const std::vector<EventFollower*>& followers() const { return followers_; }

 private:
  ReportingServer() = default;

  std::unique_ptr<ServiceAssembly> assembly_;
  std::vector<EventFollower*> followers_;
  ReportRebuild* rebuild_ = nullptr;
  PeriodicTask* snapshot_job_ = nullptr;
  bool follow_ = true;
};

// reporting-svc's own migrations (after the common ones).
const std::vector<Migration>& ReportingMigrations();

// Empties every report table and cursor in one transaction: the followers
// recompute everything from sequence 0 of each source's current history
// (after a source was restored from a backup; docs/operations.md).
absl::Status ResetReports(MysqlPool& pool);

}  // namespace csm::reporting

#endif  // CSM_REPORTING_SVC_SRC_REPORTING_SERVER_H_
