package proxy

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"reflect"
	"sort"
	"strings"
)

type object = map[string]interface{}

// mergeOpenAPI merges protoc-gen-swagger's documents (one per proto file:
// its allow_merge refuses files of different packages) into one OpenAPI
// v2 document, and makes it usable by tools: path templates such as
// /v1/{name=customers/*} become /v1/customers/{customerId} (OpenAPI has no
// multi-segment variables), every operation gets the error response
// (google.rpc.Status) and the bearer security, and operation ids are
// Service_Method.
func mergeOpenAPI(files fs.FS) ([]byte, error) {
	paths, defs := object{}, object{}
	var names []string
	if files != nil {
		var err error
		if names, err = fs.Glob(files, "*.swagger.json"); err != nil {
			return nil, err
		}
	}
	sort.Strings(names)
	for _, name := range names {
		raw, err := fs.ReadFile(files, name)
		if err != nil {
			return nil, err
		}
		var doc object
		if err := json.Unmarshal(raw, &doc); err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		if err := mergeDefinitions(defs, doc, strings.Split(name, "_")[1]); err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		if err := mergePaths(paths, doc); err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
	}
	defs["rpcStatus"] = object{
		"type":        "object",
		"description": "An error: the gRPC status as JSON (docs/api.md, Errors).",
		"properties": object{
			"code":    object{"type": "integer", "format": "int32", "description": "google.rpc.Code"},
			"message": object{"type": "string"},
			"details": object{"type": "array", "items": object{"$ref": "#/definitions/protobufAny"}},
		},
	}
	defs["protobufAny"] = object{
		"type":                 "object",
		"description":          "A message of the type named by @type, e.g. google.rpc.BadRequest with fieldViolations.",
		"properties":           object{"@type": object{"type": "string"}},
		"additionalProperties": object{},
	}
	return json.MarshalIndent(object{
		"swagger": "2.0",
		"info": object{
			"title":       "csm REST API",
			"version":     "v1",
			"description": "The csm gRPC contracts (protos/csm) as REST/JSON, served by csm-gateway. Guide: docs/api.md.",
		},
		"consumes":            []string{"application/json"},
		"produces":            []string{"application/json"},
		"securityDefinitions": object{"bearer": object{"type": "apiKey", "in": "header", "name": "Authorization", "description": "Bearer <JWT>"}},
		"security":            []object{{"bearer": []string{}}},
		"paths":               paths,
		"definitions":         defs,
	}, "", "  ")
}

// mergeDefinitions adds doc's definitions to defs. Names are only unique
// within one generator run (one package): a name taken by a different
// message is renamed to area.name, and doc's references follow.
func mergeDefinitions(defs, doc object, area string) error {
	own, _ := doc["definitions"].(map[string]interface{})
	renames := map[string]string{}
	for name, def := range own {
		if old, taken := defs[name]; taken && !reflect.DeepEqual(old, def) {
			renames[name] = area + "." + name
		}
	}
	if len(renames) > 0 {
		renameRefs(doc, renames)
		own, _ = doc["definitions"].(map[string]interface{})
	}
	for name, def := range own {
		if to, ok := renames[name]; ok {
			name = to
		}
		if old, taken := defs[name]; taken && !reflect.DeepEqual(old, def) {
			return fmt.Errorf("definition %s defined twice differently", name)
		}
		defs[name] = def
	}
	return nil
}

func renameRefs(v interface{}, renames map[string]string) {
	switch t := v.(type) {
	case map[string]interface{}:
		for k, x := range t {
			if s, ok := x.(string); ok && k == "$ref" {
				if to, ok := renames[strings.TrimPrefix(s, "#/definitions/")]; ok {
					t[k] = "#/definitions/" + to
				}
				continue
			}
			renameRefs(x, renames)
		}
	case []interface{}:
		for _, x := range t {
			renameRefs(x, renames)
		}
	}
}

func mergePaths(paths, doc object) error {
	own, _ := doc["paths"].(map[string]interface{})
	for tpl, ops := range own {
		p, vars := openAPIPath(tpl)
		merged, _ := paths[p].(object)
		if merged == nil {
			merged = object{}
			paths[p] = merged
		}
		for method, op := range ops.(map[string]interface{}) {
			if _, dup := merged[method]; dup {
				return fmt.Errorf("%s %s is generated twice", strings.ToUpper(method), p)
			}
			fixOperation(op.(map[string]interface{}), vars)
			merged[method] = op
		}
	}
	return nil
}

// fixOperation replaces the path parameters of bound fields by the
// template's variables, adds the error response and names the operation.
func fixOperation(op object, vars map[string]pathVar) {
	params, _ := op["parameters"].([]interface{})
	var out []interface{}
	for _, p := range params {
		param := p.(map[string]interface{})
		field, _ := param["name"].(string)
		v, bound := vars[field]
		if param["in"] != "path" || !bound {
			out = append(out, param)
			continue
		}
		for _, n := range v.names {
			out = append(out, object{
				"name": n, "in": "path", "required": true, "type": "string",
				"description": fmt.Sprintf("part of %s (%s)", field, v.pattern),
			})
		}
	}
	op["parameters"] = out
	if responses, ok := op["responses"].(map[string]interface{}); ok {
		responses["default"] = object{
			"description": "An error (HTTP status per docs/api.md)",
			"schema":      object{"$ref": "#/definitions/rpcStatus"},
		}
	}
	if tags, ok := op["tags"].([]interface{}); ok && len(tags) > 0 {
		op["operationId"] = fmt.Sprintf("%v_%v", tags[0], op["operationId"])
	}
}

// openAPIPath rewrites a google.api.http template into an OpenAPI path:
// "/v1/{name=customers/*/contacts/*}:remove" is
// "/v1/customers/{customerId}/contacts/{contactId}:remove", with the
// variables that now make up each bound field.
func openAPIPath(tpl string) (string, map[string]pathVar) {
	vars := map[string]pathVar{}
	used := map[string]int{}
	var b strings.Builder
	for {
		open := strings.IndexByte(tpl, '{')
		end := strings.IndexByte(tpl, '}')
		if open < 0 || end < open {
			b.WriteString(tpl)
			return b.String(), vars
		}
		b.WriteString(tpl[:open])
		field, pattern := tpl[open+1:end], "*"
		if eq := strings.IndexByte(field, '='); eq >= 0 {
			field, pattern = field[:eq], field[eq+1:]
		}
		tpl = tpl[end+1:]
		if pattern == "*" || strings.Contains(pattern, "**") {
			b.WriteString("{" + field + "}")
			continue
		}
		segments := strings.Split(pattern, "/")
		var names []string
		for i, s := range segments {
			if s != "*" {
				continue
			}
			name := field
			if i > 0 {
				name = singular(segments[i-1]) + "Id"
			}
			if used[name]++; used[name] > 1 {
				name = fmt.Sprintf("%s%d", name, used[name])
			}
			segments[i] = "{" + name + "}"
			names = append(names, name)
		}
		b.WriteString(strings.Join(segments, "/"))
		vars[field] = pathVar{names: names, pattern: pattern}
	}
}

// pathVar: the OpenAPI variables of one bound field, and its pattern.
type pathVar struct {
	names   []string
	pattern string
}

func singular(s string) string {
	switch {
	case strings.HasSuffix(s, "ies"):
		return s[:len(s)-3] + "y"
	case strings.HasSuffix(s, "s"):
		return s[:len(s)-1]
	}
	return s
}

func (g *Gateway) serveOpenAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(g.openapi)
}
