package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/bookingkit/bookingkit/staffid"
)

// runStaffIDHeld is "bookingkit staffid held": the list the mass-block
// guard held for a manager's decision, as the server's
// GET /api/staffid/held and POST /api/staffid/held/{id}/approve|reject.
func runStaffIDHeld(ctx context.Context, e *env, args []string) error {
	return dispatch(ctx, e, "bookingkit staffid held", []command{
		{"show", "print the held list and whom it would create, update, block and unblock, by name", runStaffIDHeldShow},
		{"approve", "import the held list ID (the people it blocks are blocked)", func(ctx context.Context, e *env, args []string) error {
			return runStaffIDHeldDecide(ctx, e, args, "approve")
		}},
		{"reject", "discard the held list ID: nothing is imported", func(ctx context.Context, e *env, args []string) error {
			return runStaffIDHeldDecide(ctx, e, args, "reject")
		}},
	}, args)
}

// runStaffIDHeldShow prints the held list as JSON.
func runStaffIDHeldShow(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "bookingkit staffid held show", "",
		"Prints the list the mass-block guard held (it would block more than the configured share of\n"+
			"the active people) as JSON: its ID, who uploaded it and when, what approving it would do,\n"+
			"and in report.changes whom it would create, update, block and unblock, by name. Exits with\n"+
			"status 1 when no list is held.")
	db := dbFlag(e, fs)
	if ok, err := parse(fs, args); !ok {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("staffid held show: unexpected argument %q", fs.Arg(0))
	}
	im, closeDB, err := openImporter(ctx, *db, staffid.Config{})
	if err != nil {
		return err
	}
	defer closeDB()
	held, err := im.Held(ctx)
	if err != nil {
		return fmt.Errorf("staffid held show: %w", err)
	}
	return printIndented(e, held)
}

// runStaffIDHeldDecide approves or rejects the held list with the ID
// given, as the operator running the command (source "cli" in the
// history), and prints the decision's report.
func runStaffIDHeldDecide(ctx context.Context, e *env, args []string, decision string) error {
	name := "bookingkit staffid held " + decision
	summary := "Approves the held list ID: its people are planned again against the stored ones and\n" +
		"imported past the guard, provided the stored people are those it was held against (else it\n" +
		"is superseded and nothing is imported, exit status 1). Give the server's -config, whose\n" +
		"staffid section reads the list as the server did. Prints the import report as JSON."
	if decision == "reject" {
		summary = "Rejects the held list ID: nothing is imported, and the history records the rejection.\n" +
			"Prints the report as JSON."
	}
	fs := newFlags(e, name, "ID", summary)
	db := dbFlag(e, fs)
	config := configFlag(e, fs)
	arg, ok, err := parseWithFile(fs, args)
	if !ok {
		return err
	}
	id, err := strconv.ParseInt(arg, 10, 64)
	if err != nil || id < 1 {
		return fmt.Errorf("staffid held %s: the ID is the held list's, a positive number (staffid held show), not %q", decision, arg)
	}
	cfg, err := staffidConfig(*config)
	if err != nil {
		return err
	}
	im, closeDB, err := openImporter(ctx, *db, cfg)
	if err != nil {
		return err
	}
	defer closeDB()
	opts := staffid.ImportOptions{Source: staffid.SourceCLI, Actor: name}
	if user := e.getenv("USER"); user != "" {
		opts.Actor += " by " + user
	}
	decide := im.ApproveHeld
	if decision == "reject" {
		decide = im.RejectHeld
	}
	report, err := decide(ctx, id, opts)
	if report == nil {
		return fmt.Errorf("staffid held %s: %w", decision, err)
	}
	if decision == "reject" {
		// Made, a rejection is a success, though nothing was imported.
		return printIndented(e, report)
	}
	return printReport(e, report)
}

// printIndented writes v as indented JSON.
func printIndented(e *env, v any) error {
	out, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s\n", out)
	return nil
}

// openImporter opens the database db and returns an importer over it with
// cfg that holds the lists the guard stops, as the server does, and the
// function that closes the database.
func openImporter(ctx context.Context, db string, cfg staffid.Config) (*staffid.Importer, func() error, error) {
	s, err := openDB(ctx, db)
	if err != nil {
		return nil, nil, err
	}
	im, err := staffid.NewImporter(cfg, s.StaffID)
	if err != nil {
		s.Close()
		return nil, nil, err
	}
	im.HeldStore = s.StaffIDHeld
	return im, s.Close, nil
}
