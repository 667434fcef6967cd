// What every customer-svc use case runs on.
#ifndef CSM_CUSTOMER_SVC_APP_BACKEND_H_
#define CSM_CUSTOMER_SVC_APP_BACKEND_H_

#include "common/mysql_pool.h"
#include "common/outbox.h"
#include "customer-svc/src/store/customer_store.h"
#include "customer-svc/src/store/grading_store.h"
#include "customer-svc/src/store/visit_store.h"

namespace csm::customer {

// The pool and outbox (not owned; they outlive the services) and the
// stores (stateless).
struct Backend {
  MysqlPool& pool;
  Outbox& outbox;
  CustomerStore customers;
  VisitStore visits;
  GradingStore grading;
};

}  // namespace csm::customer

#endif  // CSM_CUSTOMER_SVC_APP_BACKEND_H_
