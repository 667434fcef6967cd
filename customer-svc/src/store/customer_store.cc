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

namespace csm::customer {
namespace {

// Shared row helpers (sql_rows.h).
using sql_rows::Bind;
using sql_rows::FilterColumn;
using sql_rows::LastInsertId;
using sql_rows::MakePage;
using sql_rows::PaddedSize;
using sql_rows::Param;
using sql_rows::Placeholders;
using sql_rows::ResultSetPtr;
using sql_rows::SetActor;
using sql_rows::SetTime;
using sql_rows::Str;

constexpr char kCustomerColumns[] =
    "id, archive_number, display_name, kind, credit_code, province, city, "
    "industry, address, legal_representative, business_scope, company_size, "
    "acquisition_channel, lifecycle_status, grade, credit_rating, owner_id, "
    "team_id, department, state, close_reason, creator_id, create_time, "
    "update_time, version, expected_signing_date, importance";

absl::StatusOr<v1::Customer> CustomerFromRow(const ResultSetPtr& rs) {
  v1::Customer c;
  c.set_name(CustomerStore::CustomerName(rs->getInt64("id")));
  c.set_archive_number(Str(rs, "archive_number"));
  c.set_display_name(Str(rs, "display_name"));
  c.set_kind(static_cast<v1::CustomerKind>(rs->getInt("kind")));
  if (!rs->isNull("credit_code")) c.set_credit_code(Str(rs, "credit_code"));
  c.set_province(Str(rs, "province"));
  c.set_city(Str(rs, "city"));
  c.set_industry(Str(rs, "industry"));
  c.set_address(Str(rs, "address"));
  c.set_legal_representative(Str(rs, "legal_representative"));
  c.set_business_scope(Str(rs, "business_scope"));
  c.set_company_size(Str(rs, "company_size"));
  c.set_acquisition_channel(
      static_cast<v1::AcquisitionChannel>(rs->getInt("acquisition_channel")));
  c.set_lifecycle_status(
      static_cast<v1::LifecycleStatus>(rs->getInt("lifecycle_status")));
  c.set_grade(static_cast<v1::Grade>(rs->getInt("grade")));
  c.set_credit_rating(
      static_cast<v1::CreditRating>(rs->getInt("credit_rating")));
  c.set_owner_id(Str(rs, "owner_id"));
  c.set_team(Str(rs, "team_id"));
  c.set_department(Str(rs, "department"));
  c.set_state(static_cast<v1::ArchiveState>(rs->getInt("state")));
  c.set_close_reason(Str(rs, "close_reason"));
  c.set_creator_id(Str(rs, "creator_id"));
  CSM_RETURN_IF_ERROR(SetTime(rs, "create_time", c.mutable_create_time()));
  CSM_RETURN_IF_ERROR(SetTime(rs, "update_time", c.mutable_update_time()));
  c.set_etag(std::to_string(rs->getInt64("version")));
  CSM_ASSIGN_OR_RETURN(std::optional<absl::CivilDay> signing,
                       sql_rows::DateCol(rs, "expected_signing_date"));
  if (signing.has_value()) {
    ToProtoDate(*signing, c.mutable_expected_signing_date());
  }
  c.set_importance(static_cast<v1::Importance>(rs->getInt("importance")));
  return c;
}

// The stored form of expected_signing_date: NULL when none is expected.
absl::Status BindSigningDate(sql::PreparedStatement& stmt, unsigned index,
                             const v1::Customer& c) {
  const csm::common::v1::Date& d = c.expected_signing_date();
  if (!c.has_expected_signing_date() ||
      (d.year() == 0 && d.month() == 0 && d.day() == 0)) {
    stmt.setNull(index, 0);
    return absl::OkStatus();
  }
  CSM_ASSIGN_OR_RETURN(absl::CivilDay day, FromProtoDate(d));
  stmt.setString(index, ToSqlDate(day));
  return absl::OkStatus();
}

// Runs a write of the customers row. The unique key on (kind, credit_code)
// is the last guard against two archives of one customer (重卡) when two
// writers race past the check; MySQL's message quotes the code, so the
// error says which rule, not which value.
absl::Status ExecuteArchiveWrite(sql::PreparedStatement& stmt, int* affected) {
  try {
    *affected = stmt.executeUpdate();
  } catch (const sql::SQLException& e) {
    if (e.getErrorCode() != 1062) throw;
    return absl::AlreadyExistsError(
        "another archive already has this kind and credit code (重卡); find "
        "it with ListCustomers and use it");
  }
  return absl::OkStatus();
}

// Loads the live contacts (with phones) of the given archives into them.
absl::Status LoadContacts(MysqlConnection& conn,
                          std::vector<v1::Customer*> customers) {
  if (customers.empty()) return absl::OkStatus();
  absl::flat_hash_map<int64_t, v1::Customer*> by_id;
  std::vector<int64_t> ids;
  for (v1::Customer* c : customers) {
    CSM_ASSIGN_OR_RETURN(int64_t id,
                         CustomerStore::ParseCustomerName(c->name(), "name"));
    by_id[id] = c;
    ids.push_back(id);
  }
  const size_t padded = PaddedSize(ids.size());
  sql::PreparedStatement& stmt = conn.Prepare(absl::StrCat(
      "SELECT c.id, c.customer_id, c.display_name, c.title, c.email, "
      "c.is_primary, c.create_time, c.version, p.phone FROM contacts c "
      "LEFT JOIN contact_phones p ON p.contact_id = c.id "
      "WHERE c.customer_id IN (",
      Placeholders(padded),
      ") AND c.removed_time IS NULL ORDER BY c.customer_id, c.id, "
      "p.position"));
  for (size_t i = 0; i < padded; ++i) {
    stmt.setInt64(static_cast<unsigned>(i + 1),
                  i < ids.size() ? ids[i] : int64_t{-1});
  }
  ResultSetPtr rs(stmt.executeQuery());
  int64_t current = -1;
  v1::Contact* contact = nullptr;
  while (rs->next()) {
    const int64_t contact_id = rs->getInt64("id");
    const int64_t customer_id = rs->getInt64("customer_id");
    if (contact_id != current) {
      current = contact_id;
      contact = by_id[customer_id]->add_contacts();
      contact->set_name(absl::StrCat(CustomerStore::CustomerName(customer_id),
                                     "/contacts/", contact_id));
      contact->set_display_name(Str(rs, "display_name"));
      contact->set_title(Str(rs, "title"));
      contact->set_email(Str(rs, "email"));
      contact->set_primary(rs->getBoolean("is_primary"));
      CSM_RETURN_IF_ERROR(
          SetTime(rs, "create_time", contact->mutable_create_time()));
      contact->set_etag(std::to_string(rs->getInt64("version")));
    }
    if (!rs->isNull("phone")) contact->add_phones(Str(rs, "phone"));
  }
  return absl::OkStatus();
}

absl::Status InsertPhones(MysqlConnection& conn, int64_t contact_id,
                          const v1::Contact& contact) {
  sql::PreparedStatement& del =
      conn.Prepare("DELETE FROM contact_phones WHERE contact_id = ?");
  del.setInt64(1, contact_id);
  del.executeUpdate();
  sql::PreparedStatement& ins = conn.Prepare(
      "INSERT INTO contact_phones (contact_id, position, phone, "
      "normalized_phone) VALUES (?, ?, ?, ?)");
  for (int i = 0; i < contact.phones_size(); ++i) {
    std::string digits;
    for (char ch : contact.phones(i)) {
      if (ch >= '0' && ch <= '9') digits.push_back(ch);
    }
    // A mobile written with the country code is the same number.
    if (digits.size() == 13 && digits.rfind("86", 0) == 0) {
      digits = digits.substr(2);
    }
    ins.setInt64(1, contact_id);
    ins.setInt(2, i);
    ins.setString(3, contact.phones(i));
    ins.setString(4, digits);
    ins.executeUpdate();
  }
  return absl::OkStatus();
}

const absl::flat_hash_map<std::string, FilterColumn>& FilterColumns() {
  static const auto* columns = new absl::flat_hash_map<std::string,
                                                       FilterColumn>{
      {"owner_id", {"owner_id", FilterColumn::kString, nullptr}},
      {"team", {"team_id", FilterColumn::kString, nullptr}},
      {"department", {"department", FilterColumn::kString, nullptr}},
      {"province", {"province", FilterColumn::kString, nullptr}},
      {"city", {"city", FilterColumn::kString, nullptr}},
      {"industry", {"industry", FilterColumn::kString, nullptr}},
      {"display_name", {"display_name", FilterColumn::kString, nullptr}},
      {"archive_number", {"archive_number", FilterColumn::kString, nullptr}},
      {"grade", {"grade", FilterColumn::kEnum, &v1::Grade_descriptor}},
      {"kind", {"kind", FilterColumn::kEnum, &v1::CustomerKind_descriptor}},
      {"lifecycle_status",
       {"lifecycle_status", FilterColumn::kEnum,
        &v1::LifecycleStatus_descriptor}},
      {"state", {"state", FilterColumn::kEnum, &v1::ArchiveState_descriptor}},
      {"acquisition_channel",
       {"acquisition_channel", FilterColumn::kEnum,
        &v1::AcquisitionChannel_descriptor}},
      {"credit_rating",
       {"credit_rating", FilterColumn::kEnum, &v1::CreditRating_descriptor}},
      {"importance",
       {"importance", FilterColumn::kEnum, &v1::Importance_descriptor}},
      {"create_time", {"create_time", FilterColumn::kTime, nullptr}},
      {"update_time", {"update_time", FilterColumn::kTime, nullptr}},
  };
  return *columns;
}

}  // namespace

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

absl::StatusOr<v1::Customer> CustomerStore::GetCustomer(MysqlConnection& conn,
                                                        int64_t id, bool lock) {
  sql::PreparedStatement& stmt = conn.Prepare(
      absl::StrCat("SELECT ", kCustomerColumns, " FROM customers WHERE id = ?",
                   lock ? " FOR UPDATE" : ""));
  stmt.setInt64(1, id);
  ResultSetPtr rs(stmt.executeQuery());
  if (!rs->next()) {
    return absl::NotFoundError(
        absl::StrCat("customer ", CustomerName(id), " does not exist"));
  }
  CSM_ASSIGN_OR_RETURN(v1::Customer c, CustomerFromRow(rs));
  rs.reset();
  CSM_RETURN_IF_ERROR(LoadContacts(conn, {&c}));
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

absl::StatusOr<std::vector<v1::DuplicateWarning>>
CustomerStore::FindLikelyDuplicates(
    MysqlConnection& conn, absl::string_view normalized_name,
    const std::vector<std::string>& normalized_phones) {
  std::vector<v1::DuplicateWarning> warnings;
  absl::flat_hash_map<std::string, bool> seen;
  auto add = [&](const ResultSetPtr& rs, v1::DuplicateWarning::Reason reason) {
    std::string name = CustomerName(rs->getInt64("id"));
    if (seen.contains(name)) return;
    seen[name] = true;
    v1::DuplicateWarning& w = warnings.emplace_back();
    w.set_customer(name);
    w.set_archive_number(Str(rs, "archive_number"));
    w.set_display_name(Str(rs, "display_name"));
    w.set_reason(reason);
  };
  if (!normalized_name.empty()) {
    sql::PreparedStatement& stmt = conn.Prepare(
        "SELECT id, archive_number, display_name FROM customers "
        "WHERE normalized_name = ? ORDER BY id LIMIT 10");
    stmt.setString(1, std::string(normalized_name));
    ResultSetPtr rs(stmt.executeQuery());
    while (rs->next())
      add(rs, v1::DuplicateWarning::REASON_SAME_NORMALIZED_NAME);
  }
  for (const std::string& phone : normalized_phones) {
    if (phone.empty()) continue;
    sql::PreparedStatement& stmt = conn.Prepare(
        "SELECT DISTINCT cu.id, cu.archive_number, cu.display_name "
        "FROM contact_phones p JOIN contacts c ON c.id = p.contact_id "
        "JOIN customers cu ON cu.id = c.customer_id "
        "WHERE p.normalized_phone = ? AND c.removed_time IS NULL "
        "ORDER BY cu.id LIMIT 10");
    stmt.setString(1, phone);
    ResultSetPtr rs(stmt.executeQuery());
    while (rs->next()) add(rs, v1::DuplicateWarning::REASON_SAME_PHONE);
  }
  return warnings;
}

absl::StatusOr<Page<v1::Customer>> CustomerStore::ListCustomers(
    MysqlConnection& conn, const CustomerListQuery& query) {
  std::vector<std::string> where;
  std::vector<Param> params;
  for (const FilterTerm& term : query.filter) {
    auto it = FilterColumns().find(term.field);
    if (it == FilterColumns().end()) {
      return InvalidField("filter",
                          absl::StrCat("unknown field '", term.field, "'"));
    }
    CSM_RETURN_IF_ERROR(
        sql_rows::AddFilterCondition(term, it->second, &where, &params));
  }

  // Keyset pagination: (key, id) strictly after the cursor.
  std::string key_column;
  bool desc = false;
  switch (query.order) {
    case CustomerOrder::kCreateTime:
      break;
    case CustomerOrder::kCreateTimeDesc:
      desc = true;
      break;
    case CustomerOrder::kDisplayName:
      key_column = "display_name";
      break;
    case CustomerOrder::kUpdateTimeDesc:
      key_column = "update_time";
      desc = true;
      break;
  }
  const char* cmp = desc ? "<" : ">";
  if (query.after.has_value()) {
    if (key_column.empty()) {
      where.push_back(absl::StrCat("id ", cmp, " ?"));
      params.push_back({Param::kInt, "", query.after->id});
    } else {
      where.push_back(absl::StrCat("(", key_column, " ", cmp, " ? OR (",
                                   key_column, " = ? AND id ", cmp, " ?))"));
      params.push_back({Param::kString, query.after->key});
      params.push_back({Param::kString, query.after->key});
      params.push_back({Param::kInt, "", query.after->id});
    }
  }
  const char* dir = desc ? " DESC" : "";
  std::string order = key_column.empty()
                          ? absl::StrCat("id", dir)
                          : absl::StrCat(key_column, dir, ", id", dir);
  std::string sql = absl::StrCat("SELECT ", kCustomerColumns, " FROM customers",
                                 where.empty() ? "" : " WHERE ",
                                 absl::StrJoin(where, " AND "), " ORDER BY ",
                                 order, " LIMIT ", query.limit + 1);
  sql::PreparedStatement& stmt = conn.Prepare(sql);
  Bind(stmt, params);
  ResultSetPtr rs(stmt.executeQuery());
  std::vector<v1::Customer> items;
  std::vector<PageCursor> cursors;
  while (rs->next()) {
    CSM_ASSIGN_OR_RETURN(v1::Customer c, CustomerFromRow(rs));
    PageCursor cursor;
    cursor.id = rs->getInt64("id");
    if (!key_column.empty()) cursor.key = Str(rs, key_column.c_str());
    items.push_back(std::move(c));
    cursors.push_back(std::move(cursor));
  }
  rs.reset();
  Page<v1::Customer> page =
      MakePage(std::move(items), std::move(cursors), query.limit);
  std::vector<v1::Customer*> ptrs;
  for (v1::Customer& c : page.items) ptrs.push_back(&c);
  CSM_RETURN_IF_ERROR(LoadContacts(conn, ptrs));
  return page;
}

absl::StatusOr<int64_t> CustomerStore::NextArchiveSequence(
    MysqlConnection& conn, absl::string_view period) {
  sql::PreparedStatement& upsert = conn.Prepare(
      "INSERT INTO archive_number_counters (period, last_value) VALUES (?, 1) "
      "ON DUPLICATE KEY UPDATE last_value = LAST_INSERT_ID(last_value + 1)");
  upsert.setString(1, std::string(period));
  const int affected = upsert.executeUpdate();
  // 1 row affected: the first number of the month; 2: an update.
  if (affected == 1) return 1;
  return LastInsertId(conn);
}

absl::Status CustomerStore::InsertCustomer(MysqlConnection& conn,
                                           v1::Customer* c,
                                           absl::string_view normalized_name,
                                           absl::Time now) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "INSERT INTO customers (archive_number, display_name, normalized_name, "
      "kind, credit_code, province, city, industry, address, "
      "legal_representative, business_scope, company_size, "
      "acquisition_channel, lifecycle_status, grade, credit_rating, owner_id, "
      "team_id, department, state, close_reason, creator_id, create_time, "
      "update_time, version, expected_signing_date, importance) VALUES (?, ?, "
      "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, 1, "
      "?, ?)");
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
  int affected = 0;
  CSM_RETURN_IF_ERROR(ExecuteArchiveWrite(stmt, &affected));
  const int64_t id = LastInsertId(conn);
  c->set_name(CustomerName(id));
  ToProtoTimestamp(now, c->mutable_create_time());
  ToProtoTimestamp(now, c->mutable_update_time());
  c->set_etag("1");
  for (v1::Contact& contact : *c->mutable_contacts()) {
    CSM_RETURN_IF_ERROR(InsertContact(conn, id, &contact, now));
  }
  return absl::OkStatus();
}

