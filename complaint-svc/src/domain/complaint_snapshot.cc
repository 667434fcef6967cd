#include "complaint-svc/src/domain/complaint_snapshot.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/reflection.h>

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
  return s;
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
