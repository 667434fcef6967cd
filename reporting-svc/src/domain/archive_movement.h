#ifndef CSM_REPORTING_SVC_DOMAIN_ARCHIVE_MOVEMENT_H_
#define CSM_REPORTING_SVC_DOMAIN_ARCHIVE_MOVEMENT_H_

// How the open archives of each group moved over a period (客户增减分析,
// docs/reports.md "Customer analysis"). Each change of an archive in the
// period (one version to the next) is classified by whether the archive
// was counted (open and in the report's filter) in which group before and
// after it, so that for every group
//   at_end = at_start + opened + reopened + moved_in - closed - moved_out
// holds exactly. Pure: the store reads the versions.

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "csm/reporting/v1/customer_reports.pb.h"

namespace csm::reporting {

namespace rv1 = ::csm::reporting::v1;

// `count` archive changes from one (before) to one (after) state.
struct ArchiveTransition {
  // No version before: the archive was created.
  bool first = false;
  bool was_open = false;
  bool was_in_filter = false;
  std::string was_key;
  bool is_open = false;
  bool is_in_filter = false;
  std::string key;
  int64_t count = 0;
};

struct GroupMovement {
  int64_t at_start = 0;
  int64_t opened = 0;
  int64_t closed = 0;
  int64_t reopened = 0;
  int64_t moved_in = 0;
  int64_t moved_out = 0;
  int64_t at_end = 0;

  bool Balances() const {
    return at_end ==
           at_start + opened + reopened + moved_in - closed - moved_out;
  }
  bool Empty() const {
    return at_start == 0 && opened == 0 && closed == 0 && reopened == 0 &&
           moved_in == 0 && moved_out == 0 && at_end == 0;
  }
};

class MovementTally {
 public:
  void AtStart(const std::string& key, int64_t archives) {
    groups_[key].at_start += archives;
  }
  void AtEnd(const std::string& key, int64_t archives) {
    groups_[key].at_end += archives;
  }
  // Counted before and after in different groups: moved out and in. Counted
  // only after: opened (first version), reopened (was closed) or moved in
  // (entered the filter). Counted only before: closed, or moved out (left
  // the filter).
  void Add(const ArchiveTransition& t);

  // INTERNAL naming the group when a group does not balance (the versions
  // are inconsistent: a bug, never data).
  absl::Status Check() const;
  const std::map<std::string, GroupMovement>& groups() const { return groups_; }

 private:
  std::map<std::string, GroupMovement> groups_;
};

// `company_at_end`: the share's denominator (no data when 0).
absl::Status ToProto(const GroupMovement& m, int64_t company_at_end,
                     rv1::ArchiveMovement* out);

}  // namespace csm::reporting

#endif  // CSM_REPORTING_SVC_DOMAIN_ARCHIVE_MOVEMENT_H_
