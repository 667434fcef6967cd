#ifndef CSM_CUSTOMER_SVC_SRC_CUSTOMER_SERVER_H_
#define CSM_CUSTOMER_SVC_SRC_CUSTOMER_SERVER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth.h"
#include "common/clock.h"
#include "common/event_stream.h"
#include "common/migrations.h"
#include "common/mysql_pool.h"
#include "common/periodic_task.h"
#include "common/rpc.h"
#include "common/server.h"
#include "common/service_assembly.h"

namespace csm::customer {

// The common configuration (pool, server, edge, events) and customer-svc's
// own.
struct CustomerServerConfig : ServiceConfig {
  // How often the overdue sweep runs (VisitBecameOverdue, PromiseBroken);
  // zero starts no sweep thread (tests drive RunSweepOnce()).
  absl::Duration visit_sweep_interval = absl::Seconds(60);
};

// customer-svc: its services, its migrations and its sweep on the common
// ServiceAssembly (pool, migrations, health, reflection, metrics, edge,
// outbox, event stream, shutdown). main.cc runs one; integration tests run
// several.
class CustomerServer {
 public:
  // Applies migrations and starts serving. `verifier` and `clock` must
  // outlive the server.
  static absl::StatusOr<std::unique_ptr<CustomerServer>> Start(
      CustomerServerConfig config, const TokenVerifier* verifier,
      const Clock* clock);
  ~CustomerServer();

  int port() const { return assembly_->port(); }
  std::string address() const { return assembly_->address(); }
  // Graceful: stops the sweep, ends event streams, drains calls.
  void Shutdown() { assembly_->Shutdown(); }
  void RunUntilSignal() { assembly_->RunUntilSignal(); }
  // One overdue sweep as of the server's clock: the number of plans and
  // promises reported.
  absl::StatusOr<int> RunSweepOnce() { return sweep_->RunOnce(); }

 private:
  CustomerServer() = default;

  std::unique_ptr<ServiceAssembly> assembly_;
  PeriodicTask* sweep_ = nullptr;
};

// The schema customer-svc needs: the common tables, then its own.
std::vector<Migration> CustomerMigrations();

}  // namespace csm::customer

#endif  // CSM_CUSTOMER_SVC_SRC_CUSTOMER_SERVER_H_
