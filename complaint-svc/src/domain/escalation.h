#ifndef CSM_COMPLAINT_SVC_DOMAIN_ESCALATION_H_
#define CSM_COMPLAINT_SVC_DOMAIN_ESCALATION_H_

// The escalation ladder (升级): supervisor (主管) → department manager
// (部门经理) → general manager (总经理).
//
// A breach starts the ladder at the breach instant B (the deadline's due
// time): level 1 is due at B, level 2 at B + step, level 3 at B + 2·step,
// in working minutes on the business calendar. Each level fires once; the
// level reached is kept on the complaint, so a ladder that stops (every
// breached deadline met) and restarts on a later breach continues from the
// level reached: the next level is due at the new breach, the one after it
// a step later. Major and critical complaints notify the general manager
// at registration (重大事项立即向总经理汇报); that is a notification, not a
// level.

#include <optional>
#include <vector>

#include "absl/time/time.h"
#include "common/business_calendar.h"
#include "complaint-svc/src/domain/sla.h"
#include "csm/complaint/v1/complaint.pb.h"

namespace csm::complaint {

inline constexpr int kTopEscalationLevel = v1::ESCALATION_LEVEL_GENERAL_MANAGER;

struct EscalationRung {
  v1::EscalationLevel level = v1::ESCALATION_LEVEL_UNSPECIFIED;
  absl::Time due;
};

// What the sweep did to one complaint.
struct SweepOutcome {
  std::vector<v1::DeadlineKind> warnings;
  std::vector<v1::DeadlineKind> breaches;
  struct Escalated {
    v1::EscalationLevel level;
    v1::DeadlineKind deadline;
    absl::Time at;  // when the rung was due
  };
  std::vector<Escalated> escalations;
  bool empty() const {
    return warnings.empty() && breaches.empty() && escalations.empty();
  }
};

class EscalationLadder {
 public:
  explicit EscalationLadder(const BusinessCalendar* calendar)
      : cal_(calendar) {}

  // The rung after `current_level` for a ladder anchored at `anchor` when
  // the complaint was at `anchor_level`: level L+1 is due at anchor +
  // (L − anchor_level)·step working minutes. None at the top.
  std::optional<EscalationRung> Next(absl::Time anchor, int anchor_level,
                                     int step_minutes, int current_level) const;

  // Starts the ladder at a breach of `deadline` at `breach_time` unless it
  // runs already or is at the top.
  void OnBreach(SlaState* s, v1::DeadlineKind deadline,
                absl::Time breach_time) const;

  // Stops the ladder when no deadline is breached and unmet any more.
  void StopIfSettled(SlaState* s) const;

  // Everything due at `now` for a complaint whose clock runs: warnings
  // (each once), breaches (each once; the ladder starts), and escalation
  // rungs (each level once, in order, as many as are due). Nothing while
  // paused or when `running` is false. Breaches are charged to `holder`.
  SweepOutcome Advance(const SlaClock& clock, SlaState* s, absl::Time now,
                       bool running, const DeadlineParty& holder = {}) const;

  static bool NotifiesGeneralManagerAtRegistration(v1::Severity severity) {
    return severity == v1::SEVERITY_MAJOR || severity == v1::SEVERITY_CRITICAL;
  }

 private:
  const BusinessCalendar* cal_;
};

}  // namespace csm::complaint

#endif  // CSM_COMPLAINT_SVC_DOMAIN_ESCALATION_H_