absl::Status CustomerStore::UpdateCustomer(MysqlConnection& conn,
                                           const v1::Customer& c,
                                           absl::string_view normalized_name,
                                           int64_t expected_version,
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
  return absl::OkStatus();
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

absl::Status CustomerStore::InsertContact(MysqlConnection& conn,
                                          int64_t customer_id,
                                          v1::Contact* contact,
                                          absl::Time now) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "INSERT INTO contacts (customer_id, display_name, title, email, "
      "is_primary, create_time, version) VALUES (?, ?, ?, ?, ?, ?, 1)");
  stmt.setInt64(1, customer_id);
  stmt.setString(2, contact->display_name());
  stmt.setString(3, contact->title());
  stmt.setString(4, contact->email());
  stmt.setBoolean(5, contact->primary());
  stmt.setString(6, ToSqlTime(now));
  stmt.executeUpdate();
  const int64_t contact_id = LastInsertId(conn);
  contact->set_name(
      absl::StrCat(CustomerName(customer_id), "/contacts/", contact_id));
  ToProtoTimestamp(now, contact->mutable_create_time());
  contact->set_etag("1");
  return InsertPhones(conn, contact_id, *contact);
}

absl::Status CustomerStore::UpdateContact(MysqlConnection& conn,
                                          int64_t contact_id,
                                          const v1::Contact& contact) {
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
  return InsertPhones(conn, contact_id, contact);
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

// ---- history

absl::Status CustomerStore::InsertGradeChange(
    MysqlConnection& conn, int64_t customer_id, v1::Grade from, v1::Grade to,
    absl::string_view reason, const Principal& actor, absl::Time now) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "INSERT INTO grade_changes (customer_id, from_grade, to_grade, reason, "
      "actor_id, actor_department, change_time) VALUES (?, ?, ?, ?, ?, ?, ?)");
  stmt.setInt64(1, customer_id);
  stmt.setInt(2, from);
  stmt.setInt(3, to);
  stmt.setString(4, std::string(reason));
  stmt.setString(5, actor.staff_id);
  stmt.setString(6, actor.department);
  stmt.setString(7, ToSqlTime(now));
  stmt.executeUpdate();
  return absl::OkStatus();
}

