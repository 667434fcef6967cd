#ifndef CSM_TESTS_TESTING_HEALTH_H_
#define CSM_TESTS_TESTING_HEALTH_H_

#include <grpcpp/grpcpp.h>

#include <string>

namespace csm::testing {

struct HealthResult {
  grpc::Status status;
  int serving_status = -1;  // 1 SERVING, 2 NOT_SERVING
};

// grpc.health.v1.Health/Check for `service` ("" for the whole server) at
// `address`, over the generic stub: no C++ code for health.proto is
// generated in this project.
HealthResult CheckHealth(const std::string& address,
                         const std::string& service);

}  // namespace csm::testing

#endif  // CSM_TESTS_TESTING_HEALTH_H_
