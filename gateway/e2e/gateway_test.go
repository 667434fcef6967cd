package e2e

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The staff of the scenario (roles as csm-token takes them).
func archivist(t *testing.T) string { return e.token(t, "arch", "archivist", "档案室") }
func agent(t *testing.T) string     { return e.token(t, "li.na", "agent", "客服部") }

const team = "kf-east"

// validUscc is a valid unified social credit code per n (GB 32100-2015), as
// customer-svc's tests build them.
func validUscc(n int) string {
	const charset = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	weights := []int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}
	body := make([]byte, 7)
	for i, v := 6, n; i >= 0; i-- {
		body[i] = charset[v%31]
		v /= 31
	}
	code := "91330100MA" + string(body)
	sum := 0
	for i := 0; i < 17; i++ {
		sum += strings.IndexByte(charset, code[i]) * weights[i]
	}
	return code + string(charset[(31-sum%31)%31])
}

func newCustomer(name, province, city string, n int) obj {
	return obj{
		"displayName": name, "kind": "CUSTOMER_KIND_ENTERPRISE", "creditCode": validUscc(n),
		"province": province, "city": city, "industry": "软件和信息技术服务业", "team": team,
		"contacts": []obj{{"displayName": "王芳", "title": "采购经理",
			"phones": []string{fmt.Sprintf("138%08d", n)}, "email": fmt.Sprintf("wang.fang%d@example.com", n)}},
	}
}

// TestGateway runs the scenario in order: the backends go down at the end.
func TestGateway(t *testing.T) {
	var s scenario
	steps := []struct {
		name string
		run  func(*testing.T)
	}{
		{"HelpExitsZero", testHelp},
		{"HealthzAllServing", testHealthzUp},
		{"CreateTeamAndCustomerPOST", s.createCustomer},
		{"GetCustomerMaskedAndChineseExact", s.getCustomer},
		{"PatchCustomerWithUpdateMaskInQuery", s.patchCustomer},
		{"StaleEtagIsAborted409", s.staleEtag},
		{"ListWithFilterAndPageToken", s.listWithFilterAndPages},
		{"Unauthenticated401", testUnauthenticated},
		{"PermissionDenied403", testPermissionDenied},
		{"InvalidArgument400WithFieldViolations", testFieldViolations},
		{"NotFound404", testNotFound},
		{"FailedPrecondition400", s.failedPrecondition},
		{"ComplaintRegisterGetAcceptList", s.complaintLifecycle},
		{"ComplaintConfigPatch", testCategoryPatch},
		{"SlaPolicyNamesKeepStarAndTilde", testSlaPolicyNames},
		{"CORS", testCORS},
		{"RequestIDPassedThroughAndReturned", testRequestID},
		{"BodyLimit413", s.bodyLimit},
		{"UnknownQueryParameterAndBodyField400", s.unknownParameters},
		{"CallerDeadline504", testCallerDeadline},
		{"EveryRPCHasAnHTTPRuleAndIsServed", testEveryRPCServed},
		{"OpenAPIDocument", testOpenAPI},
		{"Console", testConsole},
		{"Metrics", testMetrics},
		{"HealthzBackendDown", testHealthzDown},
		{"SIGTERMDrains", testSigterm},
	}
	for _, step := range steps {
		if !t.Run(step.name, step.run) && strings.HasPrefix(step.name, "Create") {
			t.Fatal("the scenario needs its first customer")
		}
	}
}

// scenario carries what earlier steps made.
type scenario struct {
	customer    obj // as created
	customerURL string
	etag        string
	oldEtag     string
}

func testHelp(t *testing.T) {
	out, err := exec.Command(e.gatewayBin(), "--help").Output()
	if err != nil || !strings.Contains(string(out), "-console_dir") || !strings.Contains(string(out), "CSM_GATEWAY_") {
		t.Errorf("--help: %v\n%s", err, out)
	}
	if err := exec.Command(e.gatewayBin(), "--no_such_flag").Run(); err == nil {
		t.Error("an unknown flag was accepted")
	}
}

func testHealthzUp(t *testing.T) {
	h := call(t, "GET", "/healthz", "", nil, http.StatusOK)
	if h["status"] != "SERVING" {
		t.Fatalf("status %v", h)
	}
	for _, b := range []string{"customer", "complaint", "reporting"} {
		if got := str(h, "backends."+b+".status"); got != "SERVING" {
			t.Errorf("backend %s: %q in %v", b, got, h)
		}
	}
}

