// ComplaintService through real gRPC, with BOTH services and the real
// MariaDB: a real customer-svc (CustomerServer, its own database) that the
// complaint side asks through the real GrpcCustomerDirectory, and a
// complaint server built from ServiceHost + ComplaintApi + the event stream
// on a fresh database, with a ManualClock so that deadlines pass without
// sleeping. Escalation sweeps are separate EscalationSweep objects on their
// own pools (as other replicas would be).

#include "complaint-svc/src/api/complaint_api.h"

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/auth.h"
#include "common/business_calendar.h"
#include "common/clock.h"
#include "common/migrations.h"
#include "common/outbox.h"
#include "common/rpc.h"
#include "common/server.h"
#include "common/sql_values.h"
#include "complaint-svc/src/complaint_migrations.h"
#include "complaint-svc/src/customer_directory.h"
#include "complaint-svc/src/escalation_sweep.h"
#include "complaint-svc/src/store/config_store.h"
#include "csm/complaint/v1/complaint.grpc.pb.h"
#include "csm/customer/v1/customer.grpc.pb.h"
#include "csm/events/v1/complaint_events.pb.h"
#include "csm/events/v1/events.grpc.pb.h"
#include "customer-svc/src/api/customer_test_support.h"
#include "customer-svc/src/customer_server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/test_database.h"

namespace csm::complaint {
namespace {

namespace cv1 = ::csm::customer::v1;
namespace ev = ::csm::events::v1;
using ::csm::customer::testing::Describe;
using ::csm::customer::testing::ValidUscc;
using ::csm::customer::testing::ViolationFields;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsSupersetOf;
using ::testing::UnorderedElementsAre;

#define CX_ASSERT_OK(expr)                \
  do {                                    \
    const ::grpc::Status _s = (expr);     \
    ASSERT_TRUE(_s.ok()) << Describe(_s); \
  } while (0)
#define CX_EXPECT_CODE(expr, code)                      \
  do {                                                  \
    const ::grpc::Status _s = (expr);                   \
    EXPECT_EQ(_s.error_code(), (code)) << Describe(_s); \
  } while (0)

// Beijing wall-clock time.
absl::Time At(int y, int mo, int d, int h, int mi) {
  return absl::FromCivil(absl::CivilMinute(y, mo, d, h, mi),
                         BusinessCalendar::TimeZone());
}
absl::Time TimeOf(const google::protobuf::Timestamp& ts) {
  return FromProtoTimestamp(ts);
}

struct Staff {
  std::string id;
  RoleSet roles;
  std::string department;
};
const std::map<std::string, Staff>& StaffList() {
  static const auto* kStaff = new std::map<std::string, Staff>{
      {"li.na", {"li.na", {Role::kAgent}, "客服部"}},
      {"wang.fang", {"wang.fang", {Role::kAgent}, "客服部"}},
      {"sup", {"sup", {Role::kSupervisor}, "客服部"}},
      {"tech.zhou", {"tech.zhou", {Role::kAgent}, "技术服务部"}},
      {"tech.sup", {"tech.sup", {Role::kSupervisor}, "技术服务部"}},
      {"gm", {"gm", {Role::kGeneralManager}, "总经办"}},
      {"arch", {"arch", {Role::kArchivist}, "档案室"}},
      {"order-svc", {"order-svc", {Role::kService}, ""}},
  };
  return *kStaff;
}

std::string Token(const std::string& staff) {
  const Staff& s = StaffList().at(staff);
  return csm::testing::TestToken(s.id, s.roles, s.department);
}

std::unique_ptr<grpc::ClientContext> Ctx(
    const std::string& staff,
    std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->AddMetadata("authorization", absl::StrCat("Bearer ", Token(staff)));
  ctx->set_deadline(std::chrono::system_clock::now() + timeout);
  return ctx;
}

// Monday 2026-11-02 09:00 in Beijing: before the real "now" of the test
// machine, so that the test tokens (minted with the real clock) are valid.
const absl::Time kStart = At(2026, 11, 2, 9, 0);

class ComplaintApiTest : public ::testing::Test {
 protected:
  using Stub = v1::ComplaintService::Stub;

  ComplaintApiTest()
      : verifier_(csm::testing::kTestJwtSecret, csm::testing::kTestIssuer),
        clock_(kStart) {}

