#ifndef CSM_COMPLAINT_SVC_DOMAIN_SLA_H_
#define CSM_COMPLAINT_SVC_DOMAIN_SLA_H_

// Complaint deadlines (时限) in working time on the business calendar.
//
// Policy: the SlaPolicy rows (category × severity × customer grade, "*" in
// category or grade matches any) are the configuration; the most specific
// match wins (exact category beats exact grade beats wildcards). When no row
// matches, the built-in defaults of DOMAIN.md apply: normal 240 working
// minutes / 2 working days, major 60 / 1, critical 15 / 0 (the same working
// day), investigated the same working day, warning at 80 %, escalation step
// 240 working minutes.
//
// Deadlines, from the registration instant R:
//   acknowledge (受理)        = AddWorkingMinutes(R, N)
//   investigated (调查、核实)  = EndOfWorkingDay(R, N days), N = 0 by default:
//                              the end of the registration's working day
//                              (registered outside working hours: the end
//                              of the next working day)
//   handling opinion (处理意见) = EndOfWorkingDay(R, N days)
//   warning instant          = AddWorkingTime(R, pct% of WorkingTimeBetween(R,
//   due))
//
// The pause (waiting on the customer) stops the clock. On resume at T after
// a pause that began at P, every unmet deadline (and its unfired warning)
// whose instant D is after P moves later by the working time paused:
//   new D = AddWorkingTime(T, WorkingTimeBetween(P, D))
// which is the same as "D plus the paused working time". An instant already
// past at P stays (a breach that happened is not undone). The paused working
// time is added to paused_working.
//
// Reclassification recomputes from the original registration instant with
// the new policy, then adds all working time paused so far:
//   D = AddWorkingTime(base D, paused_working)
// Met deadlines keep their met time; breach and warning flags stay (what
// happened, happened).
//
// Department accounting: the handling department accrues the working time
// it held the complaint, pauses excluded; a breach is charged to the
// department holding the complaint when it is detected (every transition
// settles breaches before changing department, so that is the holder when
// the deadline passed).

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/business_calendar.h"
#include "csm/complaint/v1/complaint.pb.h"

namespace csm::complaint {

namespace v1 = ::csm::complaint::v1;

// The numbers a complaint's deadlines are computed from.
struct SlaTerms {
  int acknowledge_working_minutes = 240;
  int handling_opinion_working_days = 2;
  int investigation_working_days = 0;
  int warning_percent = 80;
  int escalation_step_working_minutes = 240;
  // The policy that matched ("slaPolicies/quality~SEVERITY_MAJOR~A"), or
  // "default" for the built-in fallback.
  std::string policy = "default";
};

// The built-in fallback for a severity (UNSPECIFIED counts as normal).
SlaTerms DefaultSlaTerms(v1::Severity severity);

// The most specific policy for category × severity × grade, else the
// default. Severity must match exactly; category and grade may be "*".
SlaTerms ResolveSlaTerms(const std::vector<v1::SlaPolicy>& policies,
                         absl::string_view category, v1::Severity severity,
                         absl::string_view grade);

// A staff member and the department they acted for or held it in.
struct DeadlineParty {
  std::string staff_id;
  std::string department;
  friend bool operator==(const DeadlineParty&, const DeadlineParty&) = default;
};

struct DeadlineClock {
  v1::DeadlineKind kind = v1::DEADLINE_KIND_UNSPECIFIED;
  absl::Time due = absl::InfiniteFuture();
  absl::Time warn_at = absl::InfiniteFuture();
  std::optional<absl::Time> met;
  bool warned = false;
  bool breached = false;
  // Facts kept when they happen (they cannot be derived later): the working
  // time from registration to the meeting (pauses excluded), who met it and
  // the handling department then, and the holder a breach was charged to.
  // Unset for deadlines settled before they were recorded.
  std::optional<int64_t> met_working_minutes;
  DeadlineParty met_by;
  DeadlineParty breached_holder;

