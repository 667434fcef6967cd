// The customer analysis (docs/reports.md, section 7) over real gRPC and
// MariaDB, against a hand-written history of seven archives whose every
// figure is computed by hand below: the movement of 2026-W47 for the
// company and per dimension (shares), the filter as group membership at
// each instant, the completeness with the default and a changed rule, the
// trend, the CSV, bad input, and a rebuild giving the same report.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "csm/customer/v1/customer.pb.h"
#include "csm/reporting/v1/customer_reports.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reporting-svc/src/testing/report_fixture.h"

namespace csm::reporting::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Pair;
namespace cv1 = ::csm::customer::v1;

constexpr char kCs[] = "客服部";
constexpr char kWarehouse[] = "仓储物流";

const std::vector<std::string>& AllFields() {
  static const auto* kAll = new std::vector<std::string>{"acquisition_channel",
                                                         "address",
                                                         "business_scope",
                                                         "city",
                                                         "company_size",
                                                         "contact_phone",
                                                         "credit_code",
                                                         "display_name",
                                                         "industry",
                                                         "kind",
                                                         "legal_representative",
                                                         "province"};
  return *kAll;
}

struct Archive {
  int id;
  const char* kind;
  const char* province;
  const char* city;
  const char* grade;
  std::vector<std::string> filled;
};

ev::CustomerSnapshot Snapshot(const Archive& a, absl::Time created) {
  ev::CustomerSnapshot s;
  s.set_name(absl::StrCat("customers/", a.id));
  s.set_archive_number(absl::StrCat("KH-", a.id));
  s.set_display_name(absl::StrCat("客户", a.id));
  s.set_kind(a.kind);
  s.set_grade(a.grade);
  s.set_lifecycle_status("LIFECYCLE_STATUS_ACTIVE");
  s.set_state("ARCHIVE_STATE_OPEN");
  s.set_province(a.province);
  s.set_city(a.city);
  s.set_industry("制造");
  s.set_acquisition_channel("ACQUISITION_CHANNEL_REFERRAL");
  s.set_owner_id("li.na");
  s.set_team("teams/east");
  s.set_department(kCs);
  for (const std::string& f : a.filled) s.add_filled_fields(f);
  ToProtoTimestamp(created, s.mutable_create_time());
  return s;
}

template <typename M>
void Emit(EventLog& log, absl::Time at, const ev::CustomerSnapshot& s) {
  M m;
  *m.mutable_customer() = s;
  log.Add(kCustomerSource, at, m, "li.na", kCs);
}

constexpr char kEnterprise[] = "CUSTOMER_KIND_ENTERPRISE";
constexpr char kIndividual[] = "CUSTOMER_KIND_INDIVIDUAL";

