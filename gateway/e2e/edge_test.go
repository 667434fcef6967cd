package e2e

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The HTTP edge through the real gateway: error mapping, complaint
// routes, CORS, request ids, body and parameter limits, deadlines, the
// console, metrics, health and SIGTERM (the scenario: gateway_test.go).

func (s *scenario) failedPrecondition(t *testing.T) {
	contact := str(s.customer["contacts"].([]interface{})[0].(obj), "name")
	st := call(t, "POST", "/v1/"+contact+":remove", archivist(t), obj{"requestId": "rm-last"}, http.StatusBadRequest)
	if st["code"] != float64(9) { // FAILED_PRECONDITION: 400 (docs/api.md)
		t.Errorf("want FAILED_PRECONDITION: %v", st)
	}
}

func (s *scenario) complaintLifecycle(t *testing.T) {
	const subject = "外箱破损，内件受潮"
	reg := call(t, "POST", "/v1/complaints?request_id=gw-complaint-1", agent(t), obj{
		"customer": str(s.customer, "name"), "channel": "COMPLAINT_CHANNEL_PHONE_HOTLINE",
		"category": "service", "severity": "SEVERITY_NORMAL", "subject": subject,
		"description": "客服电话无人接听，等待超过二十分钟。", "matterReference": "SO-2026-0042",
	}, 200)
	c := reg["complaint"].(obj)
	if c["state"] != "COMPLAINT_STATE_REGISTERED" || c["subject"] != subject ||
		c["customerDisplayName"] != "杭州示例科技有限公司（滨江）" || c["handlingDepartment"] != "客服部" {
		t.Fatalf("registered %v", c)
	}
	path := "/v1/" + str(c, "name")
	got := call(t, "GET", path, agent(t), nil, 200)
	if got["description"] != "客服电话无人接听，等待超过二十分钟。" {
		t.Errorf("description %q", got["description"])
	}
	accepted := call(t, "POST", path+":accept", agent(t), obj{"etag": str(c, "etag"), "requestId": "gw-accept-1"}, 200)
	if accepted["state"] != "COMPLAINT_STATE_ACCEPTED" || accepted["handlerId"] != "li.na" {
		t.Errorf("accepted %v", accepted)
	}
	// Accepting again is not allowed in the new state.
	call(t, "POST", path+":accept", agent(t), obj{"requestId": "gw-accept-2"}, http.StatusBadRequest)
	list := call(t, "GET", "/v1/complaints?filter="+url.QueryEscape("state = COMPLAINT_STATE_ACCEPTED AND handling_department = \"客服部\""),
		agent(t), nil, 200)
	if items := list["complaints"].([]interface{}); len(items) != 1 || str(items[0].(obj), "name") != str(c, "name") {
		t.Errorf("list %v", list)
	}
	steps := call(t, "GET", path+"/steps", agent(t), nil, 200)
	if n := len(steps["steps"].([]interface{})); n != 2 {
		t.Errorf("want register and accept steps, got %d: %v", n, steps)
	}
}

func testCategoryPatch(t *testing.T) {
	cats := call(t, "GET", "/v1/categories", agent(t), nil, 200)
	var etag string
	for _, c := range cats["categories"].([]interface{}) {
		if c.(obj)["name"] == "categories/packaging" {
			etag = str(c.(obj), "etag")
		}
	}
	c := call(t, "PATCH", "/v1/categories/packaging?update_mask=display_name,handling_department", archivist(t),
		obj{"displayName": "外观类（包装）", "handlingDepartment": "仓储物流部", "etag": etag}, 200)
	if c["displayName"] != "外观类（包装）" || c["handlingDepartment"] != "仓储物流部" {
		t.Errorf("patched %v", c)
	}
}

func testSlaPolicyNames(t *testing.T) {
	list := call(t, "GET", "/v1/slaPolicies", agent(t), nil, 200)
	found := false
	for _, p := range list["slaPolicies"].([]interface{}) {
		found = found || strings.HasPrefix(str(p.(obj), "name"), "slaPolicies/*~")
	}
	if !found {
		t.Errorf("no slaPolicies/*~… name came through unescaped: %s", list)
	}
}

