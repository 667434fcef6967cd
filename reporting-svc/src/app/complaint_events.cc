// complaint-svc's events into the complaint tables (docs/reports.md,
// sections 2, 4, 5, 6): every event refreshes the complaint row and its
// deadlines from the snapshot it carries; the countable facts get a row of
// their own, credited as "Departments and staff" says.
#include <string>
#include <vector>

#include "common/business_time.h"
#include "common/status.h"
#include "csm/common/v1/common.pb.h"
#include "reporting-svc/src/app/complaint_aggregates.h"
#include "reporting-svc/src/app/event_appliers.h"
#include "reporting-svc/src/app/refresh_queue.h"
#include "reporting-svc/src/store/batch_rows.h"
#include "reporting-svc/src/store/batch_writes.h"
#include "reporting-svc/src/store/report_tables.h"
#include "reporting-svc/src/store/schedule_store.h"
#include "reporting-svc/src/store/sql_bind.h"

namespace csm::reporting {
namespace {

using csm::common::v1::Satisfaction;

absl::Time OccurTime(const Event& e) {
  return FromProtoTimestamp(e.occur_time());
}

bool Dissatisfied(Satisfaction s) {
  return s == csm::common::v1::SATISFACTION_DISSATISFIED ||
         s == csm::common::v1::SATISFACTION_VERY_DISSATISFIED;
}

// The complaint row, its deadlines and the names filters may use.
absl::Status Track(MysqlConnection& conn, const Event& e,
                   const ev::ComplaintSnapshot& s) {
  CSM_RETURN_IF_ERROR(RememberChangedComplaint(conn, s.name()));
  CSM_RETURN_IF_ERROR(UpsertComplaint(conn, s));
  CSM_RETURN_IF_ERROR(RememberValue(conn, "category", s.category()));
  for (const std::string* d :
       {&s.handling_department(), &s.first_responder_department(),
        &s.resolving_department(), &e.actor_department()}) {
    CSM_RETURN_IF_ERROR(RememberValue(conn, "department", *d));
  }
  for (const ev::DeadlineState& d : s.deadlines()) {
    CSM_RETURN_IF_ERROR(RememberValue(conn, "department", d.met_department()));
    CSM_RETURN_IF_ERROR(
        RememberValue(conn, "department", d.breached_department()));
  }
  return absl::OkStatus();
}

ComplaintFact FactOf(const Event& e, const ev::ComplaintSnapshot& s,
                     std::string fact) {
  ComplaintFact f;
  f.event_sequence = e.sequence();
  f.fact = std::move(fact);
  f.complaint = s.name();
  f.time = OccurTime(e);
  f.department = s.handling_department();
  f.staff_id = e.actor();
  return f;
}

// Credited to the resolution it rates (or that it is).
ComplaintFact ResolutionFact(const Event& e, const ev::ComplaintSnapshot& s,
                             std::string fact) {
  ComplaintFact f = FactOf(e, s, std::move(fact));
  if (!s.resolving_department().empty())
    f.department = s.resolving_department();
  if (!s.resolver_id().empty()) f.staff_id = s.resolver_id();
  return f;
}

FeedbackRow FeedbackOf(const Event& e, const ev::ComplaintSnapshot& s,
                       absl::string_view kind, Satisfaction satisfaction,
                       absl::string_view text) {
  FeedbackRow r;
  r.event_sequence = e.sequence();
  r.source = "complaint";
  r.kind = std::string(kind);
  r.customer = s.customer();
  r.resource = s.name();
  r.complaint = s.name();
  r.staff_id = s.resolver_id();
  r.department = s.resolving_department();
  r.satisfaction = csm::common::v1::Satisfaction_Name(satisfaction);
  r.text = std::string(text);
  r.subject = s.subject();
  r.time = OccurTime(e);
  return r;
}

// Handlers whose only effect is the snapshot.
template <typename M>
void TrackOnly(EventHandlers& h) {
  h.On<M>([](MysqlConnection& c, const Event& e, const M& m) {
    return Track(c, e, m.complaint());
  });
}

// Handlers that add one fact besides the snapshot.
template <typename M>
void TrackWithFact(EventHandlers& h, const char* fact) {
  h.On<M>([fact](MysqlConnection& c, const Event& e, const M& m) {
    CSM_RETURN_IF_ERROR(Track(c, e, m.complaint()));
    return AddComplaintFact(c, FactOf(e, m.complaint(), fact));
  });
}

void AddTransitionHandlers(EventHandlers& h) {
  h.On<ev::ComplaintStateChanged>([](MysqlConnection& c, const Event& e,
                                     const ev::ComplaintStateChanged& m) {
    CSM_RETURN_IF_ERROR(Track(c, e, m.complaint()));
    if (m.action() != "reopen") return absl::OkStatus();
    return AddComplaintFact(c, FactOf(e, m.complaint(), "reopened"));
  });
  h.On<ev::ComplaintResolved>([](MysqlConnection& c, const Event& e,
                                 const ev::ComplaintResolved& m) {
    CSM_RETURN_IF_ERROR(Track(c, e, m.complaint()));
    const ComplaintFact f = ResolutionFact(e, m.complaint(), "resolved");
    CSM_RETURN_IF_ERROR(AddComplaintFact(c, f));
    // The resolution ends the resolving department's holding.
    return AddHolding(c, e.sequence(), f.complaint, f.department, f.staff_id,
                      f.time, m.resolving_department_working_minutes());
  });
  h.On<ev::ComplaintConfirmed>(
      [](MysqlConnection& c, const Event& e, const ev::ComplaintConfirmed& m) {
        const ev::ComplaintSnapshot& s = m.complaint();
        CSM_RETURN_IF_ERROR(Track(c, e, s));
        ComplaintFact f = ResolutionFact(e, s, "confirmed");
        f.detail = csm::common::v1::Satisfaction_Name(m.satisfaction());
        f.reopened = m.reopened();
        CSM_RETURN_IF_ERROR(AddComplaintFact(c, f));
        if (m.reopened()) {
          CSM_RETURN_IF_ERROR(AddComplaintFact(c, FactOf(e, s, "reopened")));
        }
        if (!Dissatisfied(m.satisfaction())) return absl::OkStatus();
        return AddFeedback(
            c, FeedbackOf(e, s, "FEEDBACK_KIND_DISSATISFIED_CONFIRMATION",
                          m.satisfaction(), m.customer_feedback()));
      });
  h.On<ev::ComplaintClosed>([](MysqlConnection& c, const Event& e,
                               const ev::ComplaintClosed& m) {
    const ev::ComplaintSnapshot& s = m.complaint();
    CSM_RETURN_IF_ERROR(Track(c, e, s));
    ComplaintFact f = FactOf(e, s, "closed");
    f.detail =
        csm::common::v1::Satisfaction_Name(m.return_visit_satisfaction());
    CSM_RETURN_IF_ERROR(AddComplaintFact(c, f));
    if (m.return_visit_satisfaction() !=
        csm::common::v1::SATISFACTION_UNSPECIFIED) {
      ComplaintFact visit = ResolutionFact(e, s, "return_visit");
      visit.detail = f.detail;
      CSM_RETURN_IF_ERROR(AddComplaintFact(c, visit));
    }
    if (!Dissatisfied(m.return_visit_satisfaction())) {
      return absl::OkStatus();
    }
    return AddFeedback(
        c, FeedbackOf(e, s, "FEEDBACK_KIND_DISSATISFIED_RETURN_VISIT",
                      m.return_visit_satisfaction(), m.return_visit_notes()));
  });
}

void AddSlaHandlers(EventHandlers& h) {
  // A transfer ends the previous department's holding and moves the
  // complaint in and out (section 3).
  h.On<ev::ComplaintTransferred>([](MysqlConnection& c, const Event& e,
                                    const ev::ComplaintTransferred& m) {
    CSM_RETURN_IF_ERROR(Track(c, e, m.complaint()));
    for (const std::string* d : {&m.from_department(), &m.to_department()}) {
      CSM_RETURN_IF_ERROR(RememberValue(c, "department", *d));
    }
    ComplaintFact out = FactOf(e, m.complaint(), "transfer_out");
    out.department = m.from_department();
    out.staff_id = m.from_handler_id();
    CSM_RETURN_IF_ERROR(AddComplaintFact(c, out));
    ComplaintFact in = FactOf(e, m.complaint(), "transfer_in");
    in.department = m.to_department();
    in.staff_id = m.to_staff_id();
    CSM_RETURN_IF_ERROR(AddComplaintFact(c, in));
    return AddHolding(c, e.sequence(), m.complaint().name(),
                      m.from_department(), m.from_handler_id(), OccurTime(e),
                      m.from_department_working_minutes());
  });
  h.On<ev::ComplaintEscalated>(
      [](MysqlConnection& c, const Event& e, const ev::ComplaintEscalated& m) {
        CSM_RETURN_IF_ERROR(Track(c, e, m.complaint()));
        CSM_RETURN_IF_ERROR(RememberValue(c, "department", m.department()));
        ComplaintFact f = FactOf(e, m.complaint(), "escalated");
        // The rung's own due time puts it into a period, not the sweep's.
        f.time = OptTime(m.due_time()).value_or(f.time);
        f.department = m.department();
        f.staff_id = m.handler_id();
        f.detail = m.level();
        return AddComplaintFact(c, f);
      });
  h.On<ev::ComplaintDeadlineBreached>(
      [](MysqlConnection& c, const Event& e,
         const ev::ComplaintDeadlineBreached& m) {
        CSM_RETURN_IF_ERROR(Track(c, e, m.complaint()));
        CSM_RETURN_IF_ERROR(RememberValue(c, "department", m.department()));
        return MarkDeadlineBreached(
            c, m.complaint().name(), m.deadline(),
            OptTime(m.due_time()).value_or(FromProtoTimestamp(e.occur_time())),
            m.department(), m.handler_id());
      });
}

void AddFaultHandlers(EventHandlers& h) {
  h.On<ev::FaultReportCreated>(
      [](MysqlConnection& c, const Event& e, const ev::FaultReportCreated& m) {
        const std::vector<std::string> complaints(m.complaints().begin(),
                                                  m.complaints().end());
        CSM_RETURN_IF_ERROR(AddFault(c, m.fault_report(), m.title(),
                                     OptTime(m.fault_time()), OccurTime(e),
                                     static_cast<int>(complaints.size())));
        // It reads the complaint rows: the batch's must be written first.
        CSM_RETURN_IF_ERROR(FlushBatchRows(c));
        return AddFaultDepartments(c, m.fault_report(), complaints);
      });
  h.On<ev::FaultAnalysisSubmitted>([](MysqlConnection& c, const Event&,
                                      const ev::FaultAnalysisSubmitted& m) {
    return MarkFaultAnalysed(c, m.fault_report());
  });
  // The working minutes arrive computed in the events; the calendar gives
  // the scheduled snapshots their working days.
  h.On<ev::BusinessCalendarChanged>(
      [](MysqlConnection& c, const Event&,
         const ev::BusinessCalendarChanged& m) { return SaveCalendar(c, m); });
}

}  // namespace

void AddComplaintEventHandlers(EventHandlers& h) {
  TrackOnly<ev::ComplaintRegistered>(h);
  TrackOnly<ev::ComplaintInvestigated>(h);
  TrackOnly<ev::ComplaintDeadlineWarning>(h);
  TrackOnly<ev::GeneralManagerNotified>(h);
  TrackWithFact<ev::ComplaintLinked>(h, "linked");
  TrackWithFact<ev::ComplaintRejected>(h, "rejected");
  AddTransitionHandlers(h);
  AddSlaHandlers(h);
  AddFaultHandlers(h);
}

EventHandlers HandlersOf(absl::string_view source) {
  EventHandlers h;
  h.OnBatch(BeginBatchRows, FlushBatchRows);
  h.OnBatch(BeginBatchWrites, FlushBatchWrites);
  // After the batch's other writes: the contributions read them.
  h.OnBatch([](MysqlConnection&) {},
            [source = std::string(source)](MysqlConnection& c) {
              return RefreshChangedComplaints(c, source);
            });
  // Sweeps and service accounts act for no department ("").
  h.OnEvery([](MysqlConnection& c, const Event& e) -> absl::Status {
    if (e.actor_department().empty() || e.actor().empty()) {
      return absl::OkStatus();
    }
    return RememberStaffDepartment(c, e.actor(), e.actor_department(),
                                   OccurTime(e));
  });
  if (source == kComplaintSource) {
    AddComplaintEventHandlers(h);
  } else {
    AddArchiveEventHandlers(h);
    AddVisitEventHandlers(h);
  }
  return h;
}

}  // namespace csm::reporting