// Before W47: 1 (B, 12/12), 2 (individual, C, 6/9), 5 (B, 10/12) open; 4
// (individual, nothing filled) created and closed. In W47: 6 created at
// exactly its first instant, 3 created, 1 graded B -> A, 5 moved to
// 仓储物流 and teams/west, 2 closed, 4 reopened, a visit to 1 (no change).
// 7 is created at exactly the first instant of W48.
void WriteArchives(EventLog& log) {
  const std::vector<std::string> none;
  Archive one{1, kEnterprise, "广东", "深圳", "GRADE_B", AllFields()};
  Archive two{2,
              kIndividual,
              "浙江",
              "杭州",
              "GRADE_C",
              {"city", "contact_phone", "credit_code", "display_name", "kind",
               "province"}};
  Archive three{3,
                kEnterprise,
                "广东",
                "广州",
                "GRADE_A",
                {"city", "contact_phone", "display_name", "industry", "kind",
                 "province"}};
  Archive four{4, kIndividual, "广东", "深圳", "GRADE_C", none};
  std::vector<std::string> most;
  for (const std::string& f : AllFields()) {
    if (f != "address" && f != "company_size") most.push_back(f);
  }
  Archive five{5, kEnterprise, "浙江", "宁波", "GRADE_B", most};
  Archive six{6, kEnterprise, "广东", "深圳", "GRADE_C", AllFields()};
  Archive seven{7, kEnterprise, "广东", "深圳", "GRADE_C", AllFields()};

  const absl::Time t4 = Beijing(2026, 10, 1, 9);
  ev::CustomerSnapshot s4 = Snapshot(four, t4);
  Emit<ev::CustomerCreated>(log, t4, s4);
  const absl::Time t5 = Beijing(2026, 10, 5, 9);
  ev::CustomerSnapshot s5 = Snapshot(five, t5);
  Emit<ev::CustomerCreated>(log, t5, s5);
  const absl::Time t1 = Beijing(2026, 10, 10, 9);
  ev::CustomerSnapshot s1 = Snapshot(one, t1);
  Emit<ev::CustomerCreated>(log, t1, s1);
  s4.set_state("ARCHIVE_STATE_CLOSED");
  Emit<ev::CustomerClosed>(log, Beijing(2026, 10, 15, 9), s4);
  const absl::Time t2 = Beijing(2026, 10, 20, 9);
  ev::CustomerSnapshot s2 = Snapshot(two, t2);
  Emit<ev::CustomerCreated>(log, t2, s2);

  const absl::Time t6 = Beijing(2026, 11, 16, 0);
  Emit<ev::CustomerCreated>(log, t6, Snapshot(six, t6));
  const absl::Time t3 = Beijing(2026, 11, 17, 9);
  Emit<ev::CustomerCreated>(log, t3, Snapshot(three, t3));
  s1.set_grade("GRADE_A");
  Emit<ev::CustomerGradeChanged>(log, Beijing(2026, 11, 18, 9), s1);
  s5.set_owner_id("zhao.liu");
  s5.set_team("teams/west");
  s5.set_department(kWarehouse);
  Emit<ev::CustomerOwnerChanged>(log, Beijing(2026, 11, 18, 10), s5);
  s2.set_state("ARCHIVE_STATE_CLOSED");
  Emit<ev::CustomerClosed>(log, Beijing(2026, 11, 19, 9), s2);
  s4.set_state("ARCHIVE_STATE_OPEN");
  Emit<ev::CustomerReopened>(log, Beijing(2026, 11, 20, 9), s4);
  ev::VisitRecorded visit;
  *visit.mutable_customer() = s1;
  visit.set_visit("customers/1/visits/1");
  visit.set_visit_plan("customers/1/visitPlans/1");
  visit.set_staff_id("li.na");
  visit.set_counted(true);
  log.Add(kCustomerSource, Beijing(2026, 11, 20, 10), visit, "li.na", kCs);
  const absl::Time t7 = Beijing(2026, 11, 23, 0);
  Emit<ev::CustomerCreated>(log, t7, Snapshot(seven, t7));
}

// "at_start+opened+reopened+moved_in-closed-moved_out=at_end share".
std::string M(const rv1::ArchiveMovement& m) {
  return absl::StrCat(m.at_start(), "+", m.opened(), "+", m.reopened(), "+",
                      m.moved_in(), "-", m.closed(), "-", m.moved_out(), "=",
                      m.at_end(), " ", R(m.share()));
}

// "key movement completeness" per group.
std::vector<std::string> Groups(const rv1::CustomerAnalysis& a,
                                rv1::CustomerDimension d) {
  std::vector<std::string> out;
  for (const rv1::CustomerBreakdown& b : a.breakdowns()) {
    if (b.dimension() != d) continue;
    for (const rv1::CustomerGroup& g : b.groups()) {
      out.push_back(absl::StrCat(g.key(), " ", M(g.movement()), " ",
                                 R(g.field_completeness())));
    }
  }
  return out;
}

