#include "reporting-svc/src/store/archive_history.h"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/sql_rows.h"
#include "common/status.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"
#include "reporting-svc/src/store/sql_bind.h"

namespace csm::reporting {
namespace {

using ResultSetPtr = std::unique_ptr<sql::ResultSet>;

// The columns a version holds, in the table's order after event_sequence.
constexpr const char* kValueColumns[] = {
    "is_open",  "kind", "grade",      "lifecycle_status",
    "province", "city", "industry",   "acquisition_channel",
    "owner_id", "team", "department", "filled_fields"};
constexpr size_t kValueCount = std::size(kValueColumns);
// Column widths in characters (0: not cut).
constexpr size_t kWidths[kValueCount] = {0,   40, 32,  40,  64,  64,
                                         200, 64, 128, 128, 100, 1000};

std::vector<std::string> ValuesOf(const ev::CustomerSnapshot& s) {
  std::vector<std::string> filled(s.filled_fields().begin(),
                                  s.filled_fields().end());
  std::sort(filled.begin(), filled.end());
  return {s.state() == "ARCHIVE_STATE_CLOSED" ? "0" : "1",
          s.kind(),
          s.grade(),
          s.lifecycle_status(),
          s.province(),
          s.city(),
          s.industry(),
          s.acquisition_channel(),
          s.owner_id(),
          s.team(),
          s.department(),
          absl::StrJoin(filled, ",")};
}

struct Latest {
  int64_t version = 0;
  absl::Time valid_from = absl::InfinitePast();
  std::vector<std::string> values;
};

absl::StatusOr<Latest> LatestVersion(MysqlConnection& conn,
                                     absl::string_view customer) {
  sql::PreparedStatement& st = conn.Prepare(absl::StrCat(
      "SELECT version, valid_from, ", absl::StrJoin(kValueColumns, ", "),
      " FROM archive_versions WHERE customer = ? ORDER BY version DESC "
      "LIMIT 1"));
  Binder(st).Str(customer);
  ResultSetPtr rs(st.executeQuery());
  Latest latest;
  if (!rs->next()) return latest;
  latest.version = rs->getInt64(1);
  CSM_ASSIGN_OR_RETURN(latest.valid_from, sql_rows::TimeCol(rs, "valid_from"));
  for (const char* column : kValueColumns) {
    latest.values.push_back(sql_rows::Str(rs, column));
  }
  return latest;
}

// "a.col" for the dimension's value of the version aliased `a`.
std::string KeyColumn(rv1::CustomerDimension d, const char* a) {
  switch (d) {
    case rv1::CUSTOMER_DIMENSION_PROVINCE:
      return absl::StrCat(a, ".province");
    case rv1::CUSTOMER_DIMENSION_CITY:
      return absl::StrCat("IF(", a, ".city = '', '', CONCAT(", a,
                          ".province, '/', ", a, ".city))");
    case rv1::CUSTOMER_DIMENSION_GRADE:
      return absl::StrCat(a, ".grade");
    case rv1::CUSTOMER_DIMENSION_ACQUISITION_CHANNEL:
      return absl::StrCat(a, ".acquisition_channel");
    case rv1::CUSTOMER_DIMENSION_LIFECYCLE_STATUS:
      return absl::StrCat(a, ".lifecycle_status");
    case rv1::CUSTOMER_DIMENSION_KIND:
      return absl::StrCat(a, ".kind");
    case rv1::CUSTOMER_DIMENSION_INDUSTRY:
      return absl::StrCat(a, ".industry");
    case rv1::CUSTOMER_DIMENSION_TEAM:
      return absl::StrCat(a, ".team");
    default:
      return "''";
  }
}

// "(1 AND a.department IN (?) ...)": the version is in the report filter.
SqlCondition InFilter(const FigureScope& s, const char* a) {
  SqlCondition c;
  const std::string department = absl::StrCat(a, ".department");
  const std::string owner = absl::StrCat(a, ".owner_id");
  const std::string grade = absl::StrCat(a, ".grade");
  AppendIn(department.c_str(), s.departments, &c);
  AppendIn(owner.c_str(), s.staff_ids, &c);
  AppendIn(grade.c_str(), s.grades, &c);
  c.sql = absl::StrCat("(1", c.sql, ")");
  return c;
}

// The versions in force just before `at`, open and in the filter.
std::string OpenAtWhere(const SqlCondition& filter) {
  return absl::StrCat(
      " FROM archive_versions v WHERE v.valid_from < ? AND (v.valid_to IS "
      "NULL OR v.valid_to >= ?) AND v.is_open = 1 AND ",
      filter.sql);
}

}  // namespace

absl::Status TrackArchiveVersion(MysqlConnection& conn, int64_t event_sequence,
                                 absl::Time at,
                                 const ev::CustomerSnapshot& snapshot) {
  const std::vector<std::string> values = ValuesOf(snapshot);
  CSM_ASSIGN_OR_RETURN(Latest latest, LatestVersion(conn, snapshot.name()));
  if (latest.version > 0 && latest.values == values) return absl::OkStatus();
  const absl::Time from = std::max(at, latest.valid_from);
  if (latest.version > 0) {
    sql::PreparedStatement& close = conn.Prepare(
        "UPDATE archive_versions SET valid_to = ? WHERE customer = ? AND "
        "version = ?");
    Binder(close).Time(from).Str(snapshot.name()).Int(latest.version);
    close.executeUpdate();
  }
  sql::PreparedStatement& st = conn.Prepare(absl::StrCat(
      "INSERT INTO archive_versions (customer, version, valid_from, "
      "valid_to, event_sequence, ",
      absl::StrJoin(kValueColumns, ", "), ") VALUES (?,?,?,NULL,?,",
      sql_rows::Placeholders(kValueCount), ")"));
  Binder b(st);
  b.Str(snapshot.name()).Int(latest.version + 1).Time(from).Int(event_sequence);
  for (size_t i = 0; i < kValueCount; ++i) b.Str(values[i], kWidths[i]);
  st.executeUpdate();
  return absl::OkStatus();
}

absl::StatusOr<std::map<std::string, int64_t>> OpenArchivesAt(
    MysqlConnection& conn, const FigureScope& scope,
    rv1::CustomerDimension dimension, absl::Time at) {
  const SqlCondition filter = InFilter(scope, "v");
  sql::PreparedStatement& st = conn.Prepare(
      absl::StrCat("SELECT ", KeyColumn(dimension, "v"), " AS k, COUNT(*)",
                   OpenAtWhere(filter), " GROUP BY k"));
  Binder b(st);
  b.Time(at).Time(at);
  for (const std::string& v : filter.values) b.Str(v);
  ResultSetPtr rs(st.executeQuery());
  std::map<std::string, int64_t> out;
  while (rs->next()) out[rs->getString(1)] += rs->getInt64(2);
  return out;
}

absl::StatusOr<std::vector<ArchiveTransition>> ArchiveTransitionsIn(
    MysqlConnection& conn, const FigureScope& scope,
    rv1::CustomerDimension dimension) {
  const SqlCondition was = InFilter(scope, "p");
  const SqlCondition is = InFilter(scope, "v");
  sql::PreparedStatement& st = conn.Prepare(absl::StrCat(
      "SELECT p.version IS NULL, IFNULL(p.is_open, 0), IFNULL(", was.sql,
      ", 0), IFNULL(", KeyColumn(dimension, "p"), ", ''), v.is_open, ", is.sql,
      ", ", KeyColumn(dimension, "v"),
      ", COUNT(*) FROM archive_versions v LEFT JOIN archive_versions p ON "
      "p.customer = v.customer AND p.version = v.version - 1 WHERE "
      "v.valid_from >= ? AND v.valid_from < ? GROUP BY 1, 2, 3, 4, 5, 6, 7"));
  Binder b(st);
  for (const std::string& v : was.values) b.Str(v);
  for (const std::string& v : is.values) b.Str(v);
  b.Time(scope.start).Time(scope.end);
  ResultSetPtr rs(st.executeQuery());
  std::vector<ArchiveTransition> out;
  while (rs->next()) {
    ArchiveTransition t;
    t.first = rs->getInt(1) != 0;
    t.was_open = rs->getInt(2) != 0;
    t.was_in_filter = rs->getInt(3) != 0;
    t.was_key = rs->getString(4);
    t.is_open = rs->getInt(5) != 0;
    t.is_in_filter = rs->getInt(6) != 0;
    t.key = rs->getString(7);
    t.count = rs->getInt64(8);
    out.push_back(std::move(t));
  }
  return out;
}

absl::StatusOr<std::map<std::string, std::vector<ArchiveFillGroup>>>
ArchiveFillsAt(MysqlConnection& conn, const FigureScope& scope,
               rv1::CustomerDimension dimension, absl::Time at) {
  const SqlCondition filter = InFilter(scope, "v");
  sql::PreparedStatement& st =
      conn.Prepare(absl::StrCat("SELECT ", KeyColumn(dimension, "v"),
                                " AS k, v.kind, v.filled_fields, COUNT(*)",
                                OpenAtWhere(filter), " GROUP BY 1, 2, 3"));
  Binder b(st);
  b.Time(at).Time(at);
  for (const std::string& v : filter.values) b.Str(v);
  ResultSetPtr rs(st.executeQuery());
  std::map<std::string, std::vector<ArchiveFillGroup>> out;
  while (rs->next()) {
    ArchiveFillGroup g;
    g.kind = rs->getString(2);
    g.filled_fields =
        absl::StrSplit(std::string(rs->getString(3)), ',', absl::SkipEmpty());
    g.archives = rs->getInt64(4);
    out[rs->getString(1)].push_back(std::move(g));
  }
  return out;
}

}  // namespace csm::reporting
