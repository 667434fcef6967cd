// customer-svc: customer archives (客户档案). Wiring only.
#include <cstdlib>

#include "absl/flags/flag.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/service_flags.h"
#include "customer-svc/src/customer_server.h"

ABSL_FLAG(int, visit_sweep_interval_seconds, 60,
          "how often the overdue sweep reports visits and promises past due "
          "(VisitBecameOverdue, PromiseBroken); 0 disables it");

int main(int argc, char** argv) {
  csm::ParseFlags(argc, argv,
                  "customer-svc: customer archives (客户档案) over gRPC.\n"
                  "Every flag can also be set as CSM_<FLAG_IN_CAPITALS>.");
  csm::log::SetService("customer-svc");

  auto mysql = csm::MysqlOptionsFromFlags();
  auto verifier = csm::TokenVerifierFromFlags();
  auto clock = csm::ClockFromFlags();
  if (!mysql.ok() || !verifier.ok() || !clock.ok()) {
    csm::log::Error("bad configuration",
                    {{"error", !mysql.ok()      ? mysql.status().message()
                               : !verifier.ok() ? verifier.status().message()
                                                : clock.status().message()}});
    return EXIT_FAILURE;
  }
  csm::customer::CustomerServerConfig config;
  config.mysql = *mysql;
  config.server = csm::ServerOptionsFromFlags("customer-svc");
  config.runtime = csm::RpcRuntimeOptionsFromFlags("customer-svc");
  config.visit_sweep_interval =
      absl::Seconds(absl::GetFlag(FLAGS_visit_sweep_interval_seconds));

  auto server =
      csm::customer::CustomerServer::Start(config, verifier->get(), *clock);
  if (!server.ok()) {
    csm::log::Error("customer-svc failed to start",
                    {{"error", server.status().ToString()}});
    return EXIT_FAILURE;
  }
  csm::log::Info("customer-svc serving",
                 {{"address", (*server)->address()},
                  {"metrics", config.server.metrics_address}});
  (*server)->RunUntilSignal();
  return EXIT_SUCCESS;
}
