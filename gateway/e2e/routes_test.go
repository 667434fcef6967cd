package e2e

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/golang/protobuf/proto"
	descpb "github.com/golang/protobuf/protoc-gen-go/descriptor"
	"google.golang.org/genproto/googleapis/api/annotations"
)

// Left to gRPC on purpose (docs/api.md, "Event streams"): every backend
// serves its own EventService at the same annotated path.
var notServed = map[string]bool{"csm.events.v1.EventService": true}

type binding struct {
	service, method, verb, template string
}

// bindings reads every csm RPC and its HTTP rules from the descriptor set
// the build wrote (protoc --include_imports --descriptor_set_out).
func bindings(t *testing.T) []binding {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(e.buildDir, "gateway", "csm.binpb"))
	if err != nil {
		t.Fatal(err)
	}
	var set descpb.FileDescriptorSet
	if err := proto.Unmarshal(raw, &set); err != nil {
		t.Fatal(err)
	}
	var out []binding
	for _, f := range set.GetFile() {
		if !strings.HasPrefix(f.GetName(), "csm/") {
			continue
		}
		for _, s := range f.GetService() {
			full := f.GetPackage() + "." + s.GetName()
			for _, m := range s.GetMethod() {
				var rule *annotations.HttpRule
				if m.GetOptions() != nil {
					if ext, err := proto.GetExtension(m.GetOptions(), annotations.E_Http); err == nil {
						rule = ext.(*annotations.HttpRule)
					}
				}
				if rule == nil {
					t.Errorf("%s/%s has no google.api.http rule", full, m.GetName())
					continue
				}
				for _, r := range append([]*annotations.HttpRule{rule}, rule.GetAdditionalBindings()...) {
					verb, tpl := verbAndTemplate(r)
					out = append(out, binding{full, m.GetName(), verb, tpl})
				}
			}
		}
	}
	if len(out) < 60 {
		t.Fatalf("only %d HTTP bindings in the descriptor set", len(out))
	}
	return out
}

func verbAndTemplate(r *annotations.HttpRule) (string, string) {
	switch {
	case r.GetGet() != "":
		return "GET", r.GetGet()
	case r.GetPost() != "":
		return "POST", r.GetPost()
	case r.GetPatch() != "":
		return "PATCH", r.GetPatch()
	case r.GetPut() != "":
		return "PUT", r.GetPut()
	case r.GetDelete() != "":
		return "DELETE", r.GetDelete()
	}
	return r.GetCustom().GetKind(), r.GetCustom().GetPath()
}

var variable = regexp.MustCompile(`\{([^}=]+)(=([^}]*))?\}`)

// concretePath fills a template's variables: {name=customers/*} is
// customers/1.
func concretePath(tpl string) string {
	return variable.ReplaceAllStringFunc(tpl, func(v string) string {
		m := variable.FindStringSubmatch(v)
		if m[3] == "" {
			return "1"
		}
		return strings.NewReplacer("**", "1", "*", "1").Replace(m[3])
	})
}

// testEveryRPCServed sends each route's method to its path without a token:
// only the service itself answers UNAUTHENTICATED "missing bearer token",
// so the request went through the gateway's route to the right backend
// (a gateway 404, 405 or 501 would fail).
func testEveryRPCServed(t *testing.T) {
	served := 0
	for _, b := range bindings(t) {
		path := concretePath(b.template)
		var body *strings.Reader
		if b.verb != "GET" && b.verb != "DELETE" {
			body = strings.NewReader("{}")
		}
		var r response
		if body != nil {
			r = do(t, b.verb, path, "", body)
		} else {
			r = do(t, b.verb, path, "", nil)
		}
		if notServed[b.service] {
			if r.code != http.StatusNotFound {
				t.Errorf("%s %s (%s, left to gRPC): HTTP %d", b.verb, path, b.method, r.code)
			}
			continue
		}
		served++
		if strings.Contains(string(r.body), "is not configured in this gateway") {
			t.Errorf("%s %s: the backend of %s is not started by this test: add it to setUp (harness_test.go)",
				b.verb, path, b.service)
			continue
		}
		if r.code != http.StatusUnauthorized || !strings.Contains(string(r.body), "missing bearer token") {
			t.Errorf("%s %s (%s/%s): HTTP %d %s", b.verb, path, b.service, b.method, r.code, r.body)
		}
	}
	if served == 0 {
		t.Fatal("no route served")
	}
}

func testOpenAPI(t *testing.T) {
	r := do(t, "GET", "/openapi.json", "", nil)
	var doc struct {
		Swagger string                                       `json:"swagger"`
		Paths   map[string]map[string]map[string]interface{} `json:"paths"`
		Defs    map[string]struct {
			Properties map[string]interface{} `json:"properties"`
		} `json:"definitions"`
	}
	if err := json.Unmarshal(r.body, &doc); err != nil || r.code != 200 || doc.Swagger != "2.0" {
		t.Fatalf("/openapi.json: %d %v", r.code, err)
	}
	var got []string
	for path, ops := range doc.Paths {
		if strings.Contains(path, "=") {
			t.Errorf("path %s is not an OpenAPI template", path)
		}
		for method, op := range ops {
			got = append(got, op["operationId"].(string))
			for _, v := range variable.FindAllStringSubmatch(path, -1) {
				if !hasPathParam(op, v[1]) {
					t.Errorf("%s %s: no parameter %s", method, path, v[1])
				}
			}
		}
	}
	var want []string
	for _, b := range bindings(t) {
		if !notServed[b.service] {
			want = append(want, b.service[strings.LastIndex(b.service, ".")+1:]+"_"+b.method)
		}
	}
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("operations\n got %v\nwant %v", got, want)
	}
	if _, ok := doc.Defs["v1Customer"].Properties["displayName"]; !ok {
		t.Errorf("definitions are not in lowerCamelCase: %v", doc.Defs["v1Customer"].Properties)
	}
	if _, ok := doc.Defs["rpcStatus"]; !ok {
		t.Error("no rpcStatus definition for errors")
	}
}

func hasPathParam(op map[string]interface{}, name string) bool {
	params, _ := op["parameters"].([]interface{})
	for _, p := range params {
		if m := p.(map[string]interface{}); m["in"] == "path" && m["name"] == name {
			return true
		}
	}
	return false
}
