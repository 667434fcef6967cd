#include "complaint-svc/src/domain/escalation.h"

namespace csm::complaint {

std::optional<EscalationRung> EscalationLadder::Next(absl::Time anchor,
                                                     int anchor_level,
                                                     int step_minutes,
                                                     int current_level) const {
  if (current_level >= kTopEscalationLevel) return std::nullopt;
  const int steps = current_level - anchor_level;
  EscalationRung rung;
  rung.level = static_cast<v1::EscalationLevel>(current_level + 1);
  rung.due = cal_->AddWorkingMinutes(
      anchor, static_cast<int64_t>(steps) * step_minutes);
  return rung;
}

void EscalationLadder::OnBreach(SlaState* s, v1::DeadlineKind deadline,
                                absl::Time breach_time) const {
  if (s->next_escalation_due.has_value()) return;
  if (s->escalation_level >= kTopEscalationLevel) return;
  s->escalation_anchor = breach_time;
  s->escalation_anchor_level = s->escalation_level;
  s->escalation_deadline = deadline;
  s->next_escalation_due = breach_time;
}

void EscalationLadder::StopIfSettled(SlaState* s) const {
  for (const DeadlineClock* d : s->deadlines()) {
    if (d->pending() && d->breached) return;
  }
  s->next_escalation_due.reset();
}

SweepOutcome EscalationLadder::Advance(const SlaClock& clock, SlaState* s,
                                       absl::Time now, bool running,
                                       const DeadlineParty& holder) const {
  SweepOutcome out;
  if (!running || s->paused_since.has_value()) return out;
  for (DeadlineClock* d : s->deadlines()) {
    if (!d->tracked()) continue;
    // A warning whose deadline already passed is pointless: the breach says
    // more. It is marked fired so that it never comes back.
    if (d->pending() && !d->warned && d->warn_at <= now) {
      d->warned = true;
      if (d->due > now) out.warnings.push_back(d->kind);
    }
  }
  for (v1::DeadlineKind kind : clock.MarkBreaches(s, now, holder)) {
    out.breaches.push_back(kind);
    OnBreach(s, kind, s->deadline(kind).due);
  }
  while (s->next_escalation_due.has_value() && *s->next_escalation_due <= now) {
    const absl::Time at = *s->next_escalation_due;
    s->escalation_level += 1;
    out.escalations.push_back(
        {static_cast<v1::EscalationLevel>(s->escalation_level),
         s->escalation_deadline, at});
    auto next =
        Next(*s->escalation_anchor, s->escalation_anchor_level,
             s->terms.escalation_step_working_minutes, s->escalation_level);
    if (next.has_value()) {
      s->next_escalation_due = next->due;
    } else {
      s->next_escalation_due.reset();
    }
  }
  return out;
}

}  // namespace csm::complaint
