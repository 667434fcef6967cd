#include "reporting-svc/src/store/attrition_queries.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/business_time.h"
#include "common/sql_rows.h"
#include "common/status.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"
#include "reporting-svc/src/store/sql_bind.h"

namespace csm::reporting {
namespace {

using ResultSetPtr = std::unique_ptr<sql::ResultSet>;

template <typename T>
T ParseEnum(const std::string& name, bool (*parse)(const std::string&, T*)) {
  T value{};
  parse(name, &value);
  return value;
}

absl::StatusOr<WatchedArchive> ReadArchive(const ResultSetPtr& rs) {
  WatchedArchive w;
  rv1::ArchiveAtRisk& a = w.archive;
  a.set_customer(rs->getString("name"));
  a.set_archive_number(rs->getString("archive_number"));
  a.set_display_name(rs->getString("display_name"));
  a.set_owner_id(rs->getString("owner_id"));
  a.set_team(rs->getString("team"));
  a.set_department(rs->getString("department"));
  a.set_grade(ParseEnum(sql_rows::Str(rs, "grade"), &cv1::Grade_Parse));
  w.facts.lifecycle_status = ParseEnum(sql_rows::Str(rs, "lifecycle_status"),
                                       &cv1::LifecycleStatus_Parse);
  a.set_lifecycle_status(w.facts.lifecycle_status);
  // An archive whose creation was never announced counts from 1970.
  if (!rs->isNull("create_time")) {
    CSM_ASSIGN_OR_RETURN(absl::Time created,
                         sql_rows::TimeCol(rs, "create_time"));
    w.facts.created = BusinessDate(created);
  }
  CSM_ASSIGN_OR_RETURN(w.facts.last_dealing,
                       sql_rows::DateCol(rs, "last_deal_date"));
  CSM_ASSIGN_OR_RETURN(w.facts.last_contact,
                       sql_rows::DateCol(rs, "last_contact_date"));
  CSM_ASSIGN_OR_RETURN(auto visit_date,
                       sql_rows::DateCol(rs, "last_visit_date"));
  if (visit_date.has_value()) {
    w.facts.last_visit = ArchiveFacts::Visit{
        *visit_date,
        ParseEnum(sql_rows::Str(rs, "last_visit_satisfaction"),
                  &csm::common::v1::Satisfaction_Parse),
        sql_rows::Str(rs, "last_visit")};
  }
  return w;
}

}  // namespace

absl::StatusOr<std::vector<WatchedArchive>> OpenArchives(
    MysqlConnection& conn, const FigureScope& scope) {
  SqlCondition where;
  AppendIn("c.department", scope.departments, &where);
  AppendIn("c.owner_id", scope.staff_ids, &where);
  AppendIn("c.grade", scope.grades, &where);
  sql::PreparedStatement& st = conn.Prepare(absl::StrCat(
      "SELECT c.name, c.archive_number, c.display_name, c.owner_id, c.team, "
      "c.department, c.grade, c.lifecycle_status, c.create_time, "
      "a.last_deal_date, a.last_contact_date, a.last_visit_date, "
      "IFNULL(a.last_visit, '') AS last_visit, "
      "IFNULL(a.last_visit_satisfaction, '') AS last_visit_satisfaction "
      "FROM customers c LEFT JOIN archive_contacts a ON a.customer = c.name "
      "WHERE c.state <> 'ARCHIVE_STATE_CLOSED'",
      where.sql, " ORDER BY c.archive_number, c.name"));
  Binder b(st);
  for (const std::string& v : where.values) b.Str(v);
  ResultSetPtr rs(st.executeQuery());
  std::vector<WatchedArchive> out;
  while (rs->next()) {
    CSM_ASSIGN_OR_RETURN(WatchedArchive w, ReadArchive(rs));
    out.push_back(std::move(w));
  }
  return out;
}

absl::StatusOr<std::map<std::string, ComplaintSignals>> ComplaintSignalsSince(
    MysqlConnection& conn, absl::CivilDay from) {
  sql::PreparedStatement& st = conn.Prepare(
      "SELECT c.customer, f.fact, f.fact_time, f.complaint FROM "
      "complaint_facts f JOIN complaints c ON c.name = f.complaint WHERE "
      "f.fact IN ('reopened', 'escalated') AND f.fact_time >= ?");
  Binder(st).Time(StartOfBusinessDay(from));
  ResultSetPtr rs(st.executeQuery());
  std::map<std::string, ComplaintSignals> out;
  while (rs->next()) {
    CSM_ASSIGN_OR_RETURN(absl::Time at, sql_rows::TimeCol(rs, "fact_time"));
    ComplaintSignals& s = out[rs->getString(1)];
    DatedFact fact{BusinessDate(at), rs->getString(4)};
    (rs->getString(2) == "reopened" ? s.reopens : s.escalations)
        .push_back(std::move(fact));
  }
  return out;
}

absl::StatusOr<std::map<std::string, std::vector<DatedFact>>>
BrokenPromisesSince(MysqlConnection& conn, absl::CivilDay from) {
  sql::PreparedStatement& st = conn.Prepare(
      "SELECT customer, communication, due_date FROM promises WHERE "
      "broken = 1 AND due_date >= ?");
  Binder(st).Date(from);
  ResultSetPtr rs(st.executeQuery());
  std::map<std::string, std::vector<DatedFact>> out;
  while (rs->next()) {
    CSM_ASSIGN_OR_RETURN(auto due, sql_rows::DateCol(rs, "due_date"));
    out[rs->getString(1)].push_back(DatedFact{*due, rs->getString(2)});
  }
  return out;
}

}  // namespace csm::reporting
