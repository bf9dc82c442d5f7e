// Command bookingkit-load is a load test against a running bookingkitd: a
// real HTTP client, on loopback or across a network.
//
// Usage:
//
//	bookingkit-load -url http://127.0.0.1:8080 -mail-dir ./mail \
//	    -partner-email root@vendor.example [-clients 50] [-duration 30s]
//
// It first seeds the server through its API: it imports an employee list,
// registers staff employees (following the links the server mails into
// -mail-dir), puts standby bookings on a flight, registers MOGU bookings
// and a few traveller accounts that claim vouchers, and has a partner
// administrator set up a reseller whose terminals record activity. Then
// -clients clients loop over five read paths (health, staff passengers,
// a standby booking's queue places, MOGU trips, partner activity search)
// for -duration or -max-requests requests, whichever comes first, while
// one more client uploads the employee list again and again. It prints the
// latencies and throughput per path and the imports' durations, and exits
// 1 when any request failed (a transport error or a status other than
// 2xx).
//
// The server must run with the tokens given here (BOOKINGKIT_ENGINE_TOKEN,
// BOOKINGKIT_IMPORT_TOKEN), without an SMTP server, with its mail folder
// (BOOKINGKIT_MAIL_DIR, where every module's mail goes unless the config
// file's mogu section names its own) readable here. The partner
// administrator is one made with `bookingkit partner admin add` whose
// password is set. Runs may repeat against one database; each run adds
// its own bookings, travellers and partner. docs/performance.md shows a
// whole run, step by step.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args, os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "bookingkit-load:", err)
		os.Exit(1)
	}
}

// options is the run's configuration, from flags and the environment.
type options struct {
	url             string
	clients         int
	duration        time.Duration
	maxRequests     int64
	engineToken     string
	importToken     string
	mailDir         string
	partnerEmail    string
	partnerPassword string
	listSize        int
	staff           int
	travellers      int
}

// minListSize keeps the two alternating lists' difference (listDiff people)
// well under the server's mass-block guard (30% of the active people by
// default).
const minListSize = 100

func parseOptions(args []string, getenv func(string) string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.url, "url", "http://127.0.0.1:8080", "the server's base `URL`")
	fs.IntVar(&o.clients, "clients", 50, "concurrent clients on the read paths")
	fs.DurationVar(&o.duration, "duration", 30*time.Second, "how long the clients read")
	fs.Int64Var(&o.maxRequests, "max-requests", 5_000_000, "stop the clients after this many requests in all, even before -duration")
	fs.StringVar(&o.engineToken, "engine-token", getenv("BOOKINGKIT_ENGINE_TOKEN"), "the server's engine `token` (env BOOKINGKIT_ENGINE_TOKEN)")
	fs.StringVar(&o.importToken, "import-token", getenv("BOOKINGKIT_IMPORT_TOKEN"), "the server's import `token` (env BOOKINGKIT_IMPORT_TOKEN)")
	mailDir := getenv("BOOKINGKIT_MAIL_DIR")
	if mailDir == "" {
		mailDir = "mail"
	}
	fs.StringVar(&o.mailDir, "mail-dir", mailDir, "the `folder` the server writes its mail to (env BOOKINGKIT_MAIL_DIR)")
	fs.StringVar(&o.partnerEmail, "partner-email", getenv("BOOKINGKIT_LOAD_PARTNER_EMAIL"), "a partner administrator's `email` (env BOOKINGKIT_LOAD_PARTNER_EMAIL)")
	fs.StringVar(&o.partnerPassword, "partner-password", getenv("BOOKINGKIT_LOAD_PARTNER_PASSWORD"), "that administrator's `password` (env BOOKINGKIT_LOAD_PARTNER_PASSWORD)")
	// A whole airline's list, the size the import is built and benchmarked
	// for: its imports then last seconds, long enough to overlap the reads
	// the way a real airline's nightly upload overlaps its staff's use.
	fs.IntVar(&o.listSize, "list-size", 100_000, "people in the imported employee list")
	fs.IntVar(&o.staff, "staff", 3, "staff employees to register and read the passengers of")
	fs.IntVar(&o.travellers, "travellers", 3, "MOGU traveller accounts to read the trips of")
	if err := fs.Parse(args[1:]); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q (see -h)", fs.Arg(0))
	}
	u, err := url.Parse(o.url)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return o, fmt.Errorf("-url %q: want the server's base URL, such as http://127.0.0.1:8080", o.url)
	}
	o.url = strings.TrimSuffix(o.url, "/")
	switch {
	case o.clients < 1:
		return o, fmt.Errorf("-clients %d: want at least 1", o.clients)
	case o.duration <= 0:
		return o, fmt.Errorf("-duration %s: want a positive duration such as 30s", o.duration)
	case o.maxRequests < 1:
		return o, fmt.Errorf("-max-requests %d: want at least 1", o.maxRequests)
	case o.listSize < minListSize:
		return o, fmt.Errorf("-list-size %d: want at least %d, so that the two alternating lists (%d people apart) stay under the server's mass-block guard", o.listSize, minListSize, listDiff)
	case o.staff < 1:
		return o, fmt.Errorf("-staff %d: want at least 1", o.staff)
	case o.travellers < 1:
		return o, fmt.Errorf("-travellers %d: want at least 1", o.travellers)
	case o.engineToken == "":
		return o, errors.New("the server's engine token is required: -engine-token or BOOKINGKIT_ENGINE_TOKEN")
	case o.importToken == "":
		return o, errors.New("the server's import token is required: -import-token or BOOKINGKIT_IMPORT_TOKEN")
	case o.partnerEmail == "" || o.partnerPassword == "":
		return o, errors.New("a partner administrator is required: -partner-email and -partner-password (or BOOKINGKIT_LOAD_PARTNER_EMAIL and _PASSWORD); make one with `bookingkit partner admin add`")
	}
	return o, nil
}

// run is the whole program: main only supplies the process's context,
// arguments, environment and output streams, so tests run it in-process.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	o, err := parseOptions(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	c := newAPI(o.url, o.clients)
	if err := c.call(ctx, "GET", "/healthz", nil, nil, 200, nil); err != nil {
		return fmt.Errorf("the server does not answer: %w", err)
	}

	fmt.Fprintf(stdout, "seeding %s\n", o.url)
	seedStart := time.Now()
	s, err := seed(ctx, c, o, stdout)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	fmt.Fprintf(stdout, "seeded in %s\n\n", time.Since(seedStart).Round(time.Millisecond))

	fmt.Fprintf(stdout, "load: %d clients for %s (at most %d requests), the employee list (%d people) imported again and again meanwhile\n",
		o.clients, o.duration, o.maxRequests, o.listSize)
	res := load(ctx, c, o, s)
	res.print(stdout)
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("interrupted: %w", err)
	}
	if failed := res.failed(); failed > 0 {
		return fmt.Errorf("%d of %d requests failed (see above)", failed, res.total())
	}
	return nil
}
