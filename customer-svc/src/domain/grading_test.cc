#include "customer-svc/src/domain/grading.h"

#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace csm::customer {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

const absl::CivilDay kToday(2026, 11, 24);

// A 1 month / B 3 months (the default), plus volume thresholds.
v1::GradingPolicy PolicyWithVolumes(int64_t a_volume, int64_t b_volume) {
  v1::GradingPolicy p = DefaultGradingPolicy();
  p.mutable_grade_a()->set_qualifying_volume_fen(a_volume);
  p.mutable_grade_b()->set_qualifying_volume_fen(b_volume);
  return p;
}

GradingFacts Signing(absl::CivilDay date) {
  GradingFacts f;
  f.expected_signing_date = date;
  return f;
}

std::vector<std::string> ViolationFields(const FieldViolations& v) {
  std::vector<std::string> out;
  for (const auto& [field, description] : v.items()) out.push_back(field);
  return out;
}

TEST(GradingTest, TheDocumentsRuleByDefault) {
  const v1::GradingPolicy p = DefaultGradingPolicy();
  EXPECT_EQ(p.volume_window_months(), 12);
  EXPECT_TRUE(GradingPolicyViolations(p).empty());
  // Within a month: A; within three: B; later or never: C.
  EXPECT_EQ(SuggestGrade(p, Signing(kToday + 10), kToday).grade, v1::GRADE_A);
  EXPECT_EQ(SuggestGrade(p, Signing(absl::CivilDay(2027, 1, 15)), kToday).grade,
            v1::GRADE_B);
  EXPECT_EQ(SuggestGrade(p, Signing(absl::CivilDay(2027, 6, 1)), kToday).grade,
            v1::GRADE_C);
  EXPECT_EQ(SuggestGrade(p, GradingFacts{}, kToday).grade, v1::GRADE_C);
}

TEST(GradingTest, SigningHorizonEdgesAreInclusive) {
  const v1::GradingPolicy p = DefaultGradingPolicy();
  // Today + 1 month is 2026-12-24: in; the day after: out (B).
  SuggestedGrade on_edge =
      SuggestGrade(p, Signing(absl::CivilDay(2026, 12, 24)), kToday);
  EXPECT_EQ(on_edge.grade, v1::GRADE_A);
  EXPECT_THAT(on_edge.reasons,
              ElementsAre("A: expected signing 2026-12-24 is within 1 month "
                          "(by 2026-12-24)"));
  SuggestedGrade past_edge =
      SuggestGrade(p, Signing(absl::CivilDay(2026, 12, 25)), kToday);
  EXPECT_EQ(past_edge.grade, v1::GRADE_B);
  EXPECT_THAT(past_edge.reasons,
              ElementsAre("A: expected signing 2026-12-25 is later than 1 "
                          "month (by 2026-12-24)",
                          "B: expected signing 2026-12-25 is within 3 months "
                          "(by 2027-02-24)"));
  // Today itself counts; yesterday is stale, not imminent.
  EXPECT_EQ(SuggestGrade(p, Signing(kToday), kToday).grade, v1::GRADE_A);
  SuggestedGrade stale = SuggestGrade(p, Signing(kToday - 1), kToday);
  EXPECT_EQ(stale.grade, v1::GRADE_C);
  EXPECT_THAT(stale.reasons,
              Contains("A: expected signing 2026-11-23 has passed; update or "
                       "clear it"));
  // Month ends clamp: from 31 January, one month is 28 February.
  const absl::CivilDay jan31(2027, 1, 31);
  EXPECT_EQ(SuggestGrade(p, Signing(absl::CivilDay(2027, 2, 28)), jan31).grade,
            v1::GRADE_A);
  EXPECT_EQ(SuggestGrade(p, Signing(absl::CivilDay(2027, 3, 1)), jan31).grade,
            v1::GRADE_B);
}

