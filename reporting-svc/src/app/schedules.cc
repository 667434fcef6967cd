#include "reporting-svc/src/app/schedules.h"

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/business_time.h"
#include "common/etag.h"
#include "common/idempotency.h"
#include "common/paging.h"
#include "common/resource_id.h"
#include "common/status.h"
#include "reporting-svc/src/app/report_config.h"
#include "reporting-svc/src/app/snapshot_content.h"
#include "reporting-svc/src/domain/report_filter.h"
#include "reporting-svc/src/domain/report_schedule.h"
#include "reporting-svc/src/store/figure_queries.h"
#include "reporting-svc/src/store/schedule_store.h"

namespace csm::reporting {
namespace {

constexpr char kPrefix[] = "reportSchedules/";

// The next run after `now` on the announced calendar.
void SetNextRun(const BusinessCalendar& calendar, absl::Time now,
                rv1::ReportSchedule* s) {
  s->clear_next_run_time();
  FieldViolations ignored;
  std::optional<ScheduleRule> rule = DecodeScheduleRule(*s, "", &ignored);
  if (!s->active() || !rule.has_value()) return;
  std::optional<absl::Time> next = NextRunAfter(*rule, calendar, now);
  if (next.has_value()) ToProtoTimestamp(*next, s->mutable_next_run_time());
}

// The stored schedule `id` with its next run.
absl::StatusOr<rv1::ReportSchedule> LoadWithNextRun(MysqlConnection& conn,
                                                    const std::string& id,
                                                    absl::Time now) {
  CSM_ASSIGN_OR_RETURN(rv1::ReportSchedule s, LoadSchedule(conn, id, false));
  CSM_ASSIGN_OR_RETURN(BusinessCalendar calendar, ReadBusinessCalendar(conn));
  SetNextRun(calendar, now, &s);
  return s;
}

absl::StatusOr<std::string> IdOf(absl::string_view name,
                                 absl::string_view field) {
  if (!absl::ConsumePrefix(&name, kPrefix) || !IsValidResourceId(name)) {
    return InvalidField(std::string(field), "must be reportSchedules/{id}");
  }
  return std::string(name);
}

// The rule, the report kind and the filter (against the names the events
// have named), one violation per problem under "report_schedule".
absl::Status Validate(MysqlConnection& conn, const rv1::ReportSchedule& s) {
  FieldViolations v;
  DecodeScheduleRule(s, "report_schedule", &v);
  KnownValues known;
  CSM_ASSIGN_OR_RETURN(known.departments, KnownValuesOf(conn, "department"));
  CSM_ASSIGN_OR_RETURN(known.categories, KnownValuesOf(conn, "category"));
  // The filters its report takes, as a request for it would be checked.
  ValidateFilter(s.filter(), FilterPolicyOf(s.report()), known,
                 "report_schedule.filter", &v);
  return v.ToStatus();
}

// `body` on `conn`, then the schedule as stored with its next run.
absl::StatusOr<rv1::ReportSchedule> Mutate(
    const ReportContext& ctx, const CallContext& call,
    const google::protobuf::Message& request, absl::string_view request_id,
    const std::string& id,
    const std::function<absl::Status(MysqlConnection&)>& body) {
  rv1::ReportSchedule out;
  CSM_RETURN_IF_ERROR(
      RunIdempotent(*ctx.pool, call, request_id, request, &out,
                    [&](MysqlConnection& conn) -> absl::Status {
                      CSM_RETURN_IF_ERROR(body(conn));
                      CSM_ASSIGN_OR_RETURN(out, LoadSchedule(conn, id, false));
                      CSM_ASSIGN_OR_RETURN(BusinessCalendar calendar,
                                           ReadBusinessCalendar(conn));
                      SetNextRun(calendar, call.start, &out);
                      return absl::OkStatus();
                    }));
  return out;
}

}  // namespace

absl::StatusOr<rv1::ListReportSchedulesResponse> ListReportSchedules(
    const ReportContext& ctx, const CallContext& call,
    const rv1::ListReportSchedulesRequest& request) {
  CSM_ASSIGN_OR_RETURN(int size, ResolvePageSize(request.page_size()));
  CSM_ASSIGN_OR_RETURN(std::optional<PageCursor> after,
                       DecodeToken(request.page_token(), "schedules"));
  rv1::ListReportSchedulesResponse out;
  CSM_RETURN_IF_ERROR(
      ReadSnapshot(ctx, call, [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(BusinessCalendar calendar,
                             ReadBusinessCalendar(conn));
        CSM_ASSIGN_OR_RETURN(std::vector<rv1::ReportSchedule> all,
                             ListSchedules(conn));
        for (rv1::ReportSchedule& s : all) {
          if (after.has_value() && s.name() <= after->key) continue;
          if (out.report_schedules_size() == size) {
            const std::string& last =
                out.report_schedules(out.report_schedules_size() - 1).name();
            out.set_next_page_token(
                EncodeToken(PageCursor{.key = last}, "schedules"));
            break;
          }
          SetNextRun(calendar, call.start, &s);
          *out.add_report_schedules() = std::move(s);
        }
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<rv1::ReportSchedule> GetReportSchedule(
    const ReportContext& ctx, const CallContext& call,
    const rv1::GetReportScheduleRequest& request) {
  CSM_ASSIGN_OR_RETURN(std::string id, IdOf(request.name(), "name"));
  rv1::ReportSchedule out;
  CSM_RETURN_IF_ERROR(
      ReadSnapshot(ctx, call, [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(out, LoadWithNextRun(conn, id, call.start));
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<rv1::ReportSchedule> CreateReportSchedule(
    const ReportContext& ctx, const CallContext& call,
    const rv1::CreateReportScheduleRequest& request) {
  const std::string& id = request.report_schedule_id();
  if (!IsValidResourceId(id)) {
    return InvalidField("report_schedule_id", "must be [a-z0-9-]{1,63}");
  }
  return Mutate(
      ctx, call, request, request.request_id(), id,
      [&](MysqlConnection& conn) -> absl::Status {
        CSM_RETURN_IF_ERROR(Validate(conn, request.report_schedule()));
        return InsertSchedule(conn, id, request.report_schedule(), absl::Now());
      });
}

absl::StatusOr<rv1::ReportSchedule> UpdateReportSchedule(
    const ReportContext& ctx, const CallContext& call,
    const rv1::UpdateReportScheduleRequest& request) {
  const rv1::ReportSchedule& change = request.report_schedule();
  CSM_ASSIGN_OR_RETURN(std::string id,
                       IdOf(change.name(), "report_schedule.name"));
  CSM_ASSIGN_OR_RETURN(int64_t expected,
                       ParseEtag(change.etag(), "report_schedule.etag"));
  static const std::set<std::string>* kPaths = new std::set<std::string>{
      "display_name", "frequency", "weekday", "working_day",
      "time_of_day",  "period",    "filter",  "active"};
  FieldViolations v;
  CheckUpdateMask(request.update_mask(), *kPaths, &v);
  CSM_RETURN_IF_ERROR(v.ToStatus());
  return Mutate(ctx, call, request, request.request_id(), id,
                [&](MysqlConnection& conn) -> absl::Status {
                  CSM_ASSIGN_OR_RETURN(rv1::ReportSchedule s,
                                       LoadSchedule(conn, id, true));
                  CSM_RETURN_IF_ERROR(CheckEtag(s.name(), s.etag(), expected));
                  ApplyUpdateMask(change, request.update_mask(), &s);
                  CSM_RETURN_IF_ERROR(Validate(conn, s));
                  return UpdateSchedule(conn, id, s, EtagVersion(s.etag()) + 1,
                                        absl::Now());
                });
}

}  // namespace csm::reporting
