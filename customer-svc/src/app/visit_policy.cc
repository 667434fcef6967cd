// The schedule policy (回访周期): read, and changed with every open plan
// following the new rule in the same transaction.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "common/business_time.h"
#include "common/etag.h"
#include "common/idempotency.h"
#include "common/paging.h"
#include "common/personal_text.h"
#include "common/resource_id.h"
#include "common/status.h"
#include "common/text.h"
#include "csm/events/v1/customer_events.pb.h"
#include "customer-svc/src/app/archive_mutation.h"
#include "customer-svc/src/app/roles.h"
#include "customer-svc/src/app/visit_use_cases.h"
#include "customer-svc/src/domain/archive_access.h"
#include "customer-svc/src/domain/customer_rules.h"
#include "customer-svc/src/domain/service_records.h"
#include "customer-svc/src/domain/text_limits.h"
#include "customer-svc/src/domain/visit_schedule.h"

namespace csm::customer::app {
namespace {

namespace ev = ::csm::events::v1;

constexpr char kPolicyName[] = "visitPolicy";

v1::Grade GradeOfLetter(char letter) {
  switch (letter) {
    case 'A':
      return v1::GRADE_A;
    case 'B':
      return v1::GRADE_B;
    case 'C':
      return v1::GRADE_C;
    default:
      return v1::GRADE_UNSPECIFIED;
  }
}

v1::VisitPolicy PolicyToProto(const PolicyRecord& rec) {
  v1::VisitPolicy out;
  out.set_name(kPolicyName);
  out.set_first_year_interval_months(rec.policy.first_year_interval_months);
  out.set_later_interval_months(rec.policy.later_interval_months);
  out.set_first_period_months(rec.policy.first_period_months);
  for (const auto& [letter, o] : rec.policy.grade_overrides) {
    v1::GradeVisitOverride* g = out.add_grade_overrides();
    g->set_grade(GradeOfLetter(letter));
    g->set_first_year_interval_months(o.first_year_interval_months.value_or(0));
    g->set_later_interval_months(o.later_interval_months.value_or(0));
  }
  out.set_invalid_sms_streak(rec.policy.invalid_sms_streak);
  out.set_due_soon_days(rec.policy.due_soon_days);
  out.set_etag(std::to_string(rec.version));
  ToProtoTimestamp(rec.update_time, out.mutable_update_time());
  return out;
}

bool SameOverrides(const std::map<char, GradeOverride>& a,
                   const std::map<char, GradeOverride>& b) {
  if (a.size() != b.size()) return false;
  for (const auto& [letter, o] : a) {
    auto it = b.find(letter);
    if (it == b.end() ||
        it->second.first_year_interval_months != o.first_year_interval_months ||
        it->second.later_interval_months != o.later_interval_months) {
      return false;
    }
  }
  return true;
}

// The schedule rule names fields "policy.x" and
// "policy.grade_overrides.A.x"; the request has "visit_policy.x" and a
// repeated "visit_policy.grade_overrides[i]".
std::string RequestField(absl::string_view field,
                         const std::map<char, int>& override_index) {
  absl::string_view rest = field;
  if (!absl::ConsumePrefix(&rest, "policy.")) return std::string(field);
  absl::string_view grade = rest;
  if (absl::ConsumePrefix(&grade, "grade_overrides.") && grade.size() > 2 &&
      grade[1] == '.') {
    auto it = override_index.find(grade[0]);
    if (it == override_index.end()) return "visit_policy.grade_overrides";
    return absl::StrCat("visit_policy.grade_overrides[", it->second, "].",
                        grade.substr(2));
  }
  return absl::StrCat("visit_policy.", rest);
}

}  // namespace

absl::Status GetVisitPolicy(Backend& b, const CallContext& call,
                            const v1::GetVisitPolicyRequest&,
                            v1::VisitPolicy* resp) {
  return RunWithConnection(
      b.pool, call.deadline, [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(PolicyRecord rec,
                             b.visits.GetPolicy(conn, PolicyLock::kNone));
        *resp = PolicyToProto(rec);
        return absl::OkStatus();
      });
}

namespace {

// An UpdateVisitPolicy request, checked: the mask's paths and the grade
// overrides it sets.
struct PolicyPatch {
  std::set<std::string> paths;
  std::map<char, GradeOverride> overrides;
  std::map<char, int> override_index;  // grade -> index in the request
};

const std::set<std::string>& UpdatablePolicyFields() {
  static const std::set<std::string> kUpdatable = {
      "first_year_interval_months", "later_interval_months",
      "first_period_months",        "grade_overrides",
      "invalid_sms_streak",         "due_soon_days"};
  return kUpdatable;
}

// The overrides of the request; 0 keeps the default: an override of
// nothing is no override.
void DecodeOverrides(const v1::VisitPolicy& in, PolicyPatch& patch,
                     FieldViolations& v) {
  for (int i = 0; i < in.grade_overrides_size(); ++i) {
    const v1::GradeVisitOverride& o = in.grade_overrides(i);
    const char letter = VisitStore::GradeLetter(o.grade());
    const std::string field =
        absl::StrCat("visit_policy.grade_overrides[", i, "]");
    if (letter == 0) {
      v.Add(field + ".grade", "must be GRADE_A, GRADE_B or GRADE_C");
      continue;
    }
    if (!patch.override_index.emplace(letter, i).second) {
      v.Add(field + ".grade",
            absl::StrCat(v1::Grade_Name(o.grade()), " is listed twice"));
      continue;
    }
    GradeOverride g;
    if (o.first_year_interval_months() != 0) {
      g.first_year_interval_months = o.first_year_interval_months();
    }
    if (o.later_interval_months() != 0) {
      g.later_interval_months = o.later_interval_months();
    }
    if (g.first_year_interval_months.has_value() ||
        g.later_interval_months.has_value()) {
      patch.overrides[letter] = g;
    }
  }
}

absl::StatusOr<PolicyPatch> DecodePolicyPatch(
    const v1::UpdateVisitPolicyRequest& req) {
  const std::set<std::string>& updatable = UpdatablePolicyFields();
  PolicyPatch patch;
  FieldViolations v;
  if (req.update_mask().paths().empty()) {
    v.Add("update_mask",
          absl::StrCat("required: ", absl::StrJoin(updatable, ", ")));
  }
  for (const std::string& p : req.update_mask().paths()) {
    if (!updatable.contains(p)) {
      v.Add("update_mask",
            absl::StrCat(QuotedPath(p), " is not updatable; use ",
                         absl::StrJoin(updatable, ", ")));
    }
    patch.paths.insert(p);
  }
  if (patch.paths.contains("grade_overrides")) {
    DecodeOverrides(req.visit_policy(), patch, v);
  }
  CSM_RETURN_IF_ERROR(v.ToStatus());
  return patch;
}

// `current` with the patch applied; the names of the fields that changed in
// `changed`. INVALID_ARGUMENT (on the request's fields) when the result
// breaks the schedule rule.
absl::StatusOr<VisitPolicy> MergePolicy(const VisitPolicy& current,
                                        const v1::VisitPolicy& in,
                                        const PolicyPatch& patch,
                                        std::vector<std::string>* changed) {
  VisitPolicy merged = current;
  auto set = [&](const char* path, int value, int* field) {
    if (!patch.paths.contains(path)) return;
    if (*field != value) changed->push_back(path);
    *field = value;
  };
  set("first_year_interval_months", in.first_year_interval_months(),
      &merged.first_year_interval_months);
  set("later_interval_months", in.later_interval_months(),
      &merged.later_interval_months);
  set("first_period_months", in.first_period_months(),
      &merged.first_period_months);
  set("invalid_sms_streak", in.invalid_sms_streak(),
      &merged.invalid_sms_streak);
  set("due_soon_days", in.due_soon_days(), &merged.due_soon_days);
  if (patch.paths.contains("grade_overrides")) {
    if (!SameOverrides(patch.overrides, merged.grade_overrides)) {
      changed->push_back("grade_overrides");
    }
    merged.grade_overrides = patch.overrides;
  }
  FieldViolations v;
  for (const VisitFieldViolation& f : VisitPolicyViolations(merged)) {
    v.Add(RequestField(f.field, patch.override_index), f.description);
  }
  CSM_RETURN_IF_ERROR(v.ToStatus());
  return merged;
}

}  // namespace

absl::Status UpdateVisitPolicy(Backend& b, const CallContext& call,
                               const v1::UpdateVisitPolicyRequest& req,
                               v1::VisitPolicy* resp) {
  CSM_ASSIGN_OR_RETURN(const PolicyPatch patch, DecodePolicyPatch(req));
  CSM_ASSIGN_OR_RETURN(int64_t expected, ParseEtag(req.visit_policy().etag(),
                                                   "visit_policy.etag"));
  return RunMutation(
      b.pool, b.outbox, call, req.request_id(), req, resp,
      [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(PolicyRecord current,
                             b.visits.GetPolicy(conn, PolicyLock::kUpdate));
        CSM_RETURN_IF_ERROR(
            CheckEtag("visitPolicy", current.version, expected));
        std::vector<std::string> changed;
        CSM_ASSIGN_OR_RETURN(
            VisitPolicy merged,
            MergePolicy(current.policy, req.visit_policy(), patch, &changed));
        if (changed.empty()) {
          *resp = PolicyToProto(current);
          return absl::OkStatus();
        }
        CSM_RETURN_IF_ERROR(
            b.visits.UpdatePolicy(conn, merged, current.version, call.start));
        // Due lists stay right: every open plan follows the new rule now.
        CSM_ASSIGN_OR_RETURN(std::vector<PlanMove> moved,
                             RescheduleOpenPlans(b, conn, 0, merged));
        CSM_ASSIGN_OR_RETURN(PolicyRecord updated,
                             b.visits.GetPolicy(conn, PolicyLock::kNone));
        *resp = PolicyToProto(updated);
        ev::VisitPolicyChanged event;
        for (const std::string& f : changed) event.add_changed_fields(f);
        event.set_rescheduled_plans(static_cast<int>(moved.size()));
        CSM_RETURN_IF_ERROR(b.outbox.Append(conn, call, kPolicyName, event));
        return AppendPlanMoves(conn, b.outbox, call, moved, "visit_policy");
      });
}

}  // namespace csm::customer::app
