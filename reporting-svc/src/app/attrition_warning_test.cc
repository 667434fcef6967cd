// The attrition warning (客户流失预警, docs/reports.md, section 9) over real
// gRPC and MariaDB, as of Monday 2026-11-30 on the business clock, against
// a hand-written history of six archives: every reason with its date, days,
// count and references, the order, the counts per owner and team, paging,
// the reasons filter, a changed rule, the CSV, bad input and a rebuild.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/clock.h"
#include "csm/complaint/v1/complaint.pb.h"
#include "csm/customer/v1/customer.pb.h"
#include "csm/reporting/v1/customer_reports.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reporting-svc/src/testing/report_fixture.h"

namespace csm::reporting::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
namespace cv1 = ::csm::customer::v1;

constexpr char kCs[] = "客服部";
constexpr char kWarehouse[] = "仓储物流";

void SetDate(absl::CivilDay d, csm::common::v1::Date* out) {
  out->set_year(static_cast<int32_t>(d.year()));
  out->set_month(d.month());
  out->set_day(d.day());
}

ev::CustomerSnapshot Archive(int id, absl::CivilDay created,
                             const char* lifecycle) {
  ev::CustomerSnapshot s;
  s.set_name(absl::StrCat("customers/", id));
  s.set_archive_number(absl::StrCat("KH-", id));
  s.set_display_name(absl::StrCat("客户", id));
  s.set_kind("CUSTOMER_KIND_ENTERPRISE");
  s.set_grade("GRADE_A");
  s.set_lifecycle_status(lifecycle);
  s.set_state("ARCHIVE_STATE_OPEN");
  s.set_owner_id("li.na");
  s.set_team("teams/east");
  s.set_department(kCs);
  ToProtoTimestamp(StartOfBusinessDay(created) + absl::Hours(9),
                   s.mutable_create_time());
  return s;
}

class History {
 public:
  explicit History(EventLog& log) : log_(log) {}

  void Created(const ev::CustomerSnapshot& s) {
    ev::CustomerCreated m;
    *m.mutable_customer() = s;
    Add(FromProtoTimestamp(s.create_time()), m);
  }
  void Dealing(const ev::CustomerSnapshot& s, absl::CivilDay day) {
    ev::DealingRecorded m;
    *m.mutable_customer() = s;
    m.set_dealing(absl::StrCat(s.name(), "/dealings/", ++n_));
    SetDate(day, m.mutable_deal_date());
    Add(At(day), m);
  }
  void Contact(const ev::CustomerSnapshot& s, absl::CivilDay day,
               std::optional<absl::CivilDay> promise_due = std::nullopt) {
    ev::CommunicationRecorded m;
    *m.mutable_customer() = s;
    m.set_communication(absl::StrCat(s.name(), "/communications/", ++n_));
    m.set_staff_id(s.owner_id());
    ToProtoTimestamp(At(day), m.mutable_contact_time());
    if (promise_due) {
      m.set_has_promise(true);
      SetDate(*promise_due, m.mutable_promise_due_date());
    }
    Add(At(day), m);
    last_communication_ = m.communication();
  }
  void Broken(const ev::CustomerSnapshot& s, absl::CivilDay due) {
    ev::PromiseBroken m;
    *m.mutable_customer() = s;
    m.set_communication(last_communication_);
    SetDate(due, m.mutable_due_date());
    Add(At(due + 1), m);
  }
  void Visit(const ev::CustomerSnapshot& s, absl::CivilDay day,
             csm::common::v1::Satisfaction satisfaction) {
    ev::VisitRecorded m;
    *m.mutable_customer() = s;
    m.set_visit(absl::StrCat(s.name(), "/visitPlans/1/visits/", ++n_));
    m.set_visit_plan(absl::StrCat(s.name(), "/visitPlans/1"));
    m.set_staff_id(s.owner_id());
    m.set_satisfaction(satisfaction);
    m.set_counted(true);
    SetDate(day, m.mutable_actual_date());
    Add(At(day), m);
  }
  // A complaint of the customer, reopened or escalated on `day`.
  void Complaint(int id, const ev::CustomerSnapshot& s, absl::CivilDay day,
                 bool escalated) {
    ev::ComplaintSnapshot c;
    c.set_name(absl::StrCat("complaints/", id));
    c.set_customer(s.name());
    c.set_customer_grade("A");
    c.set_category("quality");
    c.set_handling_department(kCs);
    ToProtoTimestamp(At(day - 2), c.mutable_register_time());
    ev::ComplaintRegistered reg;
    *reg.mutable_complaint() = c;
    log_.Add(kComplaintSource, At(day - 2), reg, "li.na", kCs);
    if (escalated) {
      ev::ComplaintEscalated m;
      *m.mutable_complaint() = c;
      m.set_level("ESCALATION_LEVEL_SUPERVISOR");
      m.set_department(kCs);
      ToProtoTimestamp(At(day), m.mutable_due_time());
      log_.Add(kComplaintSource, At(day) + absl::Minutes(1), m);
    } else {
      ev::ComplaintStateChanged m;
      *m.mutable_complaint() = c;
      m.set_action("reopen");
      log_.Add(kComplaintSource, At(day), m, "li.na", kCs);
    }
  }
  template <typename M>
  void Add(absl::Time at, const M& m) {
    log_.Add(kCustomerSource, at, m, "li.na", kCs);
  }

