#include "customer-svc/src/domain/allocation.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace csm::customer {

absl::StatusOr<AllocationResult> ChooseOwner(
    absl::string_view team,
    const std::vector<std::string>& members_in_round_robin_order,
    const absl::flat_hash_map<std::string, int64_t>& open_archive_counts,
    int64_t round_robin_cursor) {
  const std::vector<std::string>& members = members_in_round_robin_order;
  const auto size = static_cast<int64_t>(members.size());
  if (size == 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("team ", team, " has no members to allocate to"));
  }
  // Start at the cursor: walking the members in round-robin order from there
  // and keeping only strictly smaller loads makes the first tied member win.
  int64_t start = round_robin_cursor % size;
  if (start < 0) start += size;

  int64_t best_index = -1;
  int64_t best_load = 0;
  for (int64_t step = 0; step < size; ++step) {
    const int64_t i = (start + step) % size;
    const std::string& member = members[static_cast<size_t>(i)];
    if (member.empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat("team ", team, " has an empty member id at position ", i,
                       "; fix the team's members"));
    }
    const auto it = open_archive_counts.find(member);
    const int64_t load = it == open_archive_counts.end() ? 0 : it->second;
    if (best_index < 0 || load < best_load) {
      best_index = i;
      best_load = load;
    }
  }
  return AllocationResult{members[static_cast<size_t>(best_index)], best_index,
                          best_index + 1};
}

}  // namespace csm::customer
