// ListComplaints: the AIP-160 filter of the list RPC as SQL (prepared, every
// value bound) on the complaints table.

#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/sql_paging.h"
#include "common/sql_rows.h"
#include "common/status.h"
#include "complaint-svc/src/domain/complaint_state_machine.h"
#include "complaint-svc/src/store/complaint_rows.h"
#include "complaint-svc/src/store/complaint_store.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"

namespace csm::complaint {

namespace {

// An unmet deadline past now, on a complaint whose clock runs: binds the
// SLA-running states (the state machine's list), then now three times.
const std::string& OverdueCondition() {
  static const std::string* const kCondition = [] {
    std::vector<std::string> marks(
        ComplaintStateMachine::SlaRunningStates().size(), "?");
    return new std::string(absl::StrCat(
        "(paused_since IS NULL AND state IN (", absl::StrJoin(marks, ", "),
        ") AND ((ack_met_time IS NULL AND ack_due <= ?) OR "
        "(investigate_met_time IS NULL AND investigate_due <= ?) OR "
        "(opinion_met_time IS NULL AND opinion_due <= ?)))"));
  }();
  return *kCondition;
}

}  // namespace

absl::StatusOr<Page<v1::Complaint>> ComplaintStore::ListComplaints(
    MysqlConnection& conn, const ComplaintListQuery& query) {
  using sql_rows::FilterColumn;
  static const auto* kColumns =
      new absl::flat_hash_map<std::string, FilterColumn>{
          {"state",
           {"state", FilterColumn::kEnum, &v1::ComplaintState_descriptor}},
          {"severity",
           {"severity", FilterColumn::kEnum, &v1::Severity_descriptor}},
          {"channel",
           {"channel", FilterColumn::kEnum, &v1::ComplaintChannel_descriptor}},
          // ESCALATION_LEVEL_UNSPECIFIED (0) is meaningful: never escalated.
          {"escalation_level",
           {"escalation_level", FilterColumn::kEnum,
            &v1::EscalationLevel_descriptor, /*zero_is_a_value=*/true}},
          {"category", {"category", FilterColumn::kKeyword, nullptr}},
          {"handling_department",
           {"handling_department", FilterColumn::kKeyword, nullptr}},
          {"handler_id", {"handler_id", FilterColumn::kKeyword, nullptr}},
          {"first_responder_id",
           {"first_responder_id", FilterColumn::kKeyword, nullptr}},
          {"complaint_number",
           {"complaint_number", FilterColumn::kKeyword, nullptr}},
          {"create_time", {"create_time", FilterColumn::kTime, nullptr}},
      };
  std::vector<std::string> where;
  std::vector<Value> params;
  for (const FilterTerm& term : query.filter) {
    if (term.field == "overdue") {
      if (term.op != FilterTerm::Op::kEq ||
          (term.value != "true" && term.value != "false")) {
        return InvalidField("filter", "use overdue = true or overdue = false");
      }
      where.push_back(term.value == "true"
                          ? OverdueCondition()
                          : absl::StrCat("NOT ", OverdueCondition()));
      for (v1::ComplaintState s : ComplaintStateMachine::SlaRunningStates()) {
        params.push_back(I(s));
      }
      for (int i = 0; i < 3; ++i) params.push_back(T(query.now));
      continue;
    }
    if (term.field == "customer") {
      if (term.op != FilterTerm::Op::kEq && term.op != FilterTerm::Op::kNe) {
        return InvalidField("filter", "field \"customer\" supports = and !=");
      }
      auto id = ParseId(term.value, "customers", "filter");
      if (!id.ok()) return id.status();
      where.push_back(
          absl::StrCat("customer_id ", sql_rows::SqlOp(term.op), " ?"));
      params.push_back(I(*id));
      continue;
    }
    auto it = kColumns->find(term.field);
    if (it == kColumns->end()) {
      return InvalidField("filter",
                          absl::StrCat("unknown field ", Quote(term.field)));
    }
    CSM_RETURN_IF_ERROR(
        sql_rows::AddFilterCondition(term, it->second, &where, &params));
  }
  // Keyset on id: ids grow with create_time, so the order is create_time.
  CSM_ASSIGN_OR_RETURN(
      Page<ComplaintRecord> rows,
      sql_rows::ReadIdPage<ComplaintRecord>(
          conn,
          sql_rows::IdPageQuery{.select = "SELECT * FROM complaints",
                                .where = std::move(where),
                                .params = std::move(params),
                                .order = query.newest_first
                                             ? sql_rows::IdOrder::kNewestFirst
                                             : sql_rows::IdOrder::kOldestFirst,
                                .after = query.after,
                                .limit = query.limit},
          [](const ResultSetPtr& rs, int64_t,
             ComplaintRecord& r) -> absl::Status {
            CSM_ASSIGN_OR_RETURN(r, ComplaintFromRow(rs));
            return absl::OkStatus();
          }));
  Page<v1::Complaint> page;
  page.next = rows.next;
  std::vector<std::pair<int64_t, v1::Complaint*>> children;
  for (ComplaintRecord& r : rows.items) {
    children.push_back({r.id, &r.complaint});
  }
  CSM_RETURN_IF_ERROR(LoadChildren(conn, children));
  for (ComplaintRecord& r : rows.items) {
    page.items.push_back(std::move(r.complaint));
  }
  return page;
}

}  // namespace csm::complaint
