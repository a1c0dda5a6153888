package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// openAPIDoc checks requests and answers against the schemas of the served
// OpenAPI document. It is strict where the document promises something to
// clients: every property an answer holds must be documented (a client
// generated from the document would drop the rest), every required one must
// be there, and types, nullability, formats, patterns and enums must hold.
type openAPIDoc struct {
	doc   map[string]any
	paths []openAPIPath
}

// openAPIPath is one documented path as the server serves it, with the
// pattern that matches request paths.
type openAPIPath struct {
	template string // as documented, "/sites/{site_id}"
	item     map[string]any
	pattern  *regexp.Regexp
	literal  int // characters outside parameters: the more, the more specific
}

var (
	servedOpenAPIOnce sync.Once
	servedOpenAPI     *openAPIDoc
	servedOpenAPIErr  error
)

// servedOpenAPIDoc fetches the document the server serves, once per test run.
func servedOpenAPIDoc(t testing.TB, ts *testServer) *openAPIDoc {
	t.Helper()
	servedOpenAPIOnce.Do(func() {
		res, err := http.Get(ts.URL + "/api/v1/openapi.json")
		if err != nil {
			servedOpenAPIErr = err
			return
		}
		defer res.Body.Close()
		raw, err := io.ReadAll(res.Body)
		if err != nil {
			servedOpenAPIErr = err
			return
		}
		servedOpenAPI, servedOpenAPIErr = newOpenAPIDoc(raw)
	})
	if servedOpenAPIErr != nil {
		t.Fatalf("openapi.json: %v", servedOpenAPIErr)
	}
	return servedOpenAPI
}

func newOpenAPIDoc(raw []byte) (*openAPIDoc, error) {
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	d := &openAPIDoc{doc: doc}
	param := regexp.MustCompile(`\{[a-zA-Z_]+\}`)
	for template, v := range asObject(doc["paths"]) {
		item := asObject(v)
		prefix := "/api/v1"
		if servers, ok := item["servers"].([]any); ok && len(servers) == 1 && asObject(servers[0])["url"] == "/" {
			prefix = ""
		}
		full := prefix + template
		var re strings.Builder
		re.WriteString("^")
		last := 0
		for _, loc := range param.FindAllStringIndex(full, -1) {
			re.WriteString(regexp.QuoteMeta(full[last:loc[0]]))
			re.WriteString("[^/]+?")
			last = loc[1]
		}
		re.WriteString(regexp.QuoteMeta(full[last:]))
		re.WriteString("$")
		d.paths = append(d.paths, openAPIPath{
			template: template, item: item, pattern: regexp.MustCompile(re.String()),
			literal: len(param.ReplaceAllString(full, "")),
		})
	}
	// The most specific template first: /moves/quote before /moves/{move_id}.
	slices.SortFunc(d.paths, func(a, b openAPIPath) int { return b.literal - a.literal })
	return d, nil
}

// operation finds the documented operation that serves a request.
func (d *openAPIDoc) operation(method, path string) (op map[string]any, where string, ok bool) {
	path, _, _ = strings.Cut(path, "?")
	for _, p := range d.paths {
		if !p.pattern.MatchString(path) {
			continue
		}
		if op := asObject(p.item[strings.ToLower(method)]); op != nil {
			return op, strings.ToUpper(method) + " " + p.template, true
		}
	}
	return nil, "", false
}

// documents reports whether the document describes the operation that
// serves a request.
func (d *openAPIDoc) documents(method, path string) bool {
	_, _, ok := d.operation(method, path)
	return ok
}

// checkExchange checks a request body that the server accepted (a 2xx
// answer) against the operation's request body, and the answer against its
// response of that status. It returns what does not hold.
func (d *openAPIDoc) checkExchange(method, path string, reqBody []byte, status int, contentType string, resBody []byte) []string {
	op, where, ok := d.operation(method, path)
	if !ok {
		return []string{fmt.Sprintf("%s %s is not in the document", method, path)}
	}
	var problems []string
	if status >= 200 && status < 300 && len(bytes.TrimSpace(reqBody)) > 0 {
		rb := d.resolve(op["requestBody"])
		media := asObject(asObject(rb["content"])["application/json"])
		if media == nil {
			problems = append(problems, where+": a request body is accepted but not documented")
		} else {
			problems = append(problems, d.checkJSON(media["schema"], reqBody, where+" request")...)
		}
	}
	responses := asObject(op["responses"])
	res := responses[strconv.Itoa(status)]
	if res == nil {
		res = responses["default"]
	}
	if res == nil {
		return append(problems, fmt.Sprintf("%s: status %d is not documented", where, status))
	}
	content := asObject(d.resolve(res)["content"])
	at := fmt.Sprintf("%s %d", where, status)
	if len(content) == 0 {
		if len(resBody) > 0 {
			problems = append(problems, at+": the answer has a body, the document none")
		}
		return problems
	}
	mediaType, _, _ := strings.Cut(contentType, ";")
	media := asObject(content[strings.TrimSpace(mediaType)])
	if media == nil {
		return append(problems, fmt.Sprintf("%s: content type %q is not documented", at, contentType))
	}
	if mediaType == "application/json" {
		problems = append(problems, d.checkJSON(media["schema"], resBody, at)...)
	}
	return problems
}

