// customer-svc through its gRPC contract: a real server on loopback per test,
// a fresh MariaDB database per test, real tokens. See
// customer_events_test.cc for the event stream.

#include <algorithm>
#include <atomic>
#include <functional>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/auth.h"
#include "common/business_time.h"
#include "customer-svc/src/api/customer_test_support.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace csm::customer::testing {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAreArray;

constexpr char kAddress[] = "浙江省杭州市西湖区文三路90号东部软件园3号楼";

// "9133**********ABCD": the first and last four kept.
std::string MaskedCode(const std::string& code) {
  return absl::StrCat(code.substr(0, 4), std::string(code.size() - 8, '*'),
                      code.substr(code.size() - 4));
}

std::string YearMonth(absl::Time t) {
  const absl::CivilSecond local = absl::ToCivilSecond(t, BusinessTimeZone());
  return absl::StrFormat("%04d%02d", local.year(), local.month());
}

csm::common::v1::Date DateOf(absl::CivilDay day) {
  csm::common::v1::Date d;
  d.set_year(static_cast<int>(day.year()));
  d.set_month(day.month());
  d.set_day(day.day());
  return d;
}

absl::CivilDay TodayInShanghai() {
  return absl::ToCivilDay(absl::Now(), BusinessTimeZone());
}

