#include "complaint-svc/src/domain/sla.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace csm::complaint {

int64_t WholeMinutes(absl::Duration d) { return absl::ToInt64Minutes(d); }

DeadlineClock& SlaState::deadline(v1::DeadlineKind kind) {
  switch (kind) {
    case v1::DEADLINE_KIND_ACKNOWLEDGE:
      return acknowledge;
    case v1::DEADLINE_KIND_INVESTIGATED:
      return investigated;
    default:
      return handling_opinion;
  }
}

const DeadlineClock& SlaState::deadline(v1::DeadlineKind kind) const {
  return const_cast<SlaState*>(this)->deadline(kind);
}

SlaTerms DefaultSlaTerms(v1::Severity severity) {
  SlaTerms t;
  switch (severity) {
    case v1::SEVERITY_MAJOR:
      t.acknowledge_working_minutes = 60;
      t.handling_opinion_working_days = 1;
      break;
    case v1::SEVERITY_CRITICAL:
      t.acknowledge_working_minutes = 15;
      t.handling_opinion_working_days = 0;
      break;
    default:
      t.acknowledge_working_minutes = 240;
      t.handling_opinion_working_days = 2;
      break;
  }
  t.investigation_working_days = 0;
  t.warning_percent = 80;
  t.escalation_step_working_minutes = 240;
  t.policy = "default";
  return t;
}

SlaTerms ResolveSlaTerms(const std::vector<v1::SlaPolicy>& policies,
                         absl::string_view category, v1::Severity severity,
                         absl::string_view grade) {
  const v1::SlaPolicy* best = nullptr;
  int best_score = -1;
  for (const v1::SlaPolicy& p : policies) {
    if (p.severity() != severity) continue;
    const bool cat_exact = p.category() == category;
    const bool grade_exact = p.customer_grade() == grade;
    if (!cat_exact && p.category() != "*") continue;
    if (!grade_exact && p.customer_grade() != "*") continue;
    // Category is the stronger key: a category's own process wins over a
    // grade rule for every category.
    const int score = (cat_exact ? 2 : 0) + (grade_exact ? 1 : 0);
    if (score > best_score) {
      best = &p;
      best_score = score;
    }
  }
  if (best == nullptr) return DefaultSlaTerms(severity);
  SlaTerms t;
  t.acknowledge_working_minutes = best->acknowledge_working_minutes();
  t.handling_opinion_working_days = best->handling_opinion_working_days();
  t.investigation_working_days = best->investigation_working_days();
  t.warning_percent = best->warning_percent();
  t.escalation_step_working_minutes = best->escalation_step_working_minutes();
  t.policy = best->name().empty()
                 ? absl::StrCat("slaPolicies/", best->category(), "~",
                                v1::Severity_Name(best->severity()), "~",
                                best->customer_grade())
                 : best->name();
  return t;
}

absl::Time SlaClock::WarnAt(absl::Time register_time, absl::Time due,
                            int percent) const {
  const absl::Duration budget = cal_->WorkingTimeBetween(register_time, due);
  const int pct = std::clamp(percent, 0, 100);
  return cal_->AddWorkingTime(register_time, budget * pct / 100);
}

SlaState SlaClock::Start(absl::Time register_time,
                         const SlaTerms& terms) const {
  SlaState s;
  s.register_time = register_time;
  s.terms = terms;
  s.holding_since = register_time;
  s.acknowledge.kind = v1::DEADLINE_KIND_ACKNOWLEDGE;
  s.acknowledge.due =
      cal_->AddWorkingMinutes(register_time, terms.acknowledge_working_minutes);
  s.acknowledge.warn_at =
      WarnAt(register_time, s.acknowledge.due, terms.warning_percent);
  s.investigated.kind = v1::DEADLINE_KIND_INVESTIGATED;
  s.investigated.due =
      cal_->EndOfWorkingDay(register_time, terms.investigation_working_days);
  s.investigated.warn_at =
      WarnAt(register_time, s.investigated.due, terms.warning_percent);
  s.handling_opinion.kind = v1::DEADLINE_KIND_HANDLING_OPINION;
  s.handling_opinion.due =
      cal_->EndOfWorkingDay(register_time, terms.handling_opinion_working_days);
  s.handling_opinion.warn_at =
      WarnAt(register_time, s.handling_opinion.due, terms.warning_percent);
  return s;
}

void SlaClock::Pause(SlaState* s, absl::Time now) const {
  if (s->paused_since.has_value()) return;
  s->paused_since = now;
}

