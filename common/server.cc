#include "common/server.h"

#include <fcntl.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/impl/server_builder_option.h>
#include <grpcpp/impl/server_builder_plugin.h>
#include <grpcpp/impl/server_initializer.h>
#include <grpcpp/resource_quota.h>
#include <poll.h>
#include <prometheus/exposer.h>
#include <prometheus/registry.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/log.h"
#include "common/request_decoding.h"

namespace csm {
namespace {

constexpr int kMaxReceiveMessageBytes = 4 << 20;
// Clients may ping every 10 s even without calls in flight (long-lived
// channels between services behind load balancers); faster pings are
// still answered with GOAWAY by gRPC's ping-strike policy.
constexpr int kMinClientPingIntervalMs = 10'000;

// --- Signals -------------------------------------------------------------
//
// A handler that only write()s a byte to a pipe is async-signal-safe and,
// unlike sigwait() with a blocked mask, works no matter which threads
// existed before (gRPC starts its own as soon as any channel is created).
// The pipe is process-wide; the handlers are installed while at least one
// ServiceHost is running and the previous dispositions restored after.

struct SignalState {
  std::mutex mu;
  int users = 0;
  int read_fd = -1;
  struct sigaction old_term {};
  struct sigaction old_int {};
};

SignalState& Signals() {
  static SignalState* const kState = new SignalState;
  return *kState;
}

// Read by the handler; a plain int is fine (written before the handler is
// installed, never changed after).
volatile sig_atomic_t g_signal_write_fd = -1;

extern "C" void OnTerminationSignal(int signo) {
  const int saved_errno = errno;
  const unsigned char byte = static_cast<unsigned char>(signo);
  // Non-blocking: if the pipe is full, a byte is already waiting anyway.
  if (write(g_signal_write_fd, &byte, 1) < 0) {
  }
  errno = saved_errno;
}

bool InstallSignalHandlers() {
  SignalState& s = Signals();
  std::lock_guard<std::mutex> lock(s.mu);
  if (s.read_fd < 0) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) {
      log::Error("cannot create the signal pipe", {{"error", strerror(errno)}});
      return false;
    }
    s.read_fd = fds[0];
    g_signal_write_fd = fds[1];
  }
  if (s.users++ == 0) {
    struct sigaction sa {};
    sa.sa_handler = OnTerminationSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &sa, &s.old_term);
    sigaction(SIGINT, &sa, &s.old_int);
  }
  return true;
}

void RestoreSignalHandlers() {
  SignalState& s = Signals();
  std::lock_guard<std::mutex> lock(s.mu);
  if (s.users > 0 && --s.users == 0) {
    sigaction(SIGTERM, &s.old_term, nullptr);
    sigaction(SIGINT, &s.old_int, nullptr);
  }
}

const char* SignalName(int signo) {
  switch (signo) {
    case SIGTERM:
      return "SIGTERM";
    case SIGINT:
      return "SIGINT";
    default:
      return "unknown";
  }
}

// --- Service names ---------------------------------------------------------
//
// grpc::Service does not expose its name; the server knows the names of the
// services it registered and shows them to builder plugins.

class ServiceNamesPlugin : public grpc::ServerBuilderPlugin {
 public:
  explicit ServiceNamesPlugin(std::vector<std::string>* names)
      : names_(names) {}
  std::string name() override { return "csm_service_names"; }
  void InitServer(grpc::ServerInitializer* /*si*/) override {}
  void Finish(grpc::ServerInitializer* si) override {
    *names_ = *si->GetServiceList();
  }
  void ChangeArguments(const std::string& /*name*/, void* /*value*/) override {}

 private:
  std::vector<std::string>* names_;
};

class ServiceNamesOption : public grpc::ServerBuilderOption {
 public:
  explicit ServiceNamesOption(std::vector<std::string>* names)
      : names_(names) {}
  void UpdateArguments(grpc::ChannelArguments* /*args*/) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>*
                         plugins) override {
    plugins->push_back(std::make_unique<ServiceNamesPlugin>(names_));
  }

 private:
  std::vector<std::string>* names_;
};

}  // namespace