absl::Time TimeOf(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

class CustomerApiTest : public CustomerApiFixture {
 protected:
  grpc::Status Update(const std::string& staff, const v1::Customer& patch,
                      const std::vector<std::string>& paths, v1::Customer* out,
                      const std::string& request_id = "") {
    v1::UpdateCustomerRequest req;
    *req.mutable_customer() = patch;
    for (const std::string& p : paths) req.mutable_update_mask()->add_paths(p);
    req.set_request_id(request_id);
    return Call(&Stub::UpdateCustomer, staff, req, out);
  }

  grpc::Status Changes(const std::string& staff, const std::string& parent,
                       v1::ListCustomerChangesResponse* out,
                       v1::CustomerView view = v1::CUSTOMER_VIEW_UNSPECIFIED,
                       const std::string& purpose = "") {
    v1::ListCustomerChangesRequest req;
    req.set_parent(parent);
    req.set_view(view);
    req.set_access_purpose(purpose);
    return Call(&Stub::ListCustomerChanges, staff, req, out);
  }

  grpc::Status ChangeGrade(const std::string& staff, const std::string& name,
                           v1::Grade grade, const std::string& reason,
                           v1::Customer* out) {
    v1::ChangeGradeRequest req;
    req.set_name(name);
    req.set_grade(grade);
    req.set_reason(reason);
    return Call(&Stub::ChangeGrade, staff, req, out);
  }

  grpc::Status Close(const std::string& staff, const std::string& name,
                     v1::Customer* out) {
    v1::CloseCustomerRequest req;
    req.set_name(name);
    req.set_reason("客户已注销，业务终止");
    return Call(&Stub::CloseCustomer, staff, req, out);
  }

  // The UpdateCustomer entries of an archive's history.
  static std::vector<v1::CustomerChange> UpdatesIn(
      const v1::ListCustomerChangesResponse& resp) {
    std::vector<v1::CustomerChange> out;
    for (const v1::CustomerChange& c : resp.customer_changes()) {
      if (c.method() == "UpdateCustomer") out.push_back(c);
    }
    return out;
  }

  static const v1::FieldChange* FindField(const v1::CustomerChange& change,
                                          const std::string& field) {
    for (const v1::FieldChange& f : change.field_changes()) {
      if (f.field() == field) return &f;
    }
    return nullptr;
  }
};

// ------------------------------------------------------------ create / get

TEST_F(CustomerApiTest, CreateThenGetRoundTrip) {
  CreateStandardTeam();
  v1::Customer input = NewCustomer("杭州云帆科技有限公司", 1);
  input.mutable_contacts(0)->clear_phones();
  input.mutable_contacts(0)->add_phones("13812345678");
  v1::Contact* second = input.add_contacts();
  second->set_display_name("陈静");
  second->add_phones("13987654321");

  const std::string month_before = YearMonth(absl::Now());
  v1::CreateCustomerResponse resp;
  CSM_ASSERT_OK(Create(input, "li.na", &resp));
  const std::string month_after = YearMonth(absl::Now());
  const v1::Customer& c = resp.customer();

  EXPECT_TRUE(absl::StartsWith(c.name(), "customers/")) << c.name();
  EXPECT_TRUE(
      std::regex_match(c.archive_number(), std::regex("KH[0-9]{6}-[0-9]{6}")))
      << c.archive_number();
  const std::string period = c.archive_number().substr(2, 6);
  EXPECT_TRUE(period == month_before || period == month_after)
      << c.archive_number() << " is not of month " << month_before;
  EXPECT_EQ(c.display_name(), "杭州云帆科技有限公司");
  EXPECT_EQ(c.kind(), v1::CUSTOMER_KIND_ENTERPRISE);
  EXPECT_EQ(c.state(), v1::ARCHIVE_STATE_OPEN);
  EXPECT_EQ(c.grade(), v1::GRADE_C);
  EXPECT_EQ(c.lifecycle_status(), v1::LIFECYCLE_STATUS_PROSPECT);
  EXPECT_THAT(TeamMembers(), Contains(c.owner_id()));
  EXPECT_EQ(c.team(), kTeam);
  EXPECT_EQ(c.department(), "客服部");
  EXPECT_EQ(c.creator_id(), "li.na");
  EXPECT_FALSE(c.etag().empty());
  EXPECT_TRUE(c.has_create_time());
  EXPECT_THAT(resp.duplicate_warnings(), IsEmpty());

  // Masked on the way out, even to its creator.
  EXPECT_TRUE(c.masked());
  EXPECT_EQ(c.credit_code(), MaskedCode(ValidUscc(1)));
  ASSERT_EQ(c.contacts_size(), 2);
  EXPECT_TRUE(c.contacts(0).primary());
  EXPECT_FALSE(c.contacts(1).primary());
  EXPECT_THAT(c.contacts(0).phones(), ElementsAre("138****5678"));
  EXPECT_THAT(c.contacts(1).phones(), ElementsAre("139****4321"));
  EXPECT_NE(c.contacts(0).email(), input.contacts(0).email());
  EXPECT_TRUE(absl::StartsWith(c.contacts(0).name(), c.name() + "/contacts/"))
      << c.contacts(0).name();

  // Get: the same archive, masked by default.
  v1::Customer got;
  CSM_ASSERT_OK(Get(c.name(), "li.na", &got));
  EXPECT_EQ(got.name(), c.name());
  EXPECT_EQ(got.archive_number(), c.archive_number());
  EXPECT_EQ(got.display_name(), c.display_name());
  EXPECT_EQ(got.owner_id(), c.owner_id());
  EXPECT_EQ(got.department(), "客服部");
  EXPECT_EQ(got.etag(), c.etag());
  EXPECT_EQ(got.state(), v1::ARCHIVE_STATE_OPEN);
  EXPECT_EQ(got.grade(), v1::GRADE_C);
  EXPECT_TRUE(got.masked());
  EXPECT_EQ(got.credit_code(), MaskedCode(ValidUscc(1)));
  ASSERT_EQ(got.contacts_size(), 2);
  EXPECT_TRUE(got.contacts(0).primary());
  EXPECT_FALSE(got.contacts(1).primary());
  EXPECT_THAT(got.contacts(0).phones(), ElementsAre("138****5678"));

  // An unknown archive is NOT_FOUND, a malformed name INVALID_ARGUMENT.
  CSM_EXPECT_CODE(Get("customers/999999", "li.na", &got),
                  grpc::StatusCode::NOT_FOUND);
  const grpc::Status bad_name = Get("clients/1", "li.na", &got);
  EXPECT_EQ(bad_name.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << Describe(bad_name);
  EXPECT_THAT(ViolationFields(bad_name), ElementsAre("name"));
}

TEST_F(CustomerApiTest, CreateRejectsBadInputAndWritesNothing) {
  CreateStandardTeam();
  struct Case {
    std::string what;
    std::function<void(v1::Customer*)> mutate;
    std::string field;
  };
  std::string long_name;
  for (int i = 0; i < 201; ++i) long_name += "中";
  const std::vector<Case> cases = {
      {"empty display_name", [](v1::Customer* c) { c->set_display_name(""); },
       "customer.display_name"},
      {"bad phone",
       [](v1::Customer* c) {
         c->mutable_contacts(0)->clear_phones();
         c->mutable_contacts(0)->add_phones("12345");
       },
       "customer.contacts[0].phones[0]"},
      {"bad email",
       [](v1::Customer* c) {
         c->mutable_contacts(0)->set_email("zhang.wei@@example");
       },
       "customer.contacts[0].email"},
      {"unknown kind",
       [](v1::Customer* c) { c->set_kind(static_cast<v1::CustomerKind>(99)); },
       "customer.kind"},
      {"enterprise without credit code",
       [](v1::Customer* c) { c->clear_credit_code(); }, "customer.credit_code"},
      {"credit code with a wrong check character",
       [](v1::Customer* c) {
         c->set_credit_code(WithWrongCheckChar(ValidUscc(1)));
       },
       "customer.credit_code"},
      {"display_name of 201 characters",
       [&long_name](v1::Customer* c) { c->set_display_name(long_name); },
       "customer.display_name"},
      {"no contacts", [](v1::Customer* c) { c->clear_contacts(); },
       "customer.contacts"},
      {"two primary contacts",
       [](v1::Customer* c) {
         c->mutable_contacts(0)->set_primary(true);
         v1::Contact* other = c->add_contacts();
         other->set_display_name("陈静");
         other->add_phones("13987654321");
         other->set_primary(true);
       },
       "customer.contacts[1].primary"},
      {"no team", [](v1::Customer* c) { c->clear_team(); }, "customer.team"},
  };
  for (const Case& tc : cases) {
    SCOPED_TRACE(tc.what);
    v1::Customer c = NewCustomer("杭州云帆科技有限公司", 1);
    tc.mutate(&c);
    v1::CreateCustomerResponse resp;
    const grpc::Status s = Create(c, "arch", &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << Describe(s);
    EXPECT_THAT(ViolationFields(s), ElementsAre(tc.field)) << Describe(s);
  }
  // The boundary itself is fine: 200 characters.
  {
    v1::Customer c = NewCustomer(long_name.substr(0, long_name.size() - 3), 2);
    v1::CreateCustomerResponse resp;
    CSM_EXPECT_OK(Create(c, "arch", &resp));
  }
  // Nothing half-written: only the valid archive exists.
  const std::vector<v1::Customer> all = ListAll();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].credit_code(), MaskedCode(ValidUscc(2)));
}

// --------------------------------------------------------------- duplicates

TEST_F(CustomerApiTest, SameCreditCodeIsRefusedNamingTheExistingArchive) {
  CreateStandardTeam();
  const v1::Customer first = MustCreate("杭州云帆科技有限公司", 1);
  ASSERT_FALSE(first.name().empty());

  v1::Customer again = NewCustomer("云帆科技（杭州）", 2);
  again.set_credit_code(ValidUscc(1));
  v1::CreateCustomerResponse resp;
  grpc::Status s = Create(again, "arch", &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS) << Describe(s);
  EXPECT_THAT(s.error_message(), HasSubstr(first.name()));
  EXPECT_THAT(s.error_message(), HasSubstr(first.archive_number()));

  // Letter case does not make a different code.
  const std::string lower = absl::AsciiStrToLower(ValidUscc(1));
  ASSERT_NE(lower, ValidUscc(1));
  again.set_credit_code(lower);
  s = Create(again, "arch", &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS) << Describe(s);
  EXPECT_THAT(s.error_message(), HasSubstr(first.name()));

  EXPECT_EQ(ListAll().size(), 1u);
}

TEST_F(CustomerApiTest, LikelyDuplicatesAreCreatedWithWarnings) {
  CreateStandardTeam();
  v1::Customer a = NewCustomer("杭州云帆科技有限公司", 1);
  a.mutable_contacts(0)->clear_phones();
  a.mutable_contacts(0)->add_phones("13900001111");
  v1::CreateCustomerResponse first;
  CSM_ASSERT_OK(Create(a, "arch", &first));
  EXPECT_THAT(first.duplicate_warnings(), IsEmpty());

  // Same name once the legal-form suffix is ignored.
  v1::CreateCustomerResponse second;
  CSM_ASSERT_OK(Create(NewCustomer("杭州云帆科技", 2), "arch", &second));
  EXPECT_NE(second.customer().name(), first.customer().name());
  ASSERT_EQ(second.duplicate_warnings_size(), 1);
  EXPECT_EQ(second.duplicate_warnings(0).customer(), first.customer().name());
  EXPECT_EQ(second.duplicate_warnings(0).archive_number(),
            first.customer().archive_number());
  EXPECT_EQ(second.duplicate_warnings(0).display_name(),
            "杭州云帆科技有限公司");
  EXPECT_EQ(second.duplicate_warnings(0).reason(),
            v1::DuplicateWarning::REASON_SAME_NORMALIZED_NAME);

  // Same phone, written with the country code and spaces.
  v1::Customer c = NewCustomer("西湖数据服务有限公司", 3);
  c.mutable_contacts(0)->clear_phones();
  c.mutable_contacts(0)->add_phones("+86 139 0000 1111");
  v1::CreateCustomerResponse third;
  CSM_ASSERT_OK(Create(c, "arch", &third));
  ASSERT_EQ(third.duplicate_warnings_size(), 1);
  EXPECT_EQ(third.duplicate_warnings(0).customer(), first.customer().name());
  EXPECT_EQ(third.duplicate_warnings(0).archive_number(),
            first.customer().archive_number());
  EXPECT_EQ(third.duplicate_warnings(0).reason(),
            v1::DuplicateWarning::REASON_SAME_PHONE);

  EXPECT_EQ(ListAll().size(), 3u);
}

// --------------------------------------------------------------- request_id

TEST_F(CustomerApiTest, CreateRetryWithSameRequestIdReturnsTheFirstResult) {
  CreateStandardTeam();
  const v1::Customer c = NewCustomer("杭州云帆科技有限公司", 1);
  v1::CreateCustomerResponse first, retry;
  CSM_ASSERT_OK(Create(c, "li.na", &first, "create-yunfan-1"));
  CSM_ASSERT_OK(Create(c, "li.na", &retry, "create-yunfan-1"));
  EXPECT_EQ(retry.customer().name(), first.customer().name());
  EXPECT_EQ(retry.customer().archive_number(),
            first.customer().archive_number());
  EXPECT_EQ(retry.customer().owner_id(), first.customer().owner_id());
  EXPECT_EQ(ListAll().size(), 1u);

  // The same id for another request is the client's bug.
  v1::Customer other = c;
  other.set_display_name("另一家公司");
  v1::CreateCustomerResponse resp;
  const grpc::Status s = Create(other, "li.na", &resp, "create-yunfan-1");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(s);
  EXPECT_THAT(ViolationFields(s), ElementsAre("request_id"));
  EXPECT_EQ(ListAll().size(), 1u);
}

TEST_F(CustomerApiTest, UpdateRetryWithSameRequestIdAppliesOnce) {
  CreateStandardTeam();
  const v1::Customer c = MustCreate("杭州云帆科技有限公司", 1);
  v1::Customer patch;
  patch.set_name(c.name());
  patch.set_etag(c.etag());
  patch.set_industry("信息技术");
  v1::Customer first, retry;
  CSM_ASSERT_OK(Update(c.owner_id(), patch, {"industry"}, &first, "upd-1"));
  EXPECT_NE(first.etag(), c.etag());
  // The retry carries the now stale etag: it must still get the first answer.
  CSM_ASSERT_OK(Update(c.owner_id(), patch, {"industry"}, &retry, "upd-1"));
  EXPECT_EQ(retry.etag(), first.etag());
  EXPECT_EQ(retry.industry(), "信息技术");

  v1::Customer got;
  CSM_ASSERT_OK(Get(c.name(), "arch", &got));
  EXPECT_EQ(got.etag(), first.etag());
  v1::ListCustomerChangesResponse changes;
  CSM_ASSERT_OK(Changes("arch", c.name(), &changes));
  EXPECT_EQ(UpdatesIn(changes).size(), 1u);
}

// -------------------------------------------------------------------- update

TEST_F(CustomerApiTest, UpdateWithFieldMaskAndEtag) {
  CreateStandardTeam();
  const v1::Customer c = MustCreate("杭州云帆科技有限公司", 1);
  const std::string owner = c.owner_id();

  v1::Customer patch;
  patch.set_name(c.name());
  patch.set_etag(c.etag());
  patch.set_industry("信息技术");
  patch.set_city("宁波市");  // not in the mask: must stay
  v1::Customer updated;
  CSM_ASSERT_OK(Update(owner, patch, {"industry"}, &updated));
  EXPECT_EQ(updated.industry(), "信息技术");
  EXPECT_EQ(updated.city(), "杭州市");
  EXPECT_NE(updated.etag(), c.etag());
  EXPECT_FALSE(updated.etag().empty());

  // Stale etag: refused, nothing changed.
  patch.set_industry("制造业");
  v1::Customer out;
  CSM_EXPECT_CODE(Update(owner, patch, {"industry"}, &out),
                  grpc::StatusCode::ABORTED);
  v1::Customer got;
  CSM_ASSERT_OK(Get(c.name(), owner, &got));
  EXPECT_EQ(got.industry(), "信息技术");
  EXPECT_EQ(got.etag(), updated.etag());

  patch.set_etag(updated.etag());
  // Unknown and not updatable mask paths.
  for (const char* path : {"foo", "grade", "owner_id"}) {
    SCOPED_TRACE(path);
    const grpc::Status s = Update(owner, patch, {path}, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << Describe(s);
    EXPECT_THAT(ViolationFields(s), ElementsAre("update_mask"));
  }
  {
    const grpc::Status s = Update(owner, patch, {}, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << Describe(s);
    EXPECT_THAT(ViolationFields(s), ElementsAre("update_mask"));
  }
  // Malformed etag.
  {
    v1::Customer bad = patch;
    bad.set_etag("W/\"abc\"");
    const grpc::Status s = Update(owner, bad, {"industry"}, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << Describe(s);
    EXPECT_THAT(ViolationFields(s), ElementsAre("customer.etag"));
  }
  // Invalid new value.
  {
    v1::Customer bad = patch;
    bad.set_display_name("  ");
    const grpc::Status s = Update(owner, bad, {"display_name"}, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << Describe(s);
    EXPECT_THAT(ViolationFields(s), ElementsAre("customer.display_name"));
  }
  // An agent who is not the owner.
  CSM_EXPECT_CODE(Update(OtherMember(owner), patch, {"industry"}, &out),
                  grpc::StatusCode::PERMISSION_DENIED);
  // A supervisor of another department.
  CSM_EXPECT_CODE(Update("sup2", patch, {"industry"}, &out),
                  grpc::StatusCode::PERMISSION_DENIED);
  // The general manager reads reports, not archives to edit.
  CSM_EXPECT_CODE(Update("gm", patch, {"industry"}, &out),
                  grpc::StatusCode::PERMISSION_DENIED);

  CSM_ASSERT_OK(Get(c.name(), owner, &got));
  EXPECT_EQ(got.industry(), "信息技术");
  EXPECT_EQ(got.etag(), updated.etag());
  // The supervisor of the department may.
  CSM_EXPECT_OK(Update("sup", patch, {"industry"}, &out));
  EXPECT_EQ(out.industry(), "制造业");
}

TEST_F(CustomerApiTest, ChangeHistoryMasksPersonalValuesUnlessReadInFull) {
  CreateStandardTeam();
  const v1::Customer c = MustCreate("杭州云帆科技有限公司", 1);
  const std::string owner = c.owner_id();

  v1::Customer patch;
  patch.set_name(c.name());
  patch.set_etag(c.etag());
  patch.set_address(kAddress);
  patch.set_industry("信息技术");
  const absl::Time before = absl::Now() - absl::Seconds(1);
  v1::Customer updated;
  CSM_ASSERT_OK(Update(owner, patch, {"address", "industry"}, &updated));
  const absl::Time after = absl::Now() + absl::Seconds(1);
  EXPECT_TRUE(updated.masked());
  EXPECT_NE(updated.address(), kAddress);

  // Default view: who, when, what; personal values masked.
  v1::ListCustomerChangesResponse masked;
  CSM_ASSERT_OK(Changes(owner, c.name(), &masked));
  std::vector<v1::CustomerChange> updates = UpdatesIn(masked);
  ASSERT_EQ(updates.size(), 1u);
  const v1::CustomerChange& change = updates[0];
  EXPECT_EQ(change.actor().staff_id(), owner);
  EXPECT_EQ(change.actor().department(), "客服部");
  EXPECT_GE(TimeOf(change.change_time()), before);
  EXPECT_LE(TimeOf(change.change_time()), after);
  const v1::FieldChange* address = FindField(change, "address");
  ASSERT_NE(address, nullptr);
  EXPECT_EQ(address->old_value(), "");
  EXPECT_NE(address->new_value(), kAddress);
  EXPECT_THAT(address->new_value(), HasSubstr("****"));
  EXPECT_THAT(address->new_value(), Not(HasSubstr("文三路")));
  const v1::FieldChange* industry = FindField(change, "industry");
  ASSERT_NE(industry, nullptr);
  EXPECT_EQ(industry->old_value(), "软件和信息技术服务业");
  EXPECT_EQ(industry->new_value(), "信息技术");
  EXPECT_EQ(change.field_changes_size(), 2);
  // The creation is history too.
  EXPECT_THAT(masked.customer_changes(),
              Contains(::testing::Property(&v1::CustomerChange::method,
                                           "CreateCustomer")));

  // Masked reads are not registered.
  v1::ListAccessRecordsResponse records;
  CSM_ASSERT_OK(AccessRecords("arch", c.name(), &records));
  EXPECT_THAT(records.access_records(), IsEmpty());

  // FULL needs a purpose, and entitlement.
  v1::ListCustomerChangesResponse full;
  {
    const grpc::Status s =
        Changes(owner, c.name(), &full, v1::CUSTOMER_VIEW_FULL, "");
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << Describe(s);
    EXPECT_THAT(ViolationFields(s), ElementsAre("access_purpose"));
  }
  CSM_EXPECT_CODE(Changes(OtherMember(owner), c.name(), &full,
                          v1::CUSTOMER_VIEW_FULL, "好奇"),
                  grpc::StatusCode::PERMISSION_DENIED);

  // The owner, in full: the real values, and the read is registered.
  CSM_ASSERT_OK(Changes(owner, c.name(), &full, v1::CUSTOMER_VIEW_FULL,
                        "核对客户地址以安排回访"));
  updates = UpdatesIn(full);
  ASSERT_EQ(updates.size(), 1u);
  address = FindField(updates[0], "address");
  ASSERT_NE(address, nullptr);
  EXPECT_EQ(address->new_value(), kAddress);

  CSM_ASSERT_OK(AccessRecords("arch", c.name(), &records));
  ASSERT_EQ(records.access_records_size(), 1);
  const v1::AccessRecord& r = records.access_records(0);
  EXPECT_EQ(r.customer(), c.name());
  EXPECT_EQ(r.reader().staff_id(), owner);
  EXPECT_EQ(r.purpose(), "核对客户地址以安排回访");
  EXPECT_EQ(r.method(), "ListCustomerChanges");
  EXPECT_TRUE(r.has_access_time());
}

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

// -------------------------------------------------------------- close/reopen

TEST_F(CustomerApiTest, CloseAndReopen) {
  CreateStandardTeam();
  const v1::Customer c = MustCreate("杭州云帆科技有限公司", 1);
  const std::string owner = c.owner_id();

  v1::Customer out;
  CSM_EXPECT_CODE(Close(owner, c.name(), &out),
                  grpc::StatusCode::PERMISSION_DENIED);
  {
    v1::CloseCustomerRequest req;
    req.set_name(c.name());
    const grpc::Status s = Call(&Stub::CloseCustomer, "sup", req, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << Describe(s);
    EXPECT_THAT(ViolationFields(s), ElementsAre("reason"));
  }
  CSM_ASSERT_OK(Close("sup", c.name(), &out));
  EXPECT_EQ(out.state(), v1::ARCHIVE_STATE_CLOSED);
  EXPECT_EQ(out.close_reason(), "客户已注销，业务终止");

  v1::Customer patch;
  patch.set_name(c.name());
  patch.set_industry("信息技术");
  CSM_EXPECT_CODE(Update(owner, patch, {"industry"}, &out),
                  grpc::StatusCode::FAILED_PRECONDITION);
  CSM_EXPECT_CODE(ChangeGrade(owner, c.name(), v1::GRADE_A, "重要客户", &out),
                  grpc::StatusCode::FAILED_PRECONDITION);
  CSM_EXPECT_CODE(Close("sup", c.name(), &out),
                  grpc::StatusCode::FAILED_PRECONDITION);

  // Never deleted: still readable and listed.
  v1::Customer got;
  CSM_ASSERT_OK(Get(c.name(), owner, &got));
  EXPECT_EQ(got.state(), v1::ARCHIVE_STATE_CLOSED);
  EXPECT_EQ(got.display_name(), "杭州云帆科技有限公司");
  EXPECT_EQ(ListAll("state = ARCHIVE_STATE_CLOSED").size(), 1u);

  v1::ReopenCustomerRequest reopen;
  reopen.set_name(c.name());
  reopen.set_reason("客户恢复经营");
  CSM_ASSERT_OK(Call(&Stub::ReopenCustomer, "sup", reopen, &out));
  EXPECT_EQ(out.state(), v1::ARCHIVE_STATE_OPEN);
  CSM_EXPECT_CODE(Call(&Stub::ReopenCustomer, "sup", reopen, &out),
                  grpc::StatusCode::FAILED_PRECONDITION);
  CSM_EXPECT_OK(Update(owner, patch, {"industry"}, &out));
  EXPECT_EQ(out.industry(), "信息技术");
}

// ------------------------------------------------------------------ contacts

TEST_F(CustomerApiTest, ContactsKeepExactlyOnePrimary) {
  CreateStandardTeam();
  const v1::Customer c = MustCreate("杭州云帆科技有限公司", 1);
  const std::string owner = c.owner_id();
  ASSERT_EQ(c.contacts_size(), 1);
  const std::string first = c.contacts(0).name();

  v1::AddContactRequest add;
  add.set_parent(c.name());
  add.mutable_contact()->set_display_name("陈静");
  add.mutable_contact()->set_title("财务总监");
  add.mutable_contact()->add_phones("0571-88886666");
  add.mutable_contact()->set_primary(true);
  v1::Contact added;
  CSM_EXPECT_CODE(Call(&Stub::AddContact, OtherMember(owner), add, &added),
                  grpc::StatusCode::PERMISSION_DENIED);
  CSM_ASSERT_OK(Call(&Stub::AddContact, owner, add, &added));
  EXPECT_TRUE(added.primary());
  EXPECT_TRUE(absl::StartsWith(added.name(), c.name() + "/contacts/"))
      << added.name();
  EXPECT_NE(added.name(), first);
  EXPECT_THAT(added.phones(), ElementsAre("0571-****6666"));

  v1::Customer got;
  CSM_ASSERT_OK(Get(c.name(), owner, &got));
  ASSERT_EQ(got.contacts_size(), 2);
  for (const v1::Contact& contact : got.contacts()) {
    EXPECT_EQ(contact.primary(), contact.name() == added.name())
        << contact.name();
  }

  // Bad input.
  {
    v1::AddContactRequest bad = add;
    bad.mutable_contact()->set_email("chen.jing@");
    const grpc::Status s = Call(&Stub::AddContact, owner, bad, &added);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << Describe(s);
    EXPECT_THAT(ViolationFields(s), ElementsAre("contact.email"));
  }

  // Removing the primary promotes the other one.
  v1::RemoveContactRequest remove;
  remove.set_name(added.name());
  v1::Customer after;
  CSM_ASSERT_OK(Call(&Stub::RemoveContact, owner, remove, &after));
  ASSERT_EQ(after.contacts_size(), 1);
  EXPECT_EQ(after.contacts(0).name(), first);
  EXPECT_TRUE(after.contacts(0).primary());
  CSM_ASSERT_OK(Get(c.name(), owner, &got));
  ASSERT_EQ(got.contacts_size(), 1);
  EXPECT_TRUE(got.contacts(0).primary());

  // The last contact stays.
  remove.set_name(first);
  CSM_EXPECT_CODE(Call(&Stub::RemoveContact, owner, remove, &after),
                  grpc::StatusCode::FAILED_PRECONDITION);
  CSM_ASSERT_OK(Get(c.name(), owner, &got));
  EXPECT_EQ(got.contacts_size(), 1);
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

// ---------------------------------------------------------------------- auth

TEST_F(CustomerApiTest, AuthenticationAndRoles) {
  CreateStandardTeam();
  const v1::Customer c = MustCreate("杭州云帆科技有限公司", 1);
  v1::GetCustomerRequest get;
  get.set_name(c.name());
  v1::Customer out;

  CSM_EXPECT_CODE(CallWithToken(&Stub::GetCustomer, "", get, &out),
                  grpc::StatusCode::UNAUTHENTICATED);
  CSM_EXPECT_CODE(CallWithToken(&Stub::GetCustomer, "garbage", get, &out),
                  grpc::StatusCode::UNAUTHENTICATED);
  {
    Principal p{"li.na", "客服部", {Role::kAgent}};
    auto forged = MintToken("another-secret", csm::testing::kTestIssuer, p,
                            absl::Now(), absl::Hours(1));
    ASSERT_TRUE(forged.ok()) << forged.status();
    CSM_EXPECT_CODE(CallWithToken(&Stub::GetCustomer, *forged, get, &out),
                    grpc::StatusCode::UNAUTHENTICATED);
    auto expired =
        MintToken(csm::testing::kTestJwtSecret, csm::testing::kTestIssuer, p,
                  absl::Now() - absl::Hours(2), absl::Hours(1));
    ASSERT_TRUE(expired.ok()) << expired.status();
    CSM_EXPECT_CODE(CallWithToken(&Stub::GetCustomer, *expired, get, &out),
                    grpc::StatusCode::UNAUTHENTICATED);
  }
  // A raw token without the "Bearer " scheme.
  {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->AddMetadata("authorization", Token("li.na"));
    ctx->set_deadline(std::chrono::system_clock::now() +
                      std::chrono::seconds(10));
    CSM_EXPECT_CODE(stub_->GetCustomer(ctx.get(), get, &out),
                    grpc::StatusCode::UNAUTHENTICATED);
  }

  // The general manager reads, but opens no archives.
  CSM_EXPECT_OK(Call(&Stub::GetCustomer, "gm", get, &out));
  v1::CreateCustomerResponse created;
  CSM_EXPECT_CODE(
      Create(NewCustomer("西湖数据服务有限公司", 2), "gm", &created),
      grpc::StatusCode::PERMISSION_DENIED);
  // Teams are for archivists and managers.
  CSM_EXPECT_CODE(
      [&] {
        v1::CreateTeamRequest req;
        req.set_team_id("kf-west");
        req.mutable_team()->set_display_name("客服西区");
        req.mutable_team()->set_department("客服部");
        v1::Team team;
        return Call(&Stub::CreateTeam, "sup", req, &team);
      }(),
      grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(ListAll().size(), 1u);
}

}  // namespace
}  // namespace csm::customer::testing
