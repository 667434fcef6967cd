// Where personal data (客户信息保密) could leave customer-svc, through real
// gRPC against the fixture's MariaDB: the change history (masked by the kind
// recorded with each value, registered when read in full), history written
// before the kinds were recorded, error messages and the log, events, and
// the last guard against duplicate archives.

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/migrations.h"
#include "common/mysql_pool.h"
#include "cppconn/prepared_statement.h"
#include "csm/events/v1/customer_events.pb.h"
#include "customer-svc/src/api/api_common.h"
#include "customer-svc/src/store/customer_store.h"
#include "customer-svc/testing/customer_test_support.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace csm::customer::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr char kPurpose[] = "电话回访前核对联系方式";
constexpr char kAddress[] = "浙江省杭州市西湖区文三路90号东部软件园3号楼";

// Personal values the tests type; none may leave unmasked.
const std::vector<std::string>& Secrets() {
  static const auto* kSecrets =
      new std::vector<std::string>{"13900001111",
                                   "13900002222",
                                   "li.si@example.com",
                                   "li.si2@example.com",
                                   "li.si@",
                                   "li.si2@",
                                   "文三路"};
  return *kSecrets;
}

// The first secret `text` contains, or "".
std::string LeakIn(const std::string& text) {
  for (const std::string& s : Secrets()) {
    if (absl::StrContains(text, s)) return s;
  }
  return "";
}

class CustomerPrivacyTest : public CustomerApiFixture {
 protected:
  grpc::Status Changes(const std::string& staff, const std::string& parent,
                       v1::ListCustomerChangesResponse* out,
                       v1::CustomerView view = v1::CUSTOMER_VIEW_UNSPECIFIED,
                       const std::string& purpose = "") {
    v1::ListCustomerChangesRequest req;
    req.set_parent(parent);
    req.set_view(view);
    req.set_access_purpose(purpose);
    req.set_page_size(500);
    return Call(&Stub::ListCustomerChanges, staff, req, out);
  }

  std::vector<v1::AccessRecord> Register(const std::string& customer) {
    v1::ListAccessRecordsResponse resp;
    const grpc::Status s = AccessRecords("arch", customer, &resp);
    EXPECT_TRUE(s.ok()) << Describe(s);
    return {resp.access_records().begin(), resp.access_records().end()};
  }

  // The field change of `method` named `field`, or an empty one.
  static v1::FieldChange Find(const v1::ListCustomerChangesResponse& resp,
                              const std::string& method,
                              const std::string& field) {
    for (const v1::CustomerChange& c : resp.customer_changes()) {
      if (c.method() != method) continue;
      for (const v1::FieldChange& f : c.field_changes()) {
        if (f.field() == field) return f;
      }
    }
    return {};
  }

  // The owner adds 李四, changes his phone and e-mail, removes him; and
  // changes the archive's address. Returns the contact's history prefix
  // ("contacts/N").
  std::string ChangeContacts(const v1::Customer& c) {
    const std::string owner = c.owner_id();
    v1::AddContactRequest add;
    add.set_parent(c.name());
    add.mutable_contact()->set_display_name("李四");
    add.mutable_contact()->set_title("采购主管");
    add.mutable_contact()->add_phones("13900001111");
    add.mutable_contact()->set_email("li.si@example.com");
    v1::Contact added;
    grpc::Status s = Call(&Stub::AddContact, owner, add, &added);
    EXPECT_TRUE(s.ok()) << Describe(s);

    v1::UpdateContactRequest update;
    *update.mutable_contact() = added;
    update.mutable_contact()->clear_phones();
    update.mutable_contact()->add_phones("13900002222");
    update.mutable_contact()->set_email("li.si2@example.com");
    update.mutable_update_mask()->add_paths("phones");
    update.mutable_update_mask()->add_paths("email");
    v1::Contact updated;
    s = Call(&Stub::UpdateContact, owner, update, &updated);
    EXPECT_TRUE(s.ok()) << Describe(s);

    v1::RemoveContactRequest remove;
    remove.set_name(added.name());
    v1::Customer after;
    s = Call(&Stub::RemoveContact, owner, remove, &after);
    EXPECT_TRUE(s.ok()) << Describe(s);

    v1::UpdateCustomerRequest address;
    address.mutable_customer()->set_name(c.name());
    address.mutable_customer()->set_address(kAddress);
    address.mutable_update_mask()->add_paths("address");
    s = Call(&Stub::UpdateCustomer, owner, address, &after);
    EXPECT_TRUE(s.ok()) << Describe(s);
    return added.name().substr(c.name().size() + 1);
  }
};

