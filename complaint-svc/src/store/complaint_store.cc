#include "complaint-svc/src/store/complaint_store.h"

#include <memory>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/business_time.h"
#include "common/sql_rows.h"
#include "common/sql_values.h"
#include "common/status.h"
#include "common/text.h"
#include "complaint-svc/src/domain/complaint_state_machine.h"
#include "complaint-svc/src/domain/text_limits.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"

namespace csm::complaint {
namespace {

using sql_rows::LastInsertId;
using sql_rows::ResultSetPtr;
using sql_rows::Str;
using sql_rows::TimeCol;

absl::StatusOr<std::optional<absl::Time>> OptTimeCol(const ResultSetPtr& rs,
                                                     const char* column) {
  if (rs->isNull(column)) return std::optional<absl::Time>();
  CSM_ASSIGN_OR_RETURN(absl::Time t, TimeCol(rs, column));
  return std::optional<absl::Time>(t);
}

void SetTs(absl::Time t, google::protobuf::Timestamp* out) {
  ToProtoTimestamp(t, out);
}

// Shorthands for the bound values of statements built from column lists.
using Value = sql_rows::Param;
Value S(std::string s) { return Value::String(std::move(s)); }
Value I(int64_t i) { return Value::Int(i); }
Value T(absl::Time t) { return Value::Time(t); }
Value OptT(const std::optional<absl::Time>& t) {
  return t.has_value() ? T(*t) : Value::Null();
}
Value NullIfEmpty(const std::string& s) {
  return s.empty() ? Value::Null() : S(s);
}
// An instant of a deadline the complaint may not have (NULL then).
Value TrackedT(const DeadlineClock& d, absl::Time t) {
  return d.tracked() ? T(t) : Value::Null();
}
Value Secs(absl::Duration d) { return I(absl::ToInt64Seconds(d)); }
Value OptI(const std::optional<int64_t>& i) {
  return i.has_value() ? I(*i) : Value::Null();
}

using Columns = std::vector<std::pair<const char*, Value>>;

// A deadline's settlement columns (004_settlements.sql).
struct SettlementColumns {
  const char* met_working_minutes;
  const char* met_by;
  const char* met_department;
  const char* breached_department;
  const char* breached_staff_id;
};

const SettlementColumns& SettlementColumnsOf(v1::DeadlineKind kind) {
  static constexpr SettlementColumns kAck = {
      "ack_met_working_minutes", "ack_met_staff_id", "ack_met_department",
      "ack_breached_department", "ack_breached_staff_id"};
  static constexpr SettlementColumns kInvestigate = {
      "investigate_met_working_minutes", "investigate_met_staff_id",
      "investigate_met_department", "investigate_breached_department",
      "investigate_breached_staff_id"};
  static constexpr SettlementColumns kOpinion = {
      "opinion_met_working_minutes", "opinion_met_staff_id",
      "opinion_met_department", "opinion_breached_department",
      "opinion_breached_staff_id"};
  switch (kind) {
    case v1::DEADLINE_KIND_ACKNOWLEDGE:
      return kAck;
    case v1::DEADLINE_KIND_INVESTIGATED:
      return kInvestigate;
    default:
      return kOpinion;
  }
}

// What each deadline's meeting and breach recorded.
void AddSettlementColumns(const SlaState& s, Columns* cols) {
  for (const DeadlineClock* d : s.deadlines()) {
    const SettlementColumns& n = SettlementColumnsOf(d->kind);
    cols->push_back({n.met_working_minutes, OptI(d->met_working_minutes)});
    cols->push_back({n.met_by, S(d->met_by.staff_id)});
    cols->push_back({n.met_department, S(d->met_by.department)});
    cols->push_back({n.breached_department, S(d->breached_holder.department)});
    cols->push_back({n.breached_staff_id, S(d->breached_holder.staff_id)});
  }
}

void ReadSettlement(const ResultSetPtr& rs, DeadlineClock* d) {
  const SettlementColumns& n = SettlementColumnsOf(d->kind);
  if (!rs->isNull(n.met_working_minutes)) {
    d->met_working_minutes = rs->getInt64(n.met_working_minutes);
  }
  d->met_by = {Str(rs, n.met_by), Str(rs, n.met_department)};
  d->breached_holder = {Str(rs, n.breached_staff_id),
                        Str(rs, n.breached_department)};
}

// Every column but id and version, from the record.
Columns ComplaintColumns(const ComplaintRecord& r) {
  const v1::Complaint& c = r.complaint;
  const SlaState& s = r.sla;
  Columns cols = {
      {"complaint_number", S(c.complaint_number())},
      {"customer_id", I(r.customer_id)},
      {"customer_display_name", S(c.customer_display_name())},
      {"customer_grade", S(c.customer_grade())},
      {"customer_owner_id", S(c.customer_owner_id())},
      {"channel", I(c.channel())},
      {"category", S(c.category())},
      {"severity", I(c.severity())},
      {"subject", S(c.subject())},
      {"normalized_subject", S(r.normalized_subject)},
      {"description", S(c.description())},
      {"customer_request", S(c.customer_request())},
      {"matter_reference", S(c.matter_reference())},
      {"normalized_matter_reference", S(r.normalized_matter_reference)},
      {"state", I(c.state())},
      {"first_responder_id", S(c.first_responder_id())},
      {"first_responder_department", S(c.first_responder_department())},
      {"handling_department", S(c.handling_department())},
      {"handler_id", S(c.handler_id())},
      {"sla_policy", S(s.terms.policy)},
      {"sla_ack_minutes", I(s.terms.acknowledge_working_minutes)},
      {"sla_opinion_days", I(s.terms.handling_opinion_working_days)},
      {"sla_warning_percent", I(s.terms.warning_percent)},
      {"sla_step_minutes", I(s.terms.escalation_step_working_minutes)},
      {"ack_due", T(s.acknowledge.due)},
      {"ack_warn_at", T(s.acknowledge.warn_at)},
      {"ack_met_time", OptT(s.acknowledge.met)},
      {"ack_warned", I(s.acknowledge.warned)},
      {"ack_breached", I(s.acknowledge.breached)},
      {"opinion_due", T(s.handling_opinion.due)},
      {"opinion_warn_at", T(s.handling_opinion.warn_at)},
      {"opinion_met_time", OptT(s.handling_opinion.met)},
      {"opinion_warned", I(s.handling_opinion.warned)},
      {"opinion_breached", I(s.handling_opinion.breached)},
      {"sla_investigate_days", I(s.terms.investigation_working_days)},
      {"investigate_due", TrackedT(s.investigated, s.investigated.due)},
      {"investigate_warn_at", TrackedT(s.investigated, s.investigated.warn_at)},
      {"investigate_met_time", OptT(s.investigated.met)},
      {"investigate_warned", I(s.investigated.warned)},
      {"investigate_breached", I(s.investigated.breached)},
      {"investigation_findings", NullIfEmpty(c.investigation().findings())},
      {"investigator_id", S(c.investigation().investigator_id())},
      {"investigate_time",
       c.investigation().has_investigate_time()
           ? T(FromProtoTimestamp(c.investigation().investigate_time()))
           : Value::Null()},
      {"paused_since", OptT(s.paused_since)},
      {"paused_working_seconds", Secs(s.paused_working)},
      {"holding_since", T(s.holding_since)},
      {"holding_paused_seconds", Secs(s.holding_paused)},
      {"escalation_level", I(s.escalation_level)},
      {"escalation_anchor", OptT(s.escalation_anchor)},
      {"escalation_anchor_level", I(s.escalation_anchor_level)},
      {"escalation_deadline", I(s.escalation_deadline)},
      {"next_escalation_due", OptT(s.next_escalation_due)},
      {"cause_analysis", NullIfEmpty(c.resolution().cause_analysis())},
      {"immediate_fix", NullIfEmpty(c.resolution().immediate_fix())},
      {"corrective_action", NullIfEmpty(c.resolution().corrective_action())},
      {"responsibility", I(c.resolution().responsibility())},
      {"resolver_id", S(c.resolution().resolver_id())},
      {"resolve_time",
       c.resolution().has_resolve_time()
           ? T(FromProtoTimestamp(c.resolution().resolve_time()))
           : Value::Null()},
      {"satisfaction", I(c.satisfaction())},
      {"customer_feedback", NullIfEmpty(c.customer_feedback())},
      {"return_visit_method", S(c.return_visit().method())},
      {"return_visit_satisfaction", I(c.return_visit().satisfaction())},
      {"return_visit_notes", NullIfEmpty(c.return_visit().notes())},
      {"return_visit_staff_id", S(c.return_visit().staff_id())},
      {"return_visit_time",
       c.return_visit().has_visit_time()
           ? T(FromProtoTimestamp(c.return_visit().visit_time()))
           : Value::Null()},
      {"rejection_kind", I(c.rejection_kind())},
      {"rejection_reason", S(c.rejection_reason())},
      {"duplicate_of_id",
       r.duplicate_of_id == 0 ? Value::Null() : I(r.duplicate_of_id)},
      {"repeat_contacts", I(c.repeat_contacts())},
      {"reopen_count", I(c.reopen_count())},
      {"fault_report_id",
       r.fault_report_id == 0 ? Value::Null() : I(r.fault_report_id)},
      {"close_time", c.has_close_time() ? T(FromProtoTimestamp(c.close_time()))
                                        : Value::Null()},
      // Derived, so that no caller can forget it.
      {"next_action_time",
       OptT(SlaClock::NextActionTime(
           s, ComplaintStateMachine::SlaRunning(c.state())))},
      {"resolving_department", S(c.resolution().resolving_department())},
  };
  AddSettlementColumns(s, &cols);
  return cols;
}

absl::StatusOr<ComplaintRecord> ComplaintFromRow(const ResultSetPtr& rs) {
  ComplaintRecord r;
  r.id = rs->getInt64("id");
  r.version = rs->getInt64("version");
  r.customer_id = rs->getInt64("customer_id");
  r.duplicate_of_id =
      rs->isNull("duplicate_of_id") ? 0 : rs->getInt64("duplicate_of_id");
  r.fault_report_id =
      rs->isNull("fault_report_id") ? 0 : rs->getInt64("fault_report_id");
  r.normalized_subject = Str(rs, "normalized_subject");
  r.normalized_matter_reference = Str(rs, "normalized_matter_reference");
  v1::Complaint& c = r.complaint;
  c.set_name(ComplaintStore::ComplaintName(r.id));
  c.set_complaint_number(Str(rs, "complaint_number"));
  c.set_customer(absl::StrCat("customers/", r.customer_id));
  c.set_customer_display_name(Str(rs, "customer_display_name"));
  c.set_customer_grade(Str(rs, "customer_grade"));
  c.set_customer_owner_id(Str(rs, "customer_owner_id"));
  c.set_channel(static_cast<v1::ComplaintChannel>(rs->getInt("channel")));
  c.set_category(Str(rs, "category"));
  c.set_severity(static_cast<v1::Severity>(rs->getInt("severity")));
  c.set_subject(Str(rs, "subject"));
  c.set_description(Str(rs, "description"));
  c.set_customer_request(Str(rs, "customer_request"));
  c.set_matter_reference(Str(rs, "matter_reference"));
  c.set_state(static_cast<v1::ComplaintState>(rs->getInt("state")));
  c.set_first_responder_id(Str(rs, "first_responder_id"));
  c.set_first_responder_department(Str(rs, "first_responder_department"));
  c.set_handling_department(Str(rs, "handling_department"));
  c.set_handler_id(Str(rs, "handler_id"));

  SlaState& s = r.sla;
  s.terms.policy = Str(rs, "sla_policy");
  s.terms.acknowledge_working_minutes = rs->getInt("sla_ack_minutes");
  s.terms.handling_opinion_working_days = rs->getInt("sla_opinion_days");
  s.terms.warning_percent = rs->getInt("sla_warning_percent");
  s.terms.escalation_step_working_minutes = rs->getInt("sla_step_minutes");
  CSM_ASSIGN_OR_RETURN(s.register_time, TimeCol(rs, "create_time"));
  s.acknowledge.kind = v1::DEADLINE_KIND_ACKNOWLEDGE;
  CSM_ASSIGN_OR_RETURN(s.acknowledge.due, TimeCol(rs, "ack_due"));
  CSM_ASSIGN_OR_RETURN(s.acknowledge.warn_at, TimeCol(rs, "ack_warn_at"));
  CSM_ASSIGN_OR_RETURN(s.acknowledge.met, OptTimeCol(rs, "ack_met_time"));
  s.acknowledge.warned = rs->getBoolean("ack_warned");
  s.acknowledge.breached = rs->getBoolean("ack_breached");
  s.handling_opinion.kind = v1::DEADLINE_KIND_HANDLING_OPINION;
  CSM_ASSIGN_OR_RETURN(s.handling_opinion.due, TimeCol(rs, "opinion_due"));
  CSM_ASSIGN_OR_RETURN(s.handling_opinion.warn_at,
                       TimeCol(rs, "opinion_warn_at"));
  CSM_ASSIGN_OR_RETURN(s.handling_opinion.met,
                       OptTimeCol(rs, "opinion_met_time"));
  s.handling_opinion.warned = rs->getBoolean("opinion_warned");
  s.handling_opinion.breached = rs->getBoolean("opinion_breached");
  s.terms.investigation_working_days = rs->getInt("sla_investigate_days");
  s.investigated.kind = v1::DEADLINE_KIND_INVESTIGATED;
  // NULL: registered before the investigated deadline existed (untracked).
  CSM_ASSIGN_OR_RETURN(auto investigate_due, OptTimeCol(rs, "investigate_due"));
  CSM_ASSIGN_OR_RETURN(auto investigate_warn,
                       OptTimeCol(rs, "investigate_warn_at"));
  s.investigated.due = investigate_due.value_or(absl::InfiniteFuture());
  s.investigated.warn_at = investigate_warn.value_or(absl::InfiniteFuture());
  CSM_ASSIGN_OR_RETURN(s.investigated.met,
                       OptTimeCol(rs, "investigate_met_time"));
  s.investigated.warned = rs->getBoolean("investigate_warned");
  s.investigated.breached = rs->getBoolean("investigate_breached");
  CSM_ASSIGN_OR_RETURN(s.paused_since, OptTimeCol(rs, "paused_since"));
  s.paused_working = absl::Seconds(rs->getInt64("paused_working_seconds"));
  CSM_ASSIGN_OR_RETURN(s.holding_since, TimeCol(rs, "holding_since"));
  s.holding_paused = absl::Seconds(rs->getInt64("holding_paused_seconds"));
  s.escalation_level = rs->getInt("escalation_level");
  CSM_ASSIGN_OR_RETURN(s.escalation_anchor,
                       OptTimeCol(rs, "escalation_anchor"));
  s.escalation_anchor_level = rs->getInt("escalation_anchor_level");
  s.escalation_deadline =
      static_cast<v1::DeadlineKind>(rs->getInt("escalation_deadline"));
  CSM_ASSIGN_OR_RETURN(s.next_escalation_due,
                       OptTimeCol(rs, "next_escalation_due"));
  for (DeadlineClock* d : s.deadlines()) ReadSettlement(rs, d);

  if (!rs->isNull("resolve_time")) {
    v1::Resolution* res = c.mutable_resolution();
    res->set_cause_analysis(Str(rs, "cause_analysis"));
    res->set_immediate_fix(Str(rs, "immediate_fix"));
    res->set_corrective_action(Str(rs, "corrective_action"));
    res->set_responsibility(
        static_cast<v1::Responsibility>(rs->getInt("responsibility")));
    res->set_resolver_id(Str(rs, "resolver_id"));
    res->set_resolving_department(Str(rs, "resolving_department"));
    CSM_ASSIGN_OR_RETURN(absl::Time t, TimeCol(rs, "resolve_time"));
    SetTs(t, res->mutable_resolve_time());
  }
  if (!rs->isNull("investigate_time")) {
    v1::Investigation* inv = c.mutable_investigation();
    inv->set_findings(Str(rs, "investigation_findings"));
    inv->set_investigator_id(Str(rs, "investigator_id"));
    CSM_ASSIGN_OR_RETURN(absl::Time t, TimeCol(rs, "investigate_time"));
    SetTs(t, inv->mutable_investigate_time());
  }
  c.set_satisfaction(
      static_cast<csm::common::v1::Satisfaction>(rs->getInt("satisfaction")));
  if (!rs->isNull("customer_feedback")) {
    c.set_customer_feedback(Str(rs, "customer_feedback"));
  }
  if (!rs->isNull("return_visit_time")) {
    v1::ComplaintReturnVisit* rv = c.mutable_return_visit();
    rv->set_method(Str(rs, "return_visit_method"));
    rv->set_satisfaction(static_cast<csm::common::v1::Satisfaction>(
        rs->getInt("return_visit_satisfaction")));
    if (!rs->isNull("return_visit_notes")) {
      rv->set_notes(Str(rs, "return_visit_notes"));
    }
    rv->set_staff_id(Str(rs, "return_visit_staff_id"));
    CSM_ASSIGN_OR_RETURN(absl::Time t, TimeCol(rs, "return_visit_time"));
    SetTs(t, rv->mutable_visit_time());
  }
  c.set_rejection_kind(
      static_cast<v1::RejectionKind>(rs->getInt("rejection_kind")));
  c.set_rejection_reason(Str(rs, "rejection_reason"));
  if (r.duplicate_of_id != 0) {
    c.set_duplicate_of(ComplaintStore::ComplaintName(r.duplicate_of_id));
  }
  c.set_repeat_contacts(rs->getInt("repeat_contacts"));
  c.set_reopen_count(rs->getInt("reopen_count"));
  if (r.fault_report_id != 0) {
    c.set_fault_report(ComplaintStore::FaultReportName(r.fault_report_id));
  }
  SetTs(s.register_time, c.mutable_create_time());
  CSM_ASSIGN_OR_RETURN(absl::Time updated, TimeCol(rs, "update_time"));
  SetTs(updated, c.mutable_update_time());
  CSM_ASSIGN_OR_RETURN(auto closed, OptTimeCol(rs, "close_time"));
  if (closed.has_value()) SetTs(*closed, c.mutable_close_time());
  c.set_etag(std::to_string(r.version));
  ComplaintStore::RenderSla(s, &c);
  return r;
}

// Department times and escalations of the given complaints.
absl::Status LoadChildren(
    MysqlConnection& conn,
    const std::vector<std::pair<int64_t, v1::Complaint*>>& complaints) {
  for (const auto& [id, c] : complaints) {
    sql::PreparedStatement& dt = conn.Prepare(
        "SELECT department, working_seconds, breached_acknowledge, "
        "breached_handling_opinion, breached_investigated FROM "
        "complaint_department_times WHERE complaint_id = ? ORDER BY "
        "first_time, department");
    dt.setInt64(1, id);
    ResultSetPtr rs(dt.executeQuery());
    c->clear_department_times();
    while (rs->next()) {
      v1::DepartmentTime* d = c->add_department_times();
      d->set_department(Str(rs, "department"));
      d->set_working_minutes(rs->getInt64("working_seconds") / 60);
      d->set_breached_acknowledge(rs->getBoolean("breached_acknowledge"));
      d->set_breached_handling_opinion(
          rs->getBoolean("breached_handling_opinion"));
      d->set_breached_investigated(rs->getBoolean("breached_investigated"));
    }
    rs.reset();
    sql::PreparedStatement& esc = conn.Prepare(
        "SELECT level, deadline, department, escalate_time FROM "
        "complaint_escalations WHERE complaint_id = ? ORDER BY level");
    esc.setInt64(1, id);
    rs.reset(esc.executeQuery());
    c->clear_escalations();
    while (rs->next()) {
      v1::Escalation* e = c->add_escalations();
      e->set_level(static_cast<v1::EscalationLevel>(rs->getInt("level")));
      e->set_deadline(static_cast<v1::DeadlineKind>(rs->getInt("deadline")));
      e->set_department(Str(rs, "department"));
      CSM_ASSIGN_OR_RETURN(absl::Time t, TimeCol(rs, "escalate_time"));
      SetTs(t, e->mutable_escalate_time());
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> ParseId(absl::string_view name, absl::string_view kind,
                                absl::string_view field) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  int64_t id = 0;
  if (parts.size() != 2 || parts[0] != kind ||
      !absl::SimpleAtoi(parts[1], &id) || id <= 0) {
    return InvalidField(std::string(field),
                        absl::StrCat(Quote(name), " is not a ", kind,
                                     " name; expected ", kind, "/{id}"));
  }
  return id;
}

absl::StatusOr<v1::FaultReport> FaultReportFromRow(const ResultSetPtr& rs) {
  v1::FaultReport f;
  f.set_name(ComplaintStore::FaultReportName(rs->getInt64("id")));
  f.set_title(Str(rs, "title"));
  CSM_ASSIGN_OR_RETURN(absl::Time ft, TimeCol(rs, "fault_time"));
  SetTs(ft, f.mutable_fault_time());
  f.set_location(Str(rs, "location"));
  f.set_symptoms(Str(rs, "symptoms"));
  f.set_plan(Str(rs, "plan"));
  if (!rs->isNull("analysis_time")) {
    f.set_impact(Str(rs, "impact"));
    f.set_handling(Str(rs, "handling"));
    f.set_cause(Str(rs, "cause"));
    f.set_corrective_measures(Str(rs, "corrective_measures"));
    f.set_preventive_measures(Str(rs, "preventive_measures"));
    CSM_ASSIGN_OR_RETURN(absl::Time at, TimeCol(rs, "analysis_time"));
    SetTs(at, f.mutable_analysis_time());
  }
  f.set_reporter_id(Str(rs, "reporter_id"));
  CSM_ASSIGN_OR_RETURN(absl::Time ct, TimeCol(rs, "create_time"));
  SetTs(ct, f.mutable_create_time());
  f.set_etag(std::to_string(rs->getInt64("version")));
  return f;
}

absl::Status LoadFaultComplaints(MysqlConnection& conn, int64_t id,
                                 v1::FaultReport* f) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "SELECT complaint_id FROM fault_report_complaints WHERE "
      "fault_report_id = ? ORDER BY complaint_id");
  stmt.setInt64(1, id);
  ResultSetPtr rs(stmt.executeQuery());
  f->clear_complaints();
  while (rs->next()) {
    f->add_complaints(ComplaintStore::ComplaintName(rs->getInt64(1)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<int64_t> ComplaintStore::ParseComplaintName(
    absl::string_view name, absl::string_view field) {
  return ParseId(name, "complaints", field);
}

std::string ComplaintStore::ComplaintName(int64_t id) {
  return absl::StrCat("complaints/", id);
}

absl::StatusOr<int64_t> ComplaintStore::ParseFaultReportName(
    absl::string_view name, absl::string_view field) {
  return ParseId(name, "faultReports", field);
}

std::string ComplaintStore::FaultReportName(int64_t id) {
  return absl::StrCat("faultReports/", id);
}

void ComplaintStore::RenderSla(const SlaState& s, v1::Complaint* out) {
  out->clear_deadlines();
  for (const DeadlineClock* d : s.deadlines()) {
    if (!d->tracked()) continue;
    v1::Deadline* dl = out->add_deadlines();
    dl->set_kind(d->kind);
    SetTs(d->due, dl->mutable_due_time());
    if (d->met.has_value()) SetTs(*d->met, dl->mutable_met_time());
    dl->set_breached(d->breached);
    dl->set_warned(d->warned);
    dl->set_met_working_minutes(d->met_working_minutes.value_or(0));
    dl->set_met_by_staff_id(d->met_by.staff_id);
    dl->set_met_department(d->met_by.department);
    dl->set_breached_department(d->breached_holder.department);
    dl->set_breached_staff_id(d->breached_holder.staff_id);
  }
  out->set_sla_paused(s.paused_since.has_value());
  out->set_paused_working_minutes(WholeMinutes(s.paused_working));
  out->set_escalation_level(
      static_cast<v1::EscalationLevel>(s.escalation_level));
}

absl::StatusOr<int64_t> ComplaintStore::NextComplaintSequence(
    MysqlConnection& conn, absl::string_view period) {
  sql::PreparedStatement& upsert = conn.Prepare(
      "INSERT INTO complaint_number_counters (period, last_value) VALUES (?, "
      "1) ON DUPLICATE KEY UPDATE last_value = LAST_INSERT_ID(last_value + 1)");
  upsert.setString(1, std::string(period));
  const int affected = upsert.executeUpdate();
  // 1 row affected: the first number of the month; 2: an update.
  if (affected == 1) return 1;
  return LastInsertId(conn);
}

absl::Status ComplaintStore::LockCustomer(MysqlConnection& conn,
                                          int64_t customer_id) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "INSERT INTO complaint_customer_locks (customer_id, registrations) "
      "VALUES (?, 1) ON DUPLICATE KEY UPDATE registrations = registrations + "
      "1");
  stmt.setInt64(1, customer_id);
  stmt.executeUpdate();
  return absl::OkStatus();
}

absl::StatusOr<std::vector<OpenComplaintFacts>>
ComplaintStore::LockOpenComplaintsOf(MysqlConnection& conn,
                                     int64_t customer_id) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "SELECT id, state, category, normalized_subject, "
      "normalized_matter_reference, create_time FROM complaints WHERE "
      "customer_id = ? AND state NOT IN (?, ?) ORDER BY id FOR UPDATE");
  stmt.setInt64(1, customer_id);
  stmt.setInt(2, v1::COMPLAINT_STATE_CLOSED);
  stmt.setInt(3, v1::COMPLAINT_STATE_REJECTED);
  ResultSetPtr rs(stmt.executeQuery());
  std::vector<OpenComplaintFacts> out;
  while (rs->next()) {
    OpenComplaintFacts f;
    f.id = rs->getInt64("id");
    f.state = static_cast<v1::ComplaintState>(rs->getInt("state"));
    f.category = Str(rs, "category");
    f.normalized_subject = Str(rs, "normalized_subject");
    f.normalized_matter_reference = Str(rs, "normalized_matter_reference");
    CSM_ASSIGN_OR_RETURN(f.create_time, TimeCol(rs, "create_time"));
    out.push_back(std::move(f));
  }
  return out;
}

absl::Status ComplaintStore::InsertComplaint(MysqlConnection& conn,
                                             ComplaintRecord* r,
                                             absl::Time now) {
  Columns cols = ComplaintColumns(*r);
  cols.push_back({"create_time", T(r->sla.register_time)});
  cols.push_back({"update_time", T(now)});
  cols.push_back({"version", I(1)});
  std::vector<std::string> names;
  std::vector<Value> values;
  for (auto& [name, value] : cols) {
    names.emplace_back(name);
    values.push_back(std::move(value));
  }
  std::vector<std::string> marks(names.size(), "?");
  sql::PreparedStatement& stmt = conn.Prepare(
      absl::StrCat("INSERT INTO complaints (", absl::StrJoin(names, ", "),
                   ") VALUES (", absl::StrJoin(marks, ", "), ")"));
  sql_rows::Bind(stmt, values);
  stmt.executeUpdate();
  r->id = LastInsertId(conn);
  r->version = 1;
  r->complaint.set_name(ComplaintName(r->id));
  r->complaint.set_etag("1");
  SetTs(r->sla.register_time, r->complaint.mutable_create_time());
  SetTs(now, r->complaint.mutable_update_time());
  return absl::OkStatus();
}

absl::StatusOr<ComplaintRecord> ComplaintStore::GetComplaint(
    MysqlConnection& conn, int64_t id, bool lock) {
  sql::PreparedStatement& stmt = conn.Prepare(absl::StrCat(
      "SELECT * FROM complaints WHERE id = ?", lock ? " FOR UPDATE" : ""));
  stmt.setInt64(1, id);
  ResultSetPtr rs(stmt.executeQuery());
  if (!rs->next()) {
    return absl::NotFoundError(
        absl::StrCat("complaint ", ComplaintName(id), " does not exist"));
  }
  CSM_ASSIGN_OR_RETURN(ComplaintRecord r, ComplaintFromRow(rs));
  rs.reset();
  CSM_RETURN_IF_ERROR(LoadChildren(conn, {{r.id, &r.complaint}}));
  return r;
}

absl::StatusOr<bool> ComplaintStore::ComplaintExists(MysqlConnection& conn,
                                                     int64_t id) {
  sql::PreparedStatement& stmt =
      conn.Prepare("SELECT 1 FROM complaints WHERE id = ?");
  stmt.setInt64(1, id);
  ResultSetPtr rs(stmt.executeQuery());
  return rs->next();
}

absl::Status ComplaintStore::UpdateComplaint(MysqlConnection& conn,
                                             ComplaintRecord* r,
                                             absl::Time now) {
  Columns cols = ComplaintColumns(*r);
  std::vector<std::string> sets;
  std::vector<Value> values;
  for (auto& [name, value] : cols) {
    sets.push_back(absl::StrCat(name, " = ?"));
    values.push_back(std::move(value));
  }
  sets.push_back("update_time = ?");
  values.push_back(T(now));
  sets.push_back("version = version + 1");
  values.push_back(I(r->id));
  values.push_back(I(r->version));
  sql::PreparedStatement& stmt = conn.Prepare(
      absl::StrCat("UPDATE complaints SET ", absl::StrJoin(sets, ", "),
                   " WHERE id = ? AND version = ?"));
  sql_rows::Bind(stmt, values);
  if (stmt.executeUpdate() != 1) {
    return absl::AbortedError(absl::StrCat(
        ComplaintName(r->id), " was changed concurrently; read it again"));
  }
  r->version += 1;
  r->complaint.set_etag(std::to_string(r->version));
  SetTs(now, r->complaint.mutable_update_time());
  return absl::OkStatus();
}

absl::StatusOr<Page<v1::Complaint>> ComplaintStore::ListComplaints(
    MysqlConnection& conn, const ComplaintListQuery& query) {
  using sql_rows::FilterColumn;
  static const auto* kColumns =
      new absl::flat_hash_map<std::string, FilterColumn>{
          {"state",
           {"state", FilterColumn::kEnum, &v1::ComplaintState_descriptor}},
          {"severity",
           {"severity", FilterColumn::kEnum, &v1::Severity_descriptor}},
          {"channel",
           {"channel", FilterColumn::kEnum, &v1::ComplaintChannel_descriptor}},
          // ESCALATION_LEVEL_UNSPECIFIED (0) is meaningful: never escalated.
          {"escalation_level",
           {"escalation_level", FilterColumn::kEnum,
            &v1::EscalationLevel_descriptor, /*zero_is_a_value=*/true}},
          {"category", {"category", FilterColumn::kKeyword, nullptr}},
          {"handling_department",
           {"handling_department", FilterColumn::kKeyword, nullptr}},
          {"handler_id", {"handler_id", FilterColumn::kKeyword, nullptr}},
          {"first_responder_id",
           {"first_responder_id", FilterColumn::kKeyword, nullptr}},
          {"complaint_number",
           {"complaint_number", FilterColumn::kKeyword, nullptr}},
          {"create_time", {"create_time", FilterColumn::kTime, nullptr}},
      };
  std::vector<std::string> where;
  std::vector<Value> params;
  for (const FilterTerm& term : query.filter) {
    if (term.field == "overdue") {
      if (term.op != FilterTerm::Op::kEq ||
          (term.value != "true" && term.value != "false")) {
        return InvalidField("filter", "use overdue = true or overdue = false");
      }
      // An unmet deadline past now, on a complaint whose clock runs.
      const std::string cond =
          "(paused_since IS NULL AND state IN (1, 2, 3, 4, 9) AND "
          "((ack_met_time IS NULL AND ack_due <= ?) OR "
          "(investigate_met_time IS NULL AND investigate_due <= ?) OR "
          "(opinion_met_time IS NULL AND opinion_due <= ?)))";
      where.push_back(term.value == "true" ? cond : absl::StrCat("NOT ", cond));
      for (int i = 0; i < 3; ++i) params.push_back(T(query.now));
      continue;
    }
    if (term.field == "customer") {
      if (term.op != FilterTerm::Op::kEq && term.op != FilterTerm::Op::kNe) {
        return InvalidField("filter", "field \"customer\" supports = and !=");
      }
      auto id = ParseId(term.value, "customers", "filter");
      if (!id.ok()) return id.status();
      where.push_back(
          absl::StrCat("customer_id ", sql_rows::SqlOp(term.op), " ?"));
      params.push_back(I(*id));
      continue;
    }
    auto it = kColumns->find(term.field);
    if (it == kColumns->end()) {
      return InvalidField("filter",
                          absl::StrCat("unknown field ", Quote(term.field)));
    }
    CSM_RETURN_IF_ERROR(
        sql_rows::AddFilterCondition(term, it->second, &where, &params));
  }
  // Keyset on id: ids grow with create_time, so the order is create_time.
  const char* cmp = query.newest_first ? "<" : ">";
  if (query.after.has_value()) {
    where.push_back(absl::StrCat("id ", cmp, " ?"));
    params.push_back(I(query.after->id));
  }
  sql::PreparedStatement& stmt = conn.Prepare(absl::StrCat(
      "SELECT * FROM complaints", where.empty() ? "" : " WHERE ",
      absl::StrJoin(where, " AND "), " ORDER BY id",
      query.newest_first ? " DESC" : "", " LIMIT ", query.limit + 1));
  sql_rows::Bind(stmt, params);
  ResultSetPtr rs(stmt.executeQuery());
  std::vector<ComplaintRecord> rows;
  while (rs->next()) {
    CSM_ASSIGN_OR_RETURN(ComplaintRecord r, ComplaintFromRow(rs));
    rows.push_back(std::move(r));
  }
  rs.reset();
  Page<v1::Complaint> page;
  if (static_cast<int>(rows.size()) > query.limit) {
    rows.resize(query.limit);
    page.next = PageCursor{"", rows.back().id};
  }
  std::vector<std::pair<int64_t, v1::Complaint*>> children;
  for (ComplaintRecord& r : rows) children.push_back({r.id, &r.complaint});
  CSM_RETURN_IF_ERROR(LoadChildren(conn, children));
  for (ComplaintRecord& r : rows) page.items.push_back(std::move(r.complaint));
  return page;
}

absl::Status ComplaintStore::InsertStep(
    MysqlConnection& conn, int64_t complaint_id, absl::string_view action,
    v1::ComplaintState from, v1::ComplaintState to, absl::string_view actor_id,
    absl::string_view actor_department, absl::string_view note,
    absl::Time now) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "INSERT INTO complaint_steps (complaint_id, action, from_state, "
      "to_state, actor_id, actor_department, note, step_time) VALUES (?, ?, "
      "?, ?, ?, ?, ?, ?)");
  stmt.setInt64(1, complaint_id);
  stmt.setString(2, std::string(action));
  stmt.setInt(3, from);
  stmt.setInt(4, to);
  stmt.setString(5, std::string(actor_id));
  stmt.setString(6, std::string(actor_department));
  // Notes are sized to fit (text_limits.h); one that does not is a bug, and
  // cutting it would lose what the caller wrote.
  if (const size_t chars = CountCodePoints(note);
      chars > static_cast<size_t>(limits::kStepNote.max_chars)) {
    return absl::InternalError(
        absl::StrCat("a timeline note of ", chars, " characters exceeds ",
                     limits::kStepNote.max_chars, "; nothing was written"));
  }
  stmt.setString(7, std::string(note));
  stmt.setString(8, ToSqlTime(now));
  stmt.executeUpdate();
  return absl::OkStatus();
}