absl::StatusOr<Page<v1::GradeChange>> CustomerStore::ListGradeChanges(
    MysqlConnection& conn, int64_t customer_id, std::optional<PageCursor> after,
    int limit) {
  sql::PreparedStatement& stmt = conn.Prepare(absl::StrCat(
      "SELECT id, from_grade, to_grade, reason, actor_id, actor_department, "
      "change_time FROM grade_changes WHERE customer_id = ? AND id > ? "
      "ORDER BY id LIMIT ",
      limit + 1));
  stmt.setInt64(1, customer_id);
  stmt.setInt64(2, after.has_value() ? after->id : 0);
  ResultSetPtr rs(stmt.executeQuery());
  std::vector<v1::GradeChange> items;
  std::vector<PageCursor> cursors;
  while (rs->next()) {
    v1::GradeChange& g = items.emplace_back();
    const int64_t id = rs->getInt64("id");
    g.set_name(absl::StrCat(CustomerName(customer_id), "/gradeChanges/", id));
    g.set_from_grade(static_cast<v1::Grade>(rs->getInt("from_grade")));
    g.set_to_grade(static_cast<v1::Grade>(rs->getInt("to_grade")));
    g.set_reason(Str(rs, "reason"));
    g.mutable_actor()->set_staff_id(Str(rs, "actor_id"));
    g.mutable_actor()->set_department(Str(rs, "actor_department"));
    CSM_RETURN_IF_ERROR(SetTime(rs, "change_time", g.mutable_change_time()));
    cursors.push_back({"", id});
  }
  return MakePage(std::move(items), std::move(cursors), limit);
}

