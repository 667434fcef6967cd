#include "tools/csmctl_rpc.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <csignal>
#include <iostream>
#include <vector>

namespace csm::csmctl {
namespace {

volatile std::sig_atomic_t g_interrupted = 0;
void OnInterrupt(int) { g_interrupted = 1; }

}  // namespace

void CancelCallsOnInterrupt() {
  std::signal(SIGINT, OnInterrupt);
  std::signal(SIGTERM, OnInterrupt);
}

bool Interrupted() { return g_interrupted != 0; }

int UsageError(const absl::Status& status) {
  std::cerr << "csmctl: " << status.message()
            << "\nRun `csmctl --help` for usage.\n";
  return kExitUsage;
}

int LocalError(const absl::Status& status) {
  std::cerr << "ERROR " << absl::StatusCodeToString(status.code()) << ": "
            << status.message() << "\n";
  return kExitError;
}

grpc::ByteBuffer ToByteBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

std::string FromByteBuffer(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) return out;
  for (const grpc::Slice& s : slices) {
    out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  return out;
}
grpc::Status UnaryCall(grpc::GenericStub& stub, const Options& options,
                       const std::string& path, const std::string& request,
                       const std::string& request_id, std::string* response) {
  Call call(options, request_id, /*with_deadline=*/true);
  grpc::ByteBuffer out = ToByteBuffer(request);
  grpc::ByteBuffer in;
  grpc::Status status;
  auto reader = stub.PrepareUnaryCall(call.context(), path, out, call.cq());
  reader->StartCall();
  reader->Finish(&in, &status, call.tag());
  call.Await();
  if (status.ok()) *response = FromByteBuffer(in);
  return status;
}

grpc::GenericStub NewGenericStub(const Options& options) {
  return grpc::GenericStub(
      grpc::CreateChannel(options.addr, grpc::InsecureChannelCredentials()));
}

PreparedCall PrepareCall(const Options& options,
                         const google::protobuf::MethodDescriptor& method) {
  PreparedCall call{
      options.request_id.empty() ? NewRequestId() : options.request_id,
      NewGenericStub(options)};
  if (options.verbose) {
    std::cerr << GrpcPath(method) << " at " << options.addr
              << " request_id=" << call.request_id << "\n";
  }
  CancelCallsOnInterrupt();
  return call;
}

}  // namespace csm::csmctl