absl::StatusOr<Page<v1::ComplaintStep>> ComplaintStore::ListSteps(
    MysqlConnection& conn, int64_t complaint_id,
    std::optional<PageCursor> after, int limit) {
  sql::PreparedStatement& stmt = conn.Prepare(absl::StrCat(
      "SELECT id, action, from_state, to_state, actor_id, actor_department, "
      "note, step_time FROM complaint_steps WHERE complaint_id = ? AND id > ? "
      "ORDER BY id LIMIT ",
      limit + 1));
  stmt.setInt64(1, complaint_id);
  stmt.setInt64(2, after.has_value() ? after->id : 0);
  ResultSetPtr rs(stmt.executeQuery());
  Page<v1::ComplaintStep> page;
  int64_t last_id = 0;
  while (rs->next()) {
    if (static_cast<int>(page.items.size()) == limit) {
      page.next = PageCursor{"", last_id};
      break;
    }
    v1::ComplaintStep& s = page.items.emplace_back();
    last_id = rs->getInt64("id");
    s.set_name(absl::StrCat(ComplaintName(complaint_id), "/steps/", last_id));
    s.set_action(Str(rs, "action"));
    s.set_from_state(static_cast<v1::ComplaintState>(rs->getInt("from_state")));
    s.set_to_state(static_cast<v1::ComplaintState>(rs->getInt("to_state")));
    s.set_actor_id(Str(rs, "actor_id"));
    s.set_actor_department(Str(rs, "actor_department"));
    s.set_note(Str(rs, "note"));
    CSM_ASSIGN_OR_RETURN(absl::Time t, TimeCol(rs, "step_time"));
    SetTs(t, s.mutable_step_time());
  }
  return page;
}

