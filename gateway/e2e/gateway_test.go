package e2e

import (
	"fmt"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"testing"
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
