#ifndef CSM_COMPLAINT_SVC_SRC_STORE_COMPLAINT_ROWS_H_
#define CSM_COMPLAINT_SVC_SRC_STORE_COMPLAINT_ROWS_H_

// The complaints table's row mapping, shared by the store's files (include
// it only from src/store/*.cc): the record's columns, a row back to a
// record, the child tables, and resource names.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/business_time.h"
#include "common/mysql_pool.h"
#include "common/sql_rows.h"
#include "complaint-svc/src/store/complaint_store.h"

namespace csm::complaint {

using sql_rows::ResultSetPtr;

// Shorthands for the bound values of statements built from column lists.
using Value = sql_rows::Param;
inline Value S(std::string s) { return Value::String(std::move(s)); }
inline Value I(int64_t i) { return Value::Int(i); }
inline Value T(absl::Time t) { return Value::Time(t); }
inline void SetTs(absl::Time t, google::protobuf::Timestamp* out) {
  ToProtoTimestamp(t, out);
}

using Columns = std::vector<std::pair<const char*, Value>>;

// Every column but id and version, from the record.
Columns ComplaintColumns(const ComplaintRecord& r);
// A `SELECT *` row of complaints, without the child tables.
absl::StatusOr<ComplaintRecord> ComplaintFromRow(const ResultSetPtr& rs);
// Department times and escalations of the given complaints.
absl::Status LoadChildren(
    MysqlConnection& conn,
    const std::vector<std::pair<int64_t, v1::Complaint*>>& complaints);
// The id of "{kind}/{id}", else INVALID_ARGUMENT on `field` quoting `name`.
absl::StatusOr<int64_t> ParseId(absl::string_view name, absl::string_view kind,
                                absl::string_view field);

}  // namespace csm::complaint

#endif  // CSM_COMPLAINT_SVC_SRC_STORE_COMPLAINT_ROWS_H_