 private:
  static absl::Time At(absl::CivilDay d) {
    return StartOfBusinessDay(d) + absl::Hours(10);
  }
  EventLog& log_;
  int n_ = 0;
  std::string last_communication_;
};

using Day = absl::CivilDay;
using csm::common::v1::SATISFACTION_DISSATISFIED;
using csm::common::v1::SATISFACTION_SATISFIED;

// 1: last dealing 08-01 (121 days), contact 11-20, last visit 11-25
//    不满意, complaint 11 reopened 11-10: three reasons.
// 2 (zhao.liu, teams/west, 仓储物流): created 11-01 (29 days), a promise due
//    11-20 broken, complaint 12's escalation rung due 11-25: two reasons.
// 3 (DORMANT): dealing 11-01, visit 09-01 满意, contact 09-30 (61 days):
//    NO_COMMUNICATION.
// 4 a prospect and 5 closed: not monitored. 6: recent dealing and contact,
//    its latest visit 满意 after a 不满意 one, complaint 16 reopened 09-01
//    (the day before the 90-day window): not at risk.
void WriteHistory(EventLog& log) {
  History h(log);
  ev::CustomerSnapshot one =
      Archive(1, Day(2026, 6, 1), "LIFECYCLE_STATUS_ACTIVE");
  h.Created(one);
  h.Dealing(one, Day(2026, 8, 1));
  h.Contact(one, Day(2026, 11, 20));
  h.Visit(one, Day(2026, 11, 25), SATISFACTION_DISSATISFIED);
  ev::CustomerSnapshot two =
      Archive(2, Day(2026, 11, 1), "LIFECYCLE_STATUS_ACTIVE");
  two.set_owner_id("zhao.liu");
  two.set_team("teams/west");
  two.set_department(kWarehouse);
  h.Created(two);
  h.Contact(two, Day(2026, 11, 10), Day(2026, 11, 20));
  h.Broken(two, Day(2026, 11, 20));
  ev::CustomerSnapshot three =
      Archive(3, Day(2026, 1, 1), "LIFECYCLE_STATUS_DORMANT");
  h.Created(three);
  h.Visit(three, Day(2026, 9, 1), SATISFACTION_SATISFIED);
  h.Contact(three, Day(2026, 9, 30));
  h.Dealing(three, Day(2026, 11, 1));
  h.Created(Archive(4, Day(2025, 1, 1), "LIFECYCLE_STATUS_PROSPECT"));
  ev::CustomerSnapshot five =
      Archive(5, Day(2025, 1, 1), "LIFECYCLE_STATUS_ACTIVE");
  h.Created(five);
  five.set_state("ARCHIVE_STATE_CLOSED");
  ev::CustomerClosed closed;
  *closed.mutable_customer() = five;
  h.Add(Beijing(2025, 6, 1, 9), closed);
  ev::CustomerSnapshot six =
      Archive(6, Day(2026, 10, 1), "LIFECYCLE_STATUS_ACTIVE");
  h.Created(six);
  h.Visit(six, Day(2026, 11, 10), SATISFACTION_DISSATISFIED);
  h.Visit(six, Day(2026, 11, 20), SATISFACTION_SATISFIED);
  h.Dealing(six, Day(2026, 11, 28));
  h.Contact(six, Day(2026, 11, 29));
  h.Complaint(11, one, Day(2026, 11, 10), false);
  h.Complaint(12, two, Day(2026, 11, 25), true);
  h.Complaint(16, six, Day(2026, 9, 1), false);
}