  bool pending() const { return !met.has_value(); }
  // False for a deadline the complaint does not have: the investigated
  // deadline of complaints registered before it existed (stored NULL). It
  // never warns, breaches, moves or escalates.
  bool tracked() const { return due != absl::InfiniteFuture(); }
  friend bool operator==(const DeadlineClock&, const DeadlineClock&) = default;
};

// Everything the SLA rules keep per complaint (persisted in its row).
struct SlaState {
  absl::Time register_time;
  SlaTerms terms;
  DeadlineClock acknowledge;
  DeadlineClock investigated;
  DeadlineClock handling_opinion;
  // Set while waiting on the customer.
  std::optional<absl::Time> paused_since;
  // Working time of finished pauses.
  absl::Duration paused_working = absl::ZeroDuration();
  // When the current handling department began holding it, and the working
  // time paused since then (excluded from its account).
  absl::Time holding_since;
  absl::Duration holding_paused = absl::ZeroDuration();
  // The escalation ladder (see escalation.h).
  int escalation_level = 0;
  std::optional<absl::Time> escalation_anchor;
  int escalation_anchor_level = 0;
  v1::DeadlineKind escalation_deadline = v1::DEADLINE_KIND_UNSPECIFIED;
  std::optional<absl::Time> next_escalation_due;

  DeadlineClock& deadline(v1::DeadlineKind kind);
  const DeadlineClock& deadline(v1::DeadlineKind kind) const;
  // Every deadline, in the order they fall due by default.
  std::array<DeadlineClock*, 3> deadlines() {
    return {&acknowledge, &investigated, &handling_opinion};
  }
  std::array<const DeadlineClock*, 3> deadlines() const {
    return {&acknowledge, &investigated, &handling_opinion};
  }
};

class SlaClock {
 public:
  // `calendar` must outlive the clock.
  explicit SlaClock(const BusinessCalendar* calendar) : cal_(calendar) {}

  // Deadlines of a complaint registered at `register_time`.
  SlaState Start(absl::Time register_time, const SlaTerms& terms) const;

  // Waiting on the customer from `now`. No-op if already paused.
  void Pause(SlaState* s, absl::Time now) const;
  // Resumes at `now`; returns the working time this pause lasted. No-op
  // (zero) when not paused.
  absl::Duration Resume(SlaState* s, absl::Time now) const;

  // New policy, same registration time, same paused time.
  void Reclassify(SlaState* s, const SlaTerms& terms) const;

  // Marks a deadline met at `now` (first time only; never an untracked
  // one) by `by` (the caller, and the handling department), with its
  // HandlingTime; a late meeting also marks it breached, charged to
  // `holder`. Returns true when this call marked a breach.
  bool Meet(SlaState* s, v1::DeadlineKind kind, absl::Time now,
            const DeadlineParty& by = {},
            const DeadlineParty& holder = {}) const;

  // Marks every unmet, not yet breached, tracked deadline whose due time is
  // <= now (never while paused), charged to `holder` (the handling
  // department and handler now), and returns their kinds.
  std::vector<v1::DeadlineKind> MarkBreaches(
      SlaState* s, absl::Time now, const DeadlineParty& holder = {}) const;

  // Working time the current department has held it until `now`, pauses
  // excluded.
  absl::Duration Held(const SlaState& s, absl::Time now) const;
  // Held(), then a new holding starts at `now` (transfer, resolve).
  absl::Duration EndHolding(SlaState* s, absl::Time now) const;

  // Working time from registration to `now`, pauses excluded.
  absl::Duration HandlingTime(const SlaState& s, absl::Time now) const;

  // The earliest instant at which the sweep has something to do: an unfired
  // warning, an unmarked breach, or the next escalation. None while paused
  // or when the clock does not run (`running` false: resolved, closed...).
  static std::optional<absl::Time> NextActionTime(const SlaState& s,
                                                  bool running);

  const BusinessCalendar& calendar() const { return *cal_; }

 private:
  absl::Time WarnAt(absl::Time register_time, absl::Time due,
                    int percent) const;
  const BusinessCalendar* cal_;
};

// Whole working minutes, rounded down.
int64_t WholeMinutes(absl::Duration d);

}  // namespace csm::complaint

#endif  // CSM_COMPLAINT_SVC_DOMAIN_SLA_H_
