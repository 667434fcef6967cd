// Builds the demo plan (tools/demo_data_lib.h) from the catalogue: the
// archives with their contacts, grades, credit ratings, dealings, transfer
// and closure (tools/demo_archives.cc), and the follow-ups of the archives
// still open: communication records with promises and return-visit plans
// with visits (tools/demo_followups.cc).
#ifndef CSM_TOOLS_DEMO_PLAN_BUILDER_H_
#define CSM_TOOLS_DEMO_PLAN_BUILDER_H_

#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "tools/demo_catalogue.h"
#include "tools/demo_data_lib.h"

namespace csm::demo::plan {

class PlanBuilder {
 public:
  PlanBuilder(uint64_t seed, absl::CivilDay today);

  DemoPlan Build();

 private:
  std::string Id(absl::string_view what) const;

  // Archives (demo_archives.cc).
  v1::CreateTeamRequest Team(const TeamTemplate& t) const;
  std::string UniqueMobile();
  std::string CreditCode(const Template& t);
  v1::AcquisitionChannel Channel(const Template& t);
  void AddContacts(const Template& t, v1::Customer& c);
  // A day in the window; `from`..`to` are fractions (percent) of it.
  v1::Dealing Deal(v1::DealingKind kind, int from, int to, int64_t min_yuan,
                   int64_t max_yuan);
  std::vector<v1::Dealing> Dealings(const Template& t);
  void Grades(const Template& t, const std::string& key, CustomerPlan& plan);
  void Credit(const Template& t, const std::string& key, CustomerPlan& plan);
  void Ending(const Template& t, CustomerPlan& plan);
  CustomerPlan Customer(const Template& t, int index);

  // Follow-ups (demo_followups.cc), from their own random stream.
  int64_t FBetween(int64_t lo, int64_t hi);
  CommunicationStep Contact();
  void Communications(const Template& t, CustomerPlan& plan);
  v1::RecordVisitRequest Visit(absl::CivilDay planned, absl::CivilDay actual,
                               v1::VisitMethod method);
  std::vector<v1::RecordVisitRequest> Visits(absl::CivilDay delivery,
                                             const std::vector<int>& grid,
                                             bool sms_streak);
  void VisitPlans(const Template& t, CustomerPlan& plan);

  uint64_t seed_;
  std::mt19937_64 rng_;
  std::mt19937_64 followup_rng_;  // communications and visits
  absl::CivilDay today_;
  absl::CivilDay window_start_;
  std::set<std::string> mobiles_;
  std::set<std::string> codes_;
  std::map<std::string, std::string> primary_phones_;
  bool overdue_promise_made_ = false;
  int enterprises_seen_ = 0;
  int plans_made_ = 0;
};

}  // namespace csm::demo::plan

#endif  // CSM_TOOLS_DEMO_PLAN_BUILDER_H_