class CustomerAnalysisTest : public ReportFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ReportFixture::SetUp());
    customer_reports_ = rv1::CustomerReportService::NewStub(channel_);
    WriteArchives(log_);
    ASSERT_NO_FATAL_FAILURE(ApplyAll(log_, 3));
  }

  grpc::Status Analyse(const rv1::GetCustomerAnalysisRequest& req,
                       rv1::CustomerAnalysis* out) {
    return customer_reports_->GetCustomerAnalysis(ManagerContext().get(), req,
                                                  out);
  }

  rv1::CustomerAnalysis Analysis(const rv1::ReportFilter& filter = {},
                                 int trend = 0) {
    rv1::GetCustomerAnalysisRequest req;
    *req.mutable_period() = Week(2026, 47);
    *req.mutable_filter() = filter;
    req.set_trend_periods(trend);
    rv1::CustomerAnalysis out;
    grpc::Status s = Analyse(req, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  std::unique_ptr<rv1::CustomerReportService::Stub> customer_reports_;
  EventLog log_;
};

// 3 open at the start (1, 2, 5); opened 6 (at 00:00 of the Monday) and 3;
// 4 reopened; 2 closed: 3 + 2 + 1 - 1 = 5. 7 (00:00 of the next Monday) is
// not in it.
TEST_F(CustomerAnalysisTest, MovementOfTheWeekByHand) {
  const rv1::CustomerAnalysis a = Analysis();
  EXPECT_EQ(M(a.total()), "3+2+1+0-1-0=5 5/5=100.00");
  EXPECT_THAT(Groups(a, rv1::CUSTOMER_DIMENSION_PROVINCE),
              ElementsAre("广东 1+2+1+0-0-0=4 4/5=80.00 30/45=66.67",
                          "浙江 2+0+0+0-1-0=1 1/5=20.00 10/12=83.33"));
  EXPECT_THAT(Groups(a, rv1::CUSTOMER_DIMENSION_CITY),
              ElementsAre("广东/深圳 1+1+1+0-0-0=3 3/5=60.00 24/33=72.73",
                          "广东/广州 0+1+0+0-0-0=1 1/5=20.00 6/12=50.00",
                          "浙江/宁波 1+0+0+0-0-0=1 1/5=20.00 10/12=83.33",
                          "浙江/杭州 1+0+0+0-1-0=0 0/5=0.00 no data"));
  // 1 went from B to A; by at_end, then key.
  EXPECT_THAT(Groups(a, rv1::CUSTOMER_DIMENSION_GRADE),
              ElementsAre("GRADE_A 0+1+0+1-0-0=2 2/5=40.00 18/24=75.00",
                          "GRADE_C 1+1+1+0-1-0=2 2/5=40.00 12/21=57.14",
                          "GRADE_B 2+0+0+0-0-1=1 1/5=20.00 10/12=83.33"));
  EXPECT_THAT(Groups(a, rv1::CUSTOMER_DIMENSION_TEAM),
              ElementsAre("teams/east 3+2+1+0-1-1=4 4/5=80.00 30/45=66.67",
                          "teams/west 0+0+0+1-0-0=1 1/5=20.00 10/12=83.33"));
  EXPECT_THAT(
      Groups(a, rv1::CUSTOMER_DIMENSION_KIND),
      ElementsAre(
          "CUSTOMER_KIND_ENTERPRISE 2+2+0+0-0-0=4 4/5=80.00 40/48=83.33",
          "CUSTOMER_KIND_INDIVIDUAL 1+0+1+0-1-0=1 1/5=20.00 0/9=0.00"));
  EXPECT_EQ(a.breakdowns_size(), 8);
  EXPECT_TRUE(a.has_freshness());
}

// A department filter is membership at each instant: 5 leaves 客服部 as
// moved_out of the total.
TEST_F(CustomerAnalysisTest, FiltersAreMembershipAtEachInstant) {
  rv1::ReportFilter cs;
  cs.add_departments(kCs);
  rv1::CustomerAnalysis a = Analysis(cs);
  EXPECT_EQ(M(a.total()), "3+2+1+0-1-1=4 4/4=100.00");
  EXPECT_EQ(a.completeness().archives(), 4);
  rv1::ReportFilter warehouse;
  warehouse.add_departments(kWarehouse);
  a = Analysis(warehouse);
  EXPECT_EQ(M(a.total()), "0+0+0+1-0-0=1 1/1=100.00");
  // Owners: 5 moved from li.na to zhao.liu.
  rv1::ReportFilter zhao;
  zhao.add_staff_ids("zhao.liu");
  EXPECT_EQ(M(Analysis(zhao).total()), "0+0+0+1-0-0=1 1/1=100.00");
  rv1::ReportFilter grade_a;
  grade_a.add_customer_grades(cv1::GRADE_A);
  EXPECT_EQ(M(Analysis(grade_a).total()), "0+1+0+1-0-0=2 2/2=100.00");
}

// At the end: 1 12/12, 3 6/12, 4 0/9, 5 10/12, 6 12/12: 40/57 = 70.18 %,
// 2 of 5 complete; legal_representative 3/4 (not for individuals),
// contact_phone 4/5, address 2/5. With the rule changed to contact_phone
// alone: 4/5 at once.
TEST_F(CustomerAnalysisTest, CompletenessWithTheConfiguredRule) {
  rv1::CustomerAnalysis a = Analysis();
  const rv1::ArchiveCompleteness& c = a.completeness();
  EXPECT_EQ(c.archives(), 5);
  EXPECT_EQ(R(c.field_completeness()), "40/57=70.18");
  EXPECT_EQ(R(c.complete_archives()), "2/5=40.00");
  ASSERT_EQ(c.fields_size(), 12);
  std::map<std::string, std::string> fields;
  for (const rv1::FieldFill& f : c.fields()) fields[f.field()] = R(f.filled());
  EXPECT_EQ(fields["legal_representative"], "3/4=75.00");
  EXPECT_EQ(fields["contact_phone"], "4/5=80.00");
  EXPECT_EQ(fields["address"], "2/5=40.00");
  EXPECT_EQ(c.rule().etag(), "1");

  rv1::UpdateCompletenessRuleRequest update;
  update.mutable_completeness_rule()->add_required_fields()->set_field(
      "contact_phone");
  update.mutable_update_mask()->add_paths("required_fields");
  rv1::CompletenessRule rule;
  ASSERT_TRUE(
      config_->UpdateCompletenessRule(Archivist().get(), update, &rule).ok());
  a = Analysis();
  EXPECT_EQ(R(a.completeness().field_completeness()), "4/5=80.00");
  EXPECT_EQ(R(a.completeness().complete_archives()), "4/5=80.00");
  EXPECT_EQ(a.completeness().rule().etag(), "2");
}

// W46: 1, 2 and 5 open all week (6 arrives at the first instant of W47).
TEST_F(CustomerAnalysisTest, TrendAndCsv) {
  rv1::GetCustomerAnalysisRequest req;
  *req.mutable_period() = Week(2026, 47);
  req.set_trend_periods(2);
  req.add_dimensions(rv1::CUSTOMER_DIMENSION_PROVINCE);
  req.set_format(rv1::REPORT_FORMAT_CSV);
  rv1::CustomerAnalysis a;
  ASSERT_TRUE(Analyse(req, &a).ok());
  ASSERT_EQ(a.trend_size(), 2);
  EXPECT_EQ(a.trend(0).period().label(), "2026-W46");
  EXPECT_EQ(M(a.trend(0).movement()), "3+0+0+0-0-0=3 3/3=100.00");
  EXPECT_EQ(R(a.trend(0).field_completeness()), "28/33=84.85");
  EXPECT_EQ(M(a.trend(1).movement()), M(a.total()));
  ASSERT_EQ(a.breakdowns_size(), 1);
  const std::string& csv = a.csv().text();
  EXPECT_EQ(a.csv().filename(), "customer-analysis-2026-W47.csv");
  EXPECT_THAT(csv, HasSubstr("\r\n2026-W47,2026-11-16,2026-11-22,total,,,"
                             "at_end,5,,,\r\n"));
  EXPECT_THAT(csv, HasSubstr("2026-W47,2026-11-16,2026-11-22,breakdown,"
                             "CUSTOMER_DIMENSION_PROVINCE,广东,"
                             "movement.share,,4,5,80.00\r\n"));
  EXPECT_THAT(csv, HasSubstr(",completeness,,,field_completeness,,40,57,"
                             "70.18\r\n"));
  EXPECT_THAT(csv, HasSubstr(",completeness,field,address,filled,,2,5,"
                             "40.00\r\n"));
  EXPECT_THAT(csv, HasSubstr("2026-W46,2026-11-09,2026-11-15,trend,,,"
                             "movement.at_end,3,,,\r\n"));
  // The rule and the periods are not figures.
  EXPECT_THAT(csv, Not(HasSubstr("rule")));
  EXPECT_THAT(csv, Not(HasSubstr("period.")));
}

TEST_F(CustomerAnalysisTest, BadInputNamesTheField) {
  rv1::GetCustomerAnalysisRequest req;
  *req.mutable_period() = Week(2026, 47);
  req.add_dimensions(rv1::CUSTOMER_DIMENSION_GRADE);
  req.add_dimensions(rv1::CUSTOMER_DIMENSION_GRADE);
  req.add_dimensions(rv1::CUSTOMER_DIMENSION_UNSPECIFIED);
  req.set_trend_periods(61);
  rv1::CustomerAnalysis out;
  grpc::Status s = Analyse(req, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(
      Violations(s),
      ElementsAre(Pair("dimensions[1]", HasSubstr("repeated")),
                  Pair("dimensions[2]", HasSubstr("CUSTOMER_DIMENSION")),
                  Pair("trend_periods", ::testing::_)));
  rv1::GetCustomerAnalysisRequest bad;
  *bad.mutable_period() = Week(2026, 47);
  bad.mutable_filter()->add_categories("quality");
  bad.mutable_filter()->add_departments("无此部门");
  s = Analyse(bad, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(
      Violations(s),
      ElementsAre(Pair("filter.departments[0]", HasSubstr("unknown")),
                  Pair("filter.categories", HasSubstr("customer analysis"))));
  // An agent reads the archives they own: 5 since it moved to zhao.liu.
  rv1::GetCustomerAnalysisRequest mine;
  *mine.mutable_period() = Week(2026, 47);
  ASSERT_TRUE(
      customer_reports_
          ->GetCustomerAnalysis(
              Context("zhao.liu", {Role::kAgent}, kWarehouse).get(), mine, &out)
          .ok());
  EXPECT_THAT(out.applied_filter().staff_ids(), ElementsAre("zhao.liu"));
  EXPECT_EQ(M(out.total()), "0+0+0+1-0-0=1 1/1=100.00");
}

TEST_F(CustomerAnalysisTest, RebuildGivesTheSameAnalysis) {
  rv1::GetCustomerAnalysisRequest req;
  *req.mutable_period() = Month(2026, 11);
  req.set_trend_periods(3);
  rv1::CustomerAnalysis before;
  ASSERT_TRUE(Analyse(req, &before).ok());
  const std::string live = DumpTables();
  auto done = RebuildFrom(log_);
  ASSERT_TRUE(done.ok()) << done.status();
  ASSERT_EQ(done->state(), rv1::REBUILD_STATE_SUCCEEDED) << done->error();
  EXPECT_EQ(DumpTables(), live);
  EXPECT_THAT(live, HasSubstr("== archive_versions\ncustomers/1|1|"));
  rv1::CustomerAnalysis after;
  ASSERT_TRUE(Analyse(req, &after).ok());
  before.clear_freshness();
  after.clear_freshness();
  EXPECT_EQ(after.SerializeAsString(), before.SerializeAsString());
  // November: 1, 2 and 5 open at its start (4 closed); 6, 3 and 7 opened,
  // 4 reopened, 2 closed: 3 + 3 + 1 - 1 = 6.
  EXPECT_EQ(M(after.total()), "3+3+1+0-1-0=6 6/6=100.00");
}

}  // namespace
}  // namespace csm::reporting::testing
