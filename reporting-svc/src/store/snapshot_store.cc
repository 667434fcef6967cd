#include "reporting-svc/src/store/snapshot_store.h"

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "common/business_time.h"
#include "common/sql_rows.h"
#include "common/sql_values.h"
#include "common/status.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"
#include "reporting-svc/src/store/sql_bind.h"

namespace csm::reporting {
namespace {

using ResultSetPtr = std::unique_ptr<sql::ResultSet>;

absl::StatusOr<rv1::ReportSnapshot> Parse(const ResultSetPtr& rs) {
  rv1::ReportSnapshot s;
  if (!s.ParseFromString(std::string(rs->getString("snapshot")))) {
    return absl::DataLossError("a stored snapshot does not parse");
  }
  s.set_name(absl::StrCat("reportSnapshots/", rs->getInt64("id")));
  return s;
}

// "YYYY-MM-DD" naming a real day (no normalizing of 2026-02-30).
bool ParseDay(absl::string_view text, absl::CivilDay* day) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!absl::ascii_isdigit(text[i])) return false;
  }
  int y = 0, m = 0, d = 0;
  if (!absl::SimpleAtoi(text.substr(0, 4), &y) ||
      !absl::SimpleAtoi(text.substr(5, 2), &m) ||
      !absl::SimpleAtoi(text.substr(8, 2), &d)) {
    return false;
  }
  *day = absl::CivilDay(y, m, d);
  return day->year() == y && day->month() == m && day->day() == d;
}

absl::Status AddPeriodStart(const FilterTerm& term,
                            std::vector<std::string>* where,
                            std::vector<sql_rows::Param>* params) {
  if (term.op == FilterTerm::Op::kHas) {
    return InvalidField("filter",
                        "field \"period_start\" supports = != < <= > >=");
  }
  absl::CivilDay day;
  if (!ParseDay(term.value, &day)) {
    return InvalidField(
        "filter", absl::StrCat(Quote(term.value),
                               " for period_start is not a date (YYYY-MM-DD, "
                               "e.g. 2026-10-01)"));
  }
  where->push_back(
      absl::StrCat("period_start ", sql_rows::SqlOp(term.op), " ?"));
  params->push_back(sql_rows::Param::String(ToSqlDate(day)));
  return absl::OkStatus();
}

absl::Status AddConditions(const std::vector<FilterTerm>& filter,
                           std::vector<std::string>* where,
                           std::vector<sql_rows::Param>* params) {
  using sql_rows::FilterColumn;
  static const auto* kColumns = new std::map<std::string, FilterColumn>{
      {"schedule", {"schedule", FilterColumn::kKeyword, nullptr}},
      {"report", {"report", FilterColumn::kEnum, &rv1::ReportKind_descriptor}},
      {"scheduled_time", {"scheduled_time", FilterColumn::kTime, nullptr}},
  };
  for (const FilterTerm& term : filter) {
    if (term.field == "period_start") {
      CSM_RETURN_IF_ERROR(AddPeriodStart(term, where, params));
      continue;
    }
    auto col = kColumns->find(term.field);
    if (col == kColumns->end()) {
      return InvalidField("filter",
                          absl::StrCat("unknown field ", Quote(term.field)));
    }
    CSM_RETURN_IF_ERROR(
        sql_rows::AddFilterCondition(term, col->second, where, params));
  }
  return absl::OkStatus();
}

}  // namespace

const std::set<std::string>& SnapshotFilterFields() {
  static const auto* kFields = new std::set<std::string>{
      "schedule", "report", "period_start", "scheduled_time"};
  return *kFields;
}

absl::StatusOr<int64_t> InsertSnapshot(MysqlConnection& conn,
                                       rv1::ReportSnapshot snapshot) {
  snapshot.clear_name();
  sql::PreparedStatement& st = conn.Prepare(
      "INSERT INTO report_snapshots (schedule, period_label, scheduled_time, "
      "report, period_start, snapshot) VALUES (?,?,?,?,?,?) RETURNING id");
  Binder b(st);
  b.Str(snapshot.schedule()).Str(snapshot.period().label());
  b.Time(FromProtoTimestamp(snapshot.scheduled_time()));
  b.Int(snapshot.report()).Date(OptDate(snapshot.period().start_date()));
  b.Str(snapshot.SerializeAsString());
  return sql_rows::InsertedId(st);
}

