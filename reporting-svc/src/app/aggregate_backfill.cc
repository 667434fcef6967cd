#include "reporting-svc/src/app/aggregate_backfill.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log.h"
#include "common/status.h"
#include "cppconn/resultset.h"
#include "reporting-svc/src/app/complaint_aggregates.h"
#include "reporting-svc/src/store/complaint_aggregates.h"

namespace csm::reporting {
namespace {

constexpr char kLock[] = "'csm_reporting_aggregate_backfill'";
constexpr int kChunk = 500;
// A second replica waits this long for the first one's backfill, then
// fails its start (and is restarted: by then it is done).
constexpr int kLockWaitSeconds = 600;

bool TakeLock(MysqlConnection& conn) {
  std::unique_ptr<sql::ResultSet> rs(
      conn.Prepare(absl::StrCat("SELECT GET_LOCK(", kLock, ", ",
                                kLockWaitSeconds, ")"))
          .executeQuery());
  return rs->next() && rs->getInt(1) == 1;
}

void ReleaseLock(MysqlConnection& conn) {
  std::unique_ptr<sql::ResultSet> rs(
      conn.Prepare(absl::StrCat("SELECT RELEASE_LOCK(", kLock, ")"))
          .executeQuery());
}

using NamesAfter = std::vector<std::string> (*)(MysqlConnection&,
                                                const std::string&, int);

// One chunk of the complaints (then the archives: `*archives`) after
// `*after` in its own transaction; false when none is left (and then the
// backfill is marked done in that transaction).
absl::StatusOr<bool> NextChunk(MysqlConnection& conn, std::string* after,
                               bool* archives) {
  bool more = false;
  CSM_RETURN_IF_ERROR(RunInTransactionOn(
      conn, absl::Now() + absl::Minutes(10),
      [&](MysqlConnection& c) -> absl::Status {
        NamesAfter next = *archives ? ArchiveNamesAfter : ComplaintNamesAfter;
        std::vector<std::string> names = next(c, *after, kChunk);
        if (names.empty() && !*archives) {
          *archives = true;
          after->clear();
          names = ArchiveNamesAfter(c, *after, kChunk);
        }
        if (names.empty()) {
          MarkAggregatesBackfilled(c);
          return absl::OkStatus();
        }
        CSM_RETURN_IF_ERROR(RefreshNamed(c, names));
        *after = names.back();
        more = true;
        return absl::OkStatus();
      }));
  return more;
}

absl::Status BackfillOn(MysqlConnection& conn) {
  if (AggregatesBackfilled(conn)) return absl::OkStatus();
  log::Info(
      "filling the pre-aggregated figures of the stored complaints and "
      "archives");
  std::string after;
  bool archives = false;
  int64_t chunks = 0;
  for (;;) {
    CSM_ASSIGN_OR_RETURN(bool more, NextChunk(conn, &after, &archives));
    if (!more) break;
    ++chunks;
  }
  log::Info("pre-aggregated figures filled",
            {{"complaints_chunks", absl::StrCat(chunks)}});
  return absl::OkStatus();
}

}  // namespace

absl::Status BackfillAggregates(MysqlPool& pool) {
  return RunWithConnection(
      pool, absl::Now() + absl::Hours(2),
      [](MysqlConnection& conn) -> absl::Status {
        if (AggregatesBackfilled(conn)) return absl::OkStatus();
        if (!TakeLock(conn)) {
          return absl::UnavailableError(absl::StrCat(
              "another reporting-svc has been filling the pre-aggregated "
              "figures for ",
              kLockWaitSeconds, " s; start again when it has finished"));
        }
        const absl::Status s = BackfillOn(conn);
        ReleaseLock(conn);
        return s;
      });
}

}  // namespace csm::reporting