absl::Duration SlaClock::Resume(SlaState* s, absl::Time now) const {
  if (!s->paused_since.has_value()) return absl::ZeroDuration();
  const absl::Time p = *s->paused_since;
  const absl::Duration paused = cal_->WorkingTimeBetween(p, now);
  auto shift = [&](absl::Time* instant) {
    if (*instant > p) {
      *instant =
          cal_->AddWorkingTime(now, cal_->WorkingTimeBetween(p, *instant));
    }
  };
  for (DeadlineClock* d : s->deadlines()) {
    if (!d->pending() || !d->tracked()) continue;
    if (!d->breached) shift(&d->due);
    if (!d->warned) shift(&d->warn_at);
  }
  s->paused_working += paused;
  s->holding_paused += paused;
  s->paused_since.reset();
  return paused;
}

void SlaClock::Reclassify(SlaState* s, const SlaTerms& terms) const {
  const SlaState base = Start(s->register_time, terms);
  s->terms = terms;
  auto recompute = [&](DeadlineClock* d, const DeadlineClock& b) {
    if (!d->pending() || !d->tracked()) return;
    d->due = cal_->AddWorkingTime(b.due, s->paused_working);
    d->warn_at = cal_->AddWorkingTime(b.warn_at, s->paused_working);
  };
  recompute(&s->acknowledge, base.acknowledge);
  recompute(&s->investigated, base.investigated);
  recompute(&s->handling_opinion, base.handling_opinion);
}

bool SlaClock::Meet(SlaState* s, v1::DeadlineKind kind, absl::Time now,
                    const DeadlineParty& by,
                    const DeadlineParty& holder) const {
  DeadlineClock& d = s->deadline(kind);
  if (!d.pending() || !d.tracked()) return false;
  d.met = now;
  d.met_working_minutes = WholeMinutes(HandlingTime(*s, now));
  d.met_by = by;
  if (now > d.due && !d.breached) {
    d.breached = true;
    d.breached_holder = holder;
    return true;
  }
  return false;
}

std::vector<v1::DeadlineKind> SlaClock::MarkBreaches(
    SlaState* s, absl::Time now, const DeadlineParty& holder) const {
  std::vector<v1::DeadlineKind> out;
  if (s->paused_since.has_value()) return out;
  for (DeadlineClock* d : s->deadlines()) {
    if (d->pending() && d->tracked() && !d->breached && d->due <= now) {
      d->breached = true;
      d->breached_holder = holder;
      out.push_back(d->kind);
    }
  }
  return out;
}

absl::Duration SlaClock::Held(const SlaState& s, absl::Time now) const {
  absl::Duration held = cal_->WorkingTimeBetween(s.holding_since, now);
  held -= s.holding_paused;
  if (s.paused_since.has_value()) {
    // Not clamped to holding_since: EndHolding() credits the part of a
    // running pause before the holding began (holding_paused < 0).
    held -= cal_->WorkingTimeBetween(*s.paused_since, now);
  }
  return std::max(held, absl::ZeroDuration());
}

absl::Duration SlaClock::EndHolding(SlaState* s, absl::Time now) const {
  const absl::Duration held = Held(*s, now);
  s->holding_since = now;
  s->holding_paused = absl::ZeroDuration();
  // A pause in progress continues into the new holding.
  if (s->paused_since.has_value()) {
    s->holding_paused -= cal_->WorkingTimeBetween(*s->paused_since, now);
  }
  return held;
}

absl::Duration SlaClock::HandlingTime(const SlaState& s, absl::Time now) const {
  absl::Duration t = cal_->WorkingTimeBetween(s.register_time, now);
  t -= s.paused_working;
  if (s.paused_since.has_value()) {
    t -= cal_->WorkingTimeBetween(*s.paused_since, now);
  }
  return std::max(t, absl::ZeroDuration());
}

std::optional<absl::Time> SlaClock::NextActionTime(const SlaState& s,
                                                   bool running) {
  if (!running || s.paused_since.has_value()) return std::nullopt;
  std::optional<absl::Time> next;
  auto consider = [&](absl::Time t) {
    if (!next.has_value() || t < *next) next = t;
  };
  for (const DeadlineClock* d : s.deadlines()) {
    if (!d->pending() || !d->tracked()) continue;
    if (!d->warned) consider(d->warn_at);
    if (!d->breached) consider(d->due);
  }
  if (s.next_escalation_due.has_value()) consider(*s.next_escalation_due);
  return next;
}

}  // namespace csm::complaint
