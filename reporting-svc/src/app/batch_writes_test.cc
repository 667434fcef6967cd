// The writes gathered over a batch (store/batch_writes.h,
// store/batch_rows.h) leave exactly the tables that one write per event
// left: whatever the batch size (with several events of one complaint in a
// batch, a breach, a fault reading the complaint rows), with a failed batch
// in between, and outside a batch.
#include "reporting-svc/src/store/batch_writes.h"

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "cppconn/resultset.h"
#include "cppconn/statement.h"
#include "gtest/gtest.h"
#include "reporting-svc/src/store/report_tables.h"
#include "reporting-svc/src/testing/complaint_history.h"
#include "reporting-svc/src/testing/report_fixture.h"

namespace csm::reporting::testing {
namespace {

// The week, and generated complaints whose events follow one another
// (registered, breached, escalated, accepted, transferred, resolved,
// reopened...), a fault naming some of them while their rows are still
// gathered, and a breach naming no department.
void WriteHistory(EventLog& log) {
  WriteWeek47(log);
  std::mt19937 rng(20261202);
  std::vector<Story> stories(kComplaints, Story{&log, &rng, {}, {}});
  for (int i = 0; i < kComplaints; ++i) FirstPhase(stories[i], 1000 + i);
  ev::FaultReportCreated fault;
  fault.set_fault_report("faultReports/batch");
  fault.set_title("批次故障");
  for (int i = 0; i < kComplaints; i += 3) {
    fault.add_complaints(stories[i].s.name());
  }
  log.Add(kComplaintSource, stories[0].t, fault);
  for (Story& st : stories) {
    SecondPhase(st);
    if (st.Chance(40)) EscalateAgain(st);
  }
  Story& last = stories.back();
  ev::ComplaintDeadlineBreached b;
  b.set_deadline(kHandling);
  ToProtoTimestamp(last.t, b.mutable_due_time());
  last.Add(b);
}

class BatchWritesTest : public ReportFixture {
 protected:
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
  WriteHistory(log);
  ASSERT_GT(log.of(kComplaintSource).size(), 300u);
  ASSERT_NO_FATAL_FAILURE(ApplyAll(log, 1));
  const std::string one_by_one = DumpTables();
  // The week names its departments and staff many times over.
  EXPECT_NE(one_by_one.find("仓储物流"), std::string::npos);
  // The fault found the complaint rows it reads.
  EXPECT_GT(Sql({"SELECT COUNT(*) FROM fault_departments WHERE fault = "
                 "'faultReports/batch'"}),
            0);
  for (size_t batch : {2u, 3u, 7u, 50u, 500u}) {
    ASSERT_NO_FATAL_FAILURE(ClearTablesAndCursors());
    ASSERT_NO_FATAL_FAILURE(ApplyAll(log, batch));
    EXPECT_EQ(DumpTables(), one_by_one) << "batches of " << batch;
  }
}

// Two events of one complaint in one batch: the row is the second's, but
// for what only the first insert sets; the ledger and deadline rows too.
TEST_F(BatchWritesTest, TheLastSnapshotOfAComplaintInABatchWins) {
  EventLog log;
  std::mt19937 rng(7);
  Story st{&log, &rng, {}, Beijing(2026, 11, 16, 9)};
  Register(st, 1);
  const std::string registered_in = st.s.handling_department();
  const std::string moved_to =
      registered_in == "售后部" ? "仓储物流" : "售后部";
  st.s.set_customer_grade("B");
  st.s.set_channel("COMPLAINT_CHANNEL_EMAIL");
  st.s.set_state("COMPLAINT_STATE_ACCEPTED");
  st.s.set_category("delivery");
  st.s.set_subject("晚到");
  st.s.set_handling_department(moved_to);
  st.s.set_handler_id("staff.9");
  st.s.set_reopen_count(2);
  Deadline(st.s, kAck)->set_breached(true);
  Deadline(st.s, kAck)->set_breached_department("客服部");
  st.t += absl::Hours(1);
  ev::ComplaintInvestigated m;
  st.Add(m);
  ASSERT_NO_FATAL_FAILURE(ApplyFrom(log, kComplaintSource, 0, 2));
  const std::string in_one = DumpTables();
  EXPECT_EQ(
      Sql({"SELECT COUNT(*) FROM complaints WHERE name = "
           "'complaints/1' AND state = 'COMPLAINT_STATE_ACCEPTED' AND "
           "category = 'delivery' AND subject = '晚到' AND "
           "customer_grade = 'A' AND channel = 'COMPLAINT_CHANNEL_PHONE' "
           "AND handling_department = '" +
           moved_to + "' AND register_department = '" + registered_in + "'"}),
      1);
  EXPECT_EQ(Sql({"SELECT COUNT(*) FROM complaint_ledger WHERE complaint = "
                 "'complaints/1' AND handler_id = 'staff.9' AND "
                 "reopen_count = 2"}),
            1);
  EXPECT_EQ(Sql({"SELECT COUNT(*) FROM complaint_deadlines WHERE breached "
                 "= 1 AND breached_department = '客服部'"}),
            1);
  ASSERT_NO_FATAL_FAILURE(ClearTablesAndCursors());
  ASSERT_NO_FATAL_FAILURE(ApplyFrom(log, kComplaintSource, 0, 1));
  EXPECT_EQ(DumpTables(), in_one);
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
