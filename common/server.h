#ifndef CSM_COMMON_SERVER_H_
#define CSM_COMMON_SERVER_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace prometheus {
class Exposer;
class Registry;
}  // namespace prometheus

namespace csm {

// Request metadata (headers) a call may carry, as gRPC counts it (name +
// value + 32 bytes per entry). gRPC 1.51 ends the whole HTTP/2 connection,
// every call on it, when one call's headers exceed the limit; set far above
// what the gateway forwards (Envoy refuses more than 60 KiB with 431), so a
// bad call is refused by itself: RpcRuntime answers UNAUTHENTICATED to an
// authorization header over kMaxAuthorizationBytes (common/rpc.h).
inline constexpr int kMaxRequestMetadataBytes = 128 << 10;

struct ServerOptions {
  std::string service_name;  // "customer-svc"
  // "0.0.0.0:50051"; port 0 picks a free port (tests).
  std::string listen_address = "0.0.0.0:50051";
  // Prometheus /metrics; empty disables it.
  std::string metrics_address;
  // In-flight calls get this long to finish on shutdown.
  absl::Duration shutdown_grace = absl::Seconds(20);
  // On shutdown, once the admitted calls have finished, how long no new
  // call must arrive before gRPC's server stops (RpcRuntime::Drain): a call
  // arriving at that moment would end CANCELLED instead of UNAVAILABLE.
  // Waited for at most kMaxQuietWaits times over.
  absl::Duration shutdown_quiet = absl::Milliseconds(200);
  // Unary calls that run at once and that may wait for a slot
  // (RpcRuntimeOptions::max_concurrent_calls and max_queued_calls): the
  // sync server gets a thread for each, so gRPC itself refuses nothing the
  // admission gate would queue. Callback streams (StreamEvents) hold none.
  int max_threads = 64;
  int max_queued_calls = 256;
  // How often the service checks it can reach its database, for health
  // (ServiceAssembly); not positive: never.
  absl::Duration database_probe_interval = absl::Seconds(2);
};

// Runs a gRPC server with grpc.health.v1 (SERVING while up, NOT_SERVING
// once shutdown starts), server reflection, and a Prometheus endpoint.
class ServiceHost {
 public:
  explicit ServiceHost(ServerOptions options);
  ~ServiceHost();

  prometheus::Registry& registry() { return *registry_; }
  // Before Start(). Not owned.
  void AddService(grpc::Service* service);
  // Run in order when shutdown begins, before in-flight calls are drained
  // (stop sweeps, end event streams).
  void OnShutdown(std::function<void()> hook);

  absl::Status Start();
  // The bound port (useful with port 0).
  int port() const { return port_; }
  std::string address() const;

  // After Start(): what grpc.health.v1 answers for the server ("") and
  // each of its services (readiness: a replica that cannot reach its
  // database says NOT_SERVING, and Kubernetes stops routing to it).
  // Ignored once shutdown has begun. The name kLivenessName stays SERVING
  // until shutdown (the liveness probe asks for it).
  void SetServing(bool serving);
  static constexpr char kLivenessName[] = "liveness";

  // Graceful: NOT_SERVING, stop accepting, let in-flight calls finish
  // within the grace period, then cancel the rest. Idempotent.
  void Shutdown();
  // Blocks until SIGTERM or SIGINT, then Shutdown(). Returns as well when
  // Shutdown() is called from another thread. From Start() to Shutdown()
  // the two signals are caught (a handler writes to a pipe), so they work
  // whichever thread the kernel delivers them to.
  void RunUntilSignal();

 private:
  // Stops poll_thread_ once the server no longer uses poll_cq_.
  void StopPolling();

  ServerOptions options_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  std::vector<grpc::Service*> services_;
  std::vector<std::function<void()>> shutdown_hooks_;
  std::unique_ptr<grpc::Server> server_;
  // A queue of no service's, polled without pause by poll_thread_, so that
  // the sync services' calls always have a poller (server.cc, Start()).
  std::unique_ptr<grpc::ServerCompletionQueue> poll_cq_;
  std::thread poll_thread_;
  std::vector<std::string> health_names_;  // "" and our services
  int port_ = 0;
  std::mutex shutdown_mu_;  // held for the whole Shutdown()
  bool shut_down_ = false;
  bool signals_caught_ = false;
  int wake_fd_ = -1;  // eventfd: wakes RunUntilSignal() on Shutdown()
};

}  // namespace csm

#endif  // CSM_COMMON_SERVER_H_
