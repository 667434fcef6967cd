// CustomerService: ListCustomers, code changes, concurrent creates and
// retries, moving the primary contact.

#include "customer-svc/testing/customer_api_test_fixture.h"

namespace csm::customer::testing {
namespace {

// ------------------------------------------------------------ ListCustomers

TEST_F(CustomerApiTest, ListCustomersPagesFiltersAndOrders) {
  CreateStandardTeam();
  const std::vector<std::string> names = {"golf",    "alpha", "echo", "charlie",
                                          "foxtrot", "bravo", "delta"};
  std::vector<v1::Customer> created;
  for (size_t i = 0; i < names.size(); ++i) {
    created.push_back(MustCreate(names[i], static_cast<int64_t>(i) + 1));
  }
  ASSERT_FALSE(HasFailure());

  // Pages of 3: 3 + 3 + 1, all distinct, nothing missing.
  std::set<std::string> seen;
  std::vector<int> sizes;
  std::string token;
  std::string first_page_token;
  for (int page = 0; page < 10; ++page) {
    v1::ListCustomersResponse resp;
    CSM_ASSERT_OK(List("li.na", &resp, "", 3, token));
    sizes.push_back(resp.customers_size());
    for (const v1::Customer& c : resp.customers()) {
      EXPECT_TRUE(seen.insert(c.name()).second) << "twice: " << c.name();
      EXPECT_TRUE(c.masked());
    }
    token = resp.next_page_token();
    if (page == 0) first_page_token = token;
    if (token.empty()) break;
  }
  EXPECT_THAT(sizes, ElementsAre(3, 3, 1));
  EXPECT_EQ(seen.size(), 7u);

  v1::ListCustomersResponse resp;
  for (int32_t size : {1000, 501, -1}) {
    SCOPED_TRACE(size);
    const grpc::Status s = List("li.na", &resp, "", size);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << Describe(s);
    EXPECT_THAT(ViolationFields(s), ElementsAre("page_size"));
  }
  CSM_EXPECT_OK(List("li.na", &resp, "", 500));

  // Filters.
  v1::Customer graded;
  CSM_ASSERT_OK(
      ChangeGrade("sup", created[2].name(), v1::GRADE_A, "重点客户", &graded));
  CSM_ASSERT_OK(List("li.na", &resp, "grade = GRADE_A"));
  ASSERT_EQ(resp.customers_size(), 1);
  EXPECT_EQ(resp.customers(0).name(), created[2].name());
  CSM_ASSERT_OK(
      List("li.na", &resp, "grade = GRADE_C AND state = ARCHIVE_STATE_OPEN"));
  EXPECT_EQ(resp.customers_size(), 6);
  CSM_ASSERT_OK(List("li.na", &resp, "display_name:\"lph\""));
  ASSERT_EQ(resp.customers_size(), 1);
  EXPECT_EQ(resp.customers(0).display_name(), "alpha");
  for (const char* filter : {"grade = ", "foo = 1", "a = 1 OR b = 2",
                             "grade = GRADE_Z", "owner_id = \"li.na"}) {
    SCOPED_TRACE(filter);
    const grpc::Status s = List("li.na", &resp, filter);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << Describe(s);
    EXPECT_THAT(ViolationFields(s), ElementsAre("filter"));
  }

  // A page token belongs to its query.
  ASSERT_FALSE(first_page_token.empty());
  for (const std::string& tok : {first_page_token, std::string("garbage!")}) {
    const grpc::Status s = List("li.na", &resp, "grade = GRADE_C", 3, tok);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << Describe(s);
    EXPECT_THAT(ViolationFields(s), ElementsAre("page_token"));
  }

  // Ordered by name, across pages.
  std::vector<std::string> ordered;
  token.clear();
  for (int page = 0; page < 10; ++page) {
    CSM_ASSERT_OK(List("li.na", &resp, "", 2, token, "display_name"));
    for (const v1::Customer& c : resp.customers()) {
      ordered.push_back(c.display_name());
    }
    token = resp.next_page_token();
    if (token.empty()) break;
  }
  std::vector<std::string> sorted = names;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(ordered, sorted);
  {
    const grpc::Status s = List("li.na", &resp, "", 0, "", "owner_id");
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << Describe(s);
    EXPECT_THAT(ViolationFields(s), ElementsAre("order_by"));
  }
}

TEST_F(CustomerApiTest, ListCustomersByNamePagesThroughEqualNames) {
  CreateStandardTeam();
  std::set<std::string> created;
  for (int n = 1; n <= 5; ++n) {
    created.insert(MustCreate("同名客户", n).name());
  }
  created.insert(MustCreate("阿里", 6).name());
  ASSERT_FALSE(HasFailure());
  std::set<std::string> seen;
  std::string token;
  for (int page = 0; page < 10; ++page) {
    v1::ListCustomersResponse resp;
    CSM_ASSERT_OK(List("li.na", &resp, "", 2, token, "display_name"));
    for (const v1::Customer& c : resp.customers()) {
      EXPECT_TRUE(seen.insert(c.name()).second) << "twice: " << c.name();
    }
    token = resp.next_page_token();
    if (token.empty()) break;
  }
  EXPECT_EQ(seen, created);
}

TEST_F(CustomerApiTest, ListCustomersInFullUnmasksOnlyWhatTheCallerMaySee) {
  CreateStandardTeam();
  std::vector<v1::Customer> customers;
  for (int n = 1; n <= 3; ++n) {
    customers.push_back(MustCreate(absl::StrCat("客户", n), n));
  }
  ASSERT_FALSE(HasFailure());
  // Fair allocation gave one archive to each member.
  const std::string agent = customers[1].owner_id();

  v1::ListCustomersRequest req;
  req.set_view(v1::CUSTOMER_VIEW_FULL);
  v1::ListCustomersResponse resp;
  {
    const grpc::Status s = Call(&Stub::ListCustomers, agent, req, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << Describe(s);
    EXPECT_THAT(ViolationFields(s), ElementsAre("access_purpose"));
  }
  req.set_access_purpose("整理本人客户");
  CSM_ASSERT_OK(Call(&Stub::ListCustomers, agent, req, &resp));
  ASSERT_EQ(resp.customers_size(), 3);
  int unmasked = 0;
  for (const v1::Customer& c : resp.customers()) {
    SCOPED_TRACE(c.name());
    if (c.owner_id() == agent) {
      ++unmasked;
      EXPECT_FALSE(c.masked());
      EXPECT_TRUE(absl::StartsWith(c.credit_code(), "91330100MA"));
    } else {
      EXPECT_TRUE(c.masked());
      EXPECT_THAT(c.credit_code(), HasSubstr("****"));
      EXPECT_THAT(c.contacts(0).phones(0), HasSubstr("****"));
    }
  }
  EXPECT_EQ(unmasked, 1);

  // Exactly the unmasked archive is registered.
  v1::ListAccessRecordsResponse records;
  CSM_ASSERT_OK(AccessRecords("arch", "customers/-", &records));
  ASSERT_EQ(records.access_records_size(), 1);
  EXPECT_EQ(records.access_records(0).customer(), customers[1].name());
  EXPECT_EQ(records.access_records(0).reader().staff_id(), agent);
  EXPECT_EQ(records.access_records(0).method(), "ListCustomers");

  // The general manager asking for FULL gets masked data and no record.
  CSM_ASSERT_OK(Call(&Stub::ListCustomers, "gm", req, &resp));
  for (const v1::Customer& c : resp.customers()) EXPECT_TRUE(c.masked());
  CSM_ASSERT_OK(AccessRecords("arch", "customers/-", &records));
  EXPECT_EQ(records.access_records_size(), 1);
}

TEST_F(CustomerApiTest, CreditCodeChangeToAnotherArchivesCodeIsRefused) {
  CreateStandardTeam();
  const v1::Customer a = MustCreate("杭州云帆科技有限公司", 1);
  const v1::Customer b = MustCreate("西湖数据服务有限公司", 2);
  ASSERT_FALSE(HasFailure());

  v1::Customer patch;
  patch.set_name(b.name());
  patch.set_credit_code(absl::AsciiStrToLower(ValidUscc(1)));
  v1::Customer out;
  grpc::Status s = Update("arch", patch, {"credit_code"}, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS) << Describe(s);
  EXPECT_THAT(s.error_message(), HasSubstr(a.name()));

  patch.set_credit_code(WithWrongCheckChar(ValidUscc(3)));
  s = Update("arch", patch, {"credit_code"}, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(s);
  EXPECT_THAT(ViolationFields(s), ElementsAre("customer.credit_code"));

  patch.set_credit_code(ValidUscc(3));
  CSM_ASSERT_OK(Update("arch", patch, {"credit_code"}, &out));
  EXPECT_EQ(out.credit_code(), MaskedCode(ValidUscc(3)));
  v1::Customer got;
  CSM_ASSERT_OK(Get(b.name(), "arch", &got, v1::CUSTOMER_VIEW_FULL, "核对"));
  EXPECT_EQ(got.credit_code(), ValidUscc(3));

  // The history keeps both codes, masked by default.
  v1::ListCustomerChangesResponse changes;
  CSM_ASSERT_OK(Changes("sup", b.name(), &changes));
  const std::vector<v1::CustomerChange> updates = UpdatesIn(changes);
  ASSERT_EQ(updates.size(), 1u);
  const v1::FieldChange* code = FindField(updates[0], "credit_code");
  ASSERT_NE(code, nullptr);
  EXPECT_EQ(code->old_value(), MaskedCode(ValidUscc(2)));
  EXPECT_EQ(code->new_value(), MaskedCode(ValidUscc(3)));
}

TEST_F(CustomerApiTest, ConcurrentCreatesOfOneCodeMakeOneArchive) {
  CreateStandardTeam();
  CSM_ASSERT_OK(CreateTeam("xs-north", {"sup2"}, "销售部"));
  constexpr int kThreads = 6;
  std::vector<grpc::Status> statuses(kThreads);
  const std::string token = Token("arch");
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      v1::CreateCustomerRequest req;
      *req.mutable_customer() = NewCustomer(absl::StrCat("抢注客户", t), 1,
                                            t % 2 == 0 ? kTeam : "xs-north");
      req.mutable_customer()->mutable_contacts(0)->set_email(
          absl::StrCat("t", t, "@example.com"));
      v1::CreateCustomerResponse resp;
      auto ctx = Ctx(token, std::chrono::seconds(30));
      statuses[t] = stub_->CreateCustomer(ctx.get(), req, &resp);
    });
  }
  for (std::thread& th : threads) th.join();
  int ok = 0;
  for (const grpc::Status& s : statuses) {
    if (s.ok()) {
      ++ok;
    } else {
      EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS)
          << Describe(s);
    }
  }
  EXPECT_EQ(ok, 1);
  EXPECT_EQ(ListAll().size(), 1u);
}

