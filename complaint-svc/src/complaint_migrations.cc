#include "complaint-svc/src/complaint_migrations.h"

namespace csm::complaint {

std::vector<Migration> ComplaintMigrations() {
  std::vector<Migration> all = csm_common_schema_migrations();
  const std::vector<Migration>& own = complaint_schema_migrations();
  all.insert(all.end(), own.begin(), own.end());
  return all;
}

}  // namespace csm::complaint