absl::Status ComplaintStore::ChargeDepartment(MysqlConnection& conn,
                                              int64_t complaint_id,
                                              absl::string_view department,
                                              const DepartmentCharge& charge,
                                              absl::Time now) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "INSERT INTO complaint_department_times (complaint_id, department, "
      "working_seconds, breached_acknowledge, breached_handling_opinion, "
      "breached_investigated, first_time) VALUES (?, ?, ?, ?, ?, ?, ?) ON "
      "DUPLICATE KEY UPDATE working_seconds = working_seconds + "
      "VALUES(working_seconds), breached_acknowledge = breached_acknowledge "
      "OR VALUES(breached_acknowledge), breached_handling_opinion = "
      "breached_handling_opinion OR VALUES(breached_handling_opinion), "
      "breached_investigated = breached_investigated OR "
      "VALUES(breached_investigated)");
  stmt.setInt64(1, complaint_id);
  stmt.setString(2, std::string(department));
  stmt.setInt64(3, absl::ToInt64Seconds(charge.held));
  stmt.setBoolean(4, charge.breached_acknowledge);
  stmt.setBoolean(5, charge.breached_handling_opinion);
  stmt.setBoolean(6, charge.breached_investigated);
  stmt.setString(7, ToSqlTime(now));
  stmt.executeUpdate();
  return absl::OkStatus();
}