absl::Status CustomerStore::InsertCreditRatingChange(
    MysqlConnection& conn, int64_t customer_id, v1::CreditRating from,
    v1::CreditRating to, absl::string_view reason,
    const v1::CreditAssessment& assessment, const Principal& actor,
    absl::Time now) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "INSERT INTO credit_rating_changes (customer_id, from_rating, "
      "to_rating, reason, payment_behaviour, capital, operating_status, "
      "actor_id, actor_department, change_time) VALUES (?, ?, ?, ?, ?, ?, ?, "
      "?, ?, ?)");
  stmt.setInt64(1, customer_id);
  stmt.setInt(2, from);
  stmt.setInt(3, to);
  stmt.setString(4, std::string(reason));
  stmt.setString(5, assessment.payment_behaviour());
  stmt.setString(6, assessment.capital());
  stmt.setString(7, assessment.operating_status());
  stmt.setString(8, actor.staff_id);
  stmt.setString(9, actor.department);
  stmt.setString(10, ToSqlTime(now));
  stmt.executeUpdate();
  return absl::OkStatus();
}

absl::StatusOr<Page<v1::CreditRatingChange>>
CustomerStore::ListCreditRatingChanges(MysqlConnection& conn,
                                       int64_t customer_id,
                                       std::optional<PageCursor> after,
                                       int limit) {
  sql::PreparedStatement& stmt = conn.Prepare(absl::StrCat(
      "SELECT id, from_rating, to_rating, reason, payment_behaviour, capital, "
      "operating_status, actor_id, actor_department, change_time FROM "
      "credit_rating_changes WHERE customer_id = ? AND id > ? ORDER BY id "
      "LIMIT ",
      limit + 1));
  stmt.setInt64(1, customer_id);
  stmt.setInt64(2, after.has_value() ? after->id : 0);
  ResultSetPtr rs(stmt.executeQuery());
  std::vector<v1::CreditRatingChange> items;
  std::vector<PageCursor> cursors;
  while (rs->next()) {
    v1::CreditRatingChange& g = items.emplace_back();
    const int64_t id = rs->getInt64("id");
    g.set_name(
        absl::StrCat(CustomerName(customer_id), "/creditRatingChanges/", id));
    g.set_from_rating(static_cast<v1::CreditRating>(rs->getInt("from_rating")));
    g.set_to_rating(static_cast<v1::CreditRating>(rs->getInt("to_rating")));
    g.set_reason(Str(rs, "reason"));
    g.mutable_assessment()->set_payment_behaviour(Str(rs, "payment_behaviour"));
    g.mutable_assessment()->set_capital(Str(rs, "capital"));
    g.mutable_assessment()->set_operating_status(Str(rs, "operating_status"));
    g.mutable_actor()->set_staff_id(Str(rs, "actor_id"));
    g.mutable_actor()->set_department(Str(rs, "actor_department"));
    CSM_RETURN_IF_ERROR(SetTime(rs, "change_time", g.mutable_change_time()));
    cursors.push_back({"", id});
  }
  return MakePage(std::move(items), std::move(cursors), limit);
}