  void SetUp() override {
    // customer-svc, real, on its own database and the real clock.
    auto cdb = csm::testing::TestDatabase::Create();
    ASSERT_TRUE(cdb.ok()) << cdb.status();
    customer_db_ = std::move(*cdb);
    customer::CustomerServerConfig cc;
    cc.mysql = customer_db_->options();
    cc.server = ServerOptions{.service_name = "customer-svc",
                              .listen_address = "127.0.0.1:0",
                              .metrics_address = ""};
    cc.server.shutdown_grace = absl::Seconds(2);
    cc.runtime = RpcRuntimeOptions{.service = "customer-svc"};
    auto cs = customer::CustomerServer::Start(cc, &verifier_, &Clock::Real());
    ASSERT_TRUE(cs.ok()) << cs.status();
    customer_server_ = std::move(*cs);
    auto cchan = grpc::CreateChannel(customer_server_->address(),
                                     grpc::InsecureChannelCredentials());
    customer_stub_ = cv1::CustomerService::NewStub(cchan);

    // The customer the complaints are about.
    {
      cv1::CreateTeamRequest req;
      req.set_team_id("kf-east");
      req.mutable_team()->set_display_name("客服一组");
      req.mutable_team()->set_department("客服部");
      req.mutable_team()->add_member_ids("li.na");
      cv1::Team team;
      auto ctx = Ctx("arch");
      CX_ASSERT_OK(customer_stub_->CreateTeam(ctx.get(), req, &team));
    }
    customer_ = CreateCustomer("杭州云帆科技有限公司", 1);
    ASSERT_FALSE(customer_.empty());

    // complaint-svc on its own database.
    auto db = csm::testing::TestDatabase::Create();
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    auto pool = MysqlPool::Create(db_->options());
    ASSERT_TRUE(pool.ok()) << pool.status();
    pool_ = std::move(*pool);
    ASSERT_TRUE(ApplyMigrations(*pool_, ComplaintMigrations()).ok());
    config_ = std::make_unique<ConfigStore>();
    auto seeded = SeedBusinessCalendar(*pool_, *config_, clock_.Now());
    ASSERT_TRUE(seeded.ok()) << seeded.status();

    GrpcCustomerDirectoryOptions dir;
    dir.address = customer_server_->address();
    dir.jwt_secret = csm::testing::kTestJwtSecret;
    dir.jwt_issuer = csm::testing::kTestIssuer;
    dir.max_attempts = 2;
    dir.per_attempt_timeout = absl::Milliseconds(500);
    directory_ = std::make_unique<GrpcCustomerDirectory>(dir);

    host_ = std::make_unique<ServiceHost>(
        ServerOptions{.service_name = "complaint-svc",
                      .listen_address = "127.0.0.1:0",
                      .metrics_address = ""});
    runtime_ = std::make_unique<RpcRuntime>(
        RpcRuntimeOptions{.service = "complaint-svc"}, &verifier_, nullptr,
        &clock_);
    outbox_ = std::make_unique<Outbox>("complaint-svc", &clock_);
    api_ = std::make_unique<ComplaintApi>(pool_.get(), outbox_.get(),
                                          runtime_.get(), directory_.get(),
                                          config_.get());
    EventStreamOptions eo;
    eo.poll_interval = absl::Milliseconds(50);
    events_ = std::make_unique<EventStreamService>(pool_.get(), outbox_.get(),
                                                   runtime_.get(), eo);
    host_->AddService(api_.get());
    host_->AddService(events_.get());
    EventStreamService* events = events_.get();
    host_->OnShutdown([events] { events->Shutdown(); });
    ASSERT_TRUE(host_->Start().ok());
    auto chan = grpc::CreateChannel(host_->address(),
                                    grpc::InsecureChannelCredentials());
    stub_ = v1::ComplaintService::NewStub(chan);
    event_stub_ = ev::EventService::NewStub(chan);
  }

  void TearDown() override {
    if (host_ != nullptr) host_->Shutdown();
    stub_.reset();
    event_stub_.reset();
    host_.reset();
    api_.reset();
    events_.reset();
    pool_.reset();
    db_.reset();
    if (customer_server_ != nullptr) customer_server_->Shutdown();
    customer_server_.reset();
    customer_db_.reset();
  }

  std::string CreateCustomer(const std::string& name, int n) {
    cv1::CreateCustomerRequest req;
    cv1::Customer* c = req.mutable_customer();
    c->set_display_name(name);
    c->set_kind(cv1::CUSTOMER_KIND_ENTERPRISE);
    c->set_credit_code(ValidUscc(n));
    c->set_province("浙江省");
    c->set_city("杭州市");
    c->set_industry("软件和信息技术服务业");
    c->set_acquisition_channel(cv1::ACQUISITION_CHANNEL_EXHIBITION);
    c->set_team("kf-east");
    cv1::Contact* contact = c->add_contacts();
    contact->set_display_name("张伟");
    contact->add_phones(absl::StrCat("1380000", 1000 + n));
    cv1::CreateCustomerResponse resp;
    auto ctx = Ctx("arch");
    const grpc::Status s =
        customer_stub_->CreateCustomer(ctx.get(), req, &resp);
    EXPECT_TRUE(s.ok()) << Describe(s);
    return resp.customer().name();
  }

  template <typename Req, typename Resp>
  grpc::Status Call(grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                 const Req&, Resp*),
                    const std::string& staff, const Req& req, Resp* resp) {
    auto ctx = Ctx(staff);
    return ((*stub_).*method)(ctx.get(), req, resp);
  }

  v1::Complaint NewComplaint(const std::string& subject,
                             const std::string& category = "service",
                             v1::Severity severity = v1::SEVERITY_NORMAL,
                             const std::string& reference = "") {
    v1::Complaint c;
    c.set_customer(customer_);
    c.set_channel(v1::COMPLAINT_CHANNEL_PHONE_HOTLINE);
    c.set_category(category);
    c.set_severity(severity);
    c.set_subject(subject);
    c.set_description("客户来电反映：" + subject);
    c.set_customer_request("尽快处理并回复");
    c.set_matter_reference(reference);
    return c;
  }

  grpc::Status Register(const std::string& staff, const v1::Complaint& c,
                        v1::RegisterComplaintResponse* resp,
                        const std::string& request_id = "") {
    v1::RegisterComplaintRequest req;
    *req.mutable_complaint() = c;
    req.set_request_id(request_id);
    return Call(&Stub::RegisterComplaint, staff, req, resp);
  }