absl::StatusOr<bool> SnapshotExists(MysqlConnection& conn,
                                    absl::string_view schedule,
                                    absl::string_view period_label) {
  sql::PreparedStatement& st = conn.Prepare(
      "SELECT 1 FROM report_snapshots WHERE schedule = ? AND period_label = ?");
  Binder(st).Str(schedule).Str(period_label);
  ResultSetPtr rs(st.executeQuery());
  return rs->next();
}

absl::StatusOr<rv1::ReportSnapshot> LoadSnapshot(MysqlConnection& conn,
                                                 int64_t id) {
  sql::PreparedStatement& st =
      conn.Prepare("SELECT id, snapshot FROM report_snapshots WHERE id = ?");
  st.setInt64(1, id);
  ResultSetPtr rs(st.executeQuery());
  if (!rs->next()) {
    return absl::NotFoundError(
        absl::StrCat("reportSnapshots/", id, " does not exist"));
  }
  return Parse(rs);
}

absl::StatusOr<Page<rv1::ReportSnapshot>> ListSnapshots(
    MysqlConnection& conn, const std::vector<FilterTerm>& filter,
    bool ascending, const std::optional<PageCursor>& after, int limit) {
  std::vector<std::string> where;
  std::vector<sql_rows::Param> params;
  CSM_RETURN_IF_ERROR(AddConditions(filter, &where, &params));
  // Keyset over (scheduled_time, id); the cursor key is the time in
  // microseconds.
  if (after.has_value()) {
    int64_t micros = 0;
    if (!absl::SimpleAtoi(after->key, &micros)) {
      return absl::InvalidArgumentError("page_token is not one of this list");
    }
    where.push_back(absl::StrCat("(scheduled_time, id) ", ascending ? ">" : "<",
                                 " (?, ?)"));
    params.push_back(sql_rows::Param::Time(absl::FromUnixMicros(micros)));
    params.push_back(sql_rows::Param::Int(after->id));
  }
  const char* dir = ascending ? "ASC" : "DESC";
  std::string sql = absl::StrCat(
      "SELECT id, snapshot, TIMESTAMPDIFF(MICROSECOND, '1970-01-01', "
      "scheduled_time) AS t FROM report_snapshots");
  if (!where.empty()) {
    absl::StrAppend(&sql, " WHERE ", absl::StrJoin(where, " AND "));
  }
  absl::StrAppend(&sql, " ORDER BY scheduled_time ", dir, ", id ", dir,
                  " LIMIT ?");
  params.push_back(sql_rows::Param::Int(limit + 1));
  sql::PreparedStatement& st = conn.Prepare(sql);
  sql_rows::Bind(st, params);
  ResultSetPtr rs(st.executeQuery());
  std::vector<rv1::ReportSnapshot> items;
  std::vector<PageCursor> cursors;
  while (rs->next()) {
    CSM_ASSIGN_OR_RETURN(rv1::ReportSnapshot s, Parse(rs));
    items.push_back(std::move(s));
    cursors.push_back({absl::StrCat(rs->getInt64("t")), rs->getInt64("id")});
  }
  return sql_rows::MakePage(std::move(items), std::move(cursors), limit);
}

absl::StatusOr<bool> FillSnapshotColumnsAfter(MysqlConnection& conn,
                                              int64_t* after, int limit) {
  sql::PreparedStatement& select = conn.Prepare(
      "SELECT id, snapshot FROM report_snapshots WHERE id > ? AND "
      "(report IS NULL OR period_start IS NULL) ORDER BY id LIMIT ?");
  select.setInt64(1, *after);
  select.setInt(2, limit);
  std::vector<std::pair<int64_t, rv1::ReportSnapshot>> rows;
  {
    ResultSetPtr rs(select.executeQuery());
    while (rs->next()) {
      CSM_ASSIGN_OR_RETURN(rv1::ReportSnapshot s, Parse(rs));
      rows.emplace_back(rs->getInt64("id"), std::move(s));
    }
  }
  sql::PreparedStatement& update = conn.Prepare(
      "UPDATE report_snapshots SET report = COALESCE(report, ?), "
      "period_start = COALESCE(period_start, ?) WHERE id = ?");
  for (const auto& [id, s] : rows) {
    Binder(update)
        .Int(s.report())
        .Date(OptDate(s.period().start_date()))
        .Int(id);
    update.executeUpdate();
    *after = id;
  }
  return !rows.empty();
}

}  // namespace csm::reporting
