#include "reporting-svc/src/domain/rates.h"

#include <gtest/gtest.h>

namespace csm::reporting {
namespace {

Ratio R(int64_t n, int64_t d) { return Ratio::Of(n, d).value(); }

TEST(DivideRoundHalfUpTest, HalvesGoUp) {
  EXPECT_EQ(DivideRoundHalfUp(5, 2), 3);
  EXPECT_EQ(DivideRoundHalfUp(4, 3), 1);
  EXPECT_EQ(DivideRoundHalfUp(5, 3), 2);
  EXPECT_EQ(DivideRoundHalfUp(0, 7), 0);
  EXPECT_EQ(DivideRoundHalfUp(INT64_MAX, INT64_MAX), 1);
}

TEST(RatioTest, PercentRoundedHalfUpToHundredths) {
  EXPECT_EQ(R(2, 3).PercentHundredths(), 6667);
  EXPECT_DOUBLE_EQ(*R(2, 3).Percent(), 66.67);
  EXPECT_EQ(R(1, 3).PercentHundredths(), 3333);
  EXPECT_EQ(R(1, 8).PercentHundredths(), 1250);
  EXPECT_EQ(R(1, 200).PercentHundredths(), 50);
  // 0.005 % is exactly half a hundredth: up.
  EXPECT_EQ(R(1, 20000).PercentHundredths(), 1);
  EXPECT_EQ(R(1, 20001).PercentHundredths(), 0);
  EXPECT_EQ(R(7, 7).PercentHundredths(), 10000);
}

TEST(RatioTest, ZeroNumeratorIsZeroPercentNotNoData) {
  const Ratio r = R(0, 5);
  EXPECT_FALSE(r.no_data());
  EXPECT_EQ(r.PercentHundredths(), 0);
}

TEST(RatioTest, ZeroDenominatorIsNoData) {
  const Ratio empty;
  EXPECT_TRUE(empty.no_data());
  EXPECT_FALSE(empty.PercentHundredths().has_value());
  EXPECT_FALSE(empty.Percent().has_value());
  EXPECT_FALSE(empty.Billionths().has_value());
  EXPECT_EQ(R(0, 0), empty);
  rv1::Ratio proto;
  ASSERT_TRUE(ToProto(empty, &proto).ok());
  EXPECT_TRUE(proto.no_data());
  EXPECT_EQ(proto.percent(), 0.0);
  EXPECT_EQ(proto.denominator(), 0);
}

TEST(RatioTest, NumeratorOutsideItsCohortIsABug) {
  EXPECT_EQ(Ratio::Of(3, 2).status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(Ratio::Of(-1, 2).status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(Ratio::Of(0, -1).status().code(), absl::StatusCode::kInternal);
}

TEST(RatioTest, CountingAndMergingCohorts) {
  Ratio r;
  r.Count(true);
  r.Count(false);
  r.Count(true);
  EXPECT_EQ(r, R(2, 3));
  r += R(1, 1);
  EXPECT_EQ(r, R(3, 4));
  r += Ratio();
  EXPECT_EQ(r, R(3, 4));
}

TEST(RatioTest, Billionths) {
  EXPECT_EQ(R(1, 3).Billionths(), 333333333);
  EXPECT_EQ(R(2, 6).Billionths(), 333333333);
  EXPECT_EQ(R(2, 3).Billionths(), 666666666);  // rounded down
  EXPECT_EQ(R(1, 1).Billionths(), 1000000000);
  EXPECT_EQ(R(0, 9).Billionths(), 0);
}

TEST(RatioTest, ToProto) {
  rv1::Ratio proto;
  ASSERT_TRUE(ToProto(R(2, 3), &proto).ok());
  EXPECT_EQ(proto.numerator(), 2);
  EXPECT_EQ(proto.denominator(), 3);
  EXPECT_DOUBLE_EQ(proto.percent(), 66.67);
  EXPECT_FALSE(proto.no_data());
  EXPECT_EQ(ToProto(R(1, 3000000000LL), &proto).code(),
            absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace csm::reporting
