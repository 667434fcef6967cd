#include "common/idempotency.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <memory>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/sha256.h"
#include "common/status.h"
#include "cppconn/connection.h"
#include "cppconn/exception.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"

namespace csm {
namespace {

constexpr size_t kMaxRequestIdLength = 128;

bool IsRequestIdChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '.' || c == '_' || c == ':' || c == '-';
}

absl::Status ValidateRequestId(absl::string_view id) {
  if (id.size() > kMaxRequestIdLength) {
    return InvalidField("request_id",
                        absl::StrCat("must be at most ", kMaxRequestIdLength,
                                     " characters, got ", id.size()));
  }
  for (char c : id) {
    if (!IsRequestIdChar(c)) {
      return InvalidField(
          "request_id",
          "may contain only letters, digits and . _ : - (a UUID is ideal)");
    }
  }
  return absl::OkStatus();
}

// Same request, same bytes: map entries are otherwise serialized in hash
// order, and a retry must match its original.
std::string Fingerprint(absl::string_view method,
                        const google::protobuf::Message& request) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream raw(&bytes);
    google::protobuf::io::CodedOutputStream out(&raw);
    out.SetSerializationDeterministic(true);
    request.SerializeToCodedStream(&out);
  }
  return internal::Sha256Hex(std::string(method) + "\n" + bytes);
}

struct StoredKey {
  bool found = false;
  std::string fingerprint;
  bool has_response = false;
  std::string response;
};

absl::Status ReadKey(MysqlPool& pool, absl::Time deadline,
                     const std::string& caller, absl::string_view request_id,
                     StoredKey* key) {
  return RunWithConnection(
      pool, deadline, [&](MysqlConnection& conn) -> absl::Status {
        sql::PreparedStatement& stmt = conn.Prepare(
            "SELECT fingerprint, response FROM idempotency_keys "
            "WHERE caller = ? AND request_id = ?");
        stmt.setString(1, caller);
        stmt.setString(2, std::string(request_id));
        std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
        if (!rs->next()) return absl::OkStatus();
        key->found = true;
        key->fingerprint = rs->getString(1);
        key->has_response = !rs->isNull(2);
        if (key->has_response) key->response = rs->getString(2);
        return absl::OkStatus();
      });
}

}  // namespace

absl::Status RunIdempotent(
    MysqlPool& pool, const CallContext& call, absl::string_view request_id,
    const google::protobuf::Message& request,
    google::protobuf::Message* response,
    const std::function<absl::Status(MysqlConnection&)>& body) {
  if (request_id.empty()) return RunInTransaction(pool, call.deadline, body);
  CSM_RETURN_IF_ERROR(ValidateRequestId(request_id));

  const std::string& caller = call.principal.staff_id;
  const std::string fingerprint = Fingerprint(call.method, request);
  bool duplicate = false;

  absl::Status status = RunInTransaction(
      pool, call.deadline, [&](MysqlConnection& conn) -> absl::Status {
        duplicate = false;
        // A deadlock retry starts over: nothing from a failed attempt may
        // leak into the response.
        response->Clear();
        // Claim first: a concurrent duplicate blocks here on the key until
        // this transaction ends, then sees our committed response (or, if
        // we rolled back, claims the key itself).
        sql::PreparedStatement& claim = conn.Prepare(
            "INSERT INTO idempotency_keys "
            "(caller, request_id, method, fingerprint, response, create_time) "
            "VALUES (?, ?, ?, ?, NULL, UTC_TIMESTAMP(6))");
        claim.setString(1, caller);
        claim.setString(2, std::string(request_id));
        claim.setString(3, call.method);
        claim.setString(4, fingerprint);
        try {
          claim.executeUpdate();
        } catch (const sql::SQLException& e) {
          absl::Status claimed = FromSqlException(e, &conn);
          if (IsDuplicateKey(claimed)) duplicate = true;
          return claimed;
        }

        CSM_RETURN_IF_ERROR(body(conn));

        std::string bytes;
        if (!response->SerializeToString(&bytes)) {
          return absl::InternalError(
              absl::StrCat("cannot serialize the response of ", call.method));
        }
        sql::PreparedStatement& store = conn.Prepare(
            "UPDATE idempotency_keys SET response = ? "
            "WHERE caller = ? AND request_id = ?");
        std::istringstream blob(bytes);
        store.setBlob(1, &blob);
        store.setString(2, caller);
        store.setString(3, std::string(request_id));
        store.executeUpdate();
        return absl::OkStatus();
      });
  if (!duplicate) return status;

  // Someone committed this key before us: replay their answer.
  StoredKey key;
  CSM_RETURN_IF_ERROR(ReadKey(pool, call.deadline, caller, request_id, &key));
  if (!key.found) {
    // Removed by the retention sweep in between: the caller may retry.
    return absl::AbortedError(
        "a request with this request_id is in progress; retry");
  }
  if (key.fingerprint != fingerprint) {
    return InvalidField(
        "request_id",
        absl::StrFormat("request_id \"%s\" was already used for a different "
                        "request; use a new request_id for a new request",
                        request_id));
  }
  if (!key.has_response) {
    // Cannot be seen once the claim committed; kept for safety.
    return absl::AbortedError(
        "a request with this request_id is in progress; retry");
  }
  if (!response->ParseFromString(key.response)) {
    return absl::InternalError(absl::StrFormat(
        "stored response for request_id \"%s\" cannot be parsed as %s",
        request_id, response->GetDescriptor()->full_name()));
  }
  return absl::OkStatus();
}

absl::Status RunMutation(
    MysqlPool& pool, Outbox& outbox, const CallContext& call,
    absl::string_view request_id, const google::protobuf::Message& request,
    google::protobuf::Message* response,
    const std::function<absl::Status(MysqlConnection&)>& body) {
  absl::Status status =
      RunIdempotent(pool, call, request_id, request, response, body);
  if (status.ok()) outbox.NotifyCommitted();
  return status;
}

}  // namespace csm
