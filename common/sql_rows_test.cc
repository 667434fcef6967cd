// The one filter-to-SQL table (SqlOp) and AddFilterCondition: ":" is a
// substring match (LIKE with the value's wildcards escaped) on text columns
// and nothing else, in every service.
#include "common/sql_rows.h"

#include <string>
#include <vector>

#include "common/sql_values.h"
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

// Positions are found while compiling; a misspelt name does not compile.
constexpr char kSelectList[] =
    "id, archive_number, c.title AS contact_title, p.phone, "
    "cu.display_name";
static_assert(ColumnOf(kSelectList, "id") == 1);
static_assert(ColumnOf(kSelectList, "archive_number") == 2);
static_assert(ColumnOf(kSelectList, "contact_title") == 3);
static_assert(ColumnOf(kSelectList, "phone") == 4);
static_assert(ColumnOf(kSelectList, "display_name") == 5);
static_assert(ColumnCount(kSelectList) == 5);
static_assert(ColumnCount("id") == 1);

TEST(ColumnOfTest, NamesAColumnByItsAliasOrItsNameWithoutThePrefix) {
  // The static_asserts above are the test; this keeps them in the report.
  EXPECT_EQ(ColumnOf(kSelectList, "contact_title"), 3u);
  EXPECT_EQ(ColumnOf("a, b.c AS d, e", "e"), 3u);
}

// FromSqlTime reads MariaDB's DATETIME text by hand; it must agree with
// absl::ParseTime (its general parser) on every form and refuse what that
// refuses.
TEST(FromSqlTimeTest, AgreesWithTheGeneralParser) {
  for (const char* text :
       {"2026-12-02 00:42:00", "2026-12-02 00:42:00.1",
        "1999-02-28 23:59:59.05", "2024-02-29 12:00:00.123456",
        "2026-01-01 00:00:00.000001", "2026-07-15 08:30:15.12345"}) {
    absl::Time expected;
    std::string err;
    ASSERT_TRUE(absl::ParseTime("%Y-%m-%d %H:%M:%E*S", text,
                                absl::UTCTimeZone(), &expected, &err))
        << text;
    absl::StatusOr<absl::Time> got = FromSqlTime(text);
    ASSERT_TRUE(got.ok()) << text << ": " << got.status();
    EXPECT_EQ(*got, expected) << text;
    EXPECT_EQ(FromSqlTime(ToSqlTime(expected)).value(), expected) << text;
  }
}

TEST(FromSqlTimeTest, RefusesWhatIsNotADatetime) {
  for (const char* text :
       {"", "2026-02-30 00:00:00", "2026-13-01 00:00:00", "2026-12-02",
        "2026-12-02 24:00:00", "2026-12-02 00:42:00.", "2026-12-02T00:42:00",
        "2026-12-02 00:42:0x", "2026-12-02 00:42:00.12345a"}) {
    EXPECT_FALSE(FromSqlTime(text).ok()) << text;
  }
}

}  // namespace
}  // namespace csm::sql_rows