func (s *scenario) createCustomer(t *testing.T) {
	teamResp := call(t, "POST", "/v1/teams?team_id="+team, archivist(t),
		obj{"displayName": "华东客服组", "department": "客服部", "memberIds": []string{"li.na", "wang.fang"}}, 200)
	if teamResp["name"] != "teams/"+team {
		t.Fatalf("team %v", teamResp)
	}
	body := newCustomer("杭州示例科技有限公司（滨江）", "浙江省", "宁波市", 1)
	created := call(t, "POST", "/v1/customers?request_id=gw-create-1", archivist(t), body, 200)
	c, _ := created["customer"].(obj)
	if c == nil || !strings.HasPrefix(str(c, "name"), "customers/") {
		t.Fatalf("created %v", created)
	}
	// lowerCamelCase, enums by name, defaults printed.
	for _, key := range []string{"displayName", "archiveNumber", "legalRepresentative", "ownerId", "createTime"} {
		if _, ok := c[key]; !ok {
			t.Errorf("response lacks %q (lowerCamelCase, defaults emitted): %v", key, c)
		}
	}
	if _, ok := c["display_name"]; ok {
		t.Errorf("snake_case key in the response: %v", c)
	}
	if c["kind"] != "CUSTOMER_KIND_ENTERPRISE" || c["legalRepresentative"] != "" {
		t.Errorf("kind %v, legalRepresentative %q", c["kind"], c["legalRepresentative"])
	}
	if _, ok := created["duplicateWarnings"].([]interface{}); !ok {
		t.Errorf("empty repeated field not printed as []: %v", created)
	}
	// The same request_id returns the first response.
	again := call(t, "POST", "/v1/customers?request_id=gw-create-1", archivist(t), body, 200)
	if str(again, "customer.name") != str(c, "name") {
		t.Errorf("retry made %s, first %s", str(again, "customer.name"), str(c, "name"))
	}
	s.customer, s.customerURL, s.etag = c, "/v1/"+str(c, "name"), str(c, "etag")
}

func (s *scenario) getCustomer(t *testing.T) {
	c := call(t, "GET", s.customerURL, agent(t), nil, 200)
	if c["displayName"] != "杭州示例科技有限公司（滨江）" || c["province"] != "浙江省" {
		t.Errorf("Chinese text changed on the way: %q %q", c["displayName"], c["province"])
	}
	phones := c["contacts"].([]interface{})[0].(obj)["phones"].([]interface{})
	if phones[0] != "138****0001" || c["masked"] != true {
		t.Errorf("default view must be masked: %v masked=%v", phones, c["masked"])
	}
	// FULL needs a purpose (Chinese, URL-encoded in the query).
	full := call(t, "GET", s.customerURL+"?view=CUSTOMER_VIEW_FULL&access_purpose="+url.QueryEscape("回访前核对联系方式"),
		archivist(t), nil, 200)
	if p := full["contacts"].([]interface{})[0].(obj)["phones"].([]interface{}); p[0] != "13800000001" {
		t.Errorf("FULL view phones %v", p)
	}
}

func (s *scenario) patchCustomer(t *testing.T) {
	c := call(t, "PATCH", s.customerURL+"?update_mask=city,industry", archivist(t),
		obj{"city": "杭州市", "industry": "互联网和相关服务", "etag": s.etag, "province": "ignored: not in the mask"}, 200)
	if c["city"] != "杭州市" || c["industry"] != "互联网和相关服务" || c["province"] != "浙江省" {
		t.Errorf("patched %v", c)
	}
	if str(c, "etag") == s.etag {
		t.Errorf("etag did not change")
	}
	s.oldEtag, s.etag = s.etag, str(c, "etag")
	// lowerCamelCase mask paths work too.
	c = call(t, "PATCH", s.customerURL+"?updateMask=businessScope", archivist(t),
		obj{"businessScope": "软件开发；信息系统集成服务"}, 200)
	if c["businessScope"] != "软件开发；信息系统集成服务" {
		t.Errorf("businessScope %v", c["businessScope"])
	}
	s.etag = str(c, "etag")
}

