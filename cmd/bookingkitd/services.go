package main

import (
	"context"
	"io"
	"log/slog"

	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/outbox"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/storage"
)

// services holds what the handlers work with: the storage backend and each
// module's service, built once at start.
type services struct {
	stores storage.Stores
	// engine authorises the booking engine's server-to-server calls.
	engine bearerToken
	mogu   *moguServer
	// standby is the standby queues' service and handlers; other modules
	// put passengers into the queues through its embedded
	// *standby.Service (staffid: standby.AddBooking on a completed
	// standby booking).
	standby *standbyServer
	// mailer takes the one-time sign-in links of modules without a mail
	// setting of their own into the outbox, whose worker sends them
	// (mailer.go): SMTP when BOOKINGKIT_SMTP_ADDR is set, else the
	// development folder mailer.
	mailer  account.Mailer
	outbox  *outbox.Outbox
	partner *partnerServer
	// staffidConfig is the staff-travel module's settings (the config
	// file's staffid section, defaults filled in), the same for every
	// staffid service of the server; imports serves the employee list's
	// upload, control-panel page and history (import.go).
	staffidConfig staffid.Config
	imports       *importServer
	// staff serves the employees' own API under /api/staff (staff.go):
	// registration, sign-in, passengers, bookings, the standby queue.
	staff *staffServer
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
	partnerSrv, err := newPartnerServer(ctx, logger, cfg, stores, mailer)
	if err != nil {
		return nil, err
	}
	staffidCfg, err := newStaffIDConfig(cfg.File.StaffID)
	if err != nil {
		return nil, err
	}
	imports, err := newImportServer(ctx, logger, cfg, stores, staffidCfg, stdout)
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
	// the outbox's worker.
	partnerSrv.requests = ob
	staff.handleQueued(ob)
	moguSrv.handleQueued(ob)
	partnerSrv.handleQueued(ob)
	// An import that gives an employee another email moves their account
	// there (staffid.Accounts.FollowList).
	imports.importer.AfterImport = staff.followList
	return &services{stores: stores, engine: engine, mogu: moguSrv, standby: standbySrv, mailer: mailer, outbox: ob, partner: partnerSrv,
		staffidConfig: staffidCfg, imports: imports, staff: staff}, nil
}
