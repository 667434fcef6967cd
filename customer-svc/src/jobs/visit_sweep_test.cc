// The overdue sweep against MariaDB: VisitBecameOverdue once per (plan, due
// date) across runs, restarts and two servers sweeping at once; a new event
// when a new due date passes; the sweep thread; the events on the stream.

#include "customer-svc/src/jobs/visit_sweep.h"

#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/periodic_task.h"
#include "customer-svc/testing/visit_test_support.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace csm::customer::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAreArray;

class OverdueSweepTest : public VisitApiFixture {
 protected:
  void SetUp() override {
    VisitApiFixture::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_NO_FATAL_FAILURE(CreateStandardTeam());
  }

  int Sweep(CustomerServer& server) {
    absl::StatusOr<int> n = server.RunSweepOnce();
    EXPECT_TRUE(n.ok()) << n.status();
    return n.ok() ? *n : -1;
  }

  // (plan, due date) of every VisitBecameOverdue in the outbox.
  std::vector<std::string> OverdueKeys() {
    std::vector<std::string> out;
    for (const auto& e : OutboxEvents<ev::VisitBecameOverdue>()) {
      out.push_back(absl::StrCat(e.visit_plan(), "@",
                                 absl::FormatCivilTime(DayOf(e.due_date()))));
    }
    return out;
  }

  static std::string Key(const std::string& plan, absl::CivilDay due) {
    return absl::StrCat(plan, "@", absl::FormatCivilTime(due));
  }
};

TEST_F(OverdueSweepTest, OncePerPlanAndDueDateAcrossRunsAndRestarts) {
  const absl::CivilDay today = Today();
  const v1::Customer c =
      MustCreateCustomer("广州逾期物流有限公司", 41, "li.na");
  const v1::Customer gone = MustCreateCustomer("已注销公司", 42, "li.na");
  const v1::VisitPlan overdue =
      MustCreatePlan(c.name(), AddMonthsClamped(today, -3));
  const v1::VisitPlan due_today =
      MustCreatePlan(c.name(), AddMonthsClamped(today, -1));
  const v1::VisitPlan closed =
      MustCreatePlan(c.name(), AddMonthsClamped(today, -5));
  MustCreatePlan(gone.name(), AddMonthsClamped(today, -5));
  {
    v1::CloseVisitPlanRequest req;
    req.set_name(closed.name());
    req.set_reason("项目结束");
    v1::VisitPlan out;
    CSM_ASSERT_OK(Call(visits_, &VisitStub::CloseVisitPlan, "arch", req, &out));
    v1::CloseCustomerRequest close;
    close.set_name(gone.name());
    close.set_reason("客户已注销");
    v1::Customer closed_customer;
    CSM_ASSERT_OK(Call(customers_, &CustomerStub::CloseCustomer, "arch", close,
                       &closed_customer));
  }
  const absl::CivilDay first_due = AddMonthsClamped(today, -2);

  // Due today is not overdue yet; closed plans and archives never are.
  EXPECT_EQ(Sweep(*server_), 1);
  EXPECT_EQ(Sweep(*server_), 0);
  EXPECT_THAT(OverdueKeys(), ElementsAre(Key(overdue.name(), first_due)));
  const auto events = OutboxEvents<ev::VisitBecameOverdue>();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].owner_id(), "li.na");
  EXPECT_EQ(events[0].customer().name(), c.name());

  // A new server on the same database remembers.
  ASSERT_NO_FATAL_FAILURE(StartServer());
  EXPECT_EQ(Sweep(*server_), 0);
  EXPECT_EQ(OverdueKeys().size(), 1u);

  // The next day the plan due today is overdue: one event for it.
  clock_.Advance(absl::Hours(24));
  EXPECT_EQ(Sweep(*server_), 1);
  EXPECT_THAT(OverdueKeys(), ElementsAre(Key(overdue.name(), first_due),
                                         Key(due_today.name(), today)));

  // A visit moves the due date on; once that one passes, one new event.
  v1::RecordVisitResponse r;
  CSM_ASSERT_OK(RecordVisit(
      "li.na", VisitRequest(overdue.name(), v1::VISIT_METHOD_PHONE, Today()),
      &r));
  const absl::CivilDay next_due = DayOf(r.visit_plan().next_due_date());
  ASSERT_GT(next_due, Today());
  EXPECT_EQ(Sweep(*server_), 0);
  clock_.Advance(absl::Hours(24) * (next_due - Today() + 1));
  // The plan due "today" back then was reported for that due date already.
  EXPECT_EQ(Sweep(*server_), 1);
  EXPECT_THAT(OverdueKeys(), ElementsAre(Key(overdue.name(), first_due),
                                         Key(due_today.name(), today),
                                         Key(overdue.name(), next_due)));
}

