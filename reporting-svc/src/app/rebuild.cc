#include "reporting-svc/src/app/rebuild.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/business_time.h"
#include "common/log.h"
#include "common/sql_rows.h"
#include "common/sql_values.h"
#include "common/status.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"
#include "reporting-svc/src/app/refresh_queue.h"
#include "reporting-svc/src/store/report_tables.h"

namespace csm::reporting {
namespace {

using ResultSetPtr = std::unique_ptr<sql::ResultSet>;

// Named after the schema, as the migration lock is (common/migrations.cc):
// MySQL's locks are server-wide, and reporting schemas sharing a server
// (tests in parallel, two deployments) must not block each other's rebuild.
constexpr char kLockName[] = "csm_reporting_rebuild:";
constexpr char kLockOfThisSchema[] =
    "LEFT(CONCAT(?, IFNULL(DATABASE(), '')), 64)";
constexpr absl::Duration kShortTimeout = absl::Seconds(10);
// The whole rebuild's bound: one year of history replays in minutes.
constexpr absl::Duration kRebuildTimeout = absl::Hours(2);
// Events per batch of a replay: the followers' default batch.
constexpr int64_t kReplayBatch = 500;

int64_t Int(MysqlConnection& conn, const std::string& query,
            const std::string& arg) {
  sql::PreparedStatement& st = conn.Prepare(query);
  st.setString(1, arg);
  ResultSetPtr rs(st.executeQuery());
  return rs->next() && !rs->isNull(1) ? rs->getInt64(1) : 0;
}

// "source=target/applied;..." in the rebuild row.
std::string SourcesText(const std::vector<rv1::RebuildSource>& sources) {
  std::vector<std::string> parts;
  for (const rv1::RebuildSource& s : sources) {
    parts.push_back(absl::StrCat(s.source(), "=", s.target_sequence(), "/",
                                 s.applied_sequence()));
  }
  return absl::StrJoin(parts, ";");
}

void ParseSources(absl::string_view text, rv1::Rebuild* out) {
  for (absl::string_view part : absl::StrSplit(text, ';', absl::SkipEmpty())) {
    std::pair<std::string, std::string> kv = absl::StrSplit(part, '=');
    std::pair<std::string, std::string> nums = absl::StrSplit(kv.second, '/');
    rv1::RebuildSource* s = out->add_sources();
    s->set_source(kv.first);
    int64_t n = 0;
    if (absl::SimpleAtoi(nums.first, &n)) s->set_target_sequence(n);
    if (absl::SimpleAtoi(nums.second, &n)) s->set_applied_sequence(n);
  }
}

absl::Status Finish(MysqlPool& pool, int64_t id, const absl::Status& result,
                    const std::vector<rv1::RebuildSource>& sources) {
  return RunWithConnection(
      pool, absl::Now() + kShortTimeout,
      [&](MysqlConnection& conn) -> absl::Status {
        sql::PreparedStatement& st = conn.Prepare(
            "UPDATE rebuilds SET state = ?, end_time = ?, error = ?, "
            "sources = ? WHERE id = ?");
        st.setString(1, result.ok() ? "SUCCEEDED" : "FAILED");
        st.setString(2, ToSqlTime(absl::Now()));
        st.setString(3, std::string(Truncate(result.message(), 500)));
        st.setString(4, SourcesText(sources));
        st.setInt64(5, id);
        st.executeUpdate();
        return absl::OkStatus();
      });
}

}  // namespace

ReportRebuild::ReportRebuild(MysqlPool* pool, std::vector<ReplaySource> sources)
    : pool_(pool), sources_(std::move(sources)) {}

ReportRebuild::~ReportRebuild() {
  std::lock_guard<std::mutex> lock(mu_);
  if (worker_.joinable()) worker_.join();
}

absl::StatusOr<int64_t> ReportRebuild::Claim(PooledConnection& conn,
                                             absl::string_view requester) {
  try {
    if (Int(*conn, absl::StrCat("SELECT GET_LOCK(", kLockOfThisSchema, ", 0)"),
            kLockName) != 1) {
      ResultSetPtr rs(
          conn->Prepare("SELECT MAX(id) FROM rebuilds WHERE state = 'RUNNING'")
              .executeQuery());
      const int64_t running = rs->next() ? rs->getInt64(1) : 0;
      return absl::FailedPreconditionError(absl::StrCat(
          "rebuilds/", running, " is running; one rebuild at a time"));
    }
    // A RUNNING row without the lock was interrupted (its process died).
    conn->Prepare(
            "UPDATE rebuilds SET state = 'FAILED', error = 'interrupted: the "
            "process running it stopped' WHERE state = 'RUNNING'")
        .executeUpdate();
    sql::PreparedStatement& st = conn->Prepare(
        "INSERT INTO rebuilds (state, requester_id, start_time, error, "
        "sources) VALUES ('RUNNING', ?, ?, '', '') RETURNING id");
    st.setString(1, std::string(requester.substr(0, 128)));
    st.setString(2, ToSqlTime(absl::Now()));
    return sql_rows::InsertedId(st);
  } catch (const sql::SQLException& e) {
    return FromSqlException(e, &*conn);
  }
}

absl::Status ReportRebuild::Replay(MysqlConnection& conn,
                                   std::vector<rv1::RebuildSource>* progress) {
  std::vector<EventCursor> cursors;
  for (const ReplaySource& s : sources_) {
    // Locked until commit: no follower (here or on a replica) applies
    // meanwhile, so the rebuilt tables end exactly where the live ones did.
    CSM_ASSIGN_OR_RETURN(EventCursor c, LockEventCursor(conn, s.source));
    cursors.push_back(c);
    rv1::RebuildSource* p = &progress->emplace_back();
    p->set_source(s.source);
    p->set_target_sequence(c.last_sequence);
  }
  CSM_RETURN_IF_ERROR(ClearReportTables(conn));
  for (size_t i = 0; i < sources_.size(); ++i) {
    const ReplaySource& s = sources_[i];
    const EventCursor& target = cursors[i];
    rv1::RebuildSource& p = (*progress)[i];
    std::string last_id;
    // In batches as the followers apply them, so that what the handlers
    // gather over a batch stays bounded.
    int64_t in_batch = 0;
    s.handlers->BeginBatch(conn);
    CSM_RETURN_IF_ERROR(
        s.replay(target.last_sequence, [&](const Event& e) -> absl::Status {
          if (++in_batch > kReplayBatch) {
            CSM_RETURN_IF_ERROR(s.handlers->EndBatch(conn));
            s.handlers->BeginBatch(conn);
            in_batch = 1;
          }
          absl::Status applied = s.handlers->Apply(conn, e);
          if (!applied.ok() && !(absl::IsNotFound(applied) &&
                                 !s.handlers->Knows(e.event_type()))) {
            return absl::Status(applied.code(),
                                absl::StrCat(s.source, " event ", e.sequence(),
                                             ": ", applied.message()));
          }
          p.set_applied_sequence(e.sequence());
          last_id = e.event_id();
          return absl::OkStatus();
        }));
    CSM_RETURN_IF_ERROR(s.handlers->EndBatch(conn));
    if (target.last_sequence > 0 && last_id != target.last_event_id) {
      return absl::FailedPreconditionError(absl::StrCat(
          s.source, "'s event ", target.last_sequence,
          " is not the one the live tables applied: its history changed "
          "(a restored database?); see docs/operations.md"));
    }
  }
  // What the batches queued: every contribution and day row computed once.
  return RefreshAllComplaints(conn);
}

void ReportRebuild::Run(PooledConnection lock_conn, int64_t id) {
  log::Info("rebuild started", {{"rebuild", absl::StrCat("rebuilds/", id)}});
  for (const ReplaySource& s : sources_) s.pause();
  std::vector<rv1::RebuildSource> progress;
  absl::Status result = RunInTransaction(
      *pool_, absl::Now() + kRebuildTimeout,
      [&](MysqlConnection& conn) {
        progress.clear();
        return Replay(conn, &progress);
      },
      /*max_attempts=*/1);
  for (const ReplaySource& s : sources_) s.resume();
  absl::Status recorded = Finish(*pool_, id, result, progress);
  try {
    Int(*lock_conn,
        absl::StrCat("SELECT RELEASE_LOCK(", kLockOfThisSchema, ")"),
        kLockName);
  } catch (const sql::SQLException& e) {
    (void)FromSqlException(e, &*lock_conn);
  }
  log::Info("rebuild finished",
            {{"rebuild", absl::StrCat("rebuilds/", id)},
             {"code", absl::StatusCodeToString(result.code())},
             {"recorded", absl::StatusCodeToString(recorded.code())}});
}

absl::StatusOr<rv1::Rebuild> ReportRebuild::Start(const CallContext& call) {
  std::lock_guard<std::mutex> lock(mu_);
  if (worker_.joinable()) worker_.join();  // the previous one has ended
  CSM_ASSIGN_OR_RETURN(PooledConnection conn, pool_->Borrow(call.deadline));
  CSM_ASSIGN_OR_RETURN(int64_t id, Claim(conn, call.principal.staff_id));
  CSM_ASSIGN_OR_RETURN(rv1::Rebuild started, Read(id));
  worker_ = std::thread(
      [this, c = std::move(conn), id]() mutable { Run(std::move(c), id); });
  return started;
}

absl::StatusOr<rv1::Rebuild> ReportRebuild::RunNow(
    absl::string_view requester) {
  std::lock_guard<std::mutex> lock(mu_);
  CSM_ASSIGN_OR_RETURN(PooledConnection conn,
                       pool_->Borrow(absl::Now() + kShortTimeout));
  CSM_ASSIGN_OR_RETURN(int64_t id, Claim(conn, requester));
  Run(std::move(conn), id);
  return Read(id);
}

absl::StatusOr<rv1::Rebuild> ReportRebuild::Get(const CallContext&,
                                                absl::string_view name) const {
  int64_t id = 0;
  if (!absl::ConsumePrefix(&name, "rebuilds/") ||
      !absl::SimpleAtoi(name, &id) || id <= 0) {
    return InvalidField("name", "must be rebuilds/{id}");
  }
  return Read(id);
}

absl::StatusOr<rv1::Rebuild> ReportRebuild::Read(int64_t id) const {
  std::optional<rv1::Rebuild> out;
  CSM_RETURN_IF_ERROR(RunWithConnection(
      *pool_, absl::Now() + kShortTimeout,
      [&](MysqlConnection& conn) -> absl::Status {
        sql::PreparedStatement& st = conn.Prepare(
            "SELECT state, requester_id, start_time, end_time, error, "
            "sources FROM rebuilds WHERE id = ?");
        st.setInt64(1, id);
        ResultSetPtr rs(st.executeQuery());
        if (!rs->next()) return absl::OkStatus();
        rv1::Rebuild& r = out.emplace();
        r.set_name(absl::StrCat("rebuilds/", id));
        rv1::RebuildState state;
        if (rv1::RebuildState_Parse(
                absl::StrCat("REBUILD_STATE_", std::string(rs->getString(1))),
                &state)) {
          r.set_state(state);
        }
        r.set_requester_id(rs->getString(2));
        CSM_ASSIGN_OR_RETURN(absl::Time start,
                             FromSqlTime(std::string(rs->getString(3))));
        ToProtoTimestamp(start, r.mutable_start_time());
        if (!rs->isNull(4)) {
          CSM_ASSIGN_OR_RETURN(absl::Time end,
                               FromSqlTime(std::string(rs->getString(4))));
          ToProtoTimestamp(end, r.mutable_end_time());
        }
        r.set_error(rs->getString(5));
        ParseSources(std::string(rs->getString(6)), &r);
        return absl::OkStatus();
      }));
  if (!out.has_value()) {
    return absl::NotFoundError(
        absl::StrCat("rebuilds/", id, " does not exist"));
  }
  return *out;
}

}  // namespace csm::reporting