// Issue 8, item 1: contacts/N values leaked in clear to anyone.
TEST_F(CustomerPrivacyTest, ContactHistoryIsMaskedUnlessReadInFullByTheRight) {
  CreateStandardTeam();
  const v1::Customer c = MustCreate("杭州云帆科技有限公司", 1);
  ASSERT_FALSE(HasFailure());
  const std::string owner = c.owner_id();
  const std::string contact = ChangeContacts(c);
  ASSERT_FALSE(HasFailure());

  // An agent of another department: masked values, nothing registered.
  v1::ListCustomerChangesResponse masked;
  CSM_ASSERT_OK(Changes("chen.gang", c.name(), &masked));
  EXPECT_EQ(LeakIn(masked.SerializeAsString()), "");
  const v1::FieldChange added_phones =
      Find(masked, "AddContact", contact + ".phones");
  EXPECT_EQ(added_phones.new_value(), "139****1111");
  EXPECT_EQ(added_phones.personal_data(), v1::PERSONAL_DATA_KIND_PHONES);
  EXPECT_TRUE(added_phones.masked());
  const v1::FieldChange added_email =
      Find(masked, "AddContact", contact + ".email");
  EXPECT_EQ(added_email.new_value(), "l***@example.com");
  EXPECT_EQ(added_email.personal_data(), v1::PERSONAL_DATA_KIND_EMAIL);
  // Not personal: shown, and said so.
  const v1::FieldChange added_name =
      Find(masked, "AddContact", contact + ".display_name");
  EXPECT_EQ(added_name.new_value(), "李四");
  EXPECT_FALSE(added_name.masked());
  EXPECT_EQ(Find(masked, "AddContact", contact + ".title").new_value(),
            "采购主管");
  const v1::FieldChange changed =
      Find(masked, "UpdateContact", contact + ".phones");
  EXPECT_EQ(changed.old_value(), "139****1111");
  EXPECT_EQ(changed.new_value(), "139****2222");
  const v1::FieldChange removed =
      Find(masked, "RemoveContact", contact + ".email");
  EXPECT_EQ(removed.old_value(), "l***@example.com");
  EXPECT_EQ(removed.new_value(), "");
  EXPECT_EQ(Find(masked, "RemoveContact", contact + ".phones").old_value(),
            "139****2222");
  EXPECT_THAT(Find(masked, "UpdateCustomer", "address").new_value(),
              HasSubstr("****"));
  EXPECT_THAT(Register(c.name()), IsEmpty());

  // The FULL view without the right: refused, nothing unmasked, nothing
  // registered.
  v1::ListCustomerChangesResponse refused;
  CSM_EXPECT_CODE(Changes("chen.gang", c.name(), &refused,
                          v1::CUSTOMER_VIEW_FULL, kPurpose),
                  grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(LeakIn(refused.SerializeAsString()), "");
  CSM_EXPECT_CODE(Changes(OtherMember(owner), c.name(), &refused,
                          v1::CUSTOMER_VIEW_FULL, kPurpose),
                  grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(Register(c.name()), IsEmpty());

  // The owner without asking for FULL: masked as well.
  v1::ListCustomerChangesResponse own;
  CSM_ASSERT_OK(Changes(owner, c.name(), &own));
  EXPECT_EQ(LeakIn(own.SerializeAsString()), "");
  EXPECT_THAT(Register(c.name()), IsEmpty());

  // The owner with FULL and a purpose: clear values, and one register row.
  v1::ListCustomerChangesResponse full;
  CSM_ASSERT_OK(
      Changes(owner, c.name(), &full, v1::CUSTOMER_VIEW_FULL, kPurpose));
  EXPECT_EQ(Find(full, "AddContact", contact + ".phones").new_value(),
            "13900001111");
  EXPECT_FALSE(Find(full, "AddContact", contact + ".phones").masked());
  EXPECT_EQ(Find(full, "AddContact", contact + ".email").new_value(),
            "li.si@example.com");
  EXPECT_EQ(Find(full, "UpdateContact", contact + ".email").new_value(),
            "li.si2@example.com");
  EXPECT_EQ(Find(full, "RemoveContact", contact + ".phones").old_value(),
            "13900002222");
  EXPECT_EQ(Find(full, "UpdateCustomer", "address").new_value(), kAddress);
  const std::vector<v1::AccessRecord> records = Register(c.name());
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].reader().staff_id(), owner);
  EXPECT_EQ(records[0].purpose(), kPurpose);
  EXPECT_EQ(records[0].method(), "ListCustomerChanges");
}

