// Fault reports (fault_reports, fault_report_complaints).

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/business_time.h"
#include "common/sql_paging.h"
#include "common/sql_rows.h"
#include "common/sql_values.h"
#include "common/status.h"
#include "complaint-svc/src/store/complaint_rows.h"
#include "complaint-svc/src/store/complaint_store.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"

namespace csm::complaint {

using sql_rows::Str;
using sql_rows::TimeCol;

namespace {

absl::StatusOr<v1::FaultReport> FaultReportFromRow(const ResultSetPtr& rs) {
  v1::FaultReport f;
  f.set_name(ComplaintStore::FaultReportName(rs->getInt64("id")));
  f.set_title(Str(rs, "title"));
  CSM_ASSIGN_OR_RETURN(absl::Time ft, TimeCol(rs, "fault_time"));
  SetTs(ft, f.mutable_fault_time());
  f.set_location(Str(rs, "location"));
  f.set_symptoms(Str(rs, "symptoms"));
  f.set_plan(Str(rs, "plan"));
  if (!rs->isNull("analysis_time")) {
    f.set_impact(Str(rs, "impact"));
    f.set_handling(Str(rs, "handling"));
    f.set_cause(Str(rs, "cause"));
    f.set_corrective_measures(Str(rs, "corrective_measures"));
    f.set_preventive_measures(Str(rs, "preventive_measures"));
    CSM_ASSIGN_OR_RETURN(absl::Time at, TimeCol(rs, "analysis_time"));
    SetTs(at, f.mutable_analysis_time());
  }
  f.set_reporter_id(Str(rs, "reporter_id"));
  CSM_ASSIGN_OR_RETURN(absl::Time ct, TimeCol(rs, "create_time"));
  SetTs(ct, f.mutable_create_time());
  f.set_etag(std::to_string(rs->getInt64("version")));
  return f;
}

absl::Status LoadFaultComplaints(MysqlConnection& conn, int64_t id,
                                 v1::FaultReport* f) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "SELECT complaint_id FROM fault_report_complaints WHERE "
      "fault_report_id = ? ORDER BY complaint_id");
  stmt.setInt64(1, id);
  ResultSetPtr rs(stmt.executeQuery());
  f->clear_complaints();
  while (rs->next()) {
    f->add_complaints(ComplaintStore::ComplaintName(rs->getInt64(1)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ComplaintStore::InsertFaultReport(MysqlConnection& conn,
                                               v1::FaultReport* f,
                                               absl::Time now) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "INSERT INTO fault_reports (title, fault_time, location, symptoms, "
      "plan, reporter_id, create_time, version) VALUES (?, ?, ?, ?, ?, ?, ?, "
      "1) RETURNING id");
  stmt.setString(1, f->title());
  stmt.setString(2, ToSqlTime(FromProtoTimestamp(f->fault_time())));
  stmt.setString(3, f->location());
  stmt.setString(4, f->symptoms());
  stmt.setString(5, f->plan());
  stmt.setString(6, f->reporter_id());
  stmt.setString(7, ToSqlTime(now));
  CSM_ASSIGN_OR_RETURN(const int64_t id, sql_rows::InsertedId(stmt));
  f->set_name(FaultReportName(id));
  SetTs(now, f->mutable_create_time());
  f->set_etag("1");
  return absl::OkStatus();
}

absl::Status ComplaintStore::LinkFaultReport(MysqlConnection& conn,
                                             int64_t report_id,
                                             int64_t complaint_id) {
  sql::PreparedStatement& link = conn.Prepare(
      "INSERT IGNORE INTO fault_report_complaints (fault_report_id, "
      "complaint_id) VALUES (?, ?)");
  link.setInt64(1, report_id);
  link.setInt64(2, complaint_id);
  link.executeUpdate();
  return absl::OkStatus();
}

absl::StatusOr<v1::FaultReport> ComplaintStore::GetFaultReport(
    MysqlConnection& conn, int64_t id, bool lock) {
  sql::PreparedStatement& stmt = conn.Prepare(absl::StrCat(
      "SELECT * FROM fault_reports WHERE id = ?", lock ? " FOR UPDATE" : ""));
  stmt.setInt64(1, id);
  ResultSetPtr rs(stmt.executeQuery());
  if (!rs->next()) {
    return absl::NotFoundError(
        absl::StrCat("fault report ", FaultReportName(id), " does not exist"));
  }
  CSM_ASSIGN_OR_RETURN(v1::FaultReport f, FaultReportFromRow(rs));
  rs.reset();
  CSM_RETURN_IF_ERROR(LoadFaultComplaints(conn, id, &f));
  return f;
}

absl::StatusOr<Page<v1::FaultReport>> ComplaintStore::ListFaultReports(
    MysqlConnection& conn, std::optional<PageCursor> after, int limit) {
  using Row = std::pair<int64_t, v1::FaultReport>;
  CSM_ASSIGN_OR_RETURN(
      Page<Row> rows,
      sql_rows::ReadIdPage<Row>(
          conn,
          sql_rows::IdPageQuery{.select = "SELECT * FROM fault_reports",
                                .after = after,
                                .limit = limit},
          [](const ResultSetPtr& rs, int64_t id, Row& row) -> absl::Status {
            row.first = id;
            CSM_ASSIGN_OR_RETURN(row.second, FaultReportFromRow(rs));
            return absl::OkStatus();
          }));
  Page<v1::FaultReport> page;
  page.next = rows.next;
  for (auto& [id, f] : rows.items) {
    CSM_RETURN_IF_ERROR(LoadFaultComplaints(conn, id, &f));
    page.items.push_back(std::move(f));
  }
  return page;
}

absl::Status ComplaintStore::SubmitFaultAnalysis(MysqlConnection& conn,
                                                 int64_t id,
                                                 const v1::FaultReport& a,
                                                 int64_t expected_version,
                                                 absl::Time now) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "UPDATE fault_reports SET impact = ?, handling = ?, cause = ?, "
      "corrective_measures = ?, preventive_measures = ?, analysis_time = ?, "
      "version = version + 1 WHERE id = ? AND version = ?");
  stmt.setString(1, a.impact());
  stmt.setString(2, a.handling());
  stmt.setString(3, a.cause());
  stmt.setString(4, a.corrective_measures());
  stmt.setString(5, a.preventive_measures());
  stmt.setString(6, ToSqlTime(now));
  stmt.setInt64(7, id);
  stmt.setInt64(8, expected_version);
  if (stmt.executeUpdate() != 1) {
    return absl::AbortedError(
        absl::StrCat(FaultReportName(id), " was changed concurrently"));
  }
  return absl::OkStatus();
}
}  // namespace csm::complaint
