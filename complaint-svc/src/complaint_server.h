#ifndef CSM_COMPLAINT_SVC_SRC_COMPLAINT_SERVER_H_
#define CSM_COMPLAINT_SVC_SRC_COMPLAINT_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth.h"
#include "common/clock.h"
#include "common/mysql_pool.h"
#include "common/outbox.h"
#include "common/rpc.h"
#include "common/server.h"
#include "complaint-svc/src/api/complaint_api.h"
#include "complaint-svc/src/api/config_api.h"
#include "complaint-svc/src/customer_directory.h"
#include "complaint-svc/src/escalation_sweep.h"
#include "complaint-svc/src/store/config_store.h"

namespace csm::complaint {

struct ComplaintServerConfig {
  MysqlOptions mysql;
  ServerOptions server;
  RpcRuntimeOptions runtime;
  EventStreamOptions events;
  // customer-svc, asked for each new complaint's customer.
  std::string customer_address = "127.0.0.1:50051";
  // The shared bearer-token secret and issuer: complaint-svc mints its own
  // service token for customer-svc with them.
  std::string jwt_secret;
  std::string jwt_issuer;
  // How often the escalation sweep runs; zero disables the thread (tests
  // call RunSweepOnce()).
  absl::Duration escalation_sweep_interval = absl::Seconds(30);
  // Tests: used instead of a gRPC directory when set. Not owned.
  CustomerDirectory* customers = nullptr;
};

// complaint-svc wired together: pool, migrations, calendar seed, config and
// complaint APIs, event stream, escalation sweep, health, reflection,
// metrics. main.cc runs one; integration tests run several.
class ComplaintServer {
 public:
  // Applies migrations, loads the shipped holiday seed once, starts the
  // sweep and serves. `verifier` and `clock` must outlive the server.
  static absl::StatusOr<std::unique_ptr<ComplaintServer>> Start(
      ComplaintServerConfig config, const TokenVerifier* verifier,
      const Clock* clock);
  ~ComplaintServer();

  int port() const { return host_->port(); }
  std::string address() const { return host_->address(); }
  // Graceful: stops the sweep, ends event streams, drains calls.
  void Shutdown() { host_->Shutdown(); }
  void RunUntilSignal() { host_->RunUntilSignal(); }

  // One escalation pass at the clock's now; returns how many complaints it
  // changed.
  absl::StatusOr<int> RunSweepOnce();
  ConfigStore& config_store() { return *config_; }

 private:
  ComplaintServer() = default;

  const Clock* clock_ = nullptr;
  std::unique_ptr<MysqlPool> pool_;
  std::unique_ptr<ServiceHost> host_;
  std::unique_ptr<RpcMetrics> metrics_;
  std::unique_ptr<RpcRuntime> runtime_;
  std::unique_ptr<Outbox> outbox_;
  std::unique_ptr<ConfigStore> config_;
  std::unique_ptr<CustomerDirectory> own_customers_;
  std::unique_ptr<ComplaintApi> api_;
  std::unique_ptr<ConfigApi> config_api_;
  std::unique_ptr<EventStreamService> events_;
  std::unique_ptr<EscalationSweep> sweep_;
};

}  // namespace csm::complaint

#endif  // CSM_COMPLAINT_SVC_SRC_COMPLAINT_SERVER_H_