// History recorded before migration 003 (the whole contact as one line under
// "contacts/N", kinds not recorded) is classified by the migration: masked
// for everyone without the right, clear in the registered FULL view.
class LegacyHistoryTest : public CustomerPrivacyTest {
 protected:
  void SetUp() override {
    auto db = csm::testing::TestDatabase::Create();
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    auto pool = MysqlPool::Create(db_->options());
    ASSERT_TRUE(pool.ok()) << pool.status();
    std::vector<Migration> before_003;
    for (const Migration& m : CustomerMigrations()) {
      if (m.component != "customer" || m.version <= 2) before_003.push_back(m);
    }
    ASSERT_TRUE(ApplyMigrations(**pool, before_003).ok());
    absl::Status s = RunInTransaction(
        **pool, absl::Now() + absl::Seconds(10),
        [&](MysqlConnection& conn) -> absl::Status {
          for (const char* sql : {
                   "INSERT INTO teams (team_id, display_name, department, "
                   "update_time) VALUES ('kf-east', '华东', '客服部', NOW(6))",
                   "INSERT INTO team_members VALUES ('kf-east', 0, 'li.na')",
                   "INSERT INTO customers (id, archive_number, display_name, "
                   "normalized_name, kind, credit_code, business_scope, "
                   "lifecycle_status, grade, owner_id, team_id, department, "
                   "state, creator_id, create_time, update_time) VALUES (1, "
                   "'KH202601-000001', '云帆', '云帆', 1, NULL, '', 1, 3, "
                   "'li.na', 'kf-east', '客服部', 1, 'arch', NOW(6), NOW(6))",
                   "INSERT INTO customer_changes (id, customer_id, method, "
                   "actor_id, actor_department, request_id, change_time) "
                   "VALUES (1, 1, 'AddContact', 'li.na', '客服部', 'r1', "
                   "NOW(6))",
               }) {
            conn.Prepare(sql).executeUpdate();
          }
          sql::PreparedStatement& f = conn.Prepare(
              "INSERT INTO customer_field_changes (change_id, position, "
              "field, old_value, new_value) VALUES (1, ?, ?, ?, ?)");
          const std::vector<std::vector<std::string>> rows = {
              {"contacts/7", "", "李四 采购主管 13900001111 li.si@example.com"},
              {"contacts/7.phones", "13900001111", "13900002222"},
              {"contacts/7.email", "", "li.si2@example.com"},
              {"contacts/7.display_name", "李四", "李斯"},
              {"address", "", kAddress},
              {"credit_code", "", ValidUscc(5)},
              {"industry", "软件", "信息技术"}};
          for (size_t i = 0; i < rows.size(); ++i) {
            f.setInt(1, static_cast<int>(i));
            f.setString(2, rows[i][0]);
            f.setString(3, rows[i][1]);
            f.setString(4, rows[i][2]);
            f.executeUpdate();
          }
          return absl::OkStatus();
        });
    ASSERT_TRUE(s.ok()) << s;
    pool->reset();
    ASSERT_NO_FATAL_FAILURE(StartServer());  // applies 003 onwards
  }
};

