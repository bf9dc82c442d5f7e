package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// api calls one server. Its transport keeps an idle connection for every
// client, so the load measures requests, not connection set-up (Go's
// default keeps two per host and would open and close the rest each time).
type api struct {
	base   string
	client *http.Client
}

// Timeouts of one request: reads should answer in milliseconds, a whole
// list's import in seconds to minutes.
const (
	readTimeout   = 30 * time.Second
	uploadTimeout = 10 * time.Minute
)

func newAPI(base string, clients int) *api {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = clients + 8
	tr.MaxIdleConnsPerHost = clients + 8
	return &api{base: base, client: &http.Client{Transport: tr}}
}

// bearer is the header of a request signed with token.
func bearer(token string) http.Header {
	return http.Header{"Authorization": {"Bearer " + token}}
}

// errorBodyLimit bounds how much of a failed answer is kept.
const errorBodyLimit = 1024

// do sends body (when not nil, of contentType) and returns the status and
// the answer. The answer is read whole, so the connection is reused.
func (a *api) do(ctx context.Context, method, path string, header http.Header, body []byte, contentType string, timeout time.Duration) (int, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, rd)
	if err != nil {
		return 0, nil, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, out, fmt.Errorf("%s %s: reading the answer: %w", method, path, err)
	}
	return resp.StatusCode, out, nil
}

// send sends in as JSON (nothing when nil) and returns the status and the
// answer.
func (a *api) send(ctx context.Context, method, path string, header http.Header, in any) (int, []byte, error) {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return 0, nil, err
		}
	}
	return a.do(ctx, method, path, header, body, "application/json", readTimeout)
}

// call sends in as JSON (nothing when nil), requires the status want and
// decodes the answer into out (when not nil).
func (a *api) call(ctx context.Context, method, path string, header http.Header, in any, want int, out any) error {
	status, raw, err := a.send(ctx, method, path, header, in)
	if err != nil {
		return err
	}
	if status != want {
		return fmt.Errorf("%s %s: status %d, want %d: %s", method, path, status, want, truncate(raw, errorBodyLimit))
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			return fmt.Errorf("%s %s: %w in %s", method, path, err, truncate(raw, errorBodyLimit))
		}
	}
	return nil
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}
