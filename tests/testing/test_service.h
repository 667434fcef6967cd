// How a test starts any service on loopback: the test database, a free
// port, no metrics endpoint, a short shutdown grace and a fast event-stream
// poll. Each service's test support adds what is its own (sweeps off, the
// clock, the customer directory).
#ifndef CSM_TESTS_TESTING_TEST_SERVICE_H_
#define CSM_TESTS_TESTING_TEST_SERVICE_H_

#include <string>

#include "absl/time/time.h"
#include "common/service_assembly.h"

namespace csm::testing {

inline void ConfigureTestService(ServiceConfig* config,
                                 const std::string& service,
                                 const MysqlOptions& mysql) {
  config->mysql = mysql;
  config->server = ServerOptions{.service_name = service,
                                 .listen_address = "127.0.0.1:0",
                                 .metrics_address = ""};
  config->server.shutdown_grace = absl::Seconds(5);
  // Test clients stop at their first refused call: a short quiet is enough.
  config->server.shutdown_quiet = absl::Milliseconds(20);
  config->runtime = RpcRuntimeOptions{.service = service};
  config->events.poll_interval = absl::Milliseconds(100);
}

}  // namespace csm::testing

#endif  // CSM_TESTS_TESTING_TEST_SERVICE_H_