absl::Status CustomerStore::InsertOwnerChange(MysqlConnection& conn,
                                              int64_t customer_id,
                                              const v1::OwnerChange& change,
                                              const Principal& actor,
                                              absl::Time now) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "INSERT INTO owner_changes (customer_id, from_owner_id, to_owner_id, "
      "from_team_id, to_team_id, reason, allocated, actor_id, "
      "actor_department, change_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  stmt.setInt64(1, customer_id);
  stmt.setString(2, change.from_owner_id());
  stmt.setString(3, change.to_owner_id());
  stmt.setString(4, change.from_team());
  stmt.setString(5, change.to_team());
  stmt.setString(6, change.reason());
  stmt.setBoolean(7, change.allocated());
  stmt.setString(8, actor.staff_id);
  stmt.setString(9, actor.department);
  stmt.setString(10, ToSqlTime(now));
  stmt.executeUpdate();
  return absl::OkStatus();
}

absl::StatusOr<Page<v1::OwnerChange>> CustomerStore::ListOwnerChanges(
    MysqlConnection& conn, int64_t customer_id, std::optional<PageCursor> after,
    int limit) {
  sql::PreparedStatement& stmt = conn.Prepare(absl::StrCat(
      "SELECT id, from_owner_id, to_owner_id, from_team_id, to_team_id, "
      "reason, allocated, actor_id, actor_department, change_time FROM "
      "owner_changes WHERE customer_id = ? AND id > ? ORDER BY id LIMIT ",
      limit + 1));
  stmt.setInt64(1, customer_id);
  stmt.setInt64(2, after.has_value() ? after->id : 0);
  ResultSetPtr rs(stmt.executeQuery());
  std::vector<v1::OwnerChange> items;
  std::vector<PageCursor> cursors;
  while (rs->next()) {
    v1::OwnerChange& g = items.emplace_back();
    const int64_t id = rs->getInt64("id");
    g.set_name(absl::StrCat(CustomerName(customer_id), "/ownerChanges/", id));
    g.set_from_owner_id(Str(rs, "from_owner_id"));
    g.set_to_owner_id(Str(rs, "to_owner_id"));
    g.set_from_team(Str(rs, "from_team_id"));
    g.set_to_team(Str(rs, "to_team_id"));
    g.set_reason(Str(rs, "reason"));
    g.set_allocated(rs->getBoolean("allocated"));
    g.mutable_actor()->set_staff_id(Str(rs, "actor_id"));
    g.mutable_actor()->set_department(Str(rs, "actor_department"));
    CSM_RETURN_IF_ERROR(SetTime(rs, "change_time", g.mutable_change_time()));
    cursors.push_back({"", id});
  }
  return MakePage(std::move(items), std::move(cursors), limit);
}

