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
  std::map<std::string, ContactRow> contacts;
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

// Appends `row` to the open batch's `rows`, or writes it at once.
template <typename Row>
void Append(MysqlConnection& conn, std::vector<Row> Gathered::*rows, Row row,
            void (*write)(MysqlConnection&, const std::vector<Row>&)) {
  if (Gathered* g = Batch(conn)) {
    (g->*rows).push_back(std::move(row));
  } else {
    write(conn, {std::move(row)});
  }
}

void Note(MysqlConnection& conn, ContactRow note) {
  Gathered* g = Batch(conn);
  if (g == nullptr) return WriteContacts(conn, {std::move(note)});
  auto [slot, fresh] = g->contacts.try_emplace(note.customer, note);
  if (!fresh) MergeContact(slot->second, std::move(note));
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
  WriteContacts(conn, Values(g.contacts));
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
  Append(conn, &Gathered::facts, f, WriteFacts);
  return absl::OkStatus();
}

absl::Status AddHolding(MysqlConnection& conn, int64_t event_sequence,
                        absl::string_view complaint,
                        absl::string_view department,
                        absl::string_view staff_id, absl::Time end_time,
                        int64_t working_minutes) {
  Append(conn, &Gathered::holdings,
         HoldingRow{event_sequence, std::string(complaint),
                    std::string(department), std::string(staff_id), end_time,
                    working_minutes},
         WriteHoldings);
  return absl::OkStatus();
}

absl::Status AddFeedback(MysqlConnection& conn, const FeedbackRow& row) {
  Append(conn, &Gathered::feedback, row, WriteFeedback);
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
  Append(conn, &Gathered::changes,
         ArchiveChangeRow{event_sequence, std::string(customer), time, created,
                          absl::StrJoin(fields, ",")},
         WriteArchiveChanges);
  return absl::OkStatus();
}

absl::Status NoteDealing(MysqlConnection& conn, absl::string_view customer,
                         absl::CivilDay deal_date) {
  ContactRow note;
  note.customer = std::string(customer);
  note.last_deal_date = deal_date;
  Note(conn, std::move(note));
  return absl::OkStatus();
}

absl::Status NoteContact(MysqlConnection& conn, absl::string_view customer,
                         absl::CivilDay date) {
  ContactRow note;
  note.customer = std::string(customer);
  note.last_contact_date = date;
  Note(conn, std::move(note));
  return absl::OkStatus();
}

absl::Status NoteVisit(MysqlConnection& conn, absl::string_view customer,
                       absl::CivilDay date, int64_t event_sequence,
                       absl::string_view visit,
                       absl::string_view satisfaction) {
  ContactRow note{std::string(customer),
                  std::nullopt,
                  date,
                  date,
                  event_sequence,
                  std::string(visit),
                  std::string(satisfaction)};
  Note(conn, std::move(note));
  return absl::OkStatus();
}

}  // namespace csm::reporting
