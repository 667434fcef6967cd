// The one filter-to-SQL table (SqlOp) and AddFilterCondition: ":" is a
// substring match (LIKE with the value's wildcards escaped) on text columns
// and nothing else, in every service.
#include "common/sql_rows.h"

#include <string>
#include <vector>

#include "csm/common/v1/common.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace csm::sql_rows {
namespace {

using Op = FilterTerm::Op;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(SqlOpTest, EveryOperatorHasOneComparison) {
  EXPECT_EQ(SqlOp(Op::kEq), "=");
  EXPECT_EQ(SqlOp(Op::kNe), "<>");
  EXPECT_EQ(SqlOp(Op::kLt), "<");
  EXPECT_EQ(SqlOp(Op::kLe), "<=");
  EXPECT_EQ(SqlOp(Op::kGt), ">");
  EXPECT_EQ(SqlOp(Op::kGe), ">=");
  EXPECT_EQ(SqlOp(Op::kHas), "LIKE");  // never "=": contains, not equals
}

TEST(SqlOpTest, HasOnTextIsAnEscapedSubstring) {
  std::vector<std::string> where;
  std::vector<Param> params;
  const FilterColumn col{"display_name", FilterColumn::kString, nullptr};
  ASSERT_TRUE(AddFilterCondition({"display_name", Op::kHas, "50%_off\\"}, col,
                                 &where, &params)
                  .ok());
  EXPECT_THAT(where, ElementsAre("display_name LIKE ?"));
  ASSERT_EQ(params.size(), 1u);
  EXPECT_EQ(params[0].type, Param::kString);
  EXPECT_EQ(params[0].s, "%50\\%\\_off\\\\%");
}

TEST(SqlOpTest, EqualsOnTextIsTheWholeValue) {
  std::vector<std::string> where;
  std::vector<Param> params;
  const FilterColumn col{"province", FilterColumn::kString, nullptr};
  ASSERT_TRUE(
      AddFilterCondition({"province", Op::kNe, "广东省"}, col, &where, &params)
          .ok());
  EXPECT_THAT(where, ElementsAre("province <> ?"));
  ASSERT_EQ(params.size(), 1u);
  EXPECT_EQ(params[0].s, "广东省");
}

TEST(SqlOpTest, KeywordsAndEnumsTakeOnlyEqualsAndNotEquals) {
  const FilterColumn keyword{"category", FilterColumn::kKeyword, nullptr};
  const FilterColumn state{"state", FilterColumn::kEnum,
                           &csm::common::v1::Satisfaction_descriptor};
  for (Op op : {Op::kHas, Op::kLt, Op::kGe}) {
    std::vector<std::string> where;
    std::vector<Param> params;
    const absl::Status k =
        AddFilterCondition({"category", op, "x"}, keyword, &where, &params);
    EXPECT_EQ(k.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(k.message(), HasSubstr("supports = and !="));
    const absl::Status e = AddFilterCondition(
        {"state", op, "SATISFACTION_SATISFIED"}, state, &where, &params);
    EXPECT_EQ(e.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(where.empty());
    EXPECT_TRUE(params.empty());
  }
  std::vector<std::string> where;
  std::vector<Param> params;
  ASSERT_TRUE(AddFilterCondition({"category", Op::kEq, "quality"}, keyword,
                                 &where, &params)
                  .ok());
  EXPECT_THAT(where, ElementsAre("category = ?"));
  EXPECT_EQ(params[0].s, "quality");
}

TEST(SqlOpTest, HasOnATimeIsRefused) {
  std::vector<std::string> where;
  std::vector<Param> params;
  const FilterColumn col{"create_time", FilterColumn::kTime, nullptr};
  const absl::Status s = AddFilterCondition(
      {"create_time", Op::kHas, "2026-11-01T00:00:00Z"}, col, &where, &params);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(
      AddFilterCondition({"create_time", Op::kGe, "2026-11-01T00:00:00+08:00"},
                         col, &where, &params)
          .ok());
  EXPECT_THAT(where, ElementsAre("create_time >= ?"));
}

}  // namespace
}  // namespace csm::sql_rows