TEST(GradingTest, VolumeThresholdsAreInclusive) {
  const v1::GradingPolicy p = PolicyWithVolumes(100'000'000, 20'000'000);
  GradingFacts f;
  f.business_volume_fen = 100'000'000;  // exactly A's threshold
  SuggestedGrade a = SuggestGrade(p, f, kToday);
  EXPECT_EQ(a.grade, v1::GRADE_A);
  EXPECT_THAT(a.reasons,
              ElementsAre("A: business volume ¥1,000,000.00 (2025-11-25 to "
                          "2026-11-24) reaches ¥1,000,000.00"));
  f.business_volume_fen = 99'999'999;  // one fen short: B by volume
  SuggestedGrade b = SuggestGrade(p, f, kToday);
  EXPECT_EQ(b.grade, v1::GRADE_B);
  EXPECT_THAT(b.reasons[0], HasSubstr("¥999,999.99"));
  EXPECT_THAT(b.reasons[0], HasSubstr("is below the ¥1,000,000.00"));
  f.business_volume_fen = 20'000'000;
  EXPECT_EQ(SuggestGrade(p, f, kToday).grade, v1::GRADE_B);
  f.business_volume_fen = 19'999'999;
  EXPECT_EQ(SuggestGrade(p, f, kToday).grade, v1::GRADE_C);
}

TEST(GradingTest, VolumeWindowEdges) {
  v1::GradingPolicy p = DefaultGradingPolicy();
  VolumeWindow w = VolumeWindowOn(p, kToday);
  EXPECT_EQ(w.first, absl::CivilDay(2025, 11, 25));
  EXPECT_EQ(w.last, kToday);
  p.set_volume_window_months(1);
  w = VolumeWindowOn(p, absl::CivilDay(2026, 3, 31));
  // One month back from 31 March is 28 February (clamped): 1 March on.
  EXPECT_EQ(w.first, absl::CivilDay(2026, 3, 1));
  p.set_volume_window_months(12);
  w = VolumeWindowOn(p, absl::CivilDay(2028, 2, 29));
  EXPECT_EQ(w.first, absl::CivilDay(2027, 3, 1));
}

TEST(GradingTest, TiesGoToTheHigherGrade) {
  // Meets both A and B: A. Both by volume, and A by volume, B by signing.
  const v1::GradingPolicy p = PolicyWithVolumes(50'000'000, 50'000'000);
  GradingFacts f = Signing(absl::CivilDay(2027, 1, 10));
  f.business_volume_fen = 50'000'000;
  EXPECT_EQ(SuggestGrade(p, f, kToday).grade, v1::GRADE_A);
}

TEST(GradingTest, ProspectsNeedImportanceAndVolumeWhenTheCriteriaSaySo) {
  v1::GradingPolicy p = DefaultGradingPolicy();
  p.mutable_grade_a()->set_min_importance(v1::IMPORTANCE_HIGH);
  p.mutable_grade_a()->set_min_volume_fen(1'000'000);
  GradingFacts f = Signing(kToday + 5);

  // Importance not recorded and no dealings: A missed, B (no extra needs).
  SuggestedGrade s = SuggestGrade(p, f, kToday);
  EXPECT_EQ(s.grade, v1::GRADE_B);
  EXPECT_THAT(
      s.reasons,
      ElementsAre(HasSubstr("A: expected signing 2026-11-29 is within"),
                  "A: importance not recorded (needs HIGH or above)",
                  HasSubstr("A: business volume ¥0.00"),
                  HasSubstr("B: expected signing 2026-11-29 is within")));
  EXPECT_THAT(s.reasons[2], HasSubstr("is below the ¥10,000.00 a prospect"));

  f.importance = v1::IMPORTANCE_NORMAL;
  f.business_volume_fen = 1'000'000;
  s = SuggestGrade(p, f, kToday);
  EXPECT_EQ(s.grade, v1::GRADE_B);
  EXPECT_THAT(s.reasons, Contains("A: importance NORMAL is below HIGH"));

  f.importance = v1::IMPORTANCE_HIGH;
  s = SuggestGrade(p, f, kToday);
  EXPECT_EQ(s.grade, v1::GRADE_A);
  EXPECT_THAT(s.reasons, Contains("A: importance HIGH is at least HIGH"));
}

TEST(GradingTest, MissingDataNeverMeetsACriterion) {
  const v1::GradingPolicy p = PolicyWithVolumes(1, 0);
  // No dealings (volume 0), no signing date, no importance: C, and why.
  SuggestedGrade s = SuggestGrade(p, GradingFacts{}, kToday);
  EXPECT_EQ(s.grade, v1::GRADE_C);
  EXPECT_THAT(s.reasons, ElementsAre(HasSubstr("A: business volume ¥0.00"),
                                     "A: no expected signing date recorded",
                                     "B: no expected signing date recorded",
                                     "C: the criteria of A and B are not met"));
}

