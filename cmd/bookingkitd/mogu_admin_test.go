package main

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// moguMembershipJSON is a membership as the back office answers it.
type moguMembershipJSON struct {
	OperatorID string    `json:"operator_id"`
	AgencyID   string    `json:"agency_id"`
	GrantedBy  string    `json:"granted_by"`
	GrantedAt  time.Time `json:"granted_at"`
}

// Attack (issue 14, item 7): an operator grants itself another agency's
// account, then reads its bookings. Only the operators the config names
// in mogu.administrators grant and revoke.
func TestMoguOnlyAdministratorsGrantAgencies(t *testing.T) {
	e := startMogu(t, "memory:", map[string]any{"administrators": []string{"admin-1"}})
	e.activate("main", true)
	e.call("PUT", "/api/backoffice/mogu/bookings/AG2-1", engine(""), moguBookingBody("b2b", "bob@example.com", "desk@ag2.example", "AG2", "main"), http.StatusOK, nil)

	var refused errorBody
	e.call("PUT", "/api/backoffice/mogu/operators/op1/memberships/AG2", engine("op1"), nil, http.StatusForbidden, &refused)
	require.Contains(t, refused.Error, "operator op1 is not a MOGU administrator")
	e.call("GET", "/api/backoffice/mogu/accounts/AG2/bookings/AG2-1", engine("op1"), nil, http.StatusForbidden, nil)
	var page struct {
		Items []moguMembershipJSON `json:"items"`
	}
	e.call("GET", "/api/backoffice/mogu/operators/op1/memberships", engine("op1"), nil, http.StatusOK, &page)
	require.Empty(t, page.Items)

	// The administrator grants; op1 then lands in AG2.
	var m moguMembershipJSON
	e.call("PUT", "/api/backoffice/mogu/operators/op1/memberships/AG2", engine("admin-1"), nil, http.StatusCreated, &m)
	require.Equal(t, "admin-1", m.GrantedBy)
	e.call("GET", "/api/backoffice/mogu/accounts/AG2/bookings/AG2-1", engine("op1"), nil, http.StatusOK, nil)

	// Revoking needs an administrator too: op1 cannot take op2's access,
	// nor is a revoke without X-Operator anyone's.
	e.call("PUT", "/api/backoffice/mogu/operators/op2/memberships/AG2", engine("admin-1"), nil, http.StatusCreated, nil)
	e.call("DELETE", "/api/backoffice/mogu/operators/op2/memberships/AG2", engine("op1"), nil, http.StatusForbidden, &refused)
	require.Contains(t, refused.Error, "not a MOGU administrator")
	e.call("DELETE", "/api/backoffice/mogu/operators/op2/memberships/AG2", engine(""), nil, http.StatusBadRequest, nil)
	e.call("GET", "/api/backoffice/mogu/accounts/AG2", engine("op2"), nil, http.StatusOK, nil)
	e.call("DELETE", "/api/backoffice/mogu/operators/op2/memberships/AG2", engine("admin-1"), nil, http.StatusNoContent, nil)
	e.call("GET", "/api/backoffice/mogu/accounts/AG2", engine("op2"), nil, http.StatusForbidden, nil)
}

// Without mogu.administrators nobody grants: the default is closed.
func TestMoguNoAdministratorsNoGrants(t *testing.T) {
	e := startMogu(t, "memory:", nil)
	e.call("PUT", "/api/backoffice/mogu/operators/op1/memberships/AG2", engine("op1"), nil, http.StatusForbidden, nil)
	e.call("PUT", "/api/backoffice/mogu/operators/op1/memberships/AG2", engine("admin"), nil, http.StatusForbidden, nil)
}