func (s *scenario) staleEtag(t *testing.T) {
	st := call(t, "PATCH", s.customerURL+"?update_mask=city", archivist(t),
		obj{"city": "温州市", "etag": s.oldEtag}, http.StatusConflict)
	if st["code"] != float64(10) { // ABORTED
		t.Errorf("want ABORTED: %v", st)
	}
	c := call(t, "GET", s.customerURL, archivist(t), nil, 200)
	if c["city"] != "杭州市" {
		t.Errorf("a stale write changed the archive: city %v", c["city"])
	}
}

func (s *scenario) listWithFilterAndPages(t *testing.T) {
	for i, name := range []string{"宁波海曙贸易有限公司", "温州瓯海电子有限公司"} {
		call(t, "POST", fmt.Sprintf("/v1/customers?request_id=gw-list-%d", i), archivist(t),
			newCustomer(name, "浙江省", "宁波市", 10+i), 200)
	}
	call(t, "POST", "/v1/customers?request_id=gw-list-gd", archivist(t),
		newCustomer("深圳南山软件有限公司", "广东省", "深圳市", 20), 200)

	q := url.Values{"filter": {`province = "浙江省"`}, "page_size": {"1"}, "order_by": {"display_name"}}
	var names []string
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("page tokens do not end")
		}
		page := call(t, "GET", "/v1/customers?"+q.Encode(), agent(t), nil, 200)
		for _, c := range page["customers"].([]interface{}) {
			if c.(obj)["province"] != "浙江省" {
				t.Errorf("filter let through %v", c.(obj)["displayName"])
			}
			names = append(names, str(c.(obj), "displayName"))
		}
		token := str(page, "nextPageToken")
		if token == "" {
			break
		}
		q.Set("page_token", token)
	}
	if len(names) != 3 {
		t.Errorf("want the 3 customers of 浙江省 one per page, got %v", names)
	}
	// A token with another filter is refused by the service: 400.
	q.Set("filter", `province = "广东省"`)
	call(t, "GET", "/v1/customers?"+q.Encode(), agent(t), nil, http.StatusBadRequest)
}

func testUnauthenticated(t *testing.T) {
	for _, token := range []string{"", "not-a-jwt"} {
		st := call(t, "GET", "/v1/customers", token, nil, http.StatusUnauthorized)
		if st["code"] != float64(16) || st["message"] == "" {
			t.Errorf("token %q: %v", token, st)
		}
	}
}

func testPermissionDenied(t *testing.T) {
	// Teams are created by managers and archivists, not agents.
	st := call(t, "POST", "/v1/teams?team_id=kf-west", agent(t),
		obj{"displayName": "华西", "department": "客服部", "memberIds": []string{"li.na"}}, http.StatusForbidden)
	if st["code"] != float64(7) {
		t.Errorf("want PERMISSION_DENIED: %v", st)
	}
}

func testFieldViolations(t *testing.T) {
	body := newCustomer("", "浙江省", "杭州市", 30)
	body["contacts"].([]obj)[0]["phones"] = []string{"12345"}
	st := call(t, "POST", "/v1/customers", archivist(t), body, http.StatusBadRequest)
	if st["code"] != float64(3) {
		t.Fatalf("want INVALID_ARGUMENT: %v", st)
	}
	details, _ := st["details"].([]interface{})
	if len(details) != 1 || str(details[0].(obj), "@type") != "type.googleapis.com/google.rpc.BadRequest" {
		t.Fatalf("details %v", st["details"])
	}
	var fields []string
	for _, v := range details[0].(obj)["fieldViolations"].([]interface{}) {
		fields = append(fields, str(v.(obj), "field"))
		if str(v.(obj), "description") == "" {
			t.Errorf("violation without description: %v", v)
		}
	}
	joined := strings.Join(fields, " ")
	if !strings.Contains(joined, "customer.display_name") || !strings.Contains(joined, "customer.contacts[0].phones[0]") {
		t.Errorf("want every offending field, got %v", fields)
	}
}

func testNotFound(t *testing.T) {
	st := call(t, "GET", "/v1/customers/987654321", agent(t), nil, http.StatusNotFound)
	if st["code"] != float64(5) {
		t.Errorf("want NOT_FOUND: %v", st)
	}
}

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
