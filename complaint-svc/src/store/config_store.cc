#include "complaint-svc/src/store/config_store.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/business_time.h"
#include "common/resource_id.h"
#include "common/sql_rows.h"
#include "common/sql_values.h"
#include "common/status.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"

namespace csm::complaint {
namespace {

using sql_rows::MakePage;
using sql_rows::ResultSetPtr;
using sql_rows::Str;

v1::Category CategoryFrom(const ResultSetPtr& rs) {
  v1::Category c;
  c.set_name(ConfigStore::CategoryName(Str(rs, "category_id")));
  c.set_display_name(Str(rs, "display_name"));
  c.set_handling_department(Str(rs, "handling_department"));
  c.set_active(rs->getBoolean("active"));
  c.set_etag(std::to_string(rs->getInt64("version")));
  return c;
}

v1::SlaPolicy PolicyFrom(const ResultSetPtr& rs) {
  v1::SlaPolicy p;
  p.set_category(Str(rs, "category"));
  p.set_severity(static_cast<v1::Severity>(rs->getInt("severity")));
  p.set_customer_grade(Str(rs, "customer_grade"));
  p.set_acknowledge_working_minutes(rs->getInt("acknowledge_working_minutes"));
  p.set_handling_opinion_working_days(
      rs->getInt("handling_opinion_working_days"));
  p.set_warning_percent(rs->getInt("warning_percent"));
  p.set_escalation_step_working_minutes(
      rs->getInt("escalation_step_working_minutes"));
  p.set_investigation_working_days(rs->getInt("investigation_working_days"));
  p.set_name(ConfigStore::SlaPolicyName(p));
  return p;
}

constexpr char kPolicyColumns[] =
    "category, severity, customer_grade, acknowledge_working_minutes, "
    "handling_opinion_working_days, warning_percent, "
    "escalation_step_working_minutes, investigation_working_days";

void InsertException(MysqlConnection& conn, const CalendarDay& day,
                     bool ignore_existing) {
  sql::PreparedStatement& ins = conn.Prepare(absl::StrCat(
      "INSERT ", ignore_existing ? "IGNORE " : "",
      "INTO calendar_exceptions (day, holiday, label) VALUES (?, ?, ?)"));
  ins.setString(1, ToSqlDate(day.day));
  ins.setBoolean(2, day.kind == DayKind::kHoliday);
  ins.setString(3, day.name);
  ins.executeUpdate();
}

}  // namespace

absl::StatusOr<std::string> ConfigStore::ParseCategoryName(
    absl::string_view name, absl::string_view field) {
  if (!absl::ConsumePrefix(&name, "categories/") || !IsValidResourceId(name)) {
    return InvalidField(
        std::string(field),
        "expected categories/{category} with category of [a-z0-9-]{1,63}");
  }
  return std::string(name);
}

std::string ConfigStore::CategoryName(absl::string_view id) {
  return absl::StrCat("categories/", id);
}

std::string ConfigStore::SlaPolicyName(const v1::SlaPolicy& policy) {
  const std::string full = v1::Severity_Name(policy.severity());
  absl::string_view severity = full;
  absl::ConsumePrefix(&severity, "SEVERITY_");
  return absl::StrCat("slaPolicies/", policy.category(), "~",
                      absl::AsciiStrToLower(std::string(severity)), "~",
                      policy.customer_grade());
}

std::string ConfigStore::FormatMinuteOfDay(int minute) {
  return absl::StrFormat("%02d:%02d", minute / 60, minute % 60);
}

std::string ConfigStore::FormatWorkingHours(
    const std::vector<WorkingInterval>& hours) {
  std::string text;
  for (const WorkingInterval& h : hours) {
    absl::StrAppend(&text, text.empty() ? "" : ",",
                    FormatMinuteOfDay(h.start_minute), "-",
                    FormatMinuteOfDay(h.end_minute));
  }
  return text;
}

// ---- categories

absl::StatusOr<std::optional<v1::Category>> ConfigStore::GetCategory(
    MysqlConnection& conn, absl::string_view category_id, bool lock) {
  sql::PreparedStatement& stmt = conn.Prepare(absl::StrCat(
      "SELECT category_id, display_name, handling_department, active, version "
      "FROM categories WHERE category_id = ?",
      lock ? " FOR UPDATE" : ""));
  stmt.setString(1, std::string(category_id));
  ResultSetPtr rs(stmt.executeQuery());
  if (!rs->next()) return std::optional<v1::Category>();
  return std::optional<v1::Category>(CategoryFrom(rs));
}

absl::StatusOr<Page<v1::Category>> ConfigStore::ListCategories(
    MysqlConnection& conn, const std::optional<PageCursor>& after, int limit) {
  sql::PreparedStatement& stmt = conn.Prepare(absl::StrCat(
      "SELECT category_id, display_name, handling_department, active, version "
      "FROM categories WHERE category_id > ? ORDER BY category_id LIMIT ",
      limit + 1));
  stmt.setString(1, after.has_value() ? after->key : "");
  ResultSetPtr rs(stmt.executeQuery());
  std::vector<v1::Category> items;
  std::vector<PageCursor> cursors;
  while (rs->next()) {
    items.push_back(CategoryFrom(rs));
    cursors.push_back({Str(rs, "category_id"), 0});
  }
  return MakePage(std::move(items), std::move(cursors), limit);
}

absl::Status ConfigStore::InsertCategory(MysqlConnection& conn,
                                         absl::string_view category_id,
                                         v1::Category* category,
                                         absl::Time now) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "INSERT INTO categories (category_id, display_name, "
      "handling_department, active, version, update_time) "
      "VALUES (?, ?, ?, ?, 1, ?)");
  stmt.setString(1, std::string(category_id));
  stmt.setString(2, category->display_name());
  stmt.setString(3, category->handling_department());
  stmt.setBoolean(4, category->active());
  stmt.setString(5, ToSqlTime(now));
  stmt.executeUpdate();
  category->set_name(CategoryName(category_id));
  category->set_etag("1");
  return absl::OkStatus();
}

