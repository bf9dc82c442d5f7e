// Command voucherqr prints the MOGU QR code of a booking's voucher, the
// way a booking engine that renders its own vouchers would make it with
// package mogu alone (no store, no server):
//
//  1. read the claim-signing keys in their written form, "2:<base64>,1:…"
//     with the current key first (mogu.ParseKeyring), or make a new key
//     and write it so (mogu.FormatKey);
//  2. sign a claim token for the booking (mogu.Keyring.Sign);
//  3. build the claim URL: the base in upper case, then the token, so
//     every character is in QR's alphanumeric alphabet and the code stays
//     small enough to scan when printed;
//  4. draw the code in the terminal and, with -o, write it as PNG or SVG
//     (mogu.EncodeQR: recovery level Q, 4-module quiet zone).
//
// Run it with:
//
//	go run ./examples/voucherqr
//	go run ./examples/voucherqr -booking ITT-10593 -o voucher.png
//	go run ./examples/voucherqr -keys "$BOOKINGKIT_MOGU_KEYS" -o voucher.svg
package main

import (
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/bookingkit/bookingkit/mogu"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "voucherqr:", err)
		os.Exit(2)
	}
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("voucherqr", flag.ContinueOnError)
	fs.SetOutput(out)
	keys := fs.String("keys", "", `claim-signing keys, "ID:base64" comma-separated, current first (default: a new key)`)
	booking := fs.String("booking", "ITT-10593", "the booking's ID")
	generation := fs.Uint("generation", 1, "the booking's token generation (1, plus one per reissued voucher)")
	expires := fs.String("expires", time.Now().UTC().AddDate(0, 0, 30).Format(time.DateOnly), "the last day the voucher may be claimed (YYYY-MM-DD, UTC)")
	base := fs.String("base", "https://mogu.example/c/", "the start of every claim URL; the token is appended")
	output := fs.String("o", "", "also write the QR code to this .png or .svg file")
	ppm := fs.Int("ppm", mogu.DefaultPixelsPerModule, "pixels (PNG) or units (SVG) per module")
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return nil // the usage is printed
	} else if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q: every setting is a flag (-h lists them)", fs.Args())
	}
	format := mogu.Format(strings.TrimPrefix(strings.ToLower(filepath.Ext(*output)), "."))
	if *output != "" && format != mogu.PNG && format != mogu.SVG {
		return fmt.Errorf("-o %s: the name must end in .png or .svg", *output)
	}
	if *ppm < 1 || *ppm > mogu.MaxPixelsPerModule {
		return fmt.Errorf("-ppm %d: from 1 to %d", *ppm, mogu.MaxPixelsPerModule)
	}
	if *generation < 1 || *generation > math.MaxUint32 {
		return fmt.Errorf("-generation %d: from 1 to %d", *generation, uint64(math.MaxUint32))
	}
	lastDay, err := time.Parse(time.DateOnly, *expires)
	if err != nil {
		return fmt.Errorf("-expires %q: want a date as YYYY-MM-DD", *expires)
	}
	if _, err := mogu.ClaimURL(*base, ""); err != nil {
		return fmt.Errorf("-base: %w", err)
	}

	if *keys == "" {
		secret := make([]byte, mogu.MinKeyLen)
		if _, err := rand.Read(secret); err != nil {
			return err
		}
		*keys = mogu.FormatKey(mogu.Key{ID: 1, Secret: secret})
		fmt.Fprintf(out, "new signing key (pass it as -keys to verify or reissue): %s\n", *keys)
	}
	keyring, err := mogu.ParseKeyring(*keys)
	if err != nil {
		return fmt.Errorf("-keys: %w", err)
	}
	claim := mogu.Claim{BookingID: *booking, Generation: uint32(*generation), Expires: lastDay.AddDate(0, 0, 1)}
	token, err := keyring.Sign(claim)
	if err != nil {
		return err
	}
	claimURL, err := mogu.ClaimURL(*base, token)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "booking %s, generation %d, signed with key %d, claimable until %s\n",
		claim.BookingID, claim.Generation, keyring.CurrentKeyID(), claim.Expires.Format(time.RFC3339))
	fmt.Fprintf(out, "claim URL: %s\n", claimURL)

	code, err := qrcode.New(claimURL, mogu.QRRecovery)
	if err != nil {
		return err
	}
	bitmap := code.Bitmap()
	fmt.Fprint(out, terminalQR(bitmap))

	if *output != "" {
		img, err := mogu.EncodeQR(claimURL, format, *ppm)
		if err != nil {
			return fmt.Errorf("-o %s: %w", *output, err)
		}
		if err := os.WriteFile(*output, img, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(out, "wrote %s: %d×%d modules, %d×%d %s\n", *output, len(bitmap), len(bitmap), len(bitmap)**ppm, len(bitmap)**ppm, unit(format))
	}
	return nil
}

// terminalQR draws a QR bitmap (quiet zone included) with half blocks, two
// module rows a line. It paints the light modules, for the usual terminal
// with light text on a dark background, so the code reads dark on light.
func terminalQR(bitmap [][]bool) string {
	var b strings.Builder
	for y := 0; y < len(bitmap); y += 2 {
		for x := range bitmap[y] {
			upperLight := !bitmap[y][x]
			lowerLight := y+1 >= len(bitmap) || !bitmap[y+1][x]
			switch {
			case upperLight && lowerLight:
				b.WriteString("█")
			case upperLight:
				b.WriteString("▀")
			case lowerLight:
				b.WriteString("▄")
			default:
				b.WriteString(" ")
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func unit(f mogu.Format) string {
	if f == mogu.SVG {
		return "units"
	}
	return "pixels"
}
