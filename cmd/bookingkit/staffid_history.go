package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/bookingkit/bookingkit/staffid"
)

// runStaffIDHistory prints the import history, or with -id whom one
// import changed, as the server's GET /api/staffid/imports and
// GET /api/staffid/imports/{id}/changes do.
func runStaffIDHistory(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "bookingkit staffid history", "[-id N [-kind K]] [-limit N] [-cursor C] [-json]",
		"Without -id, prints the import history, newest first: every upload, accepted or refused,\n"+
			"with its counts. With -id, prints whom that import changed, by name: the people it\n"+
			"created, updated (with the list's fields that changed), blocked and unblocked, every one\n"+
			"of them (or only -kind's), page after page. -limit stops after so many lines and prints\n"+
			"the -cursor that goes on from there on standard error. -json prints one JSON object a line.")
	db := dbFlag(e, fs)
	id := fs.Int64("id", 0, "the `import` whose people to print")
	kindName := fs.String("kind", "", "with -id, only the people `created`, updated, blocked or unblocked")
	limit := fs.Int("limit", 0, "print at most this many lines (default: all)")
	cursor := fs.String("cursor", "", "go on from where a -limit stopped")
	asJSON := fs.Bool("json", false, "print one JSON object a line")
	if ok, err := parse(fs, args); !ok {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("staffid history: unexpected argument %q", fs.Arg(0))
	}
	kind, err := staffid.ParseChangeKind(*kindName)
	if err != nil {
		return fmt.Errorf("staffid history: -kind: %w", err)
	}
	if kind != "" && *id == 0 {
		return fmt.Errorf("staffid history: -kind needs -id")
	}
	im, closeDB, err := openImporter(ctx, *db, staffid.Config{})
	if err != nil {
		return err
	}
	defer closeDB()
	p := &historyPrinter{e: e, json: *asJSON, left: *limit}
	if *id == 0 {
		err = p.imports(ctx, im, *cursor)
	} else {
		err = p.changes(ctx, im, *id, kind, *cursor)
	}
	if err != nil {
		return fmt.Errorf("staffid history: %w", err)
	}
	return nil
}

// historyPrinter prints the lines of staffid history, at most left of
// them when left > 0.
type historyPrinter struct {
	e    *env
	json bool
	left int
}

// page returns the page size to ask for: what is left to print, at most
// the largest page.
func (p *historyPrinter) page() int {
	if p.left > 0 {
		return min(p.left, staffid.MaxPageSize)
	}
	return staffid.MaxPageSize
}

// done counts n lines printed and reports whether the limit is reached,
// printing next, the cursor to go on with, when there is one.
func (p *historyPrinter) done(n int, next string) bool {
	if next == "" {
		return true
	}
	if p.left > 0 {
		if p.left -= n; p.left <= 0 {
			fmt.Fprintf(p.e.stderr, "more: -cursor %s\n", next)
			return true
		}
	}
	return false
}

func (p *historyPrinter) imports(ctx context.Context, im *staffid.Importer, cursor string) error {
	var q staffid.HistoryQuery
	if cursor != "" {
		if _, err := fmt.Sscan(cursor, &q.BeforeID); err != nil || q.BeforeID < 1 {
			return fmt.Errorf("-cursor %q: expected the ID an earlier page printed", cursor)
		}
	}
	tw := tabwriter.NewWriter(p.e.stdout, 0, 4, 2, ' ', 0)
	if !p.json {
		fmt.Fprintln(tw, "ID\tAT\tSOURCE\tSTATUS\tCREATED\tUPDATED\tUNCHANGED\tBLOCKED\tUNBLOCKED\tACTOR")
	}
	for {
		q.Limit = p.page()
		page, err := im.History(ctx, q)
		if err != nil {
			return err
		}
		err = printLines(p, tw, page.Items, func(e staffid.HistoryEntry) string {
			c := staffid.SyncCounts{}
			if e.Report.SyncCounts != nil {
				c = *e.Report.SyncCounts
			}
			return fmt.Sprintf("%d\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%s", e.ID, e.At.Format(time.RFC3339), e.Source, e.Report.Status,
				c.Created, c.Updated, c.Unchanged, c.Blocked, c.Unblocked, e.Actor)
		})
		if err != nil {
			return err
		}
		next := ""
		if page.Next != 0 {
			next = fmt.Sprint(page.Next)
		}
		if p.done(len(page.Items), next) {
			return tw.Flush()
		}
		q.BeforeID = page.Next
	}
}

func (p *historyPrinter) changes(ctx context.Context, im *staffid.Importer, id int64, kind staffid.ChangeKind, cursor string) error {
	tw := tabwriter.NewWriter(p.e.stdout, 0, 4, 2, ' ', 0)
	if !p.json {
		fmt.Fprintln(tw, "CHANGE\tNAME\tEMPLOYEE ID\tFIELDS\tID")
	}
	for {
		page, err := im.Changes(ctx, id, kind, cursor, p.page())
		if err != nil {
			return err
		}
		err = printLines(p, tw, page.Items, func(c staffid.ImportChange) string {
			return fmt.Sprintf("%s\t%s\t%s\t%s\t%s", c.Kind, c.Name, c.EmployeeID, strings.Join(c.Fields, ","), c.ID)
		})
		if err != nil {
			return err
		}
		if p.done(len(page.Items), page.Next) {
			return tw.Flush()
		}
		cursor = page.Next
	}
}

// printLines prints items, each as a line of JSON or as line gives it
// to the table tw.
func printLines[T any](p *historyPrinter, tw io.Writer, items []T, line func(T) string) error {
	enc := json.NewEncoder(p.e.stdout)
	enc.SetEscapeHTML(false)
	for _, item := range items {
		if !p.json {
			fmt.Fprintln(tw, line(item))
		} else if err := enc.Encode(item); err != nil {
			return err
		}
	}
	return nil
}
