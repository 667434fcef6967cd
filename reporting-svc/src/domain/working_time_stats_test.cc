#include "reporting-svc/src/domain/working_time_stats.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <initializer_list>
#include <random>
#include <vector>

namespace csm::reporting {
namespace {

MinutesHistogram Of(std::initializer_list<int64_t> values) {
  MinutesHistogram h;
  for (int64_t v : values) EXPECT_TRUE(h.Add(v).ok());
  return h;
}

TEST(WorkingTimeStatsTest, EmptyIsNoData) {
  const MinutesHistogram h;
  const WorkingMinutesStats s = Summarize(h);
  EXPECT_TRUE(s.no_data());
  EXPECT_EQ(s, WorkingMinutesStats());
  EXPECT_FALSE(h.Percentile(50).has_value());
  rv1::WorkingMinutesStats proto;
  ASSERT_TRUE(ToProto(s, &proto).ok());
  EXPECT_TRUE(proto.no_data());
  EXPECT_EQ(proto.count(), 0);
  EXPECT_EQ(proto.p90_working_minutes(), 0);
}

TEST(WorkingTimeStatsTest, OneValueIsEveryStatistic) {
  const WorkingMinutesStats s = Summarize(Of({42}));
  EXPECT_EQ(s.count, 1);
  EXPECT_EQ(s.total, 42);
  EXPECT_EQ(s.mean_hundredths, 4200);
  EXPECT_EQ(s.min, 42);
  EXPECT_EQ(s.p50, 42);
  EXPECT_EQ(s.p90, 42);
  EXPECT_EQ(s.max, 42);
}

TEST(WorkingTimeStatsTest, EvenCountNearestRank) {
  // n = 2: p50 rank ceil(1.0) = 1, p90 rank ceil(1.8) = 2.
  const WorkingMinutesStats s = Summarize(Of({20, 10}));
  EXPECT_EQ(s.p50, 10);
  EXPECT_EQ(s.p90, 20);
  EXPECT_EQ(s.mean_hundredths, 1500);
}

TEST(WorkingTimeStatsTest, OddCountNearestRank) {
  // n = 3: p50 rank ceil(1.5) = 2, p90 rank ceil(2.7) = 3.
  const WorkingMinutesStats s = Summarize(Of({30, 10, 20}));
  EXPECT_EQ(s.p50, 20);
  EXPECT_EQ(s.p90, 30);
  EXPECT_EQ(s.min, 10);
  EXPECT_EQ(s.max, 30);
  EXPECT_EQ(s.mean_hundredths, 2000);
}

TEST(WorkingTimeStatsTest, OneToTen) {
  MinutesHistogram h;
  for (int v = 10; v >= 1; --v) ASSERT_TRUE(h.Add(v).ok());
  const WorkingMinutesStats s = Summarize(h);
  EXPECT_EQ(s.p50, 5);
  EXPECT_EQ(s.p90, 9);
  EXPECT_EQ(s.mean_hundredths, 550);
  EXPECT_EQ(h.Percentile(100), 10);
  EXPECT_EQ(h.Percentile(1), 1);
  EXPECT_FALSE(h.Percentile(0).has_value());
  EXPECT_FALSE(h.Percentile(101).has_value());
}

TEST(WorkingTimeStatsTest, RankIsRoundedUpNotToNearest) {
  // n = 7: p90 rank ceil(6.3) = 7 (rounding to nearest would give 6); p50
  // rank ceil(3.5) = 4.
  const MinutesHistogram h = Of({1, 2, 3, 4, 5, 6, 7});
  EXPECT_EQ(h.Percentile(90), 7);
  EXPECT_EQ(h.Percentile(50), 4);
  EXPECT_EQ(h.Percentile(10), 1);  // rank ceil(0.7) = 1
}

TEST(WorkingTimeStatsTest, RepeatedValuesCountByMultiplicity) {
  MinutesHistogram h;
  ASSERT_TRUE(h.Add(5, 3).ok());
  ASSERT_TRUE(h.Add(7).ok());
  // n = 4: p50 rank 2 -> 5; p90 rank ceil(3.6) = 4 -> 7; mean 22 / 4.
  const WorkingMinutesStats s = Summarize(h);
  EXPECT_EQ(s.count, 4);
  EXPECT_EQ(s.p50, 5);
  EXPECT_EQ(s.p90, 7);
  EXPECT_EQ(s.mean_hundredths, 550);
}

TEST(WorkingTimeStatsTest, MeanRoundsHalfUpToHundredths) {
  EXPECT_EQ(Summarize(Of({1, 2})).mean_hundredths, 150);
  EXPECT_EQ(Summarize(Of({1, 1, 2})).mean_hundredths, 133);  // 1.333
  EXPECT_EQ(Summarize(Of({1, 2, 2})).mean_hundredths, 167);  // 1.667
  EXPECT_EQ(Summarize(Of({0, 0, 0})).mean_hundredths, 0);
}

TEST(WorkingTimeStatsTest, RetractionUndoesAnAdd) {
  MinutesHistogram h = Of({10, 20});
  ASSERT_TRUE(h.Add(10, -1).ok());
  EXPECT_EQ(h.count(), 1);
  EXPECT_EQ(h.total(), 20);
  EXPECT_EQ(h.buckets().size(), 1u);
  // More than was added: refused, nothing changed.
  EXPECT_EQ(h.Add(20, -2).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(h.Add(30, -1).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(h.count(), 1);
  EXPECT_EQ(h.Add(-1).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(h.Add(20, 0).ok());
  EXPECT_EQ(h.count(), 1);
}

TEST(WorkingTimeStatsTest, DaysMergeIntoTheirPeriodExactly) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int64_t> minutes(0, 3000);
  MinutesHistogram all;
  MinutesHistogram merged;
  std::vector<int64_t> values;
  for (int day = 0; day < 7; ++day) {
    MinutesHistogram one;
    for (int i = 0; i < 101; ++i) {
      const int64_t v = minutes(rng);
      values.push_back(v);
      ASSERT_TRUE(one.Add(v).ok());
      ASSERT_TRUE(all.Add(v).ok());
    }
    merged.Merge(one);
  }
  EXPECT_EQ(Summarize(merged), Summarize(all));
  // Against the definition on the sorted values.
  std::sort(values.begin(), values.end());
  const size_t n = values.size();  // 707
  EXPECT_EQ(Summarize(all).p50, values[(50 * n + 99) / 100 - 1]);
  EXPECT_EQ(Summarize(all).p90, values[(90 * n + 99) / 100 - 1]);
}

TEST(WorkingTimeStatsTest, ToProto) {
  rv1::WorkingMinutesStats proto;
  ASSERT_TRUE(ToProto(Summarize(Of({1, 1, 2})), &proto).ok());
  EXPECT_EQ(proto.count(), 3);
  EXPECT_EQ(proto.total_working_minutes(), 4);
  EXPECT_DOUBLE_EQ(proto.mean_working_minutes(), 1.33);
  EXPECT_EQ(proto.p50_working_minutes(), 1);
  EXPECT_EQ(proto.p90_working_minutes(), 2);
  EXPECT_FALSE(proto.no_data());
}

}  // namespace
}  // namespace csm::reporting
