// csmctl: the project's command-line client. Generic: methods and messages
// come from the descriptors of the contracts linked into the binary, so it
// serves every csm service without code changes. See UsageText().

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/support/byte_buffer.h>

#include <cstdlib>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "tools/csmctl_lib.h"
#include "tools/csmctl_reports.h"
#include "tools/csmctl_rpc.h"

namespace csm::csmctl {
namespace {

namespace pb = ::google::protobuf;

int PrintResponse(const pb::Descriptor& type, const std::string& bytes,
                  const Options& options, bool pretty) {
  std::unique_ptr<pb::Message> message = NewMessage(type);
  if (!message->ParseFromString(bytes)) {
    return LocalError(absl::DataLossError(
        absl::StrCat("the response is not a valid ", type.full_name())));
  }
  absl::StatusOr<std::string> json = ToJson(*message, options, pretty);
  if (!json.ok()) return LocalError(json.status());
  std::cout << *json << std::endl;
  return kExitOk;
}

int RunUnary(grpc::GenericStub& stub, const Options& options,
             const Invocation& inv, const std::string& request_id) {
  std::string response;
  grpc::Status status =
      UnaryCall(stub, options, GrpcPath(*inv.method),
                inv.request->SerializeAsString(), request_id, &response);
  if (!status.ok()) {
    std::cerr << FormatRpcError(status);
    return kExitError;
  }
  return PrintResponse(*inv.method->output_type(), response, options,
                       /*pretty=*/true);
}

// Server streaming: one JSON line per response until the server ends the
// stream, --max_messages responses arrived, or Ctrl-C.
int RunServerStream(grpc::GenericStub& stub, const Options& options,
                    const Invocation& inv, const std::string& request_id) {
  Call call(options, request_id, /*with_deadline=*/options.timeout_set);
  auto stream =
      stub.PrepareCall(call.context(), GrpcPath(*inv.method), call.cq());
  stream->StartCall(call.tag());
  bool ok = call.Await();
  if (ok) {
    stream->WriteLast(ToByteBuffer(inv.request->SerializeAsString()),
                      grpc::WriteOptions(), call.tag());
    ok = call.Await();
  }
  int64_t received = 0;
  bool stopped_by_us = false;
  int print_rc = kExitOk;
  while (ok) {
    grpc::ByteBuffer in;
    stream->Read(&in, call.tag());
    if (!call.Await()) break;
    print_rc = PrintResponse(*inv.method->output_type(), FromByteBuffer(in),
                             options, /*pretty=*/false);
    stopped_by_us = print_rc != kExitOk || (options.max_messages > 0 &&
                                            ++received >= options.max_messages);
    if (stopped_by_us) {
      call.Cancel();
      break;
    }
  }
  grpc::Status status;
  stream->Finish(&status, call.tag());
  call.Await();
  if (print_rc != kExitOk) return print_rc;
  stopped_by_us = stopped_by_us || Interrupted();
  if (status.ok() ||
      (stopped_by_us && status.error_code() == grpc::StatusCode::CANCELLED)) {
    return kExitOk;
  }
  std::cerr << FormatRpcError(status);
  return kExitError;
}

int RunInvocation(const Options& options, const Invocation& inv) {
  if (inv.method->client_streaming()) {
    return UsageError(absl::UnimplementedError(
        absl::StrCat(inv.method->full_name(),
                     " streams requests; csmctl calls only unary and "
                     "server-streaming methods")));
  }
  PreparedCall call = PrepareCall(options, *inv.method);
  return inv.method->server_streaming()
             ? RunServerStream(call.stub, options, inv, call.request_id)
             : RunUnary(call.stub, options, inv, call.request_id);
}

int RunHealth(CommandLine& cl) {
  if (cl.args.size() > 2) {
    return UsageError(
        absl::InvalidArgumentError("usage: csmctl health [service]"));
  }
  if (absl::Status s = CheckNoFlagsLeft(cl); !s.ok()) return UsageError(s);
  const std::string service = cl.args.size() == 2 ? cl.args[1] : "";
  const Options& options = cl.options;
  const std::string request_id =
      options.request_id.empty() ? NewRequestId() : options.request_id;
  grpc::GenericStub stub = NewGenericStub(options);
  CancelCallsOnInterrupt();
  std::string response;
  grpc::Status status =
      UnaryCall(stub, options, "/grpc.health.v1.Health/Check",
                EncodeHealthCheckRequest(service), request_id, &response);
  if (!status.ok()) {
    std::cerr << FormatRpcError(status);
    return kExitError;
  }
  absl::StatusOr<int> serving = DecodeHealthCheckResponse(response);
  if (!serving.ok()) return LocalError(serving.status());
  std::cout << HealthStatusName(*serving) << std::endl;
  return *serving == kHealthServing ? kExitOk : kExitError;
}

int RunList(const CommandLine& cl) {
  if (cl.args.size() != 1) {
    return UsageError(absl::InvalidArgumentError("list takes no arguments"));
  }
  if (absl::Status s = CheckNoFlagsLeft(cl); !s.ok()) return UsageError(s);
  std::cout << ListServices();
  return kExitOk;
}

int RunDescribe(const CommandLine& cl) {
  if (cl.args.size() != 2) {
    return UsageError(absl::InvalidArgumentError(
        "usage: csmctl describe <message, enum, service or method>"));
  }
  if (absl::Status s = CheckNoFlagsLeft(cl); !s.ok()) return UsageError(s);
  absl::StatusOr<std::string> text = Describe(cl.args[1]);
  if (!text.ok()) return LocalError(text.status());
  std::cout << *text;
  return kExitOk;
}

int RunCall(CommandLine& cl) {
  std::string stdin_json;
  if (NeedsStdin(cl)) {
    stdin_json.assign(std::istreambuf_iterator<char>(std::cin),
                      std::istreambuf_iterator<char>());
  }
  absl::StatusOr<Invocation> inv =
      cl.args[0] == "call" ? BuildCall(cl, stdin_json) : BuildAlias(cl);
  if (!inv.ok()) return UsageError(inv.status());
  if (absl::Status s = CheckNoFlagsLeft(cl); !s.ok()) return UsageError(s);
  return RunInvocation(cl.options, *inv);
}

int Main(int argc, char** argv) {
  const char* env_token = std::getenv("CSM_TOKEN");
  absl::StatusOr<CommandLine> cl =
      ParseCommandLine(std::vector<std::string>(argv + 1, argv + argc),
                       env_token != nullptr ? env_token : "");
  if (!cl.ok()) return UsageError(cl.status());
  if (cl->help) {
    std::cout << UsageText();
    return kExitOk;
  }
  if (cl->args.empty()) {
    std::cerr << UsageText();
    return kExitUsage;
  }
  const std::string& command = cl->args[0];
  if (command == "list") return RunList(*cl);
  if (command == "describe") return RunDescribe(*cl);
  if (command == "health") return RunHealth(*cl);
  if (command == "reports") return RunReports(*cl);
  if (command == "call" || IsAlias(*cl)) return RunCall(*cl);
  return UsageError(absl::InvalidArgumentError(
      absl::StrCat("unknown command \"", command, "\"")));
}

}  // namespace
}  // namespace csm::csmctl

int main(int argc, char** argv) { return csm::csmctl::Main(argc, argv); }
