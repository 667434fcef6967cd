// Row helpers the VisitStore files share (internal to the store).
#ifndef CSM_CUSTOMER_SVC_STORE_VISIT_ROWS_H_
#define CSM_CUSTOMER_SVC_STORE_VISIT_ROWS_H_

#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "common/sql_rows.h"
#include "cppconn/prepared_statement.h"
#include "customer-svc/src/store/visit_store.h"

namespace csm::customer {

// The sql_rows helpers, by their short names in every visit store file.
using sql_rows::Bind;
using sql_rows::DateCol;
using sql_rows::FilterColumn;
using sql_rows::InsertedId;
using sql_rows::MakePage;
using sql_rows::Param;
using sql_rows::ResultSetPtr;
using sql_rows::SetActor;
using sql_rows::SetTime;
using sql_rows::Str;
using sql_rows::TimeCol;

// "customers/1/visitPlans/2" against {"customers", "visitPlans"}: the ids,
// or nothing when the name has another shape.
std::optional<std::vector<int64_t>> ParseIds(
    absl::string_view name, std::initializer_list<absl::string_view> kinds);

void SetDate(absl::CivilDay day, csm::common::v1::Date* out);

void BindDate(sql::PreparedStatement& stmt, unsigned index,
              const std::optional<absl::CivilDay>& day);

const char* LockClause(PolicyLock lock);

inline constexpr char kPlanColumns[] =
    "p.id, p.customer_id, p.project, p.delivery_date, p.next_due_date, "
    "p.last_valid_visit_date, p.sms_streak, p.status_note, p.closed_time, "
    "p.close_reason, p.version, p.create_time, c.owner_id";

absl::StatusOr<PlanRecord> PlanFromRow(const sql_rows::ResultSetPtr& rs);

inline constexpr char kVisitColumns[] =
    "id, planned_date, actual_date, method, staff_id, satisfaction, "
    "customer_opinions, customer_requests, countermeasures, next_action, "
    "counted, not_counted_reason, create_time";

absl::StatusOr<v1::Visit> VisitFromRow(const sql_rows::ResultSetPtr& rs,
                                       int64_t customer_id, int64_t plan_id);

inline constexpr char kCommunicationColumns[] =
    "id, customer_id, channel, staff_id, contact_time, summary, "
    "customer_requests, promise_description, promise_due_date, "
    "promise_state, kept_time, kept_late, kept_note, recorder_id, "
    "recorder_department, create_time";

absl::StatusOr<v1::Communication> CommunicationFromRow(
    const sql_rows::ResultSetPtr& rs);

const absl::flat_hash_map<std::string, sql_rows::FilterColumn>&
CommunicationFilters();

// Only archives that are open take part in due lists, sweeps and overdue
// promise lists: a closed archive has no further business. A subquery, not
// a join, so that a locking read does not lock the archive rows as well.
std::string OpenArchive(absl::string_view alias);

}  // namespace csm::customer

#endif  // CSM_CUSTOMER_SVC_STORE_VISIT_ROWS_H_
