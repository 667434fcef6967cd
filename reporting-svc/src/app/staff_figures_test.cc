// The figures credited to staff members for the hand-written week 2026-W47
// (src/testing/report_fixture.cc), against numbers computed by hand from
// docs/reports.md: the staff ranking (考核排名, section 10), its filters,
// readers and CSV; the satisfaction report (section 4); and the
// report configuration (formula, completeness and attrition rules): etags,
// validation, retries, who may change it, and that a changed formula
// re-ranks at once.
#include <memory>
#include <string>

#include "absl/strings/str_format.h"
#include "csm/complaint/v1/complaint.pb.h"
#include "csm/reporting/v1/customer_reports.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reporting-svc/src/testing/report_fixture.h"

namespace csm::reporting::testing {
namespace {

using ::testing::_;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

constexpr char kCs[] = "客服部";
constexpr char kWarehouse[] = "仓储物流";

// "place staff department score evidence decided_by tier".
std::string Entry(const rv1::RankingEntry& e) {
  return absl::StrCat(e.place(), " ", e.staff_id(), " ", e.department(), " ",
                      absl::StrFormat("%.2f", e.score()), " ", e.evidence(),
                      " ", e.decided_by(), " ", rv1::RewardTier_Name(e.tier()));
}

class StaffRankingTest : public Week47Fixture {
 protected:
  grpc::Status Rank(const rv1::ReportFilter& filter, rv1::StaffRanking* out,
                    std::unique_ptr<grpc::ClientContext> ctx = nullptr,
                    rv1::ReportFormat format = rv1::REPORT_FORMAT_UNSPECIFIED) {
    rv1::GetStaffRankingRequest req;
    *req.mutable_period() = Week(2026, 47);
    *req.mutable_filter() = filter;
    req.set_format(format);
    return reports_->GetStaffRanking(ctx ? ctx.get() : ManagerContext().get(),
                                     req, out);
  }