// "REASON since days count refs".
std::string Reason(const rv1::RiskReason& r) {
  std::string out =
      absl::StrCat(absl::StripPrefix(rv1::AttritionReason_Name(r.reason()),
                                     "ATTRITION_REASON_"),
                   " ");
  if (r.has_since()) {
    absl::StrAppend(&out, r.since().year(), "-", r.since().month(), "-",
                    r.since().day());
  }
  absl::StrAppend(&out, " ", r.days(), " ", r.count());
  for (const std::string& ref : r.references()) absl::StrAppend(&out, " ", ref);
  return out;
}

std::vector<std::string> Reasons(const rv1::ArchiveAtRisk& a) {
  std::vector<std::string> out;
  for (const rv1::RiskReason& r : a.reasons()) out.push_back(Reason(r));
  return out;
}

// "key team department monitored at_risk rate REASON=n ...".
std::string Group(const rv1::RiskGroup& g) {
  std::string out =
      absl::StrCat(g.key(), " ", g.team(), " ", g.department(), " ",
                   g.monitored(), " ", g.at_risk(), " ", R(g.at_risk_rate()));
  for (const rv1::ReasonCount& c : g.reasons()) {
    absl::StrAppend(&out, " ",
                    absl::StripPrefix(rv1::AttritionReason_Name(c.reason()),
                                      "ATTRITION_REASON_"),
                    "=", c.archives());
  }
  return out;
}

