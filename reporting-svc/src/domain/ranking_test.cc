#include "reporting-svc/src/domain/ranking.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"

namespace csm::reporting {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

Ratio R(int64_t n, int64_t d) { return Ratio::Of(n, d).value(); }

StaffFigures Staff(std::string id, Ratio on_time, Ratio satisfaction,
                   int64_t visits, Ratio promises, int64_t evidence) {
  StaffFigures f;
  f.staff_id = std::move(id);
  f.on_time = on_time;
  f.satisfaction = satisfaction;
  f.visits_done = visits;
  f.promise_kept = promises;
  f.evidence = evidence;
  return f;
}

ScoringFormula Formula(std::vector<ScoringTerm> terms) {
  ScoringFormula f;
  f.terms = std::move(terms);
  return f;
}

std::vector<std::string> Order(const Ranking& r) {
  std::vector<std::string> ids;
  for (const RankedStaff& s : r.ranked) ids.push_back(s.figures.staff_id);
  return ids;
}

TEST(ScoringFormulaTest, DefaultIsValid) {
  FieldViolations v;
  ValidateScoringFormula(DefaultScoringFormula(), "scoring_formula", &v);
  EXPECT_THAT(v.items(), IsEmpty());
  const ScoringFormula f = DefaultScoringFormula();
  ASSERT_EQ(f.terms.size(), 4u);
  EXPECT_EQ(f.terms[0].metric, rv1::RANKING_METRIC_ON_TIME_RATE);
  EXPECT_EQ(f.terms[0].weight, 35);
  EXPECT_EQ(f.first_tier_places, 3);
  EXPECT_EQ(f.second_tier_places, 8);
}

TEST(ScoringFormulaTest, Validation) {
  ScoringFormula f = Formula({{rv1::RANKING_METRIC_ON_TIME_RATE, 0},
                              {rv1::RANKING_METRIC_ON_TIME_RATE, 10},
                              {rv1::RANKING_METRIC_UNSPECIFIED, 1001}});
  f.first_tier_places = 5;
  f.second_tier_places = 4;
  f.min_evidence = -1;
  FieldViolations v;
  ValidateScoringFormula(f, "scoring_formula", &v);
  EXPECT_THAT(
      v.items(),
      UnorderedElementsAre(
          Pair("scoring_formula.terms[0].weight", HasSubstr("1..1000")),
          Pair("scoring_formula.terms[1].metric", HasSubstr("already")),
          Pair("scoring_formula.terms[2].metric", HasSubstr("required")),
          Pair("scoring_formula.terms[2].weight", HasSubstr("1..1000")),
          Pair("scoring_formula.second_tier_places", HasSubstr("5..1000")),
          Pair("scoring_formula.min_evidence", HasSubstr("0.."))));
  FieldViolations none;
  ValidateScoringFormula(Formula({}), "f", &none);
  EXPECT_THAT(none.items(),
              UnorderedElementsAre(Pair("f.terms", HasSubstr("1..6"))));
}

TEST(ScoringFormulaTest, ProtoRoundTrip) {
  rv1::ScoringFormula proto;
  ToProto(DefaultScoringFormula(), &proto);
  const ScoringFormula back = FromProto(proto);
  ASSERT_EQ(back.terms.size(), 4u);
  EXPECT_EQ(back.terms[3].metric, rv1::RANKING_METRIC_PROMISE_KEPT_RATE);
  EXPECT_EQ(back.terms[3].weight, 15);
  EXPECT_EQ(back.second_tier_places, 8);
  EXPECT_EQ(back.min_evidence, 1);
}

// The hand-computed example of docs/reports.md.
TEST(RankStaffTest, HandComputedScores) {
  // A: 0.9×35 + 0.8×30 + (8/10)×20 + 0.5×15 = 79 of 100 -> 79.00.
  // B: 1.0×35 + (satisfaction: no data, left out) + 1.0×20 + 0.75×15
  //    = 66.25 of 70 -> 94.642857... -> 94.64.
  const Ranking r = RankStaff(DefaultScoringFormula(),
                              {Staff("a", R(9, 10), R(4, 5), 8, R(1, 2), 20),
                               Staff("b", R(1, 1), Ratio(), 10, R(3, 4), 15)});
  ASSERT_EQ(r.ranked.size(), 2u);
  EXPECT_EQ(r.ranked[0].figures.staff_id, "b");
  EXPECT_EQ(r.ranked[0].score_hundredths, 9464);
  EXPECT_EQ(r.ranked[0].score_weight, 70);
  EXPECT_EQ(r.ranked[0].place, 1);
  EXPECT_EQ(r.ranked[0].decided_by, "");
  EXPECT_EQ(r.ranked[1].figures.staff_id, "a");
  EXPECT_EQ(r.ranked[1].score_hundredths, 7900);
  EXPECT_EQ(r.ranked[1].decided_by, "score");
  // Visits done are normalised by the most any candidate made (10).
  EXPECT_EQ(r.ranked[1].terms[2].value, R(8, 10));
  EXPECT_TRUE(r.ranked[0].terms[1].value.no_data());
}

TEST(RankStaffTest, EqualScoresBrokenByTheTermsInFormulaOrder) {
  const ScoringFormula f =
      Formula({{rv1::RANKING_METRIC_ON_TIME_RATE, 50},
               {rv1::RANKING_METRIC_SATISFACTION_RATE, 50}});
  const Ranking r = RankStaff(f, {Staff("d", R(0, 1), R(1, 1), 0, Ratio(), 2),
                                  Staff("c", R(1, 1), R(0, 1), 0, Ratio(), 2)});
  EXPECT_EQ(r.ranked[0].score_hundredths, 5000);
  EXPECT_EQ(r.ranked[1].score_hundredths, 5000);
  EXPECT_EQ(Order(r), (std::vector<std::string>{"c", "d"}));
  EXPECT_EQ(r.ranked[1].decided_by, "RANKING_METRIC_ON_TIME_RATE");
}

TEST(RankStaffTest, AValueRanksBeforeNoDataOnAnEqualScore) {
  const ScoringFormula f =
      Formula({{rv1::RANKING_METRIC_ON_TIME_RATE, 1},
               {rv1::RANKING_METRIC_SATISFACTION_RATE, 1}});
  const Ranking r = RankStaff(f, {Staff("e", R(1, 2), Ratio(), 0, Ratio(), 2),
                                  Staff("f", R(1, 2), R(1, 2), 0, Ratio(), 4)});
  EXPECT_EQ(Order(r), (std::vector<std::string>{"f", "e"}));
  EXPECT_EQ(r.ranked[1].decided_by, "RANKING_METRIC_SATISFACTION_RATE");
}

TEST(RankStaffTest, ExactTiesFallToEvidenceThenStaffId) {
  const ScoringFormula f = Formula({{rv1::RANKING_METRIC_ON_TIME_RATE, 1}});
  // 1/3 and 2/6 are the same value.
  const Ranking r = RankStaff(f, {Staff("j", R(2, 6), Ratio(), 0, Ratio(), 6),
                                  Staff("i", R(1, 3), Ratio(), 0, Ratio(), 6),
                                  Staff("h", R(1, 3), Ratio(), 0, Ratio(), 7)});
  EXPECT_EQ(Order(r), (std::vector<std::string>{"h", "i", "j"}));
  EXPECT_EQ(r.ranked[1].decided_by, "evidence");
  EXPECT_EQ(r.ranked[2].decided_by, "staff_id");
  EXPECT_EQ(r.ranked[2].place, 3);
}

TEST(RankStaffTest, ScoresAreComparedExactlyAcrossDifferentWeights) {
  // k: 2/3 on a single term (W = 1); l: 0.6667 on both terms (W = 2)
  // would tie after rounding to 2 decimals, but 666666666 < 666700000.
  const ScoringFormula f =
      Formula({{rv1::RANKING_METRIC_ON_TIME_RATE, 1},
               {rv1::RANKING_METRIC_SATISFACTION_RATE, 1}});
  const Ranking r =
      RankStaff(f, {Staff("k", R(2, 3), Ratio(), 0, Ratio(), 1),
                    Staff("l", R(6667, 10000), R(6667, 10000), 0, Ratio(), 1)});
  EXPECT_EQ(r.ranked[0].score_hundredths, r.ranked[1].score_hundredths);
  EXPECT_EQ(Order(r), (std::vector<std::string>{"l", "k"}));
  EXPECT_EQ(r.ranked[1].decided_by, "score");
}

TEST(RankStaffTest, PlacesOneToThreeAndFourToEightAreTiers) {
  const ScoringFormula f = Formula({{rv1::RANKING_METRIC_ON_TIME_RATE, 1}});
  std::vector<StaffFigures> staff;
  for (int i = 0; i < 10; ++i) {
    staff.push_back(
        Staff(absl::StrCat("s", i), R(10 - i, 10), Ratio(), 0, Ratio(), 1));
  }
  const Ranking r = RankStaff(f, staff);
  ASSERT_EQ(r.ranked.size(), 10u);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(r.ranked[i].place, i + 1);
    EXPECT_EQ(r.ranked[i].figures.staff_id, absl::StrCat("s", i));
    const rv1::RewardTier want = i < 3   ? rv1::REWARD_TIER_FIRST
                                 : i < 8 ? rv1::REWARD_TIER_SECOND
                                         : rv1::REWARD_TIER_UNSPECIFIED;
    EXPECT_EQ(r.ranked[i].tier, want) << i;
  }
  ScoringFormula no_second = f;
  no_second.second_tier_places = 0;
  EXPECT_EQ(RankStaff(no_second, staff).ranked[3].tier,
            rv1::REWARD_TIER_UNSPECIFIED);
}