absl::Status CustomerStore::InsertDealing(MysqlConnection& conn,
                                          int64_t customer_id,
                                          v1::Dealing* dealing,
                                          const Principal& actor,
                                          absl::Time now) {
  CSM_ASSIGN_OR_RETURN(absl::CivilDay day, FromProtoDate(dealing->deal_date()));
  sql::PreparedStatement& stmt = conn.Prepare(
      "INSERT INTO dealings (customer_id, kind, deal_date, amount_fen, note, "
      "recorder_id, recorder_department, create_time) VALUES (?, ?, ?, ?, ?, "
      "?, ?, ?)");
  stmt.setInt64(1, customer_id);
  stmt.setInt(2, dealing->kind());
  stmt.setString(3, ToSqlDate(day));
  stmt.setInt64(4, dealing->amount_fen());
  stmt.setString(5, dealing->note());
  stmt.setString(6, actor.staff_id);
  stmt.setString(7, actor.department);
  stmt.setString(8, ToSqlTime(now));
  stmt.executeUpdate();
  const int64_t id = LastInsertId(conn);
  dealing->set_name(absl::StrCat(CustomerName(customer_id), "/dealings/", id));
  SetActor(actor, dealing->mutable_recorder());
  ToProtoTimestamp(now, dealing->mutable_create_time());
  return absl::OkStatus();
}

absl::StatusOr<Page<v1::Dealing>> CustomerStore::ListDealings(
    MysqlConnection& conn, int64_t customer_id, std::optional<PageCursor> after,
    int limit) {
  sql::PreparedStatement& stmt = conn.Prepare(absl::StrCat(
      "SELECT id, kind, deal_date, amount_fen, note, recorder_id, "
      "recorder_department, create_time FROM dealings WHERE customer_id = ? "
      "AND id > ? ORDER BY id LIMIT ",
      limit + 1));
  stmt.setInt64(1, customer_id);
  stmt.setInt64(2, after.has_value() ? after->id : 0);
  ResultSetPtr rs(stmt.executeQuery());
  std::vector<v1::Dealing> items;
  std::vector<PageCursor> cursors;
  while (rs->next()) {
    v1::Dealing& d = items.emplace_back();
    const int64_t id = rs->getInt64("id");
    d.set_name(absl::StrCat(CustomerName(customer_id), "/dealings/", id));
    d.set_kind(static_cast<v1::DealingKind>(rs->getInt("kind")));
    CSM_ASSIGN_OR_RETURN(absl::CivilDay day, FromSqlDate(Str(rs, "deal_date")));
    ToProtoDate(day, d.mutable_deal_date());
    d.set_amount_fen(rs->getInt64("amount_fen"));
    d.set_note(Str(rs, "note"));
    d.mutable_recorder()->set_staff_id(Str(rs, "recorder_id"));
    d.mutable_recorder()->set_department(Str(rs, "recorder_department"));
    CSM_RETURN_IF_ERROR(SetTime(rs, "create_time", d.mutable_create_time()));
    cursors.push_back({"", id});
  }
  return MakePage(std::move(items), std::move(cursors), limit);
}

absl::Status CustomerStore::InsertChange(
    MysqlConnection& conn, int64_t customer_id, absl::string_view method,
    const Principal& actor, absl::string_view request_id,
    const std::vector<FieldChangeRecord>& fields, absl::Time now) {
  if (fields.empty()) return absl::OkStatus();
  sql::PreparedStatement& stmt = conn.Prepare(
      "INSERT INTO customer_changes (customer_id, method, actor_id, "
      "actor_department, request_id, change_time) VALUES (?, ?, ?, ?, ?, ?)");
  stmt.setInt64(1, customer_id);
  stmt.setString(2, std::string(method));
  stmt.setString(3, actor.staff_id);
  stmt.setString(4, actor.department);
  stmt.setString(5, std::string(request_id));
  stmt.setString(6, ToSqlTime(now));
  stmt.executeUpdate();
  const int64_t change_id = LastInsertId(conn);
  sql::PreparedStatement& field_stmt = conn.Prepare(
      "INSERT INTO customer_field_changes (change_id, position, field, "
      "old_value, new_value, personal_data) VALUES (?, ?, ?, ?, ?, ?)");
  for (size_t i = 0; i < fields.size(); ++i) {
    field_stmt.setInt64(1, change_id);
    field_stmt.setInt(2, static_cast<int>(i));
    field_stmt.setString(3, fields[i].field);
    field_stmt.setString(4, fields[i].old_value);
    field_stmt.setString(5, fields[i].new_value);
    field_stmt.setInt(6, fields[i].personal);
    field_stmt.executeUpdate();
  }
  return absl::OkStatus();
}