TEST_F(LegacyHistoryTest, OldContactSummariesAreWithheldAndOtherValuesMasked) {
  v1::ListCustomerChangesResponse masked;
  CSM_ASSERT_OK(Changes("chen.gang", "customers/1", &masked));
  EXPECT_EQ(LeakIn(masked.SerializeAsString()), "");
  EXPECT_THAT(masked.SerializeAsString(), Not(HasSubstr(ValidUscc(5))));
  const v1::FieldChange summary = Find(masked, "AddContact", "contacts/7");
  EXPECT_EQ(summary.new_value(), "****");
  EXPECT_EQ(summary.personal_data(), v1::PERSONAL_DATA_KIND_CONTACT_SUMMARY);
  EXPECT_TRUE(summary.masked());
  EXPECT_EQ(Find(masked, "AddContact", "contacts/7.phones").new_value(),
            "139****2222");
  EXPECT_EQ(Find(masked, "AddContact", "contacts/7.email").new_value(),
            "l***@example.com");
  EXPECT_EQ(Find(masked, "AddContact", "credit_code").personal_data(),
            v1::PERSONAL_DATA_KIND_CREDIT_CODE);
  EXPECT_EQ(Find(masked, "AddContact", "contacts/7.display_name").new_value(),
            "李斯");
  EXPECT_EQ(Find(masked, "AddContact", "industry").new_value(), "信息技术");
  EXPECT_THAT(Register("customers/1"), IsEmpty());

  v1::ListCustomerChangesResponse full;
  CSM_ASSERT_OK(
      Changes("li.na", "customers/1", &full, v1::CUSTOMER_VIEW_FULL, kPurpose));
  EXPECT_EQ(Find(full, "AddContact", "contacts/7").new_value(),
            "李四 采购主管 13900001111 li.si@example.com");
  EXPECT_EQ(Find(full, "AddContact", "credit_code").new_value(), ValidUscc(5));
  EXPECT_EQ(Register("customers/1").size(), 1u);
}

