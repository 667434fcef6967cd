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
#include "customer-svc/src/api/text_limits_test_fixture.h"
#include "customer-svc/src/store/column_limits.h"
#include "customer-svc/testing/visit_test_support.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace csm::customer::testing {
namespace {

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
