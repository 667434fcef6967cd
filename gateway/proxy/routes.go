package proxy

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/golang/protobuf/proto"
	descpb "github.com/golang/protobuf/protoc-gen-go/descriptor"
	"github.com/grpc-ecosystem/grpc-gateway/protoc-gen-grpc-gateway/httprule"
	"github.com/grpc-ecosystem/grpc-gateway/runtime"
	"google.golang.org/genproto/googleapis/api/annotations"
)

// route is one HTTP binding of one RPC, read from the google.api.http
// option in the descriptors the generated code registered: the same rules
// grpc-gateway compiled its handlers from.
type route struct {
	verb       string // GET
	template   string // /v1/{name=customers/*}
	label      string // "GET /v1/{name=customers/*}": metrics and logs
	rpc        string // /csm.customer.v1.CustomerService/GetCustomer
	service    string
	backend    string
	pattern    runtime.Pattern
	body       string   // "", "*" or the field path of the body
	pathFields []string // field paths the template binds
	request    reflect.Type
	queryHelp  string // the parameters the query may set, for errors
	disabled   bool   // its backend has no address
}

// Route is a route's public face, for tests and tools.
type Route struct {
	Verb, Template, RPC, Backend string
}

// Routes lists the gateway's routes in matching order.
func (g *Gateway) Routes() []Route {
	out := make([]Route, 0, len(g.routes))
	for _, rt := range g.routes {
		out = append(out, Route{rt.verb, rt.template, rt.rpc, rt.backend})
	}
	return out
}

// routesOf reads the HTTP rules of every method of s, in the order the
// generated Register function adds them to grpc-gateway's mux.
func routesOf(s Service) ([]*route, error) {
	sd, pkg, err := serviceDescriptor(s)
	if err != nil {
		return nil, err
	}
	var routes []*route
	for _, m := range sd.GetMethod() {
		var ext interface{}
		if m.GetOptions() != nil {
			ext, err = proto.GetExtension(m.GetOptions(), annotations.E_Http)
		}
		if m.GetOptions() == nil || err != nil {
			return nil, fmt.Errorf("%s.%s has no google.api.http rule", s.Name, m.GetName())
		}
		rule := ext.(*annotations.HttpRule)
		reqType := proto.MessageType(strings.TrimPrefix(m.GetInputType(), "."))
		if reqType == nil {
			return nil, fmt.Errorf("%s.%s: request type %s not linked in", s.Name, m.GetName(), m.GetInputType())
		}
		for _, b := range append([]*annotations.HttpRule{rule}, rule.GetAdditionalBindings()...) {
			rt, err := newRoute(b, reqType)
			if err != nil {
				return nil, fmt.Errorf("%s.%s: %v", s.Name, m.GetName(), err)
			}
			rt.rpc = fmt.Sprintf("/%s.%s/%s", pkg, sd.GetName(), m.GetName())
			rt.service, rt.backend = s.Name, s.Backend
			routes = append(routes, rt)
		}
	}
	return routes, nil
}

func serviceDescriptor(s Service) (*descpb.ServiceDescriptorProto, string, error) {
	gz := proto.FileDescriptor(s.File)
	if gz == nil {
		return nil, "", fmt.Errorf("%s: descriptor of %s not linked in", s.Name, s.File)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, "", err
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, "", err
	}
	var fd descpb.FileDescriptorProto
	if err := proto.Unmarshal(raw, &fd); err != nil {
		return nil, "", err
	}
	for _, sd := range fd.GetService() {
		if fd.GetPackage()+"."+sd.GetName() == s.Name {
			return sd, fd.GetPackage(), nil
		}
	}
	return nil, "", fmt.Errorf("%s not in %s", s.Name, s.File)
}

func newRoute(rule *annotations.HttpRule, reqType reflect.Type) (*route, error) {
	var verb, tpl string
	switch p := rule.GetPattern().(type) {
	case *annotations.HttpRule_Get:
		verb, tpl = "GET", p.Get
	case *annotations.HttpRule_Post:
		verb, tpl = "POST", p.Post
	case *annotations.HttpRule_Put:
		verb, tpl = "PUT", p.Put
	case *annotations.HttpRule_Patch:
		verb, tpl = "PATCH", p.Patch
	case *annotations.HttpRule_Delete:
		verb, tpl = "DELETE", p.Delete
	case *annotations.HttpRule_Custom:
		verb, tpl = p.Custom.GetKind(), p.Custom.GetPath()
	default:
		return nil, fmt.Errorf("HTTP rule without a pattern")
	}
	parsed, err := httprule.Parse(tpl)
	if err != nil {
		return nil, err
	}
	c := parsed.Compile()
	pattern, err := runtime.NewPattern(c.Version, c.OpCodes, c.Pool, c.Verb)
	if err != nil {
		return nil, err
	}
	rt := &route{
		verb: verb, template: tpl, label: verb + " " + tpl, pattern: pattern,
		body: rule.GetBody(), pathFields: c.Fields, request: reqType,
	}
	rt.queryHelp = rt.queryParameters()
	return rt, nil
}

// matchRoute finds the route of method and path the way grpc-gateway's
// ServeMux does (same path split, same Pattern.Match, first match wins).
// Without one, allowed lists the methods the path has, if any.
func matchRoute(routes []*route, method, path string) (*route, []string) {
	components, verb, ok := splitPath(path)
	if !ok {
		return nil, nil
	}
	var allowed []string
	for _, rt := range routes {
		if _, err := rt.pattern.Match(components, verb); err != nil {
			continue
		}
		if rt.verb == method {
			return rt, nil
		}
		if !contains(allowed, rt.verb) {
			allowed = append(allowed, rt.verb)
		}
	}
	return nil, allowed
}

func splitPath(path string) ([]string, string, bool) {
	if !strings.HasPrefix(path, "/") {
		return nil, "", false
	}
	components := strings.Split(path[1:], "/")
	last := len(components) - 1
	verb := ""
	if idx := strings.LastIndex(components[last], ":"); idx == 0 {
		return nil, "", false
	} else if idx > 0 {
		c := components[last]
		components[last], verb = c[:idx], c[idx+1:]
	}
	return components, verb, true
}

// checkDistinct refuses two routes with the same method and template: the
// second could never be reached (e.g. one annotation served by two
// backends).
func checkDistinct(routes []*route) error {
	seen := map[string]string{}
	for _, rt := range routes {
		if other, dup := seen[rt.label]; dup {
			return fmt.Errorf("route %s is bound by both %s and %s", rt.label, other, rt.rpc)
		}
		seen[rt.label] = rt.rpc
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