TEST_F(OverdueSweepTest, TwoServersSweepingAtOnceReportEachPlanOnce) {
  const absl::CivilDay today = Today();
  std::vector<std::string> expected;
  // More than two batches, across a few archives and owners.
  for (int i = 0; i < 3; ++i) {
    const v1::Customer c = MustCreateCustomer(absl::StrCat("批量回访客户", i),
                                              50 + i, TeamMembers()[i]);
    for (int j = 0; j < 75; ++j) {
      const v1::VisitPlan p =
          MustCreatePlan(c.name(), AddMonthsClamped(today, -2 - j % 5));
      expected.push_back(Key(p.name(), DayOf(p.next_due_date())));
    }
  }
  ASSERT_FALSE(HasFailure());

  auto second = NewServer();
  ASSERT_TRUE(second.ok()) << second.status();
  int first_count = -1;
  int second_count = -1;
  std::thread a([&] { first_count = Sweep(*server_); });
  std::thread b([&] { second_count = Sweep(**second); });
  a.join();
  b.join();
  EXPECT_EQ(first_count + second_count, 225);
  EXPECT_THAT(OverdueKeys(), UnorderedElementsAreArray(expected));

  // Both again: nothing left to report.
  std::thread c([&] { first_count = Sweep(*server_); });
  std::thread d([&] { second_count = Sweep(**second); });
  c.join();
  d.join();
  EXPECT_EQ(first_count, 0);
  EXPECT_EQ(second_count, 0);
  EXPECT_EQ(OverdueKeys().size(), 225u);
}

TEST_F(OverdueSweepTest, ThreadSweepsAtOnceAndStopsPromptly) {
  const v1::Customer c = MustCreateCustomer("线程回访客户", 61, "li.na");
  const v1::VisitPlan p =
      MustCreatePlan(c.name(), AddMonthsClamped(Today(), -3));
  Outbox outbox("customer-svc", &clock_);
  OverdueSweep sweep(pool_.get(), &outbox);
  // The sweep's thread is the common periodic-task runner, as
  // CustomerServer runs it.
  const auto body = [&] { return sweep.RunOnce(clock_.Now()); };
  PeriodicTask hourly("overdue-sweep", absl::Hours(1), body);
  const absl::Time started = absl::Now();
  // The first pass runs at once; the next would be an hour later.
  hourly.Start();
  hourly.Stop();
  EXPECT_LT(absl::Now() - started, absl::Seconds(10));
  EXPECT_THAT(OverdueKeys(),
              ElementsAre(Key(p.name(), DayOf(p.next_due_date()))));
  PeriodicTask disabled("overdue-sweep", absl::ZeroDuration(), body);
  disabled.Start();  // disabled: no pass
  disabled.Stop();
  EXPECT_EQ(OverdueKeys().size(), 1u);
}

TEST_F(OverdueSweepTest, EventsReachTheStream) {
  const absl::CivilDay today = Today();
  const v1::Customer c = MustCreateCustomer("事件流客户", 71, "li.na");
  v1::Communication contact;
  contact.set_channel(v1::COMMUNICATION_CHANNEL_PHONE);
  contact.mutable_contact_time()->set_seconds(
      absl::ToUnixSeconds(clock_.Now()));
  contact.set_summary("客户来电报修");
  contact.mutable_promise()->set_description("次日上门");
  contact.mutable_promise()->set_within_days(1);
  v1::RecordCommunicationRequest rc;
  rc.set_parent(c.name());
  *rc.mutable_communication() = contact;
  v1::Communication recorded;
  CSM_ASSERT_OK(Call(communications_, &CommunicationStub::RecordCommunication,
                     "li.na", rc, &recorded));
  const v1::VisitPlan plan =
      MustCreatePlan(c.name(), AddMonthsClamped(today, -3));
  v1::RecordVisitResponse r;
  CSM_ASSERT_OK(
      RecordVisit("li.na",
                  VisitRequest(plan.name(), v1::VISIT_METHOD_FACE_TO_FACE,
                               today, csm::common::v1::SATISFACTION_NEUTRAL),
                  &r));
  const v1::VisitPlan late =
      MustCreatePlan(c.name(), AddMonthsClamped(today, -4));
  clock_.Advance(absl::Hours(48));
  EXPECT_EQ(Sweep(*server_), 2);  // the unvisited plan and the promise

  const std::vector<std::string> types = {
      "csm.events.v1.CommunicationRecorded", "csm.events.v1.VisitRecorded",
      "csm.events.v1.VisitBecameOverdue", "csm.events.v1.PromiseBroken"};
  const std::vector<ev::Event> events = StreamEvents("reporting-svc", types, 4);
  ASSERT_EQ(events.size(), 4u);
  std::vector<std::string> seen;
  for (const ev::Event& e : events) {
    seen.push_back(e.event_type());
    EXPECT_EQ(e.aggregate(), c.name());
    EXPECT_EQ(e.source(), "customer-svc");
  }
  EXPECT_THAT(seen, ElementsAre(types[0], types[1], types[2], types[3]));
  EXPECT_EQ(events[0].actor(), "li.na");
  EXPECT_EQ(events[2].actor(), "customer-svc/overdue-sweep");

  ev::VisitRecorded visit;
  ASSERT_TRUE(events[1].payload().UnpackTo(&visit));
  EXPECT_EQ(visit.satisfaction(), csm::common::v1::SATISFACTION_NEUTRAL);
  EXPECT_EQ(visit.method(), "VISIT_METHOD_FACE_TO_FACE");
  EXPECT_TRUE(visit.counted());
  ev::VisitBecameOverdue overdue;
  ASSERT_TRUE(events[2].payload().UnpackTo(&overdue));
  EXPECT_EQ(overdue.visit_plan(), late.name());
  ev::PromiseBroken broken;
  ASSERT_TRUE(events[3].payload().UnpackTo(&broken));
  EXPECT_EQ(broken.communication(), recorded.name());
  EXPECT_EQ(DayOf(broken.due_date()), today + 1);

  // Agents do not read the stream.
  EXPECT_THAT(StreamEvents("li.na", types, 1), IsEmpty());
}

}  // namespace
}  // namespace csm::customer::testing
