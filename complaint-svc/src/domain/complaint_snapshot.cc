#include "complaint-svc/src/domain/complaint_snapshot.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/reflection.h>

#include "common/business_time.h"
#include "common/personal_text.h"

namespace csm::complaint {

namespace v1 = ::csm::complaint::v1;
namespace ev = ::csm::events::v1;

ev::ComplaintSnapshot SnapshotOf(const v1::Complaint& c) {
  ev::ComplaintSnapshot s;
  s.set_name(c.name());
  s.set_complaint_number(c.complaint_number());
  s.set_customer(c.customer());
  s.set_customer_grade(c.customer_grade());
  s.set_category(c.category());
  s.set_severity(v1::Severity_Name(c.severity()));
  s.set_state(v1::ComplaintState_Name(c.state()));
  s.set_channel(v1::ComplaintChannel_Name(c.channel()));
  s.set_first_responder_id(c.first_responder_id());
  s.set_handling_department(c.handling_department());
  s.set_handler_id(c.handler_id());
  *s.mutable_register_time() = c.create_time();
  for (const v1::Deadline& d : c.deadlines()) {
    if (d.kind() == v1::DEADLINE_KIND_ACKNOWLEDGE) {
      *s.mutable_acknowledge_due_time() = d.due_time();
    } else if (d.kind() == v1::DEADLINE_KIND_HANDLING_OPINION) {
      *s.mutable_handling_opinion_due_time() = d.due_time();
    } else if (d.kind() == v1::DEADLINE_KIND_INVESTIGATED) {
      *s.mutable_investigated_due_time() = d.due_time();
    }
  }
  s.set_escalation_level(c.escalation_level());

  s.set_first_responder_department(c.first_responder_department());
  for (const v1::Deadline& d : c.deadlines()) {
    ev::DeadlineState* out = s.add_deadlines();
    out->set_kind(v1::DeadlineKind_Name(d.kind()));
    *out->mutable_due_time() = d.due_time();
    if (d.has_met_time()) *out->mutable_met_time() = d.met_time();
    out->set_breached(d.breached());
    out->set_met_working_minutes(d.met_working_minutes());
    out->set_met_by_staff_id(d.met_by_staff_id());
    out->set_met_department(d.met_department());
    out->set_breached_department(d.breached_department());
    out->set_breached_staff_id(d.breached_staff_id());
  }
  for (const v1::DepartmentTime& t : c.department_times()) {
    ev::DepartmentClock* out = s.add_department_times();
    out->set_department(t.department());
    out->set_working_minutes(t.working_minutes());
    out->set_breached_acknowledge(t.breached_acknowledge());
    out->set_breached_investigated(t.breached_investigated());
    out->set_breached_handling_opinion(t.breached_handling_opinion());
  }
  s.set_subject(EventText(c.subject()));
  if (c.has_resolution()) {
    const v1::Resolution& r = c.resolution();
    s.set_resolver_id(r.resolver_id());
    s.set_resolving_department(r.resolving_department());
    *s.mutable_resolve_time() = r.resolve_time();
    s.set_responsibility(v1::Responsibility_Name(r.responsibility()));
  }
  s.set_satisfaction(c.satisfaction());
  s.set_return_visit_satisfaction(c.return_visit().satisfaction());
  if (c.has_close_time()) *s.mutable_close_time() = c.close_time();
  s.set_reopen_count(c.reopen_count());
  s.set_repeat_contacts(c.repeat_contacts());
  s.set_paused_working_minutes(c.paused_working_minutes());
  s.set_sla_paused(c.sla_paused());
  s.set_fault_report(c.fault_report());
  return s;
}

std::vector<ev::ComplaintDeadlineBreached> NewBreaches(const SlaState& before,
                                                       const SlaState& after) {
  std::vector<ev::ComplaintDeadlineBreached> out;
  for (const DeadlineClock* d : after.deadlines()) {
    if (!d->breached || before.deadline(d->kind).breached) continue;
    ev::ComplaintDeadlineBreached& e = out.emplace_back();
    e.set_deadline(v1::DeadlineKind_Name(d->kind));
    ToProtoTimestamp(d->due, e.mutable_due_time());
    e.set_department(d->breached_holder.department);
    e.set_handler_id(d->breached_holder.staff_id);
  }
  return out;
}

void AttachSnapshot(const ev::ComplaintSnapshot& snapshot,
                    google::protobuf::Message* event) {
  const google::protobuf::FieldDescriptor* field =
      event->GetDescriptor()->FindFieldByName("complaint");
  if (field == nullptr ||
      field->type() != google::protobuf::FieldDescriptor::TYPE_MESSAGE ||
      field->message_type() != ev::ComplaintSnapshot::descriptor()) {
    return;
  }
  event->GetReflection()->MutableMessage(event, field)->CopyFrom(snapshot);
}

}  // namespace csm::complaint
