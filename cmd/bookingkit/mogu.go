package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/bookingkit/bookingkit/cmd/internal/config"
	"github.com/bookingkit/bookingkit/mogu"
	"github.com/bookingkit/bookingkit/storage"
)

// moguCommand is "bookingkit mogu": MOGU's offline jobs.
func moguCommand() command {
	return command{"mogu", "MOGU: write a booking's voucher QR code", func(ctx context.Context, e *env, args []string) error {
		return dispatch(ctx, e, "bookingkit mogu", []command{
			{"qr", "write the QR code of a booking's voucher to a PNG or SVG file", runMoguQR},
		}, args)
	}}
}

// runMoguQR writes what the booking's voucher prints, as the server's
// .../qr route does: MOGU's claim URL when the booking is registered and
// its microsite has MOGU, otherwise the engine's "add services" page.
func runMoguQR(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "bookingkit mogu qr", "BOOKING -o FILE.png|FILE.svg",
		"Writes the QR code of the booking's voucher, as the server prints it: MOGU's claim URL\n"+
			"when the booking is registered and MOGU is active for its microsite, otherwise the\n"+
			"engine's \"add services\" page (the reason is printed). The format follows the file's\n"+
			"extension. The claim keys come from BOOKINGKIT_MOGU_KEYS, else the config file's\n"+
			"mogu.keys, else the key the server generated in the database; the URLs from the\n"+
			"config file's mogu section, else the server's defaults: BOOKINGKIT_PUBLIC_URL, else -addr.")
	db := dbFlag(e, fs)
	out := fs.String("o", "", "output `file`, ending in .png or .svg (required)")
	size := fs.Int("size", mogu.DefaultPixelsPerModule, "`pixels` (PNG) or units (SVG) per module")
	microsite := fs.String("microsite", "", "for a booking not registered in MOGU: its microsite `ID`, to say why")
	configFile := fs.String("config", e.getenv("BOOKINGKIT_CONFIG"), "the server's JSON config `file` (env BOOKINGKIT_CONFIG)")
	addr := fs.String("addr", moguEnvOr(e, "BOOKINGKIT_ADDR", "127.0.0.1:8080"), "the server's `address`, for the default URLs (env BOOKINGKIT_ADDR)")
	// The booking may come before or after the flags.
	if ok, err := parse(fs, args); !ok {
		return err
	}
	var booking string
	if fs.NArg() > 0 {
		booking = fs.Arg(0)
		if ok, err := parse(fs, fs.Args()[1:]); !ok {
			return err
		}
	}
	switch {
	case booking == "":
		fs.Usage()
		return errors.New("mogu qr: the booking ID is required")
	case fs.NArg() > 0:
		return fmt.Errorf("mogu qr: unexpected argument %q (one booking at a time)", fs.Arg(0))
	case *out == "":
		return errors.New("mogu qr: -o FILE.png or -o FILE.svg is required")
	}
	var format mogu.Format
	switch strings.ToLower(filepath.Ext(*out)) {
	case ".png":
		format = mogu.PNG
	case ".svg":
		format = mogu.SVG
	default:
		return fmt.Errorf("mogu qr: -o %s: the file must end in .png or .svg", *out)
	}
	var section config.Mogu
	if err := config.LoadSection(*configFile, "mogu", &section); err != nil {
		return err
	}

	s, err := openDB(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	// As the server: vouchers start at its public address.
	origin, err := config.PublicURL(strings.TrimSpace(e.getenv("BOOKINGKIT_PUBLIC_URL")), *addr)
	if err != nil {
		return err
	}
	svc, err := moguService(ctx, e, s, section, origin)
	if err != nil {
		return err
	}
	img, v, err := svc.VoucherQR(ctx, mogu.Booking{ID: booking, MicrositeID: *microsite}, format, *size)
	if err != nil {
		return fmt.Errorf("mogu qr: %w", err)
	}
	if err := os.WriteFile(*out, img, 0o644); err != nil {
		return fmt.Errorf("mogu qr: %w", err)
	}
	if v.Kind == mogu.VoucherMOGU {
		fmt.Fprintf(e.stdout, "wrote %s: MOGU's claim QR code of booking %s (%s), valid until %s\n", *out, booking, v.URL, v.Expires.Format(time.RFC3339))
	} else {
		fmt.Fprintf(e.stdout, "wrote %s: the engine's \"add services\" QR code (%s), not MOGU's: %s\n", *out, v.URL, v.Reason)
	}
	return nil
}

func moguEnvOr(e *env, name, def string) string {
	if v := e.getenv(name); v != "" {
		return v
	}
	return def
}

// moguService builds the service as the server does, without generating
// keys: the tool only prints what the server would.
func moguService(ctx context.Context, e *env, s storage.Stores, c config.Mogu, origin string) (*mogu.Service, error) {
	keys, _, err := c.Keyring(ctx, e.getenv("BOOKINGKIT_MOGU_KEYS"), s.Settings, false)
	if errors.Is(err, config.ErrNoMoguKeys) {
		return nil, errors.New("mogu qr: no claim keys: set BOOKINGKIT_MOGU_KEYS as for the server, or start the server once on this database to generate them")
	}
	if err != nil {
		return nil, fmt.Errorf("mogu qr: %w", err)
	}
	sc, err := c.Service(origin)
	if err != nil {
		return nil, err
	}
	// The tool signs one voucher at a time, by hand: it needs no rate limit.
	svc, err := mogu.NewService(s.Mogu, keys, moguNoLimit{}, sc)
	if err != nil {
		return nil, fmt.Errorf("config mogu: %w", err)
	}
	return svc, nil
}

// moguNoLimit lets every attempt through; the tool never claims.
type moguNoLimit struct{}

func (moguNoLimit) Allow(context.Context, string) error { return nil }
