// Fair allocation of new archives to owners (公平、公开、平均分配): a new
// archive goes to the team member with the fewest open archives; among
// equally loaded members, round-robin decides. Staff never pick customers
// themselves (抢客 is forbidden): the owner is computed, not claimed.

#ifndef CSM_CUSTOMER_SVC_SRC_DOMAIN_ALLOCATION_H_
#define CSM_CUSTOMER_SVC_SRC_DOMAIN_ALLOCATION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace csm::customer {

struct AllocationResult {
  // Staff id of the chosen owner.
  std::string owner_id;
  // Its position in the team's member order.
  int64_t index = 0;
  // The cursor to store for the next allocation: index + 1. ChooseOwner
  // reduces any cursor modulo the team size, so it may exceed the size.
  int64_t next_cursor = 0;
};

// Chooses the owner of a new archive of `team` (named in errors only).
//
// Rule: the member with the fewest open archives (`open_archive_counts`;
// a member missing from the map has none). Ties go to the first tied
// member at or after position `round_robin_cursor` (mod the team size, a
// negative cursor wrapping too) in `members_in_round_robin_order`, so
// equally loaded members take turns instead of the first one in the list
// always winning.
//
// Determinism and fairness: the result depends only on the arguments. The
// caller reads the counts and the cursor and stores the new archive and
// `next_cursor` in one transaction that holds a row lock on the team
// (SELECT … FOR UPDATE), so concurrent creations in the same team are
// serialised: each sees the previous one's archive and cursor, and no two
// can pick the same "least loaded" member from the same stale counts.
// Repeated allocation therefore keeps the loads within one of each other
// once they have levelled out, whatever the starting loads.
//
// Errors: FAILED_PRECONDITION when the team has no members or a member id
// is empty (the team must be fixed first; retrying does not help).
absl::StatusOr<AllocationResult> ChooseOwner(
    absl::string_view team,
    const std::vector<std::string>& members_in_round_robin_order,
    const absl::flat_hash_map<std::string, int64_t>& open_archive_counts,
    int64_t round_robin_cursor);

}  // namespace csm::customer

#endif  // CSM_CUSTOMER_SVC_SRC_DOMAIN_ALLOCATION_H_
