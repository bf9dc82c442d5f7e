package main

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// Attack (issue 14, item 15): "open in MOGU" on a B2B booking without its
// agency answered shown: false, and with another agency than MOGU
// registered it pointed at that wrong account. Both are refused, saying
// why.
func TestMoguOpenLinkRefusesMissingOrWrongAgency(t *testing.T) {
	e := startMogu(t, "memory:", nil)
	e.activate("main", true)
	e.call("PUT", "/api/backoffice/mogu/bookings/AG1-1", engine(""), moguBookingBody("b2b", "ana@example.com", "desk@ag1.example", "AG1", "main"), http.StatusOK, nil)

	var refused errorBody
	e.call("GET", "/api/backoffice/mogu/open-link?user_channel=b2b&booking=AG1-1&booking_channel=b2b", engine(""), nil, http.StatusBadRequest, &refused)
	require.Equal(t, "agency_id", refused.Field)
	require.Contains(t, refused.Error, "booking AG1-1 is B2B, so it belongs to an agency account")
	// Unregistered bookings too: every B2B booking has an agency.
	e.call("GET", "/api/backoffice/mogu/open-link?user_channel=b2b&booking=NEW-1&booking_channel=b2b", engine(""), nil, http.StatusBadRequest, nil)

	e.call("GET", "/api/backoffice/mogu/open-link?user_channel=b2b&booking=AG1-1&booking_channel=b2b&agency=AG2", engine(""), nil, http.StatusConflict, &refused)
	require.Contains(t, refused.Error, "booking AG1-1 is registered in MOGU as a B2B booking of agency account AG1, not as a B2B booking of agency account AG2")
	e.call("GET", "/api/backoffice/mogu/open-link?user_channel=b2b&booking=AG1-1&booking_channel=b2c", engine(""), nil, http.StatusConflict, nil)

	var link struct {
		Shown bool   `json:"shown"`
		URL   string `json:"url"`
	}
	e.call("GET", "/api/backoffice/mogu/open-link?user_channel=b2b&booking=AG1-1&booking_channel=b2b&agency=AG1", engine(""), nil, http.StatusOK, &link)
	require.True(t, link.Shown)
	require.Contains(t, link.URL, "/api/backoffice/mogu/accounts/AG1/bookings/AG1-1")
	// A B2C user never sees the button, whatever the booking says.
	e.call("GET", "/api/backoffice/mogu/open-link?user_channel=b2c&booking=AG1-1&booking_channel=b2b", engine(""), nil, http.StatusOK, &link)
	require.False(t, link.Shown)
}
