// Every text field of every customer-svc write, at its limit and one past
// it, through real gRPC against the fixture's MariaDB: the limit itself
// succeeds in four-byte characters ("𠀀", U+20000: four bytes in utf8mb4),
// one more character is INVALID_ARGUMENT with a violation on the field and
// writes nothing. And the schema: every text column holds the limit that
// validation accepts (domain/text_limits.h, store/column_limits.cc).

#include "customer-svc/src/domain/text_limits.h"

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
#include "customer-svc/src/store/column_limits.h"
#include "customer-svc/testing/visit_test_support.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace csm::customer::testing {
namespace {

using ::testing::Contains;

// n characters of four bytes each.
std::string Wide(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += "𠀀";
  return out;
}

std::string Ascii(size_t n) { return std::string(n, 'a'); }

// A valid mobile padded with spaces (allowed anywhere) to n characters.
std::string PhoneOf(size_t n) {
  std::string phone = "139 0000 1111";
  phone.resize(n, ' ');
  return phone;
}

// A valid address of n characters for 193 < n < 260 (local part 64, labels
// of at most 63).
std::string EmailOf(size_t n) {
  return absl::StrCat(std::string(64, 'x'), "@", std::string(63, 'b'), ".",
                      std::string(63, 'c'), ".", std::string(n - 197, 'd'),
                      ".com");
}

struct LimitCase {
  std::string field;  // the violation's field path
  size_t limit;
  std::function<grpc::Status(const std::string& value)> call;
  std::function<std::string(size_t)> text = Wide;
};

class TextLimitsTest : public VisitApiFixture {
 protected:
  void SetUp() override {
    VisitApiFixture::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_NO_FATAL_FAILURE(CreateStandardTeam());
    // A team with the longest id and a member with the longest staff id.
    v1::CreateTeamRequest team;
    team.set_team_id(kLongTeam);
    team.mutable_team()->set_display_name("最长的团队");
    team.mutable_team()->set_department("客服部");
    team.mutable_team()->add_member_ids("li.na");
    team.mutable_team()->add_member_ids(Wide(kMaxStaffIdLength));
    v1::Team out;
    const grpc::Status s =
        Call(customers_, &CustomerStub::CreateTeam, "arch", team, &out);
    ASSERT_TRUE(s.ok()) << Describe(s);
    customer_ = MustCreateCustomer("限长客户", 1, "li.na");
    ASSERT_FALSE(HasFailure());
  }

  // Rows of every table of the test database: "nothing written" exactly.
  std::map<std::string, int64_t> RowCounts() {
    std::map<std::string, int64_t> out;
    const absl::Status s = RunWithConnection(
        *pool_, absl::Now() + absl::Seconds(10),
        [&](MysqlConnection& conn) -> absl::Status {
          std::unique_ptr<sql::ResultSet> tables(
              conn.Prepare("SELECT table_name FROM information_schema.tables "
                           "WHERE table_schema = DATABASE()")
                  .executeQuery());
          std::vector<std::string> names;
          while (tables->next()) names.push_back(tables->getString(1));
          tables.reset();
          for (const std::string& t : names) {
            std::unique_ptr<sql::ResultSet> rs(
                conn.Prepare(absl::StrCat("SELECT COUNT(*) FROM `", t, "`"))
                    .executeQuery());
            rs->next();
            out[t] = rs->getInt64(1);
          }
          return absl::OkStatus();
        });
    EXPECT_TRUE(s.ok()) << s;
    return out;
  }

