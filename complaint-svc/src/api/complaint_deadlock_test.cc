// RegisterComplaint as the victim of a real InnoDB deadlock (MySQL error
// 1213) against the fixture's MariaDB: the mutation's transaction is rolled
// back and run again from the start (common/idempotency.h over
// RunInTransaction), so the caller sees one success, never ABORTED, and the
// complaint, its step and its event exist exactly once.
//
// The deadlock is built, not hoped for: a transaction of the test takes a
// gap lock on complaints' customer index (a registration's insert waits on
// it) and is made heavy with ballast rows, so InnoDB rolls back the
// registration; once the registration waits, the test asks for the
// customer lock row the registration holds, closing the cycle.

#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "complaint-svc/testing/complaint_api_fixture.h"
#include "cppconn/connection.h"
#include "cppconn/resultset.h"
#include "cppconn/statement.h"

namespace csm::complaint {
namespace {

using fixture::ComplaintApiFixture;
using fixture::Describe;
using ::testing::ElementsAre;

class ComplaintDeadlockTest : public ComplaintApiFixture {
 protected:
  // A connection of the test's own, outside the server's pool.
  void SetUp() override {
    ComplaintApiFixture::SetUp();
    auto pool = MysqlPool::Create(db_->options());
    ASSERT_TRUE(pool.ok()) << pool.status();
    own_pool_ = std::move(*pool);
    auto conn = own_pool_->Borrow(absl::Now() + absl::Seconds(10));
    ASSERT_TRUE(conn.ok()) << conn.status();
    conn_ = std::make_unique<PooledConnection>(std::move(*conn));
    stmt_.reset((**conn_).raw().createStatement());
  }
  void TearDown() override {
    stmt_.reset();
    conn_.reset();
    own_pool_.reset();
    ComplaintApiFixture::TearDown();
  }

  int64_t QueryInt(const std::string& sql, int column = 1) {
    std::unique_ptr<sql::ResultSet> rs(stmt_->executeQuery(sql));
    if (!rs->next()) return -1;
    int64_t v = -1;
    EXPECT_TRUE(absl::SimpleAtoi(std::string(rs->getString(column)), &v));
    return v;
  }
  int64_t Deadlocks() {
    return QueryInt("SHOW GLOBAL STATUS LIKE 'Innodb_deadlocks'", 2);
  }
  // Connections of this test's database running the complaint's INSERT
  // (the server is shared with other tests). MariaDB's INNODB_TRX does not
  // reliably list a transaction waiting in an INSERT, the process list
  // does.
  int64_t InsertsRunning() {
    return QueryInt(
        "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = "
        "DATABASE() AND INFO LIKE 'INSERT INTO complaints %'");
  }

  std::unique_ptr<MysqlPool> own_pool_;
  std::unique_ptr<PooledConnection> conn_;
  std::unique_ptr<sql::Statement> stmt_;
};

TEST_F(ComplaintDeadlockTest, RegistrationChosenAsDeadlockVictimSucceedsOnce) {
  int64_t customer_id = 0;
  ASSERT_TRUE(absl::SimpleAtoi(absl::StripPrefix(customer_, "customers/"),
                               &customer_id));
  stmt_->execute(
      "CREATE TABLE deadlock_ballast (id INT PRIMARY KEY) ENGINE=InnoDB");
  const int64_t deadlocks_before = Deadlocks();

  // The test's transaction: heavy (ballast rows), and a gap lock on the
  // customer index where the registration will insert (no complaint yet,
  // so the gap is the whole index).
  (**conn_).raw().setAutoCommit(false);
  std::string ballast = "INSERT INTO deadlock_ballast VALUES (1)";
  for (int i = 2; i <= 500; ++i) absl::StrAppend(&ballast, ", (", i, ")");
  stmt_->execute(ballast);
  std::unique_ptr<sql::ResultSet>(
      stmt_->executeQuery(absl::StrCat(
          "SELECT id FROM complaints WHERE customer_id = ", customer_id + 1,
          " FOR UPDATE")))
      .reset();

  // The registration: takes its customer lock, then waits on the gap.
  grpc::Status registered;
  v1::RegisterComplaintResponse resp;
  std::thread registration([&] {
    registered = Register("li.na", NewComplaint("冰箱不制冷"), &resp,
                          "deadlock-victim-1");
  });
  const absl::Time give_up = absl::Now() + absl::Seconds(8);
  while (InsertsRunning() == 0 && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  const bool waiting = InsertsRunning() == 1;
  if (!waiting) {
    (**conn_).raw().rollback();
    registration.join();
  }
  ASSERT_TRUE(waiting) << "the registration never waited on the gap";
  // Still there a moment later: it waits on the gap lock, not running.
  absl::SleepFor(absl::Milliseconds(200));
  EXPECT_EQ(InsertsRunning(), 1);

  // Close the cycle: the customer lock row the registration holds. InnoDB
  // rolls back the lighter transaction, the registration; this one gets it
  // (had it not, this statement would wait for the lock wait timeout).
  std::unique_ptr<sql::ResultSet>(
      stmt_->executeQuery(absl::StrCat(
          "SELECT registrations FROM complaint_customer_locks WHERE "
          "customer_id = ",
          customer_id, " FOR UPDATE")))
      .reset();
  (**conn_).raw().commit();
  (**conn_).raw().setAutoCommit(true);
  registration.join();

  EXPECT_GE(Deadlocks(), deadlocks_before + 1);
  ASSERT_TRUE(registered.ok()) << Describe(registered);
  const v1::Complaint& c = resp.complaint();
  EXPECT_FALSE(resp.linked_to_open_complaint());
  EXPECT_EQ(c.state(), v1::COMPLAINT_STATE_REGISTERED);

  // Exactly once: one complaint, one step, one event; the same request_id
  // answers with the same complaint and writes nothing.
  EXPECT_EQ(
      QueryInt(absl::StrCat(
          "SELECT COUNT(*) FROM complaints WHERE customer_id = ", customer_id)),
      1);
  EXPECT_THAT(StepActions(c.name()), ElementsAre("register"));
  EXPECT_THAT(EventTypes(c.name()),
              ElementsAre("csm.events.v1.ComplaintRegistered"));
  const std::string before = DatabaseFingerprint();
  v1::RegisterComplaintResponse again;
  const grpc::Status retried = Register("li.na", NewComplaint("冰箱不制冷"),
                                        &again, "deadlock-victim-1");
  ASSERT_TRUE(retried.ok()) << Describe(retried);
  EXPECT_EQ(again.complaint().name(), c.name());
  EXPECT_EQ(again.complaint().etag(), c.etag());
  EXPECT_EQ(DatabaseFingerprint(), before);
}

}  // namespace
}  // namespace csm::complaint
