#include "complaint-svc/src/complaint_server.h"

#include <utility>

#include "common/log.h"
#include "common/migrations.h"
#include "common/status.h"
#include "complaint-svc/src/complaint_migrations.h"

namespace csm::complaint {

absl::StatusOr<std::unique_ptr<ComplaintServer>> ComplaintServer::Start(
    ComplaintServerConfig config, const TokenVerifier* verifier,
    const Clock* clock) {
  std::unique_ptr<ComplaintServer> s(new ComplaintServer);
  s->clock_ = clock;
  CSM_ASSIGN_OR_RETURN(s->pool_, MysqlPool::Create(config.mysql));
  CSM_RETURN_IF_ERROR(ApplyMigrations(*s->pool_, ComplaintMigrations()));
  s->config_ = std::make_unique<ConfigStore>();
  CSM_ASSIGN_OR_RETURN(
      bool seeded, SeedBusinessCalendar(*s->pool_, *s->config_, clock->Now()));
  if (seeded) log::Info("loaded the shipped holiday calendar seed");

  CustomerDirectory* customers = config.customers;
  if (customers == nullptr) {
    GrpcCustomerDirectoryOptions directory;
    directory.address = config.customer_address;
    directory.jwt_secret = config.jwt_secret;
    directory.jwt_issuer = config.jwt_issuer;
    s->own_customers_ =
        std::make_unique<GrpcCustomerDirectory>(std::move(directory));
    customers = s->own_customers_.get();
  }

  s->host_ = std::make_unique<ServiceHost>(config.server);
  s->metrics_ = std::make_unique<RpcMetrics>(s->host_->registry(),
                                             config.runtime.service);
  s->runtime_ = std::make_unique<RpcRuntime>(config.runtime, verifier,
                                             s->metrics_.get(), clock);
  s->outbox_ = std::make_unique<Outbox>(config.runtime.service, clock);
  s->api_ = std::make_unique<ComplaintApi>(s->pool_.get(), s->outbox_.get(),
                                           s->runtime_.get(), customers,
                                           s->config_.get());
  s->config_api_ = std::make_unique<ConfigApi>(
      s->pool_.get(), s->runtime_.get(), s->config_.get());
  s->events_ = std::make_unique<EventStreamService>(
      s->pool_.get(), s->outbox_.get(), s->runtime_.get(), config.events);
  s->sweep_ = std::make_unique<EscalationSweep>(
      s->pool_.get(), s->outbox_.get(), s->config_.get(), clock);

  s->host_->AddService(s->api_.get());
  s->host_->AddService(s->config_api_.get());
  s->host_->AddService(s->events_.get());
  // On shutdown: no new escalations first, then end the event streams (they
  // never finish on their own), then in-flight calls drain.
  EscalationSweep* sweep = s->sweep_.get();
  EventStreamService* events = s->events_.get();
  s->host_->OnShutdown([sweep] { sweep->Stop(); });
  s->host_->OnShutdown([events] { events->Shutdown(); });
  CSM_RETURN_IF_ERROR(s->host_->Start());
  if (config.escalation_sweep_interval > absl::ZeroDuration()) {
    s->sweep_->Start(config.escalation_sweep_interval);
  }
  return s;
}

absl::StatusOr<int> ComplaintServer::RunSweepOnce() {
  return sweep_->RunOnce(clock_->Now());
}

ComplaintServer::~ComplaintServer() {
  if (host_ != nullptr) host_->Shutdown();
  // Shutdown() stops it through the hook; a server that failed to start
  // never ran the hooks.
  if (sweep_ != nullptr) sweep_->Stop();
}

}  // namespace csm::complaint
