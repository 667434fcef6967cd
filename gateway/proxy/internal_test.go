package proxy

import (
	"net/url"
	"strings"
	"testing"
	"testing/fstest"

	customerpb "csmpb/csm/customer/v1"
)

func customerRoutes(t *testing.T) map[string]*route {
	t.Helper()
	routes, err := routesOf(Service{Name: "csm.customer.v1.CustomerService", Backend: "customer",
		File: "csm/customer/v1/customer.proto", Register: customerpb.RegisterCustomerServiceHandler})
	if err != nil {
		t.Fatal(err)
	}
	byRPC := map[string]*route{}
	for _, rt := range routes {
		byRPC[rt.rpc[strings.LastIndex(rt.rpc, "/")+1:]] = rt
	}
	return byRPC
}

func TestQueryParametersAreFieldsNotBoundElsewhere(t *testing.T) {
	rts := customerRoutes(t)
	cases := []struct {
		rpc, query string
		bad        []string
	}{
		{"ListCustomers", "page_size=1&pageSize=2&filter=x&order_by=y&view=CUSTOMER_VIEW_FULL", nil},
		{"ListCustomers", "pagesize=1&filter.x=2&=3", []string{"", "filter.x", "pagesize"}},
		{"GetCustomer", "name=customers/2&access_purpose=x", []string{"name"}},
		{"UpdateCustomer", "update_mask=city&request_id=r", nil},
		{"UpdateCustomer", "customer.city=x&customer=y", []string{"customer", "customer.city"}},
		{"CloseCustomer", "reason=x", []string{"reason"}},
	}
	for _, c := range cases {
		q, _ := url.ParseQuery(c.query)
		var got []string
		for _, v := range rts[c.rpc].checkQuery(q) {
			got = append(got, v.GetField())
		}
		if strings.Join(got, ",") != strings.Join(c.bad, ",") {
			t.Errorf("%s?%s: violations %v, want %v", c.rpc, c.query, got, c.bad)
		}
	}
	if help := rts["ListCustomers"].queryHelp; !strings.Contains(help, "page_token") || strings.Contains(help, "XXX") {
		t.Errorf("help %q", help)
	}
}

func TestFieldMaskPathsBecomeProtoNames(t *testing.T) {
	rts := customerRoutes(t)
	q, _ := url.ParseQuery("update_mask=businessScope,city,legal_representative&request_id=aB")
	if !rts["UpdateCustomer"].normalizeMasks(q) || q.Get("update_mask") != "business_scope,city,legal_representative" ||
		q.Get("request_id") != "aB" {
		t.Errorf("normalised %v", q)
	}
	q, _ = url.ParseQuery("updateMask=city")
	if rts["UpdateCustomer"].normalizeMasks(q) {
		t.Errorf("nothing to change, yet changed: %v", q)
	}
}

func TestMatchLikeTheMux(t *testing.T) {
	rts := customerRoutes(t)
	var all []*route
	for _, rt := range rts {
		all = append(all, rt)
	}
	for path, want := range map[string]string{
		"/v1/customers/42":                     "GetCustomer",
		"/v1/customers/42:close":               "", // POST only
		"/v1/customers/-/accessRecords":        "ListAccessRecords",
		"/v1/customers/42/contacts/7:x":        "",
		"/v1/customers/42/unknown":             "",
		"/v1/customers/42/contacts/7":          "", // PATCH only
		"/v1/customers:close":                  "",
		"/v1/customers/a:b:close":              "",
		"relative":                             "",
		"/v1/customers/42/gradeChanges":        "ListGradeChanges",
		"/v1/customers/42/creditRatingChanges": "ListCreditRatingChanges",
	} {
		rt, _ := matchRoute(all, "GET", path)
		got := ""
		if rt != nil {
			got = rt.rpc[strings.LastIndex(rt.rpc, "/")+1:]
		}
		if got != want {
			t.Errorf("GET %s: %q, want %q", path, got, want)
		}
	}
	if _, allowed := matchRoute(all, "GET", "/v1/customers/42:close"); strings.Join(allowed, ",") != "POST" {
		t.Errorf("allowed %v", allowed)
	}
}

func TestOpenAPIPathTemplates(t *testing.T) {
	for tpl, want := range map[string]string{
		"/v1/{name=customers/*}":                       "/v1/customers/{customerId}",
		"/v1/{name=customers/*/contacts/*}:remove":     "/v1/customers/{customerId}/contacts/{contactId}:remove",
		"/v1/{parent=customers/*/visitPlans/*}/visits": "/v1/customers/{customerId}/visitPlans/{visitPlanId}/visits",
		"/v1/{category.name=categories/*}":             "/v1/categories/{categoryId}",
		"/v1/slaPolicies:set":                          "/v1/slaPolicies:set",
		"/v1/{name}":                                   "/v1/{name}",
		"/v1/{name=things/*/things/*}":                 "/v1/things/{thingId}/things/{thingId2}",
	} {
		if got, _ := openAPIPath(tpl); got != want {
			t.Errorf("%s: %s, want %s", tpl, got, want)
		}
	}
}

func TestOpenAPIMergeRenamesClashingDefinitions(t *testing.T) {
	files := fstest.MapFS{
		"csm_a_v1_a.swagger.json": {Data: []byte(`{"paths": {"/v1/a": {"get": {"operationId": "GetA", "tags": ["AService"],
			"responses": {"200": {"schema": {"$ref": "#/definitions/v1Thing"}}}}}},
			"definitions": {"v1Thing": {"properties": {"a": {"type": "string"}}}}}`)},
		"csm_b_v1_b.swagger.json": {Data: []byte(`{"paths": {"/v1/b": {"get": {"operationId": "GetB", "tags": ["BService"],
			"responses": {"200": {"schema": {"$ref": "#/definitions/v1Thing"}}}}}},
			"definitions": {"v1Thing": {"properties": {"b": {"type": "string"}}}}}`)},
	}
	doc, err := mergeOpenAPI(files)
	if err != nil {
		t.Fatal(err)
	}
	s := string(doc)
	for _, want := range []string{`"b.v1Thing"`, `"#/definitions/b.v1Thing"`, `"#/definitions/v1Thing"`,
		`"BService_GetB"`, `"#/definitions/rpcStatus"`} {
		if !strings.Contains(s, want) {
			t.Errorf("merged document lacks %s:\n%s", want, s)
		}
	}
	files["csm_c_v1_c.swagger.json"] = &fstest.MapFile{Data: []byte(`{"paths": {"/v1/a": {"get": {}}}}`)}
	if _, err := mergeOpenAPI(files); err == nil {
		t.Error("a route generated twice was accepted")
	}
}

func TestRequestIDKeptWhenTheServicesWouldKeepIt(t *testing.T) {
	for given, kept := range map[string]bool{
		"abc-123": true, "a:b.c_d": true, strings.Repeat("x", 128): true,
		"": false, "with space": false, "中文": false, strings.Repeat("x", 129): false,
	} {
		if got := requestID(given); (got == given) != kept || len(got) == 0 {
			t.Errorf("%q -> %q", given, got)
		}
	}
}
