package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/bookingkit/bookingkit/staffid"
)

// runStaffIDExport writes the stored employee list to a file or standard
// output, as the server's GET /api/staffid/export does.
func runStaffIDExport(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "bookingkit staffid export", "[-format json|xlsx|csv] [-o FILE]",
		"Writes the employee list stored in the database — every person, blocked ones marked —\n"+
			"under the list's own field names, then Blocked (1 or 0) and ID (the identity hash), so\n"+
			"that it can be checked against an HR system. json is an array of records as an upload's\n"+
			"(the export of -state active, imported again, changes nothing); xlsx a workbook and csv\n"+
			"comma-separated text, where a cell that starts with =, +, -, @, tab or CR carries a\n"+
			"leading single quote. The people are read page by page. Without -o, or with -o -,\n"+
			"writes to standard output; a file is written whole or not at all.")
	db := dbFlag(e, fs)
	formatName := fs.String("format", "", "json, xlsx or csv (default: from the -o file's extension, else json)")
	stateName := fs.String("state", "all", "which people: all, active or blocked")
	out := fs.String("o", "-", "output `file`; - is standard output")
	if ok, err := parse(fs, args); !ok {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("staffid export: unexpected argument %q; name the output with -o FILE", fs.Arg(0))
	}
	name := *formatName
	if name == "" && *out != "-" {
		switch ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(*out), ".")); ext {
		case "json", "xlsx", "csv":
			name = ext
		}
	}
	format, err := staffid.ParseExportFormat("-format", name)
	if err != nil {
		return fmt.Errorf("staffid export: %w", err)
	}
	state, ok := map[string]staffid.StateQuery{"all": staffid.AnyState, "active": staffid.OnlyActive, "blocked": staffid.OnlyBlocked}[*stateName]
	if !ok {
		return fmt.Errorf("staffid export: -state %q: expected all, active or blocked", *stateName)
	}

	s, err := openDB(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	opts := staffid.ExportOptions{Format: format, State: state}
	if *out == "-" {
		sum, err := staffid.Export(ctx, s.StaffID, e.stdout, opts)
		if err != nil {
			return fmt.Errorf("staffid export: %w", err)
		}
		fmt.Fprintf(e.stderr, "exported %d people (%d blocked) as %s\n", sum.People, sum.Blocked, format)
		return nil
	}
	// Into a temporary file beside the output, renamed at the end: a
	// failed export leaves no partial list behind. The file is the
	// owner's alone (0600), as the list holds personal data.
	tmp, err := os.CreateTemp(filepath.Dir(*out), "."+filepath.Base(*out)+".*")
	if err != nil {
		return fmt.Errorf("staffid export: %w", err)
	}
	sum, err := staffid.Export(ctx, s.StaffID, tmp, opts)
	err = errors.Join(err, tmp.Close())
	if err == nil {
		err = os.Rename(tmp.Name(), *out)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("staffid export: %w", err)
	}
	fmt.Fprintf(e.stdout, "wrote %s: %d people (%d blocked) as %s\n", *out, sum.People, sum.Blocked, format)
	return nil
}
