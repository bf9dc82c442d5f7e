package httpapi_test

import (
	"html"
	"html/template"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/httpapi"
)

var pages = template.Must(template.New("pages").Parse(`{{define "hello"}}<style nonce="{{.Nonce}}">p{}</style><p>{{.Name}}</p>{{end}}` +
	`{{define "broken"}}{{.Nonce}}{{.Name.Missing}}{{end}}`))

func TestPageRendersUnderANoncePolicy(t *testing.T) {
	render := func(p httpapi.Page, name string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		p.Render(rec, httptest.NewRequest(http.MethodGet, "/", nil), http.StatusAccepted, name, func(nonce string) any {
			return map[string]any{"Nonce": nonce, "Name": "<script>alert(1)</script>"}
		})
		return rec
	}
	rec := render(httpapi.Page{Template: pages}, "hello")
	require.Equal(t, http.StatusAccepted, rec.Code)
	// The attribute may escape a '+' of the nonce (&#43;), as a browser reads it.
	nonce := html.UnescapeString(regexp.MustCompile(`nonce="([^"]+)"`).FindStringSubmatch(rec.Body.String())[1])
	require.Regexp(t, `^[A-Za-z0-9+/]{22}$`, nonce)
	require.Equal(t, "default-src 'none'; style-src 'nonce-"+nonce+"'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'", rec.Header().Get("Content-Security-Policy"))
	require.Equal(t, "text/html; charset=utf-8", rec.Header().Get("Content-Type"))
	require.Equal(t, "no-store", rec.Header().Get("Cache-Control"))
	require.Equal(t, "nosniff", rec.Header().Get("X-Content-Type-Options"))
	require.Empty(t, rec.Header().Get("Referrer-Policy"))
	require.Contains(t, rec.Body.String(), "&lt;script&gt;", "the template escapes")

	again := render(httpapi.Page{Template: pages, Scripts: true, NoReferrer: true}, "hello")
	n2 := html.UnescapeString(regexp.MustCompile(`nonce="([^"]+)"`).FindStringSubmatch(again.Body.String())[1])
	require.NotEqual(t, nonce, n2, "a fresh nonce per answer")
	require.Equal(t, "default-src 'none'; style-src 'nonce-"+n2+"'; script-src 'nonce-"+n2+"'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'", again.Header().Get("Content-Security-Policy"))
	require.Equal(t, "no-referrer", again.Header().Get("Referrer-Policy"))
}

func TestPageThatFailsIsA500(t *testing.T) {
	var log strings.Builder
	rec := httptest.NewRecorder()
	p := httpapi.Page{Template: pages, Logger: slog.New(slog.NewTextHandler(&log, nil))}
	p.Render(rec, httptest.NewRequest(http.MethodGet, "/", nil), http.StatusOK, "broken", func(nonce string) any {
		return map[string]any{"Nonce": nonce, "Name": "x"}
	})
	require.Equal(t, http.StatusInternalServerError, rec.Code)
	require.Equal(t, "internal error\n", rec.Body.String(), "no half page")
	require.Empty(t, rec.Header().Get("Content-Security-Policy"))
	require.Contains(t, log.String(), "page=broken")
}
