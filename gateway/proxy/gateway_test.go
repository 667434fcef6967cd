package proxy_test

// What the gateway puts on the wire, seen from a gRPC server in this
// process: the deadline it forwards, the metadata it passes or drops, the
// metadata it must not leak back, and how each status comes out as HTTP.
// (The real services cannot show what deadline they received; the e2e test
// covers them.)

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"csm/gateway/proxy"
	customerpb "csmpb/csm/customer/v1"
	generated "csmpb/gateway"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

const defaultTimeout = 3 * time.Second

// recordingCustomers answers GetCustomer and remembers what came with it.
type recordingCustomers struct {
	customerpb.UnimplementedCustomerServiceServer
	mu       sync.Mutex
	md       metadata.MD
	deadline time.Duration
}

var codeOf = map[string]codes.Code{
	"customers/400": codes.InvalidArgument, "customers/412": codes.FailedPrecondition,
	"customers/409": codes.Aborted, "customers/401": codes.Unauthenticated,
	"customers/403": codes.PermissionDenied, "customers/404": codes.NotFound,
	"customers/410": codes.AlreadyExists, "customers/429": codes.ResourceExhausted,
	"customers/503": codes.Unavailable, "customers/504": codes.DeadlineExceeded,
	"customers/500": codes.Internal,
}

func (r *recordingCustomers) GetCustomer(ctx context.Context, req *customerpb.GetCustomerRequest) (*customerpb.Customer, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	d, _ := ctx.Deadline()
	r.mu.Lock()
	r.md, r.deadline = md, time.Until(d)
	r.mu.Unlock()
	_ = grpc.SetHeader(ctx, metadata.Pairs("x-internal", "backend secret", "x-request-id", "backend-id"))
	if code, ok := codeOf[req.GetName()]; ok {
		st := status.New(code, "because "+req.GetName())
		if code == codes.InvalidArgument {
			st, _ = st.WithDetails(&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{
				{Field: "customer.display_name", Description: "required"}}})
		}
		return nil, st.Err()
	}
	return &customerpb.Customer{Name: req.GetName(), DisplayName: "杭州示例科技有限公司"}, nil
}

func (r *recordingCustomers) seen() (metadata.MD, time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.md, r.deadline
}

func startGateway(t *testing.T) (*httptest.Server, *recordingCustomers) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	backend := &recordingCustomers{}
	srv := grpc.NewServer()
	customerpb.RegisterCustomerServiceServer(srv, backend)
	healthpb.RegisterHealthServer(srv, health.NewServer())
	go srv.Serve(ln)
	t.Cleanup(srv.Stop)
	gw, err := proxy.New(proxy.Config{
		Backends:       map[string]string{"customer": ln.Addr().String(), "complaint": "", "reporting": ""},
		MaxBodyBytes:   1024,
		DefaultTimeout: defaultTimeout,
		Log:            proxy.NewLogger(io.Discard),
	}, generated.Services)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(gw.Close)
	hs := httptest.NewServer(gw)
	t.Cleanup(hs.Close)
	return hs, backend
}

func get(t *testing.T, url string, headers ...string) (*http.Response, map[string]interface{}) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]interface{}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("%s: not JSON: %v", url, err)
	}
	return resp, body
}

func TestForwardsAuthorizationRequestIDAndDeadlineOnly(t *testing.T) {
	hs, backend := startGateway(t)
	resp, body := get(t, hs.URL+"/v1/customers/7", "Authorization", "Bearer tok", "Cookie", "session=1",
		"X-Request-Id", "req-7", "X-Forwarded-Proto", "https")
	if resp.StatusCode != 200 || body["displayName"] != "杭州示例科技有限公司" {
		t.Fatalf("%d %v", resp.StatusCode, body)
	}
	if _, ok := body["archiveNumber"]; !ok {
		t.Errorf("defaults not emitted: %v", body)
	}
	md, left := backend.seen()
	if got := md.Get("authorization"); len(got) != 1 || got[0] != "Bearer tok" {
		t.Errorf("authorization %v", got)
	}
	if got := md.Get("x-request-id"); len(got) != 1 || got[0] != "req-7" {
		t.Errorf("x-request-id %v", got)
	}
	for k := range md {
		if k == "cookie" || strings.HasPrefix(k, "grpcgateway-") {
			t.Errorf("metadata %s reached the backend", k)
		}
	}
	if left <= defaultTimeout-time.Second || left > defaultTimeout {
		t.Errorf("backend saw %v left, want about %v", left, defaultTimeout)
	}
	if resp.Header.Get("X-Request-Id") != "req-7" {
		t.Errorf("x-request-id %v", resp.Header["X-Request-Id"])
	}
	for k := range resp.Header {
		if strings.HasPrefix(k, "Grpc-") {
			t.Errorf("backend metadata leaked: %s", k)
		}
	}
}

