#include "reporting-svc/src/store/schedule_store.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "common/business_time.h"
#include "common/sql_values.h"
#include "common/status.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"
#include "reporting-svc/src/store/sql_bind.h"

namespace csm::reporting {
namespace {

using ResultSetPtr = std::unique_ptr<sql::ResultSet>;

constexpr char kColumns[] =
    "SELECT id, display_name, report, frequency, weekday, working_day, "
    "time_of_day, period, filter, active, version, create_time, update_time "
    "FROM report_schedules";

absl::StatusOr<rv1::ReportSchedule> Parse(const ResultSetPtr& rs) {
  rv1::ReportSchedule s;
  s.set_name(absl::StrCat("reportSchedules/", std::string(rs->getString(1))));
  s.set_display_name(std::string(rs->getString(2)));
  rv1::ReportKind report;
  rv1::ScheduleFrequency frequency;
  rv1::SchedulePeriod period;
  if (!rv1::ReportKind_Parse(std::string(rs->getString(3)), &report) ||
      !rv1::ScheduleFrequency_Parse(std::string(rs->getString(4)),
                                    &frequency) ||
      !rv1::SchedulePeriod_Parse(std::string(rs->getString(8)), &period) ||
      !s.mutable_filter()->ParseFromString(std::string(rs->getString(9)))) {
    return absl::DataLossError(
        absl::StrCat("stored schedule ", s.name(), " does not parse"));
  }
  s.set_report(report);
  s.set_frequency(frequency);
  s.set_weekday(rs->getInt(5));
  s.set_working_day(rs->getInt(6));
  s.set_time_of_day(std::string(rs->getString(7)));
  s.set_period(period);
  s.set_active(rs->getInt(10) != 0);
  s.set_etag(absl::StrCat(rs->getInt64(11)));
  for (auto [column, out] : {std::pair{12, s.mutable_create_time()},
                             std::pair{13, s.mutable_update_time()}}) {
    CSM_ASSIGN_OR_RETURN(absl::Time t,
                         FromSqlTime(std::string(rs->getString(column))));
    ToProtoTimestamp(t, out);
  }
  return s;
}

void BindFields(Binder& b, const rv1::ReportSchedule& s) {
  b.Str(s.display_name(), 200)
      .Str(rv1::ReportKind_Name(s.report()))
      .Str(rv1::ScheduleFrequency_Name(s.frequency()))
      .Int(s.weekday())
      .Int(s.working_day())
      .Str(s.time_of_day(), 5)
      .Str(rv1::SchedulePeriod_Name(s.period()))
      .Str(s.filter().SerializeAsString())
      .Int(s.active() ? 1 : 0);
}

}  // namespace

absl::StatusOr<std::vector<rv1::ReportSchedule>> ListSchedules(
    MysqlConnection& conn) {
  sql::PreparedStatement& st =
      conn.Prepare(absl::StrCat(kColumns, " ORDER BY id"));
  ResultSetPtr rs(st.executeQuery());
  std::vector<rv1::ReportSchedule> out;
  while (rs->next()) {
    CSM_ASSIGN_OR_RETURN(rv1::ReportSchedule s, Parse(rs));
    out.push_back(std::move(s));
  }
  return out;
}

absl::StatusOr<rv1::ReportSchedule> LoadSchedule(MysqlConnection& conn,
                                                 absl::string_view id,
                                                 bool for_update) {
  sql::PreparedStatement& st = conn.Prepare(
      absl::StrCat(kColumns, " WHERE id = ?", for_update ? " FOR UPDATE" : ""));
  Binder(st).Str(id);
  ResultSetPtr rs(st.executeQuery());
  if (!rs->next()) {
    return absl::NotFoundError(
        absl::StrCat("reportSchedules/", id, " does not exist"));
  }
  return Parse(rs);
}

absl::Status InsertSchedule(MysqlConnection& conn, absl::string_view id,
                            const rv1::ReportSchedule& schedule,
                            absl::Time at) {
  sql::PreparedStatement& st = conn.Prepare(
      "INSERT INTO report_schedules (id, display_name, report, frequency, "
      "weekday, working_day, time_of_day, period, filter, active, version, "
      "create_time, update_time) VALUES (?,?,?,?,?,?,?,?,?,?,1,?,?)");
  Binder b(st);
  b.Str(id);
  BindFields(b, schedule);
  b.Time(at).Time(at);
  st.executeUpdate();
  return absl::OkStatus();
}

absl::Status UpdateSchedule(MysqlConnection& conn, absl::string_view id,
                            const rv1::ReportSchedule& schedule,
                            int64_t version, absl::Time at) {
  sql::PreparedStatement& st = conn.Prepare(
      "UPDATE report_schedules SET display_name = ?, report = ?, "
      "frequency = ?, weekday = ?, working_day = ?, time_of_day = ?, "
      "period = ?, filter = ?, active = ?, version = ?, update_time = ? "
      "WHERE id = ?");
  Binder b(st);
  BindFields(b, schedule);
  b.Int(version).Time(at).Str(id);
  st.executeUpdate();
  return absl::OkStatus();
}

absl::StatusOr<std::optional<csm::events::v1::BusinessCalendarChanged>>
LoadCalendar(MysqlConnection& conn) {
  sql::PreparedStatement& st =
      conn.Prepare("SELECT body FROM calendars ORDER BY name LIMIT 1");
  ResultSetPtr rs(st.executeQuery());
  if (!rs->next()) return std::nullopt;
  csm::events::v1::BusinessCalendarChanged c;
  if (!c.ParseFromString(std::string(rs->getString(1)))) {
    return absl::DataLossError("the stored calendar does not parse");
  }
  return c;
}

absl::Status SaveCalendar(MysqlConnection& conn,
                          const csm::events::v1::BusinessCalendarChanged& c) {
  sql::PreparedStatement& st = conn.Prepare(
      "INSERT INTO calendars (name, body) VALUES (?, ?) "
      "ON DUPLICATE KEY UPDATE body = VALUES(body)");
  Binder(st).Str(c.calendar(), 64).Str(c.SerializeAsString());
  st.executeUpdate();
  return absl::OkStatus();
}

}  // namespace csm::reporting
