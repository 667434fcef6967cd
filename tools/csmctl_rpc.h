// The calls csmctl makes: one call on its own completion queue, waiting in
// a way Ctrl-C can interrupt (it cancels the call), on serialized messages
// through a generic stub, so any method of the linked contracts can be called.
#ifndef CSM_TOOLS_CSMCTL_RPC_H_
#define CSM_TOOLS_CSMCTL_RPC_H_

#include <grpcpp/client_context.h>
#include <grpcpp/completion_queue.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/status.h>

#include <chrono>
#include <string>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "tools/csmctl_lib.h"

namespace csm::csmctl {

inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;
inline constexpr int kExitUsage = 2;

// Print "csmctl: message" and the hint to --help on stderr: kExitUsage.
int UsageError(const absl::Status& status);
// Print "ERROR CODE: message" on stderr: kExitError.
int LocalError(const absl::Status& status);

// Makes SIGINT and SIGTERM cancel the call in flight instead of killing the
// process; true once one arrived.
void CancelCallsOnInterrupt();
bool Interrupted();

grpc::ByteBuffer ToByteBuffer(const std::string& bytes);
std::string FromByteBuffer(const grpc::ByteBuffer& buffer);

// One call on its own completion queue, one operation in flight at a time.
// Waiting polls for Ctrl-C, which cancels the call.
class Call {
 public:
  Call(const Options& options, const std::string& request_id,
       bool with_deadline) {
    if (!options.token.empty()) {
      context_.AddMetadata("authorization", "Bearer " + options.token);
    }
    context_.AddMetadata("x-request-id", request_id);
    if (with_deadline) {
      context_.set_deadline(absl::ToChronoTime(absl::Now() + options.timeout));
    }
  }
  ~Call() {
    cq_.Shutdown();
    void* tag = nullptr;
    bool ok = false;
    while (cq_.Next(&tag, &ok)) {
    }
  }
  Call(const Call&) = delete;
  Call& operator=(const Call&) = delete;

  grpc::ClientContext* context() { return &context_; }
  grpc::CompletionQueue* cq() { return &cq_; }
  void* tag() { return this; }
  void Cancel() { context_.TryCancel(); }

  // Waits for the operation in flight; its ok flag. Ctrl-C cancels the call,
  // which completes the operation with ok false.
  bool Await() {
    for (;;) {
      if (Interrupted() && !cancelled_) {
        Cancel();
        cancelled_ = true;
      }
      void* tag = nullptr;
      bool ok = false;
      const auto poll =
          std::chrono::system_clock::now() + std::chrono::milliseconds(100);
      switch (cq_.AsyncNext(&tag, &ok, poll)) {
        case grpc::CompletionQueue::GOT_EVENT:
          return ok;
        case grpc::CompletionQueue::SHUTDOWN:
          return false;
        case grpc::CompletionQueue::TIMEOUT:
          break;
      }
    }
  }

 private:
  grpc::CompletionQueue cq_;
  grpc::ClientContext context_;
  bool cancelled_ = false;
};

// A unary call on serialized messages, with the options' deadline, token
// and `request_id`.
grpc::Status UnaryCall(grpc::GenericStub& stub, const Options& options,
                       const std::string& path, const std::string& request,
                       const std::string& request_id, std::string* response);

// A generic stub on an insecure channel to `options.addr`.
grpc::GenericStub NewGenericStub(const Options& options);

// What every call of `method` needs: its request id (--request_id, else a
// new one; printed with the method and address on stderr under --verbose),
// a stub (NewGenericStub), and Ctrl-C set to
// cancel it (CancelCallsOnInterrupt).
struct PreparedCall {
  std::string request_id;
  grpc::GenericStub stub;
};
PreparedCall PrepareCall(const Options& options,
                         const google::protobuf::MethodDescriptor& method);

}  // namespace csm::csmctl

#endif  // CSM_TOOLS_CSMCTL_RPC_H_