func testCORS(t *testing.T) {
	pre := do(t, "OPTIONS", "/v1/customers", "", nil, "Origin", origin,
		"Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization,content-type,x-request-id")
	if pre.code != http.StatusNoContent || pre.header.Get("Access-Control-Allow-Origin") != origin {
		t.Fatalf("preflight %d %v", pre.code, pre.header)
	}
	for _, h := range []string{"Authorization", "Content-Type", "X-Request-Id"} {
		if !strings.Contains(pre.header.Get("Access-Control-Allow-Headers"), h) {
			t.Errorf("preflight does not allow %s: %v", h, pre.header)
		}
	}
	if !strings.Contains(pre.header.Get("Access-Control-Allow-Methods"), "PATCH") {
		t.Errorf("methods %q", pre.header.Get("Access-Control-Allow-Methods"))
	}
	if bad := do(t, "OPTIONS", "/v1/customers", "", nil, "Origin", "https://evil.example",
		"Access-Control-Request-Method", "GET"); bad.code != http.StatusForbidden || bad.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("other origin: %d %v", bad.code, bad.header)
	}
	get := do(t, "GET", "/v1/teams", agent(t), nil, "Origin", origin)
	if get.code != 200 || get.header.Get("Access-Control-Allow-Origin") != origin ||
		!strings.Contains(get.header.Get("Access-Control-Expose-Headers"), "X-Request-Id") {
		t.Errorf("actual request: %d %v", get.code, get.header)
	}
}

var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func testRequestID(t *testing.T) {
	r := do(t, "GET", "/v1/teams", agent(t), nil, "X-Request-Id", "gw-e2e-req-42")
	if r.code != 200 || r.header.Get("X-Request-Id") != "gw-e2e-req-42" {
		t.Fatalf("%d, x-request-id %q", r.code, r.header.Get("X-Request-Id"))
	}
	for k := range r.header {
		if strings.HasPrefix(k, "Grpc-") {
			t.Errorf("gRPC metadata leaked as a header: %s", k)
		}
	}
	// The service logged the call under the same id.
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(e.customer.output(), `"request_id":"gw-e2e-req-42"`) {
		if time.Now().After(deadline) {
			t.Fatal("customer-svc never logged request id gw-e2e-req-42")
		}
		time.Sleep(50 * time.Millisecond)
	}
	// None, or one the services would not keep: the gateway makes one.
	for _, given := range []string{"", "has spaces in it"} {
		r = do(t, "GET", "/v1/teams", agent(t), nil, "X-Request-Id", given)
		if !uuidV4.MatchString(r.header.Get("X-Request-Id")) {
			t.Errorf("given %q: x-request-id %q", given, r.header.Get("X-Request-Id"))
		}
	}
	// Errors carry it too.
	if r := do(t, "GET", "/v1/customers/0", "", nil, "X-Request-Id", "gw-e2e-err"); r.header.Get("X-Request-Id") != "gw-e2e-err" {
		t.Errorf("error response x-request-id %q", r.header.Get("X-Request-Id"))
	}
}

func (s *scenario) bodyLimit(t *testing.T) {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, `{"displayName": %q}`, strings.Repeat("大", maxBodyBytes/3+10))
	for name, body := range map[string]io.Reader{
		"with Content-Length": bytes.NewReader(buf.Bytes()),
		"chunked":             io.MultiReader(bytes.NewReader(buf.Bytes())), // length unknown
	} {
		r := do(t, "POST", "/v1/customers", archivist(t), body)
		if r.code != http.StatusRequestEntityTooLarge {
			t.Errorf("%s: HTTP %d: %.200s", name, r.code, r.body)
			continue
		}
		if m := r.json(t); !strings.Contains(str(m, "message"), fmt.Sprint(maxBodyBytes)) {
			t.Errorf("%s: %v", name, m)
		}
	}
	// Just under the limit still reaches the service.
	call(t, "POST", "/v1/customers", archivist(t), obj{"displayName": strings.Repeat("x", maxBodyBytes-100)},
		http.StatusBadRequest)
}

func (s *scenario) unknownParameters(t *testing.T) {
	cases := []struct{ method, path, field string }{
		{"GET", "/v1/customers?pagesize=5", "pagesize"},
		{"GET", "/v1/customers?page_size=5&filtre=x", "filtre"},
		{"GET", s.customerURL + "?name=customers/1", "name"},                       // bound by the path
		{"POST", s.customerURL + ":close?reason=x", "reason"},                      // body "*"
		{"POST", "/v1/customers?customer.display_name=x", "customer.display_name"}, // the body
	}
	for _, c := range cases {
		var body io.Reader
		if c.method == "POST" {
			body = strings.NewReader("{}")
		}
		r := do(t, c.method, c.path, archivist(t), body)
		if r.code != http.StatusBadRequest {
			t.Errorf("%s %s: HTTP %d: %s", c.method, c.path, r.code, r.body)
			continue
		}
		m := r.json(t)
		v := m["details"].([]interface{})[0].(obj)["fieldViolations"].([]interface{})
		if len(v) != 1 || str(v[0].(obj), "field") != c.field {
			t.Errorf("%s %s: violations %v", c.method, c.path, v)
		}
	}
	// JSON names are fields too.
	call(t, "GET", "/v1/customers?pageSize=1&orderBy=display_name", agent(t), nil, 200)
	// A misspelt body field is an error, not silently dropped.
	r := do(t, "PATCH", s.customerURL+"?update_mask=city", archivist(t), strings.NewReader(`{"citty": "温州市"}`))
	if r.code != http.StatusBadRequest || !strings.Contains(string(r.body), "citty") {
		t.Errorf("unknown body field: HTTP %d %s", r.code, r.body)
	}
}

