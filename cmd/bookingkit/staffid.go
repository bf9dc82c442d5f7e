package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/bookingkit/bookingkit/cmd/internal/config"
	"github.com/bookingkit/bookingkit/staffid"
)

// staffidCommand is "bookingkit staffid": the employee list's offline jobs.
func staffidCommand() command {
	return command{"staffid", "staff travel: validate, import or export an employee list, decide on a held one, and read the import history", func(ctx context.Context, e *env, args []string) error {
		return dispatch(ctx, e, "bookingkit staffid", []command{
			{"validate", "check an employee list and print the import report, importing nothing", runStaffIDValidate},
			{"import", "import an employee list into the database and print the report", runStaffIDImport},
			{"export", "write the stored employee list (blocked people marked) as JSON, .xlsx or CSV", runStaffIDExport},
			{"history", "print the import history, or whom one import created, updated, blocked and unblocked", runStaffIDHistory},
			{"held", "show, approve or reject the list the mass-block guard held for a manager's decision", runStaffIDHeld},
		}, args)
	}}
}

// staffidConfig reads the staffid section of the server's config file at
// path ("" = the defaults), as the server does.
func staffidConfig(path string) (staffid.Config, error) {
	var section config.StaffID
	if err := config.LoadSection(path, "staffid", &section); err != nil {
		return staffid.Config{}, err
	}
	return section.Module()
}

// staffidFormat tells the format from the file name: .json and .xlsx say
// it; anything else is told from the content (a legacy .xls is recognised
// and refused with a message saying to save it as .xlsx).
func staffidFormat(name string) staffid.Format {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".json":
		return staffid.FormatJSON
	case ".xlsx":
		return staffid.FormatXLSX
	}
	return staffid.FormatAuto
}

// parseWithFile parses flags given before or after the one FILE argument.
func parseWithFile(fs *flag.FlagSet, args []string) (file string, ok bool, err error) {
	var files []string
	for rest := args; ; {
		if ok, err := parse(fs, rest); !ok {
			return "", false, err
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	if len(files) != 1 {
		fs.Usage()
		return "", false, fmt.Errorf("%s: want one FILE, got %d arguments", fs.Name(), len(files))
	}
	return files[0], true, nil
}

func configFlag(e *env, fs *flag.FlagSet) *string {
	return fs.String("config", e.getenv("BOOKINGKIT_CONFIG"), "the server's JSON config `file`, for its staffid section (env BOOKINGKIT_CONFIG)")
}

// printReport writes the report as indented JSON and returns exitError(1)
// when it is a refusal: the report says why.
func printReport(e *env, report *staffid.Report) error {
	out, err := json.MarshalIndent(report, "", "  ")
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s\n", out)
	if !report.OK() {
		return exitError(1)
	}
	return nil
}

// openList opens the list file; "-" is standard input.
func openList(e *env, name string) (io.Reader, func(), error) {
	if name == "-" {
		if e.stdin == nil {
			return nil, nil, errors.New("no standard input to read the list from")
		}
		return e.stdin, func() {}, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, err
	}
	return f, func() { f.Close() }, nil
}

// runStaffIDValidate checks a list as the import would and prints the
// report, touching no database.
func runStaffIDValidate(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "bookingkit staffid validate", "FILE",
		"Reads an employee list (a JSON array of records or an .xlsx workbook) and checks every\n"+
			"record and the whole list as an import would, without a database. Prints the import\n"+
			"report as JSON (the counts say what would be imported) and exits with status 1 when\n"+
			"the list would be refused. FILE - reads standard input.")
	config := configFlag(e, fs)
	file, ok, err := parseWithFile(fs, args)
	if !ok {
		return err
	}
	cfg, err := staffidConfig(*config)
	if err != nil {
		return err
	}
	im, err := staffid.NewImporter(cfg, nil)
	if err != nil {
		return err
	}
	f, done, err := openList(e, file)
	if err != nil {
		return fmt.Errorf("staffid validate: %w", err)
	}
	defer done()
	report, err := im.Validate(ctx, f, staffidFormat(file))
	if report == nil {
		return fmt.Errorf("staffid validate %s: %w", file, err)
	}
	return printReport(e, report)
}

// runStaffIDImport imports a list into the database by hand, as an upload
// would (source "cli" in the import history), and prints the report.
func runStaffIDImport(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "bookingkit staffid import", "FILE",
		"Imports an employee list (a JSON array of records or an .xlsx workbook) into the\n"+
			"database, as the upload endpoint does: the whole list, all or nothing; people absent\n"+
			"from it are blocked. Prints the import report as JSON and exits with status 1 when\n"+
			"the list was refused. The import is recorded in the history with source \"cli\".")
	db := dbFlag(e, fs)
	config := configFlag(e, fs)
	force := fs.Bool("force", false, "import even when the list is empty or blocks more than the configured share of the active people")
	dryRun := fs.Bool("dry-run", false, "preview: print the report of what the import would do, with the people it would create, update, block and unblock by name, and write nothing")
	file, ok, err := parseWithFile(fs, args)
	if !ok {
		return err
	}
	cfg, err := staffidConfig(*config)
	if err != nil {
		return err
	}
	f, done, err := openList(e, file)
	if err != nil {
		return fmt.Errorf("staffid import: %w", err)
	}
	defer done()
	im, closeDB, err := openImporter(ctx, *db, cfg) // a list the guard stops is held, as the server holds it
	if err != nil {
		return err
	}
	defer closeDB()
	actor := "bookingkit staffid import"
	if user := e.getenv("USER"); user != "" {
		actor += " by " + user
	}
	report, err := im.Import(ctx, f, staffidFormat(file), staffid.ImportOptions{Source: staffid.SourceCLI, Actor: actor, Force: *force, DryRun: *dryRun})
	if report == nil {
		return fmt.Errorf("staffid import %s: %w", file, err)
	}
	switch {
	case errors.Is(err, staffid.ErrHeld):
		report.ErrorMsg += fmt.Sprintf(" (see it with bookingkit staffid held show; approve or reject it with bookingkit staffid held approve|reject %d)", report.Held.ID)
	case staffid.Forceable(err):
		report.ErrorMsg += " (to import it anyway, run again with -force)"
	}
	return printReport(e, report)
}
