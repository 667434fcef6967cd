#include "reporting-svc/src/domain/archive_movement.h"

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "reporting-svc/src/domain/rates.h"

namespace csm::reporting {

void MovementTally::Add(const ArchiveTransition& t) {
  const bool before = !t.first && t.was_open && t.was_in_filter;
  const bool after = t.is_open && t.is_in_filter;
  if (before && after) {
    if (t.was_key == t.key) return;
    groups_[t.was_key].moved_out += t.count;
    groups_[t.key].moved_in += t.count;
  } else if (after) {
    GroupMovement& g = groups_[t.key];
    if (t.first) {
      g.opened += t.count;
    } else if (!t.was_open) {
      g.reopened += t.count;
    } else {
      g.moved_in += t.count;
    }
  } else if (before) {
    GroupMovement& g = groups_[t.was_key];
    if (!t.is_open) {
      g.closed += t.count;
    } else {
      g.moved_out += t.count;
    }
  }
}

absl::Status MovementTally::Check() const {
  for (const auto& [key, g] : groups_) {
    if (!g.Balances()) {
      return absl::InternalError(absl::StrCat(
          "archive movement of group \"", key, "\" does not balance: ",
          g.at_start, " + ", g.opened, " + ", g.reopened, " + ", g.moved_in,
          " - ", g.closed, " - ", g.moved_out, " != ", g.at_end));
    }
  }
  return absl::OkStatus();
}

absl::Status ToProto(const GroupMovement& m, int64_t company_at_end,
                     rv1::ArchiveMovement* out) {
  out->set_at_start(static_cast<int32_t>(m.at_start));
  out->set_opened(static_cast<int32_t>(m.opened));
  out->set_closed(static_cast<int32_t>(m.closed));
  out->set_reopened(static_cast<int32_t>(m.reopened));
  out->set_moved_in(static_cast<int32_t>(m.moved_in));
  out->set_moved_out(static_cast<int32_t>(m.moved_out));
  out->set_at_end(static_cast<int32_t>(m.at_end));
  CSM_ASSIGN_OR_RETURN(Ratio share, Ratio::Of(m.at_end, company_at_end));
  return ToProto(share, out->mutable_share());
}

}  // namespace csm::reporting
