#ifndef CSM_COMPLAINT_SVC_DOMAIN_COMPLAINT_SNAPSHOT_H_
#define CSM_COMPLAINT_SVC_DOMAIN_COMPLAINT_SNAPSHOT_H_

// The reportable facts of a complaint carried by every complaint event
// (csm.events.v1.ComplaintSnapshot); enum values travel as their names.

#include <google/protobuf/message.h>

#include <vector>

#include "complaint-svc/src/domain/sla.h"
#include "csm/complaint/v1/complaint.pb.h"
#include "csm/events/v1/complaint_events.pb.h"

namespace csm::complaint {

::csm::events::v1::ComplaintSnapshot SnapshotOf(
    const ::csm::complaint::v1::Complaint& c);

// One ComplaintDeadlineBreached (without its snapshot) per deadline that is
// breached in `after` and was not in `before`: a deadline is marked breached
// once, so each breach is announced exactly once, in the transaction that
// marks it.
std::vector<::csm::events::v1::ComplaintDeadlineBreached> NewBreaches(
    const SlaState& before, const SlaState& after);

// Sets the `complaint` field of a complaint event (every complaint event has
// one). No-op for messages without it.
void AttachSnapshot(const ::csm::events::v1::ComplaintSnapshot& snapshot,
                    google::protobuf::Message* event);

}  // namespace csm::complaint

#endif  // CSM_COMPLAINT_SVC_DOMAIN_COMPLAINT_SNAPSHOT_H_
