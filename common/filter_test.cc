#include "common/filter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
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

std::string Conjunction(size_t terms, absl::string_view term = "grade = A") {
  std::string out;
  for (size_t i = 0; i < terms; ++i) {
    absl::StrAppend(&out, i == 0 ? "" : " AND ", term);
  }
  return out;
}

std::string OnlyViolation(const absl::StatusOr<std::vector<FilterTerm>>& r) {
  EXPECT_FALSE(r.ok());
  const auto violations = ViolationsOf(r.status());
  EXPECT_EQ(violations.size(), 1u);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  return violations.empty() ? ""
                            : violations[0].first + ": " + violations[0].second;
}

TEST(ParseFilterTest, BoundsTheNumberOfTerms) {
  const auto at_limit = ParseFilter(Conjunction(kMaxFilterTerms), kFields);
  ASSERT_TRUE(at_limit.ok()) << at_limit.status();
  EXPECT_EQ(at_limit->size(), kMaxFilterTerms);
  EXPECT_EQ(
      OnlyViolation(ParseFilter(Conjunction(kMaxFilterTerms + 1), kFields)),
      "filter: more than 32 comparisons; at most 32 are allowed at "
      "column 449");
}

TEST(ParseFilterTest, BoundsTheLength) {
  // 70,000 terms used to reach MySQL as 70,000 placeholders (error 1390).
  const std::string huge = Conjunction(70'000);
  EXPECT_EQ(OnlyViolation(ParseFilter(huge, kFields)),
            absl::StrCat("filter: is ", huge.size(),
                         " bytes long; at most 4096 are allowed"));
  const std::string at_limit =
      "display_name = \"" + std::string(kMaxFilterBytes - 17, 'a') + "\"";
  ASSERT_EQ(at_limit.size(), kMaxFilterBytes);
  EXPECT_EQ(OnlyViolation(ParseFilter(at_limit, kFields)),
            "filter: the value compared with \"display_name\" has more than "
            "256 characters at column 1");
  EXPECT_FALSE(ParseFilter(at_limit + " ", kFields).ok());
}

TEST(ParseFilterTest, BoundsValuesInCharacters) {
  std::string value;
  for (size_t i = 0; i < kMaxFilterValueChars; ++i) value += "\xF0\x9F\x98\x80";
  const auto ok = ParseFilter("display_name : \"" + value + "\"", kFields);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ((*ok)[0].value, value);
  EXPECT_THAT(OnlyViolation(ParseFilter(
                  "grade = A AND display_name : \"" + value + "x\"", kFields)),
              HasSubstr("has more than 256 characters at column 15"));
  const std::string bare(kMaxFilterValueChars + 1, '7');
  EXPECT_THAT(OnlyViolation(ParseFilter("grade = " + bare, kFields)),
              HasSubstr("more than 256 characters"));
}

TEST(ParseFilterTest, EchoedInputIsQuotedAndCut) {
  const std::string long_field(3000, 'f');
  const std::string message =
      OnlyViolation(ParseFilter(long_field + " = 1", kFields));
  EXPECT_THAT(message, HasSubstr("unknown field \"" + std::string(64, 'f') +
                                 "…\" (filterable: "));
  EXPECT_LT(message.size(), 300u);
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
