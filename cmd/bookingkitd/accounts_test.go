package main

// Attacks on the sign-in machinery shared by staff travel and MOGU
// (issue 14, items 1, 2 and 4), played over HTTP on the real server.

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// Attack: weak passwords that passed the length rule. The issue's
// 123456789012 (staff) and aaaaaaaaaaaa (MOGU), and one built from the
// employee's own names, are refused with the reason; a passphrase is
// accepted, and a refusal leaves the link usable.
func TestAttackWeakPasswords(t *testing.T) {
	refused := func(t *testing.T, status int, body []byte, reason string) {
		t.Helper()
		require.Equal(t, http.StatusBadRequest, status, "%s", body)
		var eb errorBody
		require.NoError(t, json.Unmarshal(body, &eb))
		require.Equal(t, "password", eb.Field)
		require.Empty(t, eb.Value, "the password is never echoed")
		require.Contains(t, eb.Error, reason)
	}

	t.Run("staff", func(t *testing.T) {
		e := startStaff(t, "memory:", nil)
		e.upload(staffTestList)
		e.call("POST", "/api/staff/register", nil, staffLennonForm, http.StatusAccepted, nil)
		token := staffToken(e.mailedLink("it@websky.tech"))
		status, _, body := e.do("POST", "/api/staff/password", nil, map[string]string{"token": token, "password": "123456789012"})
		refused(t, status, body, "harder to guess")
		status, _, body = e.do("POST", "/api/staff/password", nil, map[string]string{"token": token, "password": "JohnLennon1940"})
		refused(t, status, body, "your own details")
		status, _, body = e.do("POST", "/api/staff/password", nil, map[string]string{"token": token, "password": "ДжонЛеннон"})
		refused(t, status, body, "your own details")
		e.call("POST", "/api/staff/password", nil, map[string]string{"token": token, "password": "white album on a rainy tuesday"}, http.StatusOK, nil)
	})

	t.Run("mogu", func(t *testing.T) {
		e := startMogu(t, "memory:", nil)
		e.call("POST", "/api/mogu/register", nil, map[string]string{"email": "marta.kowalska@example.com"}, http.StatusAccepted, nil)
		token := e.mailedToken("marta.kowalska@example.com")
		status, _, body := e.do("POST", "/api/mogu/password", nil, map[string]string{"token": token, "password": "aaaaaaaaaaaa"})
		refused(t, status, body, "repeats characters")
		status, _, body = e.do("POST", "/api/mogu/password", nil, map[string]string{"token": token, "password": "kowalska2026"})
		refused(t, status, body, "your own details")
		e.call("POST", "/api/mogu/password", nil, map[string]string{"token": token, "password": "Tenerife in December, 2026!"}, http.StatusOK, nil)
	})
}
