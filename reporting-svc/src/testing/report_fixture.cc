#include "reporting-svc/src/testing/report_fixture.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/mysql_pool.h"
#include "common/status.h"
#include "cppconn/resultset.h"
#include "cppconn/statement.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "reporting-svc/src/app/refresh_queue.h"
#include "reporting-svc/src/store/report_tables.h"

namespace csm::reporting::testing {

absl::Time Beijing(int y, int m, int d, int hh, int mm) {
  return StartOfBusinessDay(absl::CivilDay(y, m, d)) + absl::Hours(hh) +
         absl::Minutes(mm);
}

Event EventLog::Add(absl::string_view source, absl::Time at,
                    const google::protobuf::Message& payload,
                    absl::string_view actor,
                    absl::string_view actor_department) {
  std::vector<Event>& events = events_[std::string(source)];
  Event e;
  e.set_sequence(static_cast<int64_t>(events.size()) + 1);
  e.set_event_id(absl::StrCat(source, "-", e.sequence()));
  e.set_source(std::string(source));
  e.set_event_type(std::string(payload.GetDescriptor()->full_name()));
  ToProtoTimestamp(at, e.mutable_occur_time());
  e.set_actor(std::string(actor));
  e.set_actor_department(std::string(actor_department));
  e.mutable_payload()->PackFrom(payload);
  events.push_back(e);
  return e;
}

const std::vector<Event>& EventLog::of(absl::string_view source) const {
  static const std::vector<Event>* kNone = new std::vector<Event>;
  auto it = events_.find(source);
  return it == events_.end() ? *kNone : it->second;
}

int64_t EventLog::last(absl::string_view source) const {
  return static_cast<int64_t>(of(source).size());
}

absl::StatusOr<std::unique_ptr<ReportingServer>> StartReportingServer(
    const ::csm::testing::TestDatabase& db, const TokenVerifier* verifier,
    const Clock* clock) {
  ReportingServerConfig config;
  config.service.mysql = db.options();
  config.service.server =
      ServerOptions{.service_name = "reporting-svc",
                    .listen_address = "127.0.0.1:0",
                    .metrics_address = "",
                    .shutdown_grace = absl::Seconds(2),
                    .shutdown_quiet = absl::Milliseconds(20)};
  config.service.runtime = RpcRuntimeOptions{.service = "reporting-svc"};
  config.jwt_secret = ::csm::testing::kTestJwtSecret;
  config.jwt_issuer = ::csm::testing::kTestIssuer;
  config.follow = false;
  config.snapshot_interval = absl::ZeroDuration();
  return ReportingServer::Start(config, verifier, clock);
}

void ReportFixture::SetUp() {
  auto db = ::csm::testing::TestDatabase::Create();
  ASSERT_TRUE(db.ok()) << db.status();
  db_ = *std::move(db);
  auto server = StartReportingServer(*db_, &verifier_);
  ASSERT_TRUE(server.ok()) << server.status();
  server_ = *std::move(server);
  channel_ = grpc::CreateChannel(server_->address(),
                                 grpc::InsecureChannelCredentials());
  reports_ = rv1::ReportService::NewStub(channel_);
  complaint_reports_ = rv1::ComplaintReportService::NewStub(channel_);
  config_ = rv1::ReportConfigService::NewStub(channel_);
}

void ReportFixture::TearDown() {
  reports_.reset();
  complaint_reports_.reset();
  config_.reset();
  channel_.reset();
  server_.reset();
  db_.reset();
}

void Week47Fixture::SetUp() {
  ASSERT_NO_FATAL_FAILURE(ReportFixture::SetUp());
  WriteWeek47(log_);
  ASSERT_NO_FATAL_FAILURE(ApplyAll(log_));
}

void ReportFixture::ApplyAll(const EventLog& log, size_t batch) {
  for (const char* source : {kCustomerSource, kComplaintSource}) {
    ASSERT_NO_FATAL_FAILURE(ApplyFrom(log, source, 0, batch));
  }
}

void ReportFixture::ApplyFrom(const EventLog& log, absl::string_view source,
                              size_t from, size_t batch) {
  const EventHandlers& handlers =
      source == kComplaintSource ? complaint_handlers_ : customer_handlers_;
  const std::vector<Event>& events = log.of(source);
  for (size_t i = from; i < events.size(); i += batch) {
    std::vector<Event> part(
        events.begin() + i,
        events.begin() + std::min(events.size(), i + batch));
    absl::Status s = RunInTransaction(
        server_->pool(), absl::Now() + absl::Seconds(30),
        [&](MysqlConnection& conn) -> absl::Status {
          auto outcome = ApplyEvents(conn, source, handlers, part);
          if (!outcome.ok()) return outcome.status();
          if (outcome->dead_letter.has_value()) {
            return absl::DataLossError(outcome->dead_letter->error);
          }
          return absl::OkStatus();
        });
    ASSERT_TRUE(s.ok()) << s;
  }
  // As the follower does at the source's head.
  absl::Status drained =
      DrainRefreshQueue(server_->pool(), source, [] { return false; });
  ASSERT_TRUE(drained.ok()) << drained;
}

int64_t ReportFixture::Sql(const std::vector<std::string>& statements) {
  int64_t value = -1;
  absl::Status s = RunInTransaction(
      server_->pool(), absl::Now() + absl::Seconds(30),
      [&](MysqlConnection& conn) -> absl::Status {
        std::unique_ptr<sql::Statement> st(conn.raw().createStatement());
        for (const std::string& text : statements) {
          if (st->execute(text)) {
            std::unique_ptr<sql::ResultSet> rs(st->getResultSet());
            value = rs->next() ? rs->getInt64(1) : -1;
          }
        }
        return absl::OkStatus();
      });
  EXPECT_TRUE(s.ok()) << s;
  return value;
}

absl::StatusOr<rv1::Rebuild> ReportFixture::RebuildFrom(const EventLog& log) {
  std::vector<ReplaySource> sources;
  for (const char* source : {kCustomerSource, kComplaintSource}) {
    ReplaySource r;
    r.source = source;
    r.handlers = std::string(source) == kComplaintSource ? &complaint_handlers_
                                                         : &customer_handlers_;
    r.replay = [&log, source](int64_t upto, const auto& apply) {
      for (const Event& e : log.of(source)) {
        if (e.sequence() > upto) break;
        if (absl::Status s = apply(e); !s.ok()) return s;
      }
      return absl::OkStatus();
    };
    sources.push_back(std::move(r));
  }
  ReportRebuild rebuild(&server_->pool(), std::move(sources));
  return rebuild.RunNow("dang.an");
}

void ReportFixture::ClearTablesAndCursors() {
  absl::Status s = RunInTransaction(
      server_->pool(), absl::Now() + absl::Seconds(10),
      [](MysqlConnection& conn) -> absl::Status {
        CSM_RETURN_IF_ERROR(ClearReportTables(conn));
        conn.Prepare("DELETE FROM event_cursors").executeUpdate();
        return absl::OkStatus();
      });
  ASSERT_TRUE(s.ok()) << s;
}

std::string ReportFixture::DumpTables() {
  return DumpReportTables(server_->pool());
}

std::string DumpReportTables(MysqlPool& pool) {
  std::string out;
  absl::Status s = RunWithConnection(
      pool, absl::Now() + absl::Seconds(10),
      [&](MysqlConnection& conn) -> absl::Status {
        for (const std::string& table : ReportTables()) {
          std::unique_ptr<sql::Statement> st(conn.raw().createStatement());
          std::unique_ptr<sql::ResultSet> rs(st->executeQuery(
              absl::StrCat("SELECT * FROM ", table, " ORDER BY 1, 2")));
          const int columns =
              static_cast<int>(rs->getMetaData()->getColumnCount());
          absl::StrAppend(&out, "== ", table, "\n");
          while (rs->next()) {
            for (int c = 1; c <= columns; ++c) {
              absl::StrAppend(
                  &out, rs->isNull(c) ? "NULL" : std::string(rs->getString(c)),
                  "|");
            }
            absl::StrAppend(&out, "\n");
          }
        }
        return absl::OkStatus();
      });
  EXPECT_TRUE(s.ok()) << s;
  return out;
}

std::unique_ptr<grpc::ClientContext> ReportFixture::Context(
    const std::string& staff, RoleSet roles, const std::string& dept) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->AddMetadata(
      "authorization",
      absl::StrCat("Bearer ", ::csm::testing::TestToken(staff, roles, dept)));
  ctx->set_deadline(std::chrono::system_clock::now() +
                    std::chrono::seconds(20));
  return ctx;
}

std::string R(const rv1::Ratio& r) {
  if (r.no_data()) return "no data";
  return absl::StrCat(r.numerator(), "/", r.denominator(), "=",
                      absl::StrFormat("%.2f", r.percent()));
}

std::vector<std::pair<std::string, std::string>> Violations(
    const grpc::Status& status) {
  google::rpc::Status details;
  std::vector<std::pair<std::string, std::string>> out;
  if (!details.ParseFromString(status.error_details())) return out;
  for (const auto& any : details.details()) {
    google::rpc::BadRequest bad;
    if (!any.UnpackTo(&bad)) continue;
    for (const auto& v : bad.field_violations()) {
      out.emplace_back(v.field(), v.description());
    }
  }
  return out;
}

rv1::Period Week(int year, int week) {
  rv1::Period p;
  p.set_kind(rv1::PERIOD_KIND_WEEK);
  p.set_year(year);
  p.set_number(week);
  return p;
}

rv1::Period Month(int year, int month) {
  rv1::Period p;
  p.set_kind(rv1::PERIOD_KIND_MONTH);
  p.set_year(year);
  p.set_number(month);
  return p;
}

}  // namespace csm::reporting::testing
