#ifndef CSM_COMPLAINT_SVC_SRC_COMPLAINT_MIGRATIONS_H_
#define CSM_COMPLAINT_SVC_SRC_COMPLAINT_MIGRATIONS_H_

#include <vector>

#include "common/migrations.h"

namespace csm {
// complaint-svc/migrations/*.sql, embedded by csm_embed_migrations().
const std::vector<Migration>& complaint_schema_migrations();
}  // namespace csm

namespace csm::complaint {

// The schema complaint-svc needs: the common tables, then its own.
std::vector<Migration> ComplaintMigrations();

}  // namespace csm::complaint

#endif  // CSM_COMPLAINT_SVC_SRC_COMPLAINT_MIGRATIONS_H_