  v1::Complaint MustRegister(const std::string& subject,
                             const std::string& category = "service",
                             v1::Severity severity = v1::SEVERITY_NORMAL) {
    v1::RegisterComplaintResponse resp;
    const grpc::Status s =
        Register("li.na", NewComplaint(subject, category, severity), &resp);
    EXPECT_TRUE(s.ok()) << Describe(s);
    EXPECT_FALSE(resp.linked_to_open_complaint());
    return resp.complaint();
  }

  grpc::Status Accept(const std::string& staff, const std::string& name,
                      v1::Complaint* out, const std::string& etag = "") {
    v1::AcceptComplaintRequest req;
    req.set_name(name);
    req.set_etag(etag);
    return Call(&Stub::AcceptComplaint, staff, req, out);
  }
  grpc::Status Transfer(const std::string& staff, const std::string& name,
                        const std::string& to, v1::Complaint* out) {
    v1::TransferComplaintRequest req;
    req.set_name(name);
    req.set_to_department(to);
    req.set_reason("质量问题，移交技术服务部");
    return Call(&Stub::TransferComplaint, staff, req, out);
  }
  grpc::Status Start(const std::string& staff, const std::string& name,
                     v1::Complaint* out) {
    v1::StartHandlingRequest req;
    req.set_name(name);
    return Call(&Stub::StartHandling, staff, req, out);
  }
  grpc::Status Resolve(const std::string& staff, const std::string& name,
                       v1::Complaint* out) {
    v1::ResolveComplaintRequest req;
    req.set_name(name);
    req.mutable_resolution()->set_cause_analysis("批次来料不良");
    req.mutable_resolution()->set_immediate_fix("更换同型号新品");
    req.mutable_resolution()->set_corrective_action("加严来料检验");
    req.mutable_resolution()->set_responsibility(v1::RESPONSIBILITY_COMPANY);
    return Call(&Stub::ResolveComplaint, staff, req, out);
  }
  grpc::Status Confirm(const std::string& staff, const std::string& name,
                       csm::common::v1::Satisfaction s, v1::Complaint* out) {
    v1::ConfirmComplaintRequest req;
    req.set_name(name);
    req.set_satisfaction(s);
    return Call(&Stub::ConfirmComplaint, staff, req, out);
  }
  grpc::Status Close(const std::string& staff, const std::string& name,
                     v1::Complaint* out) {
    v1::CloseComplaintRequest req;
    req.set_name(name);
    req.mutable_return_visit()->set_method("phone");
    req.mutable_return_visit()->set_satisfaction(
        csm::common::v1::SATISFACTION_SATISFIED);
    return Call(&Stub::CloseComplaint, staff, req, out);
  }
  grpc::Status Reopen(const std::string& staff, const std::string& name,
                      v1::Complaint* out) {
    v1::ReopenComplaintRequest req;
    req.set_name(name);
    req.set_reason("客户再次来电，问题复发");
    return Call(&Stub::ReopenComplaint, staff, req, out);
  }
  v1::Complaint Get(const std::string& name) {
    v1::GetComplaintRequest req;
    req.set_name(name);
    v1::Complaint out;
    const grpc::Status s = Call(&Stub::GetComplaint, "gm", req, &out);
    EXPECT_TRUE(s.ok()) << Describe(s);
    return out;
  }
  std::vector<std::string> StepActions(const std::string& name) {
    v1::ListComplaintStepsRequest req;
    req.set_parent(name);
    v1::ListComplaintStepsResponse resp;
    const grpc::Status s = Call(&Stub::ListComplaintSteps, "gm", req, &resp);
    EXPECT_TRUE(s.ok()) << Describe(s);
    std::vector<std::string> out;
    for (const auto& step : resp.steps()) out.push_back(step.action());
    return out;
  }
  static const v1::Deadline& DeadlineOf(const v1::Complaint& c,
                                        v1::DeadlineKind kind) {
    for (const v1::Deadline& d : c.deadlines()) {
      if (d.kind() == kind) return d;
    }
    static const v1::Deadline kNone;
    return kNone;
  }
  static const v1::DepartmentTime* DeptTime(const v1::Complaint& c,
                                            const std::string& dept) {
    for (const auto& d : c.department_times()) {
      if (d.department() == dept) return &d;
    }
    return nullptr;
  }

  // Every event in the outbox so far (the stream replays, then follows;
  // this stops after a quiet moment).
  std::vector<ev::Event> AllEvents() {
    ev::StreamEventsRequest req;
    auto ctx = Ctx("gm", std::chrono::milliseconds(1500));
    auto reader = event_stub_->StreamEvents(ctx.get(), req);
    std::vector<ev::Event> out;
    ev::StreamEventsResponse resp;
    while (reader->Read(&resp)) {
      for (const ev::Event& e : resp.events()) out.push_back(e);
      if (resp.events_size() == 0) break;
    }
    ctx->TryCancel();
    reader->Finish();
    return out;
  }
  std::vector<std::string> EventTypes(const std::string& aggregate) {
    std::vector<std::string> out;
    for (const ev::Event& e : AllEvents()) {
      if (e.aggregate() == aggregate) out.push_back(e.event_type());
    }
    return out;
  }

