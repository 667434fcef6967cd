// CustomerStore: contacts and their phones.
#include <algorithm>
#include <limits>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "common/business_time.h"
#include "common/sql_rows.h"
#include "common/sql_values.h"
#include "common/status.h"
#include "cppconn/exception.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"
#include "customer-svc/src/store/customer_rows.h"
#include "customer-svc/src/store/customer_store.h"

namespace csm::customer {
absl::Status CustomerStore::InsertContact(
    MysqlConnection& conn, int64_t customer_id, v1::Contact* contact,
    const std::vector<std::string>& normalized_phones, absl::Time now) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "INSERT INTO contacts (customer_id, display_name, title, email, "
      "is_primary, create_time, version) VALUES (?, ?, ?, ?, ?, ?, 1) "
      "RETURNING id");
  stmt.setInt64(1, customer_id);
  stmt.setString(2, contact->display_name());
  stmt.setString(3, contact->title());
  stmt.setString(4, contact->email());
  stmt.setBoolean(5, contact->primary());
  stmt.setString(6, ToSqlTime(now));
  CSM_ASSIGN_OR_RETURN(const int64_t contact_id, InsertedId(stmt));
  contact->set_name(
      absl::StrCat(CustomerName(customer_id), "/contacts/", contact_id));
  ToProtoTimestamp(now, contact->mutable_create_time());
  contact->set_etag("1");
  return InsertPhones(conn, contact_id, *contact, normalized_phones,
                      /*replace=*/false);
}

absl::Status CustomerStore::UpdateContact(
    MysqlConnection& conn, int64_t contact_id, const v1::Contact& contact,
    const std::vector<std::string>& normalized_phones) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "UPDATE contacts SET display_name = ?, title = ?, email = ?, "
      "is_primary = ?, version = version + 1 WHERE id = ? AND removed_time IS "
      "NULL");
  stmt.setString(1, contact.display_name());
  stmt.setString(2, contact.title());
  stmt.setString(3, contact.email());
  stmt.setBoolean(4, contact.primary());
  stmt.setInt64(5, contact_id);
  stmt.executeUpdate();
  return InsertPhones(conn, contact_id, contact, normalized_phones,
                      /*replace=*/true);
}

absl::Status CustomerStore::RemoveContact(MysqlConnection& conn,
                                          int64_t contact_id, absl::Time now) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "UPDATE contacts SET removed_time = ?, is_primary = 0, version = "
      "version + 1 WHERE id = ? AND removed_time IS NULL");
  stmt.setString(1, ToSqlTime(now));
  stmt.setInt64(2, contact_id);
  stmt.executeUpdate();
  return absl::OkStatus();
}

absl::Status CustomerStore::ClearPrimary(MysqlConnection& conn,
                                         int64_t customer_id,
                                         int64_t except_contact_id) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "UPDATE contacts SET is_primary = 0, version = version + 1 WHERE "
      "customer_id = ? AND id <> ? AND is_primary = 1 AND removed_time IS "
      "NULL");
  stmt.setInt64(1, customer_id);
  stmt.setInt64(2, except_contact_id);
  stmt.executeUpdate();
  return absl::OkStatus();
}

}  // namespace csm::customer