class AttritionWarningTest : public ReportFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ReportFixture::SetUp());
    // The same database, with the business clock on 2026-11-30 10:00.
    server_.reset();
    auto server = StartReportingServer(*db_, &verifier_, &clock_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    channel_ = grpc::CreateChannel(server_->address(),
                                   grpc::InsecureChannelCredentials());
    config_ = rv1::ReportConfigService::NewStub(channel_);
    customer_reports_ = rv1::CustomerReportService::NewStub(channel_);
    WriteHistory(log_);
    ASSERT_NO_FATAL_FAILURE(ApplyAll(log_, 5));
  }

  grpc::Status Warn(const rv1::GetAttritionWarningRequest& req,
                    rv1::AttritionWarning* out,
                    std::unique_ptr<grpc::ClientContext> ctx = nullptr) {
    return customer_reports_->GetAttritionWarning(
        ctx ? ctx.get() : ManagerContext().get(), req, out);
  }

  rv1::AttritionWarning Warning(const rv1::GetAttritionWarningRequest& req =
                                    rv1::GetAttritionWarningRequest()) {
    rv1::AttritionWarning out;
    grpc::Status s = Warn(req, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  ManualClock clock_{Beijing(2026, 11, 30, 10)};
  std::unique_ptr<rv1::CustomerReportService::Stub> customer_reports_;
  EventLog log_;
};

TEST_F(AttritionWarningTest, ReasonsAsComputedByHand) {
  const rv1::AttritionWarning w = Warning();
  EXPECT_EQ(w.as_of().year(), 2026);
  EXPECT_EQ(w.as_of().month(), 11);
  EXPECT_EQ(w.as_of().day(), 30);
  EXPECT_EQ(w.monitored_archives(), 4);
  EXPECT_EQ(w.archives_at_risk(), 3);
  ASSERT_EQ(w.archives_size(), 3);
  const rv1::ArchiveAtRisk& one = w.archives(0);
  EXPECT_EQ(one.customer(), "customers/1");
  EXPECT_EQ(one.archive_number(), "KH-1");
  EXPECT_EQ(one.owner_id(), "li.na");
  EXPECT_THAT(Reasons(one),
              ElementsAre("NO_DEALING 2026-8-1 121 0",
                          "DISSATISFIED_VISIT 2026-11-25 5 1 "
                          "customers/1/visitPlans/1/visits/3",
                          "REOPENED_COMPLAINT 2026-11-10 20 1 complaints/11"));
  EXPECT_EQ(w.archives(1).customer(), "customers/2");
  EXPECT_THAT(Reasons(w.archives(1)),
              ElementsAre("ESCALATED_COMPLAINT 2026-11-25 5 1 complaints/12",
                          "BROKEN_PROMISE 2026-11-20 10 1 "
                          "customers/2/communications/4"));
  EXPECT_EQ(w.archives(2).customer(), "customers/3");
  EXPECT_EQ(w.archives(2).lifecycle_status(), cv1::LIFECYCLE_STATUS_DORMANT);
  EXPECT_THAT(Reasons(w.archives(2)),
              ElementsAre("NO_COMMUNICATION 2026-9-30 61 0"));
  ASSERT_EQ(w.owners_size(), 2);
  EXPECT_EQ(Group(w.owners(0)),
            absl::StrCat("li.na teams/east ", kCs,
                         " 3 2 2/3=66.67 NO_DEALING=1 NO_COMMUNICATION=1 "
                         "DISSATISFIED_VISIT=1 REOPENED_COMPLAINT=1"));
  EXPECT_EQ(Group(w.owners(1)),
            absl::StrCat("zhao.liu teams/west ", kWarehouse,
                         " 1 1 1/1=100.00 ESCALATED_COMPLAINT=1 "
                         "BROKEN_PROMISE=1"));
  ASSERT_EQ(w.teams_size(), 2);
  EXPECT_EQ(w.teams(0).key(), "teams/east");
  EXPECT_EQ(R(w.teams(0).at_risk_rate()), "2/3=66.67");
  EXPECT_EQ(w.rule().no_dealing_days(), 90);
  EXPECT_TRUE(w.has_freshness());
}

TEST_F(AttritionWarningTest, PagesReasonsFilterAndReaders) {
  rv1::GetAttritionWarningRequest req;
  req.set_page_size(2);
  rv1::AttritionWarning page = Warning(req);
  ASSERT_EQ(page.archives_size(), 2);
  ASSERT_FALSE(page.next_page_token().empty());
  req.set_page_token(page.next_page_token());
  rv1::AttritionWarning second = Warning(req);
  ASSERT_EQ(second.archives_size(), 1);
  EXPECT_EQ(second.archives(0).customer(), "customers/3");
  EXPECT_TRUE(second.next_page_token().empty());
  EXPECT_EQ(second.owners_size(), 2);  // every page carries them whole
  // The token is bound to its request.
  req.mutable_filter()->add_departments(kCs);
  rv1::AttritionWarning out;
  grpc::Status s = Warn(req, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(Violations(s), ElementsAre(Pair("page_token", ::testing::_)));

  rv1::GetAttritionWarningRequest broken;
  broken.add_reasons(rv1::ATTRITION_REASON_BROKEN_PROMISE);
  out = Warning(broken);
  EXPECT_EQ(out.archives_at_risk(), 1);
  ASSERT_EQ(out.archives_size(), 1);
  EXPECT_EQ(out.archives(0).customer(), "customers/2");
  EXPECT_EQ(Group(out.owners(0)),
            absl::StrCat("li.na teams/east ", kCs, " 3 0 0/3=0.00"));

  // An agent sees the archives they own; a department filter those of it.
  ASSERT_TRUE(
      Warn({}, &out, Context("zhao.liu", {Role::kAgent}, kWarehouse)).ok());
  ASSERT_EQ(out.archives_size(), 1);
  EXPECT_EQ(out.monitored_archives(), 1);
  rv1::GetAttritionWarningRequest cs;
  cs.mutable_filter()->add_departments(kCs);
  EXPECT_EQ(Warning(cs).monitored_archives(), 3);
}

TEST_F(AttritionWarningTest, ARuleChangeAppliesAtOnceAndCsv) {
  rv1::UpdateAttritionRuleRequest update;
  update.mutable_attrition_rule()->set_no_dealing_days(0);
  update.mutable_update_mask()->add_paths("no_dealing_days");
  rv1::AttritionRule rule;
  grpc::Status s =
      config_->UpdateAttritionRule(Archivist().get(), update, &rule);
  ASSERT_TRUE(s.ok()) << s.error_message();
  rv1::GetAttritionWarningRequest req;
  req.set_format(rv1::REPORT_FORMAT_CSV);
  const rv1::AttritionWarning w = Warning(req);
  EXPECT_EQ(w.rule().no_dealing_days(), 0);
  ASSERT_EQ(w.archives_size(), 3);
  EXPECT_EQ(w.archives(0).reasons_size(), 2);
  const std::string& csv = w.csv().text();
  EXPECT_EQ(w.csv().filename(), "attrition-warning-2026-11-30.csv");
  EXPECT_EQ(w.csv().row_count(), 3);
  EXPECT_THAT(csv,
              HasSubstr("customer,archive_number,display_name,owner_id,team,"
                        "department,grade,lifecycle_status,reasons,"
                        "no_dealing_since,no_dealing_days,no_dealing_count,"));
  EXPECT_THAT(csv, HasSubstr("broken_promise_days,broken_promise_count\r\n"));
  EXPECT_THAT(csv, HasSubstr(absl::StrCat(
                       "customers/1,KH-1,客户1,li.na,teams/east,", kCs,
                       ",GRADE_A,LIFECYCLE_STATUS_ACTIVE,DISSATISFIED_VISIT;"
                       "REOPENED_COMPLAINT,,,,,,,2026-11-25,5,1,2026-11-10,"
                       "20,1,,,,,,\r\n")));
}

TEST_F(AttritionWarningTest, BadInputNamesTheField) {
  rv1::GetAttritionWarningRequest req;
  req.add_reasons(rv1::ATTRITION_REASON_UNSPECIFIED);
  req.add_reasons(rv1::ATTRITION_REASON_NO_DEALING);
  req.add_reasons(rv1::ATTRITION_REASON_NO_DEALING);
  req.set_page_size(1001);
  rv1::AttritionWarning out;
  grpc::Status s = Warn(req, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(Violations(s),
              ElementsAre(Pair("reasons[0]", HasSubstr("ATTRITION_REASON")),
                          Pair("reasons[2]", HasSubstr("repeated")),
                          Pair("page_size", HasSubstr("1000"))));
  rv1::GetAttritionWarningRequest bad;
  bad.mutable_filter()->add_severities(csm::complaint::v1::SEVERITY_MAJOR);
  s = Warn(bad, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(Violations(s), ElementsAre(Pair("filter.severities",
                                              HasSubstr("attrition warning"))));
  bad.Clear();
  bad.set_page_token("not-a-token");
  s = Warn(bad, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(AttritionWarningTest, RebuildGivesTheSameWarning) {
  rv1::AttritionWarning before = Warning();
  const std::string live = DumpTables();
  auto done = RebuildFrom(log_);
  ASSERT_TRUE(done.ok()) << done.status();
  ASSERT_EQ(done->state(), rv1::REBUILD_STATE_SUCCEEDED) << done->error();
  EXPECT_EQ(DumpTables(), live);
  EXPECT_THAT(live, HasSubstr("== archive_contacts\ncustomers/1|2026-08-01|"
                              "2026-11-25|2026-11-25|"));
  rv1::AttritionWarning after = Warning();
  before.clear_freshness();
  after.clear_freshness();
  EXPECT_EQ(after.SerializeAsString(), before.SerializeAsString());
}

}  // namespace
}  // namespace csm::reporting::testing
