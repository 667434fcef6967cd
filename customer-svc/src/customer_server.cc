#include "customer-svc/src/customer_server.h"

#include <utility>

#include "common/status.h"
#include "customer-svc/src/api/communication_api.h"
#include "customer-svc/src/api/customer_api.h"
#include "customer-svc/src/api/grading_api.h"
#include "customer-svc/src/api/visit_api.h"
#include "customer-svc/src/jobs/visit_sweep.h"

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
  CSM_ASSIGN_OR_RETURN(
      s->assembly_,
      ServiceAssembly::Create(static_cast<const ServiceConfig&>(config),
                              customer_schema_migrations(), verifier, clock));
  ServiceAssembly& a = *s->assembly_;
  a.AddService<CustomerApi>(&a.pool(), &a.outbox(), &a.runtime());
  a.AddService<CommunicationApi>(&a.pool(), &a.outbox(), &a.runtime());
  a.AddService<VisitApi>(&a.pool(), &a.outbox(), &a.runtime());
  a.AddService<GradingApi>(&a.pool(), &a.outbox(), &a.runtime());
  OverdueSweep& sweep = a.Make<OverdueSweep>(&a.pool(), &a.outbox());
  const Clock* now = &a.clock();
  s->sweep_ = &a.AddJob("overdue-sweep", config.visit_sweep_interval,
                        [&sweep, now] { return sweep.RunOnce(now->Now()); });
  CSM_RETURN_IF_ERROR(a.Start());
  return s;
}

CustomerServer::~CustomerServer() = default;

}  // namespace csm::customer