absl::Status ComplaintStore::InsertEscalation(
    MysqlConnection& conn, int64_t complaint_id, v1::EscalationLevel level,
    v1::DeadlineKind deadline, absl::string_view department, absl::Time at) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "INSERT INTO complaint_escalations (complaint_id, level, deadline, "
      "department, escalate_time) VALUES (?, ?, ?, ?, ?)");
  stmt.setInt64(1, complaint_id);
  stmt.setInt(2, level);
  stmt.setInt(3, deadline);
  stmt.setString(4, std::string(department));
  stmt.setString(5, ToSqlTime(at));
  stmt.executeUpdate();
  return absl::OkStatus();
}

absl::StatusOr<std::vector<int64_t>> ComplaintStore::LockDueForSweep(
    MysqlConnection& conn, absl::Time now, int limit) {
  sql::PreparedStatement& stmt = conn.Prepare(absl::StrCat(
      "SELECT id FROM complaints WHERE next_action_time <= ? ORDER BY "
      "next_action_time, id LIMIT ",
      limit, " FOR UPDATE SKIP LOCKED"));
  stmt.setString(1, ToSqlTime(now));
  ResultSetPtr rs(stmt.executeQuery());
  std::vector<int64_t> ids;
  while (rs->next()) ids.push_back(rs->getInt64(1));
  return ids;
}

