// The complaint ledger (投诉台账, docs/reports.md, section 11) of the
// hand-written week 2026-W47 (src/testing/week47.cc) over real gRPC and
// MariaDB: every column of both complaints as the events put them, the
// scopes, filters, paging and its CSV pages, bad input, and a rebuild
// giving the same ledger.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "csm/complaint/v1/complaint.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reporting-svc/src/testing/report_fixture.h"

namespace csm::reporting::testing {
namespace {

namespace cpv1 = ::csm::complaint::v1;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Pair;

constexpr char kCs[] = "客服部";
constexpr char kWarehouse[] = "仓储物流";

std::string Time(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0) return "-";
  return absl::FormatTime("%m-%d %H:%M", FromProtoTimestamp(t),
                          BusinessTimeZone());
}

// "KIND due met breached minutes staff department".
std::string Deadline(const rv1::LedgerDeadline& d) {
  return absl::StrCat(cpv1::DeadlineKind_Name(d.kind()), " ",
                      Time(d.due_time()), " ", Time(d.met_time()), " ",
                      d.breached(), " ", d.met_working_minutes(), " ",
                      d.staff_id(), " ", d.department());
}

std::vector<std::string> Names(const rv1::ListComplaintLedgerResponse& r) {
  std::vector<std::string> out;
  for (const rv1::ComplaintLedgerRow& row : r.rows()) {
    out.push_back(row.complaint());
  }
  return out;
}

rv1::Period Day(int y, int m, int d) {
  rv1::Period p;
  p.set_kind(rv1::PERIOD_KIND_CUSTOM);
  for (csm::common::v1::Date* date :
       {p.mutable_start_date(), p.mutable_end_date()}) {
    date->set_year(y);
    date->set_month(m);
    date->set_day(d);
  }
  return p;
}

class ComplaintLedgerTest : public Week47Fixture {
 protected:
  grpc::Status List(const rv1::ListComplaintLedgerRequest& req,
                    rv1::ListComplaintLedgerResponse* out) {
    return complaint_reports_->ListComplaintLedger(ManagerContext().get(), req,
                                                   out);
  }

