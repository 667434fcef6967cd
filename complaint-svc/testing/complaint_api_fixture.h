#ifndef CSM_COMPLAINT_SVC_TESTING_COMPLAINT_API_FIXTURE_H_
#define CSM_COMPLAINT_SVC_TESTING_COMPLAINT_API_FIXTURE_H_

// The fixture of complaint-svc's gRPC tests, with BOTH services and the real
// MariaDB: a real customer-svc (CustomerServer, its own database) that the
// complaint side asks through the real GrpcCustomerDirectory, and the real
// ComplaintServer (the production wiring on ServiceAssembly, its sweep
// thread off) on a fresh database, with a ManualClock so that deadlines
// pass without sleeping. Escalation sweeps are separate EscalationSweep
// objects on their own pools (as other replicas would be). Each test file
// derives its own fixture class from ComplaintApiFixture. Staff, tokens and
// times: complaint_test_staff.h.

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "common/auth.h"
#include "common/business_calendar.h"
#include "common/business_time.h"
#include "common/clock.h"
#include "common/mysql_pool.h"
#include "common/outbox.h"
#include "common/rpc.h"
#include "common/server.h"
#include "complaint-svc/src/clients/grpc_customer_directory.h"
#include "complaint-svc/src/complaint_server.h"
#include "complaint-svc/src/jobs/escalation_sweep.h"
#include "complaint-svc/src/store/config_store.h"
#include "complaint-svc/testing/complaint_test_server.h"
#include "complaint-svc/testing/complaint_test_staff.h"
#include "cppconn/resultset.h"
#include "cppconn/statement.h"
#include "csm/complaint/v1/complaint.grpc.pb.h"
#include "csm/customer/v1/customer.grpc.pb.h"
#include "csm/events/v1/complaint_events.pb.h"
#include "csm/events/v1/events.grpc.pb.h"
#include "customer-svc/src/customer_server.h"
#include "customer-svc/testing/customer_test_support.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/test_database.h"

namespace csm::complaint::fixture {

class ComplaintApiFixture : public ::testing::Test {
 protected:
  using Stub = v1::ComplaintService::Stub;
  using ConfigStub = v1::ComplaintConfigService::Stub;

  ComplaintApiFixture()
      : verifier_(csm::testing::kTestJwtSecret, csm::testing::kTestIssuer),
        clock_(kStart) {}

  void SetUp() override {
    // customer-svc, real, on its own database and the real clock.
    auto cdb = csm::testing::TestDatabase::Create();
    ASSERT_TRUE(cdb.ok()) << cdb.status();
    customer_db_ = std::move(*cdb);
    customer::CustomerServerConfig cc;
    csm::testing::ConfigureTestService(&cc, "customer-svc",
                                       customer_db_->options());
    cc.server.shutdown_grace = absl::Seconds(2);
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
    GrpcCustomerDirectoryOptions dir;
    dir.target = customer_server_->address();
    dir.jwt_secret = csm::testing::kTestJwtSecret;
    dir.jwt_issuer = csm::testing::kTestIssuer;
    dir.max_attempts = 2;
    dir.per_attempt_timeout = absl::Milliseconds(500);
    directory_ = std::make_unique<GrpcCustomerDirectory>(dir);

    ComplaintServerConfig config = csm::testing::TestComplaintServerConfig(
        db_->options(), customer_server_->address());
    config.server.shutdown_grace = absl::Seconds(2);
    config.events.poll_interval = absl::Milliseconds(50);
    config.customers = directory_.get();
    auto server = ComplaintServer::Start(config, &verifier_, &clock_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    pool_ = &server_->pool();
    auto chan = grpc::CreateChannel(server_->address(),
                                    grpc::InsecureChannelCredentials());
    stub_ = v1::ComplaintService::NewStub(chan);
    event_stub_ = ev::EventService::NewStub(chan);
    config_stub_ = v1::ComplaintConfigService::NewStub(chan);
  }

  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown();
    stub_.reset();
    event_stub_.reset();
    config_stub_.reset();
    server_.reset();
    pool_ = nullptr;
    directory_.reset();
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
  // A 客服部 complaint (category service) registered by li.na and walked
  // by the rightful staff (li.na; sup transfers to 技术服务部) to `state`.
  v1::Complaint Walk(const std::string& subject, v1::ComplaintState state) {
    using S = v1::ComplaintState;
    v1::Complaint c = MustRegister(subject);
    v1::Complaint out = c;
    auto step = [&](const grpc::Status& st) {
      EXPECT_TRUE(st.ok()) << subject << ": " << Describe(st);
    };
    if (state == S::COMPLAINT_STATE_REGISTERED) return c;
    if (state == S::COMPLAINT_STATE_TRANSFERRED) {
      step(Transfer("sup", c.name(), "技术服务部", &out));
      return out;
    }
    step(Accept("li.na", c.name(), &out));
    if (state == S::COMPLAINT_STATE_ACCEPTED) return out;
    step(Start("li.na", c.name(), &out));
    if (state == S::COMPLAINT_STATE_WAITING_ON_CUSTOMER) {
      v1::WaitForCustomerRequest wait;
      wait.set_name(c.name());
      wait.set_reason("等待客户提供照片");
      step(Call(&Stub::WaitForCustomer, "li.na", wait, &out));
      return out;
    }
    if (state == S::COMPLAINT_STATE_IN_PROGRESS) return out;
    step(Resolve("li.na", c.name(), &out));
    if (state == S::COMPLAINT_STATE_RESOLVED) return out;
    step(Confirm("li.na", c.name(), csm::common::v1::SATISFACTION_SATISFIED,
                 &out));
    if (state == S::COMPLAINT_STATE_CONFIRMED) return out;
    step(Close("li.na", c.name(), &out));
    if (state != S::COMPLAINT_STATE_REOPENED) return out;
    step(Reopen("li.na", c.name(), &out));
    return out;
  }

  // A valid major fault report (故障报告) linking no complaint yet.
  v1::CreateFaultReportRequest FaultReportRequest() {
    v1::CreateFaultReportRequest req;
    v1::FaultReport* f = req.mutable_fault_report();
    f->set_title("机房停电");
    ToProtoTimestamp(clock_.Now(), f->mutable_fault_time());
    f->set_location("杭州数据中心");
    f->set_symptoms("服务中断");
    f->set_plan("切换备用电源");
    return req;
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
                                                 s->config.get());
    return s;
  }