absl::StatusOr<Page<v1::CustomerChange>> CustomerStore::ListChanges(
    MysqlConnection& conn, int64_t customer_id, std::optional<PageCursor> after,
    int limit) {
  sql::PreparedStatement& stmt = conn.Prepare(absl::StrCat(
      "SELECT id, method, actor_id, actor_department, request_id, "
      "change_time FROM customer_changes WHERE customer_id = ? AND id < ? "
      "ORDER BY id DESC LIMIT ",
      limit + 1));
  stmt.setInt64(1, customer_id);
  stmt.setInt64(
      2, after.has_value() ? after->id : std::numeric_limits<int64_t>::max());
  ResultSetPtr rs(stmt.executeQuery());
  std::vector<v1::CustomerChange> items;
  std::vector<PageCursor> cursors;
  std::vector<int64_t> ids;
  while (rs->next()) {
    v1::CustomerChange& c = items.emplace_back();
    const int64_t id = rs->getInt64("id");
    c.set_name(absl::StrCat(CustomerName(customer_id), "/changes/", id));
    c.set_method(Str(rs, "method"));
    c.mutable_actor()->set_staff_id(Str(rs, "actor_id"));
    c.mutable_actor()->set_department(Str(rs, "actor_department"));
    c.set_request_id(Str(rs, "request_id"));
    CSM_RETURN_IF_ERROR(SetTime(rs, "change_time", c.mutable_change_time()));
    cursors.push_back({"", id});
    ids.push_back(id);
  }
  rs.reset();
  Page<v1::CustomerChange> page =
      MakePage(std::move(items), std::move(cursors), limit);
  if (page.items.empty()) return page;
  ids.resize(page.items.size());
  absl::flat_hash_map<int64_t, v1::CustomerChange*> by_id;
  for (size_t i = 0; i < ids.size(); ++i) by_id[ids[i]] = &page.items[i];
  const size_t padded = PaddedSize(ids.size());
  sql::PreparedStatement& fields = conn.Prepare(
      absl::StrCat("SELECT change_id, field, old_value, new_value, "
                   "personal_data FROM customer_field_changes WHERE "
                   "change_id IN (",
                   Placeholders(padded), ") ORDER BY change_id, position"));
  for (size_t i = 0; i < padded; ++i) {
    fields.setInt64(static_cast<unsigned>(i + 1),
                    i < ids.size() ? ids[i] : int64_t{-1});
  }
  ResultSetPtr frs(fields.executeQuery());
  while (frs->next()) {
    v1::FieldChange* f = by_id[frs->getInt64("change_id")]->add_field_changes();
    f->set_field(Str(frs, "field"));
    f->set_old_value(Str(frs, "old_value"));
    f->set_new_value(Str(frs, "new_value"));
    f->set_personal_data(
        static_cast<v1::PersonalDataKind>(frs->getInt("personal_data")));
  }
  return page;
}

absl::Status CustomerStore::InsertAccessRecord(
    MysqlConnection& conn, int64_t customer_id, const Principal& reader,
    absl::string_view purpose, absl::string_view method, absl::Time now) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "INSERT INTO access_records (customer_id, reader_id, "
      "reader_department, purpose, method, access_time) VALUES (?, ?, ?, ?, "
      "?, ?)");
  stmt.setInt64(1, customer_id);
  stmt.setString(2, reader.staff_id);
  stmt.setString(3, reader.department);
  stmt.setString(4, std::string(purpose));
  stmt.setString(5, std::string(method));
  stmt.setString(6, ToSqlTime(now));
  stmt.executeUpdate();
  return absl::OkStatus();
}

absl::StatusOr<Page<v1::AccessRecord>> CustomerStore::ListAccessRecords(
    MysqlConnection& conn, int64_t customer_id, absl::string_view reader_id,
    std::optional<PageCursor> after, int limit) {
  std::string sql =
      "SELECT id, customer_id, reader_id, reader_department, purpose, method, "
      "access_time FROM access_records WHERE id < ?";
  std::vector<Param> params = {
      {Param::kInt, "",
       after.has_value() ? after->id : std::numeric_limits<int64_t>::max()}};
  if (customer_id > 0) {
    absl::StrAppend(&sql, " AND customer_id = ?");
    params.push_back({Param::kInt, "", customer_id});
  }
  if (!reader_id.empty()) {
    absl::StrAppend(&sql, " AND reader_id = ?");
    params.push_back({Param::kString, std::string(reader_id)});
  }
  absl::StrAppend(&sql, " ORDER BY id DESC LIMIT ", limit + 1);
  sql::PreparedStatement& stmt = conn.Prepare(sql);
  Bind(stmt, params);
  ResultSetPtr rs(stmt.executeQuery());
  std::vector<v1::AccessRecord> items;
  std::vector<PageCursor> cursors;
  while (rs->next()) {
    v1::AccessRecord& a = items.emplace_back();
    const int64_t id = rs->getInt64("id");
    const std::string customer = CustomerName(rs->getInt64("customer_id"));
    a.set_name(absl::StrCat(customer, "/accessRecords/", id));
    a.set_customer(customer);
    a.mutable_reader()->set_staff_id(Str(rs, "reader_id"));
    a.mutable_reader()->set_department(Str(rs, "reader_department"));
    a.set_purpose(Str(rs, "purpose"));
    a.set_method(Str(rs, "method"));
    CSM_RETURN_IF_ERROR(SetTime(rs, "access_time", a.mutable_access_time()));
    cursors.push_back({"", id});
  }
  return MakePage(std::move(items), std::move(cursors), limit);
}

// ---- teams

absl::StatusOr<TeamRecord> CustomerStore::GetTeam(MysqlConnection& conn,
                                                  absl::string_view team_id,
                                                  bool lock) {
  sql::PreparedStatement& stmt = conn.Prepare(absl::StrCat(
      "SELECT team_id, display_name, department, rr_cursor, version, "
      "update_time FROM teams WHERE team_id = ?",
      lock ? " FOR UPDATE" : ""));
  stmt.setString(1, std::string(team_id));
  ResultSetPtr rs(stmt.executeQuery());
  if (!rs->next()) {
    return absl::NotFoundError(
        absl::StrCat("team teams/", team_id, " does not exist"));
  }
  TeamRecord rec;
  rec.team.set_name(absl::StrCat("teams/", Str(rs, "team_id")));
  rec.team.set_display_name(Str(rs, "display_name"));
  rec.team.set_department(Str(rs, "department"));
  rec.rr_cursor = rs->getInt64("rr_cursor");
  rec.version = rs->getInt64("version");
  rec.team.set_etag(std::to_string(rec.version));
  CSM_RETURN_IF_ERROR(
      SetTime(rs, "update_time", rec.team.mutable_update_time()));
  rs.reset();
  sql::PreparedStatement& members = conn.Prepare(
      "SELECT staff_id FROM team_members WHERE team_id = ? ORDER BY position");
  members.setString(1, std::string(team_id));
  ResultSetPtr mrs(members.executeQuery());
  while (mrs->next()) rec.team.add_member_ids(Str(mrs, "staff_id"));
  return rec;
}