TEST(RankStaffTest, UnrankedBelowMinEvidenceOrWithoutData) {
  ScoringFormula f = Formula({{rv1::RANKING_METRIC_ON_TIME_RATE, 1},
                              {rv1::RANKING_METRIC_VISITS_DONE, 1}});
  f.min_evidence = 3;
  // "z" made 50 visits but has too little evidence: it is unranked and does
  // not set the largest count, which is 4 (from "x").
  const Ranking r = RankStaff(f, {Staff("z", R(1, 1), Ratio(), 50, Ratio(), 2),
                                  Staff("x", R(1, 2), Ratio(), 4, Ratio(), 5),
                                  Staff("y", R(1, 1), Ratio(), 2, Ratio(), 3)});
  ASSERT_EQ(r.ranked.size(), 2u);
  // x: (0.5 + 1) / 2 = 0.75; y: (1 + 0.5) / 2 = 0.75: equal, then on-time.
  EXPECT_EQ(Order(r), (std::vector<std::string>{"y", "x"}));
  EXPECT_EQ(r.ranked[1].decided_by, "RANKING_METRIC_ON_TIME_RATE");
  ASSERT_EQ(r.unranked.size(), 1u);
  EXPECT_EQ(r.unranked[0].figures.staff_id, "z");
  EXPECT_EQ(r.unranked[0].place, 0);

  // Nobody made a visit: the count term has no data for anyone; a staff
  // member with no data at all is unranked.
  f.min_evidence = 0;
  const Ranking none =
      RankStaff(f, {Staff("p", Ratio(), Ratio(), 0, Ratio(), 0),
                    Staff("q", R(1, 4), Ratio(), 0, Ratio(), 1)});
  ASSERT_EQ(none.ranked.size(), 1u);
  EXPECT_EQ(none.ranked[0].figures.staff_id, "q");
  EXPECT_TRUE(none.ranked[0].terms[1].value.no_data());
  EXPECT_EQ(none.ranked[0].score_hundredths, 2500);
  ASSERT_EQ(none.unranked.size(), 1u);
  EXPECT_EQ(none.unranked[0].figures.staff_id, "p");
}

