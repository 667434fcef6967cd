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

namespace csm::demo {

// ---- Identifiers -----------------------------------------------------------

// Characters of a unified social credit code (GB 32100-2015): digits and the
// capitals without I, O, S, V, Z.
inline constexpr absl::string_view kUsccCharset =
    "0123456789ABCDEFGHJKLMNPQRTUWXY";

// The GB 32100-2015 check character of the first 17 characters; '\0' when
// one of them is outside the charset.
char UsccCheckChar(absl::string_view first17);
// 18 characters, all in the charset, last one the check character.
bool IsValidUscc(absl::string_view code);

// The GB 11714 check character ('0'..'9' or 'X') of an organisation code's
// first 8 characters (digits and capitals).
char OrgCodeCheckChar(absl::string_view first8);

// A unified social credit code: registration authority (`'9'` market
// regulation, `'1'` institutional staffing, `'5'` civil affairs), category
// (`'1'` enterprise, `'2'` public institution, `'1'`/`'3'` social
// organisation / foundation ...), the 6-digit region code, an organisation
// code with its own GB 11714 check character, and the GB 32100 check
// character.
std::string MakeUscc(char authority, char category, absl::string_view region,
                     std::mt19937_64& rng);

// The GB 11643-1999 check character of a resident ID number's first 17
// digits.
char ResidentIdCheckChar(absl::string_view first17);
bool IsValidResidentId(absl::string_view id);
// Region code + birth date + 3-digit sequence (odd: male, even: female) +
// check character.
std::string MakeResidentId(absl::string_view region, absl::CivilDay birth,
                           int sequence);

// A mainland mobile number: 1[3-9] followed by nine digits.
std::string MakeMobile(std::mt19937_64& rng);
bool IsValidMobile(absl::string_view phone);

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
