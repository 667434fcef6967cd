#ifndef CSM_CUSTOMER_SVC_SRC_CUSTOMER_SERVER_H_
#define CSM_CUSTOMER_SVC_SRC_CUSTOMER_SERVER_H_

#include <memory>

#include "absl/status/statusor.h"
#include "common/auth.h"
#include "common/clock.h"
#include "common/migrations.h"
#include "common/mysql_pool.h"
#include "common/outbox.h"
#include "common/rpc.h"
#include "common/server.h"
#include "customer-svc/src/api/communication_api.h"
#include "customer-svc/src/api/customer_api.h"
#include "customer-svc/src/api/grading_api.h"
#include "customer-svc/src/api/visit_api.h"
#include "customer-svc/src/api/visit_sweep.h"

namespace csm::customer {

struct CustomerServerConfig {
  MysqlOptions mysql;
  ServerOptions server;
  RpcRuntimeOptions runtime;
  EventStreamOptions events;
  // How often the overdue sweep runs (VisitBecameOverdue, PromiseBroken);
  // zero starts no sweep thread (tests drive RunSweepOnce()).
  absl::Duration visit_sweep_interval = absl::Seconds(60);
};

// customer-svc wired together: pool, migrations, API, event stream, health,
// reflection, metrics. main.cc runs one; integration tests run several.
class CustomerServer {
 public:
  // Applies migrations and starts serving. `verifier` and `clock` must
  // outlive the server.
  static absl::StatusOr<std::unique_ptr<CustomerServer>> Start(
      CustomerServerConfig config, const TokenVerifier* verifier,
      const Clock* clock);
  ~CustomerServer();

  int port() const { return host_->port(); }
  std::string address() const { return host_->address(); }
  void Shutdown() { host_->Shutdown(); }
  void RunUntilSignal() { host_->RunUntilSignal(); }
  // One overdue sweep as of the server's clock: the number of plans and
  // promises reported.
  absl::StatusOr<int> RunSweepOnce() { return sweep_->RunOnce(clock_->Now()); }

 private:
  CustomerServer() = default;

  std::unique_ptr<MysqlPool> pool_;
  std::unique_ptr<ServiceHost> host_;
  std::unique_ptr<RpcMetrics> metrics_;
  std::unique_ptr<RpcRuntime> runtime_;
  std::unique_ptr<Outbox> outbox_;
  std::unique_ptr<CustomerApi> api_;
  std::unique_ptr<EventStreamService> events_;
  std::unique_ptr<CommunicationApi> communication_api_;
  std::unique_ptr<VisitApi> visit_api_;
  std::unique_ptr<GradingApi> grading_api_;
  const Clock* clock_ = nullptr;
  std::unique_ptr<OverdueSweep> sweep_;
};

// The schema customer-svc needs: the common tables, then its own.
std::vector<Migration> CustomerMigrations();

}  // namespace csm::customer

#endif  // CSM_CUSTOMER_SVC_SRC_CUSTOMER_SERVER_H_
