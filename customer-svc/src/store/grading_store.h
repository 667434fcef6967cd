#ifndef CSM_CUSTOMER_SVC_SRC_STORE_GRADING_STORE_H_
#define CSM_CUSTOMER_SVC_SRC_STORE_GRADING_STORE_H_

#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/filter.h"
#include "common/mysql_pool.h"
#include "common/principal.h"
#include "csm/customer/v1/customer.pb.h"
#include "csm/customer/v1/grading.pb.h"

// The grading criteria (migrations/005_grading.sql) and what the criteria
// read: business volumes from the dealings, and the open archives to list
// suggestions for. Prepared statements only.

namespace csm::customer {

namespace v1 = ::csm::customer::v1;

class GradingStore {
 public:
  // The one policy row, its version as etag; `lock` takes the row lock.
  absl::StatusOr<v1::GradingPolicy> GetPolicy(MysqlConnection& conn, bool lock);
  // Writes the criteria if the version is still `expected_version`
  // (ABORTED otherwise), bumping it.
  absl::Status UpdatePolicy(MysqlConnection& conn,
                            const v1::GradingPolicy& policy,
                            int64_t expected_version, const Principal& actor,
                            absl::Time now);

  // Sum of the amounts of the archives' dealings dated in [first, last],
  // per archive (absent: none).
  absl::StatusOr<absl::flat_hash_map<int64_t, int64_t>> BusinessVolumes(
      MysqlConnection& conn, const std::vector<int64_t>& customer_ids,
      absl::CivilDay first, absl::CivilDay last);

  // Up to `limit` open archives with id > `after_id`, by id, matching
  // `filter` (owner_id, team, department, grade, importance): the facts
  // grading reads (no contacts).
  absl::StatusOr<std::vector<v1::Customer>> OpenArchives(
      MysqlConnection& conn, const std::vector<FilterTerm>& filter,
      int64_t after_id, int limit);
};

}  // namespace csm::customer

#endif  // CSM_CUSTOMER_SVC_SRC_STORE_GRADING_STORE_H_
