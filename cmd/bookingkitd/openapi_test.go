package main

import (
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/storage/memory"
)

// TestOpenAPIMatchesRoutes keeps docs/openapi.json and routes() equal: every
// registered route is documented and every documented operation exists.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	raw, err := os.ReadFile("../../docs/openapi.json")
	require.NoError(t, err)
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	require.NoError(t, json.Unmarshal(raw, &doc), "docs/openapi.json must be valid JSON")
	require.True(t, strings.HasPrefix(doc.OpenAPI, "3."), "an OpenAPI 3 document")

	var documented []string
	for path, ops := range doc.Paths {
		for method := range ops {
			if method == "parameters" || method == "summary" || method == "description" {
				continue
			}
			documented = append(documented, strings.ToUpper(method)+" "+path)
		}
	}
	svc, err := newServices(t.Context(), slog.New(slog.DiscardHandler), testConfig(), memory.New().Stores(), io.Discard)
	require.NoError(t, err)
	var registered []string
	for _, r := range routes(slog.New(slog.DiscardHandler), testConfig(), svc) {
		registered = append(registered, r.Pattern)
	}
	slices.Sort(documented)
	slices.Sort(registered)
	if diff := cmp.Diff(registered, documented); diff != "" {
		t.Errorf("docs/openapi.json and routes() differ (-registered +documented):\n%s", diff)
	}
}

// testConfig is a configuration as parseConfig makes it with no flags.
func testConfig() Config {
	cfg, err := parseConfig([]string{"bookingkitd"}, func(string) string { return "" }, os.Stderr)
	if err != nil {
		panic(err)
	}
	return cfg
}
