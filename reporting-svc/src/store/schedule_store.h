// report_schedules (the scheduled reports, data) and calendars (the
// business calendar complaint-svc last announced).
#ifndef CSM_REPORTING_SVC_STORE_SCHEDULE_STORE_H_
#define CSM_REPORTING_SVC_STORE_SCHEDULE_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/mysql_pool.h"
#include "csm/events/v1/complaint_events.pb.h"
#include "csm/reporting/v1/snapshots.pb.h"

namespace csm::reporting {

namespace rv1 = ::csm::reporting::v1;

// Every schedule, by id, with its name, etag (version) and times; without
// next_run_time.
absl::StatusOr<std::vector<rv1::ReportSchedule>> ListSchedules(
    MysqlConnection& conn);
// NOT_FOUND when there is none; `for_update` locks the row.
absl::StatusOr<rv1::ReportSchedule> LoadSchedule(MysqlConnection& conn,
                                                 absl::string_view id,
                                                 bool for_update);
// Inserts (ALREADY_EXISTS when the id is taken) or replaces the schedule
// with `version` and `at` as its update (and, inserted, create) time.
absl::Status InsertSchedule(MysqlConnection& conn, absl::string_view id,
                            const rv1::ReportSchedule& schedule, absl::Time at);
absl::Status UpdateSchedule(MysqlConnection& conn, absl::string_view id,
                            const rv1::ReportSchedule& schedule,
                            int64_t version, absl::Time at);

// The calendar as last announced; nullopt before the first announcement.
absl::StatusOr<std::optional<csm::events::v1::BusinessCalendarChanged>>
LoadCalendar(MysqlConnection& conn);
absl::Status SaveCalendar(MysqlConnection& conn,
                          const csm::events::v1::BusinessCalendarChanged& c);

}  // namespace csm::reporting

#endif  // CSM_REPORTING_SVC_STORE_SCHEDULE_STORE_H_
