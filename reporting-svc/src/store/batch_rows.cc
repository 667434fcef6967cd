#include "reporting-svc/src/store/batch_rows.h"

#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_join.h"
#include "reporting-svc/src/store/report_rows.h"
#include "reporting-svc/src/store/sql_bind.h"

namespace csm::reporting {
namespace {

using DeadlineKey = std::pair<std::string, std::string>;

struct Gathered {
  std::map<std::string, ComplaintRow> complaints;
  std::map<DeadlineKey, DeadlineRow> deadlines;
  std::vector<ComplaintFact> facts;
  std::vector<HoldingRow> holdings;
  std::vector<FeedbackRow> feedback;
  std::map<std::string, CustomerRow> customers;
  std::vector<ArchiveChangeRow> changes;
};

// The batches open now, by connection. A connection's entry is used only
// by the thread that holds the connection; the lock guards the map.
std::mutex mu;
std::map<const MysqlConnection*, Gathered>& Open() {
  static auto* open = new std::map<const MysqlConnection*, Gathered>;
  return *open;
}

// The open batch's rows on `conn`, or null outside a batch.
Gathered* Batch(MysqlConnection& conn) {
  std::lock_guard<std::mutex> lock(mu);
  auto it = Open().find(&conn);
  return it == Open().end() ? nullptr : &it->second;
}

template <typename K, typename V>
std::vector<V> Values(std::map<K, V>& rows) {
  std::vector<V> out;
  out.reserve(rows.size());
  for (auto& [key, row] : rows) out.push_back(std::move(row));
  return out;
}

void GatherDeadlines(Gathered& g, const ev::ComplaintSnapshot& s) {
  for (const ev::DeadlineState& d : s.deadlines()) {
    DeadlineRow row = DeadlineRowOf(s, d);
    auto [slot, fresh] =
        g.deadlines.try_emplace(DeadlineKey(row.complaint, row.kind), row);
    if (!fresh) MergeDeadline(slot->second, std::move(row));
  }
}

}  // namespace

void BeginBatchRows(MysqlConnection& conn) {
  std::lock_guard<std::mutex> lock(mu);
  Open()[&conn] = Gathered{};
}

absl::Status FlushBatchRows(MysqlConnection& conn) {
  Gathered* open = Batch(conn);
  if (open == nullptr) return absl::OkStatus();
  Gathered g = std::move(*open);
  *open = Gathered{};
  WriteComplaints(conn, Values(g.complaints));
  WriteDeadlines(conn, Values(g.deadlines));
  WriteFacts(conn, g.facts);
  WriteHoldings(conn, g.holdings);
  WriteFeedback(conn, g.feedback);
  WriteCustomers(conn, Values(g.customers));
  WriteArchiveChanges(conn, g.changes);
  return absl::OkStatus();
}

absl::Status UpsertComplaint(MysqlConnection& conn,
                             const ev::ComplaintSnapshot& s) {
  Gathered* g = Batch(conn);
  if (g == nullptr) {
    WriteComplaints(conn, {ComplaintRow{s, s}});
    Gathered one;
    GatherDeadlines(one, s);
    WriteDeadlines(conn, Values(one.deadlines));
    return absl::OkStatus();
  }
  auto [slot, fresh] = g->complaints.try_emplace(s.name());
  if (fresh) slot->second.first = s;
  slot->second.last = s;
  GatherDeadlines(*g, s);
  return absl::OkStatus();
}

absl::Status MarkDeadlineBreached(MysqlConnection& conn,
                                  absl::string_view complaint,
                                  absl::string_view kind, absl::Time due_time,
                                  absl::string_view department,
                                  absl::string_view staff_id) {
  if (Gathered* g = Batch(conn)) {
    auto it = g->deadlines.find(DeadlineKey(complaint, kind));
    if (it != g->deadlines.end() && !department.empty()) {
      // The breach over the gathered upsert, as the statement would set it.
      DeadlineRow& row = it->second;
      row.due_time = due_time;
      row.breached = 1;
      row.breached_department = std::string(department);
      row.breached_staff_id = std::string(staff_id);
      return absl::OkStatus();
    }
    if (it != g->deadlines.end()) {
      // A breach naming no department clears the stored one, which no
      // upsert does: the gathered row is written before it.
      WriteDeadlines(conn, {std::move(it->second)});
      g->deadlines.erase(it);
    }
  }
  WriteDeadlineBreach(conn, complaint, kind, due_time, department, staff_id);
  return absl::OkStatus();
}

absl::Status AddComplaintFact(MysqlConnection& conn, const ComplaintFact& f) {
  if (Gathered* g = Batch(conn)) {
    g->facts.push_back(f);
  } else {
    WriteFacts(conn, {f});
  }
  return absl::OkStatus();
}

absl::Status AddHolding(MysqlConnection& conn, int64_t event_sequence,
                        absl::string_view complaint,
                        absl::string_view department,
                        absl::string_view staff_id, absl::Time end_time,
                        int64_t working_minutes) {
  HoldingRow h{event_sequence,
               std::string(complaint),
               std::string(department),
               std::string(staff_id),
               end_time,
               working_minutes};
  if (Gathered* g = Batch(conn)) {
    g->holdings.push_back(std::move(h));
  } else {
    WriteHoldings(conn, {std::move(h)});
  }
  return absl::OkStatus();
}

absl::Status AddFeedback(MysqlConnection& conn, const FeedbackRow& row) {
  if (Gathered* g = Batch(conn)) {
    g->feedback.push_back(row);
  } else {
    WriteFeedback(conn, {row});
  }
  return absl::OkStatus();
}

absl::Status UpsertCustomer(MysqlConnection& conn,
                            const ev::CustomerSnapshot& s) {
  Gathered* g = Batch(conn);
  if (g == nullptr) {
    WriteCustomers(conn, {CustomerRow{s, OptTime(s.create_time())}});
    return absl::OkStatus();
  }
  CustomerRow& row = g->customers[s.name()];
  row.last = s;
  // As COALESCE(create_time, VALUES(create_time)) keeps the first.
  if (!row.create_time.has_value()) row.create_time = OptTime(s.create_time());
  return absl::OkStatus();
}

absl::Status AddArchiveChange(MysqlConnection& conn, int64_t event_sequence,
                              absl::string_view customer, absl::Time time,
                              bool created,
                              const std::vector<std::string>& fields) {
  ArchiveChangeRow r{event_sequence, std::string(customer), time, created,
                     absl::StrJoin(fields, ",")};
  if (Gathered* g = Batch(conn)) {
    g->changes.push_back(std::move(r));
  } else {
    WriteArchiveChanges(conn, {std::move(r)});
  }
  return absl::OkStatus();
}

}  // namespace csm::reporting
