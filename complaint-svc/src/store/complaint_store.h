#ifndef CSM_COMPLAINT_SVC_STORE_COMPLAINT_STORE_H_
#define CSM_COMPLAINT_SVC_STORE_COMPLAINT_STORE_H_

// complaint-svc's complaint tables (migrations/002_complaints.sql). Every
// statement is a prepared statement; values are bound, never spliced.
// Methods run on a connection the caller borrowed, inside the caller's
// transaction.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/filter.h"
#include "common/mysql_pool.h"
#include "common/paging.h"
#include "common/principal.h"
#include "complaint-svc/src/domain/linking.h"
#include "complaint-svc/src/domain/sla.h"
#include "csm/complaint/v1/complaint.pb.h"

namespace csm::complaint {

namespace v1 = ::csm::complaint::v1;

// A page of rows plus the keyset cursor of its last row (common/paging.h).
using ::csm::Page;

// A complaint row: the contract view plus what the rules keep.
struct ComplaintRecord {
  int64_t id = 0;
  int64_t version = 0;
  int64_t customer_id = 0;
  int64_t duplicate_of_id = 0;  // 0: none
  int64_t fault_report_id = 0;  // 0: none
  // Every contract field; deadlines, sla_paused, paused_working_minutes,
  // escalation_level, department_times and escalations are rendered from
  // `sla` and the child tables when read.
  v1::Complaint complaint;
  SlaState sla;
  std::string normalized_subject;
  std::string normalized_matter_reference;
};

struct ComplaintListQuery {
  std::vector<FilterTerm> filter;  // field names already validated
  bool newest_first = false;
  std::optional<PageCursor> after;
  int limit = 50;
  absl::Time now;  // for `overdue`
};

// A department's share of a complaint (working time and breaches).
struct DepartmentCharge {
  absl::Duration held = absl::ZeroDuration();
  bool breached_acknowledge = false;
  bool breached_handling_opinion = false;
  bool breached_investigated = false;

  void MarkBreached(v1::DeadlineKind kind) {
    switch (kind) {
      case v1::DEADLINE_KIND_ACKNOWLEDGE:
        breached_acknowledge = true;
        break;
      case v1::DEADLINE_KIND_INVESTIGATED:
        breached_investigated = true;
        break;
      default:
        breached_handling_opinion = true;
        break;
    }
  }
  bool any_breach() const {
    return breached_acknowledge || breached_handling_opinion ||
           breached_investigated;
  }
};

class ComplaintStore {
 public:
  // "complaints/{id}" -> id; INVALID_ARGUMENT on `field` otherwise.
  static absl::StatusOr<int64_t> ParseComplaintName(absl::string_view name,
                                                    absl::string_view field);
  static std::string ComplaintName(int64_t id);
  static absl::StatusOr<int64_t> ParseFaultReportName(absl::string_view name,
                                                      absl::string_view field);
  static std::string FaultReportName(int64_t id);
  // Renders the SLA state into the contract fields.
  static void RenderSla(const SlaState& sla, v1::Complaint* out);

  // ---- complaints
  // Next number in the month ("202611"), under the counter's row lock.
  absl::StatusOr<int64_t> NextComplaintSequence(MysqlConnection& conn,
                                                absl::string_view period);
  // Serialises registrations of one customer (row lock until commit).
  absl::Status LockCustomer(MysqlConnection& conn, int64_t customer_id);
  // The customer's complaints that are not CLOSED or REJECTED, locked FOR
  // UPDATE, as the same-matter rule needs them.
  absl::StatusOr<std::vector<OpenComplaintFacts>> LockOpenComplaintsOf(
      MysqlConnection& conn, int64_t customer_id);
  // Inserts; fills id, version, name and the times.
  absl::Status InsertComplaint(MysqlConnection& conn, ComplaintRecord* record,
                               absl::Time now);
  // NOT_FOUND when absent. `lock`: SELECT ... FOR UPDATE.
  absl::StatusOr<ComplaintRecord> GetComplaint(MysqlConnection& conn,
                                               int64_t id, bool lock);
  absl::StatusOr<bool> ComplaintExists(MysqlConnection& conn, int64_t id);
  // Writes every mutable column if the version is still record.version
  // (ABORTED otherwise) and bumps it.
  absl::Status UpdateComplaint(MysqlConnection& conn, ComplaintRecord* record,
                               absl::Time now);
  absl::StatusOr<Page<v1::Complaint>> ListComplaints(
      MysqlConnection& conn, const ComplaintListQuery& query);

  // ---- child rows
  absl::Status InsertStep(MysqlConnection& conn, int64_t complaint_id,
                          absl::string_view action, v1::ComplaintState from,
                          v1::ComplaintState to, absl::string_view actor_id,
                          absl::string_view actor_department,
                          absl::string_view note, absl::Time now);
  // Oldest first.
  absl::StatusOr<Page<v1::ComplaintStep>> ListSteps(
      MysqlConnection& conn, int64_t complaint_id,
      std::optional<PageCursor> after, int limit);
  // Adds working time and breach flags to a department's row (creating it).
  absl::Status ChargeDepartment(MysqlConnection& conn, int64_t complaint_id,
                                absl::string_view department,
                                const DepartmentCharge& charge, absl::Time now);
  // ALREADY_EXISTS if the level was recorded before.
  absl::Status InsertEscalation(MysqlConnection& conn, int64_t complaint_id,
                                v1::EscalationLevel level,
                                v1::DeadlineKind deadline,
                                absl::string_view department, absl::Time at);

  // ---- the sweep
  // Ids of complaints whose next action time has come, locked FOR UPDATE
  // SKIP LOCKED (rows another sweeper holds are skipped, not waited for).
  absl::StatusOr<std::vector<int64_t>> LockDueForSweep(MysqlConnection& conn,
                                                       absl::Time now,
                                                       int limit);

  // ---- fault reports
  absl::Status InsertFaultReport(MysqlConnection& conn, v1::FaultReport* report,
                                 absl::Time now);
  absl::Status LinkFaultReport(MysqlConnection& conn, int64_t report_id,
                               int64_t complaint_id);
  absl::StatusOr<v1::FaultReport> GetFaultReport(MysqlConnection& conn,
                                                 int64_t id, bool lock);
  absl::StatusOr<Page<v1::FaultReport>> ListFaultReports(
      MysqlConnection& conn, std::optional<PageCursor> after, int limit);
  // Writes the analysis if the version is still `expected_version`.
  absl::Status SubmitFaultAnalysis(MysqlConnection& conn, int64_t id,
                                   const v1::FaultReport& analysis,
                                   int64_t expected_version, absl::Time now);
};

}  // namespace csm::complaint

#endif  // CSM_COMPLAINT_SVC_STORE_COMPLAINT_STORE_H_
