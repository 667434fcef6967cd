#include "reporting-svc/src/domain/attrition.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"

namespace csm::reporting {
namespace {

constexpr int kMaxDays = 3660;
constexpr int kMaxPromises = 1000;
constexpr size_t kMaxReferences = 10;

bool IsDissatisfied(csm::common::v1::Satisfaction s) {
  return s == csm::common::v1::SATISFACTION_DISSATISFIED ||
         s == csm::common::v1::SATISFACTION_VERY_DISSATISFIED;
}

// "No X for N days": the latest X (else creation) at least N days ago.
std::optional<RiskReason> Silence(rv1::AttritionReason reason, int threshold,
                                  const std::optional<absl::CivilDay>& latest,
                                  absl::CivilDay created,
                                  absl::CivilDay as_of) {
  if (threshold <= 0) return std::nullopt;
  const absl::CivilDay base = latest.value_or(created);
  const int64_t days = as_of - base;
  if (days < threshold) return std::nullopt;
  RiskReason r;
  r.reason = reason;
  r.since = latest;
  r.days = days;
  return r;
}

// Facts dated in [as_of - window + 1, as_of]; the reason when at least
// `minimum` distinct resources qualify.
std::optional<RiskReason> Window(rv1::AttritionReason reason, int window,
                                 int minimum,
                                 const std::vector<DatedFact>& facts,
                                 absl::CivilDay as_of) {
  if (window <= 0) return std::nullopt;
  const absl::CivilDay from = as_of - (window - 1);
  std::set<std::string> refs;
  std::optional<absl::CivilDay> latest;
  for (const DatedFact& f : facts) {
    if (f.day < from || f.day > as_of) continue;
    refs.insert(f.reference);
    if (!latest.has_value() || f.day > *latest) latest = f.day;
  }
  if (refs.empty() || static_cast<int>(refs.size()) < minimum) {
    return std::nullopt;
  }
  RiskReason r;
  r.reason = reason;
  r.since = latest;
  r.days = as_of - *latest;
  r.count = static_cast<int>(refs.size());
  for (const std::string& ref : refs) {
    if (r.references.size() == kMaxReferences) break;
    r.references.push_back(ref);
  }
  return r;
}

void CheckDays(int value, absl::string_view field, absl::string_view name,
               FieldViolations* v) {
  if (value < 0 || value > kMaxDays) {
    v->Add(absl::StrCat(field, ".", name),
           absl::StrCat("must be 0 (off) .. ", kMaxDays, " days"));
  }
}

}  // namespace

void ValidateAttritionRule(const AttritionRule& rule, absl::string_view field,
                           FieldViolations* v) {
  CheckDays(rule.no_dealing_days, field, "no_dealing_days", v);
  CheckDays(rule.no_communication_days, field, "no_communication_days", v);
  CheckDays(rule.complaint_lookback_days, field, "complaint_lookback_days", v);
  CheckDays(rule.promise_lookback_days, field, "promise_lookback_days", v);
  if (rule.min_broken_promises < 1 || rule.min_broken_promises > kMaxPromises) {
    v->Add(absl::StrCat(field, ".min_broken_promises"),
           absl::StrCat("must be 1..", kMaxPromises,
                        " (turn the reason off with "
                        "promise_lookback_days = 0)"));
  }
  if (rule.monitored_statuses.empty()) {
    v->Add(absl::StrCat(field, ".monitored_statuses"),
           "required: at least one LIFECYCLE_STATUS_* value");
  }
  std::set<int> seen;
  for (size_t i = 0; i < rule.monitored_statuses.size(); ++i) {
    const cv1::LifecycleStatus s = rule.monitored_statuses[i];
    const std::string path =
        absl::StrCat(field, ".monitored_statuses[", i, "]");
    if (s == cv1::LIFECYCLE_STATUS_UNSPECIFIED ||
        !cv1::LifecycleStatus_IsValid(s)) {
      v->Add(path, "must be a LIFECYCLE_STATUS_* value");
    } else if (!seen.insert(s).second) {
      v->Add(path,
             absl::StrCat(cv1::LifecycleStatus_Name(s), " is listed twice"));
    }
  }
}

AttritionRule FromProto(const rv1::AttritionRule& proto) {
  AttritionRule r;
  r.no_dealing_days = proto.no_dealing_days();
  r.no_communication_days = proto.no_communication_days();
  r.complaint_lookback_days = proto.complaint_lookback_days();
  r.promise_lookback_days = proto.promise_lookback_days();
  r.min_broken_promises = proto.min_broken_promises();
  r.dissatisfied_last_visit = proto.dissatisfied_last_visit();
  r.monitored_statuses.clear();
  for (int s : proto.monitored_statuses()) {
    r.monitored_statuses.push_back(static_cast<cv1::LifecycleStatus>(s));
  }
  return r;
}

void ToProto(const AttritionRule& rule, rv1::AttritionRule* out) {
  out->set_no_dealing_days(rule.no_dealing_days);
  out->set_no_communication_days(rule.no_communication_days);
  out->set_complaint_lookback_days(rule.complaint_lookback_days);
  out->set_promise_lookback_days(rule.promise_lookback_days);
  out->set_min_broken_promises(rule.min_broken_promises);
  out->set_dissatisfied_last_visit(rule.dissatisfied_last_visit);
  out->clear_monitored_statuses();
  for (cv1::LifecycleStatus s : rule.monitored_statuses) {
    out->add_monitored_statuses(s);
  }
}

bool IsMonitored(const AttritionRule& rule, const ArchiveFacts& facts) {
  return facts.open &&
         std::find(rule.monitored_statuses.begin(),
                   rule.monitored_statuses.end(),
                   facts.lifecycle_status) != rule.monitored_statuses.end();
}

std::vector<RiskReason> RiskReasons(const AttritionRule& rule,
                                    const ArchiveFacts& facts,
                                    absl::CivilDay as_of) {
  std::vector<RiskReason> out;
  if (!IsMonitored(rule, facts)) return out;
  auto add = [&out](std::optional<RiskReason> r) {
    if (r.has_value()) out.push_back(*std::move(r));
  };
  add(Silence(rv1::ATTRITION_REASON_NO_DEALING, rule.no_dealing_days,
              facts.last_dealing, facts.created, as_of));
  add(Silence(rv1::ATTRITION_REASON_NO_COMMUNICATION,
              rule.no_communication_days, facts.last_contact, facts.created,
              as_of));
  if (rule.dissatisfied_last_visit && facts.last_visit.has_value() &&
      IsDissatisfied(facts.last_visit->satisfaction) &&
      facts.last_visit->day <= as_of) {
    RiskReason r;
    r.reason = rv1::ATTRITION_REASON_DISSATISFIED_VISIT;
    r.since = facts.last_visit->day;
    r.days = as_of - facts.last_visit->day;
    r.count = 1;
    r.references = {facts.last_visit->reference};
    out.push_back(std::move(r));
  }
  add(Window(rv1::ATTRITION_REASON_REOPENED_COMPLAINT,
             rule.complaint_lookback_days, 1, facts.complaint_reopens, as_of));
  add(Window(rv1::ATTRITION_REASON_ESCALATED_COMPLAINT,
             rule.complaint_lookback_days, 1, facts.complaint_escalations,
             as_of));
  add(Window(rv1::ATTRITION_REASON_BROKEN_PROMISE, rule.promise_lookback_days,
             rule.min_broken_promises, facts.broken_promises, as_of));
  return out;
}

void ToProto(const RiskReason& reason, rv1::RiskReason* out) {
  out->set_reason(reason.reason);
  if (reason.since.has_value()) {
    csm::common::v1::Date* d = out->mutable_since();
    d->set_year(static_cast<int32_t>(reason.since->year()));
    d->set_month(reason.since->month());
    d->set_day(reason.since->day());
  }
  out->set_days(static_cast<int32_t>(reason.days));
  out->set_count(reason.count);
  out->clear_references();
  for (const std::string& ref : reason.references) out->add_references(ref);
}

}  // namespace csm::reporting
