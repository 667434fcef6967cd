// complaint-svc: complaint handling (客户投诉处理). Wiring only.
#include <cstdlib>
#include <string>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/service_flags.h"
#include "complaint-svc/src/complaint_server.h"

ABSL_FLAG(std::string, customer_address, "127.0.0.1:50051",
          "customer-svc gRPC address (host:port), asked for each new "
          "complaint's customer");
ABSL_FLAG(int, escalation_sweep_interval_seconds, 30,
          "How often overdue complaints are escalated; 0 disables the sweep");

// The shared flags default to customer-svc's ports.
ABSL_DECLARE_FLAG(std::string, listen_address);
ABSL_DECLARE_FLAG(std::string, metrics_address);

int main(int argc, char** argv) {
  // complaint-svc's own defaults, set before parsing so that the
  // environment and the command line still win.
  absl::SetFlag(&FLAGS_listen_address, "0.0.0.0:50052");
  absl::SetFlag(&FLAGS_metrics_address, "0.0.0.0:9465");
  csm::ParseFlags(
      argc, argv,
      "complaint-svc: complaint handling (客户投诉处理) over gRPC.\n"
      "Every flag can also be set as CSM_<FLAG_IN_CAPITALS>.");
  csm::log::SetService("complaint-svc");

  auto mysql = csm::MysqlOptionsFromFlags();
  auto jwt = csm::JwtConfigFromFlags();
  auto verifier = csm::TokenVerifierFromFlags();
  auto clock = csm::ClockFromFlags();
  const int sweep_seconds =
      absl::GetFlag(FLAGS_escalation_sweep_interval_seconds);
  std::string error;
  if (!mysql.ok()) {
    error = std::string(mysql.status().message());
  } else if (!jwt.ok()) {
    error = std::string(jwt.status().message());
  } else if (!verifier.ok()) {
    error = std::string(verifier.status().message());
  } else if (!clock.ok()) {
    error = std::string(clock.status().message());
  } else if (absl::GetFlag(FLAGS_customer_address).empty()) {
    error = "--customer_address is required";
  } else if (sweep_seconds < 0) {
    error = "--escalation_sweep_interval_seconds must be 0 (off) or positive";
  }
  if (!error.empty()) {
    csm::log::Error("bad configuration", {{"error", error}});
    return EXIT_FAILURE;
  }
  csm::complaint::ComplaintServerConfig config;
  config.mysql = *mysql;
  config.server = csm::ServerOptionsFromFlags("complaint-svc");
  config.runtime = csm::RpcRuntimeOptionsFromFlags("complaint-svc");
  config.customer_address = absl::GetFlag(FLAGS_customer_address);
  config.jwt_secret = jwt->secret;
  config.jwt_issuer = jwt->issuer;
  config.escalation_sweep_interval = absl::Seconds(sweep_seconds);

  auto server =
      csm::complaint::ComplaintServer::Start(config, verifier->get(), *clock);
  if (!server.ok()) {
    csm::log::Error("complaint-svc failed to start",
                    {{"error", server.status().ToString()}});
    return EXIT_FAILURE;
  }
  csm::log::Info(
      "complaint-svc serving",
      {{"address", (*server)->address()},
       {"metrics", config.server.metrics_address},
       {"customer_address", config.customer_address},
       {"escalation_sweep_interval_seconds", absl::StrCat(sweep_seconds)}});
  (*server)->RunUntilSignal();
  return EXIT_SUCCESS;
}
