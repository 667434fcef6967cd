#include <gmock/gmock.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "customer-svc/src/domain/customer_rules.h"
#include "customer-svc/testing/customer_rules_test_support.h"

namespace csm::customer {
namespace {

// ---------------------------------------------------------------------------
// ValidateNewCustomer.

TEST(CustomerRulesTest, ValidateNewCustomerAcceptsValid) {
  EXPECT_THAT(Fields(ValidateNewCustomer(ValidEnterprise())), IsEmpty());
  EXPECT_THAT(Fields(ValidateNewCustomer(ValidIndividual())), IsEmpty());

  v1::Customer with_id = ValidIndividual();
  with_id.set_credit_code("11010519491231002x");
  EXPECT_THAT(Fields(ValidateNewCustomer(with_id)), IsEmpty());

  v1::Customer institution = ValidEnterprise();
  institution.set_kind(v1::CUSTOMER_KIND_INSTITUTION);
  institution.set_credit_code("12100000400000624D");
  EXPECT_THAT(Fields(ValidateNewCustomer(institution)), IsEmpty());

  // Exactly at the limits, counted in characters, not bytes.
  v1::Customer limits = ValidEnterprise();
  limits.set_display_name(Repeat("华", 200));
  limits.set_province(Repeat("省", 32));
  limits.set_address(Repeat("路", 500));
  limits.set_business_scope(Repeat("营", 2000));
  limits.mutable_contacts(0)->set_display_name(Repeat("张", 100));
  EXPECT_THAT(Fields(ValidateNewCustomer(limits)), IsEmpty());
}

TEST(CustomerRulesTest, ValidateNewCustomerIgnoresOutputOnlyFields) {
  v1::Customer c = ValidEnterprise();
  c.set_name("customers/1");
  c.set_archive_number("KH202611-000001");
  c.set_department("客服部");
  c.set_state(v1::ARCHIVE_STATE_CLOSED);
  c.mutable_create_time()->set_seconds(1);
  c.mutable_update_time()->set_seconds(2);
  c.set_creator_id("u9");
  c.set_etag("abc");
  c.set_masked(true);
  c.set_close_reason("x");
  c.mutable_contacts(0)->set_name("customers/1/contacts/1");
  c.mutable_contacts(0)->set_etag("def");
  EXPECT_THAT(Fields(ValidateNewCustomer(c)), IsEmpty());

  ClearOutputOnlyFields(&c);
  v1::Customer want = ValidEnterprise();
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(c, want))
      << c.DebugString();
}

TEST(CustomerRulesTest, ValidateNewCustomerViolations) {
  struct Case {
    std::string name;
    std::function<void(v1::Customer*)> mutate;
    std::vector<std::string> want_fields;
  };
  const std::vector<Case> cases = {
      {"display_name missing",
       [](v1::Customer* c) { c->clear_display_name(); },
       {"customer.display_name"}},
      {"display_name blank",
       [](v1::Customer* c) { c->set_display_name(" \u3000 "); },
       {"customer.display_name"}},
      {"display_name 201 characters",
       [](v1::Customer* c) { c->set_display_name(Repeat("华", 201)); },
       {"customer.display_name"}},
      {"kind missing",
       [](v1::Customer* c) { c->set_kind(v1::CUSTOMER_KIND_UNSPECIFIED); },
       {"customer.kind"}},
      {"kind unknown",
       [](v1::Customer* c) { c->set_kind(static_cast<v1::CustomerKind>(99)); },
       {"customer.kind"}},
      {"enterprise without credit code",
       [](v1::Customer* c) { c->clear_credit_code(); },
       {"customer.credit_code"}},
      {"enterprise with bad check character",
       [](v1::Customer* c) { c->set_credit_code("914403001922038217"); },
       {"customer.credit_code"}},
      {"enterprise with an ID number",
       [](v1::Customer* c) { c->set_credit_code("11010519491231002X"); },
       {"customer.credit_code"}},
      {"individual with a bad ID number",
       [](v1::Customer* c) {
         c->set_kind(v1::CUSTOMER_KIND_INDIVIDUAL);
         c->set_credit_code("110101199002300014");
       },
       {"customer.credit_code"}},
      {"team missing",
       [](v1::Customer* c) { c->clear_team(); },
       {"customer.team"}},
      {"province too long",
       [](v1::Customer* c) { c->set_province(Repeat("省", 33)); },
       {"customer.province"}},
      {"city too long",
       [](v1::Customer* c) { c->set_city(Repeat("c", 33)); },
       {"customer.city"}},
      {"address too long",
       [](v1::Customer* c) { c->set_address(Repeat("路", 501)); },
       {"customer.address"}},
      {"business_scope too long",
       [](v1::Customer* c) { c->set_business_scope(Repeat("营", 2001)); },
       {"customer.business_scope"}},
      {"industry too long",
       [](v1::Customer* c) { c->set_industry(Repeat("i", 201)); },
       {"customer.industry"}},
      {"unknown enums",
       [](v1::Customer* c) {
         c->set_acquisition_channel(static_cast<v1::AcquisitionChannel>(99));
         c->set_lifecycle_status(static_cast<v1::LifecycleStatus>(99));
         c->set_grade(static_cast<v1::Grade>(99));
         c->set_credit_rating(static_cast<v1::CreditRating>(99));
       },
       {"customer.acquisition_channel", "customer.lifecycle_status",
        "customer.grade", "customer.credit_rating"}},
      {"no contacts",
       [](v1::Customer* c) { c->clear_contacts(); },
       {"customer.contacts"}},
      {"second phone invalid",
       [](v1::Customer* c) { c->mutable_contacts(0)->add_phones("12345"); },
       {"customer.contacts[0].phones[1]"}},
      {"second contact without name, phone or email",
       [](v1::Customer* c) { c->add_contacts(); },
       {"customer.contacts[1].display_name", "customer.contacts[1].phones"}},
      {"contact email invalid",
       [](v1::Customer* c) { c->mutable_contacts(0)->set_email("zhang@"); },
       {"customer.contacts[0].email"}},
      {"contact name too long",
       [](v1::Customer* c) {
         c->mutable_contacts(0)->set_display_name(Repeat("张", 101));
       },
       {"customer.contacts[0].display_name"}},
      {"two primary contacts",
       [](v1::Customer* c) {
         v1::Contact* second = c->add_contacts();
         second->set_display_name("李四");
         second->set_email("li.si@example.com");
         second->set_primary(true);
       },
       {"customer.contacts[1].primary"}},
      {"several at once",
       [](v1::Customer* c) {
         c->clear_display_name();
         c->clear_team();
         c->mutable_contacts(0)->clear_phones();
         c->mutable_contacts(0)->clear_email();
       },
       {"customer.display_name", "customer.team",
        "customer.contacts[0].phones"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    v1::Customer customer = ValidEnterprise();
    c.mutate(&customer);
    EXPECT_THAT(Fields(ValidateNewCustomer(customer)),
                UnorderedElementsAreArray(c.want_fields));
  }
}

TEST(CustomerRulesTest, ValidateNewCustomerDescriptionsAreActionable) {
  v1::Customer c = ValidEnterprise();
  c.set_display_name(Repeat("华", 201));
  c.clear_credit_code();
  const FieldViolations v = ValidateNewCustomer(c);
  EXPECT_EQ(Description(v, "customer.display_name"),
            "must be at most 200 characters");
  EXPECT_THAT(Description(v, "customer.credit_code"),
              HasSubstr("unified social credit code"));
}

// ---------------------------------------------------------------------------
// Contacts.

TEST(CustomerRulesTest, ValidateContact) {
  v1::Contact c;
  c.set_display_name("张三");
  c.add_phones("13812345678");
  EXPECT_THAT(Fields(ValidateContact(c, "contact")), IsEmpty());

  c.add_phones("bad");
  c.set_email("bad");
  c.set_title(Repeat("t", 201));
  EXPECT_THAT(Fields(ValidateContact(c, "contact")),
              UnorderedElementsAre("contact.phones[1]", "contact.email",
                                   "contact.title"));

  v1::Contact many;
  many.set_display_name("张三");
  for (int i = 0; i < 11; ++i) many.add_phones("13812345678");
  EXPECT_THAT(Fields(ValidateContact(many, "contact")),
              ElementsAre("contact.phones"));

  v1::Contact email_only;
  email_only.set_display_name("李四");
  email_only.set_email("li.si@example.com");
  EXPECT_THAT(Fields(ValidateContact(email_only, "contact")), IsEmpty());
}

TEST(CustomerRulesTest, ValidateContactUpdate) {
  v1::Contact patch;
  patch.add_phones("12345");
  patch.set_email("nope");
  EXPECT_THAT(Fields(ValidateContactUpdate(patch, {})),
              ElementsAre("update_mask"));
  EXPECT_THAT(Fields(ValidateContactUpdate(patch, {"name"})),
              ElementsAre("update_mask"));
  EXPECT_THAT(Fields(ValidateContactUpdate(patch, {"title", "primary"})),
              IsEmpty());
  EXPECT_THAT(
      Fields(ValidateContactUpdate(patch, {"display_name", "phones", "email"})),
      UnorderedElementsAre("contact.display_name", "contact.phones[0]",
                           "contact.email"));
}

TEST(CustomerRulesTest, ApplyContactUpdate) {
  v1::Contact target;
  target.set_display_name("张三");
  target.add_phones("13812345678");
  target.set_email("zhang.san@example.com");

  v1::Contact patch;
  patch.add_phones("13812345678");
  patch.add_phones("010-88886666");
  patch.set_primary(true);
  patch.set_title("经理");
  std::vector<FieldChangeRecord> changes;
  ASSERT_TRUE(ApplyContactUpdate(patch, {"phones", "primary", "email"},
                                 "contacts/7", &target, &changes)
                  .ok());
  EXPECT_THAT(
      changes,
      ElementsAre(FieldChangeRecord{"contacts/7.phones", "13812345678",
                                    "13812345678, 010-88886666",
                                    v1::PERSONAL_DATA_KIND_PHONES},
                  FieldChangeRecord{"contacts/7.primary", "false", "true"},
                  FieldChangeRecord{"contacts/7.email", "zhang.san@example.com",
                                    "", v1::PERSONAL_DATA_KIND_EMAIL}));
  EXPECT_THAT(target.phones(), ElementsAre("13812345678", "010-88886666"));
  EXPECT_TRUE(target.primary());
  EXPECT_EQ(target.title(), "");  // title was not in the mask
  EXPECT_EQ(target.email(), "");

  // Removing the last phone of a contact without email is refused.
  v1::Contact before = target;
  changes.clear();
  const absl::Status s = ApplyContactUpdate(v1::Contact(), {"phones"},
                                            "contacts/7", &target, &changes);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(s), ElementsAre("contact.phones"));
  EXPECT_TRUE(
      google::protobuf::util::MessageDifferencer::Equals(target, before));
  EXPECT_THAT(changes, IsEmpty());
}

// ---------------------------------------------------------------------------
// Limits that the columns hold, and the grading inputs of an archive.

TEST(CustomerRulesTest, LimitsAreCharactersAndMatchTheColumns) {
  v1::Customer c = ValidEnterprise();
  // A title of 200 four-byte characters passes (the column holds 200).
  c.mutable_contacts(0)->set_title(Repeat("𠀀", 200));
  EXPECT_THAT(Fields(ValidateNewCustomer(c)), IsEmpty());
  c.mutable_contacts(0)->set_title(Repeat("𠀀", 201));
  EXPECT_THAT(Fields(ValidateNewCustomer(c)),
              ElementsAre("customer.contacts[0].title"));
  c = ValidEnterprise();
  // Spaces are allowed anywhere in a phone, but not without end.
  c.mutable_contacts(0)->set_phones(0, "138 1234 5678" + std::string(27, ' '));
  EXPECT_THAT(Fields(ValidateNewCustomer(c)), IsEmpty());
  c.mutable_contacts(0)->set_phones(0, "138 1234 5678" + std::string(28, ' '));
  EXPECT_THAT(Fields(ValidateNewCustomer(c)),
              ElementsAre("customer.contacts[0].phones[0]"));
  c = ValidEnterprise();
  c.set_owner_id(Repeat("𠀀", 128));
  EXPECT_THAT(Fields(ValidateNewCustomer(c)), IsEmpty());
  c.set_owner_id(Repeat("𠀀", 129));
  EXPECT_THAT(Fields(ValidateNewCustomer(c)), ElementsAre("customer.owner_id"));
  c = ValidEnterprise();
  c.set_team(std::string(63, 'a'));
  EXPECT_THAT(Fields(ValidateNewCustomer(c)), IsEmpty());
  c.set_team(std::string(64, 'a'));
  EXPECT_THAT(Fields(ValidateNewCustomer(c)), ElementsAre("customer.team"));
  c.set_team("East Team");
  EXPECT_THAT(Fields(ValidateNewCustomer(c)), ElementsAre("customer.team"));
}

TEST(CustomerRulesTest, ExpectedSigningDateAndImportance) {
  v1::Customer c = ValidEnterprise();
  *c.mutable_expected_signing_date() = MakeDate(2026, 12, 10);
  c.set_importance(v1::IMPORTANCE_HIGH);
  EXPECT_THAT(Fields(ValidateNewCustomer(c)), IsEmpty());
  *c.mutable_expected_signing_date() = MakeDate(2026, 2, 30);
  c.set_importance(static_cast<v1::Importance>(7));
  EXPECT_THAT(
      Fields(ValidateNewCustomer(c)),
      ElementsAre("customer.expected_signing_date", "customer.importance"));

  v1::Customer target = ValidEnterprise();
  v1::Customer patch;
  *patch.mutable_expected_signing_date() = MakeDate(2026, 12, 10);
  patch.set_importance(v1::IMPORTANCE_NORMAL);
  std::vector<FieldChangeRecord> changes;
  ASSERT_TRUE(ApplyCustomerUpdate(patch,
                                  {"expected_signing_date", "importance"},
                                  &target, &changes)
                  .ok());
  EXPECT_THAT(
      changes,
      ElementsAre(FieldChangeRecord{"expected_signing_date", "", "2026-12-10"},
                  FieldChangeRecord{"importance", "IMPORTANCE_UNSPECIFIED",
                                    "IMPORTANCE_NORMAL"}));
  EXPECT_EQ(target.expected_signing_date().day(), 10);
  // An empty date in the mask clears it.
  changes.clear();
  ASSERT_TRUE(ApplyCustomerUpdate(v1::Customer(), {"expected_signing_date"},
                                  &target, &changes)
                  .ok());
  EXPECT_FALSE(target.has_expected_signing_date());
  EXPECT_THAT(changes, ElementsAre(FieldChangeRecord{"expected_signing_date",
                                                     "2026-12-10", ""}));
}

TEST(CustomerRulesTest, AddedAndRemovedContactsAreRecordedFieldByField) {
  v1::Contact c;
  c.set_display_name("李四");
  c.add_phones("13900001111");
  c.add_phones("010-88886666");
  c.set_email("li.si@example.com");
  EXPECT_THAT(
      ContactAddedChanges(c, "contacts/2"),
      ElementsAre(FieldChangeRecord{"contacts/2.display_name", "", "李四"},
                  FieldChangeRecord{"contacts/2.phones", "",
                                    "13900001111, 010-88886666",
                                    v1::PERSONAL_DATA_KIND_PHONES},
                  FieldChangeRecord{"contacts/2.email", "", "li.si@example.com",
                                    v1::PERSONAL_DATA_KIND_EMAIL},
                  FieldChangeRecord{"contacts/2.primary", "", "false"}));
  c.set_title("经理");
  c.set_primary(true);
  EXPECT_THAT(
      ContactRemovedChanges(c, "contacts/2"),
      ElementsAre(
          FieldChangeRecord{"contacts/2.display_name", "李四", ""},
          FieldChangeRecord{"contacts/2.title", "经理", ""},
          FieldChangeRecord{"contacts/2.phones", "13900001111, 010-88886666",
                            "", v1::PERSONAL_DATA_KIND_PHONES},
          FieldChangeRecord{"contacts/2.email", "li.si@example.com", "",
                            v1::PERSONAL_DATA_KIND_EMAIL},
          FieldChangeRecord{"contacts/2.primary", "true", ""}));
}

TEST(CustomerRulesTest, MessagesQuoteFieldPathsNotTypedValues) {
  EXPECT_EQ(QuotedPath("grade"), "\"grade\"");
  EXPECT_EQ(QuotedPath("grade_a.min_volume_fen"), "\"grade_a.min_volume_fen\"");
  for (const char* typed :
       {"13900001111", "li.si@example.com", "文三路", "Grade", "a b"}) {
    SCOPED_TRACE(typed);
    EXPECT_THAT(QuotedPath(typed), Not(HasSubstr(typed)));
  }
  v1::Customer patch;
  const std::string message(
      ValidateCustomerUpdate(patch, {"13900001111"}).ToStatus().message());
  EXPECT_THAT(message, Not(HasSubstr("13900001111")));
  EXPECT_THAT(message, HasSubstr("cannot be updated"));
}

}  // namespace
}  // namespace csm::customer
