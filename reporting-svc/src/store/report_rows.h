// The rows of the report tables that the event appliers write per event,
// each kind written many at a time (store/multi_row.h): what a batch
// gathered (store/batch_rows.h), or one row outside a batch. Prepared
// statements only; on the caller's connection, in its transaction.
#ifndef CSM_REPORTING_SVC_STORE_REPORT_ROWS_H_
#define CSM_REPORTING_SVC_STORE_REPORT_ROWS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/mysql_pool.h"
#include "reporting-svc/src/store/report_tables.h"

namespace csm::reporting {

// A complaint as of the last of the snapshots a batch carried, but for
// the columns only its insert sets (customer, grade, channel, register
// time, department and first responder), which are the first's: written
// one after another, the later upserts would not change them.
struct ComplaintRow {
  ev::ComplaintSnapshot first;
  ev::ComplaintSnapshot last;
};
// The complaint row (complaints) and its ledger columns (complaint_ledger).
void WriteComplaints(MysqlConnection& conn,
                     const std::vector<ComplaintRow>& rows);

struct DeadlineRow {
  std::string complaint;
  std::string kind;
  std::optional<absl::Time> due_time;
  std::optional<absl::Time> met_time;
  int64_t breached = 0;
  int64_t met_working_minutes = 0;
  std::string met_staff_id;
  std::string met_department;
  std::string breached_department;
  std::string breached_staff_id;
};
DeadlineRow DeadlineRowOf(const ev::ComplaintSnapshot& s,
                          const ev::DeadlineState& d);
// Each row upserted as the snapshot's deadline: a breach once recorded
// stays, and so does its department when the row names none.
void WriteDeadlines(MysqlConnection& conn,
                    const std::vector<DeadlineRow>& rows);
// `row` as the stored row becomes when `later` is upserted over it.
void MergeDeadline(DeadlineRow& row, DeadlineRow later);
// The breach alone (the snapshot may not yet carry it).
void WriteDeadlineBreach(MysqlConnection& conn, absl::string_view complaint,
                         absl::string_view kind, absl::Time due_time,
                         absl::string_view department,
                         absl::string_view staff_id);

void WriteFacts(MysqlConnection& conn, const std::vector<ComplaintFact>& rows);

struct HoldingRow {
  int64_t event_sequence = 0;
  std::string complaint;
  std::string department;
  std::string staff_id;
  absl::Time end_time;
  int64_t working_minutes = 0;
};
void WriteHoldings(MysqlConnection& conn, const std::vector<HoldingRow>& rows);

void WriteFeedback(MysqlConnection& conn, const std::vector<FeedbackRow>& rows);

// An archive as of the last snapshot; its create time the first one any
// snapshot carried (a stored one is kept).
struct CustomerRow {
  ev::CustomerSnapshot last;
  std::optional<absl::Time> create_time;
};
void WriteCustomers(MysqlConnection& conn,
                    const std::vector<CustomerRow>& rows);

struct ArchiveChangeRow {
  int64_t event_sequence = 0;
  std::string customer;
  absl::Time time;
  bool created = false;
  std::string changed_fields;  // comma-separated
};
void WriteArchiveChanges(MysqlConnection& conn,
                         const std::vector<ArchiveChangeRow>& rows);

// An archive's latest contacts (archive_contacts): each date the latest
// noted, the visit the latest by date, then by event.
struct ContactRow {
  std::string customer;
  std::optional<absl::CivilDay> last_deal_date;
  std::optional<absl::CivilDay> last_contact_date;
  std::optional<absl::CivilDay> last_visit_date;
  int64_t last_visit_sequence = 0;
  std::string last_visit;
  std::string last_visit_satisfaction;
};
void WriteContacts(MysqlConnection& conn, const std::vector<ContactRow>& rows);
// `row` as the stored row becomes when `later` is written over it.
void MergeContact(ContactRow& row, ContactRow later);

}  // namespace csm::reporting

#endif  // CSM_REPORTING_SVC_STORE_REPORT_ROWS_H_