namespace {

absl::Status WriteMembers(MysqlConnection& conn, absl::string_view team_id,
                          const v1::Team& team) {
  sql::PreparedStatement& del =
      conn.Prepare("DELETE FROM team_members WHERE team_id = ?");
  del.setString(1, std::string(team_id));
  del.executeUpdate();
  sql::PreparedStatement& ins = conn.Prepare(
      "INSERT INTO team_members (team_id, position, staff_id) VALUES (?, ?, "
      "?)");
  for (int i = 0; i < team.member_ids_size(); ++i) {
    ins.setString(1, std::string(team_id));
    ins.setInt(2, i);
    ins.setString(3, team.member_ids(i));
    ins.executeUpdate();
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CustomerStore::InsertTeam(MysqlConnection& conn,
                                       absl::string_view team_id,
                                       v1::Team* team, absl::Time now) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "INSERT INTO teams (team_id, display_name, department, rr_cursor, "
      "version, update_time) VALUES (?, ?, ?, 0, 1, ?)");
  stmt.setString(1, std::string(team_id));
  stmt.setString(2, team->display_name());
  stmt.setString(3, team->department());
  stmt.setString(4, ToSqlTime(now));
  stmt.executeUpdate();
  CSM_RETURN_IF_ERROR(WriteMembers(conn, team_id, *team));
  team->set_name(absl::StrCat("teams/", team_id));
  team->set_etag("1");
  ToProtoTimestamp(now, team->mutable_update_time());
  return absl::OkStatus();
}

absl::Status CustomerStore::UpdateTeam(MysqlConnection& conn,
                                       absl::string_view team_id,
                                       v1::Team* team, int64_t expected_version,
                                       absl::Time now) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "UPDATE teams SET display_name = ?, department = ?, version = version "
      "+ 1, update_time = ? WHERE team_id = ? AND version = ?");
  stmt.setString(1, team->display_name());
  stmt.setString(2, team->department());
  stmt.setString(3, ToSqlTime(now));
  stmt.setString(4, std::string(team_id));
  stmt.setInt64(5, expected_version);
  if (stmt.executeUpdate() != 1) {
    return absl::AbortedError(absl::StrCat(
        "teams/", team_id, " was changed by someone else since version ",
        expected_version, "; read it again and retry"));
  }
  CSM_RETURN_IF_ERROR(WriteMembers(conn, team_id, *team));
  team->set_etag(std::to_string(expected_version + 1));
  ToProtoTimestamp(now, team->mutable_update_time());
  return absl::OkStatus();
}

absl::Status CustomerStore::SetTeamCursor(MysqlConnection& conn,
                                          absl::string_view team_id,
                                          int64_t cursor) {
  sql::PreparedStatement& stmt =
      conn.Prepare("UPDATE teams SET rr_cursor = ? WHERE team_id = ?");
  stmt.setInt64(1, cursor);
  stmt.setString(2, std::string(team_id));
  stmt.executeUpdate();
  return absl::OkStatus();
}

absl::StatusOr<Page<v1::Team>> CustomerStore::ListTeams(
    MysqlConnection& conn, std::optional<PageCursor> after, int limit) {
  sql::PreparedStatement& stmt = conn.Prepare(absl::StrCat(
      "SELECT team_id FROM teams WHERE team_id > ? ORDER BY team_id LIMIT ",
      limit + 1));
  stmt.setString(1, after.has_value() ? after->key : "");
  ResultSetPtr rs(stmt.executeQuery());
  std::vector<std::string> ids;
  while (rs->next()) ids.push_back(Str(rs, "team_id"));
  rs.reset();
  std::vector<v1::Team> items;
  std::vector<PageCursor> cursors;
  for (const std::string& id : ids) {
    CSM_ASSIGN_OR_RETURN(TeamRecord rec, GetTeam(conn, id, false));
    items.push_back(std::move(rec.team));
    cursors.push_back({id, 0});
  }
  return MakePage(std::move(items), std::move(cursors), limit);
}

absl::StatusOr<absl::flat_hash_map<std::string, int64_t>>
CustomerStore::OpenArchiveCounts(MysqlConnection& conn,
                                 const std::vector<std::string>& staff_ids) {
  absl::flat_hash_map<std::string, int64_t> counts;
  sql::PreparedStatement& stmt = conn.Prepare(
      "SELECT COUNT(*) FROM customers WHERE owner_id = ? AND state = ?");
  for (const std::string& staff : staff_ids) {
    stmt.setString(1, staff);
    stmt.setInt(2, v1::ARCHIVE_STATE_OPEN);
    ResultSetPtr rs(stmt.executeQuery());
    rs->next();
    counts[staff] = rs->getInt64(1);
  }
  return counts;
}

}  // namespace csm::customer
