// The writes gathered over a batch (store/batch_writes.h) leave exactly the
// tables that one write per event left: whatever the batch size, with a
// failed batch in between, and outside a batch.
#include "reporting-svc/src/store/batch_writes.h"

#include <memory>
#include <string>

#include "absl/time/clock.h"
#include "cppconn/resultset.h"
#include "cppconn/statement.h"
#include "gtest/gtest.h"
#include "reporting-svc/src/store/report_tables.h"
#include "reporting-svc/src/testing/report_fixture.h"

namespace csm::reporting::testing {
namespace {

class BatchWritesTest : public ReportFixture {
 protected:
  // Empties the report tables and the cursors: the next ApplyAll starts
  // from sequence 1 again.
  void Reset() {
    absl::Status s = RunInTransaction(
        server_->pool(), absl::Now() + absl::Seconds(10),
        [](MysqlConnection& conn) -> absl::Status {
          CSM_RETURN_IF_ERROR(ClearReportTables(conn));
          conn.Prepare("DELETE FROM event_cursors").executeUpdate();
          return absl::OkStatus();
        });
    ASSERT_TRUE(s.ok()) << s;
  }

  std::string KnownValues() {
    std::string out;
    absl::Status s = RunWithConnection(
        server_->pool(), absl::Now() + absl::Seconds(10),
        [&](MysqlConnection& conn) -> absl::Status {
          std::unique_ptr<sql::Statement> st(conn.raw().createStatement());
          std::unique_ptr<sql::ResultSet> rs(st->executeQuery(
              "SELECT kind, value FROM known_values ORDER BY 1, 2"));
          while (rs->next()) {
            absl::StrAppend(&out, std::string(rs->getString(1)), "=",
                            std::string(rs->getString(2)), ";");
          }
          return absl::OkStatus();
        });
    EXPECT_TRUE(s.ok()) << s;
    return out;
  }
};

TEST_F(BatchWritesTest, EveryBatchSizeLeavesTheSameTables) {
  EventLog log;
  WriteWeek47(log);
  ASSERT_NO_FATAL_FAILURE(ApplyAll(log, 1));
  const std::string one_by_one = DumpTables();
  // The week names its departments and staff many times over.
  EXPECT_NE(one_by_one.find("仓储物流"), std::string::npos);
  for (size_t batch : {2u, 3u, 7u, 500u}) {
    ASSERT_NO_FATAL_FAILURE(Reset());
    ASSERT_NO_FATAL_FAILURE(ApplyAll(log, batch));
    EXPECT_EQ(DumpTables(), one_by_one) << "batches of " << batch;
  }
}

TEST_F(BatchWritesTest, WhatAFailedBatchGatheredIsDropped) {
  absl::Status failed = RunInTransaction(
      server_->pool(), absl::Now() + absl::Seconds(10),
      [](MysqlConnection& conn) -> absl::Status {
        BeginBatchWrites(conn);
        CSM_RETURN_IF_ERROR(RememberValue(conn, "department", "回滚部"));
        return absl::AbortedError("the batch fails before its end");
      });
  ASSERT_TRUE(absl::IsAborted(failed)) << failed;
  // The pool hands the same connection out again: its next batch starts
  // empty.
  absl::Status next = RunInTransaction(
      server_->pool(), absl::Now() + absl::Seconds(10),
      [](MysqlConnection& conn) -> absl::Status {
        BeginBatchWrites(conn);
        CSM_RETURN_IF_ERROR(RememberValue(conn, "department", "客服部"));
        CSM_RETURN_IF_ERROR(RememberValue(conn, "department", "客服部"));
        CSM_RETURN_IF_ERROR(RememberValue(conn, "category", "quality"));
        return FlushBatchWrites(conn);
      });
  ASSERT_TRUE(next.ok()) << next;
  EXPECT_EQ(KnownValues(), "category=quality;department=客服部;");
}

TEST_F(BatchWritesTest, OutsideABatchAWriteIsMadeAtOnce) {
  absl::Status s =
      RunWithConnection(server_->pool(), absl::Now() + absl::Seconds(10),
                        [](MysqlConnection& conn) -> absl::Status {
                          return RememberValue(conn, "department", "仓储物流");
                        });
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(KnownValues(), "department=仓储物流;");
}

}  // namespace
}  // namespace csm::reporting::testing
