package main

import (
	"bytes"
	"fmt"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	qrcode "github.com/skip2/go-qrcode"
	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/mogu"
)

// Two keys in their written form, the current one (2) first.
var (
	newKey = mogu.Key{ID: 2, Secret: bytes.Repeat([]byte{2}, mogu.MinKeyLen)}
	oldKey = mogu.Key{ID: 1, Secret: bytes.Repeat([]byte{1}, mogu.MinKeyLen)}
	keys   = mogu.FormatKey(newKey) + "," + mogu.FormatKey(oldKey)
)

func TestRun(t *testing.T) {
	pngPath := filepath.Join(t.TempDir(), "voucher.png")
	var out bytes.Buffer
	require.NoError(t, run([]string{"-keys", keys, "-booking", "ITT-10593", "-generation", "3", "-expires", "2099-12-31", "-o", pngPath, "-ppm", "4"}, &out))
	text := out.String()
	require.NotContains(t, text, "new signing key", "the keys were given")

	// The printed URL is the upper-case base and a token the same keys
	// verify: the claim is the booking's, signed with the current key.
	claimURL := lineAfter(t, text, "claim URL: ")
	require.Empty(t, strings.Trim(claimURL, qrAlphanumeric), "every character in QR's alphanumeric alphabet")
	token, ok := strings.CutPrefix(claimURL, "HTTPS://MOGU.EXAMPLE/C/")
	require.True(t, ok, claimURL)
	keyring, err := mogu.ParseKeyring(keys)
	require.NoError(t, err)
	claim, err := keyring.Verify(token, time.Now())
	require.NoError(t, err)
	require.Equal(t, "ITT-10593", claim.BookingID)
	require.Equal(t, uint32(3), claim.Generation)
	require.Equal(t, newKey.ID, claim.KeyID)
	require.Equal(t, time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC), claim.Expires, "claimable through the last day")
	oldOnly, err := mogu.NewKeyring(oldKey)
	require.NoError(t, err)
	_, err = oldOnly.Verify(token, time.Now())
	require.ErrorIs(t, err, bookingkit.ErrUnauthorized, "a keyring without the signing key")

	want, err := qrcode.New(claimURL, mogu.QRRecovery)
	require.NoError(t, err)
	bitmap := want.Bitmap()

	// The terminal drawing is the code of the URL, light modules painted.
	drawn := readTerminalQR(text)
	require.Len(t, drawn, len(bitmap)+len(bitmap)%2)
	require.Equal(t, bitmap, drawn[:len(bitmap)])

	// The PNG is the same code: the size asked for, each module's centre
	// dark exactly where the code has a dark module.
	f, err := os.Open(pngPath)
	require.NoError(t, err)
	defer f.Close()
	img, err := png.Decode(f)
	require.NoError(t, err)
	require.Equal(t, len(bitmap)*4, img.Bounds().Dx())
	require.Equal(t, len(bitmap)*4, img.Bounds().Dy())
	for y, row := range bitmap {
		for x, dark := range row {
			r, _, _, _ := img.At(x*4+2, y*4+2).RGBA()
			require.Equal(t, dark, r < 0x8000, "module %d,%d", x, y)
		}
	}
	n := len(bitmap)
	require.Contains(t, text, fmt.Sprintf("wrote %s: %d×%d modules, %d×%d pixels\n", pngPath, n, n, n*4, n*4))
}

// Without -keys the program makes a key and prints it in the written
// form, which verifies the token it signed.
func TestRunNewKey(t *testing.T) {
	svgPath := filepath.Join(t.TempDir(), "voucher.svg")
	var out bytes.Buffer
	require.NoError(t, run([]string{"-booking", "ABC123", "-o", svgPath}, &out))
	keyring, err := mogu.ParseKeyring(lineAfter(t, out.String(), "new signing key (pass it as -keys to verify or reissue): "))
	require.NoError(t, err)
	token := strings.TrimPrefix(lineAfter(t, out.String(), "claim URL: "), "HTTPS://MOGU.EXAMPLE/C/")
	claim, err := keyring.Verify(token, time.Now())
	require.NoError(t, err)
	require.Equal(t, "ABC123", claim.BookingID)
	require.True(t, claim.Expires.After(time.Now().AddDate(0, 0, 29)), "claimable for 30 days by default, until %s", claim.Expires)

	svg, err := os.ReadFile(svgPath)
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(svg, []byte("<?xml")), "an SVG document")
	require.Contains(t, string(svg), `shape-rendering="crispEdges"`)
}

func TestRunRefuses(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-keys", "1:c2hvcnQ"}, "-keys: keys.current.secret: at least 32 bytes"},
		{[]string{"-base", "https://mogu.example/c?x="}, `must end with "/"`},
		{[]string{"-base", "https://mogu.example/c_1/"}, `'_' is outside QR's alphanumeric alphabet`},
		{[]string{"-expires", "31.12.2099"}, `-expires "31.12.2099": want a date as YYYY-MM-DD`},
		{[]string{"-booking", ""}, "booking_id"},
		{[]string{"-generation", "0"}, "-generation 0: from 1 to 4294967295"},
		{[]string{"-o", filepath.Join(dir, "voucher.gif")}, "the name must end in .png or .svg"},
		{[]string{"voucher.png"}, "unexpected arguments"},
		{[]string{"-ppm", "0"}, "-ppm 0: from 1 to 40"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			err := run(tc.args, io.Discard)
			require.Error(t, err)
			require.Contains(t, err.Error(), tc.want)
		})
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Empty(t, entries, "no file written for a refused run")
}

// readTerminalQR reads back the half-block drawing: each line is two rows
// of modules, a painted half being a light module.
func readTerminalQR(text string) [][]bool {
	var rows [][]bool
	for _, line := range strings.Split(text, "\n") {
		if line == "" || strings.Trim(line, "█▀▄ ") != "" {
			continue
		}
		var upper, lower []bool
		for _, r := range line {
			upper = append(upper, r == '▄' || r == ' ')
			lower = append(lower, r == '▀' || r == ' ')
		}
		rows = append(rows, upper, lower)
	}
	return rows
}

func lineAfter(t *testing.T, text, prefix string) string {
	t.Helper()
	for _, line := range strings.Split(text, "\n") {
		if rest, ok := strings.CutPrefix(line, prefix); ok {
			return rest
		}
	}
	t.Fatalf("no line starting %q in:\n%s", prefix, text)
	return ""
}

// qrAlphanumeric is QR's alphanumeric alphabet: text made of it alone
// takes 5.5 bits a character instead of 8.
const qrAlphanumeric = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
