// RebuildReports and `reporting-svc --rebuild`: every report table
// recomputed from sequence 0 of every source up to what the live tables
// have applied (each source's cursor), in ONE transaction: readers keep
// seeing the live tables until the rebuilt ones commit, then the new ones
// at once; on any error nothing changes. The followers pause meanwhile
// (another replica's wait on the locked cursors). One rebuild at a time
// across replicas (a MySQL named lock); snapshots are never touched.
#ifndef CSM_REPORTING_SVC_APP_REBUILD_H_
#define CSM_REPORTING_SVC_APP_REBUILD_H_

#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/call_context.h"
#include "common/event_cursor.h"
#include "common/mysql_pool.h"
#include "csm/reporting/v1/report_config.pb.h"

namespace csm::reporting {

namespace rv1 = ::csm::reporting::v1;

// One source to replay, and its live follower.
struct ReplaySource {
  std::string source;
  const EventHandlers* handlers;
  // Streams the events after 0 up to and including `upto` into `apply`.
  std::function<absl::Status(
      int64_t upto, const std::function<absl::Status(const Event&)>& apply)>
      replay;
  // The live follower (no-ops when there is none).
  std::function<void()> pause = [] {};
  std::function<void()> resume = [] {};
};

class ReportRebuild {
 public:
  ReportRebuild(MysqlPool* pool, std::vector<ReplaySource> sources);
  ~ReportRebuild();  // waits for a rebuild in progress
  ReportRebuild(const ReportRebuild&) = delete;
  ReportRebuild& operator=(const ReportRebuild&) = delete;

  // Starts a rebuild in the background (archivists). FAILED_PRECONDITION
  // naming the running one while another runs (here or on another replica).
  absl::StatusOr<rv1::Rebuild> Start(const CallContext& call);
  // NOT_FOUND for an unknown name; INVALID_ARGUMENT for a malformed one.
  absl::StatusOr<rv1::Rebuild> Get(const CallContext& call,
                                   absl::string_view name) const;
  // One rebuild on the caller's thread; the finished Rebuild (FAILED with
  // its error when it failed).
  absl::StatusOr<rv1::Rebuild> RunNow(absl::string_view requester);

 private:
  // Claims the rebuild lock on `conn` and records a RUNNING rebuild.
  absl::StatusOr<int64_t> Claim(PooledConnection& conn,
                                absl::string_view requester);
  void Run(PooledConnection conn, int64_t id);
  absl::Status Replay(MysqlConnection& conn,
                      std::vector<rv1::RebuildSource>* progress);
  absl::StatusOr<rv1::Rebuild> Read(int64_t id) const;

  MysqlPool* pool_;
  std::vector<ReplaySource> sources_;
  std::mutex mu_;
  std::thread worker_;
};

}  // namespace csm::reporting

#endif  // CSM_REPORTING_SVC_APP_REBUILD_H_
