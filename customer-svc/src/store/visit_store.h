#ifndef CSM_CUSTOMER_SVC_STORE_VISIT_STORE_H_
#define CSM_CUSTOMER_SVC_STORE_VISIT_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/filter.h"
#include "common/mysql_pool.h"
#include "common/paging.h"
#include "common/principal.h"
#include "csm/customer/v1/customer.pb.h"
#include "csm/customer/v1/visits.pb.h"
#include "customer-svc/src/domain/visit_schedule.h"
#include "customer-svc/src/store/customer_store.h"

// customer-svc's communication records and return visits
// (migrations/002_communications_and_visits.sql), with CustomerStore's
// conventions: prepared statements only, methods run on the caller's
// connection inside the caller's transaction, keyset Page<T> lists.

namespace csm::customer {

// How a read of the policy row locks it. Every transaction that derives a
// plan's schedule reads the policy first, with kShare (kUpdate when it
// changes it): one lock order, policy -> archive -> plan, and no schedule is
// ever computed from a policy that is being replaced.
enum class PolicyLock { kNone, kShare, kUpdate };

struct PolicyRecord {
  VisitPolicy policy;
  int64_t version = 0;
  absl::Time update_time;
};

// A visit plan row plus its archive's owner.
struct PlanRecord {
  int64_t id = 0;
  int64_t customer_id = 0;
  std::string project;
  absl::CivilDay delivery_date;
  absl::CivilDay next_due_date;
  std::optional<absl::CivilDay> last_valid_visit_date;
  int sms_streak = 0;
  std::string status_note;
  std::optional<absl::Time> closed_time;
  std::string close_reason;
  int64_t version = 0;
  absl::Time create_time;
  std::string owner_id;  // customers.owner_id
};

// A due-list row: the plan and the facts of its archive.
struct DuePlanRecord {
  PlanRecord plan;
  std::string archive_number;
  std::string display_name;
  v1::Grade grade = v1::GRADE_UNSPECIFIED;
  std::string team;
};

struct DueQuery {
  std::string owner_id;  // empty: any
  std::string team;      // empty: any
  std::optional<absl::CivilDay> due_from;
  absl::CivilDay due_to;
  std::optional<PageCursor> after;
  int limit = 50;
};

struct CommunicationQuery {
  int64_t customer_id = 0;         // 0: every archive
  std::vector<FilterTerm> filter;  // channel, staff_id, contact_time
  std::optional<PageCursor> after;
  int limit = 50;
};

// Found by the overdue sweep, locked for its transaction.
struct OverduePlan {
  int64_t plan_id = 0;
  int64_t customer_id = 0;
  absl::CivilDay due;
};

struct BrokenPromise {
  int64_t communication_id = 0;
  int64_t customer_id = 0;
  std::string staff_id;
  absl::CivilDay due;
};

class VisitStore {
 public:
  // "customers/{c}/visitPlans/{p}" -> (c, p); INVALID_ARGUMENT on `field`.
  static absl::StatusOr<std::pair<int64_t, int64_t>> ParsePlanName(
      absl::string_view name, absl::string_view field);
  // "customers/{c}/visitPlans/{p}/visits/{v}" -> (c, p, v).
  static absl::StatusOr<std::tuple<int64_t, int64_t, int64_t>> ParseVisitName(
      absl::string_view name, absl::string_view field);
  // "customers/{c}/communications/{id}" -> (c, id).
  static absl::StatusOr<std::pair<int64_t, int64_t>> ParseCommunicationName(
      absl::string_view name, absl::string_view field);
  static std::string PlanName(int64_t customer_id, int64_t plan_id);
  static std::string CommunicationName(int64_t customer_id, int64_t id);

  // Contract enum <-> schedule rule enum (both in phone, email, face to
  // face, SMS order). The proto value must be valid and specified.
  static VisitMethod ToRuleMethod(v1::VisitMethod method);
  // 'A'..'C' for a grade, 0 when unspecified (the policy's defaults).
  static char GradeLetter(v1::Grade grade);

  // ---- policy
  absl::StatusOr<PolicyRecord> GetPolicy(MysqlConnection& conn,
                                         PolicyLock lock);
  // Writes `policy` if its version is still `expected_version` (bumping
  // it); ABORTED otherwise.
  absl::Status UpdatePolicy(MysqlConnection& conn, const VisitPolicy& policy,
                            int64_t expected_version, absl::Time now);

