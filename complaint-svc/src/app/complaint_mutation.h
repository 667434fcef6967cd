#ifndef CSM_COMPLAINT_SVC_SRC_APP_COMPLAINT_MUTATION_H_
#define CSM_COMPLAINT_SVC_SRC_APP_COMPLAINT_MUTATION_H_

// complaint-svc's one mutation skeleton. Every write of the service is a
// short lambda on it:
//  * Run: the write at most once per request_id, in one transaction
//    (common/idempotency.h: claim, body, stored response; a deadlock
//    retries the whole transaction), and the event followers woken at
//    commit. Registration, fault reports and config writes use it.
//  * Transition: Run for one state-machine transition of one complaint:
//    load and lock, who may (domain/complaint_access.h), etag, the table
//    (ComplaintStateMachine), breaches that passed since the sweep looked
//    (charged to the holding department), the action's own part (`apply`),
//    then the row, the timeline step and the events with the complaint's
//    snapshot as written.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/call_context.h"
#include "common/mysql_pool.h"
#include "common/outbox.h"
#include "complaint-svc/src/domain/complaint_state_machine.h"
#include "complaint-svc/src/domain/escalation.h"
#include "complaint-svc/src/domain/sla.h"
#include "complaint-svc/src/store/complaint_store.h"
#include "complaint-svc/src/store/config_store.h"
#include "google/protobuf/message.h"

namespace csm::complaint {

// What a transition's action-specific part works on, inside the call's
// transaction.
struct TransitionScope {
  MysqlConnection& conn;
  const CallContext& call;
  ComplaintRecord& record;
  const SlaClock& clock;
  const EscalationLadder& ladder;
  v1::ComplaintState from;
  v1::ComplaintState to;
  // The timeline step's note.
  std::string note;
  // Events to append after the update; their `complaint` snapshot is filled
  // from the complaint as written.
  std::vector<std::unique_ptr<google::protobuf::Message>> events;
};

// An event of the transition, whose payload is built before the write and
// completed (snapshot) after.
template <typename T>
T* AddEvent(TransitionScope& scope) {
  auto event = std::make_unique<T>();
  T* raw = event.get();
  scope.events.push_back(std::move(event));
  return raw;
}

// The holder a breach is charged to: the handler and handling department.
DeadlineParty HolderOf(const v1::Complaint& c);
// Who meets a deadline: the caller, for the handling department.
DeadlineParty MeetingParty(const CallContext& call, const v1::Complaint& c);

// The generic ComplaintStateChanged event of the transition.
void AddStateChanged(TransitionScope& scope, ComplaintAction action);

// "normal", "major", "critical": the severity in timeline notes.
std::string SeverityWord(v1::Severity s);

class ComplaintMutation {
 public:
  using Body = std::function<absl::Status(MysqlConnection&)>;
  using Apply = std::function<absl::Status(TransitionScope&)>;

  // None owned; all must outlive this. `store` may be null where only Run
  // is used (the configuration's writes).
  ComplaintMutation(MysqlPool* pool, Outbox* outbox, ConfigStore* config,
                    ComplaintStore* store)
      : pool_(pool), outbox_(outbox), config_(config), store_(store) {}

  absl::Status Run(const CallContext& call, absl::string_view request_id,
                   const google::protobuf::Message& req,
                   google::protobuf::Message* resp, const Body& body) const;

  // A transition of the complaint `req.name()` at `req.etag()`; `dissatisfied`
  // picks the confirm branch of the table.
  template <typename Request>
  absl::Status Transition(const CallContext& call, const Request& req,
                          ComplaintAction action, v1::Complaint* resp,
                          const Apply& apply, bool dissatisfied = false) const {
    return Transition(call, req, req.name(), req.etag(), req.request_id(),
                      action, dissatisfied, resp, apply);
  }

 private:
  absl::Status Transition(const CallContext& call,
                          const google::protobuf::Message& req,
                          absl::string_view name, absl::string_view etag,
                          absl::string_view request_id, ComplaintAction action,
                          bool dissatisfied, v1::Complaint* resp,
                          const Apply& apply) const;
  // Breaches of deadlines that passed since the sweep last looked, charged
  // to the department holding the complaint before the call moves it.
  absl::Status SettleBreaches(TransitionScope& s) const;
  // The row, the step, and the events (breaches first) with the snapshot.
  absl::Status Write(TransitionScope& s, ComplaintAction action,
                     const SlaState& before, v1::Complaint* resp) const;

  MysqlPool* pool_;
  Outbox* outbox_;
  ConfigStore* config_;
  ComplaintStore* store_;
};

}  // namespace csm::complaint

#endif  // CSM_COMPLAINT_SVC_SRC_APP_COMPLAINT_MUTATION_H_
