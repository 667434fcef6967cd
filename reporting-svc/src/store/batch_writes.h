// Writes that the events of one batch repeat many times over, gathered per
// batch and made once at its end (EventHandlers::OnBatch): the names that
// filters may use (known_values: every complaint event names its
// departments and category again) and each staff member's department of
// the day (staff_departments: every event of an actor). At a year's scale
// they were most of the statements per event (docs/benchmarks.md, "Reports
// at scale").
//
// Kept per connection: a batch is one transaction on one connection, so the
// two sources' followers (or a follower and a rebuild) never mix what they
// gathered. A batch that fails is rolled back and its gathered writes are
// dropped by the next BeginBatchWrites on that connection. Outside a batch
// each write is made at once.
#ifndef CSM_REPORTING_SVC_STORE_BATCH_WRITES_H_
#define CSM_REPORTING_SVC_STORE_BATCH_WRITES_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/mysql_pool.h"

namespace csm::reporting {

void BeginBatchWrites(MysqlConnection& conn);
// Writes what the batch gathered, in the batch's transaction.
absl::Status FlushBatchWrites(MysqlConnection& conn);

// A value of a dimension filters may name ("department", "category"), so
// that a filter naming one never seen is refused. "" is no value.
absl::Status RememberValue(MysqlConnection& conn, absl::string_view kind,
                           absl::string_view value);

// The department `staff_id` acted for on `at`'s business day: the latest
// event's of that day wins (ties: the later one applied).
absl::Status RememberStaffDepartment(MysqlConnection& conn,
                                     absl::string_view staff_id,
                                     absl::string_view department,
                                     absl::Time at);

// A complaint an event of the batch changed: its pre-aggregated figures
// are refreshed at the batch's end (TakeChangedComplaints). Only inside a
// batch (FailedPrecondition otherwise): the refresh must follow every write
// of the batch.
absl::Status RememberChangedComplaint(MysqlConnection& conn,
                                      absl::string_view complaint);
// An archive an event of the batch changed (its row, visits, due
// occurrences or promises): refreshed with the complaints, whose names
// ("complaints/…") never equal an archive's ("customers/…").
absl::Status RememberChangedArchive(MysqlConnection& conn,
                                    absl::string_view customer);
// The complaints and archives the open batch changed, sorted; forgets them.
std::vector<std::string> TakeChangedComplaints(MysqlConnection& conn);

}  // namespace csm::reporting

#endif  // CSM_REPORTING_SVC_STORE_BATCH_WRITES_H_
