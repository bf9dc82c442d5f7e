package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// Every answer that the HTTP tests of this package receive from a
// bookingkitd they started is checked against docs/openapi.json with
// kin-openapi's validator: the route's operation must document the status,
// and the body must have a documented Content-Type and match its schema.
// A mismatch fails the test that started the server, naming the request,
// the operation and what differs, so every test over HTTP doubles as a
// test of the document. The check sits in http.DefaultTransport, beside
// errorleak_test.go's (clients with a Transport of their own, such as the
// shutdown tests', are not checked); requests to paths the document does
// not have (the 404 and 405 tests) are left alone, and so is the 503 of a
// server shutting down, which the document states once for every route.

func init() {
	v := &openAPITransport{}
	if lt, ok := http.DefaultTransport.(*leakCheckingTransport); ok {
		v.next, lt.next = lt.next, v
	} else {
		v.next, http.DefaultTransport = http.DefaultTransport, v
	}
	// The pages and the QR codes: kin-openapi decodes JSON, forms and
	// text/plain by itself.
	openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.PlainBodyDecoder)
	openapi3filter.RegisterBodyDecoder("image/svg+xml", openapi3filter.PlainBodyDecoder)
	openapi3filter.RegisterBodyDecoder("image/png", openapi3filter.FileBodyDecoder)
}

// openAPIServers maps the host:port of each bookingkitd a test started to
// that test (testing.TB).
var openAPIServers sync.Map

// checkOpenAPI validates the answers of the server at serverURL against
// docs/openapi.json until t ends; a mismatch fails t.
func checkOpenAPI(t testing.TB, serverURL string) {
	t.Helper()
	_, err := openAPIRouter()
	if err != nil {
		t.Fatalf("docs/openapi.json: %v", err)
	}
	u, err := url.Parse(serverURL)
	if err != nil {
		t.Fatal(err)
	}
	openAPIServers.Store(u.Host, t)
	t.Cleanup(func() { openAPIServers.Delete(u.Host) })
}

// openAPIRouter loads docs/openapi.json once, checks it is a valid
// OpenAPI document and returns a router to its operations.
var openAPIRouter = sync.OnceValues(func() (routers.Router, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile("../../docs/openapi.json")
	if err != nil {
		return nil, err
	}
	// The tests' servers listen on free ports; NewRouter validates the
	// document.
	doc.Servers = nil
	return legacy.NewRouter(doc)
})

// openAPITransport validates the answers of the registered servers.
type openAPITransport struct{ next http.RoundTripper }

func (v *openAPITransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := v.next.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	owner, ok := openAPIServers.Load(req.URL.Host)
	if !ok {
		return resp, nil
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return resp, nil // the test reads the same error
	}
	if mismatch := openAPIMismatch(req, resp.StatusCode, resp.Header, body); mismatch != "" {
		t := owner.(testing.TB)
		t.Errorf("docs/openapi.json does not describe the answer to %s %s: %d %s\n%s\nbody: %.500s",
			req.Method, req.URL.RequestURI(), resp.StatusCode, http.StatusText(resp.StatusCode), mismatch, body)
	}
	return resp, nil
}

// openAPIMismatch says how an answer differs from the document, or ""
// when it matches or the document has no operation for the request.
func openAPIMismatch(req *http.Request, status int, header http.Header, body []byte) string {
	router, _ := openAPIRouter()
	route, params, err := router.FindRoute(req)
	if err != nil {
		return "" // not a documented route: 404 or 405 from the mux
	}
	if status == http.StatusServiceUnavailable && route.Operation.Responses.Status(status) == nil &&
		strings.HasPrefix(header.Get("Content-Type"), "application/json") {
		return "" // the shutdown's 503, documented once for every route
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	err = openapi3filter.ValidateResponse(context.Background(), in)
	if err == nil {
		return ""
	}
	var re *openapi3filter.ResponseError
	msg := err.Error()
	if errors.As(err, &re) && re.Err != nil {
		msg = re.Reason + ": " + re.Err.Error()
	}
	return fmt.Sprintf("operation %s (%s %s): %s", route.Operation.OperationID, route.Method, route.Path, msg)
}

// TestOpenAPIValidatorCatchesMismatches shows that the check is real: an
// undocumented status, a body off its schema and a wrong Content-Type are
// each reported; a documented answer and an unknown route are not.
func TestOpenAPIValidatorCatchesMismatches(t *testing.T) {
	get := func(path string) *http.Request {
		req, err := http.NewRequest("GET", "http://127.0.0.1:1"+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		return req
	}
	jsonCT := http.Header{"Content-Type": {"application/json"}}
	ok := `{"status":"ok","storage":"sqlite"}`
	if m := openAPIMismatch(get("/healthz"), 200, jsonCT, []byte(ok)); m != "" {
		t.Errorf("a documented answer: %s", m)
	}
	if m := openAPIMismatch(get("/no/such/route"), 404, jsonCT, []byte(`{}`)); m != "" {
		t.Errorf("an unknown route: %s", m)
	}
	for name, c := range map[string]struct {
		status int
		header http.Header
		body   string
		want   string
	}{
		"undocumented status": {418, jsonCT, ok, "status is not supported"},
		"body off the schema": {200, jsonCT, `{"status":1}`, "doesn't match schema"},
		"wrong Content-Type":  {200, http.Header{"Content-Type": {"text/html"}}, "<p>ok", "Content-Type"},
	} {
		m := openAPIMismatch(get("/healthz"), c.status, c.header, []byte(c.body))
		if !strings.Contains(m, c.want) || !strings.Contains(m, "operation healthz") {
			t.Errorf("%s: got %q, want it to say %q and name the operation", name, m, c.want)
		}
	}
}