  // A sweeper as another replica would run it: own pool, outbox, config.
  struct Sweeper {
    std::unique_ptr<MysqlPool> pool;
    std::unique_ptr<Outbox> outbox;
    std::unique_ptr<ConfigStore> config;
    std::unique_ptr<EscalationSweep> sweep;
  };
  std::unique_ptr<Sweeper> NewSweeper() {
    auto s = std::make_unique<Sweeper>();
    auto pool = MysqlPool::Create(db_->options());
    EXPECT_TRUE(pool.ok());
    s->pool = std::move(*pool);
    s->outbox = std::make_unique<Outbox>("complaint-svc", &clock_);
    s->config = std::make_unique<ConfigStore>();
    s->sweep = std::make_unique<EscalationSweep>(s->pool.get(), s->outbox.get(),
                                                 s->config.get(), &clock_);
    return s;
  }

  TokenVerifier verifier_;
  ManualClock clock_;
  std::unique_ptr<csm::testing::TestDatabase> customer_db_;
  std::unique_ptr<customer::CustomerServer> customer_server_;
  std::unique_ptr<cv1::CustomerService::Stub> customer_stub_;
  std::string customer_;
  std::unique_ptr<csm::testing::TestDatabase> db_;
  std::unique_ptr<MysqlPool> pool_;
  std::unique_ptr<ConfigStore> config_;
  std::unique_ptr<GrpcCustomerDirectory> directory_;
  std::unique_ptr<ServiceHost> host_;
  std::unique_ptr<RpcRuntime> runtime_;
  std::unique_ptr<Outbox> outbox_;
  std::unique_ptr<ComplaintApi> api_;
  std::unique_ptr<EventStreamService> events_;
  std::unique_ptr<Stub> stub_;
  std::unique_ptr<ev::EventService::Stub> event_stub_;
};

TEST_F(ComplaintApiTest, FullPathWithTransferTimelineAndDepartmentTimes) {
  v1::Complaint c = MustRegister("投诉客服响应慢");
  EXPECT_TRUE(
      std::regex_match(c.complaint_number(), std::regex("TS202611-[0-9]{6}")))
      << c.complaint_number();
  EXPECT_EQ(c.state(), v1::COMPLAINT_STATE_REGISTERED);
  EXPECT_EQ(c.customer(), customer_);
  EXPECT_EQ(c.customer_display_name(), "杭州云帆科技有限公司");
  EXPECT_EQ(c.customer_grade(), "C");
  EXPECT_EQ(c.customer_owner_id(), "li.na");
  EXPECT_EQ(c.first_responder_id(), "li.na");
  EXPECT_EQ(c.first_responder_department(), "客服部");
  EXPECT_EQ(c.handling_department(), "客服部");
  EXPECT_EQ(c.handler_id(), "");
  EXPECT_EQ(c.repeat_contacts(), 1);
  // Normal: acknowledge within 240 working minutes, opinion by the end of
  // the 2nd working day.
  EXPECT_EQ(TimeOf(DeadlineOf(c, v1::DEADLINE_KIND_ACKNOWLEDGE).due_time()),
            At(2026, 11, 2, 14, 30));
  EXPECT_EQ(
      TimeOf(DeadlineOf(c, v1::DEADLINE_KIND_HANDLING_OPINION).due_time()),
      At(2026, 11, 4, 17, 30));

  v1::Complaint out;
  clock_.Advance(absl::Minutes(30));
  CX_ASSERT_OK(Accept("li.na", c.name(), &out, c.etag()));
  EXPECT_EQ(out.state(), v1::COMPLAINT_STATE_ACCEPTED);
  EXPECT_EQ(out.handler_id(), "li.na");
  EXPECT_EQ(TimeOf(DeadlineOf(out, v1::DEADLINE_KIND_ACKNOWLEDGE).met_time()),
            At(2026, 11, 2, 9, 30));

  // 客服部 held it 2 working hours, then 技术服务部 takes over.
  clock_.Set(At(2026, 11, 2, 11, 0));
  CX_ASSERT_OK(Transfer("sup", c.name(), "技术服务部", &out));
  EXPECT_EQ(out.state(), v1::COMPLAINT_STATE_TRANSFERRED);
  EXPECT_EQ(out.handling_department(), "技术服务部");
  ASSERT_NE(DeptTime(out, "客服部"), nullptr);
  EXPECT_EQ(DeptTime(out, "客服部")->working_minutes(), 120);
  EXPECT_EQ(DeptTime(out, "技术服务部")->working_minutes(), 0);

  // The receiving department accepts; an agent of another department may
  // not.
  CX_EXPECT_CODE(Accept("wang.fang", c.name(), &out),
                 grpc::StatusCode::PERMISSION_DENIED);
  clock_.Set(At(2026, 11, 2, 14, 0));
  CX_ASSERT_OK(Accept("tech.zhou", c.name(), &out));
  EXPECT_EQ(out.handler_id(), "tech.zhou");
  CX_ASSERT_OK(Start("tech.zhou", c.name(), &out));
  EXPECT_EQ(out.state(), v1::COMPLAINT_STATE_IN_PROGRESS);
  clock_.Set(At(2026, 11, 2, 16, 0));
  CX_ASSERT_OK(Resolve("tech.zhou", c.name(), &out));
  EXPECT_EQ(out.state(), v1::COMPLAINT_STATE_RESOLVED);
  EXPECT_EQ(out.resolution().resolver_id(), "tech.zhou");
  EXPECT_FALSE(DeadlineOf(out, v1::DEADLINE_KIND_HANDLING_OPINION).breached());
  // 11:00–16:00 is 60 + 150 working minutes.
  EXPECT_EQ(DeptTime(out, "技术服务部")->working_minutes(), 210);
  CX_ASSERT_OK(Confirm("li.na", c.name(),
                       csm::common::v1::SATISFACTION_SATISFIED, &out));
  EXPECT_EQ(out.state(), v1::COMPLAINT_STATE_CONFIRMED);
  CX_ASSERT_OK(Close("li.na", c.name(), &out));
  EXPECT_EQ(out.state(), v1::COMPLAINT_STATE_CLOSED);
  EXPECT_EQ(out.return_visit().staff_id(), "li.na");
  EXPECT_TRUE(out.has_close_time());

  EXPECT_THAT(StepActions(c.name()),
              ElementsAre("register", "accept", "transfer", "accept", "start",
                          "resolve", "confirm", "close"));

  // Reopen after close.
  CX_ASSERT_OK(Reopen("li.na", c.name(), &out));
  EXPECT_EQ(out.state(), v1::COMPLAINT_STATE_REOPENED);
  EXPECT_EQ(out.reopen_count(), 1);
  EXPECT_FALSE(out.has_close_time());

  std::vector<std::string> types = EventTypes(c.name());
  EXPECT_THAT(types, IsSupersetOf({"csm.events.v1.ComplaintRegistered",
                                   "csm.events.v1.ComplaintTransferred",
                                   "csm.events.v1.ComplaintResolved",
                                   "csm.events.v1.ComplaintConfirmed",
                                   "csm.events.v1.ComplaintClosed",
                                   "csm.events.v1.ComplaintStateChanged"}));
  for (const ev::Event& e : AllEvents()) {
    if (e.event_type() != "csm.events.v1.ComplaintResolved") continue;
    ev::ComplaintResolved resolved;
    ASSERT_TRUE(e.payload().UnpackTo(&resolved));
    EXPECT_EQ(resolved.notify_first_responder_id(), "li.na");
    EXPECT_TRUE(resolved.handling_opinion_on_time());
    EXPECT_EQ(resolved.complaint().state(), "COMPLAINT_STATE_RESOLVED");
  }
}

TEST_F(ComplaintApiTest, DissatisfiedConfirmationReopensAndIllegalMoves) {
  v1::Complaint c = MustRegister("服务态度差");
  v1::Complaint out;
  const grpc::Status illegal = Resolve("li.na", c.name(), &out);
  EXPECT_EQ(illegal.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(illegal.error_message(),
            "cannot resolve a complaint in state REGISTERED; allowed: accept, "
            "transfer, reject, reclassify, reassign");
  CX_ASSERT_OK(Accept("li.na", c.name(), &out));
  CX_ASSERT_OK(Start("li.na", c.name(), &out));
  CX_ASSERT_OK(Resolve("li.na", c.name(), &out));
  CX_EXPECT_CODE(Close("li.na", c.name(), &out),
                 grpc::StatusCode::FAILED_PRECONDITION);
  CX_ASSERT_OK(Confirm("li.na", c.name(),
                       csm::common::v1::SATISFACTION_VERY_DISSATISFIED, &out));
  EXPECT_EQ(out.state(), v1::COMPLAINT_STATE_REOPENED);
  EXPECT_EQ(out.reopen_count(), 1);
  EXPECT_EQ(out.satisfaction(),
            csm::common::v1::SATISFACTION_VERY_DISSATISFIED);
  CX_ASSERT_OK(Start("li.na", c.name(), &out));
  EXPECT_EQ(out.state(), v1::COMPLAINT_STATE_IN_PROGRESS);
}

TEST_F(ComplaintApiTest, EscalationLadderExactlyOnceAcrossSweepersAndRestart) {
  v1::Complaint c = MustRegister("安装延误");
  auto a = NewSweeper();
  auto b = NewSweeper();
  // Nothing due yet.
  EXPECT_EQ(*a->sweep->RunOnce(clock_.Now()), 0);
  // 13:42 is 80 % of the 240 working minutes: the warning, once.
  clock_.Set(At(2026, 11, 2, 13, 42));
  EXPECT_EQ(*a->sweep->RunOnce(clock_.Now()), 1);
  EXPECT_EQ(*a->sweep->RunOnce(clock_.Now()), 0);
  // Past the acknowledge deadline: breach and level 1, once.
  clock_.Set(At(2026, 11, 2, 14, 31));
  EXPECT_EQ(*a->sweep->RunOnce(clock_.Now()), 1);
  v1::Complaint got = Get(c.name());
  EXPECT_EQ(got.escalation_level(), v1::ESCALATION_LEVEL_SUPERVISOR);
  EXPECT_TRUE(DeadlineOf(got, v1::DEADLINE_KIND_ACKNOWLEDGE).breached());
  EXPECT_TRUE(DeptTime(got, "客服部")->breached_acknowledge());
  EXPECT_EQ(*b->sweep->RunOnce(clock_.Now()), 0);
  EXPECT_EQ(*a->sweep->RunOnce(clock_.Now()), 0);

  // One step (240 working minutes) later: level 2, from both sweepers
  // running at once, exactly once.
  clock_.Set(At(2026, 11, 3, 10, 0));
  std::atomic<int> total{0};
  std::thread t1([&] { total += *a->sweep->RunOnce(clock_.Now()); });
  std::thread t2([&] { total += *b->sweep->RunOnce(clock_.Now()); });
  t1.join();
  t2.join();
  EXPECT_EQ(total.load(), 1);
  EXPECT_EQ(Get(c.name()).escalation_level(),
            v1::ESCALATION_LEVEL_DEPARTMENT_MANAGER);

  // "Restart": new objects see the stored level and do nothing.
  a.reset();
  b.reset();
  auto restarted = NewSweeper();
  EXPECT_EQ(*restarted->sweep->RunOnce(clock_.Now()), 0);
  clock_.Set(At(2026, 11, 3, 15, 30));
  EXPECT_EQ(*restarted->sweep->RunOnce(clock_.Now()), 1);
  got = Get(c.name());
  EXPECT_EQ(got.escalation_level(), v1::ESCALATION_LEVEL_GENERAL_MANAGER);
  ASSERT_EQ(got.escalations_size(), 3);
  EXPECT_EQ(got.escalations(0).level(), v1::ESCALATION_LEVEL_SUPERVISOR);
  EXPECT_EQ(got.escalations(2).level(), v1::ESCALATION_LEVEL_GENERAL_MANAGER);
  EXPECT_EQ(got.escalations(0).department(), "客服部");
  EXPECT_EQ(*restarted->sweep->RunOnce(clock_.Now()), 0);

  int escalated = 0;
  int warned = 0;
  for (const ev::Event& e : AllEvents()) {
    escalated += e.event_type() == "csm.events.v1.ComplaintEscalated";
    warned += e.event_type() == "csm.events.v1.ComplaintDeadlineWarning";
    if (e.event_type() == "csm.events.v1.ComplaintEscalated") {
      EXPECT_EQ(e.actor(), "system");
    }
  }
  EXPECT_EQ(escalated, 3);
  EXPECT_EQ(warned, 1);
  std::vector<std::string> steps = StepActions(c.name());
  EXPECT_EQ(std::count(steps.begin(), steps.end(), "escalate"), 3);
}

TEST_F(ComplaintApiTest, ManyComplaintsTwoConcurrentSweepersEachLevelOnce) {
  std::vector<v1::Complaint> all;
  for (int i = 0; i < 12; ++i) {
    all.push_back(MustRegister(absl::StrCat("批量问题 ", i)));
  }
  auto a = NewSweeper();
  auto b = NewSweeper();
  clock_.Set(At(2026, 11, 2, 14, 31));
  std::atomic<int> total{0};
  std::thread t1([&] { total += *a->sweep->RunOnce(clock_.Now()); });
  std::thread t2([&] { total += *b->sweep->RunOnce(clock_.Now()); });
  t1.join();
  t2.join();
  EXPECT_EQ(total.load(), 12);
  for (const v1::Complaint& c : all) {
    v1::Complaint got = Get(c.name());
    EXPECT_EQ(got.escalations_size(), 1) << c.name();
  }
}

TEST_F(ComplaintApiTest, MajorComplaintNotifiesGeneralManagerAtRegistration) {
  v1::Complaint c = MustRegister("设备起火", "quality", v1::SEVERITY_MAJOR);
  EXPECT_EQ(c.handling_department(), "技术服务部");
  EXPECT_EQ(TimeOf(DeadlineOf(c, v1::DEADLINE_KIND_ACKNOWLEDGE).due_time()),
            At(2026, 11, 2, 10, 0));
  EXPECT_THAT(StepActions(c.name()),
              ElementsAre("register", "notify_general_manager"));
  EXPECT_THAT(EventTypes(c.name()),
              ElementsAre("csm.events.v1.ComplaintRegistered",
                          "csm.events.v1.GeneralManagerNotified"));
  v1::Complaint normal = MustRegister("小问题");
  EXPECT_THAT(StepActions(normal.name()), ElementsAre("register"));
}

TEST_F(ComplaintApiTest, WaitingOnCustomerStopsTheClock) {
  v1::Complaint c = MustRegister("需要客户提供照片");
  v1::Complaint out;
  CX_ASSERT_OK(Accept("li.na", c.name(), &out));
  CX_ASSERT_OK(Start("li.na", c.name(), &out));
  clock_.Set(At(2026, 11, 2, 10, 0));
  v1::WaitForCustomerRequest wait;
  wait.set_name(c.name());
  wait.set_reason("等待客户提供现场照片");
  CX_ASSERT_OK(Call(&Stub::WaitForCustomer, "li.na", wait, &out));
  EXPECT_TRUE(out.sla_paused());
  // A whole working day passes; the sweep does nothing while paused.
  clock_.Set(At(2026, 11, 3, 10, 0));
  auto sweeper = NewSweeper();
  EXPECT_EQ(*sweeper->sweep->RunOnce(clock_.Now()), 0);
  v1::ResumeHandlingRequest resume;
  resume.set_name(c.name());
  CX_ASSERT_OK(Call(&Stub::ResumeHandling, "li.na", resume, &out));
  EXPECT_FALSE(out.sla_paused());
  EXPECT_EQ(out.paused_working_minutes(), 420);
  EXPECT_EQ(
      TimeOf(DeadlineOf(out, v1::DEADLINE_KIND_HANDLING_OPINION).due_time()),
      At(2026, 11, 5, 17, 30));
  EXPECT_FALSE(DeadlineOf(out, v1::DEADLINE_KIND_HANDLING_OPINION).breached());
}

TEST_F(ComplaintApiTest, SameMatterIsLinkedNotOpenedTwice) {
  v1::RegisterComplaintResponse first;
  CX_ASSERT_OK(
      Register("li.na", NewComplaint("包装破损", "packaging"), &first));
  v1::RegisterComplaintResponse again;
  CX_ASSERT_OK(
      Register("wang.fang", NewComplaint("包装 破损！", "packaging"), &again));
  EXPECT_TRUE(again.linked_to_open_complaint());
  EXPECT_THAT(again.link_reason(), HasSubstr("same category"));
  EXPECT_EQ(again.complaint().name(), first.complaint().name());
  EXPECT_EQ(again.complaint().repeat_contacts(), 2);
  EXPECT_EQ(again.complaint().first_responder_id(), "li.na");
  EXPECT_THAT(StepActions(first.complaint().name()),
              ElementsAre("register", "link"));
  EXPECT_THAT(EventTypes(first.complaint().name()),
              Contains("csm.events.v1.ComplaintLinked"));

  v1::RegisterComplaintResponse other;
  CX_ASSERT_OK(
      Register("li.na", NewComplaint("配送延迟", "packaging"), &other));
  EXPECT_FALSE(other.linked_to_open_complaint());
  EXPECT_NE(other.complaint().name(), first.complaint().name());

  // By reference, whatever the subject.
  v1::RegisterComplaintResponse ref1, ref2;
  CX_ASSERT_OK(Register(
      "li.na", NewComplaint("发票错误", "sales", v1::SEVERITY_NORMAL, "SO-1"),
      &ref1));
  CX_ASSERT_OK(Register(
      "li.na",
      NewComplaint("合同金额不对", "service", v1::SEVERITY_NORMAL, " so-1 "),
      &ref2));
  EXPECT_TRUE(ref2.linked_to_open_complaint());
  EXPECT_EQ(ref2.complaint().name(), ref1.complaint().name());
}

TEST_F(ComplaintApiTest, ConcurrentRegistrationsOfOneMatterOpenOnce) {
  std::vector<std::string> names(4);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      v1::RegisterComplaintResponse resp;
      const grpc::Status s =
          Register("li.na", NewComplaint("同时来电的问题"), &resp);
      EXPECT_TRUE(s.ok()) << Describe(s);
      names[i] = resp.complaint().name();
    });
  }
  for (auto& t : threads) t.join();
  for (const std::string& n : names) EXPECT_EQ(n, names[0]);
  EXPECT_EQ(Get(names[0]).repeat_contacts(), 4);
}