func (d *openAPIDoc) checkJSON(schema any, raw []byte, at string) []string {
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return []string{fmt.Sprintf("%s: not JSON: %v", at, err)}
	}
	var problems []string
	d.checkValue(schema, v, at, true, &problems)
	return problems
}

// resolve follows a local $ref ("#/components/schemas/Site").
func (d *openAPIDoc) resolve(v any) map[string]any {
	m := asObject(v)
	for range 10 {
		ref, ok := m["$ref"].(string)
		if !ok {
			return m
		}
		var at any = d.doc
		for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			at = asObject(at)[strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")]
		}
		m = asObject(at)
	}
	return m
}

// properties gathers the properties a schema declares, through $ref and
// allOf.
func (d *openAPIDoc) properties(schema map[string]any, into map[string]bool) (closed bool) {
	closed = true
	for name := range asObject(schema["properties"]) {
		into[name] = true
	}
	if ap, ok := schema["additionalProperties"]; ok && ap != false {
		closed = false
	}
	for _, part := range asArray(schema["allOf"]) {
		if !d.properties(d.resolve(part), into) {
			closed = false
		}
	}
	return closed
}

// checkValue checks v against a schema. With strict, an object may hold
// only the properties the schema declares (through allOf too); the parts of
// an allOf are checked without, since each declares only some of them.
// Objects within v are always checked strictly.
func (d *openAPIDoc) checkValue(schemaRef any, v any, at string, strict bool, problems *[]string) {
	fail := func(format string, args ...any) {
		*problems = append(*problems, at+": "+fmt.Sprintf(format, args...))
	}
	schema := d.resolve(schemaRef)
	if schema == nil {
		fail("no schema")
		return
	}
	if v == nil {
		if schema["nullable"] != true {
			fail("null, but the schema is not nullable")
		}
		return
	}
	if parts := asArray(schema["allOf"]); len(parts) > 0 {
		for _, part := range parts {
			d.checkValue(part, v, at, false, problems)
		}
	}
	if alts := asArray(schema["oneOf"]); len(alts) > 0 {
		matched := 0
		for _, alt := range alts {
			var p []string
			d.checkValue(alt, v, at, strict, &p)
			if len(p) == 0 {
				matched++
			}
		}
		if matched != 1 {
			fail("matches %d of the oneOf schemas, not one", matched)
		}
	}
	if enum := asArray(schema["enum"]); len(enum) > 0 && !slices.ContainsFunc(enum, func(e any) bool { return fmt.Sprint(e) == fmt.Sprint(v) }) {
		fail("%v is not one of %v", v, enum)
	}
	typ, _ := schema["type"].(string)
	switch typ {
	case "string":
		s, ok := v.(string)
		if !ok {
			fail("%s %v, not a string", jsonKind(v), v)
			return
		}
		switch schema["format"] {
		case "date-time":
			if _, err := time.Parse(time.RFC3339, s); err != nil {
				fail("%q is not an RFC 3339 date-time", s)
			}
		case "date":
			if _, err := time.Parse(time.DateOnly, s); err != nil {
				fail("%q is not a date", s)
			}
		}
		if p, ok := schema["pattern"].(string); ok && !regexp.MustCompile(p).MatchString(s) {
			fail("%q does not match %s", s, p)
		}
	case "integer":
		n, ok := v.(json.Number)
		if _, err := strconv.ParseInt(string(n), 10, 64); !ok || err != nil {
			fail("%s %v, not an integer", jsonKind(v), v)
		}
	case "number":
		if _, ok := v.(json.Number); !ok {
			fail("%s %v, not a number", jsonKind(v), v)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			fail("%s %v, not a boolean", jsonKind(v), v)
		}
	case "array":
		a, ok := v.([]any)
		if !ok {
			fail("%s, not an array", jsonKind(v))
			return
		}
		for i, e := range a {
			d.checkValue(schema["items"], e, fmt.Sprintf("%s[%d]", at, i), true, problems)
		}
	case "object", "":
		o, ok := v.(map[string]any)
		if !ok {
			if typ == "object" {
				fail("%s, not an object", jsonKind(v))
			}
			return
		}
		for _, r := range asArray(schema["required"]) {
			if _, ok := o[r.(string)]; !ok {
				fail("the required property %q is missing", r)
			}
		}
		props := asObject(schema["properties"])
		for name, pv := range o {
			if ps, ok := props[name]; ok {
				d.checkValue(ps, pv, at+"."+name, true, problems)
			} else if ap := asObject(schema["additionalProperties"]); ap != nil {
				d.checkValue(ap, pv, at+"."+name, true, problems)
			}
		}
		if strict {
			declared := map[string]bool{}
			if d.properties(schema, declared) {
				for name := range o {
					if !declared[name] {
						fail("the property %q is not documented", name)
					}
				}
			}
		}
	default:
		fail("unknown schema type %q", typ)
	}
}

// jsonKind names the JSON type of a decoded value.
func jsonKind(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return "null"
}

func asObject(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func asArray(v any) []any {
	a, _ := v.([]any)
	return a
}