absl::Status ConfigStore::UpdateCategory(MysqlConnection& conn,
                                         absl::string_view category_id,
                                         v1::Category* category,
                                         int64_t expected_version,
                                         absl::Time now) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "UPDATE categories SET display_name = ?, handling_department = ?, "
      "active = ?, version = version + 1, update_time = ? "
      "WHERE category_id = ? AND version = ?");
  stmt.setString(1, category->display_name());
  stmt.setString(2, category->handling_department());
  stmt.setBoolean(3, category->active());
  stmt.setString(4, ToSqlTime(now));
  stmt.setString(5, std::string(category_id));
  stmt.setInt64(6, expected_version);
  if (stmt.executeUpdate() != 1) {
    return absl::AbortedError(absl::StrCat(
        CategoryName(category_id), " was changed by someone else since etag ",
        expected_version, "; read it again and retry"));
  }
  category->set_name(CategoryName(category_id));
  category->set_etag(std::to_string(expected_version + 1));
  return absl::OkStatus();
}

// ---- SLA policies

absl::StatusOr<std::vector<v1::SlaPolicy>> ConfigStore::ListSlaPolicies(
    MysqlConnection& conn) {
  sql::PreparedStatement& stmt = conn.Prepare(
      absl::StrCat("SELECT ", kPolicyColumns,
                   " FROM sla_policies ORDER BY category, severity, "
                   "customer_grade"));
  ResultSetPtr rs(stmt.executeQuery());
  std::vector<v1::SlaPolicy> all;
  while (rs->next()) all.push_back(PolicyFrom(rs));
  return all;
}

absl::StatusOr<Page<v1::SlaPolicy>> ConfigStore::ListSlaPoliciesPage(
    MysqlConnection& conn, const std::optional<PageCursor>& after, int limit) {
  // Cursor: key = category + "\n" + grade, id = severity.
  std::string category, grade;
  int64_t severity = -1;
  if (after.has_value()) {
    std::pair<std::string, std::string> parts =
        absl::StrSplit(after->key, absl::MaxSplits('\n', 1));
    category = parts.first;
    grade = parts.second;
    severity = after->id;
  }
  sql::PreparedStatement& stmt = conn.Prepare(absl::StrCat(
      "SELECT ", kPolicyColumns,
      " FROM sla_policies WHERE (category, severity, customer_grade) > "
      "(?, ?, ?) ORDER BY category, severity, customer_grade LIMIT ",
      limit + 1));
  stmt.setString(1, category);
  stmt.setInt64(2, severity);
  stmt.setString(3, grade);
  ResultSetPtr rs(stmt.executeQuery());
  std::vector<v1::SlaPolicy> items;
  std::vector<PageCursor> cursors;
  while (rs->next()) {
    items.push_back(PolicyFrom(rs));
    const v1::SlaPolicy& p = items.back();
    cursors.push_back({absl::StrCat(p.category(), "\n", p.customer_grade()),
                       static_cast<int64_t>(p.severity())});
  }
  return MakePage(std::move(items), std::move(cursors), limit);
}

