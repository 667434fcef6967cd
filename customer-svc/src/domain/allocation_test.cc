#include "customer-svc/src/domain/allocation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace csm::customer {
namespace {

using ::testing::HasSubstr;

using Counts = absl::flat_hash_map<std::string, int64_t>;

const std::vector<std::string> kFour = {"a", "b", "c", "d"};

TEST(AllocationTest, ChoosesLeastLoadedMember) {
  struct Case {
    std::string name;
    Counts counts;
    int64_t cursor;
    std::string want_owner;
    int64_t want_index;
  };
  const std::vector<Case> cases = {
      {"clear minimum", {{"a", 3}, {"b", 1}, {"c", 2}, {"d", 5}}, 0, "b", 1},
      {"minimum before cursor still wins",
       {{"a", 0}, {"b", 1}, {"c", 2}, {"d", 5}},
       2,
       "a",
       0},
      {"missing members count as zero",
       {{"a", 2}, {"c", 1}, {"d", 4}},
       0,
       "b",
       1},
      {"non-members are ignored",
       {{"x", -9}, {"a", 1}, {"b", 1}, {"c", 0}, {"d", 1}},
       0,
       "c",
       2},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    absl::StatusOr<AllocationResult> r =
        ChooseOwner("teams/sz", kFour, c.counts, c.cursor);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->owner_id, c.want_owner);
    EXPECT_EQ(r->index, c.want_index);
    EXPECT_EQ(r->next_cursor, c.want_index + 1);
  }
}

TEST(AllocationTest, BreaksTiesAtOrAfterCursor) {
  struct Case {
    Counts counts;
    int64_t cursor;
    std::string want_owner;
  };
  const Counts all_equal = {{"a", 4}, {"b", 4}, {"c", 4}, {"d", 4}};
  const Counts b_and_d_tied = {{"a", 1}, {"b", 0}, {"c", 1}, {"d", 0}};
  const std::vector<Case> cases = {
      {all_equal, 0, "a"},    {all_equal, 1, "b"},    {all_equal, 3, "d"},
      {all_equal, 4, "a"},    {all_equal, 5, "b"},    {all_equal, -1, "d"},
      {all_equal, -6, "c"},   {b_and_d_tied, 0, "b"}, {b_and_d_tied, 2, "d"},
      {b_and_d_tied, 3, "d"}, {b_and_d_tied, 4, "b"}, {Counts{}, 2, "c"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(testing::Message() << "cursor " << c.cursor);
    absl::StatusOr<AllocationResult> r =
        ChooseOwner("teams/sz", kFour, c.counts, c.cursor);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->owner_id, c.want_owner);
  }
}

TEST(AllocationTest, EqualLoadsTakeTurnsAsCursorAdvances) {
  // Archives that close at once keep every load at zero: without the
  // cursor the first member would win every time.
  const Counts counts;
  int64_t cursor = 0;
  std::vector<std::string> chosen;
  for (int i = 0; i < 8; ++i) {
    absl::StatusOr<AllocationResult> r =
        ChooseOwner("teams/sz", kFour, counts, cursor);
    ASSERT_TRUE(r.ok()) << r.status();
    chosen.push_back(r->owner_id);
    cursor = r->next_cursor;
  }
  EXPECT_THAT(chosen,
              testing::ElementsAre("a", "b", "c", "d", "a", "b", "c", "d"));
}

TEST(AllocationTest, RepeatedAllocationLevelsUnequalLoads) {
  Counts counts = {{"a", 10}, {"b", 3}, {"c", 0}, {"d", 8}};
  absl::flat_hash_map<std::string, int> allocated;
  int64_t cursor = 0;
  for (int i = 0; i < 300; ++i) {
    absl::StatusOr<AllocationResult> r =
        ChooseOwner("teams/sz", kFour, counts, cursor);
    ASSERT_TRUE(r.ok()) << r.status();
    ++counts[r->owner_id];
    ++allocated[r->owner_id];
    cursor = r->next_cursor;
  }
  int64_t min = counts["a"], max = counts["a"], total = 0;
  for (const std::string& m : kFour) {
    min = std::min(min, counts[m]);
    max = std::max(max, counts[m]);
    total += counts[m];
  }
  EXPECT_EQ(total, 321);
  EXPECT_LE(max - min, 1) << "a=" << counts["a"] << " b=" << counts["b"]
                          << " c=" << counts["c"] << " d=" << counts["d"];
  // The most loaded member got the fewest new archives.
  EXPECT_LT(allocated["a"], allocated["c"]);
}

TEST(AllocationTest, SingleMemberAlwaysChosen) {
  const std::vector<std::string> one = {"u100"};
  for (int64_t cursor : {0, 1, 7, -3}) {
    absl::StatusOr<AllocationResult> r =
        ChooseOwner("teams/solo", one, {{"u100", 42}}, cursor);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->owner_id, "u100");
    EXPECT_EQ(r->index, 0);
    EXPECT_EQ(r->next_cursor, 1);
  }
}

TEST(AllocationTest, EmptyTeamIsFailedPrecondition) {
  absl::StatusOr<AllocationResult> r = ChooseOwner("teams/empty", {}, {}, 0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(r.status().message(),
              HasSubstr("team teams/empty has no members to allocate to"));
}

TEST(AllocationTest, EmptyMemberIdIsFailedPrecondition) {
  absl::StatusOr<AllocationResult> r =
      ChooseOwner("teams/sz", {"a", ""}, {{"a", 5}}, 0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace csm::customer
