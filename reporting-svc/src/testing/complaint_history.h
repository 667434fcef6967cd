// A generated complaint history for the pre-aggregated figures' tests
// (complaint_aggregates_test.cc): each complaint's snapshot as its events
// move it between days, departments and states (accepted late after a
// breach, transferred, resolved in a later month, reopened, resolved again,
// closed), written into an EventLog from a seeded generator.
#ifndef CSM_REPORTING_SVC_TESTING_COMPLAINT_HISTORY_H_
#define CSM_REPORTING_SVC_TESTING_COMPLAINT_HISTORY_H_

#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "reporting-svc/src/testing/report_fixture.h"

namespace csm::reporting::testing {

inline constexpr int kComplaints = 40;
inline const char* const kDepartments[] = {"客服部", "仓储物流", "售后部"};
inline constexpr char kAck[] = "DEADLINE_KIND_ACKNOWLEDGE";
inline constexpr char kHandling[] = "DEADLINE_KIND_HANDLING_OPINION";

inline ev::DeadlineState* Deadline(ev::ComplaintSnapshot& s, const char* kind) {
  for (ev::DeadlineState& d : *s.mutable_deadlines()) {
    if (d.kind() == kind) return &d;
  }
  return nullptr;
}

// One complaint's snapshot as its events move it, and the time it is at.
struct Story {
  EventLog* log;
  std::mt19937* rng;
  ev::ComplaintSnapshot s;
  absl::Time t;

  int Pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(*rng); }
  bool Chance(int percent) { return Pick(100) < percent; }
  // Working minutes from a few values, so histograms repeat them.
  int64_t Minutes() { return 30 * (1 + Pick(8)); }
  void Later(int max_days) {
    t += absl::Hours(1 + Pick(4)) + absl::Hours(24 * Pick(max_days + 1));
  }
  template <typename M>
  void Add(M& m) {
    *m.mutable_complaint() = s;
    log->Add(kComplaintSource, t, m, s.handler_id(), s.handling_department());
  }
};

inline void Register(Story& st, int id) {
  ev::ComplaintSnapshot& s = st.s;
  s.set_name(absl::StrCat("complaints/", id));
  s.set_complaint_number(absl::StrCat("TS-", id));
  s.set_customer(absl::StrCat("customers/", id));
  s.set_customer_grade("A");
  s.set_category(st.Chance(50) ? "quality" : "delivery");
  s.set_severity("SEVERITY_NORMAL");
  s.set_state("COMPLAINT_STATE_REGISTERED");
  s.set_channel("COMPLAINT_CHANNEL_PHONE");
  s.set_handling_department(kDepartments[st.Pick(3)]);
  s.set_first_responder_id(absl::StrCat("staff.", st.Pick(5)));
  s.set_handler_id(s.first_responder_id());
  ToProtoTimestamp(st.t, s.mutable_register_time());
  for (const char* kind : {kAck, kHandling}) {
    ev::DeadlineState* d = s.add_deadlines();
    d->set_kind(kind);
    const absl::Duration in = kind == kAck ? absl::Hours(2) : absl::Hours(72);
    ToProtoTimestamp(st.t + in, d->mutable_due_time());
  }
  ev::ComplaintRegistered m;
  st.Add(m);
}

inline void BreachAndEscalate(Story& st) {
  ev::DeadlineState* ack = Deadline(st.s, kAck);
  ack->set_breached(true);
  ack->set_breached_department(st.s.handling_department());
  ack->set_breached_staff_id(st.s.handler_id());
  st.t += absl::Hours(2);
  ev::ComplaintDeadlineBreached b;
  b.set_deadline(kAck);
  *b.mutable_due_time() = ack->due_time();
  b.set_department(st.s.handling_department());
  b.set_handler_id(st.s.handler_id());
  st.Add(b);
  ev::ComplaintEscalated e;
  e.set_level("ESCALATION_LEVEL_SUPERVISOR");
  e.set_department(st.s.handling_department());
  e.set_handler_id(st.s.handler_id());
  *e.mutable_due_time() = ack->due_time();
  st.Add(e);
}

inline void Meet(Story& st, const char* kind) {
  ev::DeadlineState* d = Deadline(st.s, kind);
  if (d->has_met_time()) return;  // a second resolution: the first stays
  ToProtoTimestamp(st.t, d->mutable_met_time());
  d->set_met_working_minutes(st.Minutes());
  d->set_met_by_staff_id(st.s.handler_id());
  d->set_met_department(st.s.handling_department());
}

inline void Accept(Story& st) {
  st.Later(1);
  Meet(st, kAck);
  st.s.set_state("COMPLAINT_STATE_ACCEPTED");
  ev::ComplaintStateChanged m;
  m.set_action("accept");
  st.Add(m);
}

inline void Transfer(Story& st) {
  st.Later(10);
  ev::ComplaintTransferred m;
  m.set_from_department(st.s.handling_department());
  m.set_from_handler_id(st.s.handler_id());
  m.set_from_department_working_minutes(st.Minutes());
  std::string to = st.s.handling_department();
  while (to == st.s.handling_department()) to = kDepartments[st.Pick(3)];
  st.s.set_handling_department(to);
  st.s.set_handler_id(absl::StrCat("staff.", 5 + st.Pick(5)));
  st.s.set_state("COMPLAINT_STATE_TRANSFERRED");
  m.set_to_department(to);
  m.set_to_staff_id(st.s.handler_id());
  st.Add(m);
}

