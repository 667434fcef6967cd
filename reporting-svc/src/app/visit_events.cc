// customer-svc's communication and visit events (docs/reports.md, sections
// 5 and 8): promises made, kept and broken; visits made; the due
// occurrences of the visit plans, answered, overdue or dropped.
#include <string>

#include "common/business_time.h"
#include "common/status.h"
#include "csm/common/v1/common.pb.h"
#include "reporting-svc/src/app/event_appliers.h"
#include "reporting-svc/src/store/archive_history.h"
#include "reporting-svc/src/store/batch_rows.h"
#include "reporting-svc/src/store/batch_writes.h"
#include "reporting-svc/src/store/report_tables.h"
#include "reporting-svc/src/store/sql_bind.h"

namespace csm::reporting {
namespace {

using csm::common::v1::Satisfaction;

absl::Status Track(MysqlConnection& c, const Event& e,
                   const ev::CustomerSnapshot& s) {
  CSM_RETURN_IF_ERROR(UpsertCustomer(c, s));
  // Its pre-aggregated visit and promise figures (archive_aggregates.h).
  CSM_RETURN_IF_ERROR(RememberChangedArchive(c, s.name()));
  CSM_RETURN_IF_ERROR(TrackArchiveVersion(
      c, e.sequence(), FromProtoTimestamp(e.occur_time()), s));
  return RememberValue(c, "department", s.department());
}

absl::CivilDay EventDate(const Event& e) {
  return BusinessDate(FromProtoTimestamp(e.occur_time()));
}

bool Dissatisfied(Satisfaction s) {
  return s == csm::common::v1::SATISFACTION_DISSATISFIED ||
         s == csm::common::v1::SATISFACTION_VERY_DISSATISFIED;
}

absl::Status ApplyVisit(MysqlConnection& c, const Event& e,
                        const ev::VisitRecorded& m) {
  const ev::CustomerSnapshot& s = m.customer();
  CSM_RETURN_IF_ERROR(Track(c, e, s));
  const std::optional<absl::CivilDay> actual = OptDate(m.actual_date());
  const absl::CivilDay date = actual.value_or(EventDate(e));
  VisitRow v{
      m.visit(),      s.name(),
      m.visit_plan(), m.staff_id(),
      s.department(), s.team(),
      m.method(),     csm::common::v1::Satisfaction_Name(m.satisfaction()),
      m.counted(),    date};
  CSM_RETURN_IF_ERROR(UpsertVisit(c, v));
  CSM_RETURN_IF_ERROR(
      NoteVisit(c, s.name(), date, e.sequence(), m.visit(), v.satisfaction));
  if (const auto due = OptDate(m.due_date()); m.counted() && due) {
    CSM_RETURN_IF_ERROR(AnswerOccurrence(c, m.visit_plan(), *due, date));
  }
  if (const auto next = OptDate(m.next_due_date())) {
    CSM_RETURN_IF_ERROR(AddOccurrence(c, m.visit_plan(), *next, s));
  }
  if (!Dissatisfied(m.satisfaction())) return absl::OkStatus();
  FeedbackRow r;
  r.event_sequence = e.sequence();
  r.source = "customer";
  r.kind = "FEEDBACK_KIND_DISSATISFIED_VISIT";
  r.customer = s.name();
  r.resource = m.visit();
  r.staff_id = m.staff_id();
  r.department = s.department();
  r.satisfaction = v.satisfaction;
  r.text = m.customer_opinions();
  r.time = FromProtoTimestamp(e.occur_time());
  return AddFeedback(c, r);
}

void AddPlanHandlers(EventHandlers& h) {
  h.On<ev::VisitPlanCreated>(
      [](MysqlConnection& c, const Event& e, const ev::VisitPlanCreated& m) {
        CSM_RETURN_IF_ERROR(Track(c, e, m.customer()));
        const auto next = OptDate(m.next_due_date());
        if (!next) return absl::OkStatus();
        return AddOccurrence(c, m.visit_plan(), *next, m.customer());
      });
  h.On<ev::VisitRecorded>(ApplyVisit);
  h.On<ev::VisitBecameOverdue>(
      [](MysqlConnection& c, const Event& e, const ev::VisitBecameOverdue& m) {
        CSM_RETURN_IF_ERROR(Track(c, e, m.customer()));
        const auto due = OptDate(m.due_date());
        if (!due) return absl::OkStatus();
        return MarkOccurrenceOverdue(c, m.visit_plan(), *due, m.customer());
      });
  h.On<ev::VisitPlanRescheduled>([](MysqlConnection& c, const Event& e,
                                    const ev::VisitPlanRescheduled& m) {
    CSM_RETURN_IF_ERROR(Track(c, e, m.customer()));
    if (const auto from = OptDate(m.from_due_date())) {
      CSM_RETURN_IF_ERROR(
          DropOccurrences(c, m.visit_plan(), *from, *from, EventDate(e)));
    }
    const auto to = OptDate(m.to_due_date());
    if (!to) return absl::OkStatus();
    return AddOccurrence(c, m.visit_plan(), *to, m.customer());
  });
  h.On<ev::VisitPlanClosed>(
      [](MysqlConnection& c, const Event& e, const ev::VisitPlanClosed& m) {
        CSM_RETURN_IF_ERROR(Track(c, e, m.customer()));
        const absl::CivilDay on = EventDate(e);
        return DropOccurrences(c, m.visit_plan(), on,
                               absl::CivilDay(9999, 12, 31), on);
      });
  // Each plan whose date moved has its own VisitPlanRescheduled.
  h.On<ev::VisitPolicyChanged>(
      [](MysqlConnection&, const Event&, const ev::VisitPolicyChanged&) {
        return absl::OkStatus();
      });
}

void AddPromiseHandlers(EventHandlers& h) {
  h.On<ev::CommunicationRecorded>([](MysqlConnection& c, const Event& e,
                                     const ev::CommunicationRecorded& m) {
    CSM_RETURN_IF_ERROR(Track(c, e, m.customer()));
    const absl::Time contact =
        OptTime(m.contact_time()).value_or(FromProtoTimestamp(e.occur_time()));
    CSM_RETURN_IF_ERROR(
        NoteContact(c, m.customer().name(), BusinessDate(contact)));
    if (!m.has_promise()) return absl::OkStatus();
    return AddPromise(c, m.communication(), m.customer(), m.staff_id(), contact,
                      OptDate(m.promise_due_date()));
  });
  h.On<ev::PromiseKept>(
      [](MysqlConnection& c, const Event& e, const ev::PromiseKept& m) {
        CSM_RETURN_IF_ERROR(Track(c, e, m.customer()));
        return KeepPromise(c, m.communication(),
                           FromProtoTimestamp(e.occur_time()));
      });
  h.On<ev::PromiseBroken>(
      [](MysqlConnection& c, const Event& e, const ev::PromiseBroken& m) {
        CSM_RETURN_IF_ERROR(Track(c, e, m.customer()));
        return BreakPromise(c, m.communication());
      });
}

}  // namespace

void AddVisitEventHandlers(EventHandlers& h) {
  AddPlanHandlers(h);
  AddPromiseHandlers(h);
}

}  // namespace csm::reporting
