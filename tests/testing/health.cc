#include "tests/testing/health.h"

#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>

#include <chrono>

#include "tests/testing/reflection.h"

namespace csm::testing {

// HealthCheckRequest is {1: service (string)}, HealthCheckResponse
// {1: status (enum)}.
HealthResult CheckHealth(const std::string& address,
                         const std::string& service) {
  auto channel =
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  grpc::GenericStub stub(channel);
  std::string request;
  if (!service.empty()) {
    request.push_back(0x0a);
    request.push_back(static_cast<char>(service.size()));
    request += service;
  }
  grpc::Slice slice(request);
  grpc::ByteBuffer request_buffer(&slice, 1);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(5));
  grpc::CompletionQueue cq;
  auto call = stub.PrepareUnaryCall(&context, "/grpc.health.v1.Health/Check",
                                    request_buffer, &cq);
  call->StartCall();
  grpc::ByteBuffer response;
  HealthResult result;
  call->Finish(&response, &result.status, reinterpret_cast<void*>(1));
  void* tag;
  bool ok;
  EXPECT_TRUE(cq.Next(&tag, &ok));
  if (result.status.ok()) {
    const std::string bytes = Slurp(response);
    // Status 0 (UNKNOWN) would be encoded as an empty message.
    result.serving_status =
        bytes.size() == 2 && bytes[0] == 0x08 ? bytes[1] : 0;
  }
  return result;
}

}  // namespace csm::testing
