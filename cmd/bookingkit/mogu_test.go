package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/mogu"
	"github.com/bookingkit/bookingkit/storage/sqlite"
)

var moguCLIKey = mogu.Key{ID: 3, Secret: bytes.Repeat([]byte{0x42}, mogu.MinKeyLen)}

// moguCLIDB makes a SQLite database with MOGU active on microsite "main"
// and booking ITT-10593 registered, as the server would have left it, and
// returns its path and the claim URL its voucher carries with base.
func moguCLIDB(t *testing.T, base string) (path, claimURL string) {
	t.Helper()
	ctx := context.Background()
	path = filepath.Join(t.TempDir(), "bookingkit.db")
	db, err := sqlite.Open(ctx, path)
	require.NoError(t, err)
	defer db.Close()
	keys, err := mogu.NewKeyring(moguCLIKey)
	require.NoError(t, err)
	svc, err := mogu.NewService(db.Stores().Mogu, keys, moguNoLimit{}, mogu.Config{
		ClaimURLBase: base, ServicesURLTemplate: "https://engine.example/booking/{booking}/services", BackOfficeURL: "https://mogu.example/bo",
	})
	require.NoError(t, err)
	_, err = svc.SetActive(ctx, "main", true, "am@engine.example", "")
	require.NoError(t, err)
	start := time.Date(2036, 12, 1, 8, 0, 0, 0, time.UTC)
	_, err = svc.RegisterBooking(ctx, mogu.Trip{
		Booking:   mogu.Booking{ID: "ITT-10593", Channel: mogu.B2C, ContactEmail: "ana@example.com", MicrositeID: "main"},
		Travelers: 2, Start: start, End: start.Add(7 * 24 * time.Hour),
	})
	require.NoError(t, err)
	v, err := svc.Voucher(ctx, mogu.Booking{ID: "ITT-10593"})
	require.NoError(t, err)
	require.Equal(t, mogu.VoucherMOGU, v.Kind)
	return path, v.URL
}

func TestMoguQRWritesTheServersCode(t *testing.T) {
	db, claimURL := moguCLIDB(t, "http://127.0.0.1:8080/api/mogu/c/")
	env := map[string]string{"BOOKINGKIT_MOGU_KEYS": mogu.FormatKey(moguCLIKey)}
	dir := t.TempDir()
	for _, tt := range []struct {
		file   string
		format mogu.Format
		size   int
		args   []string
	}{
		{"voucher.png", mogu.PNG, mogu.DefaultPixelsPerModule, nil},
		{"voucher.SVG", mogu.SVG, mogu.DefaultPixelsPerModule, nil},
		{"small.png", mogu.PNG, 3, []string{"-size", "3"}},
	} {
		out := filepath.Join(dir, tt.file)
		// The booking comes first, as in "bookingkit mogu qr BOOKING -o file.png".
		args := append([]string{"mogu", "qr", "ITT-10593", "-o", out, "-db", db}, tt.args...)
		stdout, stderr, err := runTool(t, env, args...)
		require.NoError(t, err, stderr)
		require.Contains(t, stdout, "MOGU's claim QR code of booking ITT-10593")
		require.Contains(t, stdout, claimURL)
		got, err := os.ReadFile(out)
		require.NoError(t, err)
		want, err := mogu.EncodeQR(claimURL, tt.format, tt.size)
		require.NoError(t, err)
		require.True(t, bytes.Equal(want, got), "%s: the file is the QR code of the voucher's claim URL", tt.file)
	}

	// Flags first works too.
	out := filepath.Join(dir, "flags-first.png")
	_, stderr, err := runTool(t, env, "mogu", "qr", "-db", db, "-o", out, "ITT-10593")
	require.NoError(t, err, stderr)
}

func TestMoguQRFallsBackToTheEnginesCode(t *testing.T) {
	db, _ := moguCLIDB(t, "http://127.0.0.1:8080/api/mogu/c/")
	out := filepath.Join(t.TempDir(), "groups.png")
	env := map[string]string{"BOOKINGKIT_MOGU_KEYS": mogu.FormatKey(moguCLIKey)}
	stdout, stderr, err := runTool(t, env, "mogu", "qr", "ITT-20001", "-microsite", "groups", "-o", out, "-db", db)
	require.NoError(t, err, stderr)
	require.Contains(t, stdout, `the engine's "add services" QR code (http://127.0.0.1:8080/booking/ITT-20001/services)`)
	require.Contains(t, stdout, "MOGU has never been activated for microsite groups")
	got, err := os.ReadFile(out)
	require.NoError(t, err)
	want, err := mogu.EncodeQR("http://127.0.0.1:8080/booking/ITT-20001/services", mogu.PNG, mogu.DefaultPixelsPerModule)
	require.NoError(t, err)
	require.Equal(t, want, got)
}