  rv1::ListComplaintLedgerResponse Ledger(rv1::ListComplaintLedgerRequest req) {
    if (!req.has_period()) *req.mutable_period() = Week(2026, 47);
    rv1::ListComplaintLedgerResponse out;
    grpc::Status s = List(req, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }
};

TEST_F(ComplaintLedgerTest, EveryColumnOfTheWeekByHand) {
  const rv1::ListComplaintLedgerResponse r = Ledger({});
  EXPECT_EQ(r.total_size(), 2);
  EXPECT_TRUE(r.next_page_token().empty());
  ASSERT_EQ(r.rows_size(), 2);
  const rv1::ComplaintLedgerRow& one = r.rows(0);
  EXPECT_EQ(one.complaint(), "complaints/1");
  EXPECT_EQ(one.complaint_number(), "TS-1");
  EXPECT_EQ(one.customer(), "customers/1");
  EXPECT_EQ(one.customer_grade(), "A");
  EXPECT_EQ(one.category(), "quality");
  EXPECT_EQ(one.severity(), cpv1::SEVERITY_NORMAL);
  EXPECT_EQ(one.state(), cpv1::COMPLAINT_STATE_CLOSED);
  EXPECT_EQ(one.first_responder_id(), "li.na");
  EXPECT_EQ(one.first_responder_department(), kCs);
  EXPECT_EQ(one.handling_department(), kWarehouse);
  EXPECT_EQ(one.handler_id(), "wang.wu");
  EXPECT_EQ(Time(one.register_time()), "11-16 10:00");
  EXPECT_EQ(Time(one.acknowledge_time()), "11-16 11:00");
  EXPECT_EQ(Time(one.resolve_time()), "11-17 10:00");
  EXPECT_EQ(one.resolver_id(), "wang.wu");
  EXPECT_EQ(one.resolving_department(), kWarehouse);
  EXPECT_EQ(Time(one.confirm_time()), "11-17 14:00");
  EXPECT_EQ(one.satisfaction(), csm::common::v1::SATISFACTION_SATISFIED);
  EXPECT_EQ(Time(one.close_time()), "11-18 09:30");
  EXPECT_EQ(one.return_visit_satisfaction(),
            csm::common::v1::SATISFACTION_SATISFIED);
  ASSERT_EQ(one.deadlines_size(), 2);
  EXPECT_EQ(Deadline(one.deadlines(0)),
            absl::StrCat("DEADLINE_KIND_ACKNOWLEDGE 11-16 15:30 11-16 11:00 "
                         "0 60 li.na ",
                         kCs));
  EXPECT_EQ(Deadline(one.deadlines(1)),
            absl::StrCat("DEADLINE_KIND_HANDLING_OPINION 11-18 17:30 11-17 "
                         "10:00 0 420 wang.wu ",
                         kWarehouse));
  // Monday 10:00-16:00 in 客服部 (270), then 仓储物流 until the resolution.
  ASSERT_EQ(one.department_times_size(), 2);
  EXPECT_EQ(one.department_times(0).department(), kWarehouse);
  EXPECT_EQ(one.department_times(0).working_minutes(), 150);
  EXPECT_EQ(one.department_times(1).department(), kCs);
  EXPECT_EQ(one.department_times(1).working_minutes(), 270);
  EXPECT_EQ(one.escalations(), 0);

  const rv1::ComplaintLedgerRow& two = r.rows(1);
  EXPECT_EQ(two.complaint(), "complaints/2");
  EXPECT_EQ(two.state(), cpv1::COMPLAINT_STATE_REOPENED);
  EXPECT_EQ(Deadline(two.deadlines(0)),
            absl::StrCat("DEADLINE_KIND_ACKNOWLEDGE 11-17 11:00 11-17 14:00 "
                         "1 210 zhao.liu ",
                         kCs));
  ASSERT_EQ(two.department_times_size(), 1);
  EXPECT_EQ(two.department_times(0).working_minutes(), 480);
  EXPECT_TRUE(two.department_times(0).breached_acknowledge());
  EXPECT_FALSE(two.department_times(0).breached_handling_opinion());
  EXPECT_EQ(two.escalation_level(), cpv1::ESCALATION_LEVEL_SUPERVISOR);
  EXPECT_EQ(two.escalations(), 1);
  EXPECT_EQ(two.reopen_count(), 1);
  EXPECT_EQ(two.satisfaction(), csm::common::v1::SATISFACTION_DISSATISFIED);
  EXPECT_EQ(two.return_visit_satisfaction(),
            csm::common::v1::SATISFACTION_UNSPECIFIED);
  EXPECT_FALSE(two.has_close_time()) << two.close_time().DebugString();
  EXPECT_TRUE(r.has_freshness());
}

// Wednesday 11-18: nothing registered; 1 closed and its handling deadline
// due, 2 resolved. Thursday: only 2's handling deadline is due.
TEST_F(ComplaintLedgerTest, ScopesAndFilters) {
  rv1::ListComplaintLedgerRequest req;
  *req.mutable_period() = Day(2026, 11, 18);
  EXPECT_TRUE(Ledger(req).rows().empty());
  req.set_scope(rv1::LEDGER_SCOPE_TOUCHED);
  EXPECT_THAT(Names(Ledger(req)), ElementsAre("complaints/1", "complaints/2"));
  *req.mutable_period() = Day(2026, 11, 19);
  EXPECT_THAT(Names(Ledger(req)), ElementsAre("complaints/2"));

  rv1::ListComplaintLedgerRequest f;
  f.mutable_filter()->add_departments(kWarehouse);
  EXPECT_THAT(Names(Ledger(f)), ElementsAre("complaints/1"));
  f.Clear();
  f.mutable_filter()->add_staff_ids("wang.wu");
  EXPECT_THAT(Names(Ledger(f)), ElementsAre("complaints/1"));
  f.Clear();
  f.mutable_filter()->add_categories("delivery");
  EXPECT_THAT(Names(Ledger(f)), ElementsAre("complaints/2"));
  f.Clear();
  f.mutable_filter()->add_customer_grades(csm::customer::v1::GRADE_A);
  EXPECT_THAT(Names(Ledger(f)), ElementsAre("complaints/1"));
  // An agent: the complaints they registered or handle.
  rv1::ListComplaintLedgerResponse own;
  rv1::ListComplaintLedgerRequest mine;
  *mine.mutable_period() = Week(2026, 47);
  ASSERT_TRUE(
      complaint_reports_
          ->ListComplaintLedger(Context("zhao.liu", {Role::kAgent}, kCs).get(),
                                mine, &own)
          .ok());
  EXPECT_THAT(Names(own), ElementsAre("complaints/2"));
}

TEST_F(ComplaintLedgerTest, PagesAndTheirCsvConcatenate) {
  rv1::ListComplaintLedgerRequest req;
  *req.mutable_period() = Week(2026, 47);
  req.set_page_size(1);
  req.set_format(rv1::REPORT_FORMAT_CSV);
  const rv1::ListComplaintLedgerResponse first = Ledger(req);
  EXPECT_THAT(Names(first), ElementsAre("complaints/1"));
  EXPECT_EQ(first.total_size(), 2);
  ASSERT_FALSE(first.next_page_token().empty());
  req.set_page_token(first.next_page_token());
  const rv1::ListComplaintLedgerResponse second = Ledger(req);
  EXPECT_THAT(Names(second), ElementsAre("complaints/2"));
  EXPECT_TRUE(second.next_page_token().empty());

  const std::string& head = first.csv().text();
  EXPECT_EQ(first.csv().filename(), "complaint-ledger-2026-W47.csv");
  EXPECT_EQ(head.rfind("\xEF\xBB\xBF"
                       "complaint,complaint_number,customer,customer_grade,"
                       "category,severity,channel,state,",
                       0),
            0u);
  EXPECT_THAT(head, HasSubstr(",acknowledge_due_time,acknowledge_met_time,"
                              "acknowledge_breached,"
                              "acknowledge_met_working_minutes,"
                              "acknowledge_staff_id,acknowledge_department,"
                              "investigated_due_time,"));
  EXPECT_THAT(head, HasSubstr(absl::StrCat(
                        ",2026-11-16T15:30:00+08:00,2026-11-16T11:00:00+08:00,"
                        "false,60,li.na,",
                        kCs, ",,,,,,,")));
  EXPECT_THAT(head, HasSubstr(absl::StrCat(kWarehouse, "=150;", kCs, "=270,")));
  const std::string& tail = second.csv().text();
  EXPECT_THAT(tail, Not(HasSubstr("complaint_number")));
  EXPECT_EQ(tail.rfind("complaints/2,TS-2,customers/2,B,delivery,", 0), 0u);
  EXPECT_THAT(tail, HasSubstr(absl::StrCat(",true,210,zhao.liu,", kCs, ",")));
  EXPECT_THAT(tail,
              HasSubstr(absl::StrCat(kCs,
                                     "=480!A,0,ESCALATION_LEVEL_SUPERVISOR,1,"
                                     "1,0,,RESPONSIBILITY_UNSPECIFIED,"
                                     "SATISFACTION_DISSATISFIED,"
                                     "SATISFACTION_UNSPECIFIED,\r\n")));
  // The token belongs to its request.
  req.set_scope(rv1::LEDGER_SCOPE_TOUCHED);
  rv1::ListComplaintLedgerResponse out;
  grpc::Status s = List(req, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(Violations(s), ElementsAre(Pair("page_token", ::testing::_)));
}

TEST_F(ComplaintLedgerTest, BadInputNamesTheField) {
  rv1::ListComplaintLedgerRequest req;
  *req.mutable_period() = Week(2026, 47);
  req.set_page_size(5001);
  req.set_scope(static_cast<rv1::LedgerScope>(7));
  rv1::ListComplaintLedgerResponse out;
  grpc::Status s = List(req, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(Violations(s),
              ElementsAre(Pair("page_size", HasSubstr("5000")),
                          Pair("scope", HasSubstr("LEDGER_SCOPE"))));
  rv1::ListComplaintLedgerRequest bad;
  bad.mutable_filter()->add_departments("无此部门");
  s = List(bad, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(Violations(s),
              ElementsAre(Pair("period.kind", ::testing::_),
                          Pair("filter.departments[0]", HasSubstr("unknown"))));
}

TEST_F(ComplaintLedgerTest, RebuildGivesTheSameLedger) {
  const rv1::ListComplaintLedgerResponse before = Ledger({});
  const std::string live = DumpTables();
  auto done = RebuildFrom(log_);
  ASSERT_TRUE(done.ok()) << done.status();
  ASSERT_EQ(done->state(), rv1::REBUILD_STATE_SUCCEEDED) << done->error();
  EXPECT_EQ(DumpTables(), live);
  EXPECT_THAT(live, HasSubstr("== complaint_ledger\ncomplaints/1|wang.wu|"));
  rv1::ListComplaintLedgerResponse after = Ledger({});
  rv1::ListComplaintLedgerResponse expected = before;
  after.clear_freshness();
  expected.clear_freshness();
  EXPECT_EQ(after.SerializeAsString(), expected.SerializeAsString());
}

}  // namespace
}  // namespace csm::reporting::testing
