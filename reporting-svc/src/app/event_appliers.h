// How each event of customer-svc and complaint-svc changes reporting-svc's
// tables, one family a file (complaint_events.cc, archive_events.cc,
// visit_events.cc). The handlers run inside the follower's batch
// transaction (common/event_follower.h): a batch is applied with its cursor
// or not at all.
#ifndef CSM_REPORTING_SVC_APP_EVENT_APPLIERS_H_
#define CSM_REPORTING_SVC_APP_EVENT_APPLIERS_H_

#include "common/event_cursor.h"

namespace csm::reporting {

inline constexpr char kCustomerSource[] = "customer-svc";
inline constexpr char kComplaintSource[] = "complaint-svc";

// complaint-svc's events: complaints, their deadlines and facts, faults.
void AddComplaintEventHandlers(EventHandlers& handlers);
// customer-svc's archive events: archives, their changes.
void AddArchiveEventHandlers(EventHandlers& handlers);
// customer-svc's communication and visit events: promises, return visits
// and their due occurrences, dissatisfied visits.
void AddVisitEventHandlers(EventHandlers& handlers);

// Every handler of one source ("customer-svc" or "complaint-svc").
EventHandlers HandlersOf(absl::string_view source);

}  // namespace csm::reporting

#endif  // CSM_REPORTING_SVC_APP_EVENT_APPLIERS_H_
