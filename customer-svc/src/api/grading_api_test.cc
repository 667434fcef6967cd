// Grading rules as data (客户分级) through real gRPC against the fixture's
// MariaDB, on the manual clock: archivists keep the criteria, customer-svc
// suggests a grade with its reasons from the archive's facts and its
// recorded dealings, lists the archives whose suggestion differs, and never
// changes a grade itself.

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "csm/customer/v1/grading.grpc.pb.h"
#include "customer-svc/testing/visit_test_support.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace csm::customer::testing {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using GradingStub = v1::GradingService::Stub;

class GradingApiTest : public VisitApiFixture {
 protected:
  void SetUp() override {
    VisitApiFixture::SetUp();
    if (HasFatalFailure()) return;
    grading_ = v1::GradingService::NewStub(channel_);
    ASSERT_NO_FATAL_FAILURE(CreateStandardTeam());
  }
  void TearDown() override {
    grading_.reset();
    VisitApiFixture::TearDown();
  }

  v1::GradingPolicy Policy() {
    v1::GradingPolicy p;
    const grpc::Status s = Call(grading_, &GradingStub::GetGradingPolicy,
                                "li.na", v1::GetGradingPolicyRequest(), &p);
    EXPECT_TRUE(s.ok()) << Describe(s);
    return p;
  }

  grpc::Status UpdatePolicy(const std::string& staff,
                            const v1::GradingPolicy& patch,
                            const std::vector<std::string>& paths,
                            v1::GradingPolicy* out,
                            const std::string& request_id = "") {
    v1::UpdateGradingPolicyRequest req;
    *req.mutable_grading_policy() = patch;
    for (const std::string& p : paths) req.mutable_update_mask()->add_paths(p);
    req.set_request_id(request_id);
    return Call(grading_, &GradingStub::UpdateGradingPolicy, staff, req, out);
  }

  grpc::Status Suggestion(const std::string& customer, v1::GradeSuggestion* out,
                          const std::string& staff = "li.na") {
    v1::GetGradeSuggestionRequest req;
    req.set_name(absl::StrCat(customer, "/gradeSuggestion"));
    return Call(grading_, &GradingStub::GetGradeSuggestion, staff, req, out);
  }

  // Every page of ListGradeSuggestions: the archives named, in order.
  std::vector<std::string> Differing(const std::string& filter = "",
                                     int page_size = 0) {
    std::vector<std::string> names;
    std::string token;
    for (int page = 0; page < 50; ++page) {
      v1::ListGradeSuggestionsRequest req;
      req.set_filter(filter);
      req.set_page_size(page_size);
      req.set_page_token(token);
      v1::ListGradeSuggestionsResponse resp;
      const grpc::Status s =
          Call(grading_, &GradingStub::ListGradeSuggestions, "sup", req, &resp);
      EXPECT_TRUE(s.ok()) << Describe(s);
      if (!s.ok()) break;
      EXPECT_LE(resp.grade_suggestions_size(), page_size == 0 ? 50 : page_size);
      for (const v1::GradeSuggestion& g : resp.grade_suggestions()) {
        EXPECT_NE(g.suggested_grade(), g.grade()) << g.customer();
        names.push_back(g.customer());
      }
      token = resp.next_page_token();
      if (token.empty()) break;
    }
    return names;
  }

  grpc::Status SetFacts(
      const v1::Customer& c, absl::CivilDay signing,
      v1::Importance importance = v1::IMPORTANCE_UNSPECIFIED) {
    v1::UpdateCustomerRequest req;
    req.mutable_customer()->set_name(c.name());
    *req.mutable_customer()->mutable_expected_signing_date() =
        ProtoDay(signing);
    req.mutable_customer()->set_importance(importance);
    req.mutable_update_mask()->add_paths("expected_signing_date");
    req.mutable_update_mask()->add_paths("importance");
    v1::Customer out;
    return Call(customers_, &CustomerStub::UpdateCustomer, c.owner_id(), req,
                &out);
  }

  grpc::Status Dealing(const v1::Customer& c, absl::CivilDay day,
                       int64_t amount_fen) {
    v1::RecordDealingRequest req;
    req.set_parent(c.name());
    req.mutable_dealing()->set_kind(v1::DEALING_KIND_SALE);
    *req.mutable_dealing()->mutable_deal_date() = ProtoDay(day);
    req.mutable_dealing()->set_amount_fen(amount_fen);
    v1::Dealing out;
    return Call(customers_, &CustomerStub::RecordDealing, "arch", req, &out);
  }