ServiceHost::ServiceHost(ServerOptions options)
    : options_(std::move(options)),
      registry_(std::make_shared<prometheus::Registry>()),
      wake_fd_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}

ServiceHost::~ServiceHost() {
  Shutdown();
  if (wake_fd_ >= 0) close(wake_fd_);
}

void ServiceHost::AddService(grpc::Service* service) {
  services_.push_back(service);
}

void ServiceHost::OnShutdown(std::function<void()> hook) {
  shutdown_hooks_.push_back(std::move(hook));
}

absl::Status ServiceHost::Start() {
  if (server_ != nullptr || shut_down_) {
    return absl::FailedPreconditionError("ServiceHost::Start called twice");
  }
  if (!options_.metrics_address.empty()) {
    try {
      exposer_ = std::make_unique<prometheus::Exposer>(options_.metrics_address,
                                                       /*num_threads=*/2);
    } catch (const std::exception& e) {
      return absl::UnavailableError(absl::StrCat("cannot serve metrics on ",
                                                 options_.metrics_address, ": ",
                                                 e.what()));
    }
    exposer_->RegisterCollectable(registry_);
  }

  // Both are process-wide switches that ServerBuilder reads when it is built.
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  grpc::ServerBuilder builder;
  builder.AddListeningPort(options_.listen_address,
                           grpc::InsecureServerCredentials(), &port_);
  grpc::ResourceQuota quota(options_.service_name + "-quota");
  // One thread per running or queued call, and a few for the sync
  // server's pollers.
  quota.SetMaxThreads(std::max(options_.max_threads, 1) +
                      std::max(options_.max_queued_calls, 0) + 4);
  builder.SetResourceQuota(quota);
  builder.SetMaxReceiveMessageSize(kMaxReceiveMessageBytes);
  builder.AddChannelArgument(GRPC_ARG_MAX_METADATA_SIZE,
                             kMaxRequestMetadataBytes);
  // gRPC enables SO_REUSEPORT by default: a second instance on the same port
  // would silently share the traffic instead of failing to start.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(
      GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
      kMinClientPingIntervalMs);
  std::vector<
      std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      interceptors;
  interceptors.push_back(UndecodableRequestInterceptorFactory());
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  std::vector<std::string> service_names;
  builder.SetOption(std::make_unique<ServiceNamesOption>(&service_names));
  for (grpc::Service* service : services_) builder.RegisterService(service);

  // With a callback service (StreamEvents) beside the sync ones, gRPC 1.51
  // treats the server as a hybrid: the sync services' queues do not poll
  // the connections, and the only pollers left are the threads of its
  // process-wide callback queue, which wait a second for an event and then
  // pause for 100 ms. Measured: every 1.1 s the unary calls arriving
  // waited up to 100 ms for a poller (half-peak p99 95 ms; 4 ms without the
  // callback service). A frequently polled queue of our own, which no call
  // uses, keeps one thread polling all the time (docs/benchmarks.md, "The
  // half-peak tail: a pause in gRPC's polling").
  poll_cq_ = builder.AddCompletionQueue(/*is_frequently_polled=*/true);
  server_ = builder.BuildAndStart();
  if (server_ != nullptr) {
    poll_thread_ = std::thread([cq = poll_cq_.get()] {
      void* tag;
      bool ok;
      while (cq->Next(&tag, &ok)) {
      }
    });
  }
  if (server_ == nullptr || port_ == 0) {
    if (server_ != nullptr) {
      server_->Shutdown();
      server_->Wait();
      server_.reset();
    }
    StopPolling();
    exposer_.reset();
    port_ = 0;
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options_.listen_address,
                     " (address in use or invalid?)"));
  }

  health_names_ = {""};
  for (const std::string& name : service_names) {
    // gRPC's own services (health, reflection) are not ours to report.
    if (!absl::StartsWith(name, "grpc.")) health_names_.push_back(name);
  }
  SetServing(true);
  // Liveness is its own name: the process is alive even while its database
  // is not reachable (restarting it would not help, SetServing leaves it).
  if (grpc::HealthCheckServiceInterface* health =
          server_->GetHealthCheckService();
      health != nullptr) {
    health->SetServingStatus(kLivenessName, true);
  }
  signals_caught_ = InstallSignalHandlers();
  log::Info("serving", {{"address", address()},
                        {"metrics_address", options_.metrics_address}});
  return absl::OkStatus();
}