// Issue 8, items 1 and 3: values typed into a bad request, and the customer
// behind a duplicate code, appear neither in the error nor in the log.
TEST_F(CustomerPrivacyTest, ErrorsAndTheLogCarryNoCustomerValues) {
  CreateStandardTeam();
  v1::Customer person = NewCustomer("李四", 3);
  person.set_kind(v1::CUSTOMER_KIND_INDIVIDUAL);
  person.set_credit_code("11010519491231002X");
  v1::CreateCustomerResponse created;
  CSM_ASSERT_OK(Create(person, "arch", &created));

  ::testing::internal::CaptureStderr();
  std::vector<grpc::Status> errors;
  v1::Customer out;
  errors.push_back(Get("13900001111", "li.na", &out));
  {
    v1::UpdateCustomerRequest req;
    req.mutable_customer()->set_name(created.customer().name());
    req.mutable_customer()->set_etag("li.si@example.com");
    req.mutable_update_mask()->add_paths("industry");
    errors.push_back(Call(&Stub::UpdateCustomer, "arch", req, &out));
    req.mutable_customer()->clear_etag();
    req.mutable_update_mask()->add_paths("13900002222");
    errors.push_back(Call(&Stub::UpdateCustomer, "arch", req, &out));
  }
  {
    v1::ListCustomersRequest req;
    req.set_order_by("文三路");
    v1::ListCustomersResponse resp;
    errors.push_back(Call(&Stub::ListCustomers, "li.na", req, &resp));
  }
  {
    v1::RemoveContactRequest req;
    req.set_name("customers/1/contacts/li.si@example.com");
    errors.push_back(Call(&Stub::RemoveContact, "arch", req, &out));
  }
  // The same ID number again: refused naming the archive, not the person.
  person.set_display_name("另一个名字");
  v1::CreateCustomerResponse again;
  errors.push_back(Create(person, "arch", &again));
  const std::string log = ::testing::internal::GetCapturedStderr();

  for (const grpc::Status& s : errors) {
    SCOPED_TRACE(Describe(s));
    EXPECT_FALSE(s.ok());
    const std::string all = absl::StrCat(s.error_message(), s.error_details());
    EXPECT_EQ(LeakIn(all), "");
    EXPECT_THAT(all, Not(HasSubstr("11010519491231002X")));
    EXPECT_THAT(all, Not(HasSubstr("李四")));
  }
  EXPECT_EQ(errors.back().error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_THAT(errors.back().error_message(),
              HasSubstr(created.customer().archive_number()));
  EXPECT_EQ(LeakIn(log), "") << log;
  EXPECT_THAT(log, Not(HasSubstr("11010519491231002X")));
  EXPECT_THAT(log, Not(HasSubstr("李四")));
}

// The unique key is the last guard against two archives of one code (two
// writers racing past the check); MySQL's message quotes the code, the
// error must not.
TEST_F(CustomerPrivacyTest, TheDuplicateKeyGuardNamesTheRuleNotTheCode) {
  auto pool = MysqlPool::Create(db_->options());
  ASSERT_TRUE(pool.ok()) << pool.status();
  CustomerStore store;
  const absl::Status s = RunInTransaction(
      **pool, absl::Now() + absl::Seconds(10),
      [&](MysqlConnection& conn) -> absl::Status {
        for (int i = 0; i < 2; ++i) {
          v1::Customer c = NewCustomer("重卡客户", 9);
          c.set_archive_number(absl::StrCat("KH209901-00000", i));
          c.set_owner_id("li.na");
          c.set_department("客服部");
          CSM_RETURN_IF_ERROR(store.InsertCustomer(
              conn, &c, "重卡客户", {NormalizedPhones(c.contacts(0))},
              absl::Now()));
        }
        return absl::OkStatus();
      });
  EXPECT_TRUE(absl::IsAlreadyExists(s)) << s;
  EXPECT_THAT(std::string(s.message()), Not(HasSubstr(ValidUscc(9))));
  EXPECT_THAT(std::string(s.message()), HasSubstr("credit code"));
}

// The sweep logs its failures by status code, never the message, which may
// quote a value (MySQL's do).
TEST(LoggableStatusTest, KeepsTheCodeDropsTheMessage) {
  const absl::Status s = absl::AlreadyExistsError(
      "MySQL error 1062 (23000): Duplicate entry '1-11010519491231002X'");
  EXPECT_EQ(LoggableStatus(s), "ALREADY_EXISTS");
  EXPECT_EQ(LoggableStatus(absl::UnavailableError("lost 13900001111")),
            "UNAVAILABLE");
}

// Events carry no personal data: contact changes included.
TEST_F(CustomerPrivacyTest, EventsOfContactChangesCarryNoPersonalValues) {
  CreateStandardTeam();
  const v1::Customer c = MustCreate("杭州云帆科技有限公司", 1);
  ASSERT_FALSE(HasFailure());
  ChangeContacts(c);
  ASSERT_FALSE(HasFailure());
  auto ctx = Ctx(Token("reporting-svc"));
  ev::StreamEventsRequest req;
  auto reader = events_->StreamEvents(ctx.get(), req);
  ev::StreamEventsResponse resp;
  std::vector<ev::Event> events;
  // Created, owner, 3 contact changes, address.
  while (events.size() < 6 && reader->Read(&resp)) {
    for (const ev::Event& e : resp.events()) events.push_back(e);
  }
  ctx->TryCancel();
  reader->Finish();
  ASSERT_EQ(events.size(), 6u);
  for (const ev::Event& e : events) {
    SCOPED_TRACE(e.event_type());
    EXPECT_EQ(LeakIn(e.SerializeAsString()), "");
    EXPECT_THAT(e.SerializeAsString(), Not(HasSubstr(ValidUscc(1))));
    EXPECT_THAT(e.SerializeAsString(), Not(HasSubstr(MobileFor(1))));
  }
  ev::CustomerUpdated updated;
  ASSERT_TRUE(events[2].payload().UnpackTo(&updated));
  EXPECT_THAT(updated.changed_fields(), ElementsAre("contacts"));
}

}  // namespace
}  // namespace csm::customer::testing
