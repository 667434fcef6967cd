#ifndef CSM_COMMON_IDEMPOTENCY_H_
#define CSM_COMMON_IDEMPOTENCY_H_

#include <google/protobuf/message.h>

#include <functional>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/call_context.h"
#include "common/mysql_pool.h"
#include "common/outbox.h"

namespace csm {

// Runs a mutation at most once per (caller, request_id). Inside one
// transaction it first claims the key (a concurrent duplicate blocks on the
// key's row until the first commits), runs `body`, and stores the response
// with the key. A retry with the same id gets the stored response and
// changes nothing; the same id with a different request is
// INVALID_ARGUMENT. A failed call stores nothing, so it can be retried.
// An empty request_id runs `body` in a plain transaction. request_id must
// be at most 128 characters of [A-Za-z0-9._:-].
absl::Status RunIdempotent(
    MysqlPool& pool, const CallContext& call, absl::string_view request_id,
    const google::protobuf::Message& request,
    google::protobuf::Message* response,
    const std::function<absl::Status(MysqlConnection&)>& body);

// RunIdempotent for a mutation whose body appends outbox events: once it
// has committed, this process's event followers are woken at once instead
// of at their next poll.
absl::Status RunMutation(
    MysqlPool& pool, Outbox& outbox, const CallContext& call,
    absl::string_view request_id, const google::protobuf::Message& request,
    google::protobuf::Message* response,
    const std::function<absl::Status(MysqlConnection&)>& body);

}  // namespace csm

#endif  // CSM_COMMON_IDEMPOTENCY_H_