func testCallerDeadline(t *testing.T) {
	r := do(t, "GET", "/v1/customers", agent(t), nil, "Grpc-Timeout", "1n")
	if r.code != http.StatusGatewayTimeout || r.json(t)["code"] != float64(4) {
		t.Errorf("a 1 ns deadline: HTTP %d %s", r.code, r.body)
	}
	if r := do(t, "GET", "/v1/customers", agent(t), nil, "Grpc-Timeout", "soon"); r.code != http.StatusBadRequest {
		t.Errorf("a malformed grpc-timeout: HTTP %d %s", r.code, r.body)
	}
}

func testConsole(t *testing.T) {
	r := do(t, "GET", "/console/", "", nil)
	if r.code != 200 || !strings.Contains(string(r.body), "客服管理") {
		t.Errorf("/console/: %d %s", r.code, r.body)
	}
	// The console holds a bearer token: its own origin only, never framed.
	for h, want := range map[string]string{"Content-Security-Policy": "script-src 'self'",
		"X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer", "Cache-Control": "no-cache"} {
		if got := r.header.Get(h); !strings.Contains(got, want) {
			t.Errorf("/console/ %s: %q, want %q in it", h, got, want)
		}
	}
	if r := do(t, "GET", "/console/missing.js", "", nil); r.code != http.StatusNotFound {
		t.Errorf("missing file: %d", r.code)
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Get(e.base + "/console")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "/console/" {
		t.Errorf("/console: %d %v", resp.StatusCode, resp.Header)
	}
}

func testMetrics(t *testing.T) {
	r := do(t, "GET", "/metrics", "", nil)
	text := string(r.body)
	for _, want := range []string{
		`csm_gateway_requests_total{method="GET",route="GET /v1/{name=customers/*}",code="200"}`,
		`csm_gateway_requests_total{method="GET",route="GET /v1/{name=customers/*}",code="404"}`,
		`csm_gateway_requests_total{method="PATCH",route="PATCH /v1/{customer.name=customers/*}",code="409"}`,
		`csm_gateway_requests_total{method="POST",route="POST /v1/customers",code="413"}`,
		`csm_gateway_request_duration_seconds_bucket{method="GET",route="GET /v1/customers",le="+Inf"}`,
		"# TYPE csm_gateway_request_duration_seconds histogram",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(text, "987654321") {
		t.Error("a raw path became a label")
	}
}

func testHealthzDown(t *testing.T) {
	if err := e.complaint.stop(); err != nil {
		t.Fatalf("complaint-svc did not stop cleanly: %v", err)
	}
	r := do(t, "GET", "/healthz", "", nil)
	h := r.json(t)
	if r.code != http.StatusServiceUnavailable || h["status"] != "NOT_SERVING" {
		t.Fatalf("healthz %d %v", r.code, h)
	}
	if str(h, "backends.complaint.status") == "SERVING" || str(h, "backends.customer.status") != "SERVING" {
		t.Errorf("per backend: %v", h["backends"])
	}
	st := call(t, "GET", "/v1/categories", agent(t), nil, http.StatusServiceUnavailable)
	if st["code"] != float64(14) || strings.Contains(str(st, "message"), "127.0.0.1") {
		t.Errorf("a call to the stopped backend: %v", st)
	}
	if r := do(t, "GET", "/livez", "", nil); r.code != 200 {
		t.Errorf("livez %d", r.code)
	}
}

func testSigterm(t *testing.T) {
	if err := e.gateway.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-e.gateway.exited:
	case <-time.After(10 * time.Second):
		t.Fatal("csm-gateway still running 10 s after SIGTERM")
	}
	if e.gateway.err != nil {
		t.Errorf("exit: %v", e.gateway.err)
	}
	if out := e.gateway.output(); !strings.Contains(out, `"msg":"draining"`) ||
		!strings.Contains(out, `"msg":"csm-gateway stopped"`) {
		t.Errorf("no drain in the log")
	}
}
