#include "customer-svc/src/customer_server.h"

#include <utility>

#include "common/migrations.h"
#include "common/status.h"

namespace csm {
const std::vector<Migration>& customer_schema_migrations();
}  // namespace csm

namespace csm::customer {

std::vector<Migration> CustomerMigrations() {
  std::vector<Migration> all = csm_common_schema_migrations();
  const std::vector<Migration>& own = customer_schema_migrations();
  all.insert(all.end(), own.begin(), own.end());
  return all;
}

absl::StatusOr<std::unique_ptr<CustomerServer>> CustomerServer::Start(
    CustomerServerConfig config, const TokenVerifier* verifier,
    const Clock* clock) {
  std::unique_ptr<CustomerServer> s(new CustomerServer);
  CSM_ASSIGN_OR_RETURN(s->pool_, MysqlPool::Create(config.mysql));
  CSM_RETURN_IF_ERROR(ApplyMigrations(*s->pool_, CustomerMigrations()));
  s->host_ = std::make_unique<ServiceHost>(config.server);
  s->metrics_ = std::make_unique<RpcMetrics>(s->host_->registry(),
                                             config.runtime.service);
  s->runtime_ = std::make_unique<RpcRuntime>(config.runtime, verifier,
                                             s->metrics_.get(), clock);
  s->outbox_ = std::make_unique<Outbox>(config.runtime.service, clock);
  s->api_ = std::make_unique<CustomerApi>(s->pool_.get(), s->outbox_.get(),
                                          s->runtime_.get());
  s->events_ = std::make_unique<EventStreamService>(
      s->pool_.get(), s->outbox_.get(), s->runtime_.get(), config.events);
  s->communication_api_ = std::make_unique<CommunicationApi>(
      s->pool_.get(), s->outbox_.get(), s->runtime_.get());
  s->visit_api_ = std::make_unique<VisitApi>(s->pool_.get(), s->outbox_.get(),
                                             s->runtime_.get());
  s->grading_api_ = std::make_unique<GradingApi>(
      s->pool_.get(), s->outbox_.get(), s->runtime_.get());
  s->clock_ = clock != nullptr ? clock : &Clock::Real();
  s->sweep_ = std::make_unique<OverdueSweep>(s->pool_.get(), s->outbox_.get(),
                                             s->clock_);
  s->host_->AddService(s->api_.get());
  s->host_->AddService(s->communication_api_.get());
  s->host_->AddService(s->visit_api_.get());
  s->host_->AddService(s->grading_api_.get());
  s->host_->AddService(s->events_.get());
  OverdueSweep* sweep = s->sweep_.get();
  s->host_->OnShutdown([sweep] { sweep->Stop(); });
  EventStreamService* events = s->events_.get();
  s->host_->OnShutdown([events] { events->Shutdown(); });
  CSM_RETURN_IF_ERROR(s->host_->Start());
  s->sweep_->Start(config.visit_sweep_interval);
  return s;
}

CustomerServer::~CustomerServer() {
  if (host_ != nullptr) host_->Shutdown();
}

}  // namespace csm::customer
