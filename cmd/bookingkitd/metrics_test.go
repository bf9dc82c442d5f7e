package main

import (
	"io"
	"net"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(body)
}

// After an import and some requests, /metrics shows them (issue 18).
func TestMetricsAfterAnImport(t *testing.T) {
	e := startStaff(t, "memory:", nil)
	e.upload(staffTestList)
	e.call("GET", "/api/staff/me", nil, nil, http.StatusUnauthorized, nil)
	code, body := get(t, e.ts.URL+"/metrics")
	require.Equal(t, http.StatusOK, code)
	for _, want := range []string{
		`bookingkit_staffid_imports_total{status="Ok"} 1`,
		`bookingkit_staffid_import_people_total{change="created"} 5`,
		`bookingkit_staffid_import_duration_seconds_count 1`,
		`bookingkit_http_requests_total{code="200",method="POST",route="POST /api__airline_employee_upload"} 1`,
		`bookingkit_http_requests_total{code="401",method="GET",route="GET /api/staff/me"} 1`,
		`bookingkit_standby_waiting 0`,
		`bookingkit_outbox_messages`,
	} {
		require.Contains(t, body, want)
	}
}

// The profiler is on the admin address only, and only when it is set.
func TestProfilerOnlyOnTheAdminAddress(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close()
	ts := startServer(t, nil, "-db", "memory:", "-admin-addr", addr)
	code, _ := get(t, "http://"+addr+"/debug/pprof/")
	require.Equal(t, http.StatusOK, code)
	code, body := get(t, "http://"+addr+"/metrics")
	require.Equal(t, http.StatusOK, code)
	require.Contains(t, body, "go_goroutines")
	code, _ = get(t, ts.URL+"/debug/pprof/")
	require.Equal(t, http.StatusNotFound, code, "not on the public address")

	other := startServer(t, nil, "-db", "memory:")
	code, _ = get(t, other.URL+"/debug/pprof/")
	require.Equal(t, http.StatusNotFound, code)
}
