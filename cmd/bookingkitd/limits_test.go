package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/internal/smtptest"
	"github.com/bookingkit/bookingkit/storage/storagetest/pgtest"
)

// postJSON posts in as JSON to base+path and returns the status and body.
func postJSON(t *testing.T, base, path string, header http.Header, in any) (int, []byte) {
	t.Helper()
	raw, err := json.Marshal(in)
	require.NoError(t, err)
	req, err := http.NewRequest("POST", base+path, bytes.NewReader(raw))
	require.NoError(t, err)
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, body
}

// TestRateLimitsHoldAcrossTwoServersOnPostgres plays issue 14's item 16
// on two real server processes sharing one PostgreSQL database: wrong
// partner passwords for one account, and MOGU claims, sent to both
// servers in turn. The servers used to count apart (10 wrong passwords
// against a limit of 5); together they now stop at the limit.
func TestRateLimitsHoldAcrossTwoServersOnPostgres(t *testing.T) {
	db := pgtest.URL(t)
	smtp := smtptest.Start(t)
	partnerBootstrap(t, db, "root@vendor.example", "Root Admin")
	cfgFile := filepath.Join(t.TempDir(), "bookingkit.json")
	require.NoError(t, os.WriteFile(cfgFile, []byte(`{"mogu": {"claims_burst": 4, "claims_interval": "1h"}}`), 0o600))
	env := map[string]string{
		"BOOKINGKIT_ENGINE_TOKEN": moguTestEngineToken,
		"BOOKINGKIT_MOGU_KEYS":    moguTestKeys,
		"BOOKINGKIT_SMTP_ADDR":    smtp.Addr,
		"BOOKINGKIT_CONFIG":       cfgFile,
		"BOOKINGKIT_PUBLIC_URL":   "http://bookingkit.test",
	}
	servers := []string{startProcess(t, env, "-db", db).URL, startProcess(t, env, "-db", db).URL}

	t.Run("partner sign-in", func(t *testing.T) {
		// account.New's limit: 5 attempts per account a minute.
		var statuses []int
		for i := range 10 {
			status, body := postJSON(t, servers[i%2], "/api/partner/login", nil, map[string]string{"email": "root@vendor.example", "password": fmt.Sprintf("wrong password %d", i)})
			require.Contains(t, []int{http.StatusUnauthorized, http.StatusTooManyRequests}, status, "%s", body)
			statuses = append(statuses, status)
		}
		require.Equal(t, []int{401, 401, 401, 401, 401, 429, 429, 429, 429, 429}, statuses)
	})

	t.Run("MOGU claims", func(t *testing.T) {
		status, body := postJSON(t, servers[0], "/api/mogu/register", nil, map[string]string{"email": "eve@example.com"})
		require.Equal(t, http.StatusAccepted, status, "%s", body)
		e := &moguEnvT{t: t, smtp: smtp}
		token := e.mailedToken("eve@example.com")
		var s struct {
			SessionToken string `json:"session_token"`
		}
		status, body = postJSON(t, servers[1], "/api/mogu/password", nil, map[string]string{"token": token, "password": "Tenerife in December, 2026!"})
		require.Equal(t, http.StatusOK, status, "%s", body)
		require.NoError(t, json.Unmarshal(body, &s))

		var statuses []int
		for i := range 8 {
			status, body := postJSON(t, servers[i%2], "/api/mogu/claims", session(s.SessionToken),
				map[string]string{"token": fmt.Sprintf("GUESS%dAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", i)})
			require.Contains(t, []int{http.StatusUnauthorized, http.StatusTooManyRequests}, status, "%s", body)
			statuses = append(statuses, status)
		}
		require.Equal(t, []int{401, 401, 401, 401, 429, 429, 429, 429}, statuses, "claims_burst 4 across both servers")
	})
}