absl::Status ComplaintStore::InsertFaultReport(MysqlConnection& conn,
                                               v1::FaultReport* f,
                                               absl::Time now) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "INSERT INTO fault_reports (title, fault_time, location, symptoms, "
      "plan, reporter_id, create_time, version) VALUES (?, ?, ?, ?, ?, ?, ?, "
      "1)");
  stmt.setString(1, f->title());
  stmt.setString(2, ToSqlTime(FromProtoTimestamp(f->fault_time())));
  stmt.setString(3, f->location());
  stmt.setString(4, f->symptoms());
  stmt.setString(5, f->plan());
  stmt.setString(6, f->reporter_id());
  stmt.setString(7, ToSqlTime(now));
  stmt.executeUpdate();
  f->set_name(FaultReportName(LastInsertId(conn)));
  SetTs(now, f->mutable_create_time());
  f->set_etag("1");
  return absl::OkStatus();
}

absl::Status ComplaintStore::LinkFaultReport(MysqlConnection& conn,
                                             int64_t report_id,
                                             int64_t complaint_id) {
  sql::PreparedStatement& link = conn.Prepare(
      "INSERT IGNORE INTO fault_report_complaints (fault_report_id, "
      "complaint_id) VALUES (?, ?)");
  link.setInt64(1, report_id);
  link.setInt64(2, complaint_id);
  link.executeUpdate();
  return absl::OkStatus();
}

