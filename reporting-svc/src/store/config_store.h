// report_config: the archivists' configuration of the reports, one row per
// resource ("scoringFormula", "completenessRule", "attritionRule"), the
// resource serialized as it was last written.
#ifndef CSM_REPORTING_SVC_STORE_CONFIG_STORE_H_
#define CSM_REPORTING_SVC_STORE_CONFIG_STORE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/mysql_pool.h"

namespace csm::reporting {

struct StoredConfig {
  // The serialized resource.
  std::string body;
  int64_t version = 0;
  absl::Time update_time;
  std::string updater_id;
};

// nullopt when it was never written. `for_update` locks the row (or, when
// there is none, the gap where it goes) until the transaction ends.
absl::StatusOr<std::optional<StoredConfig>> LoadConfig(MysqlConnection& conn,
                                                       absl::string_view name,
                                                       bool for_update);
// Inserts or replaces the row.
absl::Status SaveConfig(MysqlConnection& conn, absl::string_view name,
                        const StoredConfig& config);

}  // namespace csm::reporting

#endif  // CSM_REPORTING_SVC_STORE_CONFIG_STORE_H_
