// Requests gRPC cannot decode. The sync server parses a request before any
// handler (and so before authentication) runs; when protobuf refuses the
// bytes, most often a string field holding invalid UTF-8 (proto3 strings
// must be UTF-8), gRPC 1.51 answers INTERNAL with an empty message. This
// server interceptor turns that answer into INVALID_ARGUMENT naming the
// problem and, for UTF-8, the field, without replacing gRPC's
// deserialisation: it notes at POST_RECV_MESSAGE that no message came out
// of the parse and rewrites the status at PRE_SEND_STATUS.
#ifndef CSM_COMMON_REQUEST_DECODING_H_
#define CSM_COMMON_REQUEST_DECODING_H_

#include <grpcpp/support/server_interceptor.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace csm {

// For ServerBuilder::experimental().SetInterceptorCreators. Applies to the
// unary and server-streaming methods of csm.* services. Installs (once per
// process) a protobuf log handler that notes which field held invalid
// UTF-8; protobuf's other messages become JSON log lines.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
UndecodableRequestInterceptorFactory();

// The status a caller gets for an undecodable request to `method`
// ("/csm.customer.v1.CustomerService/CreateCustomer") whose parse reported
// invalid UTF-8 in `utf8_field` (a protobuf field's full name; empty when
// something else was wrong).
absl::Status UndecodableRequest(absl::string_view method,
                                absl::string_view utf8_field);

}  // namespace csm

#endif  // CSM_COMMON_REQUEST_DECODING_H_
