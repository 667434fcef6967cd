#include "complaint-svc/src/complaint_server.h"

#include <utility>

#include "common/log.h"
#include "common/status.h"
#include "complaint-svc/src/api/complaint_api.h"
#include "complaint-svc/src/api/config_api.h"
#include "complaint-svc/src/clients/grpc_customer_directory.h"
#include "complaint-svc/src/complaint_migrations.h"
#include "complaint-svc/src/jobs/escalation_sweep.h"

namespace csm::complaint {

absl::StatusOr<std::unique_ptr<ComplaintServer>> ComplaintServer::Start(
    ComplaintServerConfig config, const TokenVerifier* verifier,
    const Clock* clock) {
  std::unique_ptr<ComplaintServer> s(new ComplaintServer);
  CSM_ASSIGN_OR_RETURN(
      s->assembly_,
      ServiceAssembly::Create(static_cast<const ServiceConfig&>(config),
                              complaint_schema_migrations(), verifier, clock));
  ServiceAssembly& a = *s->assembly_;
  s->config_ = &a.Make<ConfigStore>();
  CSM_ASSIGN_OR_RETURN(
      bool seeded,
      SeedBusinessCalendar(a.pool(), *s->config_, a.outbox(), a.clock().Now()));
  if (seeded) log::Info("loaded the shipped holiday calendar seed");

  CustomerDirectory* customers = config.customers;
  if (customers == nullptr) {
    GrpcCustomerDirectoryOptions directory;
    directory.target = config.customer_address;
    directory.jwt_secret = config.jwt_secret;
    directory.jwt_issuer = config.jwt_issuer;
    customers = &a.Make<GrpcCustomerDirectory>(std::move(directory));
  }
  a.AddService<ComplaintApi>(&a.pool(), &a.outbox(), &a.runtime(), customers,
                             s->config_);
  a.AddService<ConfigApi>(&a.pool(), &a.outbox(), &a.runtime(), s->config_);
  EscalationSweep& sweep =
      a.Make<EscalationSweep>(&a.pool(), &a.outbox(), s->config_);
  const Clock* now = &a.clock();
  s->sweep_ = &a.AddJob("escalation-sweep", config.escalation_sweep_interval,
                        [&sweep, now] { return sweep.RunOnce(now->Now()); });
  CSM_RETURN_IF_ERROR(a.Start());
  return s;
}

ComplaintServer::~ComplaintServer() = default;

}  // namespace csm::complaint
