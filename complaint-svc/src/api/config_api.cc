#include "complaint-svc/src/api/config_api.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/business_calendar.h"
#include "common/business_time.h"
#include "common/etag.h"
#include "common/idempotency.h"
#include "common/paging.h"
#include "common/resource_id.h"
#include "common/sql_values.h"
#include "common/status.h"
#include "complaint-svc/src/api/text_fields.h"

namespace csm::complaint {
namespace {

constexpr RoleSet kReaders = RoleSet::All();
constexpr RoleSet kArchivists{Role::kArchivist};

constexpr char kCategoriesQuery[] = "categories";
constexpr char kSlaPoliciesQuery[] = "slaPolicies";

// The fields of a category that `only` names (all when empty).
void ValidateCategory(const v1::Category& c, const std::set<std::string>& only,
                      FieldViolations* v) {
  auto wants = [&](const char* f) { return only.empty() || only.contains(f); };
  if (wants("display_name")) {
    RequireText(*v, "category.display_name", c.display_name(),
                limits::kCategoryDisplayName);
  }
  if (wants("handling_department")) {
    // Where complaints of this category are routed, e.g. 仓储物流.
    RequireText(*v, "category.handling_department", c.handling_department(),
                limits::kDepartment);
  }
}

// The update_mask paths, each one of `allowed`.
absl::StatusOr<std::set<std::string>> MaskPaths(
    const google::protobuf::FieldMask& mask,
    const std::set<std::string>& allowed, absl::string_view allowed_text,
    bool required) {
  FieldViolations v;
  std::set<std::string> paths;
  if (required && mask.paths().empty()) {
    v.Add("update_mask", absl::StrCat("required: ", allowed_text));
  }
  for (const std::string& p : mask.paths()) {
    if (!allowed.contains(p)) {
      v.Add("update_mask",
            absl::StrCat("'", p, "' is not updatable; use ", allowed_text));
    }
    paths.insert(p);
  }
  CSM_RETURN_IF_ERROR(v.ToStatus());
  return paths;
}

FieldViolations ValidatePolicy(const v1::SlaPolicy& p) {
  FieldViolations v;
  const bool category_ok =
      p.category() == "*" || IsValidResourceId(p.category());
  if (!category_ok) {
    v.Add("sla_policy.category", "a category id, or \"*\" for any category");
  }
  if (p.severity() != v1::SEVERITY_NORMAL &&
      p.severity() != v1::SEVERITY_MAJOR &&
      p.severity() != v1::SEVERITY_CRITICAL) {
    v.Add("sla_policy.severity",
          "SEVERITY_NORMAL, SEVERITY_MAJOR or SEVERITY_CRITICAL");
  }
  static const std::set<std::string> kGrades = {"A", "B", "C", "*"};
  if (!kGrades.contains(p.customer_grade())) {
    v.Add("sla_policy.customer_grade", "\"A\", \"B\", \"C\" or \"*\"");
  }
  if (p.acknowledge_working_minutes() < 1 ||
      p.acknowledge_working_minutes() > 10080) {
    v.Add("sla_policy.acknowledge_working_minutes", "1 to 10080");
  }
  if (p.handling_opinion_working_days() < 0 ||
      p.handling_opinion_working_days() > 30) {
    v.Add("sla_policy.handling_opinion_working_days",
          "0 (the same working day) to 30");
  }
  if (p.investigation_working_days() < 0 ||
      p.investigation_working_days() > 30) {
    v.Add("sla_policy.investigation_working_days",
          "0 (the registration's working day) to 30");
  }
  if (p.warning_percent() < 1 || p.warning_percent() > 99) {
    v.Add("sla_policy.warning_percent", "1 to 99");
  }
  if (p.escalation_step_working_minutes() < 1 ||
      p.escalation_step_working_minutes() > 10080) {
    v.Add("sla_policy.escalation_step_working_minutes", "1 to 10080");
  }
  return v;
}

absl::Status CheckCalendarName(absl::string_view name,
                               absl::string_view field) {
  if (name == ConfigStore::kCalendarName) return absl::OkStatus();
  absl::string_view id = name;
  if (absl::ConsumePrefix(&id, "calendars/") && !id.empty() &&
      id.find('/') == absl::string_view::npos) {
    return absl::NotFoundError(
        absl::StrCat(name, " does not exist; the only calendar is ",
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

bool ValidYear(int64_t year) { return year >= 1900 && year <= 2199; }

}  // namespace

ConfigApi::ConfigApi(MysqlPool* pool, Outbox* outbox, RpcRuntime* runtime,
                     ConfigStore* config)
    : pool_(pool), outbox_(outbox), runtime_(runtime), config_(config) {}

absl::Status ConfigApi::Mutate(
    const CallContext& call, absl::string_view request_id,
    const google::protobuf::Message& req, google::protobuf::Message* resp,
    const std::function<absl::Status(MysqlConnection&)>& body) {
  return RunIdempotent(*pool_, call, request_id, req, resp, body);
}

// ---------------------------------------------------------------- categories

grpc::Status ConfigApi::ListCategories(grpc::ServerContext* ctx,
                                       const v1::ListCategoriesRequest* req,
                                       v1::ListCategoriesResponse* resp) {
  return runtime_->Handle(ctx, "ListCategories", kReaders,
                          [&](const CallContext& call) {
                            return DoListCategories(call, *req, resp);
                          });
}

absl::Status ConfigApi::DoListCategories(const CallContext& call,
                                         const v1::ListCategoriesRequest& req,
                                         v1::ListCategoriesResponse* resp) {
  CSM_ASSIGN_OR_RETURN(int limit, ResolvePageSize(req.page_size()));
  CSM_ASSIGN_OR_RETURN(auto after,
                       DecodeToken(req.page_token(), kCategoriesQuery));
  return RunWithConnection(
      *pool_, call.deadline, [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(auto page,
                             config_->ListCategories(conn, after, limit));
        resp->Clear();
        for (auto& c : page.items) *resp->add_categories() = std::move(c);
        resp->set_next_page_token(EncodeToken(page.next, kCategoriesQuery));
        return absl::OkStatus();
      });
}

grpc::Status ConfigApi::CreateCategory(grpc::ServerContext* ctx,
                                       const v1::CreateCategoryRequest* req,
                                       v1::Category* resp) {
  return runtime_->Handle(ctx, "CreateCategory", kArchivists,
                          [&](const CallContext& call) {
                            return DoCreateCategory(call, *req, resp);
                          });
}

absl::Status ConfigApi::DoCreateCategory(const CallContext& call,
                                         const v1::CreateCategoryRequest& req,
                                         v1::Category* resp) {
  FieldViolations v;
  if (!IsValidResourceId(req.category_id())) {
    v.Add("category_id", "required: 1 to 63 characters of [a-z0-9-]");
  }
  ValidateCategory(req.category(), {}, &v);
  CSM_RETURN_IF_ERROR(v.ToStatus());
  return Mutate(
      call, req.request_id(), req, resp,
      [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(auto existing,
                             config_->GetCategory(conn, req.category_id()));
        if (existing.has_value()) {
          return absl::AlreadyExistsError(
              absl::StrCat(existing->name(), " already exists (",
                           existing->display_name(), ")"));
        }
        v1::Category c;
        c.set_display_name(req.category().display_name());
        c.set_handling_department(req.category().handling_department());
        // A new category is in use at once (proto3 cannot tell an unset
        // `active` from false); retire one with UpdateCategory.
        c.set_active(true);
        CSM_RETURN_IF_ERROR(
            config_->InsertCategory(conn, req.category_id(), &c, call.start));
        *resp = std::move(c);
        return absl::OkStatus();
      });
}

grpc::Status ConfigApi::UpdateCategory(grpc::ServerContext* ctx,
                                       const v1::UpdateCategoryRequest* req,
                                       v1::Category* resp) {
  return runtime_->Handle(ctx, "UpdateCategory", kArchivists,
                          [&](const CallContext& call) {
                            return DoUpdateCategory(call, *req, resp);
                          });
}

absl::Status ConfigApi::DoUpdateCategory(const CallContext& call,
                                         const v1::UpdateCategoryRequest& req,
                                         v1::Category* resp) {
  CSM_ASSIGN_OR_RETURN(
      std::string id,
      ConfigStore::ParseCategoryName(req.category().name(), "category.name"));
  CSM_ASSIGN_OR_RETURN(
      std::set<std::string> paths,
      MaskPaths(req.update_mask(),
                {"display_name", "handling_department", "active"},
                "display_name, handling_department, active",
                /*required=*/true));
  FieldViolations v;
  ValidateCategory(req.category(), paths, &v);
  CSM_RETURN_IF_ERROR(v.ToStatus());
  CSM_ASSIGN_OR_RETURN(int64_t expected,
                       ParseEtag(req.category().etag(), "category.etag"));
  return Mutate(
      call, req.request_id(), req, resp,
      [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(auto current,
                             config_->GetCategory(conn, id, /*lock=*/true));
        if (!current.has_value()) {
          return absl::NotFoundError(
              absl::StrCat(req.category().name(), " does not exist"));
        }
        CSM_RETURN_IF_ERROR(
            CheckEtag(current->name(), current->etag(), expected));
        v1::Category c = *current;
        if (paths.contains("display_name")) {
          c.set_display_name(req.category().display_name());
        }
        if (paths.contains("handling_department")) {
          c.set_handling_department(req.category().handling_department());
        }
        if (paths.contains("active")) c.set_active(req.category().active());
        CSM_RETURN_IF_ERROR(config_->UpdateCategory(
            conn, id, &c, EtagVersion(current->etag()), call.start));
        *resp = std::move(c);
        return absl::OkStatus();
      });
}

// ------------------------------------------------------------- SLA policies

grpc::Status ConfigApi::ListSlaPolicies(grpc::ServerContext* ctx,
                                        const v1::ListSlaPoliciesRequest* req,
                                        v1::ListSlaPoliciesResponse* resp) {
  return runtime_->Handle(ctx, "ListSlaPolicies", kReaders,
                          [&](const CallContext& call) {
                            return DoListSlaPolicies(call, *req, resp);
                          });
}

absl::Status ConfigApi::DoListSlaPolicies(const CallContext& call,
                                          const v1::ListSlaPoliciesRequest& req,
                                          v1::ListSlaPoliciesResponse* resp) {
  CSM_ASSIGN_OR_RETURN(int limit, ResolvePageSize(req.page_size()));
  CSM_ASSIGN_OR_RETURN(auto after,
                       DecodeToken(req.page_token(), kSlaPoliciesQuery));
  return RunWithConnection(
      *pool_, call.deadline, [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(auto page,
                             config_->ListSlaPoliciesPage(conn, after, limit));
        resp->Clear();
        for (auto& p : page.items) *resp->add_sla_policies() = std::move(p);
        resp->set_next_page_token(EncodeToken(page.next, kSlaPoliciesQuery));
        return absl::OkStatus();
      });
}

grpc::Status ConfigApi::SetSlaPolicy(grpc::ServerContext* ctx,
                                     const v1::SetSlaPolicyRequest* req,
                                     v1::SlaPolicy* resp) {
  return runtime_->Handle(ctx, "SetSlaPolicy", kArchivists,
                          [&](const CallContext& call) {
                            return DoSetSlaPolicy(call, *req, resp);
                          });
}

absl::Status ConfigApi::DoSetSlaPolicy(const CallContext& call,
                                       const v1::SetSlaPolicyRequest& req,
                                       v1::SlaPolicy* resp) {
  CSM_RETURN_IF_ERROR(ValidatePolicy(req.sla_policy()).ToStatus());
  return Mutate(
      call, req.request_id(), req, resp,
      [&](MysqlConnection& conn) -> absl::Status {
        v1::SlaPolicy p = req.sla_policy();
        if (p.category() != "*") {
          CSM_ASSIGN_OR_RETURN(auto category,
                               config_->GetCategory(conn, p.category()));
          if (!category.has_value()) {
            return InvalidField("sla_policy.category",
                                absl::StrCat("categories/", p.category(),
                                             " does not exist; create it first "
                                             "or use \"*\""));
          }
        }
        CSM_RETURN_IF_ERROR(config_->UpsertSlaPolicy(conn, &p, call.start));
        *resp = std::move(p);
        return absl::OkStatus();
      });
}

// ------------------------------------------------------------------ calendar

grpc::Status ConfigApi::GetBusinessCalendar(
    grpc::ServerContext* ctx, const v1::GetBusinessCalendarRequest* req,
    v1::BusinessCalendar* resp) {
  return runtime_->Handle(ctx, "GetBusinessCalendar", kReaders,
                          [&](const CallContext& call) {
                            return DoGetBusinessCalendar(call, *req, resp);
                          });
}

absl::Status ConfigApi::DoGetBusinessCalendar(
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

grpc::Status ConfigApi::UpdateBusinessCalendar(
    grpc::ServerContext* ctx, const v1::UpdateBusinessCalendarRequest* req,
    v1::BusinessCalendar* resp) {
  return runtime_->Handle(ctx, "UpdateBusinessCalendar", kArchivists,
                          [&](const CallContext& call) {
                            return DoUpdateBusinessCalendar(call, *req, resp);
                          });
}

absl::Status ConfigApi::DoUpdateBusinessCalendar(
    const CallContext& call, const v1::UpdateBusinessCalendarRequest& req,
    v1::BusinessCalendar* resp) {
  const v1::BusinessCalendar& in = req.calendar();
  CSM_RETURN_IF_ERROR(CheckCalendarName(in.name(), "calendar.name"));
  CSM_ASSIGN_OR_RETURN(
      std::set<std::string> paths,
      MaskPaths(req.update_mask(), {"working_hours", "exceptions"},
                "working_hours, exceptions",
                /*required=*/false));
  // Without a mask: the fields the request fills.
  if (paths.empty()) {
    if (!in.working_hours().empty()) paths.insert("working_hours");
    if (!in.exceptions().empty()) paths.insert("exceptions");
  }
  if (paths.empty()) {
    return InvalidField("update_mask",
                        "nothing to update: give working_hours and/or "
                        "exceptions (with update_mask naming them)");
  }
  CSM_ASSIGN_OR_RETURN(int64_t expected, ParseEtag(in.etag(), "calendar.etag"));

  FieldViolations v;
  std::optional<std::vector<WorkingInterval>> new_hours;
  if (paths.contains("working_hours")) {
    std::string text;
    for (int i = 0; i < in.working_hours_size(); ++i) {
      const v1::WorkingPeriod& p = in.working_hours(i);
      const std::string part = absl::StrCat(p.start(), "-", p.end());
      if (!ParseWorkingHours(part).ok()) {
        v.Add(absl::StrCat("calendar.working_hours[", i, "]"),
              absl::StrCat("'", part, "': start and end must be HH:MM"));
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
        new_hours = *std::move(hours);
      }
    }
  }
  std::set<int> years;
  std::vector<CalendarDay> new_days;
  if (paths.contains("exceptions")) {
    std::map<absl::CivilDay, int> seen;
    for (int i = 0; i < in.exceptions_size(); ++i) {
      const v1::CalendarException& e = in.exceptions(i);
      const std::string field = absl::StrCat("calendar.exceptions[", i, "]");
      absl::StatusOr<absl::CivilDay> day = FromProtoDate(e.date());
      if (!day.ok() || !ValidYear(e.date().year())) {
        v.Add(absl::StrCat(field, ".date"),
              "a valid date in the years 1900 to 2199");
        continue;
      }
      if (auto [it, inserted] = seen.emplace(*day, i); !inserted) {
        v.Add(absl::StrCat(field, ".date"),
              absl::StrCat(ToSqlDate(*day), " is also listed at exceptions[",
                           it->second, "]"));
        continue;
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
      years.insert(static_cast<int>(day->year()));
      new_days.push_back(CalendarDay{
          *day, e.holiday() ? DayKind::kHoliday : DayKind::kMakeupWorkday,
          e.label()});
    }
  }
  CSM_RETURN_IF_ERROR(v.ToStatus());

  return RunMutation(
      *pool_, *outbox_, call, req.request_id(), req, resp,
      [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(CalendarRecord rec,
                             config_->ReadCalendar(conn, /*lock=*/true));
        CSM_RETURN_IF_ERROR(
            CheckEtag(ConfigStore::kCalendarName, rec.version, expected));
        std::vector<WorkingInterval> hours;
        if (new_hours.has_value()) {
          hours = *new_hours;
        } else {
          CSM_ASSIGN_OR_RETURN(hours, ParseWorkingHours(rec.working_hours));
        }
        std::vector<CalendarDay> all;
        for (const CalendarDay& d : rec.exceptions) {
          if (!years.contains(static_cast<int>(d.day.year()))) {
            all.push_back(d);
          }
        }
        all.insert(all.end(), new_days.begin(), new_days.end());
        // The whole calendar must still be valid before anything is written.
        absl::StatusOr<BusinessCalendar> calendar =
            BusinessCalendar::Create(hours, all);
        if (!calendar.ok()) {
          return InvalidField("calendar",
                              std::string(calendar.status().message()));
        }
        CSM_ASSIGN_OR_RETURN(
            int64_t version,
            config_->ReplaceCalendar(
                conn, ConfigStore::FormatWorkingHours(calendar->hours()), years,
                new_days, rec.version, call.start));
        FillCalendar(calendar->hours(), calendar->exceptions(), 0, version,
                     resp);
        CSM_ASSIGN_OR_RETURN(CalendarRecord written,
                             config_->ReadCalendar(conn, false));
        return outbox_->Append(conn, call, ConfigStore::kCalendarName,
                               CalendarChangedEvent(written));
      });
}

}  // namespace csm::complaint
