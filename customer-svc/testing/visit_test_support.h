// Fixture of the communication, visit and overdue-sweep tests: a fresh
// MariaDB database, a CustomerServer on loopback whose clock the test moves
// (csm::ManualClock: "today" for due dates, promise dates and the sweep),
// typed stubs for the three services, and builders.
//
// The manual clock starts after the real one (10:00 Shanghai on the 10th of
// next month: a day every month has) and only moves forward, and tokens and
// deadlines are set on it: whether the runtime checks expiry and deadlines
// on its clock or on the wall clock, they hold.

#ifndef CSM_CUSTOMER_SVC_TESTING_VISIT_TEST_SUPPORT_H_
#define CSM_CUSTOMER_SVC_TESTING_VISIT_TEST_SUPPORT_H_

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/auth.h"
#include "common/business_time.h"
#include "common/clock.h"
#include "common/mysql_pool.h"
#include "csm/customer/v1/customer.grpc.pb.h"
#include "csm/customer/v1/visits.grpc.pb.h"
#include "csm/events/v1/customer_events.pb.h"
#include "csm/events/v1/events.grpc.pb.h"
#include "customer-svc/src/customer_server.h"
#include "customer-svc/src/domain/visit_schedule.h"
#include "customer-svc/testing/customer_test_support.h"
#include "gtest/gtest.h"
#include "tests/testing/test_database.h"
#include "tests/testing/test_service.h"

namespace csm::customer::testing {

using CustomerStub = v1::CustomerService::Stub;
using VisitStub = v1::VisitService::Stub;
using CommunicationStub = v1::CommunicationService::Stub;

inline absl::Time VisitTestStart() {
  const absl::TimeZone shanghai = csm::BusinessTimeZone();
  const absl::CivilMonth next =
      absl::CivilMonth(absl::ToCivilDay(absl::Now(), shanghai)) + 1;
  return absl::FromCivil(absl::CivilSecond(next.year(), next.month(), 10, 10),
                         shanghai);
}

inline csm::common::v1::Date ProtoDay(absl::CivilDay d) {
  csm::common::v1::Date out;
  out.set_year(static_cast<int32_t>(d.year()));
  out.set_month(d.month());
  out.set_day(d.day());
  return out;
}

inline absl::CivilDay DayOf(const csm::common::v1::Date& d) {
  return absl::CivilDay(d.year(), d.month(), d.day());
}

// Reuses CustomerApiFixture's database, server slot and builders, but runs
// the server on the manual clock (its real-clock helpers Token, Ctx and Call
// are hidden by the ones below).
class VisitApiFixture : public CustomerApiFixture {
 protected:
  VisitApiFixture() : clock_(VisitTestStart()) {}

  void SetUp() override {
    auto db = csm::testing::TestDatabase::Create();
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    ASSERT_NO_FATAL_FAILURE(StartServer());
    auto pool = MysqlPool::Create(db_->options());
    ASSERT_TRUE(pool.ok()) << pool.status();
    pool_ = std::move(*pool);
  }

  void TearDown() override {
    customers_.reset();
    visits_.reset();
    communications_.reset();
    pool_.reset();
    CustomerApiFixture::TearDown();
  }

  // A server on the test database with the test's clock and no sweep thread.
  absl::StatusOr<std::unique_ptr<CustomerServer>> NewServer() {
    CustomerServerConfig config;
    csm::testing::ConfigureTestService(&config, "customer-svc", db_->options());
    config.visit_sweep_interval = absl::ZeroDuration();
    return CustomerServer::Start(config, &verifier_, &clock_);
  }

  // (Re)starts the server and points the stubs at it.
  void StartServer() {
    channel_.reset();
    server_.reset();
    auto server = NewServer();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    channel_ = grpc::CreateChannel(server_->address(),
                                   grpc::InsecureChannelCredentials());
    customers_ = v1::CustomerService::NewStub(channel_);
    visits_ = v1::VisitService::NewStub(channel_);
    communications_ = v1::CommunicationService::NewStub(channel_);
    events_ = ev::EventService::NewStub(channel_);
  }

  absl::CivilDay Today() const { return BusinessDate(clock_.Now()); }

  std::string Token(const std::string& staff_id) const {
    const auto it = Staff().find(staff_id);
    EXPECT_NE(it, Staff().end()) << "unknown test staff " << staff_id;
    if (it == Staff().end()) return "";
    Principal p{it->second.id, it->second.department, it->second.roles};
    // The wall clock: tokens are checked against it (iat may not be in
    // the future), whatever the business clock says.
    auto token =
        MintToken(csm::testing::kTestJwtSecret, csm::testing::kTestIssuer, p,
                  absl::Now(), absl::Hours(1));
    return token.ok() ? *token : "";
  }

  std::unique_ptr<grpc::ClientContext> Ctx(const std::string& staff) const {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->AddMetadata("authorization", absl::StrCat("Bearer ", Token(staff)));
    ctx->set_deadline(absl::ToChronoTime(clock_.Now() + absl::Seconds(20)));
    return ctx;
  }

  // One unary call on `stub` as `staff` (a key of Staff()).
  template <typename Stub, typename Req, typename Resp>
  grpc::Status Call(const std::unique_ptr<Stub>& stub,
                    grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                 const Req&, Resp*),
                    const std::string& staff, const Req& req, Resp* resp) {
    auto ctx = Ctx(staff);
    return ((*stub).*method)(ctx.get(), req, resp);
  }

  // ------------------------------------------------------------ builders

