#ifndef CSM_COMPLAINT_SVC_SRC_APP_COMPLAINT_CONFIGURATION_H_
#define CSM_COMPLAINT_SVC_SRC_APP_COMPLAINT_CONFIGURATION_H_

// What complaint handling depends on, the use cases of
// ComplaintConfigService. Archivists write (categories, SLA policies, the
// business calendar); every role reads. Writes run once per request_id on
// the one mutation skeleton (complaint_mutation.h); only the calendar
// publishes an event (BusinessCalendarChanged). One family a file:
//   categories.cc         List, Create, Update
//   sla_policies.cc       List, Set
//   calendar_config.cc    Get, Update (working hours and exceptions)

#include "absl/status/status.h"
#include "common/call_context.h"
#include "common/mysql_pool.h"
#include "common/outbox.h"
#include "common/principal.h"
#include "complaint-svc/src/app/complaint_mutation.h"
#include "complaint-svc/src/store/config_store.h"
#include "csm/complaint/v1/complaint.pb.h"

namespace csm::complaint {

inline constexpr RoleSet kConfigReaders = RoleSet::All();
inline constexpr RoleSet kArchivists{Role::kArchivist};

class ComplaintConfiguration {
 public:
  // `config` is shared with the rest of the service (its calendar cache).
  // None owned. `outbox` takes BusinessCalendarChanged.
  ComplaintConfiguration(MysqlPool* pool, Outbox* outbox, ConfigStore* config)
      : pool_(pool),
        outbox_(outbox),
        config_(config),
        // Config writes are no transitions: Run only, which needs no
        // complaint store.
        mutation_(pool, outbox, config, /*store=*/nullptr) {}

  // categories.cc
  absl::Status ListCategories(const CallContext& call,
                              const v1::ListCategoriesRequest& req,
                              v1::ListCategoriesResponse* resp);
  absl::Status CreateCategory(const CallContext& call,
                              const v1::CreateCategoryRequest& req,
                              v1::Category* resp);
  absl::Status UpdateCategory(const CallContext& call,
                              const v1::UpdateCategoryRequest& req,
                              v1::Category* resp);
  // sla_policies.cc
  absl::Status ListSlaPolicies(const CallContext& call,
                               const v1::ListSlaPoliciesRequest& req,
                               v1::ListSlaPoliciesResponse* resp);
  absl::Status SetSlaPolicy(const CallContext& call,
                            const v1::SetSlaPolicyRequest& req,
                            v1::SlaPolicy* resp);
  // calendar_config.cc
  absl::Status GetBusinessCalendar(const CallContext& call,
                                   const v1::GetBusinessCalendarRequest& req,
                                   v1::BusinessCalendar* resp);
  absl::Status UpdateBusinessCalendar(
      const CallContext& call, const v1::UpdateBusinessCalendarRequest& req,
      v1::BusinessCalendar* resp);

 private:
  MysqlPool* pool_;
  Outbox* outbox_;
  ConfigStore* config_;
  ComplaintMutation mutation_;
};

}  // namespace csm::complaint

#endif  // CSM_COMPLAINT_SVC_SRC_APP_COMPLAINT_CONFIGURATION_H_