  v1::Customer Get(const std::string& name) {
    v1::GetCustomerRequest req;
    req.set_name(name);
    v1::Customer out;
    const grpc::Status s =
        Call(customers_, &CustomerStub::GetCustomer, "arch", req, &out);
    EXPECT_TRUE(s.ok()) << Describe(s);
    return out;
  }

  std::unique_ptr<GradingStub> grading_;
};

TEST_F(GradingApiTest, TheCriteriaAreDataThatArchivistsMaintain) {
  v1::GradingPolicy p = Policy();
  EXPECT_EQ(p.name(), "gradingPolicy");
  EXPECT_EQ(p.volume_window_months(), 12);
  EXPECT_EQ(p.grade_a().signing_within_months(), 1);
  EXPECT_EQ(p.grade_b().signing_within_months(), 3);
  EXPECT_EQ(p.grade_a().qualifying_volume_fen(), 0);
  EXPECT_EQ(p.etag(), "1");

  v1::GradingPolicy patch;
  patch.mutable_grade_b()->set_qualifying_volume_fen(5'000'000);
  patch.set_etag(p.etag());
  v1::GradingPolicy out;
  for (const char* staff : {"li.na", "sup", "gm", "reporting-svc"}) {
    CSM_EXPECT_CODE(
        UpdatePolicy(staff, patch, {"grade_b.qualifying_volume_fen"}, &out),
        grpc::StatusCode::PERMISSION_DENIED);
  }
  CSM_ASSERT_OK(UpdatePolicy("arch", patch, {"grade_b.qualifying_volume_fen"},
                             &out, "grading-1"));
  EXPECT_EQ(out.grade_b().qualifying_volume_fen(), 5'000'000);
  EXPECT_EQ(out.grade_b().signing_within_months(), 3);  // kept
  EXPECT_EQ(out.etag(), "2");
  EXPECT_EQ(out.updated_by().staff_id(), "arch");
  // A retry changes nothing more.
  CSM_ASSERT_OK(UpdatePolicy("arch", patch, {"grade_b.qualifying_volume_fen"},
                             &out, "grading-1"));
  EXPECT_EQ(Policy().etag(), "2");
  // A stale etag is refused.
  CSM_EXPECT_CODE(
      UpdatePolicy("arch", patch, {"grade_b.qualifying_volume_fen"}, &out),
      grpc::StatusCode::ABORTED);

  // Bad criteria: INVALID_ARGUMENT naming the field, nothing written.
  v1::GradingPolicy bad;
  bad.set_volume_window_months(0);
  grpc::Status s = UpdatePolicy("arch", bad, {"volume_window_months"}, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(s);
  EXPECT_THAT(ViolationFields(s),
              ElementsAre("grading_policy.volume_window_months"));
  bad.mutable_grade_a()->set_signing_within_months(6);  // looser than B's 3
  s = UpdatePolicy("arch", bad, {"grade_a.signing_within_months"}, &out);
  EXPECT_THAT(ViolationFields(s),
              ElementsAre("grading_policy.grade_a.signing_within_months"));
  s = UpdatePolicy("arch", bad, {"grade_c"}, &out);
  EXPECT_THAT(ViolationFields(s), ElementsAre("update_mask"));
  s = UpdatePolicy("arch", bad, {}, &out);
  EXPECT_THAT(ViolationFields(s), ElementsAre("update_mask"));
  p = Policy();
  EXPECT_EQ(p.etag(), "2");
  EXPECT_EQ(p.volume_window_months(), 12);
  EXPECT_EQ(p.grade_a().signing_within_months(), 1);
}

TEST_F(GradingApiTest, ArchivesCarryTheirSigningDateAndImportance) {
  v1::CreateCustomerRequest req;
  *req.mutable_customer() = NewCustomer("签约在即科技有限公司", 1);
  *req.mutable_customer()->mutable_expected_signing_date() =
      ProtoDay(Today() + 20);
  req.mutable_customer()->set_importance(v1::IMPORTANCE_HIGH);
  v1::CreateCustomerResponse created;
  CSM_ASSERT_OK(
      Call(customers_, &CustomerStub::CreateCustomer, "arch", req, &created));
  const v1::Customer c = Get(created.customer().name());
  EXPECT_EQ(DayOf(c.expected_signing_date()), Today() + 20);
  EXPECT_EQ(c.importance(), v1::IMPORTANCE_HIGH);

  CSM_ASSERT_OK(SetFacts(c, Today() + 40, v1::IMPORTANCE_NORMAL));
  v1::Customer after = Get(c.name());
  EXPECT_EQ(DayOf(after.expected_signing_date()), Today() + 40);
  EXPECT_EQ(after.importance(), v1::IMPORTANCE_NORMAL);
  // The history says who changed them.
  v1::ListCustomerChangesRequest changes_req;
  changes_req.set_parent(c.name());
  v1::ListCustomerChangesResponse changes;
  CSM_ASSERT_OK(Call(customers_, &CustomerStub::ListCustomerChanges, "sup",
                     changes_req, &changes));
  ASSERT_GE(changes.customer_changes_size(), 1);
  const v1::CustomerChange& last = changes.customer_changes(0);
  EXPECT_EQ(last.method(), "UpdateCustomer");
  ASSERT_EQ(last.field_changes_size(), 2);
  EXPECT_EQ(last.field_changes(0).field(), "expected_signing_date");
  EXPECT_EQ(last.field_changes(0).new_value(),
            absl::FormatCivilTime(Today() + 40));
  EXPECT_EQ(last.field_changes(1).new_value(), "IMPORTANCE_NORMAL");

  // Filter by importance.
  v1::ListCustomersRequest list;
  list.set_filter("importance = IMPORTANCE_NORMAL");
  v1::ListCustomersResponse listed;
  CSM_ASSERT_OK(
      Call(customers_, &CustomerStub::ListCustomers, "sup", list, &listed));
  ASSERT_EQ(listed.customers_size(), 1);
  EXPECT_EQ(listed.customers(0).name(), c.name());

  // Bad values are INVALID_ARGUMENT on the field.
  v1::UpdateCustomerRequest bad;
  bad.mutable_customer()->set_name(c.name());
  bad.mutable_customer()->mutable_expected_signing_date()->set_year(2026);
  bad.mutable_customer()->mutable_expected_signing_date()->set_month(2);
  bad.mutable_customer()->mutable_expected_signing_date()->set_day(30);
  bad.mutable_customer()->set_importance(static_cast<v1::Importance>(9));
  bad.mutable_update_mask()->add_paths("expected_signing_date");
  bad.mutable_update_mask()->add_paths("importance");
  v1::Customer out;
  const grpc::Status s =
      Call(customers_, &CustomerStub::UpdateCustomer, "arch", bad, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(s);
  EXPECT_THAT(ViolationFields(s), ElementsAre("customer.expected_signing_date",
                                              "customer.importance"));
}

TEST_F(GradingApiTest, SuggestionsFollowTheCriteriaAndChangeNoGrade) {
  // B by volume: ¥50,000 in the last 12 months.
  v1::GradingPolicy patch;
  patch.mutable_grade_b()->set_qualifying_volume_fen(5'000'000);
  v1::GradingPolicy policy;
  CSM_ASSERT_OK(
      UpdatePolicy("arch", patch, {"grade_b.qualifying_volume_fen"}, &policy));

  const v1::Customer signing = MustCreateCustomer("签约在即", 1, "li.na");
  const v1::Customer dealing = MustCreateCustomer("老客户", 2, "wang.fang");
  const v1::Customer quiet = MustCreateCustomer("无往来", 3, "li.na");
  ASSERT_FALSE(HasFailure());
  CSM_ASSERT_OK(SetFacts(signing, Today() + 10));
  // The window is (today - 12 months, today]: its first day counts, the
  // day before does not.
  const absl::CivilDay first = AddMonthsClamped(Today(), -12) + 1;
  CSM_ASSERT_OK(Dealing(dealing, first - 1, 9'000'000));
  CSM_ASSERT_OK(Dealing(dealing, first, 3'000'000));
  CSM_ASSERT_OK(Dealing(dealing, Today(), 2'000'000));
  CSM_ASSERT_OK(Dealing(quiet, first - 1, 90'000'000));

  v1::GradeSuggestion s;
  CSM_ASSERT_OK(Suggestion(signing.name(), &s));
  EXPECT_EQ(s.name(), signing.name() + "/gradeSuggestion");
  EXPECT_EQ(s.grade(), v1::GRADE_C);
  EXPECT_EQ(s.suggested_grade(), v1::GRADE_A);
  EXPECT_THAT(s.reasons(), Contains(HasSubstr("A: expected signing")));
  EXPECT_EQ(DayOf(s.expected_signing_date()), Today() + 10);
  EXPECT_EQ(s.policy_etag(), policy.etag());

  CSM_ASSERT_OK(Suggestion(dealing.name(), &s));
  EXPECT_EQ(s.suggested_grade(), v1::GRADE_B);
  EXPECT_EQ(s.business_volume_fen(), 5'000'000);
  EXPECT_EQ(DayOf(s.volume_window_start()), first);
  EXPECT_EQ(DayOf(s.volume_window_end()), Today());
  EXPECT_THAT(s.reasons(),
              Contains(HasSubstr("B: business volume ¥50,000.00")));

  CSM_ASSERT_OK(Suggestion(quiet.name(), &s));
  EXPECT_EQ(s.suggested_grade(), v1::GRADE_C);
  EXPECT_EQ(s.business_volume_fen(), 0);
  EXPECT_THAT(s.reasons(), Contains("C: the criteria of A and B are not met"));

  // The list names the archives whose suggestion differs, page by page.
  EXPECT_THAT(Differing(), ElementsAre(signing.name(), dealing.name()));
  EXPECT_THAT(Differing("", 1), ElementsAre(signing.name(), dealing.name()));
  EXPECT_THAT(Differing("owner_id = \"wang.fang\""),
              ElementsAre(dealing.name()));

  // Suggestions changed nothing: same grade, etag and history.
  EXPECT_EQ(Get(signing.name()).grade(), v1::GRADE_C);
  EXPECT_EQ(Get(dealing.name()).etag(), dealing.etag());

  // A person changes the grade, with a reason: off the list.
  v1::ChangeGradeRequest change;
  change.set_name(signing.name());
  change.set_grade(v1::GRADE_A);
  change.set_reason("需求明确，一个月内签约");
  v1::Customer changed;
  CSM_ASSERT_OK(
      Call(customers_, &CustomerStub::ChangeGrade, "li.na", change, &changed));
  EXPECT_THAT(Differing(), ElementsAre(dealing.name()));

  // Importance as a criterion: A now needs HIGH, so the signing one is B.
  patch.mutable_grade_a()->set_min_importance(v1::IMPORTANCE_HIGH);
  CSM_ASSERT_OK(
      UpdatePolicy("arch", patch, {"grade_a.min_importance"}, &policy));
  CSM_ASSERT_OK(Suggestion(signing.name(), &s));
  EXPECT_EQ(s.suggested_grade(), v1::GRADE_B);
  EXPECT_THAT(s.reasons(),
              Contains("A: importance not recorded (needs HIGH or above)"));
  EXPECT_THAT(Differing(), ElementsAre(signing.name(), dealing.name()));

  // Closed archives are not listed; their suggestion can still be read.
  v1::CloseCustomerRequest close;
  close.set_name(dealing.name());
  close.set_reason("客户注销");
  CSM_ASSERT_OK(
      Call(customers_, &CustomerStub::CloseCustomer, "sup", close, &changed));
  EXPECT_THAT(Differing(), ElementsAre(signing.name()));
  CSM_ASSERT_OK(Suggestion(dealing.name(), &s));
  EXPECT_EQ(s.suggested_grade(), v1::GRADE_B);

  // Time moves: the dealing of `first` leaves the window tomorrow.
  clock_.Advance(absl::Hours(24));
  CSM_ASSERT_OK(Suggestion(dealing.name(), &s));
  EXPECT_EQ(s.business_volume_fen(), 2'000'000);
  EXPECT_EQ(s.suggested_grade(), v1::GRADE_C);
}

TEST_F(GradingApiTest, BadRequestsAreClearErrors) {
  v1::GradeSuggestion s;
  grpc::Status st = Suggestion("customers/abc", &s);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << Describe(st);
  EXPECT_THAT(ViolationFields(st), ElementsAre("name"));
  v1::GetGradeSuggestionRequest bare;
  bare.set_name("customers/1");
  st = Call(grading_, &GradingStub::GetGradeSuggestion, "li.na", bare, &s);
  EXPECT_THAT(ViolationFields(st), ElementsAre("name"));
  CSM_EXPECT_CODE(Suggestion("customers/999", &s), grpc::StatusCode::NOT_FOUND);

  v1::ListGradeSuggestionsRequest req;
  req.set_filter("credit_code = \"x\"");
  v1::ListGradeSuggestionsResponse resp;
  st = Call(grading_, &GradingStub::ListGradeSuggestions, "li.na", req, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << Describe(st);
  EXPECT_THAT(ViolationFields(st), ElementsAre("filter"));
  req.clear_filter();
  req.set_page_size(501);
  st = Call(grading_, &GradingStub::ListGradeSuggestions, "li.na", req, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << Describe(st);
  req.set_page_size(0);
  req.set_page_token("not-a-token");
  st = Call(grading_, &GradingStub::ListGradeSuggestions, "li.na", req, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << Describe(st);
  CSM_ASSERT_OK(Call(grading_, &GradingStub::ListGradeSuggestions, "li.na",
                     v1::ListGradeSuggestionsRequest(), &resp));
  EXPECT_THAT(resp.grade_suggestions(), IsEmpty());
}

}  // namespace
}  // namespace csm::customer::testing
