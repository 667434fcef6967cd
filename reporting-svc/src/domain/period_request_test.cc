#include "reporting-svc/src/domain/period_request.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace csm::reporting {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

rv1::Period Numbered(rv1::PeriodKind kind, int year, int number) {
  rv1::Period p;
  p.set_kind(kind);
  p.set_year(year);
  p.set_number(number);
  return p;
}

rv1::Period Custom(int y1, int m1, int d1, int y2, int m2, int d2) {
  rv1::Period p;
  p.set_kind(rv1::PERIOD_KIND_CUSTOM);
  p.mutable_start_date()->set_year(y1);
  p.mutable_start_date()->set_month(m1);
  p.mutable_start_date()->set_day(d1);
  p.mutable_end_date()->set_year(y2);
  p.mutable_end_date()->set_month(m2);
  p.mutable_end_date()->set_day(d2);
  return p;
}

// The violations of decoding `p` as field "period".
std::vector<std::pair<std::string, std::string>> Problems(
    const rv1::Period& p) {
  FieldViolations v;
  EXPECT_FALSE(DecodePeriod(p, "period", &v).has_value());
  return v.items();
}

TEST(DecodePeriodTest, WeekResolvesToItsDaysAndInstants) {
  FieldViolations v;
  std::optional<ReportPeriod> p =
      DecodePeriod(Numbered(rv1::PERIOD_KIND_WEEK, 2026, 53), "period", &v);
  ASSERT_TRUE(p.has_value());
  EXPECT_TRUE(v.empty());
  rv1::ResolvedPeriod r;
  ToProto(*p, &r);
  EXPECT_EQ(r.label(), "2026-W53");
  EXPECT_EQ(r.start_date().year(), 2026);
  EXPECT_EQ(r.start_date().month(), 12);
  EXPECT_EQ(r.start_date().day(), 28);
  EXPECT_EQ(r.end_date().year(), 2027);
  EXPECT_EQ(r.end_date().day(), 3);
  // 2026-12-28 00:00 Beijing = 2026-12-27 16:00 UTC.
  EXPECT_EQ(r.start_time().seconds(), 1798387200);
  EXPECT_EQ(r.end_time().seconds() - r.start_time().seconds(), 7 * 86400);
  EXPECT_EQ(r.period().kind(), rv1::PERIOD_KIND_WEEK);
  EXPECT_EQ(r.period().number(), 53);
}

TEST(DecodePeriodTest, CustomRoundTrips) {
  FieldViolations v;
  std::optional<ReportPeriod> p =
      DecodePeriod(Custom(2026, 11, 3, 2026, 11, 20), "period", &v);
  ASSERT_TRUE(p.has_value());
  const rv1::Period back = ToProto(*p);
  EXPECT_EQ(back.kind(), rv1::PERIOD_KIND_CUSTOM);
  EXPECT_EQ(back.start_date().day(), 3);
  EXPECT_EQ(back.end_date().day(), 20);
  EXPECT_EQ(back.year(), 0);
}

TEST(DecodePeriodTest, KindIsRequired) {
  EXPECT_THAT(Problems(rv1::Period()),
              ElementsAre(Pair("period.kind", HasSubstr("required"))));
}

TEST(DecodePeriodTest, BadNumbersNameTheirField) {
  EXPECT_THAT(Problems(Numbered(rv1::PERIOD_KIND_WEEK, 2025, 53)),
              ElementsAre(Pair("period.number", HasSubstr("weeks 1..52"))));
  EXPECT_THAT(Problems(Numbered(rv1::PERIOD_KIND_MONTH, 2026, 13)),
              ElementsAre(Pair("period.number", HasSubstr("1..12"))));
  EXPECT_THAT(Problems(Numbered(rv1::PERIOD_KIND_QUARTER, 2026, 0)),
              ElementsAre(Pair("period.number", HasSubstr("1..4"))));
  EXPECT_THAT(Problems(Numbered(rv1::PERIOD_KIND_MONTH, 0, 1)),
              ElementsAre(Pair("period.year", "required")));
  EXPECT_THAT(Problems(Numbered(rv1::PERIOD_KIND_MONTH, 2200, 1)),
              ElementsAre(Pair("period.year", HasSubstr("1970..2199"))));
}

TEST(DecodePeriodTest, DatesOnlyForCustom) {
  rv1::Period p = Numbered(rv1::PERIOD_KIND_MONTH, 2026, 11);
  p.mutable_start_date()->set_year(2026);
  EXPECT_THAT(Problems(p), ElementsAre(Pair("period.start_date",
                                            HasSubstr("PERIOD_KIND_CUSTOM"))));
}

TEST(DecodePeriodTest, CustomNeedsBothDatesAndNoNumbers) {
  rv1::Period p;
  p.set_kind(rv1::PERIOD_KIND_CUSTOM);
  p.set_year(2026);
  EXPECT_THAT(Problems(p),
              ElementsAre(Pair("period.year", HasSubstr("not used")),
                          Pair("period.start_date", HasSubstr("required")),
                          Pair("period.end_date", HasSubstr("required"))));
}

TEST(DecodePeriodTest, DatesThatDoNotExist) {
  EXPECT_THAT(
      Problems(Custom(2026, 2, 30, 2026, 3, 1)),
      ElementsAre(Pair("period.start_date", "2026-02-30 is not a date")));
  EXPECT_THAT(Problems(Custom(2026, 1, 1, 2026, 13, 1)),
              ElementsAre(Pair("period.end_date", HasSubstr("not a date"))));
}

TEST(DecodePeriodTest, InvertedRange) {
  EXPECT_THAT(Problems(Custom(2026, 11, 20, 2026, 11, 19)),
              ElementsAre(Pair("period.end_date", HasSubstr("inverted"))));
}

TEST(DecodePeriodTest, RangeOverThreeYears) {
  EXPECT_THAT(
      Problems(Custom(2024, 1, 1, 2027, 1, 1)),
      ElementsAre(Pair("period.end_date", HasSubstr("longer than 3 years"))));
}

TEST(DecodeTrendTest, RefusalNamesTheTrendField) {
  const ReportPeriod last = ReportPeriod::Month(2026, 12).value();
  FieldViolations v;
  EXPECT_TRUE(DecodeTrend(last, 36, "trend_periods", &v).has_value());
  EXPECT_FALSE(DecodeTrend(last, 37, "trend_periods", &v).has_value());
  EXPECT_THAT(v.items(),
              ElementsAre(Pair("trend_periods", HasSubstr("3 years"))));
}

}  // namespace
}  // namespace csm::reporting
