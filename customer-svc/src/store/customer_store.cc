// CustomerStore: archive names, reads and writes of the archive row.
#include "customer-svc/src/store/customer_store.h"

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

namespace csm::customer {
absl::StatusOr<int64_t> CustomerStore::ParseCustomerName(
    absl::string_view name, absl::string_view field) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  int64_t id = 0;
  if (parts.size() != 2 || parts[0] != "customers" ||
      !absl::SimpleAtoi(parts[1], &id) || id <= 0) {
    return InvalidField(std::string(field),
                        "is not a customer name; expected customers/{id}");
  }
  return id;
}

absl::StatusOr<std::pair<int64_t, int64_t>> CustomerStore::ParseContactName(
    absl::string_view name, absl::string_view field) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  int64_t id = 0;
  int64_t contact = 0;
  if (parts.size() != 4 || parts[0] != "customers" || parts[2] != "contacts" ||
      !absl::SimpleAtoi(parts[1], &id) || id <= 0 ||
      !absl::SimpleAtoi(parts[3], &contact) || contact <= 0) {
    return InvalidField(
        std::string(field),
        "is not a contact name; expected customers/{id}/contacts/{contact}");
  }
  return std::make_pair(id, contact);
}

std::string CustomerStore::CustomerName(int64_t id) {
  return absl::StrCat("customers/", id);
}

namespace {

absl::Status NoSuchCustomer(int64_t id) {
  return absl::NotFoundError(absl::StrCat(
      "customer ", CustomerStore::CustomerName(id), " does not exist"));
}

}  // namespace

// Unlocked: the archive, its live contacts and their phones in one round
// trip (one row per phone). Locked: the archive row FOR UPDATE, then its
// contacts unlocked; FOR UPDATE on the join would also lock the contacts
// and the gaps next to their phones, holding up other archives' writes.
absl::StatusOr<v1::Customer> CustomerStore::GetCustomer(MysqlConnection& conn,
                                                        int64_t id, bool lock) {
  if (lock) {
    sql::PreparedStatement& stmt =
        conn.Prepare(absl::StrCat("SELECT ", kCustomerColumns,
                                  " FROM customers WHERE id = ? FOR UPDATE"));
    stmt.setInt64(1, id);
    ResultSetPtr rs(stmt.executeQuery());
    if (!rs->next()) return NoSuchCustomer(id);
    CSM_ASSIGN_OR_RETURN(v1::Customer c, CustomerFromRow(rs));
    rs.reset();
    CSM_RETURN_IF_ERROR(LoadContacts(conn, {&c}));
    return c;
  }
  static const std::string* const kWithContacts = new std::string(absl::StrCat(
      "SELECT ", CustomerColumnsOfCu(), ", ", kContactColumns,
      " FROM customers cu LEFT JOIN contacts c ON c.customer_id = cu.id AND "
      "c.removed_time IS NULL LEFT JOIN contact_phones p ON p.contact_id = "
      "c.id WHERE cu.id = ?"));
  sql::PreparedStatement& stmt = conn.Prepare(*kWithContacts);
  stmt.setInt64(1, id);
  ResultSetPtr rs(stmt.executeQuery());
  if (!rs->next()) return NoSuchCustomer(id);
  CSM_ASSIGN_OR_RETURN(v1::Customer c, CustomerFromRow(rs));
  ContactRows contacts(kCustomerColumnCount + 1);
  do {
    CSM_RETURN_IF_ERROR(contacts.Add(rs));
  } while (rs->next());
  contacts.MoveInto({{id, &c}});
  return c;
}

absl::StatusOr<std::optional<v1::Customer>> CustomerStore::FindByCreditCode(
    MysqlConnection& conn, v1::CustomerKind kind, absl::string_view code) {
  sql::PreparedStatement& stmt = conn.Prepare(
      absl::StrCat("SELECT ", kCustomerColumns,
                   " FROM customers WHERE kind = ? AND credit_code = ? "
                   // A locking read sees the latest committed archive, not
                   // the transaction's snapshot.
                   "LOCK IN SHARE MODE"));
  stmt.setInt(1, kind);
  stmt.setString(2, std::string(code));
  ResultSetPtr rs(stmt.executeQuery());
  if (!rs->next()) return std::optional<v1::Customer>();
  CSM_ASSIGN_OR_RETURN(v1::Customer c, CustomerFromRow(rs));
  return std::optional<v1::Customer>(std::move(c));
}

absl::StatusOr<int64_t> CustomerStore::NextArchiveSequence(
    MysqlConnection& conn, absl::string_view period) {
  // RETURNING (MariaDB): the row's value after the insert or the update, in
  // the same round trip.
  sql::PreparedStatement& upsert = conn.Prepare(
      "INSERT INTO archive_number_counters (period, last_value) VALUES (?, 1) "
      "ON DUPLICATE KEY UPDATE last_value = last_value + 1 RETURNING "
      "last_value");
  upsert.setString(1, std::string(period));
  ResultSetPtr rs(upsert.executeQuery());
  if (!rs->next()) {
    return absl::InternalError("the archive number counter returned no row");
  }
  return rs->getInt64(1);
}

