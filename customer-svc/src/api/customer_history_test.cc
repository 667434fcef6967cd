// CustomerService: the access register, grade and credit history,
// allocation and transfers of ownership, dealings.

#include "customer-svc/testing/customer_api_test_fixture.h"

namespace csm::customer::testing {
namespace {

// ------------------------------------------------- masking and the register

TEST_F(CustomerApiTest, FullViewPerRoleAndTheAccessRegister) {
  CreateStandardTeam();
  v1::Customer input = NewCustomer("杭州云帆科技有限公司", 1);
  input.mutable_contacts(0)->clear_phones();
  input.mutable_contacts(0)->add_phones("13812345678");
  input.set_address(kAddress);
  v1::CreateCustomerResponse created;
  CSM_ASSERT_OK(Create(input, "arch", &created));
  const v1::Customer& c = created.customer();
  const std::string owner = c.owner_id();
  const std::string other_agent = OtherMember(owner);
  constexpr char kPurpose[] = "电话回访需要联系方式";

  // Masked reads by everyone, registering nothing.
  for (const std::string& staff :
       {owner, other_agent, std::string("sup"), std::string("sup2"),
        std::string("gm"), std::string("arch"), std::string("reporting-svc")}) {
    SCOPED_TRACE(staff);
    v1::Customer got;
    CSM_ASSERT_OK(Get(c.name(), staff, &got, v1::CUSTOMER_VIEW_MASKED));
    EXPECT_TRUE(got.masked());
    EXPECT_THAT(got.contacts(0).phones(), ElementsAre("138****5678"));
    EXPECT_EQ(got.credit_code(), MaskedCode(ValidUscc(1)));
    EXPECT_NE(got.address(), kAddress);
  }
  v1::ListAccessRecordsResponse records;
  CSM_ASSERT_OK(AccessRecords("arch", "customers/-", &records));
  EXPECT_THAT(records.access_records(), IsEmpty());

  // FULL without a purpose.
  {
    v1::Customer got;
    const grpc::Status s = Get(c.name(), owner, &got, v1::CUSTOMER_VIEW_FULL);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << Describe(s);
    EXPECT_THAT(ViolationFields(s), ElementsAre("access_purpose"));
  }

  struct Expectation {
    std::string staff;
    bool allowed;
  };
  const std::vector<Expectation> expectations = {
      {owner, true},        {"sup", true},  {"sup2", false},
      {other_agent, false}, {"arch", true}, {"reporting-svc", true},
      {"gm", false},
  };
  std::vector<std::string> readers;
  for (const Expectation& e : expectations) {
    SCOPED_TRACE(e.staff);
    v1::Customer got;
    const grpc::Status s =
        Get(c.name(), e.staff, &got, v1::CUSTOMER_VIEW_FULL, kPurpose);
    if (!e.allowed) {
      EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED)
          << Describe(s);
      continue;
    }
    ASSERT_TRUE(s.ok()) << Describe(s);
    readers.push_back(e.staff);
    EXPECT_FALSE(got.masked());
    EXPECT_THAT(got.contacts(0).phones(), ElementsAre("13812345678"));
    EXPECT_EQ(got.contacts(0).email(), input.contacts(0).email());
    EXPECT_EQ(got.credit_code(), ValidUscc(1));
    EXPECT_EQ(got.address(), kAddress);
  }

  // One record per successful FULL read, none for the refused ones.
  CSM_ASSERT_OK(AccessRecords("arch", "customers/-", &records));
  std::vector<std::string> recorded;
  for (const v1::AccessRecord& r : records.access_records()) {
    recorded.push_back(r.reader().staff_id());
    EXPECT_EQ(r.customer(), c.name());
    EXPECT_EQ(r.purpose(), kPurpose);
    EXPECT_EQ(r.method(), "GetCustomer");
    EXPECT_TRUE(r.has_access_time());
  }
  EXPECT_THAT(recorded, UnorderedElementsAreArray(readers));