TEST_F(ComplaintApiTest, CustomerServiceDownNothingWritten) {
  // Unknown and closed customers first, while it is up.
  v1::RegisterComplaintResponse resp;
  v1::Complaint unknown = NewComplaint("无此客户");
  unknown.set_customer("customers/999999");
  const grpc::Status nf = Register("li.na", unknown, &resp);
  EXPECT_EQ(nf.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << Describe(nf);
  EXPECT_THAT(nf.error_message(), HasSubstr("does not exist in customer-svc"));

  customer_server_->Shutdown();
  const grpc::Status down =
      Register("li.na", NewComplaint("客户服务不可用时"), &resp, "req-down-1");
  EXPECT_EQ(down.error_code(), grpc::StatusCode::UNAVAILABLE) << Describe(down);
  EXPECT_THAT(down.error_message(),
              HasSubstr("customer-svc is unavailable; nothing was registered; "
                        "retry"));
  v1::ListComplaintsRequest list;
  v1::ListComplaintsResponse listed;
  CX_ASSERT_OK(Call(&Stub::ListComplaints, "gm", list, &listed));
  EXPECT_EQ(listed.complaints_size(), 0);
  EXPECT_TRUE(AllEvents().empty());
}

TEST_F(ComplaintApiTest, BadInputIsInvalidArgumentWithFieldViolations) {
  v1::RegisterComplaintResponse resp;
  v1::Complaint empty;
  const grpc::Status s = Register("li.na", empty, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(
      ViolationFields(s),
      UnorderedElementsAre("complaint.customer", "complaint.category",
                           "complaint.severity", "complaint.channel",
                           "complaint.subject", "complaint.description"));
  v1::Complaint too_long = NewComplaint(std::string(201, 'x'));
  too_long.set_matter_reference(std::string(101, 'r'));
  too_long.set_customer_request(std::string(2001, 'q'));
  too_long.set_description(std::string(4001, 'd'));
  EXPECT_THAT(ViolationFields(Register("li.na", too_long, &resp)),
              UnorderedElementsAre("complaint.subject", "complaint.description",
                                   "complaint.customer_request",
                                   "complaint.matter_reference"));
  EXPECT_THAT(
      ViolationFields(Register("li.na", NewComplaint("x", "no-such"), &resp)),
      ElementsAre("complaint.category"));
  v1::Complaint service_channel = NewComplaint("由服务登记");
  service_channel.set_channel(v1::COMPLAINT_CHANNEL_SERVICE);
  EXPECT_THAT(ViolationFields(Register("li.na", service_channel, &resp)),
              ElementsAre("complaint.channel"));
  CX_ASSERT_OK(Register("order-svc", service_channel, &resp));

  v1::Complaint c = MustRegister("缺字段");
  v1::Complaint out;
  CX_ASSERT_OK(Accept("li.na", c.name(), &out));
  CX_ASSERT_OK(Start("li.na", c.name(), &out));
  v1::ResolveComplaintRequest resolve;
  resolve.set_name(c.name());
  const grpc::Status r = Call(&Stub::ResolveComplaint, "li.na", resolve, &out);
  EXPECT_EQ(r.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolationFields(r),
              UnorderedElementsAre(
                  "resolution.cause_analysis", "resolution.immediate_fix",
                  "resolution.corrective_action", "resolution.responsibility"));
  v1::ConfirmComplaintRequest confirm;
  confirm.set_name(c.name());
  EXPECT_THAT(
      ViolationFields(Call(&Stub::ConfirmComplaint, "li.na", confirm, &out)),
      ElementsAre("satisfaction"));
  v1::CloseComplaintRequest close;
  close.set_name(c.name());
  EXPECT_THAT(
      ViolationFields(Call(&Stub::CloseComplaint, "li.na", close, &out)),
      UnorderedElementsAre("return_visit.method", "return_visit.satisfaction"));
  v1::RejectComplaintRequest reject;
  reject.set_name(c.name());
  reject.set_kind(v1::REJECTION_KIND_DUPLICATE);
  reject.set_reason("重复登记");
  EXPECT_THAT(
      ViolationFields(Call(&Stub::RejectComplaint, "sup", reject, &out)),
      ElementsAre("duplicate_of"));
  v1::GetComplaintRequest get;
  get.set_name("complaint/1");
  EXPECT_THAT(ViolationFields(Call(&Stub::GetComplaint, "gm", get, &out)),
              ElementsAre("name"));
}

TEST_F(ComplaintApiTest, RetryStaleEtagPermissionsAndReject) {
  v1::RegisterComplaintResponse first, retry;
  CX_ASSERT_OK(Register("li.na", NewComplaint("重试"), &first, "req-1"));
  CX_ASSERT_OK(Register("li.na", NewComplaint("重试"), &retry, "req-1"));
  EXPECT_EQ(retry.complaint().name(), first.complaint().name());
  EXPECT_FALSE(retry.linked_to_open_complaint());
  EXPECT_EQ(Get(first.complaint().name()).repeat_contacts(), 1);

  v1::Complaint out;
  CX_EXPECT_CODE(Accept("li.na", first.complaint().name(), &out, "99"),
                 grpc::StatusCode::ABORTED);
  CX_EXPECT_CODE(
      Transfer("li.na", first.complaint().name(), "技术服务部", &out),
      grpc::StatusCode::PERMISSION_DENIED);
  CX_EXPECT_CODE(Accept("gm", first.complaint().name(), &out),
                 grpc::StatusCode::PERMISSION_DENIED);

  v1::Complaint dup = MustRegister("另一件事");
  v1::RejectComplaintRequest reject;
  reject.set_name(dup.name());
  reject.set_kind(v1::REJECTION_KIND_DUPLICATE);
  reject.set_reason("与已有投诉重复");
  reject.set_duplicate_of(first.complaint().name());
  CX_ASSERT_OK(Call(&Stub::RejectComplaint, "sup", reject, &out));
  EXPECT_EQ(out.state(), v1::COMPLAINT_STATE_REJECTED);
  EXPECT_EQ(out.duplicate_of(), first.complaint().name());
  CX_EXPECT_CODE(Accept("li.na", dup.name(), &out),
                 grpc::StatusCode::FAILED_PRECONDITION);

  v1::ListComplaintsRequest list;
  list.set_filter(
      "state = COMPLAINT_STATE_REGISTERED AND handling_department = "
      "\"客服部\"");
  v1::ListComplaintsResponse listed;
  CX_ASSERT_OK(Call(&Stub::ListComplaints, "gm", list, &listed));
  ASSERT_EQ(listed.complaints_size(), 1);
  EXPECT_EQ(listed.complaints(0).name(), first.complaint().name());
  clock_.Set(At(2026, 11, 2, 15, 0));
  list.set_filter("overdue = true");
  CX_ASSERT_OK(Call(&Stub::ListComplaints, "gm", list, &listed));
  EXPECT_EQ(listed.complaints_size(), 1);
}

TEST_F(ComplaintApiTest, FaultReportsLinkBothWays) {
  v1::Complaint c =
      MustRegister("停电导致故障", "quality", v1::SEVERITY_CRITICAL);
  v1::CreateFaultReportRequest req;
  v1::FaultReport* f = req.mutable_fault_report();
  f->set_title("机房停电");
  ToProtoTimestamp(At(2026, 11, 2, 8, 30), f->mutable_fault_time());
  f->set_location("杭州数据中心");
  f->set_symptoms("服务中断");
  f->set_plan("切换备用电源");
  f->add_complaints(c.name());
  v1::FaultReport report;
  CX_ASSERT_OK(Call(&Stub::CreateFaultReport, "sup", req, &report));
  EXPECT_THAT(report.complaints(), ElementsAre(c.name()));
  EXPECT_EQ(Get(c.name()).fault_report(), report.name());

  v1::SubmitFaultAnalysisRequest analysis;
  analysis.set_name(report.name());
  EXPECT_EQ(ViolationFields(
                Call(&Stub::SubmitFaultAnalysis, "sup", analysis, &report))
                .size(),
            5u);
  analysis.set_impact("2小时中断");
  analysis.set_handling("切换电源");
  analysis.set_cause("市电故障");
  analysis.set_corrective_measures("UPS扩容");
  analysis.set_preventive_measures("定期演练");
  CX_ASSERT_OK(Call(&Stub::SubmitFaultAnalysis, "sup", analysis, &report));
  EXPECT_TRUE(report.has_analysis_time());
  CX_EXPECT_CODE(Call(&Stub::SubmitFaultAnalysis, "sup", analysis, &report),
                 grpc::StatusCode::FAILED_PRECONDITION);
}

}  // namespace
}  // namespace csm::complaint
