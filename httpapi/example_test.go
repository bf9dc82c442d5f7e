package httpapi_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/httpapi"
)

// A handler reads its body with DecodeJSON and returns the domain's
// error, which Handler answers with WriteError: the domain's conflict is a 409 whose JSON body carries
// the error's text and the request's ID.
func Example() {
	book := func(w http.ResponseWriter, r *http.Request) error {
		var in struct {
			Seat string `json:"seat"`
		}
		if err := httpapi.DecodeJSON(r, &in); err != nil {
			return err
		}
		// The domain refuses: the seat is taken.
		return fmt.Errorf("seat %s is taken: %w", in.Seat, bookingkit.ErrConflict)
	}
	h := httpapi.WithRequestID(httpapi.Handler(nil, book))

	req := httptest.NewRequest(http.MethodPost, "/bookings", strings.NewReader(`{"seat":"12A"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Request-ID", "r-42")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	body, _ := io.ReadAll(rec.Body)
	fmt.Println(rec.Code, rec.Header().Get("Content-Type"))
	fmt.Print(string(body))

	req = httptest.NewRequest(http.MethodPost, "/bookings", strings.NewReader(`seat=12A`))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	fmt.Println(rec.Code)
	// Output:
	// 409 application/json; charset=utf-8
	// {"error":"seat 12A is taken: conflict","request_id":"r-42"}
	// 415
}

// A module's routes mounted under an engine's own prefix.
func ExampleWithPrefix() {
	hello := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello %s", r.PathValue("name"))
	})
	routes := httpapi.WithPrefix("/travel", []httpapi.Route{
		{Pattern: "GET /hello/{name}", Handler: hello},
	})
	mux := http.NewServeMux()
	httpapi.Mount(mux, routes)

	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/travel/hello/ann", nil))
	fmt.Println(routes[0].Pattern, rec.Code, rec.Body.String())
	// Output: GET /travel/hello/{name} 200 hello ann
}
