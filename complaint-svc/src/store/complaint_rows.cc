#include "complaint-svc/src/store/complaint_rows.h"

#include <algorithm>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/sql_values.h"
#include "common/status.h"
#include "common/text.h"
#include "complaint-svc/src/domain/complaint_state_machine.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"

namespace csm::complaint {
namespace {

using sql_rows::Str;
using sql_rows::TimeCol;

absl::StatusOr<std::optional<absl::Time>> OptTimeCol(const ResultSetPtr& rs,
                                                     const char* column) {
  if (rs->isNull(column)) return std::optional<absl::Time>();
  CSM_ASSIGN_OR_RETURN(absl::Time t, TimeCol(rs, column));
  return std::optional<absl::Time>(t);
}

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

}  // namespace

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

namespace {

// The children of a page of complaints in one statement instead of two per
// complaint: both child tables as one UNION ALL, told apart by `kind`. No
// ORDER BY: sorting a UNION costs MariaDB a temporary table per read, so the
// rows are put in order here (Child::ComesBefore).
constexpr char kChildrenOfComplaints[] =
    "SELECT complaint_id, 0 AS kind, department, working_seconds, "
    "breached_acknowledge, breached_handling_opinion, breached_investigated, "
    "0 AS level, 0 AS deadline, first_time AS child_time FROM "
    "complaint_department_times WHERE complaint_id IN (%s) UNION ALL SELECT "
    "complaint_id, 1, department, 0, 0, 0, 0, level, deadline, escalate_time "
    "FROM complaint_escalations WHERE complaint_id IN (%s)";
// 1-based positions in its select list.
enum ChildColumn : unsigned {
  kComplaintId = 1,
  kKind,
  kDepartment,
  kWorkingSeconds,
  kBreachedAcknowledge,
  kBreachedHandlingOpinion,
  kBreachedInvestigated,
  kLevel,
  kDeadline,
  kChildTime,
};

// One row of kChildrenOfComplaints. A complaint shows its department times
// (kind 0) by first time then department, its escalations (kind 1) by
// level; the constants a kind lacks are equal within it, so one order
// serves both.
struct Child {
  int64_t complaint_id = 0;
  int kind = 0;
  std::string department;
  int64_t working_seconds = 0;
  bool breached_acknowledge = false;
  bool breached_handling_opinion = false;
  bool breached_investigated = false;
  int level = 0;
  int deadline = 0;
  absl::Time time;

  bool ComesBefore(const Child& o) const {
    return std::tie(complaint_id, kind, level, time, department) <
           std::tie(o.complaint_id, o.kind, o.level, o.time, o.department);
  }
};

absl::StatusOr<Child> ReadChild(const ResultSetPtr& rs) {
  Child c;
  c.complaint_id = rs->getInt64(kComplaintId);
  c.kind = rs->getInt(kKind);
  c.department = Str(rs, kDepartment);
  c.working_seconds = rs->getInt64(kWorkingSeconds);
  c.breached_acknowledge = rs->getBoolean(kBreachedAcknowledge);
  c.breached_handling_opinion = rs->getBoolean(kBreachedHandlingOpinion);
  c.breached_investigated = rs->getBoolean(kBreachedInvestigated);
  c.level = rs->getInt(kLevel);
  c.deadline = rs->getInt(kDeadline);
  CSM_ASSIGN_OR_RETURN(c.time, FromSqlTime(Str(rs, kChildTime)));
  return c;
}

void AddChild(const Child& row, v1::Complaint* c) {
  if (row.kind == 0) {
    v1::DepartmentTime* d = c->add_department_times();
    d->set_department(row.department);
    d->set_working_minutes(row.working_seconds / 60);
    d->set_breached_acknowledge(row.breached_acknowledge);
    d->set_breached_handling_opinion(row.breached_handling_opinion);
    d->set_breached_investigated(row.breached_investigated);
    return;
  }
  v1::Escalation* e = c->add_escalations();
  e->set_level(static_cast<v1::EscalationLevel>(row.level));
  e->set_deadline(static_cast<v1::DeadlineKind>(row.deadline));
  e->set_department(row.department);
  SetTs(row.time, e->mutable_escalate_time());
}

}  // namespace

// Department times and escalations of the given complaints.
absl::Status LoadChildren(
    MysqlConnection& conn,
    const std::vector<std::pair<int64_t, v1::Complaint*>>& complaints) {
  if (complaints.empty()) return absl::OkStatus();
  absl::flat_hash_map<int64_t, v1::Complaint*> by_id;
  for (const auto& [id, c] : complaints) {
    c->clear_department_times();
    c->clear_escalations();
    by_id[id] = c;
  }
  // Padded (sql_rows::PaddedSize) so that a few statements serve every
  // page size; the padding's id 0 names no complaint.
  const size_t padded = sql_rows::PaddedSize(complaints.size());
  const std::string marks = sql_rows::Placeholders(padded);
  sql::PreparedStatement& stmt =
      conn.Prepare(absl::StrFormat(kChildrenOfComplaints, marks, marks));
  for (size_t i = 0; i < 2 * padded; ++i) {
    const size_t at = i % padded;
    stmt.setInt64(static_cast<unsigned>(i + 1),
                  at < complaints.size() ? complaints[at].first : 0);
  }
  std::vector<Child> rows;
  ResultSetPtr rs(stmt.executeQuery());
  while (rs->next()) {
    CSM_ASSIGN_OR_RETURN(Child row, ReadChild(rs));
    rows.push_back(std::move(row));
  }
  std::sort(rows.begin(), rows.end(),
            [](const Child& a, const Child& b) { return a.ComesBefore(b); });
  for (const Child& row : rows) {
    auto it = by_id.find(row.complaint_id);
    if (it != by_id.end()) AddChild(row, it->second);
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

}  // namespace csm::complaint