// Without BOOKINGKIT_MOGU_KEYS the tool reads the keys from the config
// file or from the database, where the server keeps a key it generated.
func TestMoguQRKeySources(t *testing.T) {
	ctx := context.Background()
	db, claimURL := moguCLIDB(t, "https://trips.example/c/")
	dir := t.TempDir()
	cfg := filepath.Join(dir, "bookingkit.json")
	require.NoError(t, os.WriteFile(cfg, []byte(`{"mogu": {"claim_url_base": "https://trips.example/c/", "keys": ["`+mogu.FormatKey(moguCLIKey)+`"]}, "staffid": {"other": "module"}}`), 0o600))
	stdout, stderr, err := runTool(t, nil, "mogu", "qr", "ITT-10593", "-o", filepath.Join(dir, "a.png"), "-db", db, "-config", cfg)
	require.NoError(t, err, stderr)
	require.Contains(t, stdout, claimURL, "keys and claim URL from the config file")
	require.True(t, strings.HasPrefix(claimURL, "HTTPS://TRIPS.EXAMPLE/C/"))

	_, _, err = runTool(t, nil, "mogu", "qr", "ITT-10593", "-o", filepath.Join(dir, "b.png"), "-db", db)
	require.ErrorContains(t, err, "no claim keys")

	sdb, err := sqlite.Open(ctx, db)
	require.NoError(t, err)
	require.NoError(t, sdb.Stores().Settings.PutSetting(ctx, "mogu.claim_keys", mogu.FormatKey(moguCLIKey)))
	require.NoError(t, sdb.Close())
	stdout, stderr, err = runTool(t, map[string]string{"BOOKINGKIT_CONFIG": cfg}, "mogu", "qr", "ITT-10593", "-o", filepath.Join(dir, "c.png"), "-db", db)
	require.NoError(t, err, stderr)
	require.Contains(t, stdout, claimURL)
	stdout, stderr, err = runTool(t, nil, "mogu", "qr", "ITT-10593", "-o", filepath.Join(dir, "d.png"), "-db", db)
	require.NoError(t, err, stderr)
	require.Contains(t, stdout, "HTTP://127.0.0.1:8080/API/MOGU/C/", "keys from the database, the server's default URL")

	_, _, err = runTool(t, map[string]string{"BOOKINGKIT_MOGU_KEYS": "1:short"}, "mogu", "qr", "ITT-10593", "-o", filepath.Join(dir, "e.png"), "-db", db)
	require.ErrorContains(t, err, "claim keys from BOOKINGKIT_MOGU_KEYS")
}

func TestMoguQRBadUsage(t *testing.T) {
	db, _ := moguCLIDB(t, "http://127.0.0.1:8080/api/mogu/c/")
	env := map[string]string{"BOOKINGKIT_MOGU_KEYS": mogu.FormatKey(moguCLIKey)}
	dir := t.TempDir()
	for _, tt := range []struct {
		args    []string
		wantErr string
	}{
		{[]string{"mogu", "qr", "-db", db, "-o", filepath.Join(dir, "x.png")}, "booking ID is required"},
		{[]string{"mogu", "qr", "ITT-10593", "-db", db}, "-o FILE.png"},
		{[]string{"mogu", "qr", "ITT-10593", "-db", db, "-o", filepath.Join(dir, "x.gif")}, "must end in .png or .svg"},
		{[]string{"mogu", "qr", "ITT-10593", "extra", "-db", db, "-o", filepath.Join(dir, "x.png")}, `unexpected argument "extra"`},
		{[]string{"mogu", "qr", "ITT-10593", "-db", db, "-o", filepath.Join(dir, "x.png"), "-size", "0"}, "pixels_per_module"},
		{[]string{"mogu", "qr", "ITT-10593", "-db", db, "-o", filepath.Join(dir, "x.png"), "-config", filepath.Join(dir, "missing.json")}, "config file"},
		{[]string{"mogu", "frobnicate"}, `unknown command "frobnicate"`},
	} {
		_, _, err := runTool(t, env, tt.args...)
		require.ErrorContains(t, err, tt.wantErr, "%v", tt.args)
	}
	_, err := os.Stat(filepath.Join(dir, "x.png"))
	require.True(t, os.IsNotExist(err), "nothing is written on a refusal")

	out, _, err := runTool(t, nil, "help")
	require.NoError(t, err)
	require.Contains(t, out, "mogu")
	_, errOut, err := runTool(t, nil, "mogu", "qr", "-h")
	require.NoError(t, err)
	require.Contains(t, errOut, "-o file")
}

// The tool prints the URLs the server prints: with BOOKINGKIT_PUBLIC_URL,
// the claim URL starts at the public address, as the server's does, so a
// voucher printed by the tool is claimed on any server behind it.
func TestMoguQRStartsAtThePublicAddress(t *testing.T) {
	db, claimURL := moguCLIDB(t, "https://trips.example.com/api/mogu/c/")
	env := map[string]string{"BOOKINGKIT_MOGU_KEYS": mogu.FormatKey(moguCLIKey), "BOOKINGKIT_PUBLIC_URL": "https://trips.example.com/"}
	stdout, stderr, err := runTool(t, env, "mogu", "qr", "ITT-10593", "-o", filepath.Join(t.TempDir(), "v.png"), "-db", db)
	require.NoError(t, err, stderr)
	require.Contains(t, stdout, claimURL)
	require.True(t, strings.HasPrefix(claimURL, "HTTPS://TRIPS.EXAMPLE.COM/API/MOGU/C/"), claimURL)
}
