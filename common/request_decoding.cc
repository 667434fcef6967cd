#include "common/request_decoding.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/stubs/logging.h>
#include <grpcpp/support/interceptor.h>
#include <grpcpp/support/server_interceptor.h>

#include <deque>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "common/grpc_status.h"
#include "common/log.h"
#include "common/status.h"

namespace csm {
namespace {

namespace pb = ::google::protobuf;
using ::grpc::experimental::InterceptionHookPoints;

// protobuf 3.21 reports a proto3 string that is not UTF-8 as
//   String field 'csm.customer.v1.Customer.display_name' contains invalid
//   UTF-8 data when parsing a protocol buffer. ...
// on the thread that parses, right before the parse fails: the name is the
// field, never the data.
constexpr absl::string_view kUtf8Prefix = "String field '";
constexpr absl::string_view kUtf8Parsing =
    "' contains invalid UTF-8 data when parsing";

thread_local std::string t_utf8_field;

void OnProtobufLog(pb::LogLevel level, const char* filename, int line,
                   const std::string& message) {
  const absl::string_view m = message;
  if (absl::StartsWith(m, kUtf8Prefix)) {
    const size_t end = m.find(kUtf8Parsing);
    if (end != absl::string_view::npos) {
      // The caller's mistake, answered as INVALID_ARGUMENT: no log line.
      t_utf8_field =
          std::string(m.substr(kUtf8Prefix.size(), end - kUtf8Prefix.size()));
      return;
    }
  }
  const log::Level ours = level == pb::LOGLEVEL_INFO      ? log::Level::kInfo
                          : level == pb::LOGLEVEL_WARNING ? log::Level::kWarning
                                                          : log::Level::kError;
  log::Write(ours, "protobuf",
             {{"message", Truncate(message, kMaxStatusMessageBytes)},
              {"file", filename != nullptr ? filename : ""},
              {"line", absl::StrCat(line)}});
}

// "customer.contacts.display_name": a path from `root` to `target` (the
// first one found, breadth first; repeated fields without an index).
std::string FieldPath(const pb::Descriptor* root,
                      const pb::FieldDescriptor* target) {
  std::deque<std::pair<const pb::Descriptor*, std::string>> queue = {
      {root, ""}};
  std::set<const pb::Descriptor*> seen = {root};
  while (!queue.empty()) {
    auto [type, prefix] = std::move(queue.front());
    queue.pop_front();
    for (int i = 0; i < type->field_count(); ++i) {
      const pb::FieldDescriptor* field = type->field(i);
      const std::string path = absl::StrCat(prefix, field->name());
      if (field == target) return path;
      const pb::Descriptor* child = field->message_type();
      if (child != nullptr && seen.insert(child).second) {
        queue.emplace_back(child, absl::StrCat(path, "."));
      }
    }
  }
  return "";
}

class UndecodableRequestInterceptor final
    : public grpc::experimental::Interceptor {
 public:
  explicit UndecodableRequestInterceptor(
      grpc::experimental::ServerRpcInfo* info)
      : method_(info->method()) {}

  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::POST_RECV_MESSAGE)) {
      // gRPC parsed the request on this thread just before this hook; no
      // message means the parse failed.
      undecodable_ = methods->GetRecvMessage() == nullptr;
      utf8_field_ = std::exchange(t_utf8_field, std::string());
    }
    if (undecodable_ &&
        methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS) &&
        methods->GetSendStatus().error_code() == grpc::StatusCode::INTERNAL) {
      const absl::Status status = UndecodableRequest(method_, utf8_field_);
      log::Info("rpc", {{"method", method_},
                        {"code", absl::StatusCodeToString(status.code())},
                        {"error_class", ErrorClassOf(status)},
                        {"fields", ViolationFieldsForLog(status)}});
      methods->ModifySendStatus(ToGrpcStatus(status));
    }
    methods->Proceed();
  }

 private:
  std::string method_;
  bool undecodable_ = false;
  std::string utf8_field_;
};

class UndecodableRequestFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    using Type = grpc::experimental::ServerRpcInfo::Type;
    // Only calls with one request message: for streams of requests, no
    // message also means the stream ended.
    const bool one_request =
        info->type() == Type::UNARY || info->type() == Type::SERVER_STREAMING;
    if (!one_request || !absl::StartsWith(info->method(), "/csm.")) {
      return nullptr;
    }
    return new UndecodableRequestInterceptor(info);
  }
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
UndecodableRequestInterceptorFactory() {
  static std::once_flag once;
  std::call_once(once, [] { pb::SetLogHandler(&OnProtobufLog); });
  return std::make_unique<UndecodableRequestFactory>();
}

absl::Status UndecodableRequest(absl::string_view method,
                                absl::string_view utf8_field) {
  // "/csm.customer.v1.CustomerService/CreateCustomer" -> its request type.
  std::string full_method(absl::StripPrefix(method, "/"));
  if (const size_t slash = full_method.rfind('/'); slash != std::string::npos) {
    full_method[slash] = '.';
  }
  const pb::DescriptorPool* pool = pb::DescriptorPool::generated_pool();
  const pb::MethodDescriptor* descriptor = pool->FindMethodByName(full_method);
  const std::string type = descriptor != nullptr
                               ? descriptor->input_type()->full_name()
                               : std::string("the request message");
  const pb::FieldDescriptor* field =
      utf8_field.empty() ? nullptr
                         : pool->FindFieldByName(std::string(utf8_field));
  const std::string path = descriptor != nullptr && field != nullptr
                               ? FieldPath(descriptor->input_type(), field)
                               : "";
  if (path.empty()) {
    return WithErrorClass(
        absl::InvalidArgumentError(absl::StrCat(
            "the request could not be decoded as ", type,
            " (malformed protobuf, or a string field that is not UTF-8)")),
        "undecodable_request");
  }
  FieldViolations v;
  v.Add(path, absl::StrCat("is not valid UTF-8 (", field->full_name(),
                           " is a string field: text must be UTF-8)"));
  return WithErrorClass(
      v.ToStatus(absl::StrCat("the request could not be decoded as ", type,
                              ": ", path, " is not valid UTF-8")),
      "undecodable_request");
}

}  // namespace csm
