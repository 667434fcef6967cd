#include "reporting-svc/src/store/batch_writes.h"

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/business_time.h"
#include "reporting-svc/src/store/multi_row.h"
#include "reporting-svc/src/store/sql_bind.h"

namespace csm::reporting {
namespace {

struct StaffDay {
  std::string department;
  absl::Time at;
};

struct Gathered {
  std::set<std::pair<std::string, std::string>> values;
  std::map<std::pair<std::string, absl::CivilDay>, StaffDay> staff;
  std::set<std::string> complaints;
};

// The batches open now, by connection.
std::mutex mu;
std::map<const MysqlConnection*, Gathered>& Open() {
  static auto* open = new std::map<const MysqlConnection*, Gathered>;
  return *open;
}

constexpr char kValueInsert[] =
    "INSERT IGNORE INTO known_values (kind, value) VALUES ";
constexpr char kValueRow[] = "(?, ?)";
// department first: it compares with the stored time before it moves.
constexpr char kStaffInsert[] =
    "INSERT INTO staff_departments (staff_id, day, department, event_time) "
    "VALUES ";
constexpr char kStaffRow[] = "(?, ?, ?, ?)";
constexpr char kStaffMerge[] =
    " ON DUPLICATE KEY UPDATE "
    "department = IF(VALUES(event_time) >= event_time, "
    "VALUES(department), department), "
    "event_time = GREATEST(event_time, VALUES(event_time))";

using ValueRow = std::pair<std::string, std::string>;
using StaffRow = std::pair<std::pair<std::string, absl::CivilDay>, StaffDay>;

void WriteValues(MysqlConnection& conn, const std::vector<ValueRow>& rows) {
  WriteRows(
      conn, rows, kValueInsert, kValueRow, "",
      [](Binder& b, const ValueRow& r) { b.Str(r.first).Str(r.second, 100); });
}

void WriteStaff(MysqlConnection& conn, const std::vector<StaffRow>& rows) {
  WriteRows(conn, rows, kStaffInsert, kStaffRow, kStaffMerge,
            [](Binder& b, const StaffRow& r) {
              b.Str(r.first.first, 128)
                  .Date(r.first.second)
                  .Str(r.second.department, 100)
                  .Time(r.second.at);
            });
}

}  // namespace

void BeginBatchWrites(MysqlConnection& conn) {
  std::lock_guard<std::mutex> lock(mu);
  Open()[&conn] = Gathered{};
}

absl::Status FlushBatchWrites(MysqlConnection& conn) {
  Gathered g;
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = Open().find(&conn);
    if (it == Open().end()) return absl::OkStatus();
    g = std::move(it->second);
    it->second = Gathered{};
    // Taken by the refresh that follows (TakeChangedComplaints).
    it->second.complaints = std::move(g.complaints);
  }
  WriteValues(conn, {g.values.begin(), g.values.end()});
  WriteStaff(conn, {g.staff.begin(), g.staff.end()});
  return absl::OkStatus();
}

absl::Status RememberValue(MysqlConnection& conn, absl::string_view kind,
                           absl::string_view value) {
  if (value.empty()) return absl::OkStatus();
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = Open().find(&conn);
    if (it != Open().end()) {
      it->second.values.emplace(kind, value);
      return absl::OkStatus();
    }
  }
  WriteValues(conn, {{std::string(kind), std::string(value)}});
  return absl::OkStatus();
}

absl::Status RememberStaffDepartment(MysqlConnection& conn,
                                     absl::string_view staff_id,
                                     absl::string_view department,
                                     absl::Time at) {
  std::pair<std::string, absl::CivilDay> key(staff_id, BusinessDate(at));
  StaffDay day{std::string(department), at};
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = Open().find(&conn);
    if (it != Open().end()) {
      // As the upsert merges: the later time wins, a tie goes to the later.
      auto [slot, fresh] = it->second.staff.emplace(key, day);
      if (!fresh && day.at >= slot->second.at) slot->second = std::move(day);
      return absl::OkStatus();
    }
  }
  WriteStaff(conn, {{std::move(key), std::move(day)}});
  return absl::OkStatus();
}

absl::Status RememberChangedComplaint(MysqlConnection& conn,
                                      absl::string_view complaint) {
  std::lock_guard<std::mutex> lock(mu);
  auto it = Open().find(&conn);
  if (it == Open().end()) {
    return absl::FailedPreconditionError(
        "a complaint event applied outside a batch: its pre-aggregated "
        "figures would not be refreshed");
  }
  it->second.complaints.emplace(complaint);
  return absl::OkStatus();
}

absl::Status RememberChangedArchive(MysqlConnection& conn,
                                    absl::string_view customer) {
  return RememberChangedComplaint(conn, customer);
}

std::vector<std::string> TakeChangedComplaints(MysqlConnection& conn) {
  std::lock_guard<std::mutex> lock(mu);
  auto it = Open().find(&conn);
  if (it == Open().end()) return {};
  std::vector<std::string> out(it->second.complaints.begin(),
                               it->second.complaints.end());
  it->second.complaints.clear();
  return out;
}

}  // namespace csm::reporting