std::string ServiceHost::address() const {
  const std::string& listen = options_.listen_address;
  if (absl::StartsWith(listen, "unix:")) return listen;
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return listen;
  return absl::StrCat(listen.substr(0, colon + 1), port_);
}

void ServiceHost::SetServing(bool serving) {
  if (server_ == nullptr) return;
  grpc::HealthCheckServiceInterface* health = server_->GetHealthCheckService();
  if (health == nullptr) return;
  // After the health service's Shutdown() these updates are ignored.
  for (const std::string& name : health_names_) {
    health->SetServingStatus(name, serving);
  }
}

void ServiceHost::Shutdown() {
  std::lock_guard<std::mutex> lock(shutdown_mu_);
  if (shut_down_) return;
  shut_down_ = true;
  if (server_ != nullptr) {
    log::Info("stopping",
              {{"grace_seconds",
                absl::StrCat(absl::ToDoubleSeconds(options_.shutdown_grace))}});
    // Shutdown() of the health service reports NOT_SERVING for every name
    // and ignores later updates, so nothing flips it back.
    if (grpc::HealthCheckServiceInterface* health =
            server_->GetHealthCheckService();
        health != nullptr) {
      health->Shutdown();
    }
    // From now: the hooks' drain of the admitted calls counts against the
    // same grace period.
    const auto deadline = std::chrono::system_clock::now() +
                          std::chrono::milliseconds(absl::ToInt64Milliseconds(
                              options_.shutdown_grace));
    for (auto& hook : shutdown_hooks_) hook();
    // Stops accepting now; cancels calls still running at the deadline.
    server_->Shutdown(deadline);
    server_->Wait();
    StopPolling();
    if (signals_caught_) {
      RestoreSignalHandlers();
      signals_caught_ = false;
    }
    log::Info("stopped");
  }
  if (wake_fd_ >= 0) {
    const uint64_t one = 1;
    if (write(wake_fd_, &one, sizeof(one)) < 0) {
      // Only fails when the counter would overflow: it is non-zero then.
    }
  }
}

void ServiceHost::StopPolling() {
  if (poll_cq_ == nullptr) return;
  poll_cq_->Shutdown();
  if (poll_thread_.joinable()) {
    poll_thread_.join();
  } else {
    // Never polled: drain it here (a queue must be empty when destroyed).
    void* tag;
    bool ok;
    while (poll_cq_->Next(&tag, &ok)) {
    }
  }
  poll_cq_.reset();
}

void ServiceHost::RunUntilSignal() {
  const int signal_fd = [] {
    SignalState& s = Signals();
    std::lock_guard<std::mutex> lock(s.mu);
    return s.read_fd;
  }();
  {
    std::lock_guard<std::mutex> lock(shutdown_mu_);
    if (shut_down_ || server_ == nullptr || signal_fd < 0) return;
  }
  while (true) {
    pollfd fds[2] = {{signal_fd, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    const int n = poll(fds, wake_fd_ >= 0 ? 2 : 1, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      log::Error("poll failed; shutting down", {{"error", strerror(errno)}});
      break;
    }
    if (fds[1].revents != 0) break;  // Shutdown() ran elsewhere
    if (fds[0].revents != 0) {
      unsigned char signo = 0;
      // Another host may have taken the byte first (EAGAIN): wait again.
      if (read(signal_fd, &signo, 1) == 1) {
        log::Info("shutting down", {{"signal", SignalName(signo)}});
        break;
      }
    }
  }
  Shutdown();
}

}  // namespace csm
