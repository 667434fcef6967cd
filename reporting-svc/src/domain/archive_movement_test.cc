#include "reporting-svc/src/domain/archive_movement.h"

#include "gtest/gtest.h"

namespace csm::reporting {
namespace {

ArchiveTransition Change(bool first, bool was_open, bool was_in,
                         const char* was_key, bool is_open, bool is_in,
                         const char* key, int64_t count = 1) {
  return ArchiveTransition{first,   was_open, was_in, was_key,
                           is_open, is_in,    key,    count};
}

// Guangdong has 3 open at the start; in the period one archive is created
// there, one moves to Zhejiang, one closes and one closed archive reopens;
// one leaves the filter (another department) and one enters it.
TEST(MovementTallyTest, EveryChangeBalancesItsGroups) {
  MovementTally t;
  t.AtStart("广东", 3);
  t.AtStart("浙江", 1);
  t.Add(Change(true, false, false, "", true, true, "广东"));
  t.Add(Change(false, true, true, "广东", true, true, "浙江"));
  t.Add(Change(false, true, true, "广东", false, true, "广东"));
  t.Add(Change(false, false, true, "浙江", true, true, "浙江"));
  t.Add(Change(false, true, true, "浙江", true, false, "浙江"));
  t.Add(Change(false, true, false, "江苏", true, true, "江苏"));
  // Not counted before or after: nothing.
  t.Add(Change(false, false, true, "广东", false, true, "浙江"));
  // Counted in the same group before and after (another field changed).
  t.Add(Change(false, true, true, "广东", true, true, "广东", 5));
  t.AtEnd("广东", 2);
  t.AtEnd("浙江", 2);
  t.AtEnd("江苏", 1);
  ASSERT_TRUE(t.Check().ok()) << t.Check();
  const GroupMovement& gd = t.groups().at("广东");
  EXPECT_EQ(gd.opened, 1);
  EXPECT_EQ(gd.moved_out, 1);
  EXPECT_EQ(gd.closed, 1);
  EXPECT_EQ(gd.moved_in, 0);
  const GroupMovement& zj = t.groups().at("浙江");
  EXPECT_EQ(zj.moved_in, 1);
  EXPECT_EQ(zj.reopened, 1);
  EXPECT_EQ(zj.moved_out, 1);
  EXPECT_EQ(t.groups().at("江苏").moved_in, 1);
}

TEST(MovementTallyTest, AnUnbalancedGroupIsABug) {
  MovementTally t;
  t.AtStart("A", 1);
  t.AtEnd("A", 2);
  const absl::Status s = t.Check();
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal);
  EXPECT_NE(s.message().find("\"A\""), absl::string_view::npos);
}

TEST(MovementTallyTest, ShareIsNoDataWithoutOpenArchives) {
  rv1::ArchiveMovement out;
  ASSERT_TRUE(ToProto(GroupMovement{}, 0, &out).ok());
  EXPECT_TRUE(out.share().no_data());
  GroupMovement m;
  m.at_start = 1;
  m.at_end = 1;
  ASSERT_TRUE(ToProto(m, 3, &out).ok());
  EXPECT_EQ(out.share().numerator(), 1);
  EXPECT_EQ(out.share().denominator(), 3);
  EXPECT_DOUBLE_EQ(out.share().percent(), 33.33);
}

}  // namespace
}  // namespace csm::reporting