inline void Resolve(Story& st) {
  st.Later(20);
  Meet(st, kHandling);
  st.s.set_state("COMPLAINT_STATE_RESOLVED");
  st.s.set_resolver_id(st.s.handler_id());
  st.s.set_resolving_department(st.s.handling_department());
  st.s.clear_close_time();
  ev::ComplaintResolved m;
  m.set_handling_working_minutes(
      Deadline(st.s, kHandling)->met_working_minutes());
  m.set_resolving_department_working_minutes(st.Minutes());
  st.Add(m);
}

// Satisfied and closed, or dissatisfied and reopened.
inline void ConfirmAndClose(Story& st, bool satisfied) {
  st.Later(3);
  st.s.set_state(satisfied ? "COMPLAINT_STATE_CONFIRMED"
                           : "COMPLAINT_STATE_REOPENED");
  ev::ComplaintConfirmed c;
  c.set_satisfaction(satisfied ? csm::common::v1::SATISFACTION_SATISFIED
                               : csm::common::v1::SATISFACTION_DISSATISFIED);
  c.set_reopened(!satisfied);
  st.Add(c);
  if (!satisfied) return;
  st.Later(2);
  st.s.set_state("COMPLAINT_STATE_CLOSED");
  ToProtoTimestamp(st.t, st.s.mutable_close_time());
  ev::ComplaintClosed m;
  m.set_return_visit_satisfaction(csm::common::v1::SATISFACTION_SATISFIED);
  st.Add(m);
}

inline void ReopenClosed(Story& st) {
  st.Later(15);
  st.s.set_state("COMPLAINT_STATE_REOPENED");
  st.s.clear_close_time();
  ev::ComplaintStateChanged m;
  m.set_action("reopen");
  st.Add(m);
}

// Registered in October to December 2026; up to resolved and confirmed.
inline void FirstPhase(Story& st, int id) {
  st.t = Beijing(2026, 10, 1, 9) + absl::Hours(24 * st.Pick(80)) +
         absl::Hours(st.Pick(7));
  Register(st, id);
  if (st.Chance(25)) BreachAndEscalate(st);
  Accept(st);
  if (st.Chance(30)) Transfer(st);
  if (st.Chance(20)) return;  // open for the second phase
  Resolve(st);
  ConfirmAndClose(st, st.Chance(70));
}

// Later: the open ones resolved, the reopened ones (some transferred)
// resolved again, some closed ones reopened and resolved again.
inline void SecondPhase(Story& st) {
  const std::string state = st.s.state();
  if (state == "COMPLAINT_STATE_CLOSED") {
    if (!st.Chance(40)) return;
    ReopenClosed(st);
  }
  if (st.Chance(40)) Transfer(st);
  Resolve(st);
  ConfirmAndClose(st, st.Chance(80));
}

inline constexpr char kInvestigated[] = "DEADLINE_KIND_INVESTIGATED";

// Escalated again one to three times (the same day or days later, some
// rungs at the same due time, some after a transfer to another
// department), and the investigated deadline (added now, due an hour ago)
// breached by the holder then: a complaint's distinct counts then differ
// from its rungs and breaches, and its breaches from one department's.
inline void EscalateAgain(Story& st) {
  for (int i = 0, n = 1 + st.Pick(3); i < n; ++i) {
    if (st.Chance(70)) st.t += absl::Hours(24 * st.Pick(12) + st.Pick(5));
    const bool open = st.s.state() == "COMPLAINT_STATE_ACCEPTED" ||
                      st.s.state() == "COMPLAINT_STATE_TRANSFERRED" ||
                      st.s.state() == "COMPLAINT_STATE_REOPENED";
    if (open && st.Chance(40)) Transfer(st);
    ev::ComplaintEscalated e;
    e.set_level(st.Chance(50) ? "ESCALATION_LEVEL_DEPARTMENT_MANAGER"
                              : "ESCALATION_LEVEL_GENERAL_MANAGER");
    e.set_department(st.s.handling_department());
    e.set_handler_id(st.s.handler_id());
    ToProtoTimestamp(st.t, e.mutable_due_time());
    st.Add(e);
  }
  if (Deadline(st.s, kInvestigated) != nullptr) return;
  ev::DeadlineState* d = st.s.add_deadlines();
  d->set_kind(kInvestigated);
  ToProtoTimestamp(st.t - absl::Hours(1), d->mutable_due_time());
  d->set_breached(true);
  d->set_breached_department(st.s.handling_department());
  d->set_breached_staff_id(st.s.handler_id());
  ev::ComplaintDeadlineBreached b;
  b.set_deadline(kInvestigated);
  *b.mutable_due_time() = d->due_time();
  b.set_department(st.s.handling_department());
  b.set_handler_id(st.s.handler_id());
  st.Add(b);
}

}  // namespace csm::reporting::testing

#endif  // CSM_REPORTING_SVC_TESTING_COMPLAINT_HISTORY_H_