  void CreateStandardTeam() {
    v1::CreateTeamRequest req;
    req.set_team_id(kTeam);
    req.mutable_team()->set_display_name("华东客服组");
    req.mutable_team()->set_department("客服部");
    for (const std::string& m : TeamMembers()) {
      req.mutable_team()->add_member_ids(m);
    }
    v1::Team team;
    const grpc::Status s =
        Call(customers_, &CustomerStub::CreateTeam, "arch", req, &team);
    ASSERT_TRUE(s.ok()) << Describe(s);
  }

  // An archive of team kf-east owned by `owner` (placed by the archivist).
  v1::Customer MustCreateCustomer(const std::string& name, int64_t n,
                                  const std::string& owner) {
    v1::CreateCustomerRequest req;
    *req.mutable_customer() = NewCustomer(name, n);
    req.mutable_customer()->set_owner_id(owner);
    v1::CreateCustomerResponse resp;
    const grpc::Status s =
        Call(customers_, &CustomerStub::CreateCustomer, "arch", req, &resp);
    EXPECT_TRUE(s.ok()) << "creating " << name << ": " << Describe(s);
    return resp.customer();
  }

  grpc::Status CreatePlan(const std::string& staff, const std::string& customer,
                          absl::CivilDay delivery, v1::VisitPlan* out,
                          const std::string& project = "ERP 实施项目") {
    v1::CreateVisitPlanRequest req;
    req.set_parent(customer);
    req.mutable_visit_plan()->set_project(project);
    *req.mutable_visit_plan()->mutable_delivery_date() = ProtoDay(delivery);
    return Call(visits_, &VisitStub::CreateVisitPlan, staff, req, out);
  }

  v1::VisitPlan MustCreatePlan(const std::string& customer,
                               absl::CivilDay delivery) {
    v1::VisitPlan plan;
    const grpc::Status s = CreatePlan("arch", customer, delivery, &plan);
    EXPECT_TRUE(s.ok()) << Describe(s);
    return plan;
  }

  static v1::RecordVisitRequest VisitRequest(
      const std::string& plan, v1::VisitMethod method, absl::CivilDay actual,
      csm::common::v1::Satisfaction satisfaction =
          csm::common::v1::SATISFACTION_SATISFIED) {
    v1::RecordVisitRequest req;
    req.set_parent(plan);
    req.mutable_visit()->set_method(method);
    *req.mutable_visit()->mutable_actual_date() = ProtoDay(actual);
    req.mutable_visit()->set_satisfaction(satisfaction);
    req.mutable_visit()->set_customer_opinions("设备运行稳定");
    req.mutable_visit()->set_countermeasures("按计划继续保养");
    return req;
  }

  grpc::Status RecordVisit(const std::string& staff,
                           const v1::RecordVisitRequest& req,
                           v1::RecordVisitResponse* out) {
    return Call(visits_, &VisitStub::RecordVisit, staff, req, out);
  }

  v1::VisitPlan GetPlan(const std::string& name) {
    v1::GetVisitPlanRequest req;
    req.set_name(name);
    v1::VisitPlan plan;
    const grpc::Status s =
        Call(visits_, &VisitStub::GetVisitPlan, "arch", req, &plan);
    EXPECT_TRUE(s.ok()) << Describe(s);
    return plan;
  }

  // ------------------------------------------------------------ events

  // Payloads of the outbox events of `type` (full name), in sequence order,
  // read straight from the database: exact counts without a stream.
  template <typename Event>
  std::vector<Event> OutboxEvents() {
    std::vector<Event> out;
    const std::string type(Event::descriptor()->full_name());
    absl::Status s = RunWithConnection(
        *pool_, absl::Now() + absl::Seconds(10),
        [&](MysqlConnection& conn) -> absl::Status {
          sql::PreparedStatement& stmt = conn.Prepare(
              "SELECT payload FROM outbox_events WHERE "
              "event_type = ? ORDER BY id");  // one writer here: commit order
          stmt.setString(1, type);
          std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
          while (rs->next()) {
            Event e;
            EXPECT_TRUE(e.ParseFromString(std::string(rs->getString(1))));
            out.push_back(std::move(e));
          }
          return absl::OkStatus();
        });
    EXPECT_TRUE(s.ok()) << s;
    return out;
  }

  // Events of `types` through StreamEvents as `staff`, until `want` have
  // arrived; a guard cancels the stream after 10 s (real time) so a missing
  // event fails the test instead of hanging it.
  std::vector<ev::Event> StreamEvents(const std::string& staff,
                                      const std::vector<std::string>& types,
                                      size_t want) {
    std::vector<ev::Event> out;
    auto ctx = Ctx(staff);
    ev::StreamEventsRequest req;
    for (const std::string& t : types) req.add_event_types(t);
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    std::thread guard([&] {
      std::unique_lock<std::mutex> lock(mu);
      if (!cv.wait_for(lock, std::chrono::seconds(10), [&] { return done; })) {
        ctx->TryCancel();
      }
    });
    auto reader = events_->StreamEvents(ctx.get(), req);
    ev::StreamEventsResponse resp;
    while (out.size() < want && reader->Read(&resp)) {
      for (const ev::Event& e : resp.events()) out.push_back(e);
    }
    ctx->TryCancel();
    reader->Finish();
    {
      std::lock_guard<std::mutex> lock(mu);
      done = true;
    }
    cv.notify_all();
    guard.join();
    return out;
  }

  ManualClock clock_;
  std::unique_ptr<MysqlPool> pool_;  // the test's own, for exact checks
  std::unique_ptr<CustomerStub> customers_;
  std::unique_ptr<VisitStub> visits_;
  std::unique_ptr<CommunicationStub> communications_;
};

}  // namespace csm::customer::testing

#endif  // CSM_CUSTOMER_SVC_TESTING_VISIT_TEST_SUPPORT_H_