TEST(GradingTest, AGradeWithoutCriteriaIsNeverSuggested) {
  v1::GradingPolicy p = DefaultGradingPolicy();
  p.mutable_grade_a()->Clear();
  EXPECT_TRUE(GradingPolicyViolations(p).empty());
  SuggestedGrade s = SuggestGrade(p, Signing(kToday), kToday);
  EXPECT_EQ(s.grade, v1::GRADE_B);
  EXPECT_EQ(s.reasons[0], "A: no criteria set: never suggested");
}

TEST(GradingTest, PolicyValidation) {
  v1::GradingPolicy p = DefaultGradingPolicy();
  p.set_volume_window_months(0);
  p.mutable_grade_a()->set_signing_within_months(37);
  p.mutable_grade_b()->set_qualifying_volume_fen(-1);
  p.mutable_grade_b()->set_min_importance(static_cast<v1::Importance>(9));
  EXPECT_THAT(ViolationFields(GradingPolicyViolations(p)),
              ElementsAre("grading_policy.volume_window_months",
                          "grading_policy.grade_a.signing_within_months",
                          "grading_policy.grade_b.qualifying_volume_fen",
                          "grading_policy.grade_b.min_importance",
                          "grading_policy.grade_a.signing_within_months"));

  // A looser than B.
  p = PolicyWithVolumes(10, 20);
  p.mutable_grade_a()->set_signing_within_months(4);
  EXPECT_THAT(ViolationFields(GradingPolicyViolations(p)),
              ElementsAre("grading_policy.grade_a.signing_within_months",
                          "grading_policy.grade_a.qualifying_volume_fen"));
  // The edges themselves are fine.
  p = PolicyWithVolumes(kMaxVolumeThresholdFen, 0);
  p.set_volume_window_months(kMaxVolumeWindowMonths);
  p.mutable_grade_b()->set_signing_within_months(kMaxSigningWithinMonths);
  EXPECT_THAT(ViolationFields(GradingPolicyViolations(p)), IsEmpty());
}

TEST(GradingTest, UpdateByMaskPaths) {
  v1::GradingPolicy target = DefaultGradingPolicy();
  v1::GradingPolicy patch;
  patch.set_volume_window_months(6);
  patch.mutable_grade_a()->set_qualifying_volume_fen(500);
  patch.mutable_grade_a()->set_signing_within_months(2);
  patch.mutable_grade_b()->set_min_importance(v1::IMPORTANCE_LOW);
  ASSERT_TRUE(ApplyGradingPolicyUpdate(
                  patch, {"grade_a.qualifying_volume_fen", "grade_b"}, &target)
                  .ok());
  EXPECT_EQ(target.volume_window_months(), 12);  // not in the mask
  EXPECT_EQ(target.grade_a().qualifying_volume_fen(), 500);
  EXPECT_EQ(target.grade_a().signing_within_months(), 1);  // kept
  // grade_b replaced as a whole.
  EXPECT_EQ(target.grade_b().signing_within_months(), 0);
  EXPECT_EQ(target.grade_b().min_importance(), v1::IMPORTANCE_LOW);

  const v1::GradingPolicy before = target;
  absl::Status s = ApplyGradingPolicyUpdate(
      patch, {"volume_window_months", "grade_c", "13900001111"}, &target);
  EXPECT_TRUE(absl::IsInvalidArgument(s)) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr("\"grade_c\""));
  EXPECT_THAT(std::string(s.message()), Not(HasSubstr("13900001111")));
  EXPECT_EQ(target.volume_window_months(), before.volume_window_months());
  EXPECT_FALSE(ApplyGradingPolicyUpdate(patch, {}, &target).ok());
}

TEST(GradingTest, FormatYuan) {
  EXPECT_EQ(FormatYuan(0), "¥0.00");
  EXPECT_EQ(FormatYuan(5), "¥0.05");
  EXPECT_EQ(FormatYuan(123456789), "¥1,234,567.89");
  EXPECT_EQ(FormatYuan(100000), "¥1,000.00");
  EXPECT_EQ(FormatYuan(99999), "¥999.99");
}

}  // namespace
}  // namespace csm::customer
