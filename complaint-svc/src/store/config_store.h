#ifndef CSM_COMPLAINT_SVC_SRC_STORE_CONFIG_STORE_H_
#define CSM_COMPLAINT_SVC_SRC_STORE_CONFIG_STORE_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/business_calendar.h"
#include "common/mysql_pool.h"
#include "common/outbox.h"
#include "common/paging.h"
#include "csm/complaint/v1/complaint.pb.h"
#include "csm/events/v1/complaint_events.pb.h"

// complaint-svc's configuration tables (migrations/001_config.sql):
// categories, SLA policies, the business calendar. Prepared statements
// only; methods run on a connection the caller borrowed, inside the
// caller's transaction.

namespace csm::complaint {

namespace v1 = ::csm::complaint::v1;

// The calendar as stored.
struct CalendarRecord {
  std::string working_hours;            // "09:00-12:00,13:30-17:30"
  std::vector<CalendarDay> exceptions;  // sorted by day
  int64_t version = 0;
  bool exceptions_seeded = false;
};

class ConfigStore {
 public:
  // The one calendar complaint-svc has.
  static constexpr char kCalendarName[] = "calendars/china";

  // Category ids are resource ids: IsValidResourceId (common/resource_id.h).
  // "categories/{id}" -> id; INVALID_ARGUMENT on `field` otherwise.
  static absl::StatusOr<std::string> ParseCategoryName(absl::string_view name,
                                                       absl::string_view field);
  static std::string CategoryName(absl::string_view id);
  // "slaPolicies/{category}~{severity}~{grade}", severity in lower case
  // ("slaPolicies/*~critical~A").
  static std::string SlaPolicyName(const v1::SlaPolicy& policy);
  // "09:00-12:00,13:30-17:30" from intervals, and back to proto periods.
  static std::string FormatWorkingHours(
      const std::vector<WorkingInterval>& hours);
  static std::string FormatMinuteOfDay(int minute);

  // ---- categories
  // The category, if it exists (active or not). `lock` takes the row lock.
  absl::StatusOr<std::optional<v1::Category>> GetCategory(
      MysqlConnection& conn, absl::string_view category_id, bool lock = false);
  // Ordered by id.
  absl::StatusOr<Page<v1::Category>> ListCategories(
      MysqlConnection& conn, const std::optional<PageCursor>& after, int limit);
  // Fills name and etag. ALREADY_EXISTS on a duplicate id.
  absl::Status InsertCategory(MysqlConnection& conn,
                              absl::string_view category_id,
                              v1::Category* category, absl::Time now);
  // Writes the fields if the version is still `expected_version`, bumping
  // it (ABORTED otherwise); fills the new etag.
  absl::Status UpdateCategory(MysqlConnection& conn,
                              absl::string_view category_id,
                              v1::Category* category, int64_t expected_version,
                              absl::Time now);

  // ---- SLA policies
  // All rows, ordered by category, severity, grade.
  absl::StatusOr<std::vector<v1::SlaPolicy>> ListSlaPolicies(
      MysqlConnection& conn);
  // Keyset page of the same order; the cursor key is the policy name.
  absl::StatusOr<Page<v1::SlaPolicy>> ListSlaPoliciesPage(
      MysqlConnection& conn, const std::optional<PageCursor>& after, int limit);
  // Creates or replaces the row of the policy's key; fills its name.
  absl::Status UpsertSlaPolicy(MysqlConnection& conn, v1::SlaPolicy* policy,
                               absl::Time now);

  // ---- business calendar
  absl::StatusOr<CalendarRecord> ReadCalendar(MysqlConnection& conn, bool lock);
  // Sets the working hours, replaces the exceptions of `years` with
  // `exceptions` (which must lie in those years), bumps the version if it
  // is still `expected_version` (ABORTED otherwise). Returns the new version.
  absl::StatusOr<int64_t> ReplaceCalendar(
      MysqlConnection& conn, absl::string_view working_hours,
      const std::set<int>& years, const std::vector<CalendarDay>& exceptions,
      int64_t expected_version, absl::Time now);
  // Loads `seed` once per database (calendar_settings.exceptions_seeded),
  // keeping any day already present. Returns whether it loaded it.
  absl::StatusOr<bool> SeedCalendarOnce(MysqlConnection& conn,
                                        const std::vector<CalendarDay>& seed,
                                        absl::Time now);
  // The current calendar, cached by its version (cheap to call per request:
  // one primary-key read; thread-safe).
  absl::StatusOr<std::shared_ptr<const BusinessCalendar>> Calendar(
      MysqlConnection& conn);

 private:
  std::mutex mu_;
  int64_t cached_version_ = 0;
  std::shared_ptr<const BusinessCalendar> cached_;
};

// The whole calendar as stored (name, etag, working hours, every exception
// by date): the event reporting-svc keeps its copy of the calendar from.
::csm::events::v1::BusinessCalendarChanged CalendarChangedEvent(
    const CalendarRecord& calendar);

// Loads the shipped holiday seed (ChinaCalendarSeed(): 2026 official, 2027
// provisional) into the calendar tables once per database, in one
// transaction with its BusinessCalendarChanged event (actor "system"); later
// runs change nothing. Returns whether it loaded it.
absl::StatusOr<bool> SeedBusinessCalendar(MysqlPool& pool, ConfigStore& config,
                                          Outbox& outbox, absl::Time now);

}  // namespace csm::complaint

#endif  // CSM_COMPLAINT_SVC_SRC_STORE_CONFIG_STORE_H_
