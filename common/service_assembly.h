// One csm service process put together: the MySQL pool, the schema
// (common migrations, then the service's), the gRPC server with health,
// reflection and Prometheus metrics (ServiceHost), the edge (RpcRuntime and
// its metrics), the outbox and its event stream, the service's own gRPC
// services, its periodic jobs, and an ordered shutdown. Each service's
// wiring file only names its services, migrations and jobs:
//
//   CSM_ASSIGN_OR_RETURN(auto assembly,
//       ServiceAssembly::Create(config, customer_schema_migrations(),
//                               verifier, clock));
//   ServiceAssembly& a = *assembly;
//   a.AddService<CustomerApi>(&a.pool(), &a.outbox(), &a.runtime());
//   auto& sweep = a.Make<OverdueSweep>(&a.pool(), &a.outbox(), &a.clock());
//   a.AddJob("overdue-sweep", interval,
//            [&sweep, &a] { return sweep.RunOnce(a.clock().Now()); });
//   CSM_RETURN_IF_ERROR(a.Start());
//
// Health (grpc.health.v1, the readiness of a replica): SERVING from
// Start(); NOT_SERVING after two database probes in a row failed (every
// ServerOptions::database_probe_interval: a connection that cannot be
// made or a ping that fails; a pool whose connections are all busy is not
// a failure), SERVING again at the first that succeeds.
//
// Shutdown (SIGTERM, Shutdown() or the destructor), in this order: health
// turns NOT_SERVING; the jobs stop (a run in progress finishes); the
// service's own hooks run (OnShutdown, in the order added); the event
// streams end (their clients resume from their cursor); new unary calls
// get UNAVAILABLE while the admitted ones finish, within the grace period,
// and until none has arrived for ServerOptions::shutdown_quiet
// (RpcRuntime::Drain); then gRPC's server stops (cancelling what still
// runs at the end of the grace period) and everything the assembly owns
// is destroyed, newest first.
#ifndef CSM_COMMON_SERVICE_ASSEMBLY_H_
#define CSM_COMMON_SERVICE_ASSEMBLY_H_

#include <grpcpp/impl/service_type.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth.h"
#include "common/clock.h"
#include "common/event_stream.h"
#include "common/migrations.h"
#include "common/mysql_pool.h"
#include "common/outbox.h"
#include "common/periodic_task.h"
#include "common/rpc.h"
#include "common/server.h"

namespace csm {

// What every service is configured with (common/service_flags.h fills it
// from flags; tests set it by hand). `runtime.service` names the service in
// logs, metrics and as the outbox's source.
struct ServiceConfig {
  MysqlOptions mysql;
  ServerOptions server;
  RpcRuntimeOptions runtime;
  EventStreamOptions events;
};

class ServiceAssembly {
 public:
  // Connects the pool and applies the common migrations, then
  // `service_migrations`; builds the host, runtime, outbox and event stream.
  // Nothing serves until Start(). `verifier` and `clock` (null: the real
  // clock) must outlive the assembly.
  static absl::StatusOr<std::unique_ptr<ServiceAssembly>> Create(
      ServiceConfig config, const std::vector<Migration>& service_migrations,
      const TokenVerifier* verifier, const Clock* clock);
  // Shutdown(), then destroys what it owns, newest first.
  ~ServiceAssembly();
  ServiceAssembly(const ServiceAssembly&) = delete;
  ServiceAssembly& operator=(const ServiceAssembly&) = delete;

  MysqlPool& pool() { return *pool_; }
  Outbox& outbox() { return *outbox_; }
  RpcRuntime& runtime() { return *runtime_; }
  const Clock& clock() const { return *clock_; }
  const ServiceConfig& config() const { return config_; }
  // The metrics endpoint's registry, for a service's own metrics (its event
  // followers').
  prometheus::Registry& registry() { return host_->registry(); }

  // Before Start(): constructs a gRPC service, owns it and registers it.
  template <typename S, typename... Args>
  S& AddService(Args&&... args) {
    S& service = Make<S>(std::forward<Args>(args)...);
    host_->AddService(&service);
    return service;
  }

  // Constructs an object the services use (a store, a sweep, a client)
  // and keeps it until the server has shut down.
  template <typename T, typename... Args>
  T& Make(Args&&... args) {
    auto object = std::make_shared<T>(std::forward<Args>(args)...);
    T& ref = *object;
    owned_.push_back(std::move(object));
    return ref;
  }

  // Before Start(): a job run every `interval` on its own thread from
  // Start() on (none when the interval is not positive: tests call
  // RunOnce() on the task returned).
  PeriodicTask& AddJob(std::string name, absl::Duration interval,
                       PeriodicTask::Body body);

  // Before Start(): run at shutdown after the jobs stop and before the
  // event streams end.
  void OnShutdown(std::function<void()> hook);

  // Registers the event stream, starts serving, then starts the jobs.
  absl::Status Start();
  // The bound port (listen port 0 picks a free one) and "host:port".
  int port() const { return host_->port(); }
  std::string address() const { return host_->address(); }
  // Graceful and idempotent (see the file comment).
  void Shutdown();
  // Blocks until SIGTERM or SIGINT (or Shutdown() elsewhere), then Shutdown().
  void RunUntilSignal();

 private:
  ServiceAssembly(ServiceConfig config, const Clock* clock);
  void StopJobs();
  absl::Status ProbeDatabase();

  const ServiceConfig config_;
  const Clock* clock_;
  std::unique_ptr<MysqlPool> pool_;
  std::unique_ptr<ServiceHost> host_;
  std::unique_ptr<RpcMetrics> metrics_;
  std::unique_ptr<RpcRuntime> runtime_;
  std::unique_ptr<Outbox> outbox_;
  std::unique_ptr<EventStreamService> events_;
  std::vector<std::shared_ptr<void>> owned_;  // destroyed newest first
  std::vector<std::unique_ptr<PeriodicTask>> jobs_;
  std::vector<std::function<void()>> hooks_;
  int probe_failures_ = 0;  // in a row; the probe job's thread only
};

}  // namespace csm

#endif  // CSM_COMMON_SERVICE_ASSEMBLY_H_