  template <typename Req, typename Resp>
  grpc::Status ConfigCall(grpc::Status (ConfigStub::*method)(
                              grpc::ClientContext*, const Req&, Resp*),
                          const std::string& staff, const Req& req,
                          Resp* resp) {
    auto ctx = Ctx(staff);
    return ((*config_stub_).*method)(ctx.get(), req, resp);
  }

  // A checksum of every table of complaint-svc's schema (complaints, steps,
  // department times, escalations, fault reports, configuration, outbox,
  // idempotency keys ...): equal before and after a refused call means the
  // call wrote nothing.
  std::string DatabaseFingerprint() {
    std::string out;
    absl::Status s = RunWithConnection(
        *pool_, absl::Now() + absl::Seconds(10),
        [&](MysqlConnection& conn) -> absl::Status {
          std::unique_ptr<sql::Statement> st(conn.raw().createStatement());
          // The outbox sequencer numbers committed events in the
          // background: fingerprint the database once it has.
          for (int i = 0; i < 500; ++i) {
            std::unique_ptr<sql::ResultSet> rs(st->executeQuery(
                "SELECT COUNT(*) FROM outbox_events WHERE sequence IS NULL"));
            if (!rs->next() || rs->getInt64(1) == 0) break;
            absl::SleepFor(absl::Milliseconds(10));
          }
          std::vector<std::string> tables;
          {
            std::unique_ptr<sql::ResultSet> rs(st->executeQuery(
                "SELECT table_name FROM information_schema.tables WHERE "
                "table_schema = DATABASE() ORDER BY table_name"));
            while (rs->next()) tables.push_back(rs->getString(1));
          }
          for (const std::string& t : tables) {
            std::unique_ptr<sql::ResultSet> rs(
                st->executeQuery(absl::StrCat("CHECKSUM TABLE `", t, "`")));
            while (rs->next()) {
              absl::StrAppend(&out, t, "=", std::string(rs->getString(2)), ";");
            }
          }
          return absl::OkStatus();
        });
    EXPECT_TRUE(s.ok()) << s;
    return out;
  }

  TokenVerifier verifier_;
  ManualClock clock_;
  std::unique_ptr<csm::testing::TestDatabase> customer_db_;
  std::unique_ptr<customer::CustomerServer> customer_server_;
  std::unique_ptr<cv1::CustomerService::Stub> customer_stub_;
  std::string customer_;
  std::unique_ptr<csm::testing::TestDatabase> db_;
  std::unique_ptr<GrpcCustomerDirectory> directory_;
  std::unique_ptr<ComplaintServer> server_;
  MysqlPool* pool_ = nullptr;  // the server's
  std::unique_ptr<Stub> stub_;
  std::unique_ptr<ev::EventService::Stub> event_stub_;
  std::unique_ptr<ConfigStub> config_stub_;
};

}  // namespace csm::complaint::fixture

#endif  // CSM_COMPLAINT_SVC_TESTING_COMPLAINT_API_FIXTURE_H_
