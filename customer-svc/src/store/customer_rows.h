// Row helpers every CustomerStore file shares (internal to the store).
#ifndef CSM_CUSTOMER_SVC_STORE_CUSTOMER_ROWS_H_
#define CSM_CUSTOMER_SVC_STORE_CUSTOMER_ROWS_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/mysql_pool.h"
#include "common/sql_rows.h"
#include "cppconn/prepared_statement.h"
#include "csm/customer/v1/customer.pb.h"

namespace csm::customer {

// The sql_rows helpers, by their short names in every store file.
using sql_rows::Bind;
using sql_rows::FilterColumn;
using sql_rows::InsertedId;
using sql_rows::MakePage;
using sql_rows::PaddedSize;
using sql_rows::Param;
using sql_rows::Placeholders;
using sql_rows::ResultSetPtr;
using sql_rows::SetActor;
using sql_rows::SetTime;
using sql_rows::Str;

inline constexpr char kCustomerColumns[] =
    "id, archive_number, display_name, kind, credit_code, province, city, "
    "industry, address, legal_representative, business_scope, company_size, "
    "acquisition_channel, lifecycle_status, grade, credit_rating, owner_id, "
    "team_id, department, state, close_reason, creator_id, create_time, "
    "update_time, version, expected_signing_date, importance";

inline constexpr unsigned kCustomerColumnCount =
    sql_rows::ColumnCount(kCustomerColumns);

// kCustomerColumns of the table aliased `cu` (for joins).
const std::string& CustomerColumnsOfCu();

// An archive from the first kCustomerColumnCount columns of a row (read by
// position: every archive query's select list starts with kCustomerColumns).
absl::StatusOr<v1::Customer> CustomerFromRow(const sql_rows::ResultSetPtr& rs);

// A contact with one of its phones per row of contacts c LEFT JOIN
// contact_phones p, named apart from an archive's columns.
inline constexpr char kContactColumns[] =
    "c.id AS contact_id, c.customer_id AS contact_customer_id, "
    "c.display_name AS contact_display_name, c.title AS contact_title, "
    "c.email AS contact_email, c.is_primary AS contact_primary, "
    "c.create_time AS contact_create_time, c.version AS contact_version, "
    "p.position AS phone_position, p.phone AS phone";

// Contacts read from kContactColumns rows in whatever order they come: the
// queries have no ORDER BY, since sorting a join costs MariaDB a temporary
// table. Each contact is read once; archives get theirs by contact id,
// phones by position (the order the API has always returned).
class ContactRows {
 public:
  // kContactColumns start at 1-based position `first_column` of each row.
  explicit ContactRows(unsigned first_column) : first_column_(first_column) {}

  // One row; a row without a contact (an outer join's) adds nothing.
  absl::Status Add(const sql_rows::ResultSetPtr& rs);
  // Appends its contacts to each archive of `by_id` (archive id -> archive).
  void MoveInto(const absl::flat_hash_map<int64_t, v1::Customer*>& by_id);

 private:
  struct Entry {
    int64_t customer_id = 0;
    v1::Contact contact;
    std::vector<std::pair<int, std::string>> phones;  // (position, phone)
  };
  unsigned first_column_;
  absl::btree_map<int64_t, Entry> by_contact_;
};

// The stored form of expected_signing_date: NULL when none is expected.
absl::Status BindSigningDate(sql::PreparedStatement& stmt, unsigned index,
                             const v1::Customer& c);

// Runs an INSERT or UPDATE of an archive row; the unique code key's
// violation becomes ALREADY_EXISTS naming the rule, not the value.
absl::Status ExecuteArchiveWrite(sql::PreparedStatement& stmt, int* affected);
// The same for an INSERT ... RETURNING id: the new archive's id.
absl::StatusOr<int64_t> ExecuteArchiveInsert(sql::PreparedStatement& stmt);

// Loads the live contacts (with phones) of the given archives into them.
absl::Status LoadContacts(MysqlConnection& conn,
                          std::vector<v1::Customer*> customers);

// Each phone as typed beside its normalised form (NormalizedPhones, the
// domain's one rule), which duplicate detection looks up. `replace`: the
// contact's previous phones are deleted first (a new contact has none).
absl::Status InsertPhones(MysqlConnection& conn, int64_t contact_id,
                          const v1::Contact& contact,
                          const std::vector<std::string>& normalized,
                          bool replace);

}  // namespace csm::customer

#endif  // CSM_CUSTOMER_SVC_STORE_CUSTOMER_ROWS_H_