  rv1::StaffRanking Ranking(const rv1::ReportFilter& filter = {}) {
    rv1::StaffRanking out;
    grpc::Status s = Rank(filter, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  grpc::Status UpdateFormula(const rv1::ScoringFormula& formula,
                             std::vector<std::string> paths,
                             rv1::ScoringFormula* out,
                             const std::string& request_id = "") {
    rv1::UpdateScoringFormulaRequest req;
    *req.mutable_scoring_formula() = formula;
    for (std::string& p : paths) req.mutable_update_mask()->add_paths(p);
    req.set_request_id(request_id);
    return config_->UpdateScoringFormula(Archivist().get(), req, out);
  }
};

// li.na: deadlines 1/1 on time, no confirmation, 1 valid visit (the most),
// promises 1/2: (35 + 20 + 7.5) / 70 = 89.29; evidence 1 + 1 + 2 + 2 due
// occurrences = 6. wang.wu: 1/1 on time, 1/1 satisfied, 0 visits of 1:
// 65 / 85 = 76.47; evidence 2. zhao.liu: 1/2 on time (the breached
// acknowledge is his), 0/1 satisfied, 0 visits: 17.5 / 85 = 20.59;
// evidence 3.
TEST_F(StaffRankingTest, Week47AsComputedByHand) {
  const rv1::StaffRanking r = Ranking();
  ASSERT_EQ(r.entries_size(), 3);
  EXPECT_EQ(Entry(r.entries(0)),
            absl::StrCat("1 li.na ", kCs, " 89.29 6  REWARD_TIER_FIRST"));
  EXPECT_EQ(Entry(r.entries(1)),
            absl::StrCat("2 wang.wu ", kWarehouse,
                         " 76.47 2 score REWARD_TIER_FIRST"));
  EXPECT_EQ(
      Entry(r.entries(2)),
      absl::StrCat("3 zhao.liu ", kCs, " 20.59 3 score REWARD_TIER_FIRST"));
  EXPECT_TRUE(r.unranked().empty());
  const auto& li = r.entries(0).metrics();
  ASSERT_EQ(li.size(), 4);
  EXPECT_EQ(li[0].metric(), rv1::RANKING_METRIC_ON_TIME_RATE);
  EXPECT_EQ(li[0].weight(), 35);
  EXPECT_EQ(R(li[0].value()), "1/1=100.00");
  EXPECT_EQ(R(li[1].value()), "no data");
  EXPECT_EQ(R(li[2].value()), "1/1=100.00");
  EXPECT_EQ(R(li[3].value()), "1/2=50.00");
  const auto& zhao = r.entries(2).metrics();
  EXPECT_EQ(R(zhao[0].value()), "1/2=50.00");
  EXPECT_EQ(R(zhao[1].value()), "0/1=0.00");
  EXPECT_EQ(R(zhao[2].value()), "0/1=0.00");
  EXPECT_EQ(R(zhao[3].value()), "no data");
  // The formula it used: the default.
  EXPECT_EQ(r.formula().terms_size(), 4);
  EXPECT_EQ(r.formula().etag(), "1");
  EXPECT_TRUE(r.has_freshness());
}

TEST_F(StaffRankingTest, FiltersChooseCandidatesAndEntries) {
  rv1::ReportFilter cs;
  cs.add_departments(kCs);
  rv1::StaffRanking r = Ranking(cs);
  ASSERT_EQ(r.entries_size(), 2);
  EXPECT_EQ(r.entries(0).staff_id(), "li.na");
  EXPECT_EQ(r.entries(1).staff_id(), "zhao.liu");
  EXPECT_EQ(r.entries(1).place(), 2);

  // Only the entries asked for, with their places among all candidates.
  rv1::ReportFilter one;
  one.add_staff_ids("zhao.liu");
  r = Ranking(one);
  ASSERT_EQ(r.entries_size(), 1);
  EXPECT_EQ(
      Entry(r.entries(0)),
      absl::StrCat("3 zhao.liu ", kCs, " 20.59 3 score REWARD_TIER_FIRST"));

  // An agent reads their own entry.
  rv1::StaffRanking own;
  ASSERT_TRUE(Rank({}, &own, Context("zhao.liu", {Role::kAgent}, kCs)).ok());
  ASSERT_EQ(own.entries_size(), 1);
  EXPECT_EQ(own.entries(0).place(), 3);

  rv1::ReportFilter bad;
  bad.add_categories("quality");
  bad.add_departments("无此部门");
  rv1::StaffRanking ignored;
  grpc::Status s = Rank(bad, &ignored);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(
      Violations(s),
      ElementsAre(Pair("filter.departments[0]", HasSubstr("unknown")),
                  Pair("filter.categories", HasSubstr("staff ranking"))));
}

TEST_F(StaffRankingTest, EmptyPeriodRanksNobody) {
  rv1::GetStaffRankingRequest req;
  *req.mutable_period() = Week(2026, 30);
  rv1::StaffRanking out;
  ASSERT_TRUE(
      reports_->GetStaffRanking(ManagerContext().get(), req, &out).ok());
  EXPECT_TRUE(out.entries().empty());
  EXPECT_TRUE(out.unranked().empty());
}

TEST_F(StaffRankingTest, CsvHasOneRowPerEntryAndTheTermsColumns) {
  rv1::StaffRanking r;
  ASSERT_TRUE(Rank({}, &r, nullptr, rv1::REPORT_FORMAT_CSV).ok());
  EXPECT_EQ(r.csv().filename(), "staff-ranking-2026-W47.csv");
  EXPECT_EQ(r.csv().row_count(), 3);
  EXPECT_THAT(
      r.csv().text(),
      HasSubstr("\xEF\xBB\xBFplace,tier,staff_id,department,score,evidence,"
                "decided_by,on_time_rate_numerator,on_time_rate_denominator,"
                "on_time_rate_percent,satisfaction_rate_numerator,"));
  EXPECT_THAT(r.csv().text(),
              HasSubstr(absl::StrCat("\r\n1,first,li.na,", kCs,
                                     ",89.29,6,,1,1,100.00,0,0,,1,1,100.00,"
                                     "1,2,50.00\r\n")));
}

// Visits done alone, tiers 1 and 2: li.na 100; wang.wu and zhao.liu 0 with
// the same single term, so more evidence (3 against 2) decides between them
// (zhao.liu is below li.na by score).
TEST_F(StaffRankingTest, AChangedFormulaReRanksAtOnce) {
  rv1::ScoringFormula f;
  rv1::ScoringTerm* t = f.add_terms();
  t->set_metric(rv1::RANKING_METRIC_VISITS_DONE);
  t->set_weight(1);
  f.set_first_tier_places(1);
  f.set_second_tier_places(2);
  rv1::ScoringFormula updated;
  grpc::Status s = UpdateFormula(
      f, {"terms", "first_tier_places", "second_tier_places"}, &updated);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(updated.etag(), "2");
  EXPECT_EQ(updated.updater_id(), "dang.an");
  EXPECT_EQ(updated.min_evidence(), 1);

  const rv1::StaffRanking r = Ranking();
  ASSERT_EQ(r.entries_size(), 3);
  EXPECT_EQ(Entry(r.entries(0)),
            absl::StrCat("1 li.na ", kCs, " 100.00 6  REWARD_TIER_FIRST"));
  EXPECT_EQ(
      Entry(r.entries(1)),
      absl::StrCat("2 zhao.liu ", kCs, " 0.00 3 score REWARD_TIER_SECOND"));
  EXPECT_EQ(Entry(r.entries(2)),
            absl::StrCat("3 wang.wu ", kWarehouse,
                         " 0.00 2 evidence REWARD_TIER_UNSPECIFIED"));
  EXPECT_EQ(r.formula().etag(), "2");
}

TEST_F(StaffRankingTest, FormulaUpdatesAreValidatedVersionedAndForArchivists) {
  rv1::ScoringFormula current;
  ASSERT_TRUE(config_
                  ->GetScoringFormula(ManagerContext().get(),
                                      rv1::GetScoringFormulaRequest(), &current)
                  .ok());
  EXPECT_EQ(current.name(), "scoringFormula");
  EXPECT_EQ(current.etag(), "1");
  ASSERT_EQ(current.terms_size(), 4);
  EXPECT_EQ(current.terms(0).weight(), 35);
  EXPECT_EQ(current.first_tier_places(), 3);
  EXPECT_EQ(current.second_tier_places(), 8);

  rv1::ScoringFormula out;
  grpc::Status s = UpdateFormula(current, {}, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(Violations(s),
              ElementsAre(Pair("update_mask", HasSubstr("required"))));
  s = UpdateFormula(current, {"etag"}, &out);
  EXPECT_THAT(Violations(s), ElementsAre(Pair("update_mask.paths[0]", _)));

  rv1::ScoringFormula bad = current;
  bad.mutable_terms(0)->set_weight(0);
  s = UpdateFormula(bad, {"terms"}, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(Violations(s),
              ElementsAre(Pair("scoring_formula.terms[0].weight", _)));

  // A retry with the same request id returns the first result.
  rv1::ScoringFormula change = current;
  change.set_min_evidence(2);
  ASSERT_TRUE(UpdateFormula(change, {"min_evidence"}, &out, "r-1").ok());
  EXPECT_EQ(out.etag(), "2");
  rv1::ScoringFormula again;
  ASSERT_TRUE(UpdateFormula(change, {"min_evidence"}, &again, "r-1").ok());
  EXPECT_EQ(again.etag(), "2");

  // The etag "1" is stale now.
  s = UpdateFormula(change, {"min_evidence"}, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ABORTED);

  rv1::UpdateScoringFormulaRequest req;
  *req.mutable_scoring_formula() = again;
  req.mutable_update_mask()->add_paths("min_evidence");
  s = config_->UpdateScoringFormula(ManagerContext().get(), req, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(StaffRankingTest, CompletenessAndAttritionRulesAreConfigurable) {
  rv1::CompletenessRule rule;
  ASSERT_TRUE(config_
                  ->GetCompletenessRule(ManagerContext().get(),
                                        rv1::GetCompletenessRuleRequest(),
                                        &rule)
                  .ok());
  ASSERT_EQ(rule.required_fields_size(), 12);
  EXPECT_EQ(rule.required_fields(0).field(), "display_name");

  rv1::UpdateCompletenessRuleRequest req;
  req.mutable_completeness_rule()->add_required_fields()->set_field("no_such");
  req.mutable_update_mask()->add_paths("required_fields");
  rv1::CompletenessRule out;
  grpc::Status s =
      config_->UpdateCompletenessRule(Archivist().get(), req, &out);
  EXPECT_THAT(
      Violations(s),
      ElementsAre(Pair("completeness_rule.required_fields[0].field", _)));
  req.mutable_completeness_rule()->mutable_required_fields(0)->set_field(
      "contact_email");
  ASSERT_TRUE(
      config_->UpdateCompletenessRule(Archivist().get(), req, &out).ok());
  ASSERT_EQ(out.required_fields_size(), 1);
  EXPECT_EQ(out.etag(), "2");

  rv1::UpdateAttritionRuleRequest attrition;
  attrition.mutable_attrition_rule()->set_no_dealing_days(30);
  attrition.mutable_update_mask()->add_paths("no_dealing_days");
  rv1::AttritionRule a;
  ASSERT_TRUE(
      config_->UpdateAttritionRule(Archivist().get(), attrition, &a).ok());
  EXPECT_EQ(a.no_dealing_days(), 30);
  // The other thresholds keep their defaults.
  EXPECT_EQ(a.no_communication_days(), 60);
  EXPECT_EQ(a.monitored_statuses_size(), 2);
}

// Complaint 1: resolved by wang.wu (仓储物流), rated 满意, return visit 满意;
// registered by li.na. Complaint 2: resolved by zhao.liu (客服部), rated
// 不满意 (reopened); registered by zhao.liu.
TEST_F(StaffRankingTest, SatisfactionCreditedToTheResolutionAndFirstResponder) {
  rv1::GetSatisfactionReportRequest req;
  *req.mutable_period() = Week(2026, 47);
  rv1::SatisfactionReport r;
  grpc::Status s = complaint_reports_->GetSatisfactionReport(
      ManagerContext().get(), req, &r);
  ASSERT_TRUE(s.ok()) << s.error_message();
  auto text = [](const rv1::SatisfactionFigures& f) {
    std::string levels;
    for (const auto& c : f.distribution()) absl::StrAppend(&levels, c.count());
    std::string visits;
    for (const auto& c : f.return_visit_distribution()) {
      absl::StrAppend(&visits, c.count());
    }
    return absl::StrCat(f.confirmations(), " ", levels, " ",
                        R(f.satisfaction_rate()), " reopened ", f.reopened(),
                        " visits ", visits, " ",
                        R(f.return_visit_satisfaction_rate()));
  };
  // Levels in enum order: 满意, 比较满意, 一般, 不满意, 非常不满意.
  EXPECT_EQ(text(r.total()),
            "2 10010 1/2=50.00 reopened 1 visits 10000 1/1=100.00");
  ASSERT_EQ(r.departments_size(), 2);
  EXPECT_EQ(r.departments(0).department(), kWarehouse);
  EXPECT_EQ(text(r.departments(0).figures()),
            "1 10000 1/1=100.00 reopened 0 visits 10000 1/1=100.00");
  EXPECT_EQ(r.departments(1).department(), kCs);
  EXPECT_EQ(text(r.departments(1).figures()),
            "1 00010 0/1=0.00 reopened 1 visits 00000 no data");
  ASSERT_EQ(r.resolvers_size(), 2);
  EXPECT_EQ(r.resolvers(0).staff_id(), "wang.wu");
  EXPECT_EQ(r.resolvers(0).department(), kWarehouse);
  EXPECT_EQ(text(r.resolvers(0).figures()),
            "1 10000 1/1=100.00 reopened 0 visits 10000 1/1=100.00");
  EXPECT_EQ(r.resolvers(1).staff_id(), "zhao.liu");
  EXPECT_EQ(text(r.resolvers(1).figures()),
            "1 00010 0/1=0.00 reopened 1 visits 00000 no data");
  ASSERT_EQ(r.first_responders_size(), 2);
  EXPECT_EQ(r.first_responders(0).staff_id(), "li.na");
  EXPECT_EQ(r.first_responders(0).department(), kCs);
  EXPECT_EQ(text(r.first_responders(0).figures()),
            "1 10000 1/1=100.00 reopened 0 visits 10000 1/1=100.00");
  EXPECT_EQ(r.first_responders(1).staff_id(), "zhao.liu");
  EXPECT_EQ(text(r.first_responders(1).figures()),
            "1 00010 0/1=0.00 reopened 1 visits 00000 no data");

  // A department filter is the resolving department.
  req.mutable_filter()->add_departments(kWarehouse);
  req.set_format(rv1::REPORT_FORMAT_CSV);
  ASSERT_TRUE(
      complaint_reports_->GetSatisfactionReport(ManagerContext().get(), req, &r)
          .ok());
  EXPECT_EQ(r.total().confirmations(), 1);
  EXPECT_EQ(r.resolvers_size(), 1);
  EXPECT_EQ(r.csv().filename(), "satisfaction-report-2026-W47.csv");
  EXPECT_THAT(r.csv().text(),
              HasSubstr(",total,,,satisfaction_rate,,1,1,100.00\r\n"));
}

// Two due occurrences of li.na's archives (11-18 answered that day, 11-20
// overdue: its SMS visit did not count), two visits done by her (one
// valid, rated 一般), all in team teams/east of 客服部.
TEST_F(StaffRankingTest, ReturnVisitsPerStaffMemberAndTeam) {
  auto stub = rv1::CustomerReportService::NewStub(channel_);
  rv1::GetReturnVisitReportRequest req;
  *req.mutable_period() = Week(2026, 47);
  rv1::ReturnVisitReport r;
  grpc::Status s = stub->GetReturnVisitReport(ManagerContext().get(), req, &r);
  ASSERT_TRUE(s.ok()) << s.error_message();
  auto text = [](const rv1::VisitFigures& v) {
    std::string levels;
    for (const auto& c : v.distribution()) absl::StrAppend(&levels, c.count());
    return absl::StrCat("due ", v.due(), " answered ", v.answered(), " ",
                        R(v.visit_rate()), " on time ", R(v.on_time_rate()),
                        " overdue ", v.overdue(), " done ", v.done(), " valid ",
                        v.valid(), " invalid ", v.invalid(), " ", levels, " ",
                        R(v.satisfaction_rate()));
  };
  const std::string week =
      "due 2 answered 1 1/2=50.00 on time 1/2=50.00 overdue 1 done 2 valid 1 "
      "invalid 1 00100 0/1=0.00";
  EXPECT_EQ(text(r.total()), week);
  ASSERT_EQ(r.staff_size(), 1);
  EXPECT_EQ(r.staff(0).staff_id(), "li.na");
  EXPECT_EQ(r.staff(0).team(), "teams/east");
  EXPECT_EQ(r.staff(0).department(), kCs);
  EXPECT_EQ(text(r.staff(0).figures()), week);
  ASSERT_EQ(r.teams_size(), 1);
  EXPECT_EQ(r.teams(0).team(), "teams/east");
  EXPECT_EQ(r.teams(0).department(), kCs);
  EXPECT_EQ(text(r.teams(0).figures()), week);

  // Another staff member's figures are empty; complaint filters do not apply.
  req.mutable_filter()->add_staff_ids("wang.wu");
  ASSERT_TRUE(stub->GetReturnVisitReport(ManagerContext().get(), req, &r).ok());
  EXPECT_EQ(r.total().due(), 0);
  EXPECT_TRUE(r.staff().empty());
  req.mutable_filter()->add_severities(csm::complaint::v1::SEVERITY_MAJOR);
  EXPECT_EQ(
      stub->GetReturnVisitReport(ManagerContext().get(), req, &r).error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace csm::reporting::testing
