#include "customer-svc/src/domain/grading.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "customer-svc/src/domain/customer_rules.h"
#include "customer-svc/src/domain/visit_schedule.h"

namespace csm::customer {
namespace {

std::string Day(absl::CivilDay d) { return absl::FormatCivilTime(d); }

std::string Months(int n) {
  return absl::StrCat(n, n == 1 ? " month" : " months");
}

// "HIGH" for IMPORTANCE_HIGH: how people say it.
std::string ImportanceName(v1::Importance importance) {
  std::string name = v1::Importance_Name(importance);
  absl::string_view view = name;
  absl::ConsumePrefix(&view, "IMPORTANCE_");
  return std::string(view);
}

// Collects the reasons of one grade, each prefixed with its letter.
class GradeCheck {
 public:
  explicit GradeCheck(absl::string_view letter) : letter_(letter) {}
  void Met(absl::string_view why) { Add(why); }
  void Missed(absl::string_view why) {
    met_ = false;
    Add(why);
  }
  bool met() const { return met_; }
  std::vector<std::string>& reasons() { return reasons_; }

 private:
  void Add(absl::string_view why) {
    reasons_.push_back(absl::StrCat(letter_, ": ", why));
  }
  std::string letter_;
  bool met_ = true;
  std::vector<std::string> reasons_;
};

// The signing-date part of the prospect path.
void CheckSigning(int within_months, const GradingFacts& facts,
                  absl::CivilDay today, GradeCheck* check) {
  const absl::CivilDay by = AddMonthsClamped(today, within_months);
  if (!facts.expected_signing_date.has_value()) {
    check->Missed("no expected signing date recorded");
    return;
  }
  const absl::CivilDay date = *facts.expected_signing_date;
  if (date < today) {
    check->Missed(absl::StrCat("expected signing ", Day(date),
                               " has passed; update or clear it"));
  } else if (date > by) {
    check->Missed(absl::StrCat("expected signing ", Day(date),
                               " is later than ", Months(within_months),
                               " (by ", Day(by), ")"));
  } else {
    check->Met(absl::StrCat("expected signing ", Day(date), " is within ",
                            Months(within_months), " (by ", Day(by), ")"));
  }
}

void CheckImportance(v1::Importance needed, v1::Importance actual,
                     GradeCheck* check) {
  if (needed == v1::IMPORTANCE_UNSPECIFIED) return;
  if (actual == v1::IMPORTANCE_UNSPECIFIED) {
    check->Missed(absl::StrCat("importance not recorded (needs ",
                               ImportanceName(needed), " or above)"));
  } else if (actual < needed) {
    check->Missed(absl::StrCat("importance ", ImportanceName(actual),
                               " is below ", ImportanceName(needed)));
  } else {
    check->Met(absl::StrCat("importance ", ImportanceName(actual),
                            " is at least ", ImportanceName(needed)));
  }
}

// Whether `criteria` earn the grade of `letter`, and why.
GradeCheck CheckCriteria(absl::string_view letter,
                         const v1::GradeCriteria& criteria,
                         const GradingFacts& facts, const VolumeWindow& window,
                         absl::CivilDay today) {
  GradeCheck volume_check(letter);
  const std::string volume =
      absl::StrCat("business volume ", FormatYuan(facts.business_volume_fen),
                   " (", Day(window.first), " to ", Day(window.last), ")");
  if (criteria.qualifying_volume_fen() > 0) {
    if (facts.business_volume_fen >= criteria.qualifying_volume_fen()) {
      volume_check.Met(absl::StrCat(
          volume, " reaches ", FormatYuan(criteria.qualifying_volume_fen())));
      return volume_check;
    }
    volume_check.Missed(absl::StrCat(
        volume, " is below the ", FormatYuan(criteria.qualifying_volume_fen()),
        " that earns it alone"));
  }
  if (criteria.signing_within_months() <= 0) {
    if (criteria.qualifying_volume_fen() <= 0) {
      volume_check.Missed("no criteria set: never suggested");
    }
    return volume_check;
  }
  GradeCheck prospect(letter);
  std::swap(prospect.reasons(), volume_check.reasons());
  CheckSigning(criteria.signing_within_months(), facts, today, &prospect);
  CheckImportance(criteria.min_importance(), facts.importance, &prospect);
  if (criteria.min_volume_fen() > 0) {
    const std::string needs = absl::StrCat(
        FormatYuan(criteria.min_volume_fen()), " a prospect needs");
    if (facts.business_volume_fen >= criteria.min_volume_fen()) {
      prospect.Met(absl::StrCat(volume, " reaches the ", needs));
    } else {
      prospect.Missed(absl::StrCat(volume, " is below the ", needs));
    }
  }
  return prospect;
}

void CheckCriteriaFields(const v1::GradeCriteria& c, absl::string_view prefix,
                         FieldViolations* v) {
  auto volume = [&](absl::string_view name, int64_t value) {
    if (value < 0 || value > kMaxVolumeThresholdFen) {
      v->Add(absl::StrCat(prefix, name),
             absl::StrCat("must be between 0 (off) and ",
                          kMaxVolumeThresholdFen, " fen"));
    }
  };
  volume("qualifying_volume_fen", c.qualifying_volume_fen());
  volume("min_volume_fen", c.min_volume_fen());
  if (c.signing_within_months() < 0 ||
      c.signing_within_months() > kMaxSigningWithinMonths) {
    v->Add(absl::StrCat(prefix, "signing_within_months"),
           absl::StrCat("must be between 0 (off) and ", kMaxSigningWithinMonths,
                        " months"));
  }
  if (!v1::Importance_IsValid(c.min_importance())) {
    v->Add(absl::StrCat(prefix, "min_importance"), "is not a known importance");
  }
}

const std::vector<std::string>& CriteriaFields() {
  static const auto* kFields = new std::vector<std::string>{
      "qualifying_volume_fen", "signing_within_months", "min_importance",
      "min_volume_fen"};
  return *kFields;
}

void CopyCriterion(const v1::GradeCriteria& from, absl::string_view field,
                   v1::GradeCriteria* to) {
  if (field == "qualifying_volume_fen") {
    to->set_qualifying_volume_fen(from.qualifying_volume_fen());
  } else if (field == "signing_within_months") {
    to->set_signing_within_months(from.signing_within_months());
  } else if (field == "min_importance") {
    to->set_min_importance(from.min_importance());
  } else if (field == "min_volume_fen") {
    to->set_min_volume_fen(from.min_volume_fen());
  }
}

}  // namespace

v1::GradingPolicy DefaultGradingPolicy() {
  v1::GradingPolicy p;
  p.set_name("gradingPolicy");
  p.set_volume_window_months(12);
  p.mutable_grade_a()->set_signing_within_months(1);
  p.mutable_grade_b()->set_signing_within_months(3);
  return p;
}

VolumeWindow VolumeWindowOn(const v1::GradingPolicy& policy,
                            absl::CivilDay today) {
  return {AddMonthsClamped(today, -policy.volume_window_months()) + 1, today};
}

SuggestedGrade SuggestGrade(const v1::GradingPolicy& policy,
                            const GradingFacts& facts, absl::CivilDay today) {
  const VolumeWindow window = VolumeWindowOn(policy, today);
  SuggestedGrade out;
  const std::pair<v1::Grade, const v1::GradeCriteria*> grades[] = {
      {v1::GRADE_A, &policy.grade_a()}, {v1::GRADE_B, &policy.grade_b()}};
  for (const auto& [grade, criteria] : grades) {
    GradeCheck check = CheckCriteria(grade == v1::GRADE_A ? "A" : "B",
                                     *criteria, facts, window, today);
    for (std::string& r : check.reasons()) out.reasons.push_back(std::move(r));
    if (check.met()) {
      out.grade = grade;
      return out;
    }
  }
  out.grade = v1::GRADE_C;
  out.reasons.push_back("C: the criteria of A and B are not met");
  return out;
}

FieldViolations GradingPolicyViolations(const v1::GradingPolicy& p) {
  FieldViolations v;
  if (p.volume_window_months() < 1 ||
      p.volume_window_months() > kMaxVolumeWindowMonths) {
    v.Add("grading_policy.volume_window_months",
          absl::StrCat("must be between 1 and ", kMaxVolumeWindowMonths,
                       " months"));
  }
  CheckCriteriaFields(p.grade_a(), "grading_policy.grade_a.", &v);
  CheckCriteriaFields(p.grade_b(), "grading_policy.grade_b.", &v);
  const v1::GradeCriteria& a = p.grade_a();
  const v1::GradeCriteria& b = p.grade_b();
  if (a.signing_within_months() > 0 && b.signing_within_months() > 0 &&
      a.signing_within_months() > b.signing_within_months()) {
    v.Add("grading_policy.grade_a.signing_within_months",
          absl::StrCat("must not be longer than grade B's (",
                       b.signing_within_months(), "): A is the tighter grade"));
  }
  if (a.qualifying_volume_fen() > 0 && b.qualifying_volume_fen() > 0 &&
      a.qualifying_volume_fen() < b.qualifying_volume_fen()) {
    v.Add("grading_policy.grade_a.qualifying_volume_fen",
          absl::StrCat("must not be lower than grade B's (",
                       b.qualifying_volume_fen(), "): A is the higher grade"));
  }
  return v;
}

const std::vector<std::string>& UpdatableGradingPolicyPaths() {
  static const auto* kPaths = [] {
    auto* paths = new std::vector<std::string>{"volume_window_months",
                                               "grade_a", "grade_b"};
    for (const char* grade : {"grade_a", "grade_b"}) {
      for (const std::string& f : CriteriaFields()) {
        paths->push_back(absl::StrCat(grade, ".", f));
      }
    }
    return paths;
  }();
  return *kPaths;
}

absl::Status ApplyGradingPolicyUpdate(const v1::GradingPolicy& patch,
                                      const std::vector<std::string>& paths,
                                      v1::GradingPolicy* target) {
  const std::vector<std::string>& allowed = UpdatableGradingPolicyPaths();
  FieldViolations v;
  if (paths.empty()) {
    v.Add("update_mask",
          absl::StrCat("is required: ", absl::StrJoin(allowed, ", ")));
  }
  for (const std::string& p : paths) {
    if (std::find(allowed.begin(), allowed.end(), p) == allowed.end()) {
      v.Add("update_mask",
            absl::StrCat(QuotedPath(p), " is not updatable; use ",
                         absl::StrJoin(allowed, ", ")));
    }
  }
  CSM_RETURN_IF_ERROR(v.ToStatus());
  for (absl::string_view p : paths) {
    if (p == "volume_window_months") {
      target->set_volume_window_months(patch.volume_window_months());
    } else if (p == "grade_a") {
      *target->mutable_grade_a() = patch.grade_a();
    } else if (p == "grade_b") {
      *target->mutable_grade_b() = patch.grade_b();
    } else if (absl::ConsumePrefix(&p, "grade_a.")) {
      CopyCriterion(patch.grade_a(), p, target->mutable_grade_a());
    } else if (absl::ConsumePrefix(&p, "grade_b.")) {
      CopyCriterion(patch.grade_b(), p, target->mutable_grade_b());
    }
  }
  return absl::OkStatus();
}

std::string FormatYuan(int64_t fen) {
  const bool negative = fen < 0;
  // Negative amounts do not occur (dealings are >= 0); shown anyway.
  const uint64_t abs_fen = negative ? static_cast<uint64_t>(-(fen + 1)) + 1
                                    : static_cast<uint64_t>(fen);
  const std::string digits = absl::StrCat(abs_fen / 100);
  std::string yuan;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) yuan.push_back(',');
    yuan.push_back(digits[i]);
  }
  return absl::StrFormat("%s¥%s.%02d", negative ? "-" : "", yuan,
                         static_cast<int>(abs_fen % 100));
}

}  // namespace csm::customer
