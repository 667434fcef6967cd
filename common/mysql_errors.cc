// The mapping of Connector/C++ exceptions to statuses (mysql_pool.h,
// "Errors"), apart from the pool.
#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/types/optional.h"
#include "common/mysql_pool.h"
#include "cppconn/exception.h"

namespace csm {
namespace {

// The MySQL error number travels with the status as a payload so that
// retry decisions (deadlock vs. an ABORTED from business rules) and
// IsDuplicateKey never depend on message text. Not a type.googleapis.com
// URL, so the edge never forwards it to clients.
constexpr char kMysqlErrorPayload[] = "csm.mysql/error_code";

// Server-side errors and client errors (CR_*) that mean the session is gone
// or its prepared statements are: the connection must not be reused.
bool IsConnectionLoss(int code) {
  switch (code) {
    case 1243:  // ER_UNKNOWN_STMT_HANDLER: statement cache out of sync.
    case 1927:  // ER_CONNECTION_KILLED (MariaDB).
    case 2002:  // CR_CONNECTION_ERROR
    case 2003:  // CR_CONN_HOST_ERROR
    case 2006:  // CR_SERVER_GONE_ERROR
    case 2013:  // CR_SERVER_LOST
    case 2014:  // CR_COMMANDS_OUT_OF_SYNC: protocol state unknown.
    case 2030:  // CR_STMT_CLOSED / lost statement.
    case 2055:  // CR_SERVER_LOST_EXTENDED
    case 4031:  // ER_CLIENT_INTERACTION_TIMEOUT (MySQL 8 idle disconnect).
      return true;
    default:
      return false;
  }
}

}  // namespace

absl::Status FromSqlException(const sql::SQLException& e,
                              MysqlConnection* conn) {
  const int code = e.getErrorCode();
  const std::string message = absl::StrCat("MySQL error ", code, " (",
                                           e.getSQLState(), "): ", e.what());
  absl::Status status;
  if (code == 1062) {
    status = absl::AlreadyExistsError(message);
  } else if (code == 1213 || code == 1205) {
    status = absl::AbortedError(message);
  } else if (IsConnectionLoss(code)) {
    if (conn != nullptr) conn->MarkBroken();
    status = absl::UnavailableError(message);
  } else {
    status = absl::InternalError(message);
  }
  if (code != 0) {
    status.SetPayload(kMysqlErrorPayload, absl::Cord(std::to_string(code)));
  }
  return status;
}

int MysqlErrorCode(const absl::Status& status) {
  absl::optional<absl::Cord> payload = status.GetPayload(kMysqlErrorPayload);
  int code = 0;
  if (!payload.has_value() || !absl::SimpleAtoi(std::string(*payload), &code)) {
    return 0;
  }
  return code;
}

bool IsDuplicateKey(const absl::Status& status) {
  return status.code() == absl::StatusCode::kAlreadyExists &&
         MysqlErrorCode(status) == 1062;
}

bool IsRetryableConflict(const absl::Status& status) {
  const int code = MysqlErrorCode(status);
  return code == 1213 || code == 1205;
}

}  // namespace csm
