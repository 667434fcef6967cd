// Row helpers every CustomerStore file shares (internal to the store).
#ifndef CSM_CUSTOMER_SVC_STORE_CUSTOMER_ROWS_H_
#define CSM_CUSTOMER_SVC_STORE_CUSTOMER_ROWS_H_

#include <string>
#include <vector>

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
using sql_rows::LastInsertId;
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

absl::StatusOr<v1::Customer> CustomerFromRow(const sql_rows::ResultSetPtr& rs);

// The stored form of expected_signing_date: NULL when none is expected.
absl::Status BindSigningDate(sql::PreparedStatement& stmt, unsigned index,
                             const v1::Customer& c);

// Runs an INSERT or UPDATE of an archive row; the unique code key's
// violation becomes ALREADY_EXISTS naming the rule, not the value.
absl::Status ExecuteArchiveWrite(sql::PreparedStatement& stmt, int* affected);

// Loads the live contacts (with phones) of the given archives into them.
absl::Status LoadContacts(MysqlConnection& conn,
                          std::vector<v1::Customer*> customers);

// Each phone as typed beside its normalised form (NormalizedPhones, the
// domain's one rule), which duplicate detection looks up.
absl::Status InsertPhones(MysqlConnection& conn, int64_t contact_id,
                          const v1::Contact& contact,
                          const std::vector<std::string>& normalized);

}  // namespace csm::customer

#endif  // CSM_CUSTOMER_SVC_STORE_CUSTOMER_ROWS_H_