  // ---- plans
  // Fills id, version and create_time.
  absl::Status InsertPlan(MysqlConnection& conn, PlanRecord* plan,
                          absl::Time now);
  // NOT_FOUND unless plan `plan_id` belongs to archive `customer_id`.
  // `lock` takes the plan row lock (FOR UPDATE).
  absl::StatusOr<PlanRecord> GetPlan(MysqlConnection& conn, int64_t customer_id,
                                     int64_t plan_id, bool lock);
  // Oldest first.
  absl::StatusOr<Page<PlanRecord>> ListPlans(MysqlConnection& conn,
                                             int64_t customer_id,
                                             std::optional<PageCursor> after,
                                             int limit);
  // Stores the derived schedule of a plan and bumps its version.
  absl::Status UpdatePlanSchedule(MysqlConnection& conn, int64_t plan_id,
                                  const VisitPlanState& state);
  absl::Status ClosePlan(MysqlConnection& conn, int64_t plan_id,
                         absl::string_view reason, absl::string_view closer,
                         absl::Time now);
  // Open plans of open archives due in the query's range, by due date.
  absl::StatusOr<Page<DuePlanRecord>> ListDuePlans(MysqlConnection& conn,
                                                   const DueQuery& query);

  // Every open plan, or archive `customer_id`'s open plans when it is not
  // 0, with its visits and its archive's current grade, plans locked (FOR
  // UPDATE), visits shared. The caller's own grade change is visible to this
  // read; a concurrent one waits for the policy lock the caller holds and
  // then reschedules its archive itself.
  absl::StatusOr<std::vector<StoredPlanSchedule>> OpenPlanSchedules(
      MysqlConnection& conn, int64_t customer_id);

  // ---- visits
  // A plan's visits as the schedule rule takes them: by actual date, then
  // in the order recorded. Locking read (sees the latest commits).
  absl::StatusOr<std::vector<VisitRecord>> VisitHistory(MysqlConnection& conn,
                                                        int64_t plan_id);
  // Fills name, staff_id and create_time.
  absl::Status InsertVisit(MysqlConnection& conn, int64_t customer_id,
                           int64_t plan_id, v1::Visit* visit,
                           const Principal& staff, absl::Time now);
  absl::StatusOr<v1::Visit> GetVisit(MysqlConnection& conn, int64_t customer_id,
                                     int64_t plan_id, int64_t visit_id);
  // Newest first (by actual date, then id).
  absl::StatusOr<Page<v1::Visit>> ListVisits(MysqlConnection& conn,
                                             int64_t customer_id,
                                             int64_t plan_id,
                                             std::optional<PageCursor> after,
                                             int limit);

  // ---- communications
  // Fills name, recorder and create_time. The promise, if any, must carry
  // its due date and state.
  absl::Status InsertCommunication(MysqlConnection& conn, int64_t customer_id,
                                   v1::Communication* communication,
                                   const Principal& recorder, absl::Time now);
  absl::StatusOr<v1::Communication> GetCommunication(MysqlConnection& conn,
                                                     int64_t customer_id,
                                                     int64_t id, bool lock);
  // Newest first (by contact time, then id).
  absl::StatusOr<Page<v1::Communication>> ListCommunications(
      MysqlConnection& conn, const CommunicationQuery& query);
  absl::Status KeepPromise(MysqlConnection& conn, int64_t id,
                           absl::string_view note, bool late, absl::Time now);
  // BROKEN, or OPEN and due before `today`, of `staff_id`'s communications
  // with open archives; oldest due first.
  absl::StatusOr<Page<v1::Communication>> ListOverduePromises(
      MysqlConnection& conn, absl::string_view staff_id, absl::CivilDay today,
      std::optional<PageCursor> after, int limit);

  // ---- the overdue sweep: FOR UPDATE SKIP LOCKED, so concurrent sweepers
  // (replicas) split the work and never take the same row.
  // Open plans of open archives due before `today` whose current due date
  // has not been reported overdue yet, by id.
  absl::StatusOr<std::vector<OverduePlan>> ClaimOverduePlans(
      MysqlConnection& conn, absl::CivilDay today, int limit);
  absl::Status MarkOverdueNotified(MysqlConnection& conn, int64_t plan_id,
                                   absl::CivilDay due);
  // OPEN promises of open archives due before `today`, by id.
  absl::StatusOr<std::vector<BrokenPromise>> ClaimBrokenPromises(
      MysqlConnection& conn, absl::CivilDay today, int limit);
  absl::Status MarkPromiseBroken(MysqlConnection& conn, int64_t id);
};

}  // namespace csm::customer

#endif  // CSM_CUSTOMER_SVC_STORE_VISIT_STORE_H_
