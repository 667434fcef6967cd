// Grading rules as data (客户分级): the criteria archivists keep for grades
// A and B, and the grade they suggest for an archive, with the reasons.
//
// An archive earns a grade
//   - by business volume alone: the dealings dated in the window (the last
//     volume_window_months months, today included) add up to at least
//     qualifying_volume_fen; or
//   - as a prospect with a clear need: its expected signing date lies
//     between today and signing_within_months months from today (both
//     included), its importance is at least min_importance and its volume at
//     least min_volume_fen.
// A is checked first, then B; an archive earning neither is C. A criterion
// at 0 (UNSPECIFIED) is not used; missing facts (no signing date, importance
// not recorded) never meet a criterion that needs them.
//
// A suggestion changes nothing: a person changes the grade (ChangeGrade),
// with a reason. Pure: no I/O, no clock ("today" is passed in).

#ifndef CSM_CUSTOMER_SVC_SRC_DOMAIN_GRADING_H_
#define CSM_CUSTOMER_SVC_SRC_DOMAIN_GRADING_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "common/status.h"
#include "csm/customer/v1/customer.pb.h"
#include "csm/customer/v1/grading.pb.h"

namespace csm::customer {

namespace v1 = ::csm::customer::v1;

inline constexpr int kMaxVolumeWindowMonths = 120;
inline constexpr int kMaxSigningWithinMonths = 36;
// Volume thresholds: at most ten trillion yuan.
inline constexpr int64_t kMaxVolumeThresholdFen = 1'000'000'000'000'000;

// The documents' rule (A: sign within 1 month, B: within 3, over 12 months
// of dealings; no amounts named, so volume thresholds off). The migration
// seeds the same.
v1::GradingPolicy DefaultGradingPolicy();

// The dealings counted on `today`: (today - N months, today], N =
// volume_window_months, month ends clamped (AddMonthsClamped).
struct VolumeWindow {
  absl::CivilDay first;
  absl::CivilDay last;
};
VolumeWindow VolumeWindowOn(const v1::GradingPolicy& policy,
                            absl::CivilDay today);

// What the criteria look at.
struct GradingFacts {
  // Sum of the amounts of the dealings dated in the window.
  int64_t business_volume_fen = 0;
  std::optional<absl::CivilDay> expected_signing_date;
  v1::Importance importance = v1::IMPORTANCE_UNSPECIFIED;
};

struct SuggestedGrade {
  v1::Grade grade = v1::GRADE_C;
  // One line per criterion looked at, "A: ..." then "B: ...": what earned
  // the grade and what the higher grades missed.
  std::vector<std::string> reasons;
};

SuggestedGrade SuggestGrade(const v1::GradingPolicy& policy,
                            const GradingFacts& facts, absl::CivilDay today);

// Every problem of a policy, fields under "grading_policy.": window in
// 1..kMaxVolumeWindowMonths, signing_within_months in
// 0..kMaxSigningWithinMonths, volumes in 0..kMaxVolumeThresholdFen, known
// importances, and A no looser than B where both use a criterion (A's
// signing horizon no longer, A's qualifying volume no lower), or B would be
// a grade nobody reaches before A.
FieldViolations GradingPolicyViolations(const v1::GradingPolicy& policy);

// UpdateGradingPolicy's mask paths: volume_window_months, grade_a, grade_b,
// and grade_a.<criterion> / grade_b.<criterion>.
const std::vector<std::string>& UpdatableGradingPolicyPaths();

// Copies the masked fields of `patch` into `target`; INVALID_ARGUMENT on
// "update_mask" for an empty mask or an unknown path (target unchanged).
// The result is not validated here: see GradingPolicyViolations.
absl::Status ApplyGradingPolicyUpdate(const v1::GradingPolicy& patch,
                                      const std::vector<std::string>& paths,
                                      v1::GradingPolicy* target);

// "¥1,234,567.89" for an amount in fen.
std::string FormatYuan(int64_t fen);

}  // namespace csm::customer

#endif  // CSM_CUSTOMER_SVC_SRC_DOMAIN_GRADING_H_
