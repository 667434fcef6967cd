// The VisitService tests' fixture (visit_api_test.cc: plans and visits;
// visit_due_api_test.cc: due lists and the policy): the standard team, and
// readers of every page of a plan's visits and of a due list.
#ifndef CSM_CUSTOMER_SVC_SRC_API_VISIT_API_TEST_FIXTURE_H_
#define CSM_CUSTOMER_SVC_SRC_API_VISIT_API_TEST_FIXTURE_H_

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/personal_text.h"
#include "common/text.h"
#include "customer-svc/testing/visit_test_support.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace csm::customer::testing {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr auto kPhone = v1::VISIT_METHOD_PHONE;
constexpr auto kEmail = v1::VISIT_METHOD_EMAIL;
constexpr auto kSms = v1::VISIT_METHOD_SMS;

inline absl::CivilDay Months(absl::CivilDay day, int n) {
  return AddMonthsClamped(day, n);
}

class VisitApiTest : public VisitApiFixture {
 protected:
  void SetUp() override {
    VisitApiFixture::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_NO_FATAL_FAILURE(CreateStandardTeam());
  }

  std::vector<v1::Visit> ListVisits(const std::string& plan,
                                    int page_size = 100) {
    std::vector<v1::Visit> out;
    std::string token;
    for (int i = 0; i < 20; ++i) {
      v1::ListVisitsRequest req;
      req.set_parent(plan);
      req.set_page_size(page_size);
      req.set_page_token(token);
      v1::ListVisitsResponse resp;
      const grpc::Status s =
          Call(visits_, &VisitStub::ListVisits, "arch", req, &resp);
      EXPECT_TRUE(s.ok()) << Describe(s);
      for (const v1::Visit& v : resp.visits()) out.push_back(v);
      token = resp.next_page_token();
      if (!s.ok() || token.empty()) break;
    }
    return out;
  }

  // Plan names of every page of a due list.
  grpc::Status DuePlans(const std::string& staff, v1::ListDueVisitsRequest req,
                        std::vector<std::string>* plans, int* pages = nullptr,
                        std::vector<v1::DueVisit>* rows = nullptr) {
    plans->clear();
    if (pages != nullptr) *pages = 0;
    for (int i = 0; i < 20; ++i) {
      v1::ListDueVisitsResponse resp;
      const grpc::Status s =
          Call(visits_, &VisitStub::ListDueVisits, staff, req, &resp);
      if (!s.ok()) return s;
      if (pages != nullptr) ++*pages;
      for (const v1::DueVisit& d : resp.due_visits()) {
        plans->push_back(d.visit_plan().name());
        if (rows != nullptr) rows->push_back(d);
      }
      if (resp.next_page_token().empty()) break;
      req.set_page_token(resp.next_page_token());
    }
    return grpc::Status::OK;
  }
};

}  // namespace csm::customer::testing

#endif  // CSM_CUSTOMER_SVC_SRC_API_VISIT_API_TEST_FIXTURE_H_
