#include "reporting-svc/src/store/highlight_queries.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/sql_values.h"
#include "common/status.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"
#include "csm/customer/v1/customer.pb.h"
#include "reporting-svc/src/store/sql_bind.h"

namespace csm::reporting {
namespace {

using ResultSetPtr = std::unique_ptr<sql::ResultSet>;

absl::Status SetTimeOf(const ResultSetPtr& rs, const char* column,
                       google::protobuf::Timestamp* out) {
  if (rs->isNull(column)) return absl::OkStatus();
  CSM_ASSIGN_OR_RETURN(absl::Time t,
                       FromSqlTime(std::string(rs->getString(column))));
  ToProtoTimestamp(t, out);
  return absl::OkStatus();
}

void BindAll(Binder& b, const FigureScope& s, const SqlCondition& c) {
  b.Time(s.start).Time(s.end);
  for (const std::string& v : c.values) b.Str(v);
}

}  // namespace

absl::StatusOr<std::vector<ArchiveChangeRow>> ArchiveChangesIn(
    MysqlConnection& conn, const FigureScope& scope) {
  SqlCondition where;
  AppendIn("cu.department", scope.departments, &where);
  AppendIn("cu.owner_id", scope.staff_ids, &where);
  AppendIn("cu.grade", scope.grades, &where);
  sql::PreparedStatement& st = conn.Prepare(absl::StrCat(
      "SELECT a.customer, a.created, a.change_time, a.changed_fields, "
      "cu.archive_number, cu.display_name, cu.owner_id, cu.team, "
      "cu.department, cu.grade FROM archive_changes a JOIN customers cu "
      "ON cu.name = a.customer WHERE a.change_time >= ? AND "
      "a.change_time < ?",
      where.sql, " ORDER BY a.change_time DESC, a.event_sequence DESC"));
  Binder b(st);
  BindAll(b, scope, where);
  ResultSetPtr rs(st.executeQuery());
  std::vector<ArchiveChangeRow> rows;
  while (rs->next()) {
    ArchiveChangeRow& row = rows.emplace_back();
    row.created = rs->getInt("created") != 0;
    rv1::ArchiveHighlight& a = row.archive;
    a.set_customer(rs->getString("customer"));
    a.set_archive_number(rs->getString("archive_number"));
    a.set_display_name(rs->getString("display_name"));
    a.set_owner_id(rs->getString("owner_id"));
    a.set_team(rs->getString("team"));
    a.set_department(rs->getString("department"));
    csm::customer::v1::Grade grade;
    if (csm::customer::v1::Grade_Parse(std::string(rs->getString("grade")),
                                       &grade)) {
      a.set_grade(grade);
    }
    CSM_RETURN_IF_ERROR(SetTimeOf(rs, "change_time", a.mutable_event_time()));
    const std::string fields = rs->getString("changed_fields");
    for (absl::string_view f : absl::StrSplit(fields, ',', absl::SkipEmpty())) {
      a.add_changed_fields(std::string(f));
    }
  }
  return rows;
}

absl::StatusOr<int> FeedbackIn(MysqlConnection& conn, const FigureScope& scope,
                               int limit,
                               std::vector<rv1::FeedbackHighlight>* out) {
  SqlCondition where;
  AppendIn("fb.department", scope.departments, &where);
  AppendIn("fb.staff_id", scope.staff_ids, &where);
  AppendIn("COALESCE(cu.grade, '')", scope.grades, &where);
  SqlCondition complaint;
  AppendIn("c.category", scope.categories, &complaint);
  AppendIn("c.severity", scope.severities, &complaint);
  if (!complaint.sql.empty()) {
    // Complaint feedback only: visits have no category.
    absl::StrAppend(&where.sql, " AND (fb.complaint = '' OR (1 = 1",
                    complaint.sql, "))");
    where.values.insert(where.values.end(), complaint.values.begin(),
                        complaint.values.end());
  }
  sql::PreparedStatement& st = conn.Prepare(absl::StrCat(
      "SELECT fb.kind, fb.customer, fb.resource, fb.staff_id, "
      "fb.department, fb.satisfaction, fb.text, fb.subject, fb.event_time, "
      "COALESCE(cu.archive_number, '') AS archive_number, "
      "COALESCE(cu.display_name, '') AS display_name FROM feedback fb "
      "LEFT JOIN customers cu ON cu.name = fb.customer "
      "LEFT JOIN complaints c ON c.name = fb.complaint "
      "WHERE fb.event_time >= ? AND fb.event_time < ?",
      where.sql, " ORDER BY fb.event_time DESC, fb.event_sequence DESC"));
  Binder b(st);
  BindAll(b, scope, where);
  ResultSetPtr rs(st.executeQuery());
  int total = 0;
  while (rs->next()) {
    if (++total > limit) continue;
    rv1::FeedbackHighlight& h = out->emplace_back();
    rv1::FeedbackKind kind;
    if (rv1::FeedbackKind_Parse(std::string(rs->getString("kind")), &kind)) {
      h.set_kind(kind);
    }
    h.set_customer(rs->getString("customer"));
    h.set_archive_number(rs->getString("archive_number"));
    h.set_display_name(rs->getString("display_name"));
    h.set_resource(rs->getString("resource"));
    h.set_staff_id(rs->getString("staff_id"));
    h.set_department(rs->getString("department"));
    csm::common::v1::Satisfaction s;
    if (csm::common::v1::Satisfaction_Parse(
            std::string(rs->getString("satisfaction")), &s)) {
      h.set_satisfaction(s);
    }
    h.set_text(rs->getString("text"));
    h.set_subject(rs->getString("subject"));
    CSM_RETURN_IF_ERROR(SetTimeOf(rs, "event_time", h.mutable_event_time()));
  }
  return total;
}

absl::StatusOr<std::vector<rv1::MajorFault>> MajorFaultsIn(
    MysqlConnection& conn, const FigureScope& scope) {
  SqlCondition where;
  AppendIn("fd.department", scope.departments, &where);
  if (!where.sql.empty()) {
    where.sql = absl::StrCat(
        " AND EXISTS (SELECT 1 FROM fault_departments fd WHERE fd.fault = "
        "fa.name",
        where.sql, ")");
  }
  sql::PreparedStatement& st = conn.Prepare(absl::StrCat(
      "SELECT name, title, fault_time, create_time, complaints, "
      "analysis_submitted FROM faults fa WHERE fa.create_time >= ? AND "
      "fa.create_time < ?",
      where.sql, " ORDER BY fa.create_time, fa.name"));
  Binder b(st);
  BindAll(b, scope, where);
  ResultSetPtr rs(st.executeQuery());
  std::vector<rv1::MajorFault> out;
  while (rs->next()) {
    rv1::MajorFault& f = out.emplace_back();
    f.set_fault_report(rs->getString("name"));
    f.set_title(rs->getString("title"));
    CSM_RETURN_IF_ERROR(SetTimeOf(rs, "fault_time", f.mutable_fault_time()));
    CSM_RETURN_IF_ERROR(SetTimeOf(rs, "create_time", f.mutable_create_time()));
    f.set_complaints(rs->getInt("complaints"));
    f.set_analysis_submitted(rs->getInt("analysis_submitted") != 0);
  }
  return out;
}

}  // namespace csm::reporting
