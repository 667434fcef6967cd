#include "customer-svc/src/store/visit_rows.h"

#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/business_time.h"
#include "common/sql_rows.h"
#include "common/sql_values.h"
#include "common/status.h"
#include "customer-svc/src/store/visit_rows.h"

namespace csm::customer {
std::optional<std::vector<int64_t>> ParseIds(
    absl::string_view name, std::initializer_list<absl::string_view> kinds) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() != 2 * kinds.size()) return std::nullopt;
  std::vector<int64_t> ids;
  size_t i = 0;
  for (absl::string_view kind : kinds) {
    int64_t id = 0;
    if (parts[i] != kind || !absl::SimpleAtoi(parts[i + 1], &id) || id <= 0) {
      return std::nullopt;
    }
    ids.push_back(id);
    i += 2;
  }
  return ids;
}

void SetDate(absl::CivilDay day, csm::common::v1::Date* out) {
  ToProtoDate(day, out);
}

void BindDate(sql::PreparedStatement& stmt, unsigned index,
              const std::optional<absl::CivilDay>& day) {
  if (day.has_value()) {
    stmt.setString(index, ToSqlDate(*day));
  } else {
    stmt.setNull(index, 0);
  }
}

const char* LockClause(PolicyLock lock) {
  switch (lock) {
    case PolicyLock::kNone:
      return "";
    case PolicyLock::kShare:
      return " LOCK IN SHARE MODE";
    case PolicyLock::kUpdate:
      return " FOR UPDATE";
  }
  return "";
}

absl::StatusOr<PlanRecord> PlanFromRow(const ResultSetPtr& rs) {
  PlanRecord p;
  p.id = rs->getInt64("id");
  p.customer_id = rs->getInt64("customer_id");
  p.project = Str(rs, "project");
  CSM_ASSIGN_OR_RETURN(p.delivery_date, FromSqlDate(Str(rs, "delivery_date")));
  CSM_ASSIGN_OR_RETURN(p.next_due_date, FromSqlDate(Str(rs, "next_due_date")));
  CSM_ASSIGN_OR_RETURN(p.last_valid_visit_date,
                       DateCol(rs, "last_valid_visit_date"));
  p.sms_streak = rs->getInt("sms_streak");
  p.status_note = Str(rs, "status_note");
  if (!rs->isNull("closed_time")) {
    CSM_ASSIGN_OR_RETURN(absl::Time closed, TimeCol(rs, "closed_time"));
    p.closed_time = closed;
  }
  p.close_reason = Str(rs, "close_reason");
  p.version = rs->getInt64("version");
  CSM_ASSIGN_OR_RETURN(p.create_time, TimeCol(rs, "create_time"));
  p.owner_id = Str(rs, "owner_id");
  return p;
}

absl::StatusOr<v1::Visit> VisitFromRow(const ResultSetPtr& rs,
                                       int64_t customer_id, int64_t plan_id) {
  v1::Visit v;
  v.set_name(absl::StrCat(VisitStore::PlanName(customer_id, plan_id),
                          "/visits/", rs->getInt64("id")));
  CSM_ASSIGN_OR_RETURN(absl::CivilDay planned,
                       FromSqlDate(Str(rs, "planned_date")));
  SetDate(planned, v.mutable_planned_date());
  CSM_ASSIGN_OR_RETURN(absl::CivilDay actual,
                       FromSqlDate(Str(rs, "actual_date")));
  SetDate(actual, v.mutable_actual_date());
  v.set_method(static_cast<v1::VisitMethod>(rs->getInt("method")));
  v.set_staff_id(Str(rs, "staff_id"));
  v.set_satisfaction(
      static_cast<csm::common::v1::Satisfaction>(rs->getInt("satisfaction")));
  v.set_customer_opinions(Str(rs, "customer_opinions"));
  v.set_customer_requests(Str(rs, "customer_requests"));
  v.set_countermeasures(Str(rs, "countermeasures"));
  v.set_next_action(Str(rs, "next_action"));
  v.set_counted(rs->getBoolean("counted"));
  v.set_not_counted_reason(Str(rs, "not_counted_reason"));
  CSM_RETURN_IF_ERROR(SetTime(rs, "create_time", v.mutable_create_time()));
  return v;
}

absl::StatusOr<v1::Communication> CommunicationFromRow(const ResultSetPtr& rs) {
  v1::Communication c;
  c.set_name(VisitStore::CommunicationName(rs->getInt64("customer_id"),
                                           rs->getInt64("id")));
  c.set_channel(static_cast<v1::CommunicationChannel>(rs->getInt("channel")));
  c.set_staff_id(Str(rs, "staff_id"));
  CSM_RETURN_IF_ERROR(SetTime(rs, "contact_time", c.mutable_contact_time()));
  c.set_summary(Str(rs, "summary"));
  c.set_customer_requests(Str(rs, "customer_requests"));
  const int state = rs->getInt("promise_state");
  if (state != v1::PROMISE_STATE_UNSPECIFIED) {
    v1::CommunicationPromise* p = c.mutable_promise();
    p->set_description(Str(rs, "promise_description"));
    CSM_ASSIGN_OR_RETURN(std::optional<absl::CivilDay> due,
                         DateCol(rs, "promise_due_date"));
    if (due.has_value()) SetDate(*due, p->mutable_due_date());
    p->set_state(static_cast<v1::PromiseState>(state));
    if (!rs->isNull("kept_time")) {
      CSM_RETURN_IF_ERROR(SetTime(rs, "kept_time", p->mutable_kept_time()));
    }
    p->set_kept_late(rs->getBoolean("kept_late"));
    p->set_kept_note(Str(rs, "kept_note"));
  }
  c.mutable_recorder()->set_staff_id(Str(rs, "recorder_id"));
  c.mutable_recorder()->set_department(Str(rs, "recorder_department"));
  CSM_RETURN_IF_ERROR(SetTime(rs, "create_time", c.mutable_create_time()));
  return c;
}

const absl::flat_hash_map<std::string, FilterColumn>& CommunicationFilters() {
  static const auto* columns =
      new absl::flat_hash_map<std::string, FilterColumn>{
          {"channel",
           {"channel", FilterColumn::kEnum,
            &v1::CommunicationChannel_descriptor}},
          {"staff_id", {"staff_id", FilterColumn::kString, nullptr}},
          {"contact_time", {"contact_time", FilterColumn::kTime, nullptr}},
      };
  return *columns;
}

// Only archives that are open take part in due lists, sweeps and overdue
// promise lists: a closed archive has no further business. A subquery, not
// a join, so that a locking read does not lock the archive rows as well.
std::string OpenArchive(absl::string_view alias) {
  return absl::StrCat("EXISTS (SELECT 1 FROM customers c WHERE c.id = ", alias,
                      ".customer_id AND c.state = ", v1::ARCHIVE_STATE_OPEN,
                      ")");
}

}  // namespace csm::customer
