#include "customer-svc/src/store/customer_rows.h"

#include <algorithm>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
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
#include "customer-svc/src/store/customer_store.h"

namespace csm::customer {
const std::string& CustomerColumnsOfCu() {
  static const std::string* const columns = [] {
    std::vector<std::string> qualified;
    for (absl::string_view c : absl::StrSplit(kCustomerColumns, ", ")) {
      qualified.push_back(absl::StrCat("cu.", c));
    }
    return new std::string(absl::StrJoin(qualified, ", "));
  }();
  return *columns;
}

namespace {

// Positions in kCustomerColumns (the first columns of every archive query)
// and in kContactColumns.
consteval unsigned Cu(std::string_view name) {
  return sql_rows::ColumnOf(kCustomerColumns, name);
}
consteval unsigned Co(std::string_view name) {
  return sql_rows::ColumnOf(kContactColumns, name);
}

}  // namespace

absl::StatusOr<v1::Customer> CustomerFromRow(const ResultSetPtr& rs) {
  v1::Customer c;
  c.set_name(CustomerStore::CustomerName(rs->getInt64(Cu("id"))));
  c.set_archive_number(Str(rs, Cu("archive_number")));
  c.set_display_name(Str(rs, Cu("display_name")));
  c.set_kind(static_cast<v1::CustomerKind>(rs->getInt(Cu("kind"))));
  if (!rs->isNull(Cu("credit_code"))) {
    c.set_credit_code(Str(rs, Cu("credit_code")));
  }
  c.set_province(Str(rs, Cu("province")));
  c.set_city(Str(rs, Cu("city")));
  c.set_industry(Str(rs, Cu("industry")));
  c.set_address(Str(rs, Cu("address")));
  c.set_legal_representative(Str(rs, Cu("legal_representative")));
  c.set_business_scope(Str(rs, Cu("business_scope")));
  c.set_company_size(Str(rs, Cu("company_size")));
  c.set_acquisition_channel(static_cast<v1::AcquisitionChannel>(
      rs->getInt(Cu("acquisition_channel"))));
  c.set_lifecycle_status(
      static_cast<v1::LifecycleStatus>(rs->getInt(Cu("lifecycle_status"))));
  c.set_grade(static_cast<v1::Grade>(rs->getInt(Cu("grade"))));
  c.set_credit_rating(
      static_cast<v1::CreditRating>(rs->getInt(Cu("credit_rating"))));
  c.set_owner_id(Str(rs, Cu("owner_id")));
  c.set_team(Str(rs, Cu("team_id")));
  c.set_department(Str(rs, Cu("department")));
  c.set_state(static_cast<v1::ArchiveState>(rs->getInt(Cu("state"))));
  c.set_close_reason(Str(rs, Cu("close_reason")));
  c.set_creator_id(Str(rs, Cu("creator_id")));
  CSM_RETURN_IF_ERROR(SetTime(rs, Cu("create_time"), c.mutable_create_time()));
  CSM_RETURN_IF_ERROR(SetTime(rs, Cu("update_time"), c.mutable_update_time()));
  c.set_etag(std::to_string(rs->getInt64(Cu("version"))));
  CSM_ASSIGN_OR_RETURN(std::optional<absl::CivilDay> signing,
                       sql_rows::DateCol(rs, Cu("expected_signing_date")));
  if (signing.has_value()) {
    ToProtoDate(*signing, c.mutable_expected_signing_date());
  }
  c.set_importance(static_cast<v1::Importance>(rs->getInt(Cu("importance"))));
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
namespace {

absl::Status SameCodeTaken() {
  return absl::AlreadyExistsError(
      "another archive already has this kind and credit code (重卡); find "
      "it with ListCustomers and use it");
}

}  // namespace

absl::Status ExecuteArchiveWrite(sql::PreparedStatement& stmt, int* affected) {
  try {
    *affected = stmt.executeUpdate();
  } catch (const sql::SQLException& e) {
    if (e.getErrorCode() != 1062) throw;
    return SameCodeTaken();
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> ExecuteArchiveInsert(sql::PreparedStatement& stmt) {
  try {
    return InsertedId(stmt);
  } catch (const sql::SQLException& e) {
    if (e.getErrorCode() != 1062) throw;
    return SameCodeTaken();
  }
}

absl::Status ContactRows::Add(const ResultSetPtr& rs) {
  // The position of a contact column in the row.
  const auto at = [this](unsigned column) {
    return first_column_ - 1 + column;
  };
  if (rs->isNull(at(Co("contact_id")))) return absl::OkStatus();
  const int64_t id = rs->getInt64(at(Co("contact_id")));
  auto [it, fresh] = by_contact_.try_emplace(id);
  Entry& e = it->second;
  if (fresh) {
    e.customer_id = rs->getInt64(at(Co("contact_customer_id")));
    v1::Contact& c = e.contact;
    c.set_name(absl::StrCat(CustomerStore::CustomerName(e.customer_id),
                            "/contacts/", id));
    c.set_display_name(Str(rs, at(Co("contact_display_name"))));
    c.set_title(Str(rs, at(Co("contact_title"))));
    c.set_email(Str(rs, at(Co("contact_email"))));
    c.set_primary(rs->getBoolean(at(Co("contact_primary"))));
    CSM_RETURN_IF_ERROR(
        SetTime(rs, at(Co("contact_create_time")), c.mutable_create_time()));
    c.set_etag(std::to_string(rs->getInt64(at(Co("contact_version")))));
  }
  if (!rs->isNull(at(Co("phone")))) {
    e.phones.emplace_back(rs->getInt(at(Co("phone_position"))),
                          Str(rs, at(Co("phone"))));
  }
  return absl::OkStatus();
}

void ContactRows::MoveInto(
    const absl::flat_hash_map<int64_t, v1::Customer*>& by_id) {
  for (auto& [id, e] : by_contact_) {
    const auto owner = by_id.find(e.customer_id);
    if (owner == by_id.end()) continue;
    std::sort(e.phones.begin(), e.phones.end());
    for (auto& [position, phone] : e.phones) {
      e.contact.add_phones(std::move(phone));
    }
    *owner->second->add_contacts() = std::move(e.contact);
  }
  by_contact_.clear();
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
      "SELECT ", kContactColumns,
      " FROM contacts c LEFT JOIN contact_phones p ON p.contact_id = c.id "
      "WHERE c.customer_id IN (",
      Placeholders(padded), ") AND c.removed_time IS NULL"));
  for (size_t i = 0; i < padded; ++i) {
    stmt.setInt64(static_cast<unsigned>(i + 1),
                  i < ids.size() ? ids[i] : int64_t{-1});
  }
  ResultSetPtr rs(stmt.executeQuery());
  ContactRows contacts(/*first_column=*/1);
  while (rs->next()) CSM_RETURN_IF_ERROR(contacts.Add(rs));
  contacts.MoveInto(by_id);
  return absl::OkStatus();
}

// Each phone as typed beside its normalised form (NormalizedPhones, the
// domain's one rule), which duplicate detection looks up.
absl::Status InsertPhones(MysqlConnection& conn, int64_t contact_id,
                          const v1::Contact& contact,
                          const std::vector<std::string>& normalized,
                          bool replace) {
  if (normalized.size() != static_cast<size_t>(contact.phones_size())) {
    return absl::InternalError(
        "InsertPhones: one normalised phone per phone expected");
  }
  if (replace) {
    sql::PreparedStatement& del =
        conn.Prepare("DELETE FROM contact_phones WHERE contact_id = ?");
    del.setInt64(1, contact_id);
    del.executeUpdate();
  }
  sql::PreparedStatement& ins = conn.Prepare(
      "INSERT INTO contact_phones (contact_id, position, phone, "
      "normalized_phone) VALUES (?, ?, ?, ?)");
  for (int i = 0; i < contact.phones_size(); ++i) {
    ins.setInt64(1, contact_id);
    ins.setInt(2, i);
    ins.setString(3, contact.phones(i));
    ins.setString(4, normalized[i]);
    ins.executeUpdate();
  }
  return absl::OkStatus();
}

}  // namespace csm::customer
