// Command bookingkitd is bookingkit's reference HTTP server: every module's
// JSON API and the few pages a person works in, over one storage backend.
//
// Usage:
//
//	bookingkitd [-addr 127.0.0.1:8080] [-db bookingkit.db | -db postgres://…] [-config bookingkit.json]
//
// With no flags it serves on 127.0.0.1:8080 from the SQLite file
// bookingkit.db in the working directory, creating it when missing. Every
// flag has an environment variable (BOOKINGKIT_ADDR, BOOKINGKIT_DB,
// BOOKINGKIT_CONFIG, …); a flag wins over its variable. SIGINT or SIGTERM
// stops it gracefully: it takes no new connection, and requests in flight
// finish first; those still running after -shutdown-timeout are cancelled
// (their transactions roll back) and it exits 1. A second signal stops it
// at once.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	// The server carries the IANA time zone database (about 450 KB), so that
	// checking a partner instance's time_zone (partner.CheckTimeZone, through
	// time.LoadLocation) answers the same on every machine: in a container
	// without /usr/share/zoneinfo (distroless, scratch) or on Windows without
	// Go installed, every zone but UTC would otherwise be refused. The
	// system's zoneinfo, when there is one, is still read first. The partner
	// package leaves this choice to the program that embeds it.
	_ "time/tzdata"

	"github.com/bookingkit/bookingkit/cmd/internal/backend"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// Once the first signal has started the shutdown, SIGINT and SIGTERM
	// get their default action back: an operator who will not wait for
	// the requests in flight stops the process at once with a second one
	// (otherwise NotifyContext would swallow every later signal).
	go func() {
		<-ctx.Done()
		stop()
	}()
	if err := run(ctx, os.Args, os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "bookingkitd:", err)
		os.Exit(1)
	}
}

// run is the whole program: main only supplies the process's context,
// arguments, environment and output streams, so tests run it in-process.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseConfig(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	logger := newLogger(cfg.LogFormat, stderr)

	// Take the address first: a server that cannot listen must fail before
	// it touches the database (or generates and prints tokens nobody will
	// use). Connections that arrive while the queues are rebuilt wait in
	// the listener's backlog.
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	defer ln.Close()
	// The links and claim URLs the server makes point at the address it
	// really took ("-addr :0" picks a free port).
	cfg.Addr = ln.Addr().String()

	// OpenServer: a SQLite file serves one server at a time (its standby
	// queues live in this process's memory); a second one stops here.
	stores, err := backend.OpenServer(ctx, cfg.DB)
	if err != nil {
		return fmt.Errorf("open storage %s: %w", backend.Describe(cfg.DB), err)
	}
	defer stores.Close()
	logger.Info("storage ready", "backend", stores.Backend, "db", backend.Describe(cfg.DB))

	svc, err := newServices(ctx, logger, cfg, stores, stdout)
	if err != nil {
		return err
	}
	// The outbox's worker sends the mails the requests store. Deferred
	// after the stores' Close, it stops before they close and after the
	// requests in flight have finished.
	stopOutbox := svc.outbox.Start(cancelGrace)
	defer stopOutbox()

	// Requests run under requestsCtx, not under the server's own
	// background context, so that the handlers still running when the
	// shutdown timeout expires (a 100 000-person import, say) can be
	// cancelled: their transactions roll back and they answer, instead of
	// going on while the stores close under them.
	requestsCtx, cancelRequests := context.WithCancel(context.Background())
	defer cancelRequests()
	srv := &http.Server{
		Handler:           NewServer(logger, cfg, svc),
		BaseContext:       func(net.Listener) context.Context { return requestsCtx },
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       cfg.ReadTimeout,
		WriteTimeout:      cfg.WriteTimeout,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	if cfg.AdminAddr != "" { // the operators' figures and profiler, off by default
		aln, err := net.Listen("tcp", cfg.AdminAddr)
		if err != nil {
			return fmt.Errorf("listen on the admin address: %w", err)
		}
		admin := &http.Server{Handler: svc.metrics.AdminHandler(), ReadHeaderTimeout: 10 * time.Second}
		go admin.Serve(aln) //nolint:errcheck // ErrServerClosed once closed
		defer admin.Close()
		logger.Info("admin address: /metrics and /debug/pprof/", "addr", aln.Addr().String())
	}
	fmt.Fprintf(stdout, "bookingkitd listening on http://%s (storage: %s)\n", ln.Addr(), stores.Backend)

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down: waiting for requests in flight", "timeout", cfg.ShutdownTimeout)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		// Shutdown returning does not stop the handlers still running.
		// Cancel them and give them cancelGrace to answer (a second
		// Shutdown waits for exactly that: every connection idle), then
		// cut the connections: run returns (and the deferred stores.Close
		// runs) after the handlers, not under them, unless one ignores
		// its cancellation for cancelGrace.
		logger.Warn("shutdown timeout expired: cancelling the requests in flight", "grace", cancelGrace)
		cancelRequests()
		graceCtx, cancelGraceCtx := context.WithTimeout(context.Background(), cancelGrace)
		defer cancelGraceCtx()
		if srv.Shutdown(graceCtx) != nil {
			srv.Close()
		}
		return fmt.Errorf("shutdown: requests still in flight after %s were cancelled: %w", cfg.ShutdownTimeout, err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	logger.Info("stopped")
	return nil
}

// cancelGrace is how long the requests cancelled at the shutdown timeout
// have to roll back and answer before their connections are closed.
const cancelGrace = 5 * time.Second

func newLogger(format string, w io.Writer) *slog.Logger {
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}
