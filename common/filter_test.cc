#include "common/filter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "common/status.h"

namespace csm {
namespace {

using ::testing::HasSubstr;
using Op = FilterTerm::Op;

const std::set<std::string> kFields = {"owner_id", "grade", "display_name",
                                       "create_time", "customer.region"};

struct Term {
  std::string field;
  Op op;
  std::string value;
};

struct ValidCase {
  std::string filter;
  std::vector<Term> terms;
};

// Also keeps gtest from dumping the struct's bytes (padding included) and
// test discovery from seeing raw newlines.
void PrintTo(const ValidCase& c, std::ostream* os) {
  *os << "\"" << absl::CHexEscape(c.filter) << "\"";
}

class ValidFilterTest : public ::testing::TestWithParam<ValidCase> {};

TEST_P(ValidFilterTest, Parses) {
  const ValidCase& c = GetParam();
  absl::StatusOr<std::vector<FilterTerm>> terms =
      ParseFilter(c.filter, kFields);
  ASSERT_TRUE(terms.ok()) << c.filter << ": " << terms.status();
  ASSERT_EQ(terms->size(), c.terms.size()) << c.filter;
  for (size_t i = 0; i < c.terms.size(); ++i) {
    EXPECT_EQ((*terms)[i].field, c.terms[i].field) << c.filter;
    EXPECT_EQ((*terms)[i].op, c.terms[i].op) << c.filter;
    EXPECT_EQ((*terms)[i].value, c.terms[i].value) << c.filter;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Forms, ValidFilterTest,
    ::testing::Values(
        ValidCase{"", {}}, ValidCase{"   \t\n ", {}},
        ValidCase{"owner_id = \"u100\"", {{"owner_id", Op::kEq, "u100"}}},
        ValidCase{"owner_id=\"u100\"", {{"owner_id", Op::kEq, "u100"}}},
        ValidCase{"  grade = GRADE_A  ", {{"grade", Op::kEq, "GRADE_A"}}},
        ValidCase{"grade != GRADE_C", {{"grade", Op::kNe, "GRADE_C"}}},
        ValidCase{"create_time < \"2026-01-01T00:00:00Z\"",
                  {{"create_time", Op::kLt, "2026-01-01T00:00:00Z"}}},
        ValidCase{"create_time<=2026-01-01",
                  {{"create_time", Op::kLe, "2026-01-01"}}},
        ValidCase{"grade > 1.5", {{"grade", Op::kGt, "1.5"}}},
        ValidCase{"grade >= -3", {{"grade", Op::kGe, "-3"}}},
        ValidCase{"grade >= +3e10", {{"grade", Op::kGe, "+3e10"}}},
        ValidCase{"display_name:\"华为\"",
                  {{"display_name", Op::kHas, "华为"}}},
        ValidCase{"display_name = \"say \\\"hi\\\" \\\\ bye\"",
                  {{"display_name", Op::kEq, "say \"hi\" \\ bye"}}},
        ValidCase{"display_name = \"\"", {{"display_name", Op::kEq, ""}}},
        ValidCase{"display_name = \"AND OR NOT ( )\"",
                  {{"display_name", Op::kEq, "AND OR NOT ( )"}}},
        ValidCase{"customer.region = east",
                  {{"customer.region", Op::kEq, "east"}}},
        ValidCase{"owner_id = \"u100\" AND grade = GRADE_A AND "
                  "display_name:\"华为\"",
                  {{"owner_id", Op::kEq, "u100"},
                   {"grade", Op::kEq, "GRADE_A"},
                   {"display_name", Op::kHas, "华为"}}},
        ValidCase{"grade=A\tAND\ngrade!=B",
                  {{"grade", Op::kEq, "A"}, {"grade", Op::kNe, "B"}}}));

struct InvalidCase {
  std::string filter;
  std::string message;  // a part of the violation's description
};

void PrintTo(const InvalidCase& c, std::ostream* os) {
  *os << "\"" << absl::CHexEscape(c.filter) << "\"";
}

class InvalidFilterTest : public ::testing::TestWithParam<InvalidCase> {};

TEST_P(InvalidFilterTest, ExplainsTheError) {
  const InvalidCase& c = GetParam();
  absl::StatusOr<std::vector<FilterTerm>> terms =
      ParseFilter(c.filter, kFields);
  ASSERT_FALSE(terms.ok()) << "accepted: " << c.filter;
  EXPECT_EQ(terms.status().code(), absl::StatusCode::kInvalidArgument);
  const auto violations = ViolationsOf(terms.status());
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].first, "filter");
  EXPECT_THAT(violations[0].second, HasSubstr(c.message)) << c.filter;
}

INSTANTIATE_TEST_SUITE_P(
    Errors, InvalidFilterTest,
    ::testing::Values(
        // Fields.
        InvalidCase{"color = red",
                    "unknown field \"color\" (filterable: create_time, "
                    "customer.region, display_name, grade, owner_id) at "
                    "column 1"},
        InvalidCase{"grade = A AND Grade = B", "unknown field \"Grade\""},
        InvalidCase{"= 3", "expected a field name, found '=' at column 1"},
        InvalidCase{"\"grade\" = 3", "expected a field name"},
        InvalidCase{"9grade = 3", "expected a field name"},
        // Operators.
        InvalidCase{"grade", "expected an operator"},
        InvalidCase{"grade == A", "expected a value after \"=\", found '='"},
        InvalidCase{"grade ~ A",
                    "expected an operator (=, !=, <, <=, >, >=, "
                    ":) after \"grade\", found '~' at column 7"},
        // Values.
        InvalidCase{"grade =", "expected a value after \"=\" at column 8"},
        InvalidCase{"grade = ", "expected a value after \"=\" at column 9"},
        InvalidCase{"display_name : 华",
                    "expected a value after \":\", found "
                    "'华' at column 16"},
        InvalidCase{"grade = A*", "unexpected '*' after the value"},
        InvalidCase{"grade = \"A\"x", "unexpected 'x' after the value"},
        InvalidCase{"display_name = \"华为",
                    "unterminated string starting at "
                    "column 16"},
        InvalidCase{"display_name = \"a\\nb\"",
                    "invalid escape \\'n' (only \\\" and \\\\ are allowed) "
                    "at column 18"},
        InvalidCase{"display_name = \"a\\", "unterminated string"},
        // Conjunctions.
        InvalidCase{"grade = A grade = B",
                    "expected AND between comparisons, found \"grade\" at "
                    "column 11"},
        InvalidCase{"grade = A and grade = B",
                    "\"and\" must be written AND (capitals) at column 11"},
        InvalidCase{"grade = A AND", "expected a comparison after AND"},
        InvalidCase{"grade = A AND   ", "expected a comparison after AND"},
        InvalidCase{"AND grade = A", "expected a comparison before AND"},
        InvalidCase{"grade = A AND AND grade = B",
                    "expected a comparison before AND at column 15"},
        // Only conjunctions.
        InvalidCase{"grade = A OR grade = B",
                    "only conjunctions (AND) of comparisons are supported; OR "
                    "at column 11"},
        InvalidCase{"grade = A or grade = B", "only conjunctions (AND)"},
        InvalidCase{"NOT grade = A",
                    "only conjunctions (AND) of comparisons "
                    "are supported; NOT at column 1"},
        InvalidCase{"grade = A AND NOT grade = B", "NOT at column 15"},
        InvalidCase{"-grade = A", "only conjunctions (AND)"},
        InvalidCase{"(grade = A)", "only conjunctions (AND)"},
        InvalidCase{"grade = A AND (grade = B)", "'(' at column 15"},
        InvalidCase{"grade = (A)", "only conjunctions (AND)"},
        InvalidCase{"grade = A)", "only conjunctions (AND)"},
        InvalidCase{"grade = A (x)", "only conjunctions (AND)"}));

TEST(ParseFilterTest, ColumnsCountCharactersNotBytes) {
  absl::StatusOr<std::vector<FilterTerm>> terms =
      ParseFilter("display_name = \"华为\" nope = 1", kFields);
  ASSERT_FALSE(terms.ok());
  EXPECT_THAT(ViolationsOf(terms.status())[0].second, HasSubstr("column 21"));
}

TEST(ParseFilterTest, NoFilterableFields) {
  absl::StatusOr<std::vector<FilterTerm>> terms = ParseFilter("a = 1", {});
  ASSERT_FALSE(terms.ok());
  EXPECT_THAT(ViolationsOf(terms.status())[0].second,
              HasSubstr("cannot be filtered"));
  EXPECT_TRUE(ParseFilter("", {}).ok());
}

TEST(OpNameTest, SpellsEveryOperator) {
  EXPECT_EQ(OpName(Op::kEq), "=");
  EXPECT_EQ(OpName(Op::kNe), "!=");
  EXPECT_EQ(OpName(Op::kLt), "<");
  EXPECT_EQ(OpName(Op::kLe), "<=");
  EXPECT_EQ(OpName(Op::kGt), ">");
  EXPECT_EQ(OpName(Op::kGe), ">=");
  EXPECT_EQ(OpName(Op::kHas), ":");
}

}  // namespace
}  // namespace csm