absl::Status ConfigStore::UpsertSlaPolicy(MysqlConnection& conn,
                                          v1::SlaPolicy* policy,
                                          absl::Time now) {
  sql::PreparedStatement& stmt = conn.Prepare(absl::StrCat(
      "INSERT INTO sla_policies (", kPolicyColumns,
      ", update_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "ON DUPLICATE KEY UPDATE "
      "acknowledge_working_minutes = VALUES(acknowledge_working_minutes), "
      "handling_opinion_working_days = VALUES(handling_opinion_working_days), "
      "warning_percent = VALUES(warning_percent), "
      "escalation_step_working_minutes = "
      "VALUES(escalation_step_working_minutes), "
      "investigation_working_days = VALUES(investigation_working_days), "
      "update_time = VALUES(update_time)"));
  stmt.setString(1, policy->category());
  stmt.setInt(2, policy->severity());
  stmt.setString(3, policy->customer_grade());
  stmt.setInt(4, policy->acknowledge_working_minutes());
  stmt.setInt(5, policy->handling_opinion_working_days());
  stmt.setInt(6, policy->warning_percent());
  stmt.setInt(7, policy->escalation_step_working_minutes());
  stmt.setInt(8, policy->investigation_working_days());
  stmt.setString(9, ToSqlTime(now));
  stmt.executeUpdate();
  policy->set_name(SlaPolicyName(*policy));
  return absl::OkStatus();
}

// ---- business calendar

absl::StatusOr<CalendarRecord> ConfigStore::ReadCalendar(MysqlConnection& conn,
                                                         bool lock) {
  CalendarRecord rec;
  {
    sql::PreparedStatement& stmt = conn.Prepare(
        absl::StrCat("SELECT working_hours, exceptions_seeded, version FROM "
                     "calendar_settings WHERE id = 1",
                     lock ? " FOR UPDATE" : ""));
    ResultSetPtr rs(stmt.executeQuery());
    if (!rs->next()) {
      return absl::InternalError(
          "calendar_settings has no row: the schema is incomplete");
    }
    rec.working_hours = Str(rs, "working_hours");
    rec.exceptions_seeded = rs->getBoolean("exceptions_seeded");
    rec.version = rs->getInt64("version");
  }
  sql::PreparedStatement& stmt = conn.Prepare(
      "SELECT day, holiday, label FROM calendar_exceptions ORDER BY day");
  ResultSetPtr rs(stmt.executeQuery());
  while (rs->next()) {
    CSM_ASSIGN_OR_RETURN(absl::CivilDay day, FromSqlDate(Str(rs, "day")));
    rec.exceptions.push_back(CalendarDay{
        day,
        rs->getBoolean("holiday") ? DayKind::kHoliday : DayKind::kMakeupWorkday,
        Str(rs, "label")});
  }
  return rec;
}

absl::StatusOr<int64_t> ConfigStore::ReplaceCalendar(
    MysqlConnection& conn, absl::string_view working_hours,
    const std::set<int>& years, const std::vector<CalendarDay>& exceptions,
    int64_t expected_version, absl::Time now) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "UPDATE calendar_settings SET working_hours = ?, version = version + 1, "
      "update_time = ? WHERE id = 1 AND version = ?");
  stmt.setString(1, std::string(working_hours));
  stmt.setString(2, ToSqlTime(now));
  stmt.setInt64(3, expected_version);
  if (stmt.executeUpdate() != 1) {
    return absl::AbortedError(
        absl::StrCat(kCalendarName, " was changed by someone else since etag ",
                     expected_version, "; read it again and retry"));
  }
  sql::PreparedStatement& del =
      conn.Prepare("DELETE FROM calendar_exceptions WHERE day BETWEEN ? AND ?");
  for (int year : years) {
    del.setString(1, ToSqlDate(absl::CivilDay(year, 1, 1)));
    del.setString(2, ToSqlDate(absl::CivilDay(year, 12, 31)));
    del.executeUpdate();
  }
  for (const CalendarDay& day : exceptions) {
    InsertException(conn, day, /*ignore_existing=*/false);
  }
  return expected_version + 1;
}

