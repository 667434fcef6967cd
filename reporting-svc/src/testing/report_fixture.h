// Test support: a real reporting-svc (in-process, real gRPC, a fresh
// database of the fixture's MariaDB) whose tables are fed with events the
// test builds itself, applied through the same ApplyEvents the followers
// use; and a hand-written week of events (2026-W47) whose every figure
// docs/reports.md lets a person compute.
#ifndef CSM_REPORTING_SVC_TESTING_REPORT_FIXTURE_H_
#define CSM_REPORTING_SVC_TESTING_REPORT_FIXTURE_H_

#include <google/protobuf/message.h>
#include <grpcpp/grpcpp.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/business_time.h"
#include "common/event_cursor.h"
#include "csm/events/v1/complaint_events.pb.h"
#include "csm/events/v1/customer_events.pb.h"
#include "csm/reporting/v1/complaint_reports.grpc.pb.h"
#include "csm/reporting/v1/report_config.grpc.pb.h"
#include "csm/reporting/v1/reports.grpc.pb.h"
#include "csm/reporting/v1/snapshots.grpc.pb.h"
#include "gtest/gtest.h"
#include "reporting-svc/src/app/event_appliers.h"
#include "reporting-svc/src/reporting_server.h"
#include "tests/testing/test_database.h"

namespace csm::reporting::testing {

namespace ev = ::csm::events::v1;
namespace rv1 = ::csm::reporting::v1;

// Beijing wall time as an instant.
absl::Time Beijing(int y, int m, int d, int hh, int mm = 0);

// The event envelope of `payload` from `source`, with the next sequence of
// that source.
class EventLog {
 public:
  Event Add(absl::string_view source, absl::Time at,
            const google::protobuf::Message& payload,
            absl::string_view actor = "system",
            absl::string_view actor_department = "");
  const std::vector<Event>& of(absl::string_view source) const;
  int64_t last(absl::string_view source) const;

 private:
  std::map<std::string, std::vector<Event>, std::less<>> events_;
};

// The hand-computed week (docs/reports.md, examples): two complaints, two
// archives, visits, promises.
void WriteWeek47(EventLog& log);

class ReportFixture : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Applies the log's events of both sources in batches of `batch`.
  void ApplyAll(const EventLog& log, size_t batch = 4);
  // Applies the log's events of `source` from the `from`-th on, in batches
  // of `batch`.
  void ApplyFrom(const EventLog& log, absl::string_view source, size_t from,
                 size_t batch);
  // Runs each statement in one transaction; the first column of the last
  // statement's first row (or -1).
  int64_t Sql(const std::vector<std::string>& statements);
  // Every report table's rows, as text, for comparisons.
  std::string DumpTables();
  // Empties the report tables and the cursors: the next ApplyAll starts
  // from sequence 1 again.
  void ClearTablesAndCursors();
  // Recomputes every report table from the log's events of both sources,
  // as RebuildReports does from the sources (on this thread).
  absl::StatusOr<rv1::Rebuild> RebuildFrom(const EventLog& log);

  std::unique_ptr<grpc::ClientContext> Context(const std::string& staff,
                                               RoleSet roles,
                                               const std::string& dept);
  std::unique_ptr<grpc::ClientContext> ManagerContext() {
    return Context("gm.zhou", {Role::kGeneralManager}, "总经办");
  }
  std::unique_ptr<grpc::ClientContext> Archivist() {
    return Context("dang.an", {Role::kArchivist}, "档案室");
  }

  std::unique_ptr<::csm::testing::TestDatabase> db_;
  TokenVerifier verifier_{::csm::testing::kTestJwtSecret,
                          ::csm::testing::kTestIssuer};
  std::unique_ptr<ReportingServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<rv1::ReportService::Stub> reports_;
  std::unique_ptr<rv1::ComplaintReportService::Stub> complaint_reports_;
  std::unique_ptr<rv1::ReportConfigService::Stub> config_;
  EventHandlers complaint_handlers_ = HandlersOf(kComplaintSource);
  EventHandlers customer_handlers_ = HandlersOf(kCustomerSource);
};

// ReportFixture with the week 2026-W47 applied.
class Week47Fixture : public ReportFixture {
 protected:
  void SetUp() override;

  EventLog log_;
};

// A reporting-svc on `db` that follows nothing (tests apply events) and
// takes snapshots only when the test runs its job, at `clock`'s time.
absl::StatusOr<std::unique_ptr<ReportingServer>> StartReportingServer(
    const ::csm::testing::TestDatabase& db, const TokenVerifier* verifier,
    const Clock* clock = &Clock::Real());

// Every report table's rows (ReportTables()), as text, for comparing a
// rebuild or a restart with the live run.
std::string DumpReportTables(MysqlPool& pool);

// numerator/denominator=percent ("2/3=66.67"), or "no data".
std::string R(const rv1::Ratio& r);

// field -> description of a failed call's BadRequest.
std::vector<std::pair<std::string, std::string>> Violations(
    const grpc::Status& status);

// A PERIOD_KIND_WEEK / MONTH period.
rv1::Period Week(int year, int week);
rv1::Period Month(int year, int month);

}  // namespace csm::reporting::testing

#endif  // CSM_REPORTING_SVC_TESTING_REPORT_FIXTURE_H_
