#include "common/service_assembly.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/event_stream.h"
#include "common/log.h"
#include "common/status.h"

namespace csm {

ServiceAssembly::ServiceAssembly(ServiceConfig config, const Clock* clock)
    : config_(std::move(config)),
      clock_(clock != nullptr ? clock : &Clock::Real()) {}

absl::StatusOr<std::unique_ptr<ServiceAssembly>> ServiceAssembly::Create(
    ServiceConfig config, const std::vector<Migration>& service_migrations,
    const TokenVerifier* verifier, const Clock* clock) {
  std::unique_ptr<ServiceAssembly> a(
      new ServiceAssembly(std::move(config), clock));
  const ServiceConfig& c = a->config_;
  CSM_ASSIGN_OR_RETURN(a->pool_, MysqlPool::Create(c.mysql));
  std::vector<Migration> migrations = csm_common_schema_migrations();
  migrations.insert(migrations.end(), service_migrations.begin(),
                    service_migrations.end());
  CSM_RETURN_IF_ERROR(ApplyMigrations(*a->pool_, migrations));
  a->host_ = std::make_unique<ServiceHost>(c.server);
  a->metrics_ =
      std::make_unique<RpcMetrics>(a->host_->registry(), c.runtime.service);
  a->runtime_ = std::make_unique<RpcRuntime>(c.runtime, verifier,
                                             a->metrics_.get(), a->clock_);
  a->outbox_ = std::make_unique<Outbox>(c.runtime.service, a->clock_);
  a->events_ = std::make_unique<EventStreamService>(
      a->pool_.get(), a->outbox_.get(), a->runtime_.get(), c.events);
  return a;
}

ServiceAssembly::~ServiceAssembly() {
  Shutdown();
  jobs_.clear();
  host_.reset();
  while (!owned_.empty()) owned_.pop_back();
  events_.reset();
  outbox_.reset();
  runtime_.reset();
  metrics_.reset();
  pool_.reset();
}

PeriodicTask& ServiceAssembly::AddJob(std::string name, absl::Duration interval,
                                      PeriodicTask::Body body) {
  jobs_.push_back(std::make_unique<PeriodicTask>(std::move(name), interval,
                                                 std::move(body)));
  return *jobs_.back();
}

void ServiceAssembly::OnShutdown(std::function<void()> hook) {
  hooks_.push_back(std::move(hook));
}

absl::Status ServiceAssembly::Start() {
  host_->AddService(events_.get());
  if (config_.server.database_probe_interval > absl::ZeroDuration()) {
    AddJob("database-probe", config_.server.database_probe_interval,
           [this]() -> absl::StatusOr<int> {
             CSM_RETURN_IF_ERROR(ProbeDatabase());
             return 0;
           });
  }
  // Runs inside ServiceHost::Shutdown, after health turns NOT_SERVING and
  // before in-flight calls are drained.
  host_->OnShutdown([this] {
    StopJobs();
    for (const auto& hook : hooks_) hook();
    // Streams never finish on their own: end them so the drain can.
    events_->Shutdown();
    const ServerOptions& server = config_.server;
    if (!runtime_->Drain(absl::Now() + server.shutdown_grace,
                         server.shutdown_quiet)) {
      log::Warning("calls still running or arriving as the server stops",
                   {{"running", absl::StrCat(runtime_->running_calls())},
                    {"queued", absl::StrCat(runtime_->queued_calls())}});
    }
  });
  CSM_RETURN_IF_ERROR(host_->Start());
  for (const auto& job : jobs_) job->Start();
  return absl::OkStatus();
}

absl::Status ServiceAssembly::ProbeDatabase() {
  constexpr absl::Duration kProbeTimeout = absl::Seconds(1);
  absl::Status status =
      RunWithConnection(*pool_, absl::Now() + kProbeTimeout,
                        [](MysqlConnection& conn) -> absl::Status {
                          conn.Execute("DO 1");
                          return absl::OkStatus();
                        });
  // Every connection borrowed: the database is answering them.
  if (status.code() == absl::StatusCode::kDeadlineExceeded ||
      status.code() == absl::StatusCode::kResourceExhausted) {
    status = absl::OkStatus();
  }
  if (status.ok()) {
    if (probe_failures_ >= 2) {
      host_->SetServing(true);
      log::Info("database reachable again: SERVING");
    }
    probe_failures_ = 0;
    return status;
  }
  if (++probe_failures_ == 2) {
    host_->SetServing(false);
    log::Warning(
        "database unreachable: NOT_SERVING",
        {{"code", std::string(absl::StatusCodeToString(status.code()))}});
  }
  return status;
}

void ServiceAssembly::StopJobs() {
  for (const auto& job : jobs_) job->Stop();
}

void ServiceAssembly::Shutdown() {
  if (host_ != nullptr) host_->Shutdown();
  // A host that never started runs no hooks; its jobs may exist all the same.
  StopJobs();
}

void ServiceAssembly::RunUntilSignal() { host_->RunUntilSignal(); }

}  // namespace csm
