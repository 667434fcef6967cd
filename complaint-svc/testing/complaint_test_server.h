// How complaint-svc's tests configure a ComplaintServer: the common test
// service settings (tests/testing/test_service.h), the test token secret for
// its calls to customer-svc, and no escalation sweep thread (tests call
// RunSweepOnce()).
#ifndef CSM_COMPLAINT_SVC_TESTING_COMPLAINT_TEST_SERVER_H_
#define CSM_COMPLAINT_SVC_TESTING_COMPLAINT_TEST_SERVER_H_

#include <string>

#include "absl/time/time.h"
#include "complaint-svc/src/complaint_server.h"
#include "tests/testing/test_database.h"
#include "tests/testing/test_service.h"

namespace csm::testing {

// Asks the customer-svc at `customer_address`.
inline complaint::ComplaintServerConfig TestComplaintServerConfig(
    const MysqlOptions& mysql, const std::string& customer_address) {
  complaint::ComplaintServerConfig config;
  ConfigureTestService(&config, "complaint-svc", mysql);
  config.customer_address = customer_address;
  config.jwt_secret = kTestJwtSecret;
  config.jwt_issuer = kTestIssuer;
  config.escalation_sweep_interval = absl::ZeroDuration();
  return config;
}

}  // namespace csm::testing

#endif  // CSM_COMPLAINT_SVC_TESTING_COMPLAINT_TEST_SERVER_H_
