#ifndef CSM_TESTS_TESTING_REFLECTION_H_
#define CSM_TESTS_TESTING_REFLECTION_H_

#include <string>
#include <vector>

namespace grpc {
class ByteBuffer;
}

namespace csm::testing {

// The bytes of a gRPC message buffer (generic-stub calls).
std::string Slurp(const grpc::ByteBuffer& buffer);

// The services a server at `address` lists through grpc.reflection.v1alpha
// (its messages are in the generated pool through libgrpc++_reflection; no
// C++ code is generated for them here). Empty, with a test failure, when
// the call fails.
std::vector<std::string> ServicesByReflection(const std::string& address);

}  // namespace csm::testing

#endif  // CSM_TESTS_TESTING_REFLECTION_H_
