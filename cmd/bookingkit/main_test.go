package main

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func runTool(t *testing.T, envVars map[string]string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = run(context.Background(), append([]string{"bookingkit"}, args...), func(k string) string { return envVars[k] }, nil, &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestHelpListsCommands(t *testing.T) {
	out, _, err := runTool(t, nil, "help")
	require.NoError(t, err)
	require.Contains(t, out, "migrate")

	_, _, err = runTool(t, nil)
	require.ErrorIs(t, err, exitError(2), "no command is a usage error")

	_, errOut, err := runTool(t, nil, "frobnicate")
	require.ErrorContains(t, err, `unknown command "frobnicate"`)
	require.Contains(t, errOut, "Commands:")
}

func TestMigrateCreatesDatabase(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.db")
	out, _, err := runTool(t, nil, "migrate", "-db", db)
	require.NoError(t, err)
	require.Contains(t, out, "schema up to date (sqlite")

	_, errOut, err := runTool(t, nil, "migrate", "-h")
	require.NoError(t, err)
	require.Contains(t, errOut, "-db")
}