TEST_F(CustomerApiTest, ConcurrentRetriesWithOneRequestIdMakeOneArchive) {
  CreateStandardTeam();
  constexpr int kThreads = 6;
  std::vector<grpc::Status> statuses(kThreads);
  std::vector<v1::CreateCustomerResponse> responses(kThreads);
  const std::string token = Token("li.na");
  v1::CreateCustomerRequest req;
  *req.mutable_customer() = NewCustomer("杭州云帆科技有限公司", 1);
  req.set_request_id("retry-storm-1");
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto ctx = Ctx(token, std::chrono::seconds(30));
      statuses[t] = stub_->CreateCustomer(ctx.get(), req, &responses[t]);
    });
  }
  for (std::thread& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) {
    SCOPED_TRACE(t);
    ASSERT_TRUE(statuses[t].ok()) << Describe(statuses[t]);
    EXPECT_EQ(responses[t].customer().name(), responses[0].customer().name());
    EXPECT_EQ(responses[t].customer().archive_number(),
              responses[0].customer().archive_number());
  }
  EXPECT_EQ(ListAll().size(), 1u);

  // Keys are per caller: another caller's same id is another request.
  v1::CreateCustomerResponse other;
  req.mutable_customer()->set_credit_code(ValidUscc(2));
  req.mutable_customer()->set_display_name("西湖数据服务有限公司");
  CSM_ASSERT_OK(Call(&Stub::CreateCustomer, "wang.fang", req, &other));
  EXPECT_NE(other.customer().name(), responses[0].customer().name());
  EXPECT_EQ(ListAll().size(), 2u);
}