  // Per archive, and by reader.
  CSM_ASSERT_OK(AccessRecords("arch", c.name(), &records));
  EXPECT_EQ(records.access_records_size(), static_cast<int>(readers.size()));
  CSM_ASSERT_OK(AccessRecords("arch", "customers/-", &records,
                              absl::StrCat("reader_id = \"", owner, "\"")));
  ASSERT_EQ(records.access_records_size(), 1);
  EXPECT_EQ(records.access_records(0).reader().staff_id(), owner);
  EXPECT_EQ(records.access_records(0).reader().department(), "客服部");

  // The register is the archivists' alone.
  for (const std::string& staff : {owner, std::string("sup"), std::string("gm"),
                                   std::string("reporting-svc")}) {
    SCOPED_TRACE(staff);
    CSM_EXPECT_CODE(AccessRecords(staff, "customers/-", &records),
                    grpc::StatusCode::PERMISSION_DENIED);
  }
}

// ------------------------------------------------------------ grade, credit

TEST_F(CustomerApiTest, GradeAndCreditRatingKeepTheirHistory) {
  CreateStandardTeam();
  const v1::Customer c = MustCreate("杭州云帆科技有限公司", 1);
  const std::string owner = c.owner_id();
  constexpr char kReason[] = "需求明确，预计一个月内签约";

  const absl::Time before = absl::Now() - absl::Seconds(1);
  v1::Customer out;
  CSM_ASSERT_OK(ChangeGrade(owner, c.name(), v1::GRADE_A, kReason, &out));
  EXPECT_EQ(out.grade(), v1::GRADE_A);
  EXPECT_NE(out.etag(), c.etag());

  v1::ListGradeChangesRequest greq;
  greq.set_parent(c.name());
  v1::ListGradeChangesResponse grades;
  CSM_ASSERT_OK(Call(&Stub::ListGradeChanges, "sup", greq, &grades));
  ASSERT_EQ(grades.grade_changes_size(), 1);
  const v1::GradeChange& g = grades.grade_changes(0);
  EXPECT_EQ(g.from_grade(), v1::GRADE_C);
  EXPECT_EQ(g.to_grade(), v1::GRADE_A);
  EXPECT_EQ(g.reason(), kReason);
  EXPECT_EQ(g.actor().staff_id(), owner);
  EXPECT_GE(TimeOf(g.change_time()), before);
  EXPECT_LE(TimeOf(g.change_time()), absl::Now() + absl::Seconds(1));

  CSM_EXPECT_CODE(ChangeGrade(owner, c.name(), v1::GRADE_A, kReason, &out),
                  grpc::StatusCode::FAILED_PRECONDITION);
  {
    const grpc::Status s = ChangeGrade(owner, c.name(), v1::GRADE_B, "", &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << Describe(s);
    EXPECT_THAT(ViolationFields(s), ElementsAre("reason"));
  }
  {
    const grpc::Status s =
        ChangeGrade(owner, c.name(), v1::GRADE_UNSPECIFIED, kReason, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << Describe(s);
    EXPECT_THAT(ViolationFields(s), ElementsAre("grade"));
  }
  CSM_EXPECT_CODE(
      ChangeGrade(OtherMember(owner), c.name(), v1::GRADE_B, kReason, &out),
      grpc::StatusCode::PERMISSION_DENIED);
  CSM_ASSERT_OK(Call(&Stub::ListGradeChanges, "sup", greq, &grades));
  EXPECT_EQ(grades.grade_changes_size(), 1);

  // Credit rating: above the owner.
  v1::ChangeCreditRatingRequest creq;
  creq.set_name(c.name());
  creq.set_credit_rating(v1::CREDIT_RATING_AA);
  creq.set_reason("年度信用评估");
  creq.mutable_assessment()->set_payment_behaviour("近12个月按时付款");
  creq.mutable_assessment()->set_capital("注册资本5000万元");
  creq.mutable_assessment()->set_operating_status("经营正常");
  CSM_EXPECT_CODE(Call(&Stub::ChangeCreditRating, owner, creq, &out),
                  grpc::StatusCode::PERMISSION_DENIED);
  CSM_EXPECT_CODE(Call(&Stub::ChangeCreditRating, "sup2", creq, &out),
                  grpc::StatusCode::PERMISSION_DENIED);
  CSM_ASSERT_OK(Call(&Stub::ChangeCreditRating, "sup", creq, &out));
  EXPECT_EQ(out.credit_rating(), v1::CREDIT_RATING_AA);

  v1::ListCreditRatingChangesRequest lreq;
  lreq.set_parent(c.name());
  v1::ListCreditRatingChangesResponse ratings;
  CSM_ASSERT_OK(Call(&Stub::ListCreditRatingChanges, owner, lreq, &ratings));
  ASSERT_EQ(ratings.credit_rating_changes_size(), 1);
  const v1::CreditRatingChange& r = ratings.credit_rating_changes(0);
  EXPECT_EQ(r.from_rating(), v1::CREDIT_RATING_UNSPECIFIED);
  EXPECT_EQ(r.to_rating(), v1::CREDIT_RATING_AA);
  EXPECT_EQ(r.reason(), "年度信用评估");
  EXPECT_EQ(r.assessment().payment_behaviour(), "近12个月按时付款");
  EXPECT_EQ(r.assessment().capital(), "注册资本5000万元");
  EXPECT_EQ(r.assessment().operating_status(), "经营正常");
  EXPECT_EQ(r.actor().staff_id(), "sup");
  EXPECT_TRUE(r.has_change_time());
}

// --------------------------------------------------------------- allocation

TEST_F(CustomerApiTest, ConcurrentCreatesAreAllocatedEvenly) {
  CreateStandardTeam();
  constexpr int kThreads = 6;
  constexpr int kPerThread = 5;
  std::vector<grpc::Status> statuses(kThreads * kPerThread);
  const std::string token = Token("sup");
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const int n = 100 + t * kPerThread + i;
        v1::CreateCustomerRequest req;
        *req.mutable_customer() =
            NewCustomer(absl::StrCat("并发客户", n, "号"), n);
        v1::CreateCustomerResponse resp;
        auto ctx = Ctx(token, std::chrono::seconds(30));
        statuses[t * kPerThread + i] =
            stub_->CreateCustomer(ctx.get(), req, &resp);
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (const grpc::Status& s : statuses) {
    EXPECT_TRUE(s.ok()) << Describe(s);
  }

  EXPECT_EQ(ListAll().size(), 30u);
  for (const std::string& member : TeamMembers()) {
    SCOPED_TRACE(member);
    const std::vector<v1::Customer> owned =
        ListAll(absl::StrCat("owner_id = \"", member, "\""));
    EXPECT_EQ(owned.size(), 10u);
    for (const v1::Customer& c : owned) EXPECT_EQ(c.owner_id(), member);
  }
}

TEST_F(CustomerApiTest, OwnerChoiceAtCreation) {
  CreateStandardTeam();
  CSM_ASSERT_OK(CreateTeam("empty-team", {}));

  v1::Customer c = NewCustomer("杭州云帆科技有限公司", 1);
  c.set_owner_id("wang.fang");
  v1::CreateCustomerResponse resp;
  // Agents may not pick owners (抢客), not even themselves.
  CSM_EXPECT_CODE(Create(c, "wang.fang", &resp),
                  grpc::StatusCode::PERMISSION_DENIED);
  // A supervisor may place it deliberately, within the team only.
  c.set_owner_id("sup2");
  CSM_EXPECT_CODE(Create(c, "sup", &resp),
                  grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(ListAll(), IsEmpty());
  c.set_owner_id("zhao.lei");
  CSM_ASSERT_OK(Create(c, "sup", &resp));
  EXPECT_EQ(resp.customer().owner_id(), "zhao.lei");

  // A team without members cannot take new archives.
  v1::Customer e = NewCustomer("西湖数据服务有限公司", 2, "empty-team");
  CSM_EXPECT_CODE(Create(e, "arch", &resp),
                  grpc::StatusCode::FAILED_PRECONDITION);
  // Nor can a team that does not exist.
  v1::Customer missing = NewCustomer("钱塘物流有限公司", 3, "no-such-team");
  const grpc::Status s = Create(missing, "arch", &resp);
  EXPECT_TRUE(s.error_code() == grpc::StatusCode::NOT_FOUND ||
              s.error_code() == grpc::StatusCode::FAILED_PRECONDITION)
      << Describe(s);
  EXPECT_EQ(ListAll().size(), 1u);
}

TEST_F(CustomerApiTest, TransferOfOwnershipKeepsHistory) {
  CreateStandardTeam();
  const v1::Customer c = MustCreate("杭州云帆科技有限公司", 1);
  const std::string owner = c.owner_id();
  const std::string next = OtherMember(owner);

  v1::TransferOwnershipRequest req;
  req.set_name(c.name());
  req.set_new_owner_id(next);
  req.set_reason("原客户经理调岗");
  v1::Customer out;
  CSM_EXPECT_CODE(Call(&Stub::TransferOwnership, owner, req, &out),
                  grpc::StatusCode::PERMISSION_DENIED);
  CSM_EXPECT_CODE(Call(&Stub::TransferOwnership, "sup2", req, &out),
                  grpc::StatusCode::PERMISSION_DENIED);
  {
    v1::TransferOwnershipRequest outsider = req;
    outsider.set_new_owner_id("sup2");
    CSM_EXPECT_CODE(Call(&Stub::TransferOwnership, "sup", outsider, &out),
                    grpc::StatusCode::FAILED_PRECONDITION);
  }
  {
    v1::TransferOwnershipRequest no_reason = req;
    no_reason.clear_reason();
    const grpc::Status s =
        Call(&Stub::TransferOwnership, "sup", no_reason, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << Describe(s);
    EXPECT_THAT(ViolationFields(s), ElementsAre("reason"));
  }
  CSM_ASSERT_OK(Call(&Stub::TransferOwnership, "sup", req, &out));
  EXPECT_EQ(out.owner_id(), next);
  EXPECT_EQ(out.team(), kTeam);

  v1::ListOwnerChangesRequest lreq;
  lreq.set_parent(c.name());
  v1::ListOwnerChangesResponse changes;
  CSM_ASSERT_OK(Call(&Stub::ListOwnerChanges, "sup", lreq, &changes));
  ASSERT_EQ(changes.owner_changes_size(), 2);
  const v1::OwnerChange* allocation = nullptr;
  const v1::OwnerChange* transfer = nullptr;
  for (const v1::OwnerChange& oc : changes.owner_changes()) {
    (oc.allocated() ? allocation : transfer) = &oc;
  }
  ASSERT_NE(allocation, nullptr);
  ASSERT_NE(transfer, nullptr);
  EXPECT_EQ(allocation->from_owner_id(), "");
  EXPECT_EQ(allocation->to_owner_id(), owner);
  EXPECT_EQ(allocation->to_team(), kTeam);
  EXPECT_EQ(allocation->actor().staff_id(), "arch");
  EXPECT_EQ(transfer->from_owner_id(), owner);
  EXPECT_EQ(transfer->to_owner_id(), next);
  EXPECT_EQ(transfer->reason(), "原客户经理调岗");
  EXPECT_EQ(transfer->actor().staff_id(), "sup");
  EXPECT_TRUE(transfer->has_change_time());

  // The former owner is now just another agent.
  v1::Customer got;
  CSM_EXPECT_CODE(Get(c.name(), owner, &got, v1::CUSTOMER_VIEW_FULL, "跟进"),
                  grpc::StatusCode::PERMISSION_DENIED);
  CSM_EXPECT_OK(Get(c.name(), next, &got, v1::CUSTOMER_VIEW_FULL, "跟进"));
}

// ------------------------------------------------------------------ dealings

TEST_F(CustomerApiTest, DealingsAreRecordedAndListed) {
  CreateStandardTeam();
  const v1::Customer c = MustCreate("杭州云帆科技有限公司", 1);
  const std::string owner = c.owner_id();
  const absl::CivilDay today = TodayInShanghai();

  v1::RecordDealingRequest req;
  req.set_parent(c.name());
  req.mutable_dealing()->set_kind(v1::DEALING_KIND_SALE);
  *req.mutable_dealing()->mutable_deal_date() = DateOf(today - 1);
  req.mutable_dealing()->set_amount_fen(12'345'678);  // 123 456.78 yuan
  req.mutable_dealing()->set_note("服务器采购合同");
  v1::Dealing recorded;
  CSM_ASSERT_OK(Call(&Stub::RecordDealing, owner, req, &recorded));
  EXPECT_TRUE(absl::StartsWith(recorded.name(), c.name() + "/dealings/"))
      << recorded.name();
  EXPECT_EQ(recorded.amount_fen(), 12'345'678);
  EXPECT_EQ(recorded.recorder().staff_id(), owner);

  // A consultation of 0 fen, dated today, recorded by a service.
  v1::RecordDealingRequest consult = req;
  consult.mutable_dealing()->set_kind(v1::DEALING_KIND_CONSULTATION);
  *consult.mutable_dealing()->mutable_deal_date() = DateOf(today);
  consult.mutable_dealing()->set_amount_fen(0);
  CSM_ASSERT_OK(
      Call(&Stub::RecordDealing, "reporting-svc", consult, &recorded));

  v1::ListDealingsRequest lreq;
  lreq.set_parent(c.name());
  v1::ListDealingsResponse list;
  CSM_ASSERT_OK(Call(&Stub::ListDealings, "gm", lreq, &list));
  ASSERT_EQ(list.dealings_size(), 2);
  const v1::Dealing* sale = nullptr;
  for (const v1::Dealing& d : list.dealings()) {
    if (d.kind() == v1::DEALING_KIND_SALE) sale = &d;
  }
  ASSERT_NE(sale, nullptr);
  EXPECT_EQ(sale->amount_fen(), 12'345'678);
  EXPECT_EQ(sale->note(), "服务器采购合同");
  EXPECT_EQ(sale->deal_date().year(), (today - 1).year());
  EXPECT_EQ(sale->deal_date().month(), (today - 1).month());
  EXPECT_EQ(sale->deal_date().day(), (today - 1).day());

  // Bad input.
  for (const auto& [what, date] :
       {std::pair<std::string, csm::common::v1::Date>{"future",
                                                      DateOf(today + 3)},
        {"not a date", [] {
           csm::common::v1::Date d;
           d.set_year(2025);
           d.set_month(2);
           d.set_day(30);
           return d;
         }()}}) {
    SCOPED_TRACE(what);
    v1::RecordDealingRequest bad = req;
    *bad.mutable_dealing()->mutable_deal_date() = date;
    const grpc::Status s = Call(&Stub::RecordDealing, owner, bad, &recorded);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << Describe(s);
    EXPECT_THAT(ViolationFields(s), ElementsAre("dealing.deal_date"));
  }
  {
    v1::RecordDealingRequest bad = req;
    bad.mutable_dealing()->set_amount_fen(-1);
    const grpc::Status s = Call(&Stub::RecordDealing, owner, bad, &recorded);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << Describe(s);
    EXPECT_THAT(ViolationFields(s), ElementsAre("dealing.amount_fen"));
  }
  CSM_EXPECT_CODE(
      Call(&Stub::RecordDealing, OtherMember(owner), req, &recorded),
      grpc::StatusCode::PERMISSION_DENIED);

  // Not on a closed archive.
  v1::Customer closed;
  CSM_ASSERT_OK(Close("sup", c.name(), &closed));
  CSM_EXPECT_CODE(Call(&Stub::RecordDealing, owner, req, &recorded),
                  grpc::StatusCode::FAILED_PRECONDITION);
  CSM_ASSERT_OK(Call(&Stub::ListDealings, owner, lreq, &list));
  EXPECT_EQ(list.dealings_size(), 2);
}

}  // namespace
}  // namespace csm::customer::testing
