// CustomerService: updates, closing and reopening, contacts.

#include <map>
#include <memory>
#include <utility>

#include "common/mysql_pool.h"
#include "cppconn/resultset.h"
#include "customer-svc/testing/customer_api_test_fixture.h"

namespace csm::customer::testing {
namespace {

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

// ------------------------------------------------------- open-archive counter

// Per owner: (COUNT of open archives, the counter owner_open_archives), for
// every owner either has; they must agree.
std::map<std::string, std::pair<int64_t, int64_t>> OpenCounts(
    const MysqlOptions& options) {
  std::map<std::string, std::pair<int64_t, int64_t>> out;
  auto pool = MysqlPool::Create(options);
  EXPECT_TRUE(pool.ok()) << pool.status();
  if (!pool.ok()) return out;
  const absl::Status s = RunWithConnection(
      **pool, absl::Now() + absl::Seconds(30), [&](MysqlConnection& conn) {
        std::unique_ptr<sql::ResultSet> rs(
            conn.Prepare("SELECT owner_id, COUNT(*) FROM customers WHERE "
                         "state = 1 GROUP BY owner_id")
                .executeQuery());
        while (rs->next()) out[rs->getString(1)].first = rs->getInt64(2);
        rs.reset(conn.Prepare("SELECT owner_id, open_archives FROM "
                              "owner_open_archives")
                     .executeQuery());
        while (rs->next()) out[rs->getString(1)].second = rs->getInt64(2);
        return absl::OkStatus();
      });
  EXPECT_TRUE(s.ok()) << s;
  return out;
}

MATCHER(CountsAgree, "the counter equals the COUNT for every owner") {
  for (const auto& [owner, counts] : arg) {
    if (counts.first != counts.second) {
      *result_listener << owner << ": COUNT " << counts.first << ", counter "
                       << counts.second;
      return false;
    }
  }
  return true;
}

TEST_F(CustomerApiTest, TheOpenArchiveCounterEqualsTheCountAfterEveryWrite) {
  CreateStandardTeam();
  std::vector<v1::Customer> archives;
  for (int64_t n = 1; n <= 6; ++n) {
    archives.push_back(MustCreate(absl::StrCat("计数客户", n), n));
  }
  EXPECT_THAT(OpenCounts(db_->options()), CountsAgree());
  for (const std::string& m : TeamMembers()) {  // allocated fairly
    EXPECT_EQ(OpenCounts(db_->options())[m].second, 2) << m;
  }

  v1::Customer out;
  CSM_ASSERT_OK(Close("sup", archives[0].name(), &out));
  CSM_ASSERT_OK(Close("sup", archives[1].name(), &out));
  EXPECT_THAT(OpenCounts(db_->options()), CountsAgree());

  v1::ReopenCustomerRequest reopen;
  reopen.set_name(archives[1].name());
  reopen.set_reason("客户恢复经营");
  CSM_ASSERT_OK(Call(&Stub::ReopenCustomer, "sup", reopen, &out));
  EXPECT_THAT(OpenCounts(db_->options()), CountsAgree());

  // Transfers onto one member; a field update changes no count.
  const std::string next = archives[2].owner_id();
  for (size_t i : {3, 4}) {
    if (archives[i].owner_id() == next) continue;
    v1::TransferOwnershipRequest req;
    req.set_name(archives[i].name());
    req.set_new_owner_id(next);
    req.set_reason("原客户经理调岗");
    CSM_ASSERT_OK(Call(&Stub::TransferOwnership, "sup", req, &out));
  }
  v1::Customer patch;
  patch.set_name(archives[5].name());
  patch.set_industry("信息技术");
  CSM_ASSERT_OK(Update(archives[5].owner_id(), patch, {"industry"}, &out));
  auto counts = OpenCounts(db_->options());
  EXPECT_THAT(counts, CountsAgree());
  EXPECT_GE(counts[next].first, 3);

  // The next create goes to the member with the fewest open archives (the
  // allocation reads the counter), when only one has that few.
  std::map<int64_t, std::vector<std::string>> by_count;
  for (const std::string& m : TeamMembers()) {
    by_count[counts[m].first].push_back(m);
  }
  const v1::Customer fresh = MustCreate("计数客户7", 7);
  if (by_count.begin()->second.size() == 1) {
    EXPECT_EQ(fresh.owner_id(), by_count.begin()->second[0]);
  }
  EXPECT_THAT(OpenCounts(db_->options()), CountsAgree());
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

}  // namespace
}  // namespace csm::customer::testing
