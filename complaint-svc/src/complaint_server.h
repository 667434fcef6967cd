#ifndef CSM_COMPLAINT_SVC_SRC_COMPLAINT_SERVER_H_
#define CSM_COMPLAINT_SVC_SRC_COMPLAINT_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth.h"
#include "common/clock.h"
#include "common/event_stream.h"
#include "common/mysql_pool.h"
#include "common/periodic_task.h"
#include "common/rpc.h"
#include "common/server.h"
#include "common/service_assembly.h"
#include "complaint-svc/src/app/customer_directory.h"
#include "complaint-svc/src/store/config_store.h"

namespace csm::complaint {

// The common configuration (pool, server, edge, events) and complaint-svc's
// own.
struct ComplaintServerConfig : ServiceConfig {
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

// complaint-svc: its services, its migrations, the calendar seed, the
// customer directory and the escalation sweep on the common
// ServiceAssembly (pool, migrations, health, reflection, metrics, edge,
// outbox, event stream, shutdown). Wiring only. main.cc runs one; the
// tests (complaint-svc/testing/, tests/) run several.
class ComplaintServer {
 public:
  // Applies migrations, loads the shipped holiday seed once, starts the
  // sweep and serves. `verifier` and `clock` must outlive the server.
  static absl::StatusOr<std::unique_ptr<ComplaintServer>> Start(
      ComplaintServerConfig config, const TokenVerifier* verifier,
      const Clock* clock);
  ~ComplaintServer();

  int port() const { return assembly_->port(); }
  std::string address() const { return assembly_->address(); }
  // Graceful: stops the sweep, ends event streams, drains calls.
  void Shutdown() { assembly_->Shutdown(); }
  void RunUntilSignal() { assembly_->RunUntilSignal(); }

  // One escalation pass at the clock's now; returns how many complaints it
  // changed.
  absl::StatusOr<int> RunSweepOnce() { return sweep_->RunOnce(); }
  ConfigStore& config_store() { return *config_; }
  // The server's pool (tests read the schema through it).
  MysqlPool& pool() { return assembly_->pool(); }

 private:
  ComplaintServer() = default;

  std::unique_ptr<ServiceAssembly> assembly_;
  ConfigStore* config_ = nullptr;
  PeriodicTask* sweep_ = nullptr;
};

}  // namespace csm::complaint

#endif  // CSM_COMPLAINT_SVC_SRC_COMPLAINT_SERVER_H_
