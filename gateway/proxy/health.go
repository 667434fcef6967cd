package proxy

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
)

// Each health check of a backend gets this long; keep probe timeouts above.
const healthTimeout = time.Second

type backend struct {
	name, addr string
	conn       *grpc.ClientConn
	health     healthpb.HealthClient
}

// dialBackend opens one channel per backend: round_robin over every
// address the name resolves to (dns:///svc-headless:port in Kubernetes), and
// reconnect backoff capped at 1 s (gRPC's default grows to 120 s, which would
// keep answering 503 long after a backend restarted).
func dialBackend(name, addr string) (*backend, error) {
	conn, err := grpc.Dial(addr,
		grpc.WithInsecure(),
		grpc.WithUserAgent("csm-gateway"),
		grpc.WithDefaultServiceConfig(`{"loadBalancingConfig": [{"round_robin": {}}]}`),
		grpc.WithConnectParams(grpc.ConnectParams{
			Backoff:           backoff.Config{BaseDelay: 100 * time.Millisecond, Multiplier: 1.6, Jitter: 0.2, MaxDelay: time.Second},
			MinConnectTimeout: time.Second,
		}))
	if err != nil {
		return nil, fmt.Errorf("backend %s (%s): %v", name, addr, err)
	}
	return &backend{name: name, addr: addr, conn: conn, health: healthpb.NewHealthClient(conn)}, nil
}

type backendHealth struct {
	Address string `json:"address"`
	Status  string `json:"status"`
	Error   string `json:"error,omitempty"`
}

type healthReport struct {
	Status   string                   `json:"status"`
	Backends map[string]backendHealth `json:"backends"`
}

// serveHealth asks every configured backend's grpc.health.v1 (service "")
// at once: 200 only when all of them are SERVING and the gateway is not
// draining, 503 otherwise; the body says which one is not.
func (g *Gateway) serveHealth(w http.ResponseWriter, r *http.Request) {
	report := healthReport{Status: "SERVING", Backends: map[string]backendHealth{}}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, b := range g.backends {
		wg.Add(1)
		go func(b *backend) {
			defer wg.Done()
			h := b.check(r.Context())
			mu.Lock()
			report.Backends[b.name] = h
			mu.Unlock()
		}(b)
	}
	wg.Wait()
	for _, h := range report.Backends {
		if h.Status != "SERVING" {
			report.Status = "NOT_SERVING"
		}
	}
	if g.draining.Load() {
		report.Status = "DRAINING"
	}
	code := http.StatusOK
	if report.Status != "SERVING" {
		code = http.StatusServiceUnavailable
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(report)
}

func (b *backend) check(ctx context.Context) backendHealth {
	ctx, cancel := context.WithTimeout(ctx, healthTimeout)
	defer cancel()
	resp, err := b.health.Check(ctx, &healthpb.HealthCheckRequest{})
	if err != nil {
		st := status.Convert(err)
		return backendHealth{Address: b.addr, Status: codeName(st.Code()), Error: st.Message()}
	}
	return backendHealth{Address: b.addr, Status: resp.GetStatus().String()}
}

// serveLive says the process serves HTTP, whatever the backends do: the
// liveness probe, so that a backend outage never restarts gateways.
func (g *Gateway) serveLive(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte(`{"status":"SERVING"}` + "\n"))
}
