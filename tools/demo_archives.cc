// The demo archives: teams, archives with contacts and credit codes,
// grade and credit-rating changes, dealings, the transfer and the closure.
#include <algorithm>
#include <array>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/business_time.h"
#include "tools/demo_identifiers.h"
#include "tools/demo_plan_builder.h"
#include "tools/demo_random.h"

namespace csm::demo {
namespace plan {

PlanBuilder::PlanBuilder(uint64_t seed, absl::CivilDay today)
    : seed_(seed),
      rng_(seed),
      // Its own stream: the archives of a seed stay what they were before
      // communications and visits were added.
      followup_rng_(seed ^ 0x5EEDF0110F0F0ULL),
      today_(today) {
  // Dealing dates: in 2026 up to today; the past year when 2026 has barely
  // begun (or not yet).
  window_start_ = absl::CivilDay(2026, 1, 1);
  if (today_ - window_start_ < 30) window_start_ = today_ - 365;
}

DemoPlan PlanBuilder::Build() {
  DemoPlan plan;
  plan.seed = seed_;
  for (const TeamTemplate& t : TeamTemplates()) {
    plan.teams.push_back(Team(t));
  }
  int index = 0;
  for (const Template& t : Templates()) {
    plan.customers.push_back(Customer(t, ++index));
  }
  return plan;
}

std::string PlanBuilder::Id(absl::string_view what) const {
  return DemoRequestId(seed_, what);
}

v1::CreateTeamRequest PlanBuilder::Team(const TeamTemplate& t) const {
  v1::CreateTeamRequest req;
  req.set_team_id(t.id);
  req.set_request_id(Id(absl::StrCat("team-", t.id)));
  req.mutable_team()->set_display_name(t.display_name);
  req.mutable_team()->set_department(t.department);
  for (const char* m : t.members) req.mutable_team()->add_member_ids(m);
  return req;
}

std::string PlanBuilder::UniqueMobile() {
  for (;;) {
    std::string m = MakeMobile(rng_);
    if (mobiles_.insert(m).second) return m;
  }
}

std::string PlanBuilder::CreditCode(const Template& t) {
  for (;;) {
    std::string code;
    switch (t.type) {
      case OrgType::kCompany:
        code = MakeUscc('9', '1', t.region, rng_);
        break;
      case OrgType::kPublicInstitution:
        code = MakeUscc('1', '2', t.region, rng_);
        break;
      case OrgType::kSocialGroup:
        code = MakeUscc('5', '1', t.region, rng_);
        break;
      case OrgType::kFoundation:
        code = MakeUscc('5', '3', t.region, rng_);
        break;
      case OrgType::kPerson:
        code = MakeResidentId(
            t.region, t.birth,
            static_cast<int>(Between(rng_, 0, 49)) * 2 + (t.male ? 1 : 2));
        break;
    }
    if (codes_.insert(code).second) return code;
  }
}

v1::AcquisitionChannel PlanBuilder::Channel(const Template& t) {
  if (t.type == OrgType::kPerson) {
    return Pick(rng_, std::array{v1::ACQUISITION_CHANNEL_REFERRAL,
                                 v1::ACQUISITION_CHANNEL_PHONE,
                                 v1::ACQUISITION_CHANNEL_WEB});
  }
  // Weighted: visits and referrals are the usual sources.
  return Pick(
      rng_,
      std::array{
          v1::ACQUISITION_CHANNEL_VISIT, v1::ACQUISITION_CHANNEL_VISIT,
          v1::ACQUISITION_CHANNEL_VISIT, v1::ACQUISITION_CHANNEL_REFERRAL,
          v1::ACQUISITION_CHANNEL_REFERRAL, v1::ACQUISITION_CHANNEL_REFERRAL,
          v1::ACQUISITION_CHANNEL_PHONE, v1::ACQUISITION_CHANNEL_PHONE,
          v1::ACQUISITION_CHANNEL_EXHIBITION,
          v1::ACQUISITION_CHANNEL_EXHIBITION, v1::ACQUISITION_CHANNEL_WEB,
          v1::ACQUISITION_CHANNEL_WEB,
          v1::ACQUISITION_CHANNEL_MARKETING_EVENT});
}

void PlanBuilder::AddContacts(const Template& t, v1::Customer& c) {
  if (t.type == OrgType::kPerson) {
    v1::Contact* contact = c.add_contacts();
    contact->set_display_name(t.name);
    contact->set_title("本人");
    if (t.shares_phone_with != nullptr) {
      contact->add_phones(primary_phones_.at(t.shares_phone_with));
    } else {
      contact->add_phones(UniqueMobile());
    }
    contact->set_email(
        absl::StrCat(t.domain, t.birth.year() % 100,
                     Percent(rng_, 50) ? "@163.com" : "@qq.com"));
    contact->set_primary(true);
    return;
  }
  const int count = static_cast<int>(Between(rng_, 1, 3));
  const size_t first = Below(rng_, kContactPool.size());
  for (int i = 0; i < count; ++i) {
    Person p = kContactPool[(first + 7 * i) % kContactPool.size()];
    const char* title = t.type == OrgType::kCompany
                            ? Pick(rng_, kCompanyTitles)
                            : Pick(rng_, kInstitutionTitles);
    if (i == 0 && t.primary_contact != nullptr) {
      p = {t.primary_contact, t.primary_contact_pinyin};
      title = "总经理（法定代表人）";
    }
    v1::Contact* contact = c.add_contacts();
    contact->set_display_name(p.name);
    contact->set_title(title);
    contact->add_phones(UniqueMobile());
    if (Percent(rng_, 30)) {
      contact->add_phones(absl::StrFormat("%s-%d", AreaCode(t.city),
                                          Between(rng_, 60000000, 89999999)));
    }
    contact->set_email(absl::StrCat(p.pinyin, "@", t.domain));
    contact->set_primary(i == 0);
  }
  primary_phones_[t.name] = c.contacts(0).phones(0);
}

v1::Dealing PlanBuilder::Deal(v1::DealingKind kind, int from, int to,
                              int64_t min_yuan, int64_t max_yuan) {
  v1::Dealing d;
  d.set_kind(kind);
  from = std::min(from, to);
  const int64_t span = today_ - window_start_;
  const absl::CivilDay day =
      window_start_ + span * Between(rng_, from * 100, to * 100) / 10000;
  ToProtoDate(day, d.mutable_deal_date());
  const int64_t yuan = Between(rng_, min_yuan / 100, max_yuan / 100) * 100;
  switch (kind) {
    case v1::DEALING_KIND_PURCHASE:
      d.set_note(Pick(rng_, kPurchaseNotes));
      break;
    case v1::DEALING_KIND_SALE:
      d.set_note(Pick(rng_, kSaleNotes));
      break;
    case v1::DEALING_KIND_COOPERATION:
      d.set_note(Pick(rng_, kCooperationNotes));
      break;
    default:
      d.set_note(Pick(rng_, kConsultationNotes));
      break;
  }
  d.set_amount_fen(kind == v1::DEALING_KIND_CONSULTATION ? 0 : yuan * 100);
  return d;
}

std::vector<v1::Dealing> PlanBuilder::Dealings(const Template& t) {
  // Dormant customers dealt early in the year, lost ones earlier still.
  int to = 100;
  if (t.lifecycle == kDormant) to = 40;
  if (t.lifecycle == kLost) to = 20;
  std::vector<v1::Dealing> deals;
  auto business = [&] {
    return Pick(
        rng_, std::array{v1::DEALING_KIND_PURCHASE, v1::DEALING_KIND_PURCHASE,
                         v1::DEALING_KIND_PURCHASE,
                         v1::DEALING_KIND_COOPERATION, v1::DEALING_KIND_SALE});
  };
  switch (t.tier) {
    case 0:
      if (Percent(rng_, 60)) {
        deals.push_back(Deal(v1::DEALING_KIND_CONSULTATION, 50, to, 0, 0));
      }
      break;
    case 1:
      for (int i = static_cast<int>(Between(rng_, 1, 2)); i > 0; --i) {
        v1::DealingKind kind =
            Percent(rng_, 30) ? v1::DEALING_KIND_CONSULTATION : business();
        deals.push_back(Deal(kind, 0, to, 5'000, 150'000));
      }
      break;
    case 2:
      for (int i = static_cast<int>(Between(rng_, 2, 3)); i > 0; --i) {
        deals.push_back(Deal(business(), 0, to, 50'000, 800'000));
      }
      break;
    default:
      for (int i = static_cast<int>(Between(rng_, 3, 4)); i > 0; --i) {
        deals.push_back(Deal(business(), 0, to, 500'000, 6'000'000));
      }
      break;
  }
  std::sort(deals.begin(), deals.end(),
            [](const v1::Dealing& a, const v1::Dealing& b) {
              const auto& x = a.deal_date();
              const auto& y = b.deal_date();
              return std::make_tuple(x.year(), x.month(), x.day()) <
                     std::make_tuple(y.year(), y.month(), y.day());
            });
  return deals;
}

void PlanBuilder::Grades(const Template& t, const std::string& key,
                         CustomerPlan& plan) {
  auto change = [&](v1::Grade grade, const char* reason) {
    v1::ChangeGradeRequest req;
    req.set_grade(grade);
    req.set_reason(reason);
    req.set_request_id(
        Id(absl::StrCat(key, "-grade-", plan.grade_changes.size() + 1)));
    plan.grade_changes.push_back(std::move(req));
  };
  if (t.tier == 3) {
    change(v1::GRADE_A, Pick(rng_, kGradeAReasons));
  } else if (t.tier == 2 && Percent(rng_, 70)) {
    change(v1::GRADE_B, Pick(rng_, kGradeBReasons));
  }
  if (t.story == Story::kDowngrade) change(v1::GRADE_B, kDowngradeReason);
}

void PlanBuilder::Credit(const Template& t, const std::string& key,
                         CustomerPlan& plan) {
  const CreditProfile* profile = nullptr;
  if (t.lifecycle == kLost) {
    profile = &kCreditProfiles[4];
  } else if (t.lifecycle == kDormant && t.type == OrgType::kCompany) {
    profile = &kCreditProfiles[3];
  } else if (t.tier >= 2 && Percent(rng_, 50)) {
    profile = &kCreditProfiles[(t.tier == 3 ? 0 : 1) + Below(rng_, 2)];
  }
  if (profile == nullptr) return;
  v1::ChangeCreditRatingRequest req;
  req.set_credit_rating(profile->rating);
  req.set_reason(profile->reason);
  req.mutable_assessment()->set_payment_behaviour(profile->payment);
  req.mutable_assessment()->set_capital(profile->capital);
  req.mutable_assessment()->set_operating_status(profile->operating);
  req.set_request_id(Id(absl::StrCat(key, "-credit")));
  plan.credit_change = std::move(req);
}

// What happens to the archive at the end of its story: a transfer to the
// key accounts team, or its closure.
void PlanBuilder::Ending(const Template& t, CustomerPlan& plan) {
  if (t.story == Story::kTransferToKeyAccounts) {
    v1::TransferOwnershipRequest req;
    req.set_team(kKey);
    req.set_reason("年采购额快速增长，升级为大客户，移交大客户技术服务组跟进");
    req.set_request_id(Id(absl::StrCat(plan.key, "-transfer")));
    plan.transfer = std::move(req);
  }
  if (t.story == Story::kClose) {
    v1::CloseCustomerRequest req;
    req.set_reason("客户已办理工商注销，停止合作，档案关闭");
    req.set_request_id(Id(absl::StrCat(plan.key, "-close")));
    plan.close = std::move(req);
  }
}

CustomerPlan PlanBuilder::Customer(const Template& t, int index) {
  CustomerPlan plan;
  plan.key = absl::StrFormat("cust-%02d", index);
  plan.create.set_request_id(Id(plan.key));
  v1::Customer& c = *plan.create.mutable_customer();
  c.set_display_name(t.name);
  c.set_kind(t.type == OrgType::kPerson    ? v1::CUSTOMER_KIND_INDIVIDUAL
             : t.type == OrgType::kCompany ? v1::CUSTOMER_KIND_ENTERPRISE
                                           : v1::CUSTOMER_KIND_INSTITUTION);
  c.set_credit_code(CreditCode(t));
  c.set_province(t.province);
  c.set_city(t.city);
  c.set_industry(t.industry);
  c.set_address(t.address);
  c.set_legal_representative(t.legal_rep);
  c.set_business_scope(t.scope);
  c.set_company_size(t.size);
  c.set_acquisition_channel(Channel(t));
  c.set_lifecycle_status(t.lifecycle);
  c.set_team(t.team);  // no owner: fair allocation picks one
  AddContacts(t, c);

  Grades(t, plan.key, plan);
  Credit(t, plan.key, plan);
  int n = 0;
  for (v1::Dealing& d : Dealings(t)) {
    v1::RecordDealingRequest req;
    *req.mutable_dealing() = std::move(d);
    req.set_request_id(Id(absl::StrCat(plan.key, "-deal-", ++n)));
    plan.dealings.push_back(std::move(req));
  }
  Ending(t, plan);
  if (t.story != Story::kClose) {
    Communications(t, plan);
    VisitPlans(t, plan);
  }
  return plan;
}

}  // namespace plan

std::string DemoRequestId(uint64_t seed, absl::string_view what) {
  return absl::StrCat("demo-", seed, "-", what);
}

DemoPlan BuildDemoPlan(uint64_t seed, absl::CivilDay today) {
  return plan::PlanBuilder(seed, today).Build();
}

}  // namespace csm::demo