absl::Status CustomerStore::InsertCustomer(
    MysqlConnection& conn, v1::Customer* c, absl::string_view normalized_name,
    const std::vector<std::vector<std::string>>& contact_phones,
    absl::Time now) {
  if (contact_phones.size() != static_cast<size_t>(c->contacts_size())) {
    return absl::InternalError(
        "InsertCustomer: one list of normalised phones per contact expected");
  }
  sql::PreparedStatement& stmt = conn.Prepare(
      "INSERT INTO customers (archive_number, display_name, normalized_name, "
      "kind, credit_code, province, city, industry, address, "
      "legal_representative, business_scope, company_size, "
      "acquisition_channel, lifecycle_status, grade, credit_rating, owner_id, "
      "team_id, department, state, close_reason, creator_id, create_time, "
      "update_time, version, expected_signing_date, importance) VALUES (?, ?, "
      "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, 1, "
      "?, ?) RETURNING id");
  stmt.setString(1, c->archive_number());
  stmt.setString(2, c->display_name());
  stmt.setString(3, std::string(normalized_name));
  stmt.setInt(4, c->kind());
  if (c->credit_code().empty()) {
    stmt.setNull(5, 0);
  } else {
    stmt.setString(5, c->credit_code());
  }
  stmt.setString(6, c->province());
  stmt.setString(7, c->city());
  stmt.setString(8, c->industry());
  stmt.setString(9, c->address());
  stmt.setString(10, c->legal_representative());
  stmt.setString(11, c->business_scope());
  stmt.setString(12, c->company_size());
  stmt.setInt(13, c->acquisition_channel());
  stmt.setInt(14, c->lifecycle_status());
  stmt.setInt(15, c->grade());
  stmt.setInt(16, c->credit_rating());
  stmt.setString(17, c->owner_id());
  stmt.setString(18, c->team());
  stmt.setString(19, c->department());
  stmt.setInt(20, c->state());
  stmt.setString(21, c->creator_id());
  stmt.setString(22, ToSqlTime(now));
  stmt.setString(23, ToSqlTime(now));
  CSM_RETURN_IF_ERROR(BindSigningDate(stmt, 24, *c));
  stmt.setInt(25, c->importance());
  CSM_ASSIGN_OR_RETURN(const int64_t id, ExecuteArchiveInsert(stmt));
  c->set_name(CustomerName(id));
  ToProtoTimestamp(now, c->mutable_create_time());
  ToProtoTimestamp(now, c->mutable_update_time());
  c->set_etag("1");
  CSM_RETURN_IF_ERROR(
      MoveOpenArchive(conn, std::nullopt,
                      {c->owner_id(), c->state() == v1::ARCHIVE_STATE_OPEN}));
  for (int i = 0; i < c->contacts_size(); ++i) {
    CSM_RETURN_IF_ERROR(InsertContact(conn, id, c->mutable_contacts(i),
                                      contact_phones[i], now));
  }
  return absl::OkStatus();
}

absl::Status CustomerStore::UpdateCustomer(MysqlConnection& conn,
                                           const v1::Customer& c,
                                           absl::string_view normalized_name,
                                           int64_t expected_version,
                                           const OpenHolder& before,
                                           absl::Time now) {
  CSM_ASSIGN_OR_RETURN(int64_t id, ParseCustomerName(c.name(), "name"));
  sql::PreparedStatement& stmt = conn.Prepare(
      "UPDATE customers SET display_name = ?, normalized_name = ?, "
      "credit_code = ?, province = ?, city = ?, industry = ?, address = ?, "
      "legal_representative = ?, business_scope = ?, company_size = ?, "
      "acquisition_channel = ?, lifecycle_status = ?, grade = ?, "
      "credit_rating = ?, owner_id = ?, team_id = ?, department = ?, "
      "state = ?, close_reason = ?, update_time = ?, version = version + 1, "
      "expected_signing_date = ?, importance = ? WHERE id = ? AND version = "
      "?");
  stmt.setString(1, c.display_name());
  stmt.setString(2, std::string(normalized_name));
  if (c.credit_code().empty()) {
    stmt.setNull(3, 0);
  } else {
    stmt.setString(3, c.credit_code());
  }
  stmt.setString(4, c.province());
  stmt.setString(5, c.city());
  stmt.setString(6, c.industry());
  stmt.setString(7, c.address());
  stmt.setString(8, c.legal_representative());
  stmt.setString(9, c.business_scope());
  stmt.setString(10, c.company_size());
  stmt.setInt(11, c.acquisition_channel());
  stmt.setInt(12, c.lifecycle_status());
  stmt.setInt(13, c.grade());
  stmt.setInt(14, c.credit_rating());
  stmt.setString(15, c.owner_id());
  stmt.setString(16, c.team());
  stmt.setString(17, c.department());
  stmt.setInt(18, c.state());
  stmt.setString(19, c.close_reason());
  stmt.setString(20, ToSqlTime(now));
  CSM_RETURN_IF_ERROR(BindSigningDate(stmt, 21, c));
  stmt.setInt(22, c.importance());
  stmt.setInt64(23, id);
  stmt.setInt64(24, expected_version);
  int affected = 0;
  CSM_RETURN_IF_ERROR(ExecuteArchiveWrite(stmt, &affected));
  if (affected != 1) {
    return absl::AbortedError(
        absl::StrCat(c.name(), " was changed by someone else since version ",
                     expected_version, "; read it again and retry"));
  }
  return MoveOpenArchive(conn, before,
                         {c.owner_id(), c.state() == v1::ARCHIVE_STATE_OPEN});
}

absl::Status CustomerStore::TouchCustomer(MysqlConnection& conn, int64_t id,
                                          absl::Time now) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "UPDATE customers SET version = version + 1, update_time = ? WHERE id "
      "= ?");
  stmt.setString(1, ToSqlTime(now));
  stmt.setInt64(2, id);
  stmt.executeUpdate();
  return absl::OkStatus();
}

}  // namespace csm::customer