TEST(RankStaffTest, EmptyPeriodRanksNobody) {
  const Ranking r = RankStaff(DefaultScoringFormula(), {});
  EXPECT_THAT(r.ranked, IsEmpty());
  EXPECT_THAT(r.unranked, IsEmpty());
}

TEST(RankStaffTest, InputOrderDoesNotMatter) {
  std::vector<StaffFigures> staff;
  for (int i = 0; i < 30; ++i) {
    staff.push_back(Staff(absl::StrCat("u", i), R(i % 4, 3), R(i % 3, 2), i % 5,
                          R(i % 2, 1), i % 6));
  }
  const Ranking want = RankStaff(DefaultScoringFormula(), staff);
  std::mt19937 rng(3);
  for (int round = 0; round < 5; ++round) {
    std::shuffle(staff.begin(), staff.end(), rng);
    const Ranking got = RankStaff(DefaultScoringFormula(), staff);
    EXPECT_EQ(Order(got), Order(want));
  }
}

TEST(RankStaffTest, ToProto) {
  const Ranking r = RankStaff(DefaultScoringFormula(),
                              {Staff("a", R(9, 10), R(4, 5), 8, R(1, 2), 20)});
  rv1::RankingEntry e;
  ASSERT_TRUE(ToProto(r.ranked[0], &e).ok());
  EXPECT_EQ(e.place(), 1);
  EXPECT_EQ(e.tier(), rv1::REWARD_TIER_FIRST);
  EXPECT_EQ(e.staff_id(), "a");
  // Alone, a scores its visits as 8/8.
  EXPECT_DOUBLE_EQ(e.score(), 83.0);
  ASSERT_EQ(e.metrics_size(), 4);
  EXPECT_EQ(e.metrics(2).metric(), rv1::RANKING_METRIC_VISITS_DONE);
  EXPECT_EQ(e.metrics(2).value().numerator(), 8);
  EXPECT_EQ(e.metrics(2).value().denominator(), 8);
  EXPECT_EQ(e.evidence(), 20);
}

}  // namespace
}  // namespace csm::reporting
