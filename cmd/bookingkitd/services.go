package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/locale"
	"github.com/bookingkit/bookingkit/metrics"
	"github.com/bookingkit/bookingkit/outbox"
	"github.com/bookingkit/bookingkit/standby"
	"github.com/bookingkit/bookingkit/standby/standbyhttp"
	"github.com/bookingkit/bookingkit/storage"
)

// services holds what the handlers work with: the storage backend and each
// module's service, built once at start.
type services struct {
	stores storage.Stores
	// engine authorises the booking engine's server-to-server calls.
	engine httpapi.Token
	mogu   *moguServer
	// standby is the standby queues' service and its HTTP API for the
	// engine (package standbyhttp); other modules put passengers into the
	// queues through its embedded *standby.Service (staffid:
	// standby.AddBooking on a completed standby booking).
	standby *standbyServer
	// outbox keeps the mails and queued account requests; run starts its
	// worker (mailer.go).
	outbox  *outbox.Outbox
	partner *partnerServer
	// imports serves the employee list's upload, control-panel page and
	// history (package staffidhttp, wired in import_wiring.go).
	imports *importServer
	// staff is the employees' accounts and bookings and their API under
	// /api/staff (package staffidhttp, wired in staff_wiring.go):
	// registration, sign-in, passengers, bookings, the standby queue.
	staff *staffServer
	// metrics counts requests, imports, standby queues and the outbox
	// (package metrics), served at /metrics and on the admin address.
	metrics *metrics.Metrics
}

// newServices builds the modules' services over stores. stdout receives the
// few things printed once for the operator (such as a generated token).
func newServices(ctx context.Context, logger *slog.Logger, cfg Config, stores storage.Stores, stdout io.Writer) (*services, error) {
	engine, err := loadToken(ctx, stores.Settings, "engine", cfg.EngineToken, stdout)
	if err != nil {
		return nil, err
	}
	// Mail leaves through the outbox: the handlers store it, the worker
	// that run starts sends it.
	ob, err := newOutbox(cfg, stores, logger)
	if err != nil {
		return nil, err
	}
	moguSrv, err := newMoguServer(ctx, logger, cfg, stores, ob.Mailer(moguMailKind), ob)
	if err != nil {
		return nil, err
	}
	standbySrv, err := newStandbyServer(ctx, logger, cfg, stores)
	if err != nil {
		return nil, err
	}
	mailer := ob.Mailer(outbox.KindMail)
	partnerSrv, err := newPartnerServer(ctx, logger, cfg, stores, mailer, ob)
	if err != nil {
		return nil, err
	}
	staffidCfg, err := cfg.File.StaffID.Module()
	if err != nil {
		return nil, err
	}
	imports, err := newImportServer(ctx, logger, cfg, stores, staffidCfg, mailer, stdout)
	if err != nil {
		return nil, err
	}
	staff, err := newStaffServer(logger, cfg, staffidCfg, stores, mailer, ob, standbySrv)
	if err != nil {
		return nil, err
	}
	if err := staff.reconcile(ctx); err != nil {
		return nil, err
	}
	// The registrations and resets the requests queue are completed by
	// the outbox's worker, in the language each request kept, else the
	// deployment's default.
	for _, a := range []interface {
		QueuedHandlers() map[string]outbox.Handler
	}{staff.accounts, moguSrv.accounts, partnerSrv.accounts} {
		for kind, h := range a.QueuedHandlers() {
			ob.Handle(kind, func(ctx context.Context, payload json.RawMessage) error {
				return h(locale.WithDefault(ctx, cfg.Language), payload)
			})
		}
	}
	// An import that gives an employee another email moves their account
	// there (staffid.Accounts.FollowList).
	imports.importer.AfterImport = staff.followList
	m := metrics.New()
	m.ObserveImports(imports.importer)
	m.WatchStandby(standbySrv.Service)
	m.WatchOutbox(ob)
	return &services{metrics: m, stores: stores, engine: engine, mogu: moguSrv, standby: standbySrv, outbox: ob, partner: partnerSrv,
		imports: imports, staff: staff}, nil
}

// standbyServer is the standby service with its HTTP API. Its embedded
// *standby.Service is also the seam for other modules: staffid's booking
// flow calls services.standby.AddBooking when a standby booking completes,
// so the passengers join their queues within the same process.
type standbyServer struct {
	*standby.Service
	handler *standbyhttp.Handler
}

// newStandbyServer builds the standby service over stores and its HTTP
// API, and rebuilds the live queues from storage before the server serves:
// a restart loses no place.
func newStandbyServer(ctx context.Context, logger *slog.Logger, cfg Config, stores storage.Stores) (*standbyServer, error) {
	shared, maxPage, err := cfg.File.Standby.Queues(stores.Backend)
	if err != nil {
		return nil, err
	}
	svc := &standby.Service{Store: stores.Standby, Shared: shared, MaxViewLimit: maxPage}
	start := time.Now()
	stats, err := svc.Rebuild(ctx)
	if err != nil {
		return nil, fmt.Errorf("standby: rebuild the queues from storage: %w", err)
	}
	logger.Info("standby: queues rebuilt", "flights", stats.Flights, "entries", stats.Entries,
		"duration", time.Since(start).Round(time.Millisecond), "shared", shared)
	handler, err := standbyhttp.NewHandler(svc, standbyhttp.Options{Logger: logger, Idempotency: stores.Idempotency})
	if err != nil {
		return nil, err
	}
	return &standbyServer{Service: svc, handler: handler}, nil
}
