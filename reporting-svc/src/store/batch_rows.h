// The rows every event writes, gathered per batch and written at its end
// as multi-row statements (store/report_rows.h): the complaint row, its
// deadlines and ledger columns (one row per complaint and batch: the
// last snapshot wins, each event carries the whole snapshot), the facts,
// holdings and feedback, the archive rows, their change rows and latest
// contacts. The
// follower is one connection issuing one statement after another, so the
// apply rate is bounded by round trips (docs/benchmarks.md, "Apply rate").
//
// Kept per connection, like store/batch_writes.h: a batch is one
// transaction on one connection; a failed batch's rows are dropped by the
// next BeginBatchRows there. Outside a batch each write is made at once.
// Whatever reads these tables inside a batch calls FlushBatchRows first
// (AddFaultDepartments reads the complaint rows); the batch-end refresh of
// the pre-aggregated figures runs after FlushBatchRows.
#ifndef CSM_REPORTING_SVC_STORE_BATCH_ROWS_H_
#define CSM_REPORTING_SVC_STORE_BATCH_ROWS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/mysql_pool.h"
#include "reporting-svc/src/store/report_tables.h"

namespace csm::reporting {

void BeginBatchRows(MysqlConnection& conn);
// Writes what the batch gathered so far, in the batch's transaction; the
// batch goes on gathering after it.
absl::Status FlushBatchRows(MysqlConnection& conn);

// ---- complaints

// The complaint row, its deadlines and its ledger columns as of
// `snapshot`; the accept and first-resolution columns come from its
// acknowledge and handling-opinion deadlines.
absl::Status UpsertComplaint(MysqlConnection& conn,
                             const ev::ComplaintSnapshot& snapshot);
// A breach as ComplaintDeadlineBreached tells it (the snapshot may not yet
// carry it).
absl::Status MarkDeadlineBreached(MysqlConnection& conn,
                                  absl::string_view complaint,
                                  absl::string_view kind, absl::Time due_time,
                                  absl::string_view department,
                                  absl::string_view staff_id);
absl::Status AddComplaintFact(MysqlConnection& conn, const ComplaintFact& f);
// A holding that ended (transfer out, resolution).
absl::Status AddHolding(MysqlConnection& conn, int64_t event_sequence,
                        absl::string_view complaint,
                        absl::string_view department,
                        absl::string_view staff_id, absl::Time end_time,
                        int64_t working_minutes);
absl::Status AddFeedback(MysqlConnection& conn, const FeedbackRow& row);

// ---- customers

absl::Status UpsertCustomer(MysqlConnection& conn,
                            const ev::CustomerSnapshot& snapshot);
absl::Status AddArchiveChange(MysqlConnection& conn, int64_t event_sequence,
                              absl::string_view customer, absl::Time time,
                              bool created,
                              const std::vector<std::string>& fields);

// An archive's latest dealing, contact (a communication's contact date or
// a visit's actual date) and visit (the latest when its date is later, or
// the same and its event later): archive_contacts.
absl::Status NoteDealing(MysqlConnection& conn, absl::string_view customer,
                         absl::CivilDay deal_date);
absl::Status NoteContact(MysqlConnection& conn, absl::string_view customer,
                         absl::CivilDay date);
absl::Status NoteVisit(MysqlConnection& conn, absl::string_view customer,
                       absl::CivilDay date, int64_t event_sequence,
                       absl::string_view visit, absl::string_view satisfaction);

}  // namespace csm::reporting

#endif  // CSM_REPORTING_SVC_STORE_BATCH_ROWS_H_
