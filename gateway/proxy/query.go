package proxy

import (
	"fmt"
	"net/url"
	"reflect"
	"regexp"
	"sort"
	"strings"

	"github.com/golang/protobuf/proto"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
)

// grpc-gateway's syntax for map entries: key[mapkey]=value.
var bracketKey = regexp.MustCompile(`^(.*)\[(.*)\]$`)

// checkQuery returns a violation for every query parameter that is not a
// field of the request (by its proto or JSON name, dotted into nested
// messages), or that the path or the body already binds: grpc-gateway
// would ignore either silently, and the docs promise an error.
func (rt *route) checkQuery(values url.Values) []*errdetails.BadRequest_FieldViolation {
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []*errdetails.BadRequest_FieldViolation
	for _, k := range keys {
		if problem := rt.queryProblem(k); problem != "" {
			out = append(out, &errdetails.BadRequest_FieldViolation{Field: k, Description: problem})
		}
	}
	return out
}

func (rt *route) queryProblem(key string) string {
	if m := bracketKey.FindStringSubmatch(key); m != nil {
		key = m[1]
	}
	if rt.body == "*" {
		return "unknown query parameter: this method takes all its fields in the JSON body"
	}
	path, _, ok := fieldPath(rt.request.Elem(), strings.Split(key, "."))
	if !ok {
		return "unknown query parameter; " + rt.queryHelp
	}
	if rt.body != "" && overlaps(path, rt.body) {
		return fmt.Sprintf("%s is the JSON body of this method, not a query parameter", rt.body)
	}
	for _, f := range rt.pathFields {
		if overlaps(path, f) {
			return fmt.Sprintf("%s is bound by the path %s, not a query parameter", f, rt.template)
		}
	}
	return ""
}

// normalizeMasks rewrites the paths of FieldMask parameters from
// lowerCamelCase to the proto names the services expect (proto3 JSON
// writes masks in lowerCamelCase; grpc-gateway passes them on as given).
// It reports whether anything changed.
func (rt *route) normalizeMasks(values url.Values) bool {
	changed := false
	for key, vals := range values {
		_, t, ok := fieldPath(rt.request.Elem(), strings.Split(key, "."))
		if !ok || t.Kind() != reflect.Ptr || t.Elem().Kind() != reflect.Struct {
			continue
		}
		if m, ok := reflect.New(t.Elem()).Interface().(proto.Message); !ok ||
			proto.MessageName(m) != "google.protobuf.FieldMask" {
			continue
		}
		for i, v := range vals {
			if snake := snakeCase(v); snake != v {
				vals[i], changed = snake, true
			}
		}
	}
	return changed
}

func snakeCase(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 'A' && r <= 'Z' {
			b.WriteByte('_')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// queryParameters describes what the query of this route may set.
func (rt *route) queryParameters() string {
	if rt.body == "*" {
		return "this method takes no query parameters"
	}
	var names []string
	t := rt.request.Elem()
	props := proto.GetProperties(t)
	for i, p := range props.Prop {
		if p.OrigName == "" || strings.HasPrefix(p.Name, "XXX_") || t.Field(i).Type.Kind() == reflect.Interface {
			continue
		}
		bound := rt.body != "" && overlaps(p.OrigName, rt.body)
		for _, f := range rt.pathFields {
			bound = bound || overlaps(p.OrigName, f)
		}
		if !bound {
			names = append(names, p.OrigName)
		}
	}
	for name := range props.OneofTypes {
		names = append(names, name)
	}
	if len(names) == 0 {
		return "this method takes no query parameters"
	}
	sort.Strings(names)
	return "this method's query parameters: " + strings.Join(names, ", ")
}

// fieldPath resolves names (proto or JSON names) in the message type t to
// the proto names of a field path, and the Go type of its last field.
func fieldPath(t reflect.Type, names []string) (string, reflect.Type, bool) {
	orig := make([]string, 0, len(names))
	var ft reflect.Type
	for i, name := range names {
		var origName string
		var ok bool
		if ft, origName, ok = fieldOf(t, name); !ok {
			return "", nil, false
		}
		orig = append(orig, origName)
		if i < len(names)-1 {
			if ft.Kind() != reflect.Ptr || ft.Elem().Kind() != reflect.Struct {
				return "", nil, false
			}
			t = ft.Elem()
		}
	}
	return strings.Join(orig, "."), ft, true
}

// fieldOf finds a field as grpc-gateway's query parser does: a oneof
// member, or a field by proto name or JSON name.
func fieldOf(t reflect.Type, name string) (reflect.Type, string, bool) {
	if name == "" {
		return nil, "", false
	}
	props := proto.GetProperties(t)
	if op, ok := props.OneofTypes[name]; ok {
		return op.Type.Elem().Field(0).Type, op.Prop.OrigName, true
	}
	for i, p := range props.Prop {
		if p.OrigName == "" || strings.HasPrefix(p.Name, "XXX_") {
			continue
		}
		if p.OrigName == name || p.JSONName == name {
			if t.Field(i).Type.Kind() == reflect.Interface {
				return nil, "", false // a oneof's own name is no field
			}
			return t.Field(i).Type, p.OrigName, true
		}
	}
	return nil, "", false
}

// overlaps reports whether one field path contains the other.
func overlaps(a, b string) bool {
	return a == b || strings.HasPrefix(a, b+".") || strings.HasPrefix(b, a+".")
}