  void Check(const std::vector<LimitCase>& cases) {
    for (const LimitCase& c : cases) {
      SCOPED_TRACE(absl::StrCat(c.field, " (limit ", c.limit, ")"));
      const std::map<std::string, int64_t> before = RowCounts();
      const grpc::Status over = c.call(c.text(c.limit + 1));
      EXPECT_EQ(over.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
          << Describe(over);
      EXPECT_THAT(ViolationFields(over), Contains(c.field)) << Describe(over);
      EXPECT_EQ(RowCounts(), before) << "a refused call wrote something";
      const grpc::Status at = c.call(c.text(c.limit));
      EXPECT_TRUE(at.ok()) << Describe(at);
    }
  }

  static constexpr char kLongTeam[] =
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  static_assert(sizeof(kLongTeam) - 1 == kMaxTeamIdLength);

  v1::Customer customer_;
  int next_ = 100;  // credit codes, team ids: unique per call
};

TEST_F(TextLimitsTest, CreateCustomer) {
  using Set = std::function<void(v1::Customer*, const std::string&)>;
  auto create = [&](Set set) {
    return [this, set](const std::string& value) {
      v1::CreateCustomerRequest req;
      *req.mutable_customer() = NewCustomer("新客户", ++next_);
      set(req.mutable_customer(), value);
      v1::CreateCustomerResponse resp;
      return Call(customers_, &CustomerStub::CreateCustomer, "arch", req,
                  &resp);
    };
  };
  Check({
      {"customer.display_name", kMaxDisplayNameLength,
       create([](v1::Customer* c, const std::string& v) {
         c->set_display_name(v);
       })},
      {"customer.province", kMaxRegionLength,
       create(
           [](v1::Customer* c, const std::string& v) { c->set_province(v); })},
      {"customer.city", kMaxRegionLength,
       create([](v1::Customer* c, const std::string& v) { c->set_city(v); })},
      {"customer.industry", kMaxTextLength,
       create(
           [](v1::Customer* c, const std::string& v) { c->set_industry(v); })},
      {"customer.address", kMaxAddressLength,
       create(
           [](v1::Customer* c, const std::string& v) { c->set_address(v); })},
      {"customer.legal_representative", kMaxTextLength,
       create([](v1::Customer* c, const std::string& v) {
         c->set_legal_representative(v);
       })},
      {"customer.business_scope", kMaxBusinessScopeLength,
       create([](v1::Customer* c, const std::string& v) {
         c->set_business_scope(v);
       })},
      {"customer.company_size", kMaxTextLength,
       create([](v1::Customer* c, const std::string& v) {
         c->set_company_size(v);
       })},
      {"customer.owner_id", kMaxStaffIdLength,
       create([](v1::Customer* c, const std::string& v) {
         c->set_team(kLongTeam);
         c->set_owner_id(v);
       })},
      {"customer.team", kMaxTeamIdLength,
       create([](v1::Customer* c, const std::string& v) { c->set_team(v); }),
       Ascii},
      {"customer.contacts[0].display_name", kMaxContactNameLength,
       create([](v1::Customer* c, const std::string& v) {
         c->mutable_contacts(0)->set_display_name(v);
       })},
      {"customer.contacts[0].title", kMaxContactTitleLength,
       create([](v1::Customer* c, const std::string& v) {
         c->mutable_contacts(0)->set_title(v);
       })},
      {"customer.contacts[0].phones[0]", kMaxPhoneLength,
       create([](v1::Customer* c, const std::string& v) {
         c->mutable_contacts(0)->set_phones(0, v);
       }),
       PhoneOf},
      {"customer.contacts[0].email", kMaxEmailLength,
       create([](v1::Customer* c, const std::string& v) {
         c->mutable_contacts(0)->set_email(v);
       }),
       EmailOf},
  });
}

TEST_F(TextLimitsTest, UpdateCustomerCloseAndReopen) {
  auto update =
      [&](const std::string& path,
          std::function<void(v1::Customer*, const std::string&)> set) {
        return [this, path, set](const std::string& value) {
          v1::UpdateCustomerRequest req;
          req.mutable_customer()->set_name(customer_.name());
          set(req.mutable_customer(), value);
          req.mutable_update_mask()->add_paths(path);
          v1::Customer resp;
          return Call(customers_, &CustomerStub::UpdateCustomer, "arch", req,
                      &resp);
        };
      };
  auto state = [&](bool close) {
    return [this, close](const std::string& value) {
      v1::Customer resp;
      if (close) {
        v1::CloseCustomerRequest req;
        req.set_name(customer_.name());
        req.set_reason(value);
        return Call(customers_, &CustomerStub::CloseCustomer, "arch", req,
                    &resp);
      }
      v1::ReopenCustomerRequest req;
      req.set_name(customer_.name());
      req.set_reason(value);
      return Call(customers_, &CustomerStub::ReopenCustomer, "arch", req,
                  &resp);
    };
  };
  Check({
      {"customer.display_name", kMaxDisplayNameLength,
       update("display_name",
              [](v1::Customer* c, const std::string& v) {
                c->set_display_name(v);
              })},
      {"customer.province", kMaxRegionLength,
       update("province", [](v1::Customer* c,
                             const std::string& v) { c->set_province(v); })},
      {"customer.city", kMaxRegionLength,
       update("city",
              [](v1::Customer* c, const std::string& v) { c->set_city(v); })},
      {"customer.industry", kMaxTextLength,
       update("industry", [](v1::Customer* c,
                             const std::string& v) { c->set_industry(v); })},
      {"customer.address", kMaxAddressLength,
       update("address", [](v1::Customer* c,
                            const std::string& v) { c->set_address(v); })},
      {"customer.legal_representative", kMaxTextLength,
       update("legal_representative",
              [](v1::Customer* c, const std::string& v) {
                c->set_legal_representative(v);
              })},
      {"customer.business_scope", kMaxBusinessScopeLength,
       update("business_scope",
              [](v1::Customer* c, const std::string& v) {
                c->set_business_scope(v);
              })},
      {"customer.company_size", kMaxTextLength,
       update("company_size",
              [](v1::Customer* c, const std::string& v) {
                c->set_company_size(v);
              })},
      {"reason", kMaxReasonLength, state(true)},
      {"reason", kMaxReasonLength, state(false)},
  });
}

TEST_F(TextLimitsTest, Contacts) {
  auto add = [&](std::function<void(v1::Contact*, const std::string&)> set) {
    return [this, set](const std::string& value) {
      v1::AddContactRequest req;
      req.set_parent(customer_.name());
      req.mutable_contact()->set_display_name("陈静");
      req.mutable_contact()->add_phones("13987654321");
      set(req.mutable_contact(), value);
      v1::Contact resp;
      return Call(customers_, &CustomerStub::AddContact, "arch", req, &resp);
    };
  };
  auto update = [&](const std::string& path,
                    std::function<void(v1::Contact*, const std::string&)> set) {
    return [this, path, set](const std::string& value) {
      v1::UpdateContactRequest req;
      req.mutable_contact()->set_name(customer_.contacts(0).name());
      set(req.mutable_contact(), value);
      req.mutable_update_mask()->add_paths(path);
      v1::Contact resp;
      return Call(customers_, &CustomerStub::UpdateContact, "arch", req, &resp);
    };
  };
  auto name = [](v1::Contact* c, const std::string& v) {
    c->set_display_name(v);
  };
  auto title = [](v1::Contact* c, const std::string& v) { c->set_title(v); };
  auto phone = [](v1::Contact* c, const std::string& v) {
    c->clear_phones();
    c->add_phones(v);
  };
  auto email = [](v1::Contact* c, const std::string& v) { c->set_email(v); };
  Check({
      {"contact.display_name", kMaxContactNameLength, add(name)},
      {"contact.title", kMaxContactTitleLength, add(title)},
      {"contact.phones[0]", kMaxPhoneLength, add(phone), PhoneOf},
      {"contact.email", kMaxEmailLength, add(email), EmailOf},
      {"contact.display_name", kMaxContactNameLength,
       update("display_name", name)},
      {"contact.title", kMaxContactTitleLength, update("title", title)},
      {"contact.phones[0]", kMaxPhoneLength, update("phones", phone), PhoneOf},
      {"contact.email", kMaxEmailLength, update("email", email), EmailOf},
  });
}

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

// The schema side of the one source of truth: every text column of the
// tables customer-svc's migrations create is bound to a limit, and holds it
// in utf8mb4.
TEST_F(TextLimitsTest, EveryTextColumnHoldsItsLimitInUtf8mb4) {
  // The common tables (outbox, idempotency, migrations) are common's own.
  std::set<std::string> common_tables;
  {
    auto db = csm::testing::TestDatabase::Create();
    ASSERT_TRUE(db.ok()) << db.status();
    auto pool = MysqlPool::Create((*db)->options());
    ASSERT_TRUE(pool.ok()) << pool.status();
    ASSERT_TRUE(ApplyMigrations(**pool, csm_common_schema_migrations()).ok());
    ASSERT_TRUE(
        RunWithConnection(**pool, absl::Now() + absl::Seconds(10),
                          [&](MysqlConnection& conn) -> absl::Status {
                            std::unique_ptr<sql::ResultSet> rs(
                                conn.Prepare("SELECT table_name FROM "
                                             "information_schema.tables WHERE "
                                             "table_schema = DATABASE()")
                                    .executeQuery());
                            while (rs->next())
                              common_tables.insert(rs->getString(1));
                            return absl::OkStatus();
                          })
            .ok());
  }
  ASSERT_FALSE(common_tables.empty());

  std::map<std::pair<std::string, std::string>, size_t> limits;
  for (const ColumnLimit& c : TextColumnLimits()) {
    EXPECT_TRUE(limits
                    .emplace(std::make_pair(std::string(c.table),
                                            std::string(c.column)),
                             c.max_chars)
                    .second)
        << c.table << "." << c.column << " is listed twice";
  }
  std::set<std::pair<std::string, std::string>> seen;
  const absl::Status s = RunWithConnection(
      *pool_, absl::Now() + absl::Seconds(10),
      [&](MysqlConnection& conn) -> absl::Status {
        std::unique_ptr<sql::ResultSet> rs(
            conn.Prepare(
                    "SELECT table_name, column_name, data_type, "
                    "character_maximum_length, character_octet_length, "
                    "character_set_name FROM information_schema.columns "
                    "WHERE table_schema = DATABASE() AND data_type IN "
                    "('char', 'varchar', 'tinytext', 'text', 'mediumtext', "
                    "'longtext')")
                .executeQuery());
        while (rs->next()) {
          const std::string table = rs->getString(1);
          if (common_tables.contains(table)) continue;
          const std::string column = rs->getString(2);
          const std::string type = rs->getString(3);
          SCOPED_TRACE(absl::StrCat(table, ".", column, " ", type));
          seen.insert({table, column});
          auto it = limits.find({table, column});
          if (it == limits.end()) {
            ADD_FAILURE() << "not in TextColumnLimits(): bind it to its limit";
            continue;
          }
          EXPECT_EQ(rs->getString(6), "utf8mb4");
          if (type == "char" || type == "varchar") {
            EXPECT_GE(rs->getInt64(4), static_cast<int64_t>(it->second));
          } else {
            EXPECT_GE(rs->getInt64(5), static_cast<int64_t>(4 * it->second));
          }
        }
        return absl::OkStatus();
      });
  ASSERT_TRUE(s.ok()) << s;
  for (const auto& [key, limit] : limits) {
    EXPECT_TRUE(seen.contains(key))
        << key.first << "." << key.second << " is listed but not in the schema";
  }
}

}  // namespace
}  // namespace csm::customer::testing