absl::StatusOr<v1::FaultReport> ComplaintStore::GetFaultReport(
    MysqlConnection& conn, int64_t id, bool lock) {
  sql::PreparedStatement& stmt = conn.Prepare(absl::StrCat(
      "SELECT * FROM fault_reports WHERE id = ?", lock ? " FOR UPDATE" : ""));
  stmt.setInt64(1, id);
  ResultSetPtr rs(stmt.executeQuery());
  if (!rs->next()) {
    return absl::NotFoundError(
        absl::StrCat("fault report ", FaultReportName(id), " does not exist"));
  }
  CSM_ASSIGN_OR_RETURN(v1::FaultReport f, FaultReportFromRow(rs));
  rs.reset();
  CSM_RETURN_IF_ERROR(LoadFaultComplaints(conn, id, &f));
  return f;
}

absl::StatusOr<Page<v1::FaultReport>> ComplaintStore::ListFaultReports(
    MysqlConnection& conn, std::optional<PageCursor> after, int limit) {
  sql::PreparedStatement& stmt = conn.Prepare(absl::StrCat(
      "SELECT * FROM fault_reports WHERE id > ? ORDER BY id LIMIT ",
      limit + 1));
  stmt.setInt64(1, after.has_value() ? after->id : 0);
  ResultSetPtr rs(stmt.executeQuery());
  std::vector<std::pair<int64_t, v1::FaultReport>> rows;
  while (rs->next()) {
    CSM_ASSIGN_OR_RETURN(v1::FaultReport f, FaultReportFromRow(rs));
    rows.push_back({rs->getInt64("id"), std::move(f)});
  }
  rs.reset();
  Page<v1::FaultReport> page;
  if (static_cast<int>(rows.size()) > limit) {
    rows.resize(limit);
    page.next = PageCursor{"", rows.back().first};
  }
  for (auto& [id, f] : rows) {
    CSM_RETURN_IF_ERROR(LoadFaultComplaints(conn, id, &f));
    page.items.push_back(std::move(f));
  }
  return page;
}

absl::Status ComplaintStore::SubmitFaultAnalysis(MysqlConnection& conn,
                                                 int64_t id,
                                                 const v1::FaultReport& a,
                                                 int64_t expected_version,
                                                 absl::Time now) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "UPDATE fault_reports SET impact = ?, handling = ?, cause = ?, "
      "corrective_measures = ?, preventive_measures = ?, analysis_time = ?, "
      "version = version + 1 WHERE id = ? AND version = ?");
  stmt.setString(1, a.impact());
  stmt.setString(2, a.handling());
  stmt.setString(3, a.cause());
  stmt.setString(4, a.corrective_measures());
  stmt.setString(5, a.preventive_measures());
  stmt.setString(6, ToSqlTime(now));
  stmt.setInt64(7, id);
  stmt.setInt64(8, expected_version);
  if (stmt.executeUpdate() != 1) {
    return absl::AbortedError(
        absl::StrCat(FaultReportName(id), " was changed concurrently"));
  }
  return absl::OkStatus();
}

}  // namespace csm::complaint