TEST_F(CustomerApiTest, UpdateContactMovesPrimaryAndContactChangesBumpTheEtag) {
  CreateStandardTeam();
  const v1::Customer c = MustCreate("杭州云帆科技有限公司", 1);
  const std::string owner = c.owner_id();
  ASSERT_FALSE(HasFailure());
  const std::string first = c.contacts(0).name();

  v1::AddContactRequest add;
  add.set_parent(c.name());
  add.mutable_contact()->set_display_name("陈静");
  add.mutable_contact()->add_phones("13987654321");
  v1::Contact second;
  CSM_ASSERT_OK(Call(&Stub::AddContact, owner, add, &second));
  EXPECT_FALSE(second.primary());

  // A contact change is a change of the archive: the old etag is stale.
  v1::Customer patch;
  patch.set_name(c.name());
  patch.set_etag(c.etag());
  patch.set_industry("信息技术");
  v1::Customer out;
  CSM_EXPECT_CODE(Update(owner, patch, {"industry"}, &out),
                  grpc::StatusCode::ABORTED);

  v1::UpdateContactRequest upd;
  upd.mutable_contact()->set_name(second.name());
  upd.mutable_contact()->set_primary(true);
  upd.mutable_update_mask()->add_paths("primary");
  v1::Contact updated;
  CSM_ASSERT_OK(Call(&Stub::UpdateContact, owner, upd, &updated));
  EXPECT_TRUE(updated.primary());
  v1::Customer got;
  CSM_ASSERT_OK(Get(c.name(), owner, &got));
  for (const v1::Contact& contact : got.contacts()) {
    EXPECT_EQ(contact.primary(), contact.name() == second.name())
        << contact.name();
  }

  // Unmarking the primary would leave none.
  upd.mutable_contact()->set_primary(false);
  CSM_EXPECT_CODE(Call(&Stub::UpdateContact, owner, upd, &updated),
                  grpc::StatusCode::FAILED_PRECONDITION);
  // Bad values and paths.
  {
    v1::UpdateContactRequest bad;
    bad.mutable_contact()->set_name(second.name());
    bad.mutable_contact()->add_phones("110");
    bad.mutable_update_mask()->add_paths("phones");
    const grpc::Status s = Call(&Stub::UpdateContact, owner, bad, &updated);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << Describe(s);
    EXPECT_THAT(ViolationFields(s), ElementsAre("contact.phones[0]"));
    bad.mutable_update_mask()->set_paths(0, "name");
    const grpc::Status s2 = Call(&Stub::UpdateContact, owner, bad, &updated);
    EXPECT_EQ(s2.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << Describe(s2);
    EXPECT_THAT(ViolationFields(s2), ElementsAre("update_mask"));
  }
  // Contact etags.
  {
    std::string etag;
    for (const v1::Contact& contact : got.contacts()) {
      if (contact.name() == first) etag = contact.etag();
    }
    ASSERT_FALSE(etag.empty());
    v1::UpdateContactRequest stale;
    stale.mutable_contact()->set_name(first);
    stale.mutable_contact()->set_etag(etag);
    stale.mutable_contact()->set_title("总经理");
    stale.mutable_update_mask()->add_paths("title");
    CSM_ASSERT_OK(Call(&Stub::UpdateContact, owner, stale, &updated));
    EXPECT_EQ(updated.title(), "总经理");
    EXPECT_NE(updated.etag(), etag);
    // The same etag again is stale now.
    stale.mutable_contact()->set_title("董事长");
    CSM_EXPECT_CODE(Call(&Stub::UpdateContact, owner, stale, &updated),
                    grpc::StatusCode::ABORTED);
  }
  // Another agent may not touch the contacts.
  upd.mutable_contact()->set_primary(true);
  CSM_EXPECT_CODE(Call(&Stub::UpdateContact, OtherMember(owner), upd, &updated),
                  grpc::StatusCode::PERMISSION_DENIED);
}

}  // namespace
}  // namespace csm::customer::testing
