#include "reporting-svc/src/domain/report_filter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "csm/complaint/v1/complaint.pb.h"
#include "csm/customer/v1/customer.pb.h"

namespace csm::reporting {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;

KnownValues Known() {
  return {{"客服部", "仓储物流"}, {"quality", "packaging"}};
}

FilterPolicy CustomerPolicy() {
  FilterPolicy p;
  p.report = "the customer analysis";
  p.categories = false;
  p.severities = false;
  return p;
}

TEST(ReportFilterTest, AcceptsKnownValues) {
  rv1::ReportFilter f;
  f.add_departments("客服部");
  f.add_staff_ids("anyone");  // unknown staff simply match nothing
  f.add_categories("quality");
  f.add_severities(csm::complaint::v1::SEVERITY_MAJOR);
  f.add_customer_grades(csm::customer::v1::GRADE_A);
  FieldViolations v;
  ValidateFilter(f, FilterPolicy(), Known(), "filter", &v);
  EXPECT_THAT(v.items(), IsEmpty());
  ValidateFilter(rv1::ReportFilter(), CustomerPolicy(), Known(), "filter", &v);
  EXPECT_THAT(v.items(), IsEmpty());
}

TEST(ReportFilterTest, UnknownDepartmentAndCategory) {
  rv1::ReportFilter f;
  f.add_departments("客服部");
  f.add_departments("客户部");  // a typo
  f.add_categories("qualty");
  FieldViolations v;
  ValidateFilter(f, FilterPolicy(), Known(), "filter", &v);
  EXPECT_THAT(
      v.items(),
      ElementsAre(Pair("filter.departments[1]",
                       HasSubstr("unknown department \"客户部\"")),
                  Pair("filter.categories[0]", HasSubstr("unknown category"))));
}

TEST(ReportFilterTest, EmptyValuesBadEnumsAndTooMany) {
  rv1::ReportFilter f;
  f.add_staff_ids("");
  f.add_severities(csm::complaint::v1::SEVERITY_UNSPECIFIED);
  f.add_customer_grades(static_cast<csm::customer::v1::Grade>(99));
  for (int i = 0; i <= kMaxFilterValues; ++i) f.add_departments("客服部");
  FieldViolations v;
  ValidateFilter(f, FilterPolicy(), Known(), "filter", &v);
  EXPECT_THAT(
      v.items(),
      ElementsAre(Pair("filter.departments", HasSubstr("at most 100")),
                  Pair("filter.staff_ids[0]", HasSubstr("empty")),
                  Pair("filter.severities[0]", HasSubstr("SEVERITY_")),
                  Pair("filter.customer_grades[0]", HasSubstr("GRADE_"))));
}

TEST(ReportFilterTest, FiltersAReportDoesNotTakeAreRefused) {
  rv1::ReportFilter f;
  f.add_categories("quality");
  f.add_severities(csm::complaint::v1::SEVERITY_MAJOR);
  FieldViolations v;
  ValidateFilter(f, CustomerPolicy(), Known(), "filter", &v);
  EXPECT_THAT(v.items(),
              ElementsAre(Pair("filter.categories",
                               "does not apply to the customer analysis"),
                          Pair("filter.severities",
                               "does not apply to the customer analysis")));
}

TEST(ReportFilterTest, LongValuesAreCutAtACharacterBoundary) {
  rv1::ReportFilter f;
  std::string name;
  for (int i = 0; i < 100; ++i) name += "部";  // 3 bytes each
  f.add_departments(name);
  FieldViolations v;
  ValidateFilter(f, FilterPolicy(), Known(), "filter", &v);
  ASSERT_EQ(v.items().size(), 1u);
  const std::string& message = v.items()[0].second;
  EXPECT_LT(message.size(), 150u);
  // 63 bytes of 部 (21 characters) then the ellipsis: no split character.
  EXPECT_NE(message.find(std::string(name, 0, 63) + "…"), std::string::npos);
}

TEST(ReportFilterTest, SupervisorsReadTheirOwnDepartment) {
  rv1::ReportFilter none;
  absl::StatusOr<rv1::ReportFilter> own = RestrictToDepartment(none, "客服部");
  ASSERT_TRUE(own.ok());
  EXPECT_THAT(own->departments(), ElementsAre("客服部"));
  rv1::ReportFilter same;
  same.add_departments("客服部");
  EXPECT_TRUE(RestrictToDepartment(same, "客服部").ok());
  rv1::ReportFilter other = same;
  other.add_departments("仓储物流");
  EXPECT_EQ(RestrictToDepartment(other, "客服部").status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(RestrictToDepartment(none, "").status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(ReportFilterTest, AgentsReadTheirOwnFigures) {
  absl::StatusOr<rv1::ReportFilter> own =
      RestrictToStaff(rv1::ReportFilter(), "u100");
  ASSERT_TRUE(own.ok());
  EXPECT_THAT(own->staff_ids(), ElementsAre("u100"));
  rv1::ReportFilter other;
  other.add_staff_ids("u200");
  EXPECT_EQ(RestrictToStaff(other, "u100").status().code(),
            absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace csm::reporting
