// customer-svc's archive events into the customer tables (docs/reports.md,
// sections 5 and 7): the archive row as of each event, and one change row
// per creation or change for the weekly report's new and changed archives.
#include <string>
#include <vector>

#include "common/business_time.h"
#include "common/status.h"
#include "reporting-svc/src/app/event_appliers.h"
#include "reporting-svc/src/store/archive_history.h"
#include "reporting-svc/src/store/batch_rows.h"
#include "reporting-svc/src/store/batch_writes.h"
#include "reporting-svc/src/store/report_tables.h"
#include "reporting-svc/src/store/sql_bind.h"

namespace csm::reporting {
namespace {

absl::Status Track(MysqlConnection& c, const Event& e,
                   const ev::CustomerSnapshot& s) {
  CSM_RETURN_IF_ERROR(UpsertCustomer(c, s));
  // Its pre-aggregated visit and promise figures (archive_aggregates.h).
  CSM_RETURN_IF_ERROR(RememberChangedArchive(c, s.name()));
  CSM_RETURN_IF_ERROR(TrackArchiveVersion(
      c, e.sequence(), FromProtoTimestamp(e.occur_time()), s));
  CSM_RETURN_IF_ERROR(RememberValue(c, "department", s.department()));
  return RememberValue(c, "department", e.actor_department());
}

absl::Status Change(MysqlConnection& c, const Event& e,
                    const ev::CustomerSnapshot& s, bool created,
                    std::vector<std::string> fields) {
  CSM_RETURN_IF_ERROR(Track(c, e, s));
  return AddArchiveChange(c, e.sequence(), s.name(),
                          FromProtoTimestamp(e.occur_time()), created, fields);
}

// A change event whose changed field is implied by its type.
template <typename M>
void ChangeOf(EventHandlers& h, const char* field) {
  h.On<M>([field](MysqlConnection& c, const Event& e, const M& m) {
    return Change(c, e, m.customer(), false, {field});
  });
}

}  // namespace

void AddArchiveEventHandlers(EventHandlers& h) {
  h.On<ev::CustomerCreated>(
      [](MysqlConnection& c, const Event& e, const ev::CustomerCreated& m) {
        return Change(c, e, m.customer(), true, {});
      });
  h.On<ev::CustomerUpdated>(
      [](MysqlConnection& c, const Event& e, const ev::CustomerUpdated& m) {
        return Change(c, e, m.customer(), false,
                      {m.changed_fields().begin(), m.changed_fields().end()});
      });
  ChangeOf<ev::CustomerGradeChanged>(h, "grade");
  ChangeOf<ev::CustomerCreditRatingChanged>(h, "credit_rating");
  ChangeOf<ev::CustomerClosed>(h, "state");
  ChangeOf<ev::CustomerReopened>(h, "state");
  h.On<ev::CustomerOwnerChanged>([](MysqlConnection& c, const Event& e,
                                    const ev::CustomerOwnerChanged& m) {
    CSM_RETURN_IF_ERROR(Change(c, e, m.customer(), false, {"owner_id"}));
    // Occurrences due from the change on are the new owner's.
    return MoveOccurrences(c, m.customer(),
                           BusinessDate(FromProtoTimestamp(e.occur_time())));
  });
  h.On<ev::DealingRecorded>(
      [](MysqlConnection& c, const Event& e, const ev::DealingRecorded& m) {
        CSM_RETURN_IF_ERROR(Track(c, e, m.customer()));
        const std::optional<absl::CivilDay> day = OptDate(m.deal_date());
        if (!day) return absl::OkStatus();
        return NoteDealing(c, m.customer().name(), *day);
      });
}

}  // namespace csm::reporting
