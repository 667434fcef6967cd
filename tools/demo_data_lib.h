#ifndef CSM_TOOLS_DEMO_DATA_LIB_H_
#define CSM_TOOLS_DEMO_DATA_LIB_H_

// The demo data set csm-demo-data loads into customer-svc, built as a plan
// of requests without any I/O, and the generators of valid Chinese
// identifiers it needs (unified social credit codes, resident ID numbers,
// mobile numbers). Deterministic for a given seed; only the dates of
// dealings, contacts, visit plans and visits depend on `today` (they are
// never in the future).

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "csm/customer/v1/customer.pb.h"
#include "csm/customer/v1/visits.pb.h"
#include "tools/demo_identifiers.h"

namespace csm::demo {

// ---- The plan --------------------------------------------------------------

// A contact to record (沟通记录). The loader fills in the parent, and the
// staff member (the archive's owner) when the request leaves it empty.
struct CommunicationStep {
  customer::v1::RecordCommunicationRequest record;
  // Set: the promise is kept (in time) afterwards; the loader fills in name.
  std::optional<customer::v1::KeepPromiseRequest> keep;
};

// A return-visit plan of a delivered project and the visits made so far,
// oldest first (客户回访). The loader fills in the parents.
struct VisitPlanStep {
  customer::v1::CreateVisitPlanRequest create;
  std::vector<customer::v1::RecordVisitRequest> visits;
};

// What to do for one archive. Requests carry their request_id and every
// field known in advance; the loader fills in the archive's name, its
// current etag and the new owner (which depend on the server's answers).
struct CustomerPlan {
  // "cust-07": stable across runs of the same seed.
  std::string key;
  customer::v1::CreateCustomerRequest create;
  // In order; a customer may be upgraded and later downgraded.
  std::vector<customer::v1::ChangeGradeRequest> grade_changes;
  std::optional<customer::v1::ChangeCreditRatingRequest> credit_change;
  // `team` set: the new owner is the first member of that team who is not
  // the current owner.
  std::optional<customer::v1::TransferOwnershipRequest> transfer;
  std::vector<customer::v1::RecordDealingRequest> dealings;
  // Recorded after the dealings, before any closure.
  std::vector<CommunicationStep> communications;
  std::vector<VisitPlanStep> visit_plans;
  std::optional<customer::v1::CloseCustomerRequest> close;
};

struct DemoPlan {
  uint64_t seed = 0;
  std::vector<customer::v1::CreateTeamRequest> teams;
  std::vector<CustomerPlan> customers;
};

// "demo-<seed>-<what>".
std::string DemoRequestId(uint64_t seed, absl::string_view what);

// The whole data set: 3 teams and 37 archives with contacts, grade and
// credit changes, dealings, one transfer and one closure. Dealing dates lie
// in 2026 and not after `today` (in the year before `today` if that is
// earlier than 2026). Every archive still open gets communication records
// from the last 60 days, some with promises (exactly one of them overdue,
// some kept); about half the enterprises get a visit plan delivered 2 to 20
// months ago with visits (some by SMS, one plan ending in three SMS visits
// in a row), and three plans delivered long ago have no visit at all.
DemoPlan BuildDemoPlan(uint64_t seed, absl::CivilDay today);

}  // namespace csm::demo

#endif  // CSM_TOOLS_DEMO_DATA_LIB_H_
