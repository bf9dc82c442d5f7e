package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/partner"
)

func TestRun(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out))
	text := out.String()

	// The statuses the steps print, in order, each with the events the
	// life cycle table allows in it.
	steps := regexp.MustCompile(`(?m)^\S.*?\s{2,}(\S+)\s+next: \[(.*)\]$`).FindAllStringSubmatch(text, -1)
	var states []partner.State
	for _, m := range steps {
		state := partner.State(m[1])
		states = append(states, state)
		var want []string
		for _, e := range partner.InstanceEvents(state) {
			want = append(want, string(e))
		}
		require.Equal(t, strings.Join(want, " "), m[2], "events allowed in %s", state)
	}
	require.Equal(t, []partner.State{
		partner.StateDraft, partner.StateProvisioned, partner.StateActive, partner.StateActive,
		partner.StateExpired, partner.StateActive,
		partner.StateDeactivationRequested, partner.StateActive,
		partner.StateDeactivationRequested, partner.StateDeactivated,
	}, states)

	require.Contains(t, text, "  refused: add_licences is not allowed in state expired\n")
	require.Regexp(t, `the partner user may not approve: .*only an administrator may approve deactivation: forbidden\n`, text)
	require.Contains(t, text, "  licence ana: deactivated\n  licence juan: deactivated\n")

	// The audit log holds every change to the instance, oldest first,
	// each by whoever made it.
	var instanceLog []string
	for _, m := range regexp.MustCompile(`(?m)^  \S+ \S+  (\S+ \S+) +instance +(\S+)`).FindAllStringSubmatch(text, -1) {
		instanceLog = append(instanceLog, m[1]+": "+m[2])
	}
	require.Equal(t, []string{
		"Alice Romero: create", "Alice Romero: provision", "Alice Romero: generate", "Alice Romero: extend_expiry",
		"Alice Romero: request_deactivation", "Marta Vidal: reject_deactivation",
		"Alice Romero: request_deactivation", "Marta Vidal: approve_deactivation",
	}, instanceLog)

	// The terminal's activity, newest first: released when its licence
	// was deactivated.
	activity := text[strings.Index(text, "activity of terminal SN-0042, newest first:"):]
	var kinds []string
	for _, m := range regexp.MustCompile(`(?m)^  \S+ \S+  (\S+)\s+ana$`).FindAllStringSubmatch(activity, -1) {
		kinds = append(kinds, m[1])
	}
	require.Equal(t, []string{string(partner.ActivityReleased), string(partner.ActivityConfigFetch), string(partner.ActivityBound)}, kinds)

	// The clock and the IDs are fixed: a second run prints the same.
	var again bytes.Buffer
	require.NoError(t, run(context.Background(), &again))
	require.Equal(t, text, again.String())
}
