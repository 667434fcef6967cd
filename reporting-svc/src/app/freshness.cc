// GetFreshness and the freshness block of every report: per source, the
// last applied sequence and its event time (from the cursor rows, read in
// the report's own snapshot; the last one every figure holds while names
// of the source wait in the refresh queue, app/refresh_queue.h), whether its
// follower stopped and why.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "common/business_time.h"
#include "common/event_cursor.h"
#include "common/status.h"
#include "cppconn/resultset.h"
#include "cppconn/statement.h"
#include "reporting-svc/src/app/reports.h"
#include "reporting-svc/src/store/refresh_queue.h"

namespace csm::reporting {

absl::Status ReadSnapshot(
    const ReportContext& ctx, const CallContext& call,
    const std::function<absl::Status(MysqlConnection&)>& read) {
  return RunInTransaction(*ctx.pool, call.deadline, read);
}

absl::StatusOr<rv1::Freshness> ReadFreshness(
    MysqlConnection& conn, const std::vector<FollowerStatus>& followers,
    absl::Time now) {
  std::map<std::string, EventCursor> cursors;
  std::unique_ptr<sql::ResultSet> rs(
      conn.Prepare("SELECT source, last_sequence, last_event_id, "
                   "TIMESTAMPDIFF(MICROSECOND, '1970-01-01', last_event_time), "
                   "TIMESTAMPDIFF(MICROSECOND, '1970-01-01', apply_time), "
                   "skipped_unknown FROM event_cursors")
          .executeQuery());
  while (rs->next()) {
    EventCursor& c = cursors[rs->getString(1)];
    c.last_sequence = rs->getInt64(2);
    if (!rs->isNull(4))
      c.last_event_time = absl::FromUnixMicros(rs->getInt64(4));
    if (!rs->isNull(5)) c.apply_time = absl::FromUnixMicros(rs->getInt64(5));
    c.skipped_unknown = rs->getInt64(6);
  }
  // While a catch-up's names wait in the refresh queue, the pre-aggregated
  // figures hold every event of their source up to the oldest one's
  // position, not up to the cursor: that is what a report says.
  for (auto& [source, c] : cursors) {
    std::optional<QueuedSince> q = OldestQueuedPosition(conn, source);
    if (q && q->sequence < c.last_sequence) {
      c.last_sequence = q->sequence;
      c.last_event_time = q->event_time;
    }
  }
  rv1::Freshness out;
  for (const FollowerStatus& f : followers) {
    rv1::SourceFreshness* s = out.add_sources();
    s->set_source(f.source);
    s->set_stopped(f.stopped);
    s->set_stop_reason(f.stop_reason);
    auto it = cursors.find(f.source);
    if (it == cursors.end()) continue;
    const EventCursor& c = it->second;
    s->set_last_applied_sequence(c.last_sequence);
    if (c.last_event_time != absl::InfinitePast()) {
      ToProtoTimestamp(c.last_event_time, s->mutable_last_event_time());
    }
    if (c.apply_time != absl::InfinitePast()) {
      ToProtoTimestamp(c.apply_time, s->mutable_apply_time());
    }
    s->set_skipped_unknown_events(c.skipped_unknown);
  }
  ToProtoTimestamp(now, out.mutable_compute_time());
  return out;
}

absl::StatusOr<rv1::Freshness> GetFreshness(const ReportContext& ctx,
                                            const CallContext& call) {
  rv1::Freshness out;
  const std::vector<FollowerStatus> followers = ctx.followers();
  CSM_RETURN_IF_ERROR(
      ReadSnapshot(ctx, call, [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(out, ReadFreshness(conn, followers, absl::Now()));
        return absl::OkStatus();
      }));
  return out;
}

}  // namespace csm::reporting