absl::StatusOr<bool> ConfigStore::SeedCalendarOnce(
    MysqlConnection& conn, const std::vector<CalendarDay>& seed,
    absl::Time now) {
  CSM_ASSIGN_OR_RETURN(CalendarRecord rec, ReadCalendar(conn, /*lock=*/true));
  if (rec.exceptions_seeded) return false;
  for (const CalendarDay& day : seed) {
    InsertException(conn, day, /*ignore_existing=*/true);
  }
  sql::PreparedStatement& stmt = conn.Prepare(
      "UPDATE calendar_settings SET exceptions_seeded = TRUE, "
      "version = version + 1, update_time = ? WHERE id = 1");
  stmt.setString(1, ToSqlTime(now));
  stmt.executeUpdate();
  return true;
}

absl::StatusOr<std::shared_ptr<const BusinessCalendar>> ConfigStore::Calendar(
    MysqlConnection& conn) {
  int64_t version = 0;
  {
    sql::PreparedStatement& stmt =
        conn.Prepare("SELECT version FROM calendar_settings WHERE id = 1");
    ResultSetPtr rs(stmt.executeQuery());
    if (!rs->next()) {
      return absl::InternalError(
          "calendar_settings has no row: the schema is incomplete");
    }
    version = rs->getInt64(1);
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (cached_ != nullptr && cached_version_ == version) return cached_;
  }
  CSM_ASSIGN_OR_RETURN(CalendarRecord rec, ReadCalendar(conn, false));
  CSM_ASSIGN_OR_RETURN(std::vector<WorkingInterval> hours,
                       ParseWorkingHours(rec.working_hours));
  absl::StatusOr<BusinessCalendar> calendar =
      BusinessCalendar::Create(std::move(hours), std::move(rec.exceptions));
  if (!calendar.ok()) {
    return absl::InternalError(
        absl::StrCat("the stored business calendar ",
                     "is invalid: ", calendar.status().message()));
  }
  auto shared = std::make_shared<const BusinessCalendar>(*std::move(calendar));
  std::lock_guard<std::mutex> lock(mu_);
  // Another thread may have loaded a newer version meanwhile.
  if (rec.version >= cached_version_) {
    cached_version_ = rec.version;
    cached_ = shared;
  }
  return shared;
}

::csm::events::v1::BusinessCalendarChanged CalendarChangedEvent(
    const CalendarRecord& calendar) {
  ::csm::events::v1::BusinessCalendarChanged e;
  e.set_calendar(ConfigStore::kCalendarName);
  e.set_etag(std::to_string(calendar.version));
  e.set_working_hours(calendar.working_hours);
  for (const CalendarDay& d : calendar.exceptions) {
    ::csm::events::v1::CalendarExceptionDay* out = e.add_exceptions();
    ToProtoDate(d.day, out->mutable_date());
    out->set_holiday(d.kind == DayKind::kHoliday);
    out->set_label(d.name);
  }
  return e;
}

absl::StatusOr<bool> SeedBusinessCalendar(MysqlPool& pool, ConfigStore& config,
                                          Outbox& outbox, absl::Time now) {
  CSM_ASSIGN_OR_RETURN(std::vector<CalendarDay> seed,
                       ParseCalendarSeed(ChinaCalendarSeed()));
  bool loaded = false;
  CSM_RETURN_IF_ERROR(RunInTransaction(
      pool, absl::Now() + absl::Seconds(30),
      [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(loaded, config.SeedCalendarOnce(conn, seed, now));
        if (!loaded) return absl::OkStatus();
        CSM_ASSIGN_OR_RETURN(CalendarRecord calendar,
                             config.ReadCalendar(conn, false));
        return outbox.Append(conn, "system", "", ConfigStore::kCalendarName,
                             CalendarChangedEvent(calendar));
      }));
  if (loaded) outbox.NotifyCommitted();
  return loaded;
}

}  // namespace csm::complaint
