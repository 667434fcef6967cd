// Text limits of the records an archive keeps (text_limits_test.cc has the
// rest): grade, credit rating, owner and dealings; teams and access
// purposes; communications and promises; visit plans and visits.
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/migrations.h"
#include "common/mysql_pool.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"
#include "customer-svc/src/api/text_limits_test_fixture.h"
#include "customer-svc/src/domain/text_limits.h"
#include "customer-svc/src/store/column_limits.h"
#include "customer-svc/testing/visit_test_support.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace csm::customer::testing {
namespace {

TEST_F(TextLimitsTest, GradeCreditOwnerAndDealings) {
  int rating = 0;
  auto credit = [&](std::function<void(v1::ChangeCreditRatingRequest*,
                                       const std::string&)>
                        set) {
    return [this, set, &rating](const std::string& value) {
      static constexpr v1::CreditRating kRatings[] = {
          v1::CREDIT_RATING_AAA, v1::CREDIT_RATING_AA, v1::CREDIT_RATING_A,
          v1::CREDIT_RATING_B, v1::CREDIT_RATING_C};
      v1::ChangeCreditRatingRequest req;
      req.set_name(customer_.name());
      req.set_credit_rating(kRatings[rating++ % 5]);
      req.set_reason("年度信用评估");
      set(&req, value);
      v1::Customer resp;
      return Call(customers_, &CustomerStub::ChangeCreditRating, "arch", req,
                  &resp);
    };
  };
  auto transfer =
      [&](std::function<void(v1::TransferOwnershipRequest*, const std::string&)>
              set) {
        return [this, set](const std::string& value) {
          v1::GetCustomerRequest get;
          get.set_name(customer_.name());
          v1::Customer now;
          Call(customers_, &CustomerStub::GetCustomer, "arch", get, &now);
          v1::TransferOwnershipRequest req;
          req.set_name(customer_.name());
          req.set_team(kLongTeam);
          req.set_new_owner_id(
              now.owner_id() == "li.na" ? Wide(kMaxStaffIdLength) : "li.na");
          req.set_reason("调岗");
          set(&req, value);
          v1::Customer resp;
          return Call(customers_, &CustomerStub::TransferOwnership, "arch", req,
                      &resp);
        };
      };
  Check({
      {"reason", kMaxReasonLength,
       [this](const std::string& value) {
         v1::ChangeGradeRequest req;
         req.set_name(customer_.name());
         req.set_grade(v1::GRADE_B);
         req.set_reason(value);
         v1::Customer resp;
         return Call(customers_, &CustomerStub::ChangeGrade, "arch", req,
                     &resp);
       }},
      {"reason", kMaxReasonLength,
       credit([](v1::ChangeCreditRatingRequest* r, const std::string& v) {
         r->set_reason(v);
       })},
      {"assessment.payment_behaviour", kMaxAssessmentTextLength,
       credit([](v1::ChangeCreditRatingRequest* r, const std::string& v) {
         r->mutable_assessment()->set_payment_behaviour(v);
       })},
      {"assessment.capital", kMaxAssessmentTextLength,
       credit([](v1::ChangeCreditRatingRequest* r, const std::string& v) {
         r->mutable_assessment()->set_capital(v);
       })},
      {"assessment.operating_status", kMaxAssessmentTextLength,
       credit([](v1::ChangeCreditRatingRequest* r, const std::string& v) {
         r->mutable_assessment()->set_operating_status(v);
       })},
      {"new_owner_id", kMaxStaffIdLength,
       transfer([](v1::TransferOwnershipRequest* r, const std::string& v) {
         r->set_new_owner_id(v);
       })},
      {"reason", kMaxReasonLength,
       transfer([](v1::TransferOwnershipRequest* r, const std::string& v) {
         r->set_reason(v);
       })},
      {"team", kMaxTeamIdLength,
       transfer([](v1::TransferOwnershipRequest* r, const std::string& v) {
         r->set_team(v);
       }),
       Ascii},
      {"dealing.note", kMaxDealingNoteLength,
       [this](const std::string& value) {
         v1::RecordDealingRequest req;
         req.set_parent(customer_.name());
         req.mutable_dealing()->set_kind(v1::DEALING_KIND_SALE);
         *req.mutable_dealing()->mutable_deal_date() = ProtoDay(Today());
         req.mutable_dealing()->set_amount_fen(100);
         req.mutable_dealing()->set_note(value);
         v1::Dealing resp;
         return Call(customers_, &CustomerStub::RecordDealing, "arch", req,
                     &resp);
       }},
  });
}

TEST_F(TextLimitsTest, TeamsAndAccessPurposes) {
  auto create =
      [&](std::function<void(v1::CreateTeamRequest*, const std::string&)> set) {
        return [this, set](const std::string& value) {
          v1::CreateTeamRequest req;
          req.set_team_id(absl::StrCat("t-", ++next_));
          req.mutable_team()->set_display_name("新团队");
          req.mutable_team()->set_department("客服部");
          set(&req, value);
          v1::Team resp;
          return Call(customers_, &CustomerStub::CreateTeam, "arch", req,
                      &resp);
        };
      };
  auto update = [&](const std::string& path,
                    std::function<void(v1::Team*, const std::string&)> set) {
    return [this, path, set](const std::string& value) {
      v1::UpdateTeamRequest req;
      req.mutable_team()->set_name(absl::StrCat("teams/", kTeam));
      set(req.mutable_team(), value);
      req.mutable_update_mask()->add_paths(path);
      v1::Team resp;
      return Call(customers_, &CustomerStub::UpdateTeam, "arch", req, &resp);
    };
  };
  auto name = [](v1::Team* t, const std::string& v) { t->set_display_name(v); };
  auto department = [](v1::Team* t, const std::string& v) {
    t->set_department(v);
  };
  auto member = [](v1::Team* t, const std::string& v) {
    t->clear_member_ids();
    t->add_member_ids("li.na");
    t->add_member_ids(v);
  };
  Check({
      {"team_id", kMaxTeamIdLength,
       [this](const std::string& value) {
         v1::CreateTeamRequest req;
         req.set_team_id(
             absl::StrCat(value.substr(0, value.size() - 4), 1000 + ++next_));
         req.mutable_team()->set_display_name("新团队");
         req.mutable_team()->set_department("客服部");
         v1::Team resp;
         return Call(customers_, &CustomerStub::CreateTeam, "arch", req, &resp);
       },
       [](size_t n) { return std::string(n, 'b'); }},
      {"team.display_name", kMaxDisplayNameLength,
       create([&](v1::CreateTeamRequest* r, const std::string& v) {
         name(r->mutable_team(), v);
       })},
      {"team.department", kMaxDepartmentLength,
       create([&](v1::CreateTeamRequest* r, const std::string& v) {
         department(r->mutable_team(), v);
       })},
      {"team.member_ids[1]", kMaxStaffIdLength,
       create([&](v1::CreateTeamRequest* r, const std::string& v) {
         member(r->mutable_team(), v);
       })},
      {"team.display_name", kMaxDisplayNameLength,
       update("display_name", name)},
      {"team.department", kMaxDepartmentLength,
       update("department", department)},
      {"team.member_ids[1]", kMaxStaffIdLength, update("member_ids", member)},
      {"access_purpose", kMaxAccessPurposeLength,
       [this](const std::string& value) {
         v1::GetCustomerRequest req;
         req.set_name(customer_.name());
         req.set_view(v1::CUSTOMER_VIEW_FULL);
         req.set_access_purpose(value);
         v1::Customer resp;
         return Call(customers_, &CustomerStub::GetCustomer, "arch", req,
                     &resp);
       }},
      {"access_purpose", kMaxAccessPurposeLength,
       [this](const std::string& value) {
         v1::ListCustomersRequest req;
         req.set_view(v1::CUSTOMER_VIEW_FULL);
         req.set_access_purpose(value);
         v1::ListCustomersResponse resp;
         return Call(customers_, &CustomerStub::ListCustomers, "arch", req,
                     &resp);
       }},
      {"access_purpose", kMaxAccessPurposeLength,
       [this](const std::string& value) {
         v1::ListCustomerChangesRequest req;
         req.set_parent(customer_.name());
         req.set_view(v1::CUSTOMER_VIEW_FULL);
         req.set_access_purpose(value);
         v1::ListCustomerChangesResponse resp;
         return Call(customers_, &CustomerStub::ListCustomerChanges, "arch",
                     req, &resp);
       }},
  });
}

TEST_F(TextLimitsTest, CommunicationsAndPromises) {
  auto record =
      [&](std::function<void(v1::Communication*, const std::string&)> set) {
        return [this, set](const std::string& value) {
          v1::RecordCommunicationRequest req;
          req.set_parent(customer_.name());
          v1::Communication* c = req.mutable_communication();
          c->set_channel(v1::COMMUNICATION_CHANNEL_PHONE);
          c->mutable_contact_time()->set_seconds(
              absl::ToUnixSeconds(clock_.Now()));
          c->set_summary("客户来电咨询");
          set(c, value);
          v1::Communication resp;
          return Call(communications_, &CommunicationStub::RecordCommunication,
                      "arch", req, &resp);
        };
      };
  // A promise to keep.
  v1::Communication promised;
  {
    v1::RecordCommunicationRequest req;
    req.set_parent(customer_.name());
    v1::Communication* c = req.mutable_communication();
    c->set_channel(v1::COMMUNICATION_CHANNEL_PHONE);
    c->mutable_contact_time()->set_seconds(absl::ToUnixSeconds(clock_.Now()));
    c->set_summary("客户报修");
    c->mutable_promise()->set_description("三天内上门");
    c->mutable_promise()->set_within_days(3);
    CSM_ASSERT_OK(Call(communications_, &CommunicationStub::RecordCommunication,
                       "arch", req, &promised));
  }
  Check({
      {"communication.summary", kMaxRecordTextLength,
       record([](v1::Communication* c, const std::string& v) {
         c->set_summary(v);
       })},
      {"communication.customer_requests", kMaxRecordTextLength,
       record([](v1::Communication* c, const std::string& v) {
         c->set_customer_requests(v);
       })},
      {"communication.promise.description", kMaxRecordTextLength,
       record([](v1::Communication* c, const std::string& v) {
         c->mutable_promise()->set_description(v);
         c->mutable_promise()->set_within_days(3);
       })},
      {"communication.staff_id", kMaxStaffIdLength,
       record([](v1::Communication* c, const std::string& v) {
         c->set_staff_id(v);
       })},
      {"note", kMaxRecordTextLength,
       [&](const std::string& value) {
         v1::KeepPromiseRequest req;
         req.set_name(promised.name());
         req.set_note(value);
         v1::Communication resp;
         return Call(communications_, &CommunicationStub::KeepPromise, "arch",
                     req, &resp);
       }},
  });
}

TEST_F(TextLimitsTest, VisitPlansAndVisits) {
  const v1::VisitPlan plan = MustCreatePlan(customer_.name(), Today() - 40);
  const v1::VisitPlan to_close = MustCreatePlan(customer_.name(), Today() - 40);
  ASSERT_FALSE(HasFailure());
  auto visit = [&](std::function<void(v1::Visit*, const std::string&)> set) {
    return [this, set, &plan](const std::string& value) {
      v1::RecordVisitRequest req =
          VisitRequest(plan.name(), v1::VISIT_METHOD_PHONE, Today());
      set(req.mutable_visit(), value);
      v1::RecordVisitResponse resp;
      return RecordVisit("arch", req, &resp);
    };
  };
  Check({
      {"visit_plan.project", kMaxProjectLength,
       [this](const std::string& value) {
         v1::VisitPlan out;
         return CreatePlan("arch", customer_.name(), Today() - 10, &out, value);
       }},
      {"reason", kMaxReasonLength,
       [&](const std::string& value) {
         v1::CloseVisitPlanRequest req;
         req.set_name(to_close.name());
         req.set_reason(value);
         v1::VisitPlan out;
         return Call(visits_, &VisitStub::CloseVisitPlan, "arch", req, &out);
       }},
      {"visit.customer_opinions", kMaxRecordTextLength,
       visit([](v1::Visit* v, const std::string& s) {
         v->set_customer_opinions(s);
       })},
      {"visit.customer_requests", kMaxRecordTextLength,
       visit([](v1::Visit* v, const std::string& s) {
         v->set_customer_requests(s);
       })},
      {"visit.countermeasures", kMaxRecordTextLength,
       visit([](v1::Visit* v, const std::string& s) {
         v->set_countermeasures(s);
       })},
      {"visit.next_action", kMaxRecordTextLength,
       visit(
           [](v1::Visit* v, const std::string& s) { v->set_next_action(s); })},
  });
}

}  // namespace
}  // namespace csm::customer::testing
