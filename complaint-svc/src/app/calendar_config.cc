// The business calendar (工作日历) that every working-time deadline runs on:
// working hours, and per year the holidays and make-up working days
// (调休上班). An update of exceptions replaces the years it names.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/business_calendar.h"
#include "common/business_time.h"
#include "common/etag.h"
#include "common/sql_values.h"
#include "common/status.h"
#include "complaint-svc/src/app/complaint_configuration.h"
#include "complaint-svc/src/app/update_mask.h"
#include "complaint-svc/src/domain/text_fields.h"

namespace csm::complaint {
namespace {

bool ValidYear(int64_t year) { return year >= 1900 && year <= 2199; }

absl::Status CheckCalendarName(absl::string_view name,
                               absl::string_view field) {
  if (name == ConfigStore::kCalendarName) return absl::OkStatus();
  absl::string_view id = name;
  if (absl::ConsumePrefix(&id, "calendars/") && !id.empty() &&
      id.find('/') == absl::string_view::npos) {
    return absl::NotFoundError(
        absl::StrCat(Quote(name), " does not exist; the only calendar is ",
                     ConfigStore::kCalendarName));
  }
  return InvalidField(std::string(field),
                      absl::StrCat("expected ", ConfigStore::kCalendarName));
}

void FillCalendar(const std::vector<WorkingInterval>& hours,
                  const std::vector<CalendarDay>& exceptions, int year,
                  int64_t version, v1::BusinessCalendar* out) {
  out->Clear();
  out->set_name(ConfigStore::kCalendarName);
  for (const WorkingInterval& h : hours) {
    v1::WorkingPeriod* p = out->add_working_hours();
    p->set_start(ConfigStore::FormatMinuteOfDay(h.start_minute));
    p->set_end(ConfigStore::FormatMinuteOfDay(h.end_minute));
  }
  for (const CalendarDay& d : exceptions) {
    if (year != 0 && d.day.year() != year) continue;
    v1::CalendarException* e = out->add_exceptions();
    ToProtoDate(d.day, e->mutable_date());
    e->set_holiday(d.kind == DayKind::kHoliday);
    e->set_label(d.name);
  }
  out->set_etag(std::to_string(version));
}

// What an update writes, validated before the transaction.
struct CalendarUpdate {
  std::optional<std::vector<WorkingInterval>> hours;
  std::set<int> years;  // whose exceptions are replaced
  std::vector<CalendarDay> days;
};

// The new working hours: HH:MM periods, valid as a calendar's.
void ParseHours(const v1::BusinessCalendar& in, FieldViolations& v,
                CalendarUpdate& out) {
  std::string text;
  for (int i = 0; i < in.working_hours_size(); ++i) {
    const v1::WorkingPeriod& p = in.working_hours(i);
    const std::string part = absl::StrCat(p.start(), "-", p.end());
    if (!ParseWorkingHours(part).ok()) {
      v.Add(absl::StrCat("calendar.working_hours[", i, "]"),
            absl::StrCat(Quote(part), ": start and end must be HH:MM"));
    }
    absl::StrAppend(&text, i == 0 ? "" : ",", part);
  }
  if (in.working_hours().empty()) {
    v.Add("calendar.working_hours", "at least one working period");
  } else if (in.working_hours_size() > limits::kMaxWorkingPeriods) {
    v.Add("calendar.working_hours",
          absl::StrCat("at most ", limits::kMaxWorkingPeriods,
                       " working periods a day"));
  } else if (v.empty()) {
    auto hours = ParseWorkingHours(text);
    // Overlap, order and range: the calendar's own validation.
    absl::StatusOr<BusinessCalendar> check =
        hours.ok() ? BusinessCalendar::Create(*hours, {})
                   : absl::StatusOr<BusinessCalendar>(hours.status());
    if (!check.ok()) {
      v.Add("calendar.working_hours", std::string(check.status().message()));
    } else {
      out.hours = *std::move(hours);
    }
  }
}

// One exception: a valid date listed once; a make-up working day falls on
// a weekend.
void ParseException(const v1::CalendarException& e, int i,
                    std::map<absl::CivilDay, int>& seen, FieldViolations& v,
                    CalendarUpdate& out) {
  const std::string field = absl::StrCat("calendar.exceptions[", i, "]");
  absl::StatusOr<absl::CivilDay> day = FromProtoDate(e.date());
  if (!day.ok() || !ValidYear(e.date().year())) {
    v.Add(absl::StrCat(field, ".date"),
          "a valid date in the years 1900 to 2199");
    return;
  }
  if (auto [it, inserted] = seen.emplace(*day, i); !inserted) {
    v.Add(absl::StrCat(field, ".date"),
          absl::StrCat(ToSqlDate(*day), " is also listed at exceptions[",
                       it->second, "]"));
    return;
  }
  const absl::Weekday wd = absl::GetWeekday(*day);
  if (!e.holiday() && wd != absl::Weekday::saturday &&
      wd != absl::Weekday::sunday) {
    v.Add(absl::StrCat(field, ".holiday"),
          absl::StrCat(ToSqlDate(*day),
                       " is a weekday: a make-up working day (调休上班, "
                       "holiday = false) must be a Saturday or Sunday"));
  }
  OptionalText(v, absl::StrCat(field, ".label"), e.label(),
               limits::kCalendarLabel);
  out.years.insert(static_cast<int>(day->year()));
  out.days.push_back(CalendarDay{
      *day, e.holiday() ? DayKind::kHoliday : DayKind::kMakeupWorkday,
      e.label()});
}

// The paths to update: the mask's, or without one the fields given.
absl::StatusOr<std::set<std::string>> CalendarPaths(
    const v1::UpdateBusinessCalendarRequest& req) {
  const v1::BusinessCalendar& in = req.calendar();
  CSM_ASSIGN_OR_RETURN(
      std::set<std::string> paths,
      MaskPaths(req.update_mask(), {"working_hours", "exceptions"},
                "working_hours, exceptions",
                /*required=*/false));
  if (paths.empty()) {
    if (!in.working_hours().empty()) paths.insert("working_hours");
    if (!in.exceptions().empty()) paths.insert("exceptions");
  }
  if (paths.empty()) {
    return InvalidField("update_mask",
                        "nothing to update: give working_hours and/or "
                        "exceptions (with update_mask naming them)");
  }
  return paths;
}

// The whole calendar after the update: the exceptions of the years it
// names replaced.
absl::StatusOr<BusinessCalendar> UpdatedCalendar(const CalendarRecord& rec,
                                                 const CalendarUpdate& u) {
  std::vector<WorkingInterval> hours;
  if (u.hours.has_value()) {
    hours = *u.hours;
  } else {
    CSM_ASSIGN_OR_RETURN(hours, ParseWorkingHours(rec.working_hours));
  }
  std::vector<CalendarDay> all;
  for (const CalendarDay& d : rec.exceptions) {
    if (!u.years.contains(static_cast<int>(d.day.year()))) all.push_back(d);
  }
  all.insert(all.end(), u.days.begin(), u.days.end());
  // The whole calendar must still be valid before anything is written.
  absl::StatusOr<BusinessCalendar> calendar =
      BusinessCalendar::Create(hours, all);
  if (!calendar.ok()) {
    return InvalidField("calendar", std::string(calendar.status().message()));
  }
  return calendar;
}

}  // namespace

absl::Status ComplaintConfiguration::GetBusinessCalendar(
    const CallContext& call, const v1::GetBusinessCalendarRequest& req,
    v1::BusinessCalendar* resp) {
  CSM_RETURN_IF_ERROR(CheckCalendarName(req.name(), "name"));
  if (req.year() != 0 && !ValidYear(req.year())) {
    return InvalidField("year", "0 (all years) or 1900 to 2199");
  }
  return RunWithConnection(
      *pool_, call.deadline, [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(CalendarRecord rec,
                             config_->ReadCalendar(conn, false));
        CSM_ASSIGN_OR_RETURN(std::vector<WorkingInterval> hours,
                             ParseWorkingHours(rec.working_hours));
        FillCalendar(hours, rec.exceptions, req.year(), rec.version, resp);
        return absl::OkStatus();
      });
}

absl::Status ComplaintConfiguration::UpdateBusinessCalendar(
    const CallContext& call, const v1::UpdateBusinessCalendarRequest& req,
    v1::BusinessCalendar* resp) {
  const v1::BusinessCalendar& in = req.calendar();
  CSM_RETURN_IF_ERROR(CheckCalendarName(in.name(), "calendar.name"));
  CSM_ASSIGN_OR_RETURN(std::set<std::string> paths, CalendarPaths(req));
  CSM_ASSIGN_OR_RETURN(int64_t expected, ParseEtag(in.etag(), "calendar.etag"));
  FieldViolations v;
  CalendarUpdate update;
  if (paths.contains("working_hours")) ParseHours(in, v, update);
  if (paths.contains("exceptions")) {
    std::map<absl::CivilDay, int> seen;
    for (int i = 0; i < in.exceptions_size(); ++i) {
      ParseException(in.exceptions(i), i, seen, v, update);
    }
  }
  CSM_RETURN_IF_ERROR(v.ToStatus());
  return mutation_.Run(
      call, req.request_id(), req, resp,
      [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(CalendarRecord rec,
                             config_->ReadCalendar(conn, /*lock=*/true));
        CSM_RETURN_IF_ERROR(
            CheckEtag(ConfigStore::kCalendarName, rec.version, expected));
        CSM_ASSIGN_OR_RETURN(BusinessCalendar calendar,
                             UpdatedCalendar(rec, update));
        CSM_ASSIGN_OR_RETURN(
            int64_t version,
            config_->ReplaceCalendar(
                conn, ConfigStore::FormatWorkingHours(calendar.hours()),
                update.years, update.days, rec.version, call.start));
        FillCalendar(calendar.hours(), calendar.exceptions(), 0, version, resp);
        CSM_ASSIGN_OR_RETURN(CalendarRecord written,
                             config_->ReadCalendar(conn, false));
        return outbox_->Append(conn, call, ConfigStore::kCalendarName,
                               CalendarChangedEvent(written));
      });
}

}  // namespace csm::complaint
