// The follow-ups of the demo archives still open: communication records
// (沟通记录) with promises, and return-visit plans (客户回访) with visits.
#include <algorithm>
#include <array>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/business_time.h"
#include "tools/demo_plan_builder.h"
#include "tools/demo_random.h"

namespace csm::demo::plan {

int64_t PlanBuilder::FBetween(int64_t lo, int64_t hi) {
  return Between(followup_rng_, lo, hi);
}

// One contact of the last 60 days, with a promise now and then: the first
// promise made is the overdue one.
CommunicationStep PlanBuilder::Contact() {
  CommunicationStep step;
  v1::Communication& c = *step.record.mutable_communication();
  c.set_channel(
      Pick(followup_rng_,
           std::array{
               v1::COMMUNICATION_CHANNEL_PHONE, v1::COMMUNICATION_CHANNEL_PHONE,
               v1::COMMUNICATION_CHANNEL_PHONE, v1::COMMUNICATION_CHANNEL_VISIT,
               v1::COMMUNICATION_CHANNEL_EMAIL, v1::COMMUNICATION_CHANNEL_SMS,
               v1::COMMUNICATION_CHANNEL_ON_SITE}));
  c.set_summary(Pick(followup_rng_, kContactSummaries));
  c.set_customer_requests(Pick(followup_rng_, kContactRequests));
  int days_ago = static_cast<int>(FBetween(1, 60));
  const bool overdue = !overdue_promise_made_;
  const bool promise = overdue || FBetween(0, 99) < 30;
  if (promise) {
    v1::CommunicationPromise& p = *c.mutable_promise();
    p.set_description(Pick(followup_rng_, kPromises));
    if (overdue) {
      days_ago = 12;
      p.set_within_days(5);
      overdue_promise_made_ = true;
    } else {
      // Due today or later: only the designated one is overdue.
      days_ago = static_cast<int>(FBetween(1, 5));
      p.set_within_days(
          static_cast<int32_t>(FBetween(days_ago, days_ago + 10)));
      if (FBetween(0, 99) < 40) {
        v1::KeepPromiseRequest keep;
        keep.set_note("已按承诺处理，客户确认");
        step.keep = std::move(keep);
      }
    }
  }
  const absl::CivilDay day = today_ - days_ago;
  const absl::Time when =
      absl::FromCivil(absl::CivilSecond(day.year(), day.month(), day.day(),
                                        static_cast<int>(FBetween(9, 17)),
                                        static_cast<int>(FBetween(0, 59)), 0),
                      csm::BusinessTimeZone());
  c.mutable_contact_time()->set_seconds(absl::ToUnixSeconds(when));
  return step;
}

// 沟通记录 of the last 60 days; the first promise made is overdue (a
// contact 12 days ago promising 5 days), the others are due today or later
// and some of them are kept.
void PlanBuilder::Communications(const Template& t, CustomerPlan& plan) {
  const int contacts =
      t.lifecycle == kProspect ? 1 : static_cast<int>(FBetween(1, 3));
  std::vector<CommunicationStep> steps;
  for (int i = 0; i < contacts; ++i) steps.push_back(Contact());
  // Recorded oldest first, as they happened.
  std::stable_sort(steps.begin(), steps.end(),
                   [](const CommunicationStep& a, const CommunicationStep& b) {
                     return a.record.communication().contact_time().seconds() <
                            b.record.communication().contact_time().seconds();
                   });
  int n = 0;
  for (CommunicationStep& step : steps) {
    const std::string id = absl::StrCat(plan.key, "-comm-", ++n);
    step.record.set_request_id(Id(id));
    if (step.keep) step.keep->set_request_id(Id(id + "-keep"));
    plan.communications.push_back(std::move(step));
  }
}

v1::RecordVisitRequest PlanBuilder::Visit(absl::CivilDay planned,
                                          absl::CivilDay actual,
                                          v1::VisitMethod method) {
  v1::RecordVisitRequest req;
  v1::Visit& v = *req.mutable_visit();
  ToProtoDate(planned, v.mutable_planned_date());
  ToProtoDate(actual, v.mutable_actual_date());
  v.set_method(method);
  v.set_satisfaction(Pick(
      followup_rng_, std::array{csm::common::v1::SATISFACTION_SATISFIED,
                                csm::common::v1::SATISFACTION_SATISFIED,
                                csm::common::v1::SATISFACTION_SATISFIED,
                                csm::common::v1::SATISFACTION_FAIRLY_SATISFIED,
                                csm::common::v1::SATISFACTION_FAIRLY_SATISFIED,
                                csm::common::v1::SATISFACTION_NEUTRAL,
                                csm::common::v1::SATISFACTION_DISSATISFIED}));
  v.set_customer_opinions(Pick(followup_rng_, kVisitOpinions));
  v.set_countermeasures(Pick(followup_rng_, kCountermeasures));
  v.set_next_action(Pick(followup_rng_, kNextActions));
  return req;
}

// The visits of a plan delivered on `delivery`: the latest due dates of
// `grid` (six, or five ending in three SMS visits for the `sms_streak` plan).
std::vector<v1::RecordVisitRequest> PlanBuilder::Visits(
    absl::CivilDay delivery, const std::vector<int>& grid, bool sms_streak) {
  std::vector<v1::RecordVisitRequest> visits;
  const size_t keep = sms_streak ? 5 : 6;
  const size_t end = grid.size();
  const size_t begin = end > keep ? end - keep : 0;
  int sms_in_a_row = 0;
  for (size_t i = begin; i < end; ++i) {
    const absl::CivilDay planned = AddMonthsClamped(delivery, grid[i]);
    const absl::CivilDay actual =
        std::min(planned + FBetween(0, 6), today_ - 1);
    v1::VisitMethod method;
    if (sms_streak) {
      method = end - i <= 3 ? v1::VISIT_METHOD_SMS : v1::VISIT_METHOD_PHONE;
    } else {
      method =
          Pick(followup_rng_,
               std::array{v1::VISIT_METHOD_PHONE, v1::VISIT_METHOD_PHONE,
                          v1::VISIT_METHOD_PHONE, v1::VISIT_METHOD_FACE_TO_FACE,
                          v1::VISIT_METHOD_FACE_TO_FACE, v1::VISIT_METHOD_EMAIL,
                          v1::VISIT_METHOD_SMS});
      // Only the one plan shows an invalid SMS streak.
      if (method == v1::VISIT_METHOD_SMS && sms_in_a_row == 2) {
        method = v1::VISIT_METHOD_PHONE;
      }
    }
    sms_in_a_row = method == v1::VISIT_METHOD_SMS ? sms_in_a_row + 1 : 0;
    visits.push_back(Visit(planned, actual, method));
  }
  return visits;
}

// 客户回访: every other enterprise that is a customer (not a prospect) has a
// delivered project. Plans 1, 4 and 7 were delivered long ago and never
// visited (overdue); plan 2 ends in three SMS visits in a row (the third
// does not count: overdue too); the others were visited on their latest
// due dates (up to six visits).
void PlanBuilder::VisitPlans(const Template& t, CustomerPlan& plan) {
  if (t.type != OrgType::kCompany || t.lifecycle == kProspect) return;
  if (enterprises_seen_++ % 2 != 0) return;
  const int k = plans_made_++;
  const bool unvisited = k == 1 || k == 4 || k == 7;
  const bool sms_streak = k == 2;
  const int months_ago = static_cast<int>(unvisited    ? FBetween(8, 14)
                                          : sms_streak ? FBetween(6, 9)
                                                       : FBetween(2, 20));
  const absl::CivilMonth month = absl::CivilMonth(today_) - months_ago;
  const absl::CivilDay delivery(month.year(), month.month(),
                                static_cast<int>(FBetween(1, 28)));
  VisitPlanStep step;
  const std::string key = absl::StrCat(plan.key, "-plan-1");
  step.create.set_request_id(Id(key));
  step.create.mutable_visit_plan()->set_project(Pick(followup_rng_, kProjects));
  ToProtoDate(delivery,
              step.create.mutable_visit_plan()->mutable_delivery_date());

  // Grid points (months after delivery) before today: monthly in the
  // first year, quarterly after.
  std::vector<int> grid;
  for (int m = 1; AddMonthsClamped(delivery, m) < today_; m += m < 12 ? 1 : 3) {
    grid.push_back(m);
  }
  if (!unvisited) {
    std::vector<v1::RecordVisitRequest> visits =
        Visits(delivery, grid, sms_streak);
    int n = 0;
    for (v1::RecordVisitRequest& v : visits) {
      v.set_request_id(Id(absl::StrCat(key, "-visit-", ++n)));
      step.visits.push_back(std::move(v));
    }
  }
  plan.visit_plans.push_back(std::move(step));
}

}  // namespace csm::demo::plan