func TestCallerDeadlineShortensNeverLengthens(t *testing.T) {
	hs, backend := startGateway(t)
	get(t, hs.URL+"/v1/customers/7", "Grpc-Timeout", "500m")
	if _, left := backend.seen(); left > 500*time.Millisecond || left <= 0 {
		t.Errorf("a 500 ms caller deadline arrived as %v", left)
	}
	get(t, hs.URL+"/v1/customers/7", "Grpc-Timeout", "60S")
	if _, left := backend.seen(); left > defaultTimeout {
		t.Errorf("a 60 s caller deadline was not cut to %v: %v", defaultTimeout, left)
	}
}

func TestEveryStatusMapsOnceWithItsBody(t *testing.T) {
	hs, _ := startGateway(t)
	for name, code := range codeOf {
		resp, body := get(t, hs.URL+"/v1/"+name)
		if resp.StatusCode != proxy.HTTPStatus(code) || body["code"] != float64(code) ||
			body["message"] != "because "+name {
			t.Errorf("%s: HTTP %d %v", name, resp.StatusCode, body)
		}
		if code == codes.InvalidArgument {
			d := body["details"].([]interface{})[0].(map[string]interface{})
			v := d["fieldViolations"].([]interface{})[0].(map[string]interface{})
			if d["@type"] != "type.googleapis.com/google.rpc.BadRequest" || v["field"] != "customer.display_name" {
				t.Errorf("details %v", d)
			}
		}
	}
}

func TestHTTPStatusTable(t *testing.T) {
	want := map[codes.Code]int{
		codes.OK: 200, codes.InvalidArgument: 400, codes.FailedPrecondition: 400, codes.OutOfRange: 400,
		codes.Unauthenticated: 401, codes.PermissionDenied: 403, codes.NotFound: 404,
		codes.AlreadyExists: 409, codes.Aborted: 409, codes.ResourceExhausted: 429, codes.Canceled: 499,
		codes.Unknown: 500, codes.Internal: 500, codes.DataLoss: 500, codes.Unimplemented: 501,
		codes.Unavailable: 503, codes.DeadlineExceeded: 504,
	}
	for c, h := range want {
		if got := proxy.HTTPStatus(c); got != h {
			t.Errorf("%v: %d, want %d", c, got, h)
		}
	}
}

func TestDisabledBackendAndMissingConsole(t *testing.T) {
	hs, _ := startGateway(t)
	resp, body := get(t, hs.URL+"/v1/categories")
	if resp.StatusCode != 503 || !strings.Contains(body["message"].(string), "--complaint_addr") {
		t.Errorf("complaint route without backend: %d %v", resp.StatusCode, body)
	}
	if resp, body := get(t, hs.URL+"/console/"); resp.StatusCode != 404 || body["code"] != float64(5) {
		t.Errorf("console without --console_dir: %d %v", resp.StatusCode, body)
	}
	// Its health lists only the configured backend.
	resp, body = get(t, hs.URL+"/healthz")
	if b := body["backends"].(map[string]interface{}); resp.StatusCode != 200 || len(b) != 1 || b["customer"] == nil {
		t.Errorf("healthz %d %v", resp.StatusCode, body)
	}
}

func TestConfigurationErrors(t *testing.T) {
	base := proxy.Config{Backends: map[string]string{"customer": "", "complaint": "", "reporting": ""},
		MaxBodyBytes: 1, DefaultTimeout: time.Second, Log: proxy.NewLogger(io.Discard)}
	for name, mutate := range map[string]func(*proxy.Config){
		"origin with a path":  func(c *proxy.Config) { c.AllowedOrigins = []string{"https://a.example/app"} },
		"origin no scheme":    func(c *proxy.Config) { c.AllowedOrigins = []string{"a.example"} },
		"console not a dir":   func(c *proxy.Config) { c.ConsoleDir = "/nonexistent/console" },
		"no backend flag":     func(c *proxy.Config) { c.Backends = map[string]string{"customer": ""} },
		"no body limit":       func(c *proxy.Config) { c.MaxBodyBytes = 0 },
		"no default deadline": func(c *proxy.Config) { c.DefaultTimeout = 0 },
	} {
		c := base
		mutate(&c)
		if gw, err := proxy.New(c, generated.Services); err == nil {
			gw.Close()
			t.Errorf("%s: accepted", name)
		}
	}
	if gw, err := proxy.New(base, generated.Services); err != nil {
		t.Errorf("valid configuration refused: %v", err)
	} else {
		gw.Close()
	}
}
